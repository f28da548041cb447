//! Context for a quote-stuffing alert: is the symbol new today, when was it last seen, and how
//! big is this row's dollar figure against the symbol's history.

use std::collections::HashMap;

use serde::Serialize;

use super::alert::iso_time;
use crate::archive::{Day, QuoteRow, SecondOfDay};

#[derive(Debug, Clone, PartialEq)]
pub struct Enrichment {
    pub day: Day,
    /// Time of the symbol's first hft1 row today.
    pub first_seen_today: SecondOfDay,
    /// The last earlier day (within the history read) with an hft1 row for the symbol.
    pub last_seen_day: Option<Day>,
    pub days_ago: Option<i64>,
    /// 1 = the largest dollars of the symbol's history (earlier days and today so far);
    /// equal amounts share a rank. None when the row has no dollars, or when its figure is
    /// not among the largest the history keeps (then `dollars_outside_top` says how many).
    pub dollars_rank: Option<usize>,
    /// The figure is not among this many largest of the symbol's history.
    pub dollars_outside_top: Option<usize>,
    /// How many dollar figures that history holds.
    pub dollars_of: usize,
    /// Today's part, kept while the earlier days are not at hand yet (`Enricher::complete`).
    pending: Option<Box<Today>>,
}

/// What today's rows said at the row's moment: enough to finish the enrichment later.
#[derive(Debug, Clone, PartialEq)]
struct Today {
    symbol: String,
    dollars: Option<f64>,
    /// Today's figures greater than this one; None when more than today keeps are.
    above: Option<usize>,
    count: usize,
}

impl Serialize for Enrichment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json {
            first_seen_today: String,
            last_seen_day: Option<String>,
            days_ago: Option<i64>,
            dollars_rank: Option<usize>,
            #[serde(skip_serializing_if = "Option::is_none")]
            dollars_outside_top: Option<usize>,
            dollars_of: usize,
        }
        Json {
            first_seen_today: iso_time(self.day, self.first_seen_today),
            last_seen_day: self.last_seen_day.map(|d| d.to_string()),
            days_ago: self.days_ago,
            dollars_rank: self.dollars_rank,
            dollars_outside_top: self.dollars_outside_top,
            dollars_of: self.dollars_of,
        }
        .serialize(s)
    }
}

impl Enrichment {
    /// Still waiting for the earlier days.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// `first 09:30:00, last seen 2025-07-11 (3 days ago), $ 3rd largest of 57`
    pub fn describe(&self) -> String {
        let last = match (self.last_seen_day, self.days_ago) {
            (Some(d), Some(1)) => format!("last seen {d} (1 day ago)"),
            (Some(d), Some(n)) => format!("last seen {d} ({n} days ago)"),
            _ => "not seen on earlier days".to_owned(),
        };
        let rank = match (self.dollars_rank, self.dollars_outside_top) {
            (Some(r), _) => format!("$ {} largest of {}", ordinal(r), self.dollars_of),
            (None, Some(n)) => format!("$ not in the {n} largest of {}", self.dollars_of),
            (None, None) => "$ unknown".to_owned(),
        };
        format!("first {}, {last}, {rank}", self.first_seen_today)
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `22nd`.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Today's facts of a symbol, from the rows seen so far. Of the dollar figures only the largest
/// are kept, as the index keeps them for earlier days: a row's rank is exact whenever it is
/// within them, and the memory stays put however many rows the day appends.
#[derive(Debug)]
struct TodaySymbol {
    first: SecondOfDay,
    dollars: Largest,
}

/// What earlier days say about symbols, gathered by whoever keeps them (the day index): the
/// last day each was seen and its largest dollar figures.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PastDays {
    pub last_day: HashMap<String, Day>,
    pub dollars: HashMap<String, Largest>,
}

/// A symbol's largest dollar figures (at most `keep` of them) and how many it has in all.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Largest {
    /// Ascending.
    values: Vec<f64>,
    /// Taken in since the last `settle`, in any order.
    pending: Vec<f64>,
    count: usize,
    keep: usize,
}

impl Largest {
    /// Figures taken in before they are sorted in: a sorted insert per row touches (and, cold,
    /// misses) the symbol's whole run; an append touches one line.
    const PENDING: usize = 32;

    pub fn new(keep: usize) -> Largest {
        Largest { values: Vec::new(), pending: Vec::new(), count: 0, keep }
    }

