//! Context for a quote-stuffing alert: is the symbol new today, when was it last seen, and how
//! big is this row's dollar figure against the symbol's history.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use super::alert::iso_time;
use crate::archive::{Archive, ColumnOrder, Day, Kind, QuoteRow, Rows, SecondOfDay, read_file};

#[derive(Debug, Clone, PartialEq)]
pub struct Enrichment {
    pub day: Day,
    /// Time of the symbol's first hft1 row today.
    pub first_seen_today: SecondOfDay,
    /// The last earlier day (within the history read) with an hft1 row for the symbol.
    pub last_seen_day: Option<Day>,
    pub days_ago: Option<i64>,
    /// 1 = the largest dollars of the symbol's history (earlier days and today so far);
    /// equal amounts share a rank. None when the row has no dollars.
    pub dollars_rank: Option<usize>,
    /// How many dollar figures that history holds.
    pub dollars_of: usize,
}

impl Serialize for Enrichment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json {
            first_seen_today: String,
            last_seen_day: Option<String>,
            days_ago: Option<i64>,
            dollars_rank: Option<usize>,
            dollars_of: usize,
        }
        Json {
            first_seen_today: iso_time(self.day, self.first_seen_today),
            last_seen_day: self.last_seen_day.map(|d| d.to_string()),
            days_ago: self.days_ago,
            dollars_rank: self.dollars_rank,
            dollars_of: self.dollars_of,
        }
        .serialize(s)
    }
}

