//! What each list pane lists — its length, the rows at given places, the selected item — for
//! the keys (`update.rs`) and the screen (`prepare`) alike, so that both mean the same rows.
//! Positions are places in a pane's list, 0 = oldest; the panes show them newest first.
//! `prepare` gathers what one frame shows before anything is drawn: panes only paint it.

use super::cache::{QuoteOrder, ShortList};
use super::catch::{Catch, Histogram};
use super::columns::{ALERTS, B_BASKET, BURSTS, Ctx, QUOTES, SYMBOLS};
use super::data::Data;
use super::order::{SortKey, is_time, order};
use super::overlay::Overlay;
use super::view::{Extents, ListPane, View};
use crate::alerts::{Alert, Op, Source, Value};
use crate::archive::{BurstRow, Day, SecondOfDay, SeriesRow, SymbolHit};
use crate::store::queries::Series;
use crate::store::sort_keys::{QuoteField, QuoteRows};
use crate::store::{ProgramPoint, QuoteView, SymbolsState};

/// What the panes show: the frozen lengths while paused, else everything.
pub fn extents(data: &Data, view: &View) -> Extents {
    view.frozen.unwrap_or_else(|| extents_now(data))
}

pub fn extents_now(data: &Data) -> Extents {
    let s = data.shown();
    Extents {
        quotes: s.quotes_len(),
        bursts: s.bursts_len(),
        s1: s.series_len(Series::S1),
        s2: s.series_len(Series::S2),
        alerts: data.shown_alerts().len(),
        version: s.version(),
    }
}

/// How many rows the pane lists.
pub fn len(data: &Data, view: &mut View, pane: ListPane) -> usize {
    match pane {
        ListPane::Quotes => quotes_len(data, view),
        ListPane::Bursts => burst_list(data, view).len(),
        ListPane::Symbols => hits(data, view).1.map_or(0, |h| h.len()),
        ListPane::Alerts => alert_list(data, view).len(),
    }
}

/// The selected position of a list pane, if it lists anything.
pub fn selected_pos(data: &Data, view: &mut View, pane: ListPane) -> Option<usize> {
    let n = len(data, view, pane);
    view.lists[pane].nav.selected(n)
}

// High Quote Counts: all of the day, or the filtered rows, in the order of a column.

/// How the pane lists its rows now.
enum QuoteList {
    /// The rows' own order (by time, when they came in time order): a position is a place in
    /// the day's rows (or the filtered ones); `oldest_on_top` turns it round.
    Natural {
        oldest_on_top: bool,
    },
    Sorted {
        field: QuoteField,
        desc: bool,
    },
}

fn quote_list(data: &Data, view: &mut View) -> QuoteList {
    let sort = view.columns[ListPane::Quotes].sort;
    let field = QUOTES.get(sort.col).map_or(QuoteField::Time, |c| c.by);
    if field == QuoteField::Time && view.caches.quotes_in_time_order(data.shown()) {
        QuoteList::Natural { oldest_on_top: !sort.desc }
    } else {
        QuoteList::Sorted { field, desc: sort.desc }
    }
}

fn quotes_len(data: &Data, view: &mut View) -> usize {
    let upto = extents(data, view).quotes;
    let filter = view.matcher().cloned();
    match quote_list(data, view) {
        QuoteList::Natural { .. } => match &filter {
            None => upto,
            Some(f) => view.caches.filtered_quotes(data.shown(), f, upto).len(),
        },
        QuoteList::Sorted { field, desc } => {
            let by = QuoteOrder { store: data.shown(), field, desc };
            view.caches.sorted_quotes(by, filter.as_ref(), upto).len()
        }
    }
}

