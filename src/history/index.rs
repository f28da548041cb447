//! The days summarised so far, in memory, and what the views ask of them.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::summary::{DaySummary, SymbolSummary};
use crate::archive::Day;

/// Day summaries without their largest dollar figures (only enrichment reads those, from
/// disk): a few hundred bytes per symbol per day.
#[derive(Debug, Clone, Default)]
pub struct Index {
    days: BTreeMap<Day, Arc<DaySummary>>,
}

/// A symbol on one day of the cross-day view: `None` when the day is indexed but the symbol
/// had nothing that day.
pub type SymbolOnDay<'a> = (Day, Option<&'a SymbolSummary>);

impl Index {
    pub fn insert(&mut self, mut summary: DaySummary) {
        for s in &mut summary.symbols {
            s.top = Vec::new();
        }
        self.days.insert(summary.day, Arc::new(summary));
    }

    pub fn get(&self, day: Day) -> Option<&DaySummary> {
        self.days.get(&day).map(|d| d.as_ref())
    }

    pub fn len(&self) -> usize {
        self.days.len()
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The symbol on the last `n` indexed days before `before`, newest first.
    pub fn symbol_days(&self, symbol: &str, before: Day, n: usize) -> Vec<SymbolOnDay<'_>> {
        self.days.range(..before).rev().take(n).map(|(d, s)| (*d, s.symbol(symbol))).collect()
    }
}
