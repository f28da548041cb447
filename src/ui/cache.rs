//! Answers that cost more than the rows shown (a filter over the day, the day's top counts, a
//! burst's symbols), kept until the store's version says the data changed, and extended with
//! the new rows rather than recomputed where they can be. Keeps drawing
//! O(rows shown) on a day of a million rows.

use std::time::{Duration, Instant};

use crate::archive::SecondOfDay;
use crate::store::queries::SymbolFilter;
use crate::store::{DayStore, QuoteView, SymbolsState};

/// The day's largest quote counts kept for the by-count order.
pub const TOP_N: usize = 500;
/// Recomputing the top counts scans the day: at most this often while rows flow.
const TOP_EVERY: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct Caches {
    quote_filter: Option<QuoteFilter>,
    top: Option<Top>,
    bursts: Option<(u64, SymbolFilter, Vec<usize>)>,
    hits: Option<(u64, SecondOfDay, SymbolsState)>,
}

/// The day's largest counts: row numbers kept current from the rows appended since, and the
/// rows themselves, ready to draw.
struct Top {
    version: u64,
    at: Instant,
    scanned: usize,
    rows: Vec<usize>,
    views: Vec<QuoteView>,
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

    /// The day's largest counts, most first.
    pub fn top_quotes(&mut self, store: &DayStore, version: u64) -> &[QuoteView] {
        let fresh = self.top.as_ref().is_some_and(|t| t.version == version || t.at.elapsed() < TOP_EVERY);
        if !fresh {
            let len = store.quotes_len();
            // Rows replaced (a rewritten file): start over.
            let (carry, from) = match self.top.take() {
                Some(t) if t.scanned <= len => (t.rows, t.scanned),
                _ => (Vec::new(), 0),
            };
            let rows = store.top_quote_rows(TOP_N, &carry, from);
            let views = store.quotes_at(rows.iter().copied());
            self.top = Some(Top { version, at: Instant::now(), scanned: len, rows, views });
        }
        self.top.as_ref().map_or(&[], |t| t.views.as_slice())
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
}
