//! The TUI's state: `App` = the data (`data.rs`) + the view (`view.rs`) + the status line's
//! facts, and what it does with what the tailer sends.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::alerts::{Alert, Delivery, Evaluator, LiveAlerts, RuleSet, SinkStatus};
use crate::archive::columns::BurstColumns;
use crate::archive::{Day, DayData, Rows, SecondOfDay};
use crate::store::DayStore;
use crate::tail::{TailEvent, TailMode};
use crate::view_file::{ViewError, ViewFile};

use super::columns::Columns;
use super::data::{Data, HistoryDay};
use super::keymap::Keymap;
use super::layout::Screen;
use super::lists;
use super::overlay::Overlay;
use super::theme::Theme;
use super::view::View;

pub use super::view::Extents;

pub struct AppOptions {
    /// The archive root as shown in the status line.
    pub root_label: String,
    pub theme: Theme,
    pub bell: bool,
    /// The day is tailed (live) rather than read once.
    pub live: bool,
    /// The order the burst files are read with (named when their counters disagree).
    pub columns: BurstColumns,
}

pub use super::data::MAX_ALERTS;

/// The TUI: the data it knows (`data.rs`), how it shows them (`view.rs`), and the status line's
/// facts. Keys are handled in `update.rs`, what each list lists in `lists.rs`, drawing in
/// `draw.rs` and `panes/`.
pub struct App {
    pub(super) opts: AppOptions,
    pub(super) data: Data,
    pub(super) view: View,
    pub(super) status: Status,
    pub(super) keys: Keymap,
    /// Rules were edited and not saved (q asks first).
    pub(super) rules_unsaved: bool,
    /// `q` was pressed once with unsaved edits.
    pub(super) quit_asked: bool,
    /// Text for the clipboard (OSC 52), for the event loop to send.
    pub(super) clipboard: Option<String>,
    /// `y` / `Y` copy (`[screen] clipboard = false` turns them off).
    pub(super) clipboard_on: bool,
    pub(super) bell_pending: bool,
    pub(super) quit: bool,
    /// What the panes show, gathered by the update step (`settle.rs`) for the screen it was
    /// laid out as; drawing only paints it.
    pub(super) prepared: Option<lists::Prepared>,
    pub(super) prepared_for: Option<Screen>,
    /// Something changed since `prepared` was gathered.
    pub(super) stale: bool,
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
    /// The Parquet lake's line, and whether it is in trouble (asked once a second).
    pub lake: Option<(String, bool)>,
    /// `history 12/250 days` while the closed days are indexed.
    pub history: Option<String>,
    /// Index warnings already shown.
    pub history_warnings: usize,
    /// The day whose counters' disagreement was logged.
    pub counters_logged: Option<Day>,
    /// The root had no archive files at start: said until rows come.
    pub waiting_for_files: bool,
    /// When the live day's bars file was last asked to be checked.
    pub bars_checked: Option<Instant>,
    /// The bars' version and the symbol's bursts the symbol view's price line was made from.
    pub bars_shown: Option<(u64, usize)>,
    /// The sinks and what they did, as the update step last asked them (the status line's
    /// word and the sinks view paint these).
    pub sinks: Vec<SinkStatus>,
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
        let data = Data {
            live: store,
            history: None,
            alerting,
            alerts: VecDeque::new(),
            alerts_total: 0,
            unseen_alerts: 0,
            index: None,
            days: Default::default(),
            baskets: Default::default(),
            study: None,
            bars: None,
            bar_days: Default::default(),
        };
        App {
            opts,
            data,
            view: View::default(),
            status: Status { caught_up, ..Status::default() },
            keys: Keymap::default(),
            rules_unsaved: false,
            quit_asked: false,
            clipboard: None,
            clipboard_on: true,
            bell_pending: false,
            quit: false,
            prepared: None,
            prepared_for: None,
            stale: true,
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
    /// The background indexer of the closed days.
    pub fn with_history(mut self, history: crate::history::HistoryHandle) -> App {
        self.data.index = Some(history);
        self
    }

    /// The Edges view's study (a worker of the command layer computes it when first asked).
    pub fn with_study(mut self, study: crate::analysis::study::StudyHandle) -> App {
        self.data.study = Some(study);
        self
    }

    pub fn with_delivery(mut self, delivery: Delivery) -> App {
        self.data.alerting.set_delivery(delivery);
        self
    }

    /// Keys as config.toml's `[keys]` binds them.
    /// The root holds no archive files yet: the status line says ki2 waits for them.
    pub fn wait_for_files(&mut self) {
        self.status.waiting_for_files = true;
    }

    pub fn with_keys(mut self, keys: Keymap) -> App {
        self.keys = keys;
        self
    }

    /// The list panes' sort and columns as view.toml kept them. A file that cannot be used is
    /// named with its line in the status line and (with its folder) in the log, and the
    /// defaults stay.
    pub fn with_saved_view(mut self, saved: Result<Option<ViewFile>, ViewError>) -> App {
        let checked = saved.and_then(|f| {
            let Some(f) = f else { return Ok(None) };
            let path = f.origin.clone().unwrap_or_else(|| crate::view_file::FILE.into());
            Columns::from_file(&f).map(Some).map_err(|message| ViewError { path, message })
        });
        match checked {
            Ok(Some(c)) => self.view.columns = c,
            Ok(None) => {}
            Err(e) => {
                tracing::warn!("{e}: ignored, the default columns are shown");
                let name =
                    e.path.file_name().map_or_else(|| e.path.display().to_string(), |n| n.to_string_lossy().into());
                self.complain(format!("{name} ignored (default columns): {}", e.message));
            }
        }
        self
    }

    /// `y` / `Y` put nothing on the clipboard (`[screen] clipboard = false`).
    pub fn with_clipboard(mut self, on: bool) -> App {
        self.clipboard_on = on;
        self
    }

    /// The focused pane's selected row (`all`: the rows it shows) as CSV, for the clipboard.
    pub(super) fn copy(&mut self, all: bool) {
        if !self.clipboard_on {
            self.say("copying is off ([screen] clipboard = false in config.toml)");
            return;
        }
        match super::copy::csv(&self.data, &mut self.view, all) {
            Some((text, what)) => self.put_on_clipboard(text, &what),
            None => self.say("nothing to copy here: y copies the selected row of a list pane"),
        }
    }

    /// CSV for the terminal's clipboard, said in the status line (unless copying is off).
    pub(super) fn put_on_clipboard(&mut self, text: String, what: &str) {
        if !self.clipboard_on {
            self.say("copying is off ([screen] clipboard = false in config.toml)");
            return;
        }
        self.say(format!("copied {what} to the clipboard ({} bytes, OSC 52)", text.len()));
        self.clipboard = Some(text);
    }

    /// Text to put on the terminal's clipboard, once.
    pub fn take_clipboard(&mut self) -> Option<String> {
        self.clipboard.take()
    }

    /// The sinks and what they did.
    pub fn sinks(&self) -> Vec<SinkStatus> {
        self.data.alerting.sinks()
    }

    /// A local sink (the alert log, the command) is behind: the event loop reads no more rows
    /// until it has room, so that it never drops an alert.
    pub fn sinks_behind(&self) -> bool {
        self.data.alerting.backpressure().is_some()
    }

    /// Says in the status line what the sinks have to tell (an unreadable checkpoint, alerts
    /// dropped by a remote sink past its queue).
    pub fn tell_sink_notes(&mut self) {
        if let Some(last) = self.data.alerting.take_notes().pop() {
            self.complain(last);
        }
    }

    /// Delivers what is queued (up to `timeout`) and stops the sinks: the last thing on quit.
    pub fn close_sinks(&mut self, timeout: Duration) {
        self.data.alerting.close(timeout);
    }

    /// The alerts of the day on screen.
    pub fn alerts_shown(&self) -> &VecDeque<Alert> {
        self.data.shown_alerts()
    }

    /// The day on screen.
    pub fn store(&self) -> &DayStore {
        self.data.shown()
    }

    pub fn live_day(&self) -> Day {
        self.data.live.day()
    }

    pub fn is_history(&self) -> bool {
        self.data.history.is_some() || !self.opts.live
    }

    pub fn rules(&self) -> &RuleSet {
        self.data.alerting.rules()
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn theme(&self) -> Theme {
        self.opts.theme
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

    pub fn set_lake(&mut self, lake: Option<(String, bool)>) {
        self.status.lake = lake;
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

    /// What the panes show: the frozen lengths while paused, else everything.
    pub fn extents(&self) -> Extents {
        lists::extents(&self.data, &self.view)
    }

    /// Now and then (once a second): alerts that waited for history, the index's progress.
    pub fn tick(&mut self) {
        let before = self.inputs();
        self.tick_inner();
        if self.inputs() != before {
            self.touch();
        }
    }

    /// What the clock may bring that the prepared rows show: days indexed, bars, baskets, alerts
    /// that waited for history.
    fn inputs(&self) -> (u64, u64, u64, usize, usize, usize) {
        let d = &self.data;
        (d.days.1, d.bar_days.1, d.baskets_stamp(), d.alerts_total, d.shown_alerts_total(), d.unseen_alerts)
    }

    fn tick_inner(&mut self) {
        self.poll_baskets();
        self.refresh_edges();
        self.refresh_bars();
        if let Some(r) = self.data.alerting.poll() {
            self.raised(r);
        }
        if self.data.refresh_index() {
            match &mut self.view.overlay {
                Overlay::Symbol(v) => v.gather(&self.data.days.0, self.data.days.1, self.data.shown().day()),
                // Days indexed while the picker is open fill in.
                Overlay::Days(p) => p.fill(&self.data.days.0),
                _ => {}
            }
        }
        if self.data.index.is_some() {
            let progress = self.data.index.as_ref().map(crate::history::HistoryHandle::progress).unwrap_or_default();
            for w in progress.warnings.iter().skip(self.status.history_warnings) {
                self.complain(format!("history: {w}"));
            }
            self.status.history_warnings = progress.warnings.len();
            self.status.history = progress.line();
        }
    }

    fn raised(&mut self, r: crate::alerts::Raised) {
        if self.data.history.is_some() && r.news {
            self.data.unseen_alerts += r.alerts.len();
        }
        self.push_alerts(r.alerts, r.news);
    }

    /// One event from the tailer. Returns whether the screen changes.
    pub fn on_tail(&mut self, event: TailEvent) -> bool {
        self.touch();
        let raised = self.data.alerting.on_event(&event);
        let changed = self.store_event(event);
        if let Some(r) = raised {
            self.raised(r);
        }
        // A symbol's day open over the live day follows it (at most twice a second).
        if let (Overlay::Symbol(v), None) = (&mut self.view.overlay, &self.data.history) {
            v.refresh(&self.data.live);
        }
        changed
    }

    fn store_event(&mut self, event: TailEvent) -> bool {
        match event {
            TailEvent::Rows { day, rows } => {
                if day != self.data.live.day() {
                    return false;
                }
                if let Err(e) = self.data.live.append(&rows) {
                    self.complain(format!("cannot store rows of {}: {e}", rows.kind()));
                    return true;
                }
                if matches!(rows, Rows::Bursts(_)) {
                    self.log_counters();
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
                if self.view.frozen.is_some() {
                    self.status.unseen += n;
                }
            }
            TailEvent::Malformed { day, items } => {
                if day == self.data.live.day() {
                    self.data.live.add_malformed(items);
                }
            }
            TailEvent::Reset { day, kind, burst } => {
                if day == self.data.live.day() {
                    // Row numbers of the rewritten file mean other rows now: the filter and
                    // sort caches start over (on the live day only, it is the one read again).
                    if self.data.history.is_none() {
                        self.view.caches = Default::default();
                    }
                    if let Err(e) = self.data.live.clear(kind, burst) {
                        self.complain(format!("cannot drop rows of {kind}: {e}"));
                    }
                    self.say(format!("the {kind} file was rewritten: reading it again"));
                }
            }
            TailEvent::CaughtUp { day } => {
                if day == self.data.live.day() {
                    self.status.caught_up = true;
                    if let Some(h) = &self.data.index {
                        h.begin();
                    }
                }
            }
            TailEvent::DayChanged { from, to } => match DayStore::new(to) {
                Ok(store) => {
                    self.data.new_live_day(store);
                    self.status.caught_up = false;
                    if self.data.history.is_none() {
                        self.view.new_day();
                    }
                    let days = self.keys.hint(super::keymap::Action::Days);
                    self.say(format!("{from} ended: following {to} ({days} opens {from} again)"));
                    // The day that ended is a closed day now: into the index with the others,
                    // and into the Edges view's study when it is next looked at.
                    if let Some(h) = &self.data.index {
                        h.add(from);
                    }
                    if let Some(s) = &self.data.study {
                        s.outdated();
                    }
                }
                Err(e) => self.complain(format!("cannot start {to}: {e}")),
            },
            TailEvent::FileError { path, message } => {
                tracing::warn!("{}: {message}", path.display());
                self.data.live.add_error(crate::archive::FileError { path, message });
            }
            TailEvent::FileRecovered { path } => self.data.live.clear_error(&path),
            TailEvent::Mode(mode) => self.status.mode = Some(mode),
        }
        // While paused only the badge changes, and it is drawn with the clock.
        self.view.frozen.is_none() && self.data.history.is_none()
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
        let dropped = self.data.log_alerts(alerts);
        if let Some(f) = &mut self.view.frozen
            && self.data.history.is_none()
        {
            f.alerts = f.alerts.saturating_sub(dropped);
        }
    }

    /// An earlier day, read whole, shown (with the alerts today's rules raise on it) until the
    /// user goes back to the live day.
    pub fn show_history(&mut self, data: DayData) {
        self.touch();
        self.status.loading = None;
        let day = data.day;
        if day == self.data.live.day() && self.opts.live {
            self.show_live();
            return;
        }
        for e in &data.errors {
            tracing::warn!("{day}: {e}");
        }
        // Its own evaluator: cooldowns of the live day are not disturbed.
        let alerts = Evaluator::new(self.rules().clone()).eval_day(&data);
        match DayStore::from_day(data) {
            Ok(store) => {
                let days = self.keys.hint(super::keymap::Action::Days);
                self.say(format!("{day}: history ({days}, then the live day, to go back)"));
                let alerts_total = alerts.len();
                let alerts = alerts.into_iter().rev().take(MAX_ALERTS).rev().collect();
                self.data.history = Some(HistoryDay { store, alerts, alerts_total });
                self.view.new_day();
                self.landed();
            }
            Err(e) => self.complain(format!("cannot open {day}: {e}")),
        }
    }

    /// Logs, once a day, that the day's counters mostly disagree with its labels.
    fn log_counters(&mut self) {
        let store = &self.data.live;
        if self.status.counters_logged != Some(store.day())
            && let Some(w) = store.counters().warning(store.day(), &self.opts.columns)
        {
            tracing::warn!("{w}");
            self.status.counters_logged = Some(store.day());
        }
    }

    /// The status line's word on the shown day's counters, when they mostly disagree.
    pub fn counters_warning(&self) -> Option<String> {
        self.store().counters().short(&self.opts.columns)
    }

    /// Back from an earlier day to the tailed one.
    pub fn show_live(&mut self) {
        self.touch();
        if self.data.history.take().is_some() {
            self.data.unseen_alerts = 0;
            self.view.new_day();
            self.say(format!("back to the live day {}", self.data.live.day()));
        }
    }

    pub fn loading_failed(&mut self, day: Day, error: &str) {
        self.status.loading = None;
        self.not_landed();
        self.complain(format!("cannot open {day}: {error}"));
    }

    /// New rules (edited, or reloaded from the file): evaluation and highlights follow at once.
    pub fn set_rules(&mut self, rules: RuleSet) {
        self.touch();
        self.data.alerting.set_rules(rules);
    }

    /// The market time shown in the header: the last row's.
    pub fn market_time(&self) -> Option<SecondOfDay> {
        self.store().last_time()
    }
}
