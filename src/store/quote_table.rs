//! The day's hft1 rows as the store keeps them: packed columns (`packed`) of seconds, symbol
//! numbers (`names` has the symbols), counts and dollars. Trade size is worked out when asked.

use super::names::SymbolNames;
use super::packed::{Amounts, PackedU32};
use crate::archive::Quotes;

#[derive(Debug, Clone, Default)]
pub struct QuoteTable {
    /// Second of the day.
    pub time: PackedU32,
    /// Symbol numbers.
    pub symbol: PackedU32,
    pub num_quotes: PackedU32,
    pub bbo: PackedU32,
    pub num_trades: PackedU32,
    pub dollars: Amounts,
}

impl QuoteTable {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn append(&mut self, q: &Quotes, names: &mut SymbolNames) {
        // Column by column: each is one pass over the batch into its open chunk.
        self.time.extend(q.time.iter().map(|t| t.secs()));
        self.symbol.extend(q.symbol.iter().map(|s| names.id(s)));
        self.num_quotes.extend(q.num_quotes.iter().copied());
        self.bbo.extend(q.bbo.iter().copied());
        self.num_trades.extend(q.num_trades.iter().copied());
        self.dollars.extend(q.dollars.iter().copied());
    }

    /// A whole-number column by its name in the files.
    pub fn count(&self, name: &str) -> Option<&PackedU32> {
        match name {
            "num_quotes" => Some(&self.num_quotes),
            "bbo" => Some(&self.bbo),
            "num_trades" => Some(&self.num_trades),
            _ => None,
        }
    }

    /// Calls `f(row, num_trades, dollars)` for the rows of `range`: what a trade size is made of.
    pub fn each_trade(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, u32, Option<f64>)) {
        let mut trades = Vec::with_capacity(range.len().min(self.len()));
        self.num_trades.each(range.clone(), |_, n| trades.push(n));
        let from = range.start;
        self.dollars.each(range, |i, d| f(i, trades[i - from], d));
    }

    pub fn heap_bytes(&self) -> usize {
        [&self.time, &self.symbol, &self.num_quotes, &self.bbo, &self.num_trades]
            .iter()
            .map(|c| c.heap_bytes())
            .sum::<usize>()
            + self.dollars.heap_bytes()
    }
}