/// The day's row numbers at these positions of the pane's list.
fn quote_rows(data: &Data, view: &mut View, positions: &[usize]) -> Vec<usize> {
    let upto = extents(data, view).quotes;
    let filter = view.matcher().cloned();
    let len = quotes_len(data, view);
    // Positions count from the bottom of the pane (0 = the last row shown), places in an order
    // from its top.
    let place = |p: usize| len.checked_sub(p + 1);
    match quote_list(data, view) {
        QuoteList::Natural { oldest_on_top } => {
            let at = |p: usize| if oldest_on_top { place(p) } else { (p < len).then_some(p) };
            match &filter {
                None => positions.iter().filter_map(|&p| at(p)).collect(),
                Some(f) => {
                    let rows = view.caches.filtered_quotes(data.shown(), f, upto);
                    positions.iter().filter_map(|&p| rows.get(at(p)?).copied()).collect()
                }
            }
        }
        QuoteList::Sorted { field, desc } => {
            let places: Vec<usize> = positions.iter().filter_map(|&p| place(p)).collect();
            let (Some(&first), Some(&last)) = (places.iter().min(), places.iter().max()) else { return Vec::new() };
            let by = QuoteOrder { store: data.shown(), field, desc };
            let runs = view.caches.sorted_quotes(by, filter.as_ref(), upto);
            // One walk over the places shown (a frame's are consecutive).
            let rows = runs.rows(first, last - first + 1, &|a, b| by.cmp(a, b));
            places.iter().filter_map(|&k| rows.get(k - first).copied()).collect()
        }
    }
}

/// The quote rows at these positions.
pub fn quotes_at(data: &Data, view: &mut View, positions: &[usize]) -> Vec<QuoteView> {
    let rows = quote_rows(data, view, positions);
    data.shown().quotes_at(rows)
}

pub fn selected_quote(data: &Data, view: &mut View) -> Option<QuoteView> {
    let pos = selected_pos(data, view, ListPane::Quotes)?;
    quotes_at(data, view, &[pos]).pop()
}

/// Where hft1 row `row` of the day is in the pane's list (None: filtered out, or not shown).
pub fn quote_position(data: &Data, view: &mut View, row: usize) -> Option<usize> {
    let upto = extents(data, view).quotes;
    if row >= upto {
        return None;
    }
    let filter = view.matcher().cloned();
    let len = quotes_len(data, view);
    match quote_list(data, view) {
        QuoteList::Natural { oldest_on_top } => {
            let at = match &filter {
                None => row,
                Some(f) => view.caches.filtered_quotes(data.shown(), f, upto).binary_search(&row).ok()?,
            };
            if oldest_on_top { len.checked_sub(at + 1) } else { Some(at) }
        }
        QuoteList::Sorted { field, desc } => {
            let store = data.shown();
            if let Some(f) = &filter {
                store.quote_at(row).filter(|q| f.matches(&q.symbol))?;
            }
            let by = QuoteOrder { store, field, desc };
            let entry = *by.entries(QuoteRows::At(&[row])).first()?;
            let place = view.caches.sorted_quotes(by, filter.as_ref(), upto).place(&entry, &|a, b| by.cmp(a, b));
            len.checked_sub(place + 1)
        }
    }
}

// Burst Signals: burst numbers listed — all, or those that hit the filtered symbol — in the
// order of a column.

/// The bursts listed, by position (the bottom of the pane first).
fn burst_list(data: &Data, view: &mut View) -> Vec<usize> {
    let shown = extents(data, view);
    let base: Vec<usize> = match view.matcher().cloned() {
        Some(f) => {
            let hits = view.caches.bursts_hitting(data.shown(), &f, shown.version);
            hits.iter().copied().filter(|&i| i < shown.bursts).collect()
        }
        None => (0..shown.bursts.min(data.shown().bursts_len())).collect(),
    };
    let sort = view.columns[ListPane::Bursts].sort;
    let Some(column) = BURSTS.get(sort.col) else { return base.into_iter().rev().collect() };
    let arrival = is_time(column.head.name);
    let store = data.shown();
    let by_basket = sort.col == B_BASKET;
    let keys = |base: &[usize]| -> Vec<Option<SortKey>> {
        let ctx = Ctx::of(data);
        base.iter().map(|&i| store.burst_at(i).and_then(|b| (column.by)(&b, &ctx))).collect()
    };
    // By basket, the order changes as bursts are matched (their files come, the table comes).
    let stamp = if by_basket { day_stamp(data) ^ data.baskets_stamp().rotate_left(24) } else { day_stamp(data) };
    let top_first = view.caches.short_order(ShortList::Bursts, stamp, sort, base, arrival, keys);
    top_first.iter().rev().copied().collect()
}

