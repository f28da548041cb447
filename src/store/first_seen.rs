//! Each symbol's earliest hft1 second of the day so far — the study's `first_seen` events of the
//! live day — kept up to date a batch of new rows at a time (O(new rows), not O(day)).

use super::DayStore;

/// No row yet.
const NONE: u32 = u32::MAX;

/// The earliest second per symbol number, and how many rows it has looked at.
#[derive(Debug, Clone, Default)]
pub struct FirstSeen {
    scanned: usize,
    first: Vec<u32>,
}

impl DayStore {
    /// Brings `seen` up to the rows there are now; starts over if the rows were replaced (a
    /// rewritten file reloads the day with fewer rows).
    pub fn update_first_seen(&self, seen: &mut FirstSeen) {
        let len = self.quotes.len();
        if seen.scanned > len {
            *seen = FirstSeen::default();
        }
        let range = seen.scanned..len;
        let mut symbols = Vec::with_capacity(range.len());
        self.quotes.symbol.each(range.clone(), |_, s| symbols.push(s));
        let from = range.start;
        let first = &mut seen.first;
        self.quotes.time.each(range, |i, t| {
            let s = symbols[i - from] as usize;
            if s >= first.len() {
                first.resize(s + 1, NONE);
            }
            first[s] = first[s].min(t);
        });
        seen.scanned = len;
    }

    /// Each symbol with a row, by name, with its earliest second (as the day index's `first`).
    pub fn first_seen(&self, seen: &FirstSeen) -> Vec<(String, u32)> {
        let mut out: Vec<(String, u32)> = seen
            .first
            .iter()
            .enumerate()
            .filter(|(_, t)| **t != NONE)
            .filter_map(|(id, t)| Some((self.names.name(id as u32)?.to_owned(), *t)))
            .collect();
        out.sort();
        out
    }
}