    /// Adds a day's figures: its largest (any order, at most `keep` taken) and how many it had.
    pub fn add(&mut self, largest: &[f64], count: usize) {
        self.count += count;
        self.pending.extend_from_slice(largest);
        self.settle();
    }

    /// Takes note of one more figure, keeping it only while it is among the `keep` largest.
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        if self.values.len() >= self.keep && self.values.first().is_some_and(|lowest| x <= *lowest) {
            return;
        }
        self.pending.push(x);
        if self.pending.len() >= Self::PENDING {
            self.settle();
        }
    }

    /// Sorts the pending figures in and drops what is no longer among the `keep` largest.
    fn settle(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.values.append(&mut self.pending);
        // Two sorted runs, mostly: the sort finds and merges them.
        self.values.sort_by(f64::total_cmp);
        let drop = self.values.len().saturating_sub(self.keep);
        self.values.drain(..drop);
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// How many figures are strictly greater than `x`; None when more than the kept ones are
    /// (then `x` is not among the `keep` largest). Of a settled `Largest` (`add` leaves it so).
    fn count_above(&self, x: f64) -> Option<usize> {
        debug_assert!(self.pending.is_empty(), "count_above before settle");
        let above = self.values.len() - self.values.partition_point(|d| *d <= x);
        let complete = self.values.len() == self.count;
        let within = self.values.first().is_some_and(|lowest| x >= *lowest);
        (complete || within).then_some(above)
    }
}

/// Where the earlier days come from (the day index, in a layer above this one).
pub trait PastSource: Send + Sync {
    /// The facts of at most `days` days before `day` that have hft1 files.
    fn past(&self, day: Day, days: usize) -> PastDays;
    /// How many largest figures per symbol it keeps (ranks up to it are exact).
    fn keeps(&self) -> usize;
}

/// Builds enrichments: today's facts from the rows it is shown, earlier days' from a
/// `PastSource` (on a thread of its own when `prefetch`ed, else on the first alert), capped at
/// the last `MAX_DAYS` days present.
pub struct Enricher {
    source: std::sync::Arc<dyn PastSource>,
    today: Option<Day>,
    /// One entry per symbol: a row costs one lookup.
    today_stats: HashMap<String, TodaySymbol>,
    history: History,
    wait: bool,
}

impl std::fmt::Debug for Enricher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enricher").field("today", &self.today).finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
enum History {
    #[default]
    None,
    /// Being gathered for that day on another thread.
    Loading(Day, std::sync::mpsc::Receiver<PastDays>),
    Ready(Day, PastDays),
}

impl Enricher {
    pub const MAX_DAYS: usize = 30;

    pub fn new(source: std::sync::Arc<dyn PastSource>) -> Enricher {
        Enricher { source, today: None, today_stats: HashMap::new(), history: History::None, wait: true }
    }

