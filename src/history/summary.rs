//! What a closed day comes down to: per symbol its rows, times, quote counts, trades, dollars
//! and the bursts that hit it; per day what `ki2 stats` reports. Built from the day's rows once,
//! then kept in the index so that nobody reads the day's CSV files again.

use std::collections::HashMap;

use crate::archive::fold::{SPLIT_FROM, fold_file};
use crate::archive::{
    Background, BurstRow, ColumnOrder, CounterCheck, Day, DayFiles, FileError, Grade, Kind, ProgType, Rows,
    SecondOfDay, read_day,
};
use crate::store::{DayStats, DayStore};

/// How many of a symbol's largest dollar figures a day keeps: ranks up to this are exact
/// across any number of days (the largest `TOP` of the union are among each day's `TOP`).
pub const TOP: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct SymbolSummary {
    pub symbol: String,
    pub rows: u32,
    pub first: Option<SecondOfDay>,
    pub last: Option<SecondOfDay>,
    pub max_quotes: u32,
    pub sum_quotes: u64,
    pub trades: u64,
    pub dollars: f64,
    /// Rows with a dollar figure.
    pub dollars_n: u32,
    /// Sums of squares of the rows' quote counts, trade counts and dollar figures: with the
    /// sums above, each field's mean and spread over any run of days (per-symbol normals).
    /// The counts' are exact; the dollars' depends on the order it was summed in (in the last
    /// bits: a square of a dollar figure passes 2^53).
    pub sq_quotes: u64,
    pub sq_trades: u64,
    pub sq_dollars: f64,
    /// The bursts whose symbol file names it, with its NT there, by burst time.
    pub bursts: Vec<(SecondOfDay, u32)>,
    /// Its largest dollar figures, largest first, at most `TOP` (not kept in memory for
    /// every day: only enrichment reads them).
    pub top: Vec<f64>,
}

impl SymbolSummary {
    pub fn new(symbol: &str) -> SymbolSummary {
        SymbolSummary {
            symbol: symbol.to_owned(),
            rows: 0,
            first: None,
            last: None,
            max_quotes: 0,
            sum_quotes: 0,
            trades: 0,
            dollars: 0.0,
            dollars_n: 0,
            sq_quotes: 0,
            sq_trades: 0,
            sq_dollars: 0.0,
            bursts: Vec::new(),
            top: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DaySummary {
    pub day: Day,
    pub stats: DayStats,
    /// Sorted by symbol.
    pub symbols: Vec<SymbolSummary>,
    pub values: QuoteValues,
    /// Whether the day's CB and CS move with its Buy/Sell labels.
    pub counters: CounterCheck,
    /// The day's burst rows in file order (only `summarize` and `file::load_bursts` fill it:
    /// the views that load an index for its symbols leave it empty).
    pub bursts: Vec<BurstFact>,
}

/// A burst row as the index keeps it (the symbols it hit are in the symbols' `bursts`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BurstFact {
    /// Seconds since midnight.
    pub time: u32,
    pub grade: Grade,
    pub prog_type: ProgType,
    pub background: Background,
    pub s1: u32,
    pub s2: u32,
    pub ct: u32,
    pub cb: u32,
    pub cs: u32,
}

impl BurstFact {
    pub fn of(b: &BurstRow) -> BurstFact {
        BurstFact {
            time: b.time.secs(),
            grade: b.grade,
            prog_type: b.prog_type,
            background: b.background,
            s1: b.s1,
            s2: b.s2,
            ct: b.ct,
            cb: b.cb,
            cs: b.cs,
        }
    }

    pub fn second(&self) -> Option<SecondOfDay> {
        SecondOfDay::from_secs(self.time)
    }

    /// The row again, as the rules see it (the index keeps no CU; no rule field reads it).
    pub fn row(&self) -> BurstRow {
        BurstRow {
            time: self.second().unwrap_or_default(),
            grade: self.grade,
            prog_type: self.prog_type,
            background: self.background,
            s1: self.s1,
            s2: self.s2,
            ct: self.ct,
            cb: self.cb,
            cs: self.cs,
            cu: None,
        }
    }
}

/// How many hft1 rows had each value of the count fields: what a threshold on them catches
/// that day, exactly (a few thousand distinct values even on a heavy day).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct QuoteValues {
    pub num_quotes: Vec<(u32, u32)>,
    pub num_trades: Vec<(u32, u32)>,
    pub bbo: Vec<(u32, u32)>,
}

impl QuoteValues {
    pub fn field(&self, name: &str) -> Option<&[(u32, u32)]> {
        match name {
            "num_quotes" => Some(&self.num_quotes),
            "num_trades" => Some(&self.num_trades),
            "bbo" => Some(&self.bbo),
            _ => None,
        }
    }
}

impl DaySummary {
    pub fn symbol(&self, name: &str) -> Option<&SymbolSummary> {
        self.symbols.binary_search_by(|s| s.symbol.as_str().cmp(name)).ok().map(|i| &self.symbols[i])
    }

