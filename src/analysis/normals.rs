//! Each symbol against its own normal. For a quotes row of symbol S on day D: over the last
//! `DAYS` indexed days before D on which S had rows (looking back at most `LOOKBACK` indexed
//! days), the rows are pooled — n = Σrows (Σ rows with dollars, for dollars), mean = Σx / n,
//! sd the sample standard deviation (n − 1) from Σx² — and z = (x − mean) / sd. Fewer than
//! `MIN_DAYS` such days, or no spread, and S has no z: a rule on it does not match.
//!
//! The counts' moments are summed as integers and the variance taken as
//! (n·Σx² − (Σx)²) / (n(n − 1)) in 128 bits: exact up to the last division, where the
//! textbook one-pass formula in floating point loses digits to cancellation.

use std::collections::HashMap;
use std::sync::Arc;

use crate::alerts::{Normal, Normals, NormalsSource, SymbolNormals};
use crate::archive::{Archive, Day};
use crate::history::{Builder, IndexPast, SymbolSummary};

/// The days a symbol's normal is taken over, at most.
pub const DAYS: usize = 20;
/// Fewer days with rows than this and a symbol has no normal.
pub const MIN_DAYS: usize = 5;
/// How many indexed days back a thin symbol's days are looked for, at most.
pub const LOOKBACK: usize = 250;

/// A symbol's sums over its days so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moments {
    pub days: usize,
    pub rows: u64,
    pub quotes: (u64, u128),
    pub trades: (u64, u128),
    pub dollars_n: u64,
    pub dollars: (f64, f64),
}

impl Moments {
    pub fn add(&mut self, s: &SymbolSummary) {
        self.days += 1;
        self.rows += u64::from(s.rows);
        self.quotes.0 += s.sum_quotes;
        self.quotes.1 += u128::from(s.sq_quotes);
        self.trades.0 += s.trades;
        self.trades.1 += u128::from(s.sq_trades);
        self.dollars_n += u64::from(s.dollars_n);
        self.dollars.0 += s.dollars;
        self.dollars.1 += s.sq_dollars;
    }

    pub fn normals(&self) -> SymbolNormals {
        if self.days < MIN_DAYS {
            return SymbolNormals::default();
        }
        SymbolNormals {
            num_quotes: count_normal(self.rows, self.quotes),
            num_trades: count_normal(self.rows, self.trades),
            dollars: amount_normal(self.dollars_n, self.dollars),
        }
    }
}

fn finite(mean: f64, sd: f64) -> Option<Normal> {
    (mean.is_finite() && sd.is_finite() && sd > 0.0).then_some(Normal { mean, sd })
}

fn count_normal(n: u64, (sum, sq): (u64, u128)) -> Option<Normal> {
    if n < 2 {
        return None;
    }
    let n128 = u128::from(n);
    let spread = (n128 * sq).checked_sub(u128::from(sum) * u128::from(sum))?;
    let var = spread as f64 / (n as f64 * (n - 1) as f64);
    finite(sum as f64 / n as f64, var.sqrt())
}

fn amount_normal(n: u64, (sum, sq): (f64, f64)) -> Option<Normal> {
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let var = (sq - sum * sum / nf) / (nf - 1.0);
    finite(sum / nf, var.max(0.0).sqrt())
}

/// The normals from earlier days' symbols, newest day first: each symbol's first `DAYS` days
/// with rows are pooled.
pub fn normals<'a>(days_newest_first: impl IntoIterator<Item = &'a [SymbolSummary]>) -> Normals {
    let mut by: HashMap<String, Moments> = HashMap::new();
    for symbols in days_newest_first {
        for s in symbols.iter().filter(|s| s.rows > 0) {
            let m = by.entry(s.symbol.clone()).or_default();
            if m.days < DAYS {
                m.add(s);
            }
        }
    }
    Normals { by_symbol: by.into_iter().map(|(s, m)| (s, m.normals())).collect() }
}

/// The normals of a day's rows from the day index.
pub struct IndexNormals {
    builder: Arc<Builder>,
    past: IndexPast,
}

impl IndexNormals {
    pub fn new(archive: &Archive, builder: Arc<Builder>) -> IndexNormals {
        IndexNormals { past: IndexPast::new(archive, builder.clone()), builder }
    }
}

impl NormalsSource for IndexNormals {
    fn normals(&self, day: Day) -> Result<Normals, String> {
        let days = self.past.days_before(day);
        let mut summaries = Vec::new();
        for files in days.iter().rev().take(LOOKBACK) {
            let got = self.builder.get(files, false).map_err(|e| format!("normals: {}: {e:#}", files.day))?;
            summaries.push(got.summary.symbols);
        }
        Ok(normals(summaries.iter().map(Vec::as_slice)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day_of(symbol: &str, quotes: &[u32]) -> SymbolSummary {
        let mut s = SymbolSummary::new(symbol);
        s.rows = quotes.len() as u32;
        s.sum_quotes = quotes.iter().map(|&q| u64::from(q)).sum();
        s.sq_quotes = quotes.iter().map(|&q| u64::from(q).pow(2)).sum();
        s
    }

    #[test]
    fn pooled_rows_of_the_last_twenty_days_with_rows() {
        // 25 days of SPY, newest first: the oldest five (all 1_000_000) are beyond 20 days.
        let mut days: Vec<Vec<SymbolSummary>> =
            (0..20).map(|i| vec![day_of("SPY", &[1000 + i, 1100 + i]), day_of("THIN", &[])]).collect();
        days.extend((0..5).map(|_| vec![day_of("SPY", &[1_000_000])]));
        let n = normals(days.iter().map(Vec::as_slice));
        let spy = n.by_symbol.get("SPY").and_then(|s| s.num_quotes).unwrap_or(Normal { mean: 0.0, sd: 0.0 });
        let xs: Vec<f64> = (0..20).flat_map(|i| [1000.0 + i as f64, 1100.0 + i as f64]).collect();
        let mean = xs.iter().sum::<f64>() / 40.0;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 39.0).sqrt();
        assert!((spy.mean - mean).abs() < 1e-9 && (spy.sd - sd).abs() < 1e-9, "{spy:?} vs {mean} {sd}");
        // No rows on any day: no normal, no z.
        assert_eq!(n.by_symbol.get("THIN"), None);
    }

    #[test]
    fn too_few_days_or_no_spread_means_no_z() {
        let four: Vec<Vec<SymbolSummary>> = (0..4).map(|i| vec![day_of("A", &[100 + i])]).collect();
        assert_eq!(normals(four.iter().map(Vec::as_slice)).by_symbol.get("A"), Some(&SymbolNormals::default()));
        let flat: Vec<Vec<SymbolSummary>> = (0..6).map(|_| vec![day_of("B", &[500, 500])]).collect();
        let b = normals(flat.iter().map(Vec::as_slice)).by_symbol.get("B").copied().unwrap_or_default();
        assert_eq!(b.num_quotes, None);
        assert_eq!(b.num_trades, None, "no trades at all: no spread either");
    }
}
