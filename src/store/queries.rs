//! What the UI and alerts ask of a day. Each query costs what it shows (rows on screen, a
//! window of a series), not the size of the day, except where noted.

use polars::prelude::*;

use super::DayStore;
use super::frames::{TIME, day_start_ms};
use crate::archive::kind::{Name, name_of};
use crate::archive::{Background, BurstRow, Grade, Kind, ProgType, QuoteRow, SecondOfDay, SeriesRow, SymbolHit};

/// The two per-second series a day has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// hft3: stocks with HFT program bursts.
    S1,
    /// hft2: stocks with HFT quote bursts.
    S2,
}

/// A query's answer, or — when polars failed, which means the store's frames are not what the
/// queries expect (a bug) — nothing, said once in the log; in debug builds (the tests) a panic,
/// so that the bug is not hidden behind an empty pane.
pub(super) fn logged<T: Default>(r: PolarsResult<T>, query: &'static str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            static SAID: std::sync::Mutex<Vec<&str>> = std::sync::Mutex::new(Vec::new());
            let mut said = SAID.lock().unwrap_or_else(|p| p.into_inner());
            if !said.contains(&query) {
                said.push(query);
                tracing::error!("store query {query} failed: {e}");
            }
            debug_assert!(false, "store query {query} failed: {e}");
            T::default()
        }
    }
}

/// One hft1 row, owned, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteView {
    /// Row number in the day (stable: rows are only appended).
    pub index: usize,
    pub time: SecondOfDay,
    pub symbol: String,
    pub num_quotes: u32,
    pub bbo: u32,
    pub num_trades: u32,
    pub dollars: Option<f64>,
    pub trade_size: Option<f64>,
}

impl QuoteView {
    pub fn row(&self) -> QuoteRow<'_> {
        QuoteRow {
            time: self.time,
            symbol: &self.symbol,
            num_quotes: self.num_quotes,
            bbo: self.bbo,
            num_trades: self.num_trades,
            dollars: self.dollars,
        }
    }
}

/// A burst's symbols, or why there are none yet.
#[derive(Debug, Clone, PartialEq)]
pub enum SymbolsState {
    Present(Vec<SymbolHit>),
    /// No file yet, and the burst is recent: it usually comes within seconds.
    Pending,
    /// No file, long after the burst: the Burst Monitor did not write one.
    Missing,
    /// There is a file, and it cannot be read (permission denied...): why.
    Unreadable(String),
}

/// Whether `path` is the day's file of `kind` (for symbol files, of the burst at `burst`).
pub(super) fn names(path: &std::path::Path, kind: Kind, burst: Option<SecondOfDay>) -> bool {
    matches!(name_of(path), Name::File { kind: k, burst: b, .. } if k == kind && (kind != Kind::BurstSymbols || b == burst))
}

/// Seconds after a burst past which a symbols file that has not come is called missing.
pub const SYMBOLS_GRACE_S: u32 = 60;

/// Cumulative buy and sell program counts at one burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramPoint {
    pub time: SecondOfDay,
    pub cb: u32,
    pub cs: u32,
}

/// One symbol across the day.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SymbolDay {
    pub symbol: String,
    /// Its hft1 row numbers, in time order.
    pub rows: Vec<usize>,
    pub first: Option<SecondOfDay>,
    pub last: Option<SecondOfDay>,
    pub total_quotes: u64,
    pub max_quotes: u32,
    pub total_trades: u64,
    /// NumQuotes of each row, for a sparkline.
    pub quote_counts: Vec<u32>,
    /// Bursts whose symbols file names it.
    pub bursts: Vec<SecondOfDay>,
    /// hft1 rows looked at so far (`update_symbol_day` goes on from here).
    pub scanned: usize,
}

/// A symbol filter as typed after `/`: case-insensitive; a trailing `*` matches a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolFilter {
    upper: String,
    prefix: bool,
}

impl SymbolFilter {
    pub fn new(text: &str) -> Option<SymbolFilter> {
        let t = text.trim();
        let (body, prefix) = match t.strip_suffix('*') {
            Some(b) => (b, true),
            None => (t, false),
        };
        (!t.is_empty()).then(|| SymbolFilter { upper: body.to_uppercase(), prefix })
    }

