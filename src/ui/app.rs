//! The TUI's state: `App` = the data (`data.rs`) + the view (`view.rs`) + the status line's
//! facts, and the days it shows (what the tailer sends is taken in by `intake.rs`).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::alerts::{Alert, Delivery, Evaluator, LiveAlerts, RuleSet, SinkStatus};
use crate::archive::columns::BurstColumns;
use crate::archive::{Day, DayData, SecondOfDay};
use crate::store::DayStore;
use crate::tail::TailMode;
use crate::view_file::{ViewError, ViewFile};

use super::columns::Columns;
use super::data::{Data, HistoryDay};
use super::keymap::Keymap;
use super::layout::Screen;
use super::lists;
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
/// facts. Keys are handled in `update.rs` and `overlay_keys.rs`, the tailer's events and the
/// clock in `intake.rs`, what each list lists in `lists.rs`, drawing in `draw.rs` and `panes/`.
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
pub(super) const RATE_WINDOW: Duration = Duration::from_secs(5);
/// The bell rings at most this often.
pub(super) const BELL_EVERY: Duration = Duration::from_secs(3);

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