    /// Starts gathering the history `day`'s alerts need on a thread of its own, so that whoever
    /// evaluates (the TUI's event loop) does not wait for it.
    pub fn prefetch(&mut self, day: Day) {
        if matches!(&self.history, History::Loading(d, _) | History::Ready(d, _) if *d == day) {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let source = self.source.clone();
        let started = std::thread::Builder::new().name("ki2-history".into()).spawn(move || {
            let _ = tx.send(source.past(day, Enricher::MAX_DAYS));
        });
        match started {
            Ok(_) => self.history = History::Loading(day, rx),
            Err(e) => tracing::warn!("cannot read the alert history in the background: {e}"),
        }
    }

    /// Whether the history for `day` is at hand (alerts then need no wait).
    pub fn ready(&mut self, day: Day) -> bool {
        if let History::Loading(d, rx) = &self.history
            && let Ok(past) = rx.try_recv()
        {
            self.history = History::Ready(*d, past);
        }
        matches!(&self.history, History::Ready(d, _) if *d == day)
    }

    fn load_history(&mut self, day: Day) {
        let loaded = match std::mem::take(&mut self.history) {
            History::Ready(d, past) if d == day => past,
            // Being gathered: the first alert waits for it (once).
            History::Loading(d, rx) if d == day => {
                rx.recv().unwrap_or_else(|_| self.source.past(day, Enricher::MAX_DAYS))
            }
            _ => self.source.past(day, Enricher::MAX_DAYS),
        };
        self.history = History::Ready(day, loaded);
    }

    /// Takes note of an hft1 row of `day` (every row, whether it alerts or not).
    pub fn observe(&mut self, day: Day, row: &QuoteRow) {
        if self.today != Some(day) {
            self.today = Some(day);
            self.today_stats.clear();
        }
        let seen = |t: &mut TodaySymbol| {
            t.first = t.first.min(row.time);
            if let Some(d) = row.dollars {
                t.dollars.push(d);
            }
        };
        if let Some(t) = self.today_stats.get_mut(row.symbol) {
            return seen(t);
        }
        let mut t = TodaySymbol { first: row.time, dollars: Largest::new(self.source.keeps()) };
        seen(&mut t);
        self.today_stats.insert(row.symbol.to_owned(), t);
    }

    /// The enrichment of a row already `observe`d. In waiting mode (the default) the earlier
    /// days are gathered first if need be; with `wait(false)` an enrichment whose earlier days
    /// are not at hand yet comes back pending, for `complete` to finish.
    pub fn enrich(&mut self, day: Day, row: &QuoteRow) -> Enrichment {
        let today = if self.today == Some(day) { self.today_stats.get_mut(row.symbol) } else { None };
        let first_seen_today = today.as_ref().map_or(row.time, |t| t.first);
        let (above, count) = match (today, row.dollars) {
            (Some(t), Some(d)) => {
                t.dollars.settle();
                (t.dollars.count_above(d), t.dollars.count())
            }
            (Some(t), None) => (Some(0), t.dollars.count()),
            (None, _) => (Some(0), 0),
        };
        let mut e = Enrichment {
            day,
            first_seen_today,
            last_seen_day: None,
            days_ago: None,
            dollars_rank: None,
            dollars_outside_top: None,
            dollars_of: 0,
            pending: Some(Box::new(Today { symbol: row.symbol.to_owned(), dollars: row.dollars, above, count })),
        };
        if self.wait || self.ready(day) {
            self.complete(&mut e, true);
        }
        e
    }

    /// In waiting mode `enrich` gathers the earlier days when they are not at hand.
    pub fn wait(&mut self, wait: bool) {
        self.wait = wait;
    }

    /// Finishes a pending enrichment with the earlier days; false (and left pending) when they
    /// are not at hand and `block` is false.
    pub fn complete(&mut self, e: &mut Enrichment, block: bool) -> bool {
        let Some(t) = e.pending.take() else { return true };
        if !block && !self.ready(e.day) {
            self.prefetch(e.day);
            e.pending = Some(t);
            return false;
        }
        self.load_history(e.day);
        let empty = PastDays::default();
        let history = match &self.history {
            History::Ready(_, past) => past,
            _ => &empty,
        };
        let last_seen_day = history.last_day.get(&t.symbol).copied();
        let past = history.dollars.get(&t.symbol);
        let above_before = match t.dollars {
            Some(d) => past.map_or(Some(0), |p| p.count_above(d)),
            None => Some(0),
        };
        let keeps = self.source.keeps();
        (e.dollars_rank, e.dollars_outside_top) = match (t.dollars, above_before, t.above) {
            (None, _, _) => (None, None),
            (Some(_), Some(before), Some(today)) => (Some(before + today + 1), None),
            // At least this many are larger: all that a part which stopped counting keeps.
            (Some(_), before, today) => (None, Some(before.unwrap_or(keeps).saturating_add(today.unwrap_or(keeps)))),
        };
        e.last_seen_day = last_seen_day;
        e.days_ago = last_seen_day.map(|d| e.day.days_since(d));
        e.dollars_of = past.map_or(0, Largest::count) + t.count;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_compact(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn row(symbol: &str, hhmmss: u32, dollars: Option<f64>) -> QuoteRow<'_> {
        let time = SecondOfDay::from_hhmmss(hhmmss).unwrap_or_default();
        QuoteRow { time, symbol, num_quotes: 2500, bbo: 1, num_trades: 1, dollars }
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal).to_vec();
        assert_eq!(got, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]);
    }