    pub fn matches(&self, symbol: &str) -> bool {
        if self.prefix {
            symbol.len() >= self.upper.len()
                && symbol.is_char_boundary(self.upper.len())
                && symbol[..self.upper.len()].eq_ignore_ascii_case(&self.upper)
        } else {
            symbol.eq_ignore_ascii_case(&self.upper)
        }
    }
}

/// The hft1 columns, and the names their symbol numbers stand for.
pub(super) struct QuoteCols<'a> {
    pub(super) cols: &'a super::quote_table::QuoteTable,
    pub(super) names: &'a super::names::SymbolNames,
}

impl<'a> std::ops::Deref for QuoteCols<'a> {
    type Target = super::quote_table::QuoteTable;
    fn deref(&self) -> &Self::Target {
        self.cols
    }
}

pub(super) fn sod(ms: i64, base: i64) -> SecondOfDay {
    SecondOfDay::from_secs(((ms - base) / 1000).clamp(0, 86_399) as u32).unwrap_or_default()
}

/// A second of the day as hft1's packed `time` column keeps it.
pub(super) fn second(secs: u32) -> SecondOfDay {
    SecondOfDay::from_secs(secs.min(86_399)).unwrap_or_default()
}

fn times(df: &DataFrame, name: &str) -> PolarsResult<Int64Chunked> {
    Ok(df.column(name)?.datetime()?.physical().clone())
}

impl<'a> QuoteCols<'a> {
    fn get(&self, i: usize) -> Option<QuoteView> {
        // None past the end: a row number can outlive a rewritten file.
        let (dollars, num_trades) = (self.dollars.get(i)?, self.num_trades.get(i)?);
        Some(QuoteView {
            index: i,
            time: second(self.time.get(i)?),
            symbol: self.symbol_of(i)?.to_owned(),
            num_quotes: self.num_quotes.get(i)?,
            bbo: self.bbo.get(i)?,
            num_trades,
            dollars,
            trade_size: crate::archive::hft1::trade_size(dollars, num_trades),
        })
    }

    pub(super) fn symbol_of(&self, i: usize) -> Option<&'a str> {
        self.names.name(self.cols.symbol.get(i)?)
    }
}

