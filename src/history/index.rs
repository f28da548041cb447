//! The days summarised so far, in memory, and what the views ask of them. Kept compact — a
//! symbol number and a few figures per symbol per day, the names once — so that a year of
//! days costs tens of megabytes, not hundreds.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::summary::{DaySummary, QuoteValues};
use crate::alerts::Op;
use crate::archive::{Day, SecondOfDay};
use crate::store::DayStats;

/// A symbol's figures on one day, as the cross-day view shows them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    pub rows: u32,
    pub max_quotes: u32,
    /// Bursts whose symbol file names it.
    pub bursts: u32,
    first: u32,
    last: u32,
    pub dollars: f64,
}

const NO_TIME: u32 = u32::MAX;

/// Days whose value counts are kept in memory.
const VALUES_FOR: usize = 30;

impl Facts {
    /// A symbol with nothing on a day.
    pub const NONE: Facts = Facts { rows: 0, max_quotes: 0, bursts: 0, first: NO_TIME, last: NO_TIME, dollars: 0.0 };

    pub fn first(&self) -> Option<SecondOfDay> {
        (self.first != NO_TIME).then(|| SecondOfDay::from_secs(self.first)).flatten()
    }

    pub fn last(&self) -> Option<SecondOfDay> {
        (self.last != NO_TIME).then(|| SecondOfDay::from_secs(self.last)).flatten()
    }
}

#[derive(Debug, Clone)]
struct CompactDay {
    stats: DayStats,
    /// Kept for the newest `VALUES_FOR` days only (the threshold editor looks back a few).
    values: Option<QuoteValues>,
    /// Symbol numbers, ascending, and their figures in the same order.
    ids: Vec<u32>,
    facts: Vec<Facts>,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    names: HashMap<Box<str>, u32>,
    days: BTreeMap<Day, Arc<CompactDay>>,
}

/// A symbol on one day of the cross-day view: `None` when the day is indexed but the symbol
/// had nothing that day.
pub type SymbolOnDay = (Day, Option<Facts>);

impl Index {
    pub fn insert(&mut self, summary: DaySummary) {
        let mut pairs: Vec<(u32, Facts)> = summary
            .symbols
            .iter()
            .map(|s| {
                let next = self.names.len() as u32;
                let id = *self.names.entry(s.symbol.as_str().into()).or_insert(next);
                let facts = Facts {
                    rows: s.rows,
                    max_quotes: s.max_quotes,
                    bursts: s.bursts.len() as u32,
                    first: s.first.map_or(NO_TIME, SecondOfDay::secs),
                    last: s.last.map_or(NO_TIME, SecondOfDay::secs),
                    dollars: s.dollars,
                };
                (id, facts)
            })
            .collect();
        pairs.sort_by_key(|(id, _)| *id);
        let (ids, facts) = pairs.into_iter().unzip();
        let values = Some(summary.values);
        self.days.insert(summary.day, Arc::new(CompactDay { stats: summary.stats, values, ids, facts }));
        // Indexing goes newest first, so this is seldom more than the one day past the cap.
        if let Some((&old, _)) = self.days.iter().rev().nth(VALUES_FOR)
            && let Some(d) = self.days.get_mut(&old)
            && d.values.is_some()
        {
            Arc::make_mut(d).values = None;
        }
    }

    /// How many hft1 rows `field op t` catches on each of the last `n` indexed days before
    /// `before`, newest first (None for a day whose counts are not kept, or a field without).
    pub fn catches(&self, field: &str, op: Op, t: f64, before: Day, n: usize) -> Vec<(Day, Option<usize>)> {
        self.days
            .range(..before)
            .rev()
            .take(n)
            .map(|(d, c)| {
                let caught = c.values.as_ref().and_then(|v| v.field(field)).map(|pairs| {
                    pairs.iter().filter(|(v, _)| op.holds(f64::from(*v).total_cmp(&t))).map(|(_, n)| *n as usize).sum()
                });
                (*d, caught)
            })
            .collect()
    }

    /// What `ki2 stats` says of an indexed day.
    pub fn stats(&self, day: Day) -> Option<&DayStats> {
        self.days.get(&day).map(|d| &d.stats)
    }

    pub fn len(&self) -> usize {
        self.days.len()
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The symbol on the last `n` indexed days before `before`, newest first.
    pub fn symbol_days(&self, symbol: &str, before: Day, n: usize) -> Vec<SymbolOnDay> {
        let id = self.names.get(symbol).copied();
        self.days
            .range(..before)
            .rev()
            .take(n)
            .map(|(d, c)| {
                let facts = id.and_then(|id| c.ids.binary_search(&id).ok()).map(|i| c.facts[i]);
                (*d, facts)
            })
            .collect()
    }
}