/// What the short lists' orders depend on besides the list: the day (a burst number means
/// another burst on another day).
fn day_stamp(data: &Data) -> u64 {
    use chrono::Datelike;
    data.shown().day().date().num_days_from_ce() as u64
}

/// The bursts at these positions, with their numbers in the day.
pub fn bursts_at(data: &Data, view: &mut View, positions: &[usize]) -> Vec<(usize, BurstRow)> {
    let l = burst_list(data, view);
    let store = data.shown();
    positions.iter().filter_map(|&p| l.get(p).copied()).filter_map(|i| Some((i, store.burst_at(i)?))).collect()
}

pub fn selected_burst(data: &Data, view: &mut View) -> Option<(usize, BurstRow)> {
    let pos = selected_pos(data, view, ListPane::Bursts)?;
    bursts_at(data, view, &[pos]).pop()
}

/// Where the burst at `time` is: its number in the day, and its place in the pane's list
/// (None: the filter hides it).
pub fn burst_position(data: &Data, view: &mut View, time: SecondOfDay) -> Option<(usize, Option<usize>)> {
    let store = data.shown();
    let i = (0..store.bursts_len()).rev().find(|&i| store.burst_at(i).is_some_and(|b| b.time == time))?;
    Some((i, burst_list(data, view).iter().position(|&x| x == i)))
}

// Syms Hit At: the selected burst's symbols (filtered), least trades first so that the list's
// last position (shown on top) is the most traded.

pub type Hits = (Option<SecondOfDay>, Result<Vec<SymbolHit>, SymbolsState>);

pub fn hits(data: &Data, view: &mut View) -> Hits {
    let burst = selected_burst(data, view).map(|(_, b)| b);
    hits_of(data, view, burst)
}

/// The symbols `burst` hit, as the pane lists them.
fn hits_of(data: &Data, view: &mut View, burst: Option<BurstRow>) -> Hits {
    let Some(burst) = burst else { return (None, Ok(Vec::new())) };
    let shown = extents(data, view);
    let matcher = view.matcher().cloned();
    let sort = view.columns[ListPane::Symbols].sort;
    match view.caches.hits(data.shown(), burst.time, shown.version) {
        SymbolsState::Present(h) => {
            // A few dozen: sorted here, from the Burst Monitor's order (most trades first).
            let listed: Vec<&SymbolHit> =
                h.iter().filter(|s| matcher.as_ref().is_none_or(|f| f.matches(&s.symbol))).collect();
            let ctx = Ctx::of(data);
            let key = |s: &SymbolHit| SYMBOLS.get(sort.col).and_then(|c| (c.by)(s, &ctx));
            let keys: Vec<_> = listed.iter().map(|s| key(s)).collect();
            let mut v: Vec<SymbolHit> = order(&keys, sort, false).into_iter().map(|i| listed[i].clone()).collect();
            v.reverse();
            (Some(burst.time), Ok(v))
        }
        other => (Some(burst.time), Err(other.clone())),
    }
}

pub fn selected_hit(data: &Data, view: &mut View) -> Option<SymbolHit> {
    let hits = hits(data, view).1.ok()?;
    let pos = view.lists[ListPane::Symbols].nav.selected(hits.len())?;
    hits.get(pos).cloned()
}

/// Where `symbol` is among the selected burst's symbols.
pub fn hit_position(data: &Data, view: &mut View, symbol: &str) -> Option<usize> {
    hits(data, view).1.ok()?.iter().position(|h| h.symbol == symbol)
}

// Alerts: places in the log of the alerts listed (filtered by symbol), in the order of a column.

