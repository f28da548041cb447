//! Answers that cost more than the rows shown (a filter over the day, the day sorted by a
//! column, a burst's symbols), kept until the data changes, and extended with the new rows
//! rather than recomputed where they can be. Keeps drawing O(rows shown) on a day of a million
//! rows.

use std::cmp::Ordering;

use super::columns::Sort;
use super::order::{SortKey, order};
use super::sorted::{Entry, SortedRuns};
use crate::archive::SecondOfDay;
use crate::store::queries::SymbolFilter;
use crate::store::sort_keys::{QuoteField, QuoteRows};
use crate::store::{DayStore, SymbolsState};

#[derive(Default)]
pub struct Caches {
    quote_filter: Option<QuoteFilter>,
    time_order: Option<TimeOrder>,
    quote_sort: Option<QuoteSort>,
    bursts: Option<(u64, SymbolFilter, Vec<usize>)>,
    bursts_order: Option<SmallOrder>,
    alerts_order: Option<SmallOrder>,
    hits: Option<(u64, SecondOfDay, SymbolsState)>,
}

/// Whether the day's hft1 rows were written in time order, as far as they have been looked at.
struct TimeOrder {
    scanned: usize,
    /// The time of the last row looked at.
    last: Option<SecondOfDay>,
    ordered: bool,
}

/// hft1 rows (below `covered`, those the filter matches) in the order of a column.
struct QuoteSort {
    field: QuoteField,
    desc: bool,
    filter: Option<SymbolFilter>,
    covered: usize,
    runs: SortedRuns,
}

/// A short list in the order of a column: the list it was sorted from, and its order.
pub struct SmallOrder {
    stamp: u64,
    sort: Sort,
    base: Vec<usize>,
    order: Vec<usize>,
}

/// How hft1 rows compare under a sort: by their keys (reversed for largest first, nulls last
/// either way), then by value where keys cannot tell, then earlier rows first.
#[derive(Clone, Copy)]
pub struct QuoteOrder<'a> {
    pub store: &'a DayStore,
    pub field: QuoteField,
    pub desc: bool,
}

impl QuoteOrder<'_> {
    /// By key, then (symbols only: see `DayStore::quote_key_tie`) by value, then by row.
    pub fn cmp(&self, a: &Entry, b: &Entry) -> Ordering {
        a.key()
            .cmp(&b.key())
            .then_with(|| {
                if a.key() == u64::MAX {
                    return Ordering::Equal;
                }
                let key = if self.desc { u64::MAX - a.key() } else { a.key() };
                let tie = self.store.quote_key_tie(self.field, key, a.row(), b.row());
                if self.desc { tie.reverse() } else { tie }
            })
            .then(a.row().cmp(&b.row()))
    }

    /// The entries of these rows: keys flipped for largest first, so that the order is always
    /// ascending; a null is `u64::MAX` (keys are below it), last.
    pub fn entries(&self, rows: QuoteRows<'_>) -> Vec<Entry> {
        let keys = self.store.quote_sort_keys(self.field, rows.clone());
        let key = |k: Option<u64>| match k {
            None => u64::MAX,
            Some(k) if self.desc => u64::MAX - k,
            Some(k) => k,
        };
        match rows {
            QuoteRows::Range(r) => r.zip(keys).map(|(row, k)| Entry::new(key(k), row)).collect(),
            QuoteRows::At(rows) => rows.iter().zip(keys).map(|(&row, k)| Entry::new(key(k), row)).collect(),
        }
    }
}

/// hft1 rows matching the filter, extended with each new batch rather than recomputed.
struct QuoteFilter {
    filter: SymbolFilter,
    scanned: usize,
    rows: Vec<usize>,
}

impl Caches {
    /// Row numbers below `upto` whose symbol matches.
    pub fn filtered_quotes(&mut self, store: &DayStore, filter: &SymbolFilter, upto: usize) -> &[usize] {
        let len = store.quotes_len();
        let stale = self.quote_filter.as_ref().is_none_or(|c| c.filter != *filter || c.scanned > len);
        if stale {
            self.quote_filter = Some(QuoteFilter { filter: filter.clone(), scanned: 0, rows: Vec::new() });
        }
        let Some(c) = self.quote_filter.as_mut() else { return &[] };
        if c.scanned < len {
            c.rows.extend(store.matching_quotes(filter, c.scanned));
            c.scanned = len;
        }
        let end = c.rows.partition_point(|&i| i < upto);
        &c.rows[..end]
    }

