//! A day's bars: per symbol, sorted by start, each bar `bar_s` seconds long.

use std::path::PathBuf;

use crate::archive::{Day, Malformed};

/// One bar. `start` is seconds since midnight, New York time; the bar ends at `start + bar_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub start: u32,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

/// A symbol's bars of one day, sorted by start, no two with the same start.
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolBars {
    pub bar_s: u32,
    pub bars: Vec<Bar>,
}

impl SymbolBars {
    /// The last bar that has ended by `t` (ends at or before it): what was known at `t`.
    pub fn known_at(&self, t: u32) -> Option<&Bar> {
        let n = self.bars.partition_point(|b| b.start + self.bar_s <= t);
        n.checked_sub(1).map(|i| &self.bars[i])
    }

    /// When the day's last bar ends.
    pub fn last_end(&self) -> Option<u32> {
        self.bars.last().map(|b| b.start + self.bar_s)
    }
}

/// The bars of one day, read from one file.
#[derive(Debug, Clone, Default)]
pub struct DayBars {
    pub day: Option<Day>,
    pub source: PathBuf,
    /// foldhash: a day's file looks a symbol up once a row (117,000 rows for 300 symbols).
    pub symbols: foldhash::HashMap<Box<str>, SymbolBars>,
    /// Rows skipped, with file, line and reason.
    pub malformed: Vec<Malformed>,
    /// Said once per day (the bar length guessed, a second file ignored).
    pub warnings: Vec<String>,
}

impl DayBars {
    pub fn get(&self, symbol: &str) -> Option<&SymbolBars> {
        self.symbols.get(symbol)
    }

    pub fn bar_count(&self) -> usize {
        self.symbols.values().map(|s| s.bars.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(start: u32, close: f64) -> Bar {
        Bar { start, open: close, high: close, low: close, close, volume: 1.0 }
    }

    #[test]
    fn a_bar_is_known_only_once_it_has_ended() {
        let s = SymbolBars { bar_s: 60, bars: vec![bar(600, 1.0), bar(660, 2.0), bar(720, 3.0)] };
        assert_eq!(s.known_at(659), None);
        assert_eq!(s.known_at(660).map(|b| b.close), Some(1.0));
        assert_eq!(s.known_at(779).map(|b| b.close), Some(2.0));
        assert_eq!(s.known_at(780).map(|b| b.close), Some(3.0));
        assert_eq!(s.known_at(99_999).map(|b| b.close), Some(3.0));
        assert_eq!(s.last_end(), Some(780));
    }
}