    /// Each burst second's symbol file as its symbols, sorted (a burst with no file has none).
    pub fn burst_symbols(&self) -> std::collections::BTreeMap<SecondOfDay, Vec<&str>> {
        let mut by: std::collections::BTreeMap<SecondOfDay, Vec<&str>> = std::collections::BTreeMap::new();
        // `symbols` is sorted by name, so each burst's list comes out sorted too.
        for s in &self.symbols {
            for (t, _) in &s.bursts {
                by.entry(*t).or_default().push(s.symbol.as_str());
            }
        }
        by
    }
}

/// How many rows had each value: counted in place below `DENSE`, hashed above.
struct Counts {
    dense: Vec<u32>,
    sparse: foldhash::HashMap<u32, u32>,
}

const DENSE: usize = 1 << 14;

impl Default for Counts {
    fn default() -> Self {
        Counts { dense: vec![0; DENSE], sparse: foldhash::HashMap::default() }
    }
}

impl Counts {
    fn add(&mut self, v: u32, n: u32) {
        match self.dense.get_mut(v as usize) {
            Some(c) => *c += n,
            None => *self.sparse.entry(v).or_default() += n,
        }
    }

    fn merge(&mut self, other: Counts) {
        for (v, n) in other.pairs() {
            self.add(v, n);
        }
    }

    /// Ascending by value.
    fn pairs(self) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> =
            self.dense.iter().enumerate().filter(|(_, n)| **n > 0).map(|(v, n)| (v as u32, *n)).collect();
        let mut high: Vec<(u32, u32)> = self.sparse.into_iter().collect();
        high.sort_unstable();
        v.extend(high);
        v
    }
}

/// A symbol's figures while its rows are folded, and its dollar figures (trimmed to the largest).
type Slot = (SymbolSummary, Vec<f64>);

/// The symbols of a part, looked up once per row: a symbol of up to 7 bytes by its bytes packed
/// in a u64 (hashed and compared as one number; the string-keyed map was an eighth of a build),
/// longer ones by name. The slots themselves sit in a Vec, off the hash table.
#[derive(Default)]
struct Slots {
    short: foldhash::HashMap<u64, u32>,
    long: foldhash::HashMap<String, u32>,
    slots: Vec<Slot>,
}

/// The symbol's length in the low byte, its bytes above: no two symbols of up to 7 bytes share it.
fn packed(symbol: &str) -> Option<u64> {
    let b = symbol.as_bytes();
    (b.len() <= 7).then(|| b.iter().enumerate().fold(b.len() as u64, |k, (i, &c)| k | u64::from(c) << (8 * (i + 1))))
}

impl Slots {
    fn slot(&mut self, symbol: &str) -> &mut Slot {
        let slots = &mut self.slots;
        let mut new = || {
            slots.push((SymbolSummary::new(symbol), Vec::new()));
            (slots.len() - 1) as u32
        };
        let i = match packed(symbol) {
            Some(k) => *self.short.entry(k).or_insert_with(new),
            None => match self.long.get(symbol) {
                Some(&i) => i,
                None => {
                    let i = new();
                    self.long.insert(symbol.to_owned(), i);
                    i
                }
            },
        };
        &mut self.slots[i as usize]
    }
}