/// By position (the bottom of the pane first).
fn alert_list(data: &Data, view: &mut View) -> Vec<usize> {
    let alerts = data.shown_alerts();
    let end = extents(data, view).alerts.min(alerts.len());
    let base: Vec<usize> = match view.matcher() {
        None => (0..end).collect(),
        Some(f) => (0..end).filter(|&i| alerts[i].symbol.as_deref().is_some_and(|s| f.matches(s))).collect(),
    };
    let sort = view.columns[ListPane::Alerts].sort;
    let Some(column) = ALERTS.get(sort.col) else { return base.into_iter().rev().collect() };
    let arrival = is_time(column.head.name);
    // The live log drops its oldest alerts past MAX_ALERTS: the same places then hold others.
    let stamp = if data.history.is_some() { u64::MAX } else { data.alerts_total as u64 };
    let keys = |base: &[usize]| -> Vec<Option<SortKey>> {
        let ctx = Ctx::of(data);
        base.iter().map(|&i| alerts.get(i).and_then(|a| (column.by)(a, &ctx))).collect()
    };
    let top_first = view.caches.short_order(ShortList::Alerts, stamp, sort, base, arrival, keys);
    top_first.iter().rev().copied().collect()
}

/// Places in the log of the alerts at these positions.
pub fn alerts_at(data: &Data, view: &mut View, positions: &[usize]) -> Vec<usize> {
    let l = alert_list(data, view);
    positions.iter().filter_map(|&p| l.get(p).copied()).collect()
}

pub fn selected_alert<'a>(data: &'a Data, view: &mut View) -> Option<&'a Alert> {
    let l = alert_list(data, view);
    let pos = view.lists[ListPane::Alerts].nav.selected(l.len())?;
    data.shown_alerts().get(*l.get(pos)?)
}

/// One list pane as a frame shows it: its rows (position, item) newest first, the selected
/// position, and the list's length.
pub struct Shown<T> {
    pub rows: Vec<(usize, T)>,
    pub selected: Option<usize>,
    pub len: usize,
}

/// Everything one frame draws from the data.
pub struct Prepared {
    pub quotes: Shown<QuoteView>,
    pub bursts: Shown<BurstRow>,
    /// The selected burst's time, and its symbols or why there are none.
    pub hits_at: Option<SecondOfDay>,
    /// Its hit symbols' mean return so far, when the day has bars.
    pub so_far: Option<crate::analysis::study::returns::SoFar>,
    pub hits: Result<Shown<SymbolHit>, SymbolsState>,
    pub alerts: Shown<Alert>,
    /// Cumulative CB / CS up to the bursts shown.
    pub programs: Vec<ProgramPoint>,
    pub s2: Vec<SeriesRow>,
    pub s1: Vec<SeriesRow>,
    /// With the threshold editor open: what the selected rule's value catches.
    pub catch: Option<CatchView>,
    /// The Basket column's short ids of the bursts shown, lengthened where two baskets on
    /// screen (or listed in the Baskets view) would share one.
    pub basket_ids: std::collections::HashMap<String, String>,
}

/// What the threshold editor's selected rule catches, ready to draw.
pub struct CatchView {
    pub rule: String,
    pub today: usize,
    pub recent: usize,
    /// Rows with a value for the field.
    pub rows: usize,
    /// While a value is being changed: the value before, and how many more (or fewer) rows
    /// the new one catches.
    pub change: Option<(Value, i64)>,
    pub histogram: Histogram,
    pub op: Op,
    pub value: Value,
    /// What the value catches on the last indexed days, newest first (hft1 count fields of a
    /// rule on every symbol; None for a day not counted).
    pub days: Vec<(Day, Option<usize>)>,
}

/// Earlier days the threshold editor counts.
const CATCH_DAYS: usize = 5;

/// Buckets of the editor's distribution.
pub const BUCKETS: usize = 40;

