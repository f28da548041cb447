//! What a closed day comes down to: per symbol its rows, times, quote counts, trades, dollars
//! and the bursts that hit it; per day what `ki2 stats` reports. Built from the day's rows once,
//! then kept in the index so that nobody reads the day's CSV files again.

use std::collections::HashMap;

use crate::archive::{Day, DayData, SecondOfDay};
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
    /// The bursts whose symbol file names it, with its NT there, by burst time.
    pub bursts: Vec<(SecondOfDay, u32)>,
    /// Its largest dollar figures, largest first, at most `TOP` (not kept in memory for
    /// every day: only enrichment reads them).
    pub top: Vec<f64>,
}

impl SymbolSummary {
    fn new(symbol: &str) -> SymbolSummary {
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
}

impl DaySummary {
    pub fn symbol(&self, name: &str) -> Option<&SymbolSummary> {
        self.symbols.binary_search_by(|s| s.symbol.as_str().cmp(name)).ok().map(|i| &self.symbols[i])
    }
}

/// Summarises a day read whole. The hft1 rows are folded here and dropped before the store
/// that counts the rest is built, so the day is never held twice.
pub fn summarize(mut data: DayData) -> anyhow::Result<DaySummary> {
    let day = data.day;
    let quotes = std::mem::take(&mut data.quotes);
    let mut by_symbol: HashMap<&str, (SymbolSummary, Vec<f64>)> = HashMap::new();
    let mut max: Option<(u32, usize)> = None;
    let mut null_dollars = 0u64;
    for (i, r) in quotes.rows().enumerate() {
        let (s, dollars) = by_symbol.entry(r.symbol).or_insert_with(|| (SymbolSummary::new(r.symbol), Vec::new()));
        s.rows += 1;
        s.first = Some(s.first.map_or(r.time, |t| t.min(r.time)));
        s.last = Some(s.last.map_or(r.time, |t| t.max(r.time)));
        s.max_quotes = s.max_quotes.max(r.num_quotes);
        s.sum_quotes += u64::from(r.num_quotes);
        s.trades += u64::from(r.num_trades);
        match r.dollars {
            Some(d) => {
                s.dollars += d;
                s.dollars_n += 1;
                dollars.push(d);
            }
            None => null_dollars += 1,
        }
        // The first row with the most quotes, in file order (as `ki2 stats` says).
        if max.is_none_or(|(m, _)| r.num_quotes > m) {
            max = Some((r.num_quotes, i));
        }
    }
    let mut symbols: HashMap<String, SymbolSummary> = by_symbol
        .into_iter()
        .map(|(name, (mut s, mut dollars))| {
            s.top = largest(&mut dollars, TOP);
            (name.to_owned(), s)
        })
        .collect();
    for (t, hits) in &data.symbols {
        for h in hits {
            let s = symbols.entry(h.symbol.clone()).or_insert_with(|| SymbolSummary::new(&h.symbol));
            s.bursts.push((*t, h.num_trades));
        }
    }
    let max_quotes = max.map(|(m, i)| (m, quotes.symbol.get(i).to_owned()));
    let hft1_rows = quotes.len() as u64;
    drop(quotes);
    let store = DayStore::from_day(data).map_err(|e| anyhow::anyhow!("{day}: {e}"))?;
    let mut stats = store.stats().map_err(|e| anyhow::anyhow!("{day}: {e}"))?;
    stats.hft1_rows = hft1_rows;
    stats.null_dollars = null_dollars;
    stats.max_quotes = max_quotes.as_ref().map(|(m, _)| *m);
    stats.max_quotes_symbol = max_quotes.map(|(_, s)| s);
    let mut symbols: Vec<SymbolSummary> = symbols.into_values().collect();
    symbols.sort_by(|a, b| a.symbol.cmp(&b.symbol));
    Ok(DaySummary { day, stats, symbols })
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
}
