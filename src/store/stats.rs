//! The per-day summary of `ki2 stats` (SPEC §2: exactly these keys, in this order).

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::DayStore;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStats {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub hft1_rows: u64,
    pub hft2_rows: u64,
    pub hft3_rows: u64,
    pub bursts: u64,
    pub buy_bursts: u64,
    pub sell_bursts: u64,
    pub grade_high: u64,
    pub grade_mod: u64,
    pub grade_low: u64,
    pub symbol_files: u64,
    pub symbol_rows: u64,
    /// Non-blank lines skipped over all files of the day.
    pub malformed: u64,
    pub null_dollars: u64,
    pub max_quotes: Option<u32>,
    pub max_quotes_symbol: Option<String>,
    pub last_ct: Option<u32>,
    pub last_cb: Option<u32>,
    pub last_cs: Option<u32>,
}

impl DayStore {
    pub fn stats(&self) -> PolarsResult<DayStats> {
        let count = |col: &str, label: &str| -> PolarsResult<u64> {
            Ok(self.bursts.column(col)?.str()?.equal(label).sum().unwrap_or(0) as u64)
        };
        // The first row with the most quotes, in file order.
        let mut first_max: Option<(usize, u32)> = None;
        self.quotes.num_quotes.each(0..self.quotes.len(), |i, v| {
            if first_max.is_none_or(|(_, m)| v > m) {
                first_max = Some((i, v));
            }
        });
        let max_quotes = first_max.map(|(_, m)| m);
        let max_quotes_symbol = first_max.and_then(|(i, _)| self.quote_cols().symbol_of(i).map(str::to_owned));
        let last = self.bursts_len().checked_sub(1).and_then(|i| self.burst_at(i));
        Ok(DayStats {
            date: self.day.to_string(),
            hft1_rows: self.quotes.len() as u64,
            hft2_rows: self.s2.height() as u64,
            hft3_rows: self.s1.height() as u64,
            bursts: self.bursts.height() as u64,
            buy_bursts: count("prog_type", "Buy")?,
            sell_bursts: count("prog_type", "Sell")?,
            grade_high: count("grade", "HIGH")?,
            grade_mod: count("grade", "MOD")?,
            grade_low: count("grade", "LOW")?,
            symbol_files: self.symbol_files.len() as u64,
            symbol_rows: self.symbols.height() as u64,
            malformed: self.malformed.len() as u64,
            null_dollars: self.quotes.dollars.nulls() as u64,
            max_quotes,
            max_quotes_symbol,
            last_ct: last.as_ref().map(|b| b.ct),
            last_cb: last.as_ref().map(|b| b.cb),
            last_cs: last.as_ref().map(|b| b.cs),
        })
    }
}