fn catch(data: &Data, view: &mut View) -> Option<CatchView> {
    let Overlay::Rules(ed) = &mut view.overlay else { return None };
    let rules = data.alerting.rules();
    let row = ed.row.min(rules.len().checked_sub(1)?);
    let rule = rules.rules().get(row)?.clone();
    if ed.baseline.as_ref().is_none_or(|(r, _)| *r != row) {
        ed.baseline = Some((row, rule.value));
    }
    let before = ed.baseline.map(|(_, v)| v);
    let store = data.shown();
    if !view.catch.as_ref().is_some_and(|c| c.fits(store, &rule)) {
        view.catch = Catch::gather(store, &rule, data.alerting.context());
    }
    let c = view.catch.as_mut()?;
    let (today, recent) = c.matches(rule.op, rule.value);
    let change = before.filter(|b| *b != rule.value).map(|b| (b, today as i64 - c.matches(rule.op, b).0 as i64));
    Some(CatchView {
        rule: rule.name.clone(),
        today,
        recent,
        rows: c.rows(),
        change,
        histogram: c.histogram(rule.value),
        op: rule.op,
        value: rule.value,
        days: match (rule.source, rule.value) {
            (Source::Quotes, Value::Count(t)) if rule.symbols.is_empty() => {
                data.days.0.catches(rule.field.name(), rule.op, t as f64, store.day(), CATCH_DAYS)
            }
            _ => Vec::new(),
        },
    })
}

fn shown<T>(view: &mut View, pane: ListPane, len: usize, at: impl FnOnce(&mut View, &[usize]) -> Vec<T>) -> Shown<T> {
    let state = &mut view.lists[pane];
    let (positions, selected) = state.nav.show(len, state.height);
    let items = at(view, &positions);
    Shown { rows: positions.into_iter().zip(items).collect(), selected, len }
}

/// Gathers what the panes show, for the heights they were last laid out with.
fn basket_ids(data: &Data, bursts: &Shown<BurstRow>) -> std::collections::HashMap<String, String> {
    let shown: Vec<&str> = bursts.rows.iter().filter_map(|(_, b)| data.basket_of(b.time).map(|(id, _)| id)).collect();
    if shown.is_empty() {
        return Default::default();
    }
    let listed = data.baskets.table().into_iter().flat_map(|t| t.baskets.iter().map(|l| l.report.id.as_str()));
    let forms = crate::analysis::baskets::short_ids(shown.iter().copied().chain(listed));
    shown.iter().filter_map(|id| Some(((*id).to_owned(), forms.get(id)?.clone()))).collect()
}

pub fn prepare(data: &Data, view: &mut View) -> Prepared {
    let e = extents(data, view);
    let n = len(data, view, ListPane::Quotes);
    let quotes = shown(view, ListPane::Quotes, n, |v, p| quotes_at(data, v, p));
    // The burst list once for the frame: the pane's rows, and the selected burst's symbols.
    let store = data.shown();
    let l = burst_list(data, view);
    let bursts =
        shown(view, ListPane::Bursts, l.len(), |_, p| p.iter().filter_map(|&i| store.burst_at(*l.get(i)?)).collect());
    let selected = view.lists[ListPane::Bursts].nav.selected(l.len()).and_then(|p| store.burst_at(*l.get(p)?));
    let (hits_at, hit_list) = hits_of(data, view, selected);
    let hits = hit_list.map(|h| {
        let n = h.len();
        shown(view, ListPane::Symbols, n, |_, p| p.iter().filter_map(|&i| h.get(i).cloned()).collect())
    });
    let l = alert_list(data, view);
    let log = data.shown_alerts();
    let alerts =
        shown(view, ListPane::Alerts, l.len(), |_, p| p.iter().filter_map(|&i| log.get(*l.get(i)?).cloned()).collect());
    let mut programs = store.programs();
    programs.truncate(e.bursts);
    let window = view.window_s();
    let catch = catch(data, view);
    let so_far = super::prices::burst_so_far(data, view, hits_at);
    let basket_ids = basket_ids(data, &bursts);
    Prepared {
        basket_ids,
        catch,
        so_far,
        quotes,
        bursts,
        hits_at,
        hits,
        alerts,
        programs,
        s2: store.series(Series::S2, e.s2, window),
        s1: store.series(Series::S1, e.s1, window),
    }
}
