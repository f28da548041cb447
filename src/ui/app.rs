//! The TUI's state: the day on screen, what is selected where, the alert log, and what arrived
//! from the tailer. Input is handled in `update.rs`, drawing in `draw.rs` and `panes/`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::alerts::{Alert, Delivery, Evaluator, LiveAlerts, RuleSet, SinkStatus};
use crate::archive::{Day, DayData, SecondOfDay};
use crate::store::DayStore;
use crate::store::queries::{Series, SymbolFilter};
use crate::tail::{TailEvent, TailMode};

use super::cache::Caches;
use super::nav::ListNav;
use super::overlay::Overlay;
use super::scale::Scale;
use super::theme::Theme;

/// Panes, in `Tab` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Quotes,
    Bursts,
    Symbols,
    Programs,
    Series,
    Alerts,
}

impl Pane {
    pub const ALL: [Pane; 6] = [Pane::Quotes, Pane::Bursts, Pane::Symbols, Pane::Programs, Pane::Series, Pane::Alerts];

    pub fn next(self, back: bool) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let n = Pane::ALL.len();
        Pane::ALL[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }
}

/// How the High Quote Counts pane orders its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteOrder {
    /// Newest first, as the Burst Monitor shows them.
    Time,
    /// The day's largest counts first.
    Count,
}

/// How far each list goes on screen: everything while live, the lengths when `p` was pressed
/// while paused. Rows are only ever appended, so these prefixes are exactly the frozen screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extents {
    pub quotes: usize,
    pub bursts: usize,
    pub s1: usize,
    pub s2: usize,
    pub alerts: usize,
    pub version: u64,
}

pub struct AppOptions {
    /// The archive root as shown in the status line.
    pub root_label: String,
    pub theme: Theme,
    pub bell: bool,
    /// The day is tailed (live) rather than read once.
    pub live: bool,
}

/// Alerts kept in the log pane; older ones are counted, not kept.
pub const MAX_ALERTS: usize = 10_000;

/// S2 / S1 windows `[` and `]` step through, in seconds.
pub const WINDOWS: [u32; 7] = [60, 120, 300, 600, 1800, 3600, 4 * 3600];

pub struct App {
    pub(super) opts: AppOptions,
    /// The tailed day (or the one day read, when not live).
    pub(super) live: DayStore,
    /// An earlier day picked with `d`, shown instead of the live one, and its alerts.
    pub(super) history: Option<DayStore>,
    pub(super) history_alerts: VecDeque<Alert>,
    /// The live-alert path (rules, rewrites, backlog, day changes, delivery to the sinks).
    pub(super) alerting: LiveAlerts,
    pub(super) alerts: VecDeque<Alert>,
    pub(super) alerts_total: usize,
    /// Live alerts raised while an earlier day is on screen (the header's badge).
    pub(super) unseen_alerts: usize,
    pub(super) focus: Pane,
    pub(super) quotes_nav: ListNav,
    pub(super) bursts_nav: ListNav,
    pub(super) symbols_nav: ListNav,
    pub(super) alerts_nav: ListNav,
    pub(super) quote_order: QuoteOrder,
    pub(super) filter: Option<SymbolFilter>,
    pub(super) filter_text: String,
    pub(super) frozen: Option<Extents>,
    /// Buy Progs vs Sell Progs shows Buys − Sells instead of the two lines.
    pub(super) net: bool,
    /// The y-axes of the two charts: SmartScale or a hard max.
    pub(super) programs_scale: Scale,
    pub(super) series_scale: Scale,
    pub(super) window: usize,
    pub(super) overlay: Overlay,
    /// Text being typed after `/`.
    pub(super) typing_filter: Option<String>,
    pub(super) caches: Caches,
    pub(super) status: Status,
    /// Rows of each table pane as last drawn, for page moves.
    pub(super) heights: PaneHeights,
    pub(super) bell_pending: bool,
    pub(super) quit: bool,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct PaneHeights {
    pub quotes: usize,
    pub bursts: usize,
    pub symbols: usize,
    pub alerts: usize,
}

#[derive(Debug, Default)]
pub struct Status {
    pub mode: Option<TailMode>,
    /// Everything present at start has been read (until then alerts are history, not news).
    pub caught_up: bool,
    /// Rows received, with when, over the last few seconds: the rows/s figure.
    pub arrivals: VecDeque<(Instant, usize)>,
    pub last_update: Option<Instant>,
    /// Rows received while paused.
    pub unseen: usize,
    pub message: Option<Notice>,
    pub loading: Option<Day>,
    pub last_bell: Option<Instant>,
}

/// A message in the status line: what, since when, and whether something went wrong.
#[derive(Debug, Clone)]
pub struct Notice {
    pub text: String,
    pub at: Instant,
    pub error: bool,
}

/// How long a message stays in the status line.
const MESSAGE_FOR: Duration = Duration::from_secs(8);
const RATE_WINDOW: Duration = Duration::from_secs(5);
/// The bell rings at most this often.
const BELL_EVERY: Duration = Duration::from_secs(3);

impl App {
    pub fn new(store: DayStore, opts: AppOptions, evaluator: Evaluator) -> App {
        let caught_up = !opts.live;
        let alerting = LiveAlerts::new(store.day(), evaluator, Delivery::none());
        App {
            opts,
            live: store,
            history: None,
            history_alerts: VecDeque::new(),
            alerting,
            alerts: VecDeque::new(),
            alerts_total: 0,
            unseen_alerts: 0,
            focus: Pane::Quotes,
            quotes_nav: ListNav::default(),
            bursts_nav: ListNav::default(),
            symbols_nav: ListNav::default(),
            alerts_nav: ListNav::default(),
            quote_order: QuoteOrder::Time,
            filter: None,
            filter_text: String::new(),
            frozen: None,
            net: false,
            programs_scale: Scale::default(),
            series_scale: Scale::default(),
            window: 2,
            overlay: Overlay::None,
            typing_filter: None,
            caches: Caches::default(),
            status: Status { caught_up, ..Status::default() },
            heights: PaneHeights::default(),
            bell_pending: false,
            quit: false,
        }
    }