impl Enrichment {
    /// `first 09:30:00, last seen 2025-07-11 (3 days ago), $ 3rd largest of 57`
    pub fn describe(&self) -> String {
        let last = match (self.last_seen_day, self.days_ago) {
            (Some(d), Some(1)) => format!("last seen {d} (1 day ago)"),
            (Some(d), Some(n)) => format!("last seen {d} ({n} days ago)"),
            _ => "not seen on earlier days".to_owned(),
        };
        let rank = match self.dollars_rank {
            Some(r) => format!("$ {} largest of {}", ordinal(r), self.dollars_of),
            None => "$ unknown".to_owned(),
        };
        format!("first {}, {last}, {rank}", self.first_seen_today)
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `22nd`.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Per-symbol facts of a set of days.
#[derive(Debug, Default)]
struct SymbolStats {
    first: HashMap<String, SecondOfDay>,
    last_day: HashMap<String, Day>,
    dollars: HashMap<String, Ranked>,
}

impl SymbolStats {
    fn count_above(&self, symbol: &str, x: f64) -> (usize, usize) {
        self.dollars.get(symbol).map_or((0, 0), |v| (v.count_above(x), v.len()))
    }
}

/// Values kept for rank queries while they keep arriving: a sorted run plus a short unsorted
/// tail merged in when it fills. A sorted insert per row would cost a memmove of the whole
/// run each time — quadratic for SPY's ~25,000 rows on a heavy day.
#[derive(Debug, Default)]
struct Ranked {
    sorted: Vec<f64>,
    tail: Vec<f64>,
}

impl Ranked {
    const TAIL: usize = 256;

    fn push(&mut self, x: f64) {
        self.tail.push(x);
        if self.tail.len() >= Self::TAIL {
            self.settle();
        }
    }

    /// Merges the tail into the sorted run.
    fn settle(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        self.tail.sort_by(f64::total_cmp);
        let run = std::mem::take(&mut self.sorted);
        let mut merged = Vec::with_capacity(run.len() + self.tail.len());
        let (mut i, mut j) = (0, 0);
        while i < run.len() && j < self.tail.len() {
            if run[i] <= self.tail[j] {
                merged.push(run[i]);
                i += 1;
            } else {
                merged.push(self.tail[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&run[i..]);
        merged.extend_from_slice(&self.tail[j..]);
        self.sorted = merged;
        self.tail.clear();
    }

    fn len(&self) -> usize {
        self.sorted.len() + self.tail.len()
    }

    /// How many values are strictly greater than `x`.
    fn count_above(&self, x: f64) -> usize {
        self.sorted.len() - self.sorted.partition_point(|d| *d <= x) + self.tail.iter().filter(|d| **d > x).count()
    }
}

/// Builds enrichments: today's facts from the rows it is shown, earlier days' from their hft1
/// files, read once (on a thread of its own when `prefetch`ed, else on the first alert) and
/// capped at the last `MAX_DAYS` days present.
#[derive(Debug)]
pub struct Enricher {
    files: Vec<(Day, PathBuf)>,
    columns: ColumnOrder,
    today: Option<Day>,
    today_stats: SymbolStats,
    history: History,
}

#[derive(Debug, Default)]
enum History {
    #[default]
    None,
    /// Being read for that day on another thread.
    Loading(Day, std::sync::mpsc::Receiver<SymbolStats>),
    Ready(Day, SymbolStats),
}

impl Enricher {
    pub const MAX_DAYS: usize = 30;

    /// `files`: the archive's hft1 files by day (any order; days on or after the evaluated day
    /// are ignored).
    pub fn new(mut files: Vec<(Day, PathBuf)>, columns: ColumnOrder) -> Enricher {
        files.sort_by_key(|(d, _)| *d);
        Enricher { files, columns, today: None, today_stats: SymbolStats::default(), history: History::None }
    }

    pub fn from_archive(archive: &Archive, columns: ColumnOrder) -> Enricher {
        let files = archive.days.values().filter_map(|f| f.quotes.clone().map(|p| (f.day, p))).collect();
        Enricher::new(files, columns)
    }

    /// Starts reading the history `day`'s alerts need on a thread of its own, so that whoever
    /// evaluates (the TUI's event loop) does not wait for 30 days of files.
    pub fn prefetch(&mut self, day: Day) {
        if matches!(&self.history, History::Loading(d, _) | History::Ready(d, _) if *d == day) {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let (files, columns) = (self.files.clone(), self.columns);
        let started = std::thread::Builder::new().name("ki2-history".into()).spawn(move || {
            let _ = tx.send(read_history(&files, columns, day));
        });
        match started {
            Ok(_) => self.history = History::Loading(day, rx),
            Err(e) => tracing::warn!("cannot read the alert history in the background: {e}"),
        }
    }

    /// Whether the history for `day` is at hand (alerts then need no wait).
    pub fn ready(&mut self, day: Day) -> bool {
        if let History::Loading(d, rx) = &self.history
            && let Ok(stats) = rx.try_recv()
        {
            self.history = History::Ready(*d, stats);
        }
        matches!(&self.history, History::Ready(d, _) if *d == day)
    }

    fn load_history(&mut self, day: Day) {
        let loaded = match std::mem::take(&mut self.history) {
            History::Ready(d, stats) if d == day => stats,
            // Being read: the first alert waits for it (once).
            History::Loading(d, rx) if d == day => {
                rx.recv().unwrap_or_else(|_| read_history(&self.files, self.columns, day))
            }
            _ => read_history(&self.files, self.columns, day),
        };
        self.history = History::Ready(day, loaded);
    }

    /// Takes note of an hft1 row of `day` (every row, whether it alerts or not).
    pub fn observe(&mut self, day: Day, row: &QuoteRow) {
        if self.today != Some(day) {
            self.today = Some(day);
            self.today_stats = SymbolStats::default();
        }
        let stats = &mut self.today_stats;
        match stats.first.get_mut(row.symbol) {
            Some(t) => *t = (*t).min(row.time),
            None => {
                stats.first.insert(row.symbol.to_owned(), row.time);
            }
        }
        if let Some(d) = row.dollars {
            match stats.dollars.get_mut(row.symbol) {
                Some(v) => v.push(d),
                None => stats.dollars.entry(row.symbol.to_owned()).or_default().push(d),
            }
        }
    }

    /// The enrichment of a row already `observe`d.
    pub fn enrich(&mut self, day: Day, row: &QuoteRow) -> Enrichment {
        self.load_history(day);
        let empty = SymbolStats::default();
        let history = match &self.history {
            History::Ready(_, stats) => stats,
            _ => &empty,
        };
        let last_seen_day = history.last_day.get(row.symbol).copied();
        let (above_before, count_before) = row.dollars.map_or_else(
            || (0, history.dollars.get(row.symbol).map_or(0, Ranked::len)),
            |d| history.count_above(row.symbol, d),
        );
        let today = (self.today == Some(day)).then_some(&self.today_stats);
        let (above_today, count_today) = match (today, row.dollars) {
            (Some(t), Some(d)) => t.count_above(row.symbol, d),
            (Some(t), None) => (0, t.dollars.get(row.symbol).map_or(0, Ranked::len)),
            (None, _) => (0, 0),
        };
        Enrichment {
            day,
            first_seen_today: today.and_then(|t| t.first.get(row.symbol).copied()).unwrap_or(row.time),
            last_seen_day,
            days_ago: last_seen_day.map(|d| day.days_since(d)),
            dollars_rank: row.dollars.map(|_| above_before + above_today + 1),
            dollars_of: count_before + count_today,
        }
    }
}

fn read_history(files: &[(Day, PathBuf)], columns: ColumnOrder, day: Day) -> SymbolStats {
    let earlier: Vec<_> = files.iter().filter(|(d, _)| *d < day).collect();
    let mut stats = SymbolStats::default();
    for (d, path) in &earlier[earlier.len().saturating_sub(Enricher::MAX_DAYS)..] {
        let rows = match read_file(path, Kind::Quotes, None, columns) {
            Ok(read) => read.rows,
            Err(e) => {
                tracing::warn!("alert history: cannot read {}: {e}", path.display());
                continue;
            }
        };
        let Rows::Quotes(quotes) = rows else { continue };
        for row in quotes.rows() {
            // Days go in ascending order, so the last write is the latest day.
            match stats.last_day.get_mut(row.symbol) {
                Some(last) => *last = *d,
                None => {
                    stats.last_day.insert(row.symbol.to_owned(), *d);
                }
            }
            if let Some(x) = row.dollars {
                match stats.dollars.get_mut(row.symbol) {
                    Some(v) => v.tail.push(x),
                    None => {
                        stats.dollars.insert(row.symbol.to_owned(), Ranked { sorted: Vec::new(), tail: vec![x] });
                    }
                }
            }
        }
    }
    for v in stats.dollars.values_mut() {
        v.settle();
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_compact(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn row(symbol: &str, hhmmss: u32, dollars: Option<f64>) -> QuoteRow<'_> {
        let time = SecondOfDay::from_hhmmss(hhmmss).unwrap_or_default();
        QuoteRow { time, symbol, num_quotes: 2500, bbo: 1, num_trades: 1, dollars }
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal).to_vec();
        assert_eq!(got, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]);
    }

    #[test]
    fn history_and_today_rank_a_rows_dollars() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut files = Vec::new();
        // 31 earlier days: the oldest is beyond the 30-day cap and must not count.
        for n in 0..31 {
            let d = day("20250601").date() + chrono::Days::new(n);
            let path = dir.path().join(format!("{n}.csv"));
            let text = if n == 0 { "SPY,0,93000,2500,1,1,99999999,\r\nOLD,0,93000,2500,1,1,5,\r\n" } else { "" };
            let text = if n == 29 { "SPY,0,93000,2500,1,1,300,\r\nSPY,0,93001,2500,1,1,,\r\n" } else { text };
            std::fs::write(&path, text)?;
            files.push((Day::new(d), path));
        }
        let today = day("20250705");
        let mut e = Enricher::new(files, ColumnOrder::default());
        for r in [row("SPY", 93500, Some(100.0)), row("QQQ", 93501, None), row("SPY", 93502, Some(200.0))] {
            e.observe(today, &r);
        }
        let r = row("SPY", 93502, Some(200.0));
        let got = e.enrich(today, &r);
        // History: 300 (June 30); today: 100, 200. 200 is the 2nd largest of 3.
        assert_eq!(got.first_seen_today.to_string(), "09:35:00");
        assert_eq!(got.last_seen_day, Some(day("20250630")));
        assert_eq!(got.days_ago, Some(5));
        assert_eq!((got.dollars_rank, got.dollars_of), (Some(2), 3));
        assert_eq!(got.describe(), "first 09:35:00, last seen 2025-06-30 (5 days ago), $ 2nd largest of 3");
        let q = e.enrich(today, &row("QQQ", 93501, None));
        assert_eq!((q.last_seen_day, q.dollars_rank, q.dollars_of), (None, None, 0));
        assert_eq!(q.describe(), "first 09:35:01, not seen on earlier days, $ unknown");
        // OLD appeared only on the 31st day back.
        e.observe(today, &row("OLD", 100000, Some(1.0)));
        assert_eq!(e.enrich(today, &row("OLD", 100000, Some(1.0))).last_seen_day, None);
        Ok(())
    }
}

#[cfg(test)]
mod ranked_tests {
    use super::Ranked;

    #[test]
    fn ranks_match_a_plain_count_across_merges() {
        let mut r = Ranked::default();
        let mut all = Vec::new();
        let mut x: u64 = 7;
        for _ in 0..1000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = (x >> 40) as f64;
            r.push(v);
            all.push(v);
            let probe = ((x >> 20) % (1 << 24)) as f64;
            assert_eq!(r.count_above(probe), all.iter().filter(|d| **d > probe).count());
        }
        assert_eq!(r.len(), 1000);
    }
}