    /// History as a test states it: (day, symbol, its dollar figures) rows.
    struct Given(Vec<(Day, &'static str, Vec<f64>)>, usize);

    impl PastSource for Given {
        fn past(&self, day: Day, days: usize) -> PastDays {
            let mut earlier: Vec<Day> = self.0.iter().map(|(d, _, _)| *d).filter(|d| *d < day).collect();
            earlier.sort();
            earlier.dedup();
            let from = earlier.len().saturating_sub(days);
            let mut past = PastDays::default();
            for (d, symbol, dollars) in &self.0 {
                if *d < day && earlier[from..].contains(d) {
                    let last = past.last_day.entry((*symbol).to_owned()).or_insert(*d);
                    *last = (*last).max(*d);
                    let mut top = dollars.clone();
                    top.sort_by(|a, b| b.total_cmp(a));
                    top.truncate(self.1);
                    past.dollars
                        .entry((*symbol).to_owned())
                        .or_insert_with(|| Largest::new(self.1))
                        .add(&top, dollars.len());
                }
            }
            past
        }

        fn keeps(&self) -> usize {
            self.1
        }
    }

    #[test]
    fn history_and_today_rank_a_rows_dollars() {
        let today = day("20250705");
        let source = Given(vec![(day("20250630"), "SPY", vec![300.0]), (day("20250701"), "QQQ", vec![])], 256);
        let mut e = Enricher::new(std::sync::Arc::new(source));
        for r in [row("SPY", 93500, Some(100.0)), row("QQQ", 93501, None), row("SPY", 93502, Some(200.0))] {
            e.observe(today, &r);
        }
        let got = e.enrich(today, &row("SPY", 93502, Some(200.0)));
        // History: 300 (June 30); today: 100, 200. 200 is the 2nd largest of 3.
        assert_eq!(got.first_seen_today.to_string(), "09:35:00");
        assert_eq!(got.last_seen_day, Some(day("20250630")));
        assert_eq!(got.days_ago, Some(5));
        assert_eq!((got.dollars_rank, got.dollars_of), (Some(2), 3));
        assert_eq!(got.describe(), "first 09:35:00, last seen 2025-06-30 (5 days ago), $ 2nd largest of 3");
        let q = e.enrich(today, &row("QQQ", 93501, None));
        assert_eq!((q.last_seen_day, q.dollars_rank, q.dollars_of), (Some(day("20250701")), None, 0));
        assert_eq!(q.describe(), "first 09:35:01, last seen 2025-07-01 (4 days ago), $ unknown");
    }

    #[test]
    fn a_figure_below_the_kept_largest_says_so_and_is_not_ranked() {
        let today = day("20250705");
        // Four figures in history, two kept: 40 and 30.
        let source = Given(vec![(day("20250701"), "SPY", vec![10.0, 20.0, 30.0, 40.0])], 2);
        let mut e = Enricher::new(std::sync::Arc::new(source));
        for (t, d) in [(93500, 35.0), (93501, 15.0), (93502, 50.0)] {
            e.observe(today, &row("SPY", t, Some(d)));
        }
        let within = e.enrich(today, &row("SPY", 93500, Some(35.0)));
        // Above 35: 40 (history), 50 (today).
        assert_eq!((within.dollars_rank, within.dollars_outside_top, within.dollars_of), (Some(3), None, 7));
        let below = e.enrich(today, &row("SPY", 93501, Some(15.0)));
        // Above 15 today: 35 and 50; history holds more above 15 than it keeps.
        assert_eq!((below.dollars_rank, below.dollars_outside_top), (None, Some(4)));
        assert!(below.describe().ends_with("$ not in the 4 largest of 7"), "{}", below.describe());
    }
}

#[cfg(test)]
mod largest_tests {
    use super::Largest;

    #[test]
    fn figures_pushed_one_by_one_rank_exactly_within_the_kept_ones() {
        let mut kept = Largest::new(64);
        let mut all = Vec::new();
        let mut x: u64 = 7;
        let (mut exact, mut outside) = (0, 0);
        for i in 0..5000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = ((x >> 40) % 10_000) as f64;
            kept.push(v);
            all.push(v);
            // Asked now and then, as alerts ask: figures pend in between (and settle when many).
            if i % 13 != 0 {
                continue;
            }
            kept.settle();
            let probe = ((x >> 20) % 10_000) as f64;
            let above = all.iter().filter(|d| **d > probe).count();
            match kept.count_above(probe) {
                Some(n) => {
                    assert_eq!(n, above);
                    exact += 1;
                }
                None => {
                    assert!(above >= 64, "{probe}: {above} above, yet not ranked");
                    outside += 1;
                }
            }
        }
        assert_eq!(kept.count(), 5000);
        assert!(exact > 0 && outside > 0, "{exact} {outside}");
    }
}
