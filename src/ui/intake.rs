//! What comes in while the app runs: the tailer's events (into the live day's store, through
//! the one live-alert path), the clock's tick (alerts that waited for history, the index's
//! progress, the workers' results), and the alerts raised.

use std::time::Instant;

use crate::alerts::Alert;
use crate::archive::Rows;
use crate::store::DayStore;
use crate::tail::TailEvent;

use super::app::{App, BELL_EVERY, RATE_WINDOW};
use super::overlay::Overlay;

impl App {
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

    pub(super) fn push_alerts(&mut self, alerts: Vec<Alert>, news: bool) {
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
}