/// hft1 rows folded, per part of the file.
#[derive(Default)]
struct Acc {
    symbols: Slots,
    /// The first row with the most quotes, in file order (as `ki2 stats` says).
    max: Option<(u32, String)>,
    null_dollars: u64,
    rows: u64,
    num_quotes: Counts,
    num_trades: Counts,
    bbo: Counts,
}

impl Acc {
    fn add(&mut self, rows: &Rows) {
        let Rows::Quotes(q) = rows else { return };
        for r in q.rows() {
            self.rows += 1;
            self.num_quotes.add(r.num_quotes, 1);
            self.num_trades.add(r.num_trades, 1);
            self.bbo.add(r.bbo, 1);
            if self.max.as_ref().is_none_or(|(m, _)| r.num_quotes > *m) {
                self.max = Some((r.num_quotes, r.symbol.to_owned()));
            }
            let (s, dollars) = self.symbols.slot(r.symbol);
            s.rows += 1;
            s.first = Some(s.first.map_or(r.time, |t| t.min(r.time)));
            s.last = Some(s.last.map_or(r.time, |t| t.max(r.time)));
            s.max_quotes = s.max_quotes.max(r.num_quotes);
            s.sum_quotes += u64::from(r.num_quotes);
            s.trades += u64::from(r.num_trades);
            s.sq_quotes += u64::from(r.num_quotes).pow(2);
            s.sq_trades += u64::from(r.num_trades).pow(2);
            match r.dollars {
                Some(d) => {
                    s.dollars += d;
                    s.dollars_n += 1;
                    s.sq_dollars += d * d;
                    dollars.push(d);
                    // Only the largest are kept: trimmed now and then, not held whole.
                    if dollars.len() >= 4 * TOP {
                        let top = largest(dollars, TOP);
                        *dollars = top;
                    }
                }
                None => self.null_dollars += 1,
            }
        }
    }

    /// Adds a later part of the file.
    fn merge(&mut self, later: Acc) {
        self.rows += later.rows;
        self.null_dollars += later.null_dollars;
        self.num_quotes.merge(later.num_quotes);
        self.num_trades.merge(later.num_trades);
        self.bbo.merge(later.bbo);
        if let Some((m, sym)) = later.max
            && self.max.as_ref().is_none_or(|(mine, _)| m > *mine)
        {
            self.max = Some((m, sym));
        }
        for (s, dollars) in later.symbols.slots {
            // A symbol new to this part merges into an empty slot.
            let (mine, mine_dollars) = self.symbols.slot(&s.symbol);
            mine.rows += s.rows;
            mine.first = [mine.first, s.first].into_iter().flatten().min();
            mine.last = [mine.last, s.last].into_iter().flatten().max();
            mine.max_quotes = mine.max_quotes.max(s.max_quotes);
            mine.sum_quotes += s.sum_quotes;
            mine.trades += s.trades;
            mine.dollars += s.dollars;
            mine.dollars_n += s.dollars_n;
            mine.sq_quotes += s.sq_quotes;
            mine.sq_trades += s.sq_trades;
            mine.sq_dollars += s.sq_dollars;
            mine_dollars.extend(dollars);
        }
    }
}

/// Summarises a day from its files. The hft1 file (nearly all of a day) is folded as it is
/// read, a chunk at a time on every core, so a heavy day is never held whole; the other files
/// are read as the store reads them and counted by it. Files that could not be read are
/// returned with the summary of the rest.
pub fn summarize(files: &DayFiles, columns: ColumnOrder) -> anyhow::Result<(DaySummary, Vec<FileError>)> {
    summarize_split(files, columns, SPLIT_FROM)
}