impl DayStore {
    pub(super) fn quote_cols(&self) -> QuoteCols<'_> {
        QuoteCols { cols: &self.quotes, names: &self.names }
    }

    pub fn quotes_len(&self) -> usize {
        self.quotes.len()
    }

    /// Row `i` of the day's hft1 rows.
    pub fn quote_at(&self, i: usize) -> Option<QuoteView> {
        self.quote_cols().get(i)
    }

    /// Rows `indices`, in that order.
    pub fn quotes_at(&self, indices: impl IntoIterator<Item = usize>) -> Vec<QuoteView> {
        let c = self.quote_cols();
        indices.into_iter().filter_map(|i| c.get(i)).collect()
    }

    /// The newest `n` rows, newest first, skipping the `skip` newest.
    pub fn latest_quotes(&self, skip: usize, n: usize) -> Vec<QuoteView> {
        let len = self.quotes_len();
        let end = len.saturating_sub(skip);
        self.quotes_at((end.saturating_sub(n)..end).rev())
    }

    /// Row numbers (from `from` on) whose symbol matches: O(new rows) when called with the
    /// previous length, so a filter follows a live day cheaply.
    pub fn matching_quotes(&self, filter: &SymbolFilter, from: usize) -> Vec<usize> {
        let c = self.quote_cols();
        let matches = c.names.table(|s| filter.matches(s));
        let mut rows = Vec::new();
        c.symbol.each(from..c.len(), |i, id| {
            if matches.get(id as usize).copied().unwrap_or(false) {
                rows.push(i);
            }
        });
        rows
    }

    pub fn bursts_len(&self) -> usize {
        self.bursts.height()
    }

    /// Burst `i` of the day, in file order.
    pub fn burst_at(&self, i: usize) -> Option<BurstRow> {
        let b = &self.bursts;
        // polars' `get` panics past the end; a burst number can outlive a rewritten file.
        if i >= b.height() {
            return None;
        }
        let u = |name: &str| b.column(name).ok()?.u32().ok()?.get(i);
        let s = |name: &str| b.column(name).ok()?.str().ok()?.get(i).map(str::to_owned);
        Some(BurstRow {
            time: sod(b.column(TIME).ok()?.datetime().ok()?.physical().get(i)?, day_start_ms(self.day)),
            grade: Grade::parse_label(&s("grade")?)?,
            prog_type: ProgType::parse_label(&s("prog_type")?)?,
            background: if s("background")? == "Aggr" { Background::Aggr } else { Background::Port },
            s1: u("s1")?,
            s2: u("s2")?,
            ct: u("ct")?,
            cb: u("cb")?,
            cs: u("cs")?,
            cu: s("cu"),
        })
    }

    /// The newest `n` bursts, newest first, skipping the `skip` newest.
    pub fn latest_bursts(&self, skip: usize, n: usize) -> Vec<(usize, BurstRow)> {
        let end = self.bursts_len().saturating_sub(skip);
        (end.saturating_sub(n)..end).rev().filter_map(|i| Some((i, self.burst_at(i)?))).collect()
    }

    /// The symbols the burst at `time` hit, as its file lists them.
    pub fn burst_symbols(&self, time: SecondOfDay) -> SymbolsState {
        if !self.symbol_files.contains(&time) {
            if let Some(e) = self.errors.iter().find(|e| names(&e.path, Kind::BurstSymbols, Some(time))) {
                return SymbolsState::Unreadable(e.message.clone());
            }
            let age = self.last_time().map_or(0, |t| t.secs().saturating_sub(time.secs()));
            return if age > SYMBOLS_GRACE_S { SymbolsState::Missing } else { SymbolsState::Pending };
        }
        let ms = day_start_ms(self.day) + i64::from(time.secs()) * 1000;
        let hits = (|| -> PolarsResult<Vec<SymbolHit>> {
            let s = &self.symbols;
            let mask = s.column("burst_time")?.datetime()?.physical().equal(ms);
            let rows = s.filter(&mask)?;
            let sym = rows.column("symbol")?.str()?;
            let (nt, nq, bbo) =
                (rows.column("num_trades")?.u32()?, rows.column("num_quotes")?.u32()?, rows.column("bbo")?.u32()?);
            Ok((0..rows.height())
                .filter_map(|i| {
                    Some(SymbolHit {
                        symbol: sym.get(i)?.to_owned(),
                        num_trades: nt.get(i)?,
                        num_quotes: nq.get(i)?,
                        bbo: bbo.get(i)?,
                    })
                })
                .collect())
        })();
        SymbolsState::Present(logged(hits, "burst_symbols"))
    }

    /// Cumulative buy (CB) and sell (CS) program counts over the day, one point per burst.
    pub fn programs(&self) -> Vec<ProgramPoint> {
        let r = (|| -> PolarsResult<Vec<ProgramPoint>> {
            let t = times(&self.bursts, TIME)?;
            let (cb, cs) = (self.bursts.column("cb")?.u32()?, self.bursts.column("cs")?.u32()?);
            let base = day_start_ms(self.day);
            Ok(t.iter()
                .zip(cb.iter())
                .zip(cs.iter())
                .filter_map(|((t, cb), cs)| Some(ProgramPoint { time: sod(t?, base), cb: cb?, cs: cs? }))
                .collect())
        })();
        logged(r, "programs")
    }

    /// S1 (hft3) or S2 (hft2): the rows before row `end` (the screen may be
    /// paused), over the last `window_s` seconds of them.
    pub fn series(&self, which: Series, end: usize, window_s: u32) -> Vec<SeriesRow> {
        let df = self.series_frame(which);
        let r = (|| -> PolarsResult<Vec<SeriesRow>> {
            let t = df.column(TIME)?.datetime()?.physical();
            let v = df.column("value")?.u32()?;
            let base = day_start_ms(self.day);
            let end = end.min(t.len());
            let Some(last) = end.checked_sub(1).and_then(|i| t.get(i)) else { return Ok(Vec::new()) };
            let from = last - i64::from(window_s) * 1000;
            // Rows arrive in time order: walk back from the end only as far as the window.
            let mut out = Vec::new();
            for i in (0..end).rev() {
                let (Some(ms), Some(val)) = (t.get(i), v.get(i)) else { continue };
                if ms < from {
                    break;
                }
                out.push(SeriesRow { time: sod(ms, base), value: val });
            }
            out.reverse();
            Ok(out)
        })();
        logged(r, "series")
    }

    pub fn series_len(&self, which: Series) -> usize {
        self.series_frame(which).height()
    }

    fn series_frame(&self, which: Series) -> &DataFrame {
        match which {
            Series::S1 => &self.s1,
            Series::S2 => &self.s2,
        }
    }

    /// Bursts (by number in the day) whose symbols file names a symbol the filter matches
    /// (O(symbol rows + bursts): a few thousand; call when the data changes).
    pub fn bursts_hitting(&self, filter: &SymbolFilter) -> Vec<usize> {
        let r = (|| -> PolarsResult<Vec<usize>> {
            let sym = self.symbols.column("symbol")?.str()?;
            let t = times(&self.symbols, "burst_time")?;
            let hit: std::collections::HashSet<i64> =
                sym.iter().zip(t.iter()).filter_map(|(s, t)| filter.matches(s?).then_some(t?)).collect();
            if hit.is_empty() {
                return Ok(Vec::new());
            }
            let bt = times(&self.bursts, TIME)?;
            Ok(bt.iter().enumerate().filter_map(|(i, t)| hit.contains(&t?).then_some(i)).collect())
        })();
        logged(r, "bursts_hitting")
    }

    /// Everything the day holds about one symbol (O(rows in the day): call on demand, then
    /// keep it current with `update_symbol_day`).
    pub fn symbol_day(&self, symbol: &str) -> SymbolDay {
        let mut day = SymbolDay { symbol: symbol.trim().to_uppercase(), ..SymbolDay::default() };
        self.update_symbol_day(&mut day);
        day
    }

    /// Adds the rows appended since `day` was last brought up to date (O(new rows), plus the
    /// burst symbol files, a few thousand rows); starts over if the day's rows were replaced.
    pub fn update_symbol_day(&self, day: &mut SymbolDay) {
        let Some(filter) = SymbolFilter::new(&day.symbol) else { return };
        let len = self.quotes_len();
        if day.scanned > len {
            *day = SymbolDay { symbol: std::mem::take(&mut day.symbol), ..SymbolDay::default() };
        }
        let new = self.matching_quotes(&filter, day.scanned);
        day.scanned = len;
        // Columns read directly: no owned row (and its symbol string) per match.
        let c = self.quote_cols();
        let time = |i: usize| c.time.get(i).map(second);
        if day.first.is_none() {
            day.first = new.first().and_then(|&i| time(i));
            if let Some(name) = new.first().and_then(|&i| c.symbol_of(i)) {
                day.symbol = name.to_owned();
            }
        }
        day.last = new.last().and_then(|&i| time(i)).or(day.last);
        for &i in &new {
            let q = c.num_quotes.get(i).unwrap_or(0);
            day.quote_counts.push(q);
            day.total_quotes += u64::from(q);
            day.max_quotes = day.max_quotes.max(q);
            day.total_trades += u64::from(c.num_trades.get(i).unwrap_or(0));
        }
        day.rows.extend(new);
        if let Ok(sym) = self.symbols.column("symbol").and_then(|c| c.str())
            && let Ok(t) = times(&self.symbols, "burst_time")
        {
            let base = day_start_ms(self.day);
            day.bursts =
                sym.iter().zip(t.iter()).filter_map(|(s, t)| (filter.matches(s?)).then_some(sod(t?, base))).collect();
            day.bursts.dedup();
        }
    }
}
