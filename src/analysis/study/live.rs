//! The live day's events for the Edges view, from what the UI's store already holds (its
//! bursts, their symbol files, each symbol's first row): nothing is read again from the files.

use std::collections::BTreeMap;

use crate::archive::{Day, SecondOfDay};
use crate::history::BurstFact;
use crate::store::DayStore;
use crate::store::first_seen::FirstSeen;
use crate::store::queries::SymbolsState;

/// What the live day's events are made of, as the day index keeps them for a closed day.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveDay {
    pub day: Day,
    /// The bursts in file order.
    pub bursts: Vec<BurstFact>,
    /// Each burst second's symbol file, sorted (bursts whose file has not come have none yet).
    pub hits: BTreeMap<SecondOfDay, Vec<String>>,
    /// Each symbol's first hft1 second, by name.
    pub first: Vec<(String, u32)>,
}

/// What gathering the live day keeps between calls: each symbol's first row so far, and the
/// burst symbol files already read (a file once there is not asked for again).
#[derive(Debug, Default)]
pub struct Gathered {
    day: Option<Day>,
    seen: FirstSeen,
    hits: BTreeMap<SecondOfDay, Vec<String>>,
}

impl LiveDay {
    /// The store's day as it is now (O(new rows) and the symbol files not seen before).
    pub fn of(store: &DayStore, kept: &mut Gathered) -> LiveDay {
        if kept.day != Some(store.day()) {
            *kept = Gathered { day: Some(store.day()), ..Gathered::default() };
        }
        store.update_first_seen(&mut kept.seen);
        let bursts: Vec<BurstFact> =
            (0..store.bursts_len()).filter_map(|i| store.burst_at(i)).map(|b| BurstFact::of(&b)).collect();
        for t in bursts.iter().filter_map(BurstFact::second) {
            if kept.hits.contains_key(&t) {
                continue;
            }
            if let SymbolsState::Present(list) = store.burst_symbols(t) {
                let mut names: Vec<String> = list.into_iter().map(|h| h.symbol).collect();
                names.sort();
                kept.hits.insert(t, names);
            }
        }
        let seconds: std::collections::HashSet<SecondOfDay> = bursts.iter().filter_map(BurstFact::second).collect();
        kept.hits.retain(|t, _| seconds.contains(t));
        LiveDay { day: store.day(), bursts, hits: kept.hits.clone(), first: store.first_seen(&kept.seen) }
    }
}