    /// Whether every hft1 row so far came in time order (then the rows' own order is the order
    /// by time, and sorting by time costs nothing). O(new rows).
    pub fn quotes_in_time_order(&mut self, store: &DayStore) -> bool {
        let len = store.quotes_len();
        if self.time_order.as_ref().is_none_or(|t| t.scanned > len) {
            self.time_order = Some(TimeOrder { scanned: 0, last: None, ordered: true });
        }
        let Some(t) = self.time_order.as_mut() else { return true };
        if t.scanned < len && t.ordered {
            let (ordered, last) = store.quotes_in_time_order(t.scanned, t.last);
            (t.ordered, t.last) = (ordered, last);
        }
        t.scanned = len;
        t.ordered
    }

    /// hft1 rows below `upto` that the filter matches (all without one), in the order of
    /// `by`: built once (O(n log n)), then extended by the rows that come (O(new rows) and,
    /// now and then, O(n)).
    pub fn sorted_quotes(&mut self, by: QuoteOrder<'_>, filter: Option<&SymbolFilter>, upto: usize) -> &SortedRuns {
        let store = by.store;
        let len = store.quotes_len();
        let upto = upto.min(len);
        let fresh = self.quote_sort.as_ref().is_some_and(|s| {
            s.field == by.field && s.desc == by.desc && s.filter.as_ref() == filter && s.covered <= upto
        });
        if !fresh {
            self.quote_sort = None;
        }
        let covered = self.quote_sort.as_ref().map_or(0, |s| s.covered);
        let new = match filter {
            None => by.entries(QuoteRows::Range(covered..upto)),
            Some(f) => {
                let rows = self.filtered_quotes(store, f, upto);
                let from = rows.partition_point(|&i| i < covered);
                by.entries(QuoteRows::At(&rows[from..]))
            }
        };
        let cmp = |a: &Entry, b: &Entry| by.cmp(a, b);
        let s = match self.quote_sort.take() {
            Some(mut s) => {
                s.runs.extend(new, &cmp);
                s
            }
            None => QuoteSort {
                field: by.field,
                desc: by.desc,
                filter: filter.cloned(),
                covered: 0,
                runs: SortedRuns::new(new, by.field == QuoteField::Symbol, &cmp),
            },
        };
        let s = self.quote_sort.insert(QuoteSort { covered: upto, ..s });
        &s.runs
    }

    /// Bursts (by number) that hit a matching symbol.
    pub fn bursts_hitting(&mut self, store: &DayStore, filter: &SymbolFilter, version: u64) -> &[usize] {
        let fresh = self.bursts.as_ref().is_some_and(|(v, f, _)| *v == version && f == filter);
        if !fresh {
            self.bursts = Some((version, filter.clone(), store.bursts_hitting(filter)));
        }
        self.bursts.as_ref().map_or(&[], |(_, _, rows)| rows.as_slice())
    }

    /// A burst's symbols, most trades first (the Burst Monitor's order).
    pub fn hits(&mut self, store: &DayStore, burst: SecondOfDay, version: u64) -> &SymbolsState {
        let fresh = self.hits.as_ref().is_some_and(|(v, t, _)| *v == version && *t == burst);
        if !fresh {
            let mut state = store.burst_symbols(burst);
            if let SymbolsState::Present(hits) = &mut state {
                hits.sort_by(|a, b| b.num_trades.cmp(&a.num_trades).then_with(|| a.symbol.cmp(&b.symbol)));
            }
            self.hits = Some((version, burst, state));
        }
        match &self.hits {
            Some((_, _, s)) => s,
            None => &SymbolsState::Pending,
        }
    }

    /// A short list in the order of a column: `base` (burst numbers, or places in the alert
    /// log, oldest first) sorted, top first; sorted again only when the list, the sort or
    /// `stamp` (what else the keys depend on) changed.
    pub fn short_order(
        &mut self,
        list: ShortList,
        stamp: u64,
        sort: Sort,
        base: Vec<usize>,
        arrival: bool,
        keys: impl FnOnce(&[usize]) -> Vec<Option<SortKey>>,
    ) -> &[usize] {
        let slot = match list {
            ShortList::Bursts => &mut self.bursts_order,
            ShortList::Alerts => &mut self.alerts_order,
        };
        let fresh = slot.as_ref().is_some_and(|o| o.stamp == stamp && o.sort == sort && o.base == base);
        if !fresh {
            let places = order(&keys(&base), sort, arrival);
            let order = places.into_iter().filter_map(|p| base.get(p).copied()).collect();
            *slot = Some(SmallOrder { stamp, sort, base, order });
        }
        slot.as_ref().map_or(&[], |o| o.order.as_slice())
    }
}

/// The short lists sorted whole.
#[derive(Debug, Clone, Copy)]
pub enum ShortList {
    Bursts,
    Alerts,
}