    /// A day read whole, not tailed: its alerts are raised at once, as `ki2 scan` raises them.
    pub fn from_day(
        data: DayData,
        mut opts: AppOptions,
        mut evaluator: Evaluator,
    ) -> polars::prelude::PolarsResult<App> {
        opts.live = false;
        let alerts = evaluator.eval_day(&data);
        let mut app = App::new(DayStore::from_day(data)?, opts, evaluator);
        app.push_alerts(alerts, false);
        Ok(app)
    }

    /// Live alerts go to these sinks too (the TUI shows their state).
    pub fn with_delivery(mut self, delivery: Delivery) -> App {
        self.alerting.set_delivery(delivery);
        self
    }

    /// The sinks and what they did.
    pub fn sinks(&self) -> Vec<SinkStatus> {
        self.alerting.sinks()
    }

    /// Delivers what is queued (up to `timeout`) and stops the sinks: the last thing on quit.
    pub fn close_sinks(&mut self, timeout: Duration) {
        self.alerting.close(timeout);
    }

    /// The alerts of the day on screen.
    pub fn alerts_shown(&self) -> &VecDeque<Alert> {
        if self.history.is_some() { &self.history_alerts } else { &self.alerts }
    }

    /// The day on screen.
    pub fn store(&self) -> &DayStore {
        self.history.as_ref().unwrap_or(&self.live)
    }

    pub fn live_day(&self) -> Day {
        self.live.day()
    }

    pub fn is_history(&self) -> bool {
        self.history.is_some() || !self.opts.live
    }

    pub fn rules(&self) -> &RuleSet {
        self.alerting.rules()
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn theme(&self) -> Theme {
        self.opts.theme
    }

    pub fn window_s(&self) -> u32 {
        WINDOWS[self.window.min(WINDOWS.len() - 1)]
    }

    /// Whether a bell is owed (and forgets it).
    pub fn take_bell(&mut self) -> bool {
        std::mem::take(&mut self.bell_pending)
    }

    pub fn say(&mut self, message: impl Into<String>) {
        self.status.message = Some(Notice { text: message.into(), at: Instant::now(), error: false });
    }

    pub fn complain(&mut self, message: impl Into<String>) {
        self.status.message = Some(Notice { text: message.into(), at: Instant::now(), error: true });
    }

    /// The status message, while it is fresh.
    pub fn message(&self) -> Option<(&str, bool)> {
        self.status.message.as_ref().filter(|n| n.at.elapsed() < MESSAGE_FOR).map(|n| (n.text.as_str(), n.error))
    }

    pub fn rows_per_second(&self) -> f64 {
        let now = Instant::now();
        let rows: usize =
            self.status.arrivals.iter().filter(|(t, _)| now.duration_since(*t) <= RATE_WINDOW).map(|(_, n)| n).sum();
        rows as f64 / RATE_WINDOW.as_secs_f64()
    }

    /// Extents lengths while paused, else the store's.
    pub fn frozen(&self) -> Option<Extents> {
        self.frozen
    }

    pub fn freeze_now(&self) -> Extents {
        let s = self.store();
        Extents {
            quotes: s.quotes_len(),
            bursts: s.bursts_len(),
            s1: s.series_len(Series::S1),
            s2: s.series_len(Series::S2),
            alerts: self.alerts_shown().len(),
            version: s.version(),
        }
    }

    /// What the panes show: the frozen lengths while paused, else everything.
    pub fn shown(&self) -> Extents {
        self.frozen.unwrap_or_else(|| self.freeze_now())
    }

    /// One event from the tailer. Returns whether the screen changes.
    pub fn on_tail(&mut self, event: TailEvent) -> bool {
        let raised = self.alerting.on_event(&event);
        let changed = self.store_event(event);
        if let Some(r) = raised {
            if self.history.is_some() && r.news {
                self.unseen_alerts += r.alerts.len();
            }
            self.push_alerts(r.alerts, r.news);
        }
        changed
    }

    fn store_event(&mut self, event: TailEvent) -> bool {
        match event {
            TailEvent::Rows { day, rows } => {
                if day != self.live.day() {
                    return false;
                }
                if let Err(e) = self.live.append(&rows) {
                    self.complain(format!("cannot store rows of {}: {e}", rows.kind()));
                    return true;
                }
                let n = rows.len();
                let now = Instant::now();
                // Rows per second means the writer's pace: the day's existing rows do not count.
                if self.status.caught_up {
                    self.status.arrivals.push_back((now, n));
                }
                while self.status.arrivals.front().is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW) {
                    self.status.arrivals.pop_front();
                }
                self.status.last_update = Some(now);
                if self.frozen.is_some() {
                    self.status.unseen += n;
                }
            }
            TailEvent::Malformed { day, items } => {
                if day == self.live.day() {
                    self.live.add_malformed(items);
                }
            }
            TailEvent::Reset { day, kind, burst } => {
                if day == self.live.day() {
                    if let Err(e) = self.live.clear(kind, burst) {
                        self.complain(format!("cannot drop rows of {kind}: {e}"));
                    }
                    self.say(format!("the {kind} file was rewritten: reading it again"));
                }
            }
            TailEvent::CaughtUp { day } => {
                if day == self.live.day() {
                    self.status.caught_up = true;
                }
            }
            TailEvent::DayChanged { from, to } => match DayStore::new(to) {
                Ok(store) => {
                    self.live = store;
                    self.status.caught_up = false;
                    if self.history.is_none() {
                        self.new_view();
                    }
                    self.say(format!("{from} ended: following {to} (d opens {from} again)"));
                }
                Err(e) => self.complain(format!("cannot start {to}: {e}")),
            },
            TailEvent::FileError { path, message } => {
                self.live.add_error(crate::archive::FileError { path, message });
            }
            TailEvent::FileRecovered { path } => self.live.clear_error(&path),
            TailEvent::Mode(mode) => self.status.mode = Some(mode),
        }
        // While paused only the badge changes, and it is drawn with the clock.
        self.frozen.is_none() && self.history.is_none()
    }