/// As `summarize`, the hft1 file read in parts from `split_from` bytes (tests split small ones).
pub fn summarize_split(
    files: &DayFiles,
    columns: ColumnOrder,
    split_from: u64,
) -> anyhow::Result<(DaySummary, Vec<FileError>)> {
    let day = files.day;
    let mut errors = Vec::new();
    let mut acc = Acc::default();
    let mut hft1_malformed = 0u64;
    if let Some(path) = &files.quotes {
        match fold_file(path, Kind::Quotes, columns, split_from, Acc::default, Acc::add) {
            Ok(folded) => {
                hft1_malformed = folded.malformed.len() as u64;
                for part in folded.parts {
                    acc.merge(part);
                }
            }
            Err(e) => errors.push(FileError { path: path.clone(), message: e.to_string() }),
        }
    }
    let rest = DayFiles { quotes: None, ..files.clone() };
    let data = read_day(&rest, columns);
    errors.extend(data.errors.iter().cloned());
    let values = QuoteValues {
        num_quotes: std::mem::take(&mut acc.num_quotes).pairs(),
        num_trades: std::mem::take(&mut acc.num_trades).pairs(),
        bbo: std::mem::take(&mut acc.bbo).pairs(),
    };
    let mut symbols: HashMap<String, SymbolSummary> = acc
        .symbols
        .slots
        .into_iter()
        .map(|(mut s, mut dollars)| {
            s.top = largest(&mut dollars, TOP);
            (s.symbol.clone(), s)
        })
        .collect();
    for (t, hits) in &data.symbols {
        for h in hits {
            let s = symbols.entry(h.symbol.clone()).or_insert_with(|| SymbolSummary::new(&h.symbol));
            s.bursts.push((*t, h.num_trades));
        }
    }
    let bursts = data.bursts.iter().map(BurstFact::of).collect();
    let counters = CounterCheck::of(&data.bursts);
    let store = DayStore::from_day(data).map_err(|e| anyhow::anyhow!("{day}: {e}"))?;
    let mut stats = store.stats().map_err(|e| anyhow::anyhow!("{day}: {e}"))?;
    stats.hft1_rows = acc.rows;
    stats.null_dollars = acc.null_dollars;
    stats.malformed += hft1_malformed;
    stats.max_quotes = acc.max.as_ref().map(|(m, _)| *m);
    stats.max_quotes_symbol = acc.max.map(|(_, s)| s);
    let mut symbols: Vec<SymbolSummary> = symbols.into_values().collect();
    symbols.sort_by(|a, b| a.symbol.cmp(&b.symbol));
    Ok((DaySummary { day, stats, symbols, values, counters, bursts }, errors))
}

/// The `k` largest values, largest first.
fn largest(values: &mut [f64], k: usize) -> Vec<f64> {
    if values.len() > k {
        values.select_nth_unstable_by(k, |a, b| b.total_cmp(a));
    }
    let mut top = values[..values.len().min(k)].to_vec();
    top.sort_by(|a, b| b.total_cmp(a));
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_keeps_the_k_largest_in_order() {
        let mut v: Vec<f64> = (0..1000).map(|i| f64::from((i * 7919) % 1000)).collect();
        assert_eq!(largest(&mut v, 3), [999.0, 998.0, 997.0]);
        let mut few = vec![2.0, 5.0, 1.0];
        assert_eq!(largest(&mut few, 10), [5.0, 2.0, 1.0]);
    }

    #[test]
    fn each_symbol_has_one_slot_short_or_long() {
        let mut slots = Slots::default();
        let names = ["A", "AB", "BA", "BRK.B", "SEVENCH", "EIGHTCHR", "EIGHTCHS", "A"];
        for (i, n) in names.iter().enumerate() {
            slots.slot(n).0.rows += i as u32 + 1;
        }
        assert_eq!(slots.slots.len(), 7);
        let rows = |n: &str| slots.slots.iter().find(|s| s.0.symbol == n).map(|s| s.0.rows);
        assert_eq!((rows("A"), rows("EIGHTCHR"), rows("EIGHTCHS")), (Some(1 + 8), Some(6), Some(7)));
        assert_eq!((slots.short.len(), slots.long.len()), (5, 2));
        assert_ne!(packed("AB"), packed("BA"));
        assert_ne!(packed("A"), packed("A\0"));
        assert_eq!(packed("EIGHTCHR"), None);
    }
}