    fn push_alerts(&mut self, alerts: Vec<Alert>, news: bool) {
        if alerts.is_empty() {
            return;
        }
        if news {
            // One bell per burst of alerts, not one per batch: a busy open would ring nonstop.
            let quiet = self.status.last_bell.is_none_or(|t| t.elapsed() >= BELL_EVERY);
            if self.opts.bell && quiet {
                self.bell_pending = true;
                self.status.last_bell = Some(Instant::now());
            }
        }
        self.alerts_total += alerts.len();
        self.alerts.extend(alerts);
        let excess = self.alerts.len().saturating_sub(MAX_ALERTS);
        if excess > 0 {
            self.alerts.drain(..excess);
            if let Some(f) = &mut self.frozen {
                f.alerts = f.alerts.saturating_sub(excess);
            }
        }
    }

    /// An earlier day, read whole, shown (with the alerts today's rules raise on it) until the
    /// user goes back to the live day.
    pub fn show_history(&mut self, data: DayData) {
        self.status.loading = None;
        let day = data.day;
        if day == self.live.day() && self.opts.live {
            self.show_live();
            return;
        }
        // Its own evaluator: cooldowns of the live day are not disturbed.
        let alerts = Evaluator::new(self.rules().clone()).eval_day(&data);
        match DayStore::from_day(data) {
            Ok(store) => {
                self.say(format!("{day}: history (d, then the live day, to go back)"));
                self.history = Some(store);
                self.history_alerts = alerts.into_iter().rev().take(MAX_ALERTS).rev().collect();
                self.new_view();
            }
            Err(e) => self.complain(format!("cannot open {day}: {e}")),
        }
    }

    /// Back from an earlier day to the tailed one.
    pub fn show_live(&mut self) {
        if self.history.take().is_some() {
            self.unseen_alerts = 0;
            self.history_alerts.clear();
            self.new_view();
            self.say(format!("back to the live day {}", self.live.day()));
        }
    }

    /// Another day on screen: row numbers, caches and a pause of the old one mean nothing here.
    fn new_view(&mut self) {
        self.frozen = None;
        self.caches = Caches::default();
        for nav in [&mut self.quotes_nav, &mut self.bursts_nav, &mut self.symbols_nav, &mut self.alerts_nav] {
            *nav = ListNav::default();
        }
    }

    pub fn loading_failed(&mut self, day: Day, error: &str) {
        self.status.loading = None;
        self.complain(format!("cannot open {day}: {error}"));
    }

    /// New rules (edited, or reloaded from the file): evaluation and highlights follow at once.
    pub fn set_rules(&mut self, rules: RuleSet) {
        self.alerting.set_rules(rules);
    }

    /// The market time shown in the header: the last row's.
    pub fn market_time(&self) -> Option<SecondOfDay> {
        self.store().last_time()
    }
}
