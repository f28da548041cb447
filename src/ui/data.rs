//! What the TUI knows: the live day, an earlier day being browsed, and the alerts of each.

use std::collections::VecDeque;

use std::sync::Arc;

use crate::alerts::{Alert, LiveAlerts};
use crate::analysis::study::StudyHandle;
use crate::archive::Day;
use crate::history::{HistoryHandle, Index};
use crate::prices::{BarsHandle, BarsState};
use crate::store::DayStore;

/// Alerts kept in the log pane; older ones are counted, not kept.
pub const MAX_ALERTS: usize = 10_000;

/// An earlier day picked with `d`, read whole, with the alerts today's rules raise on it.
pub struct HistoryDay {
    pub store: DayStore,
    /// The newest `MAX_ALERTS` of them.
    pub alerts: VecDeque<Alert>,
    /// How many the rules raise on the day, kept or not.
    pub alerts_total: usize,
}

pub struct Data {
    /// The tailed day (or the one day read, when not live).
    pub live: DayStore,
    pub history: Option<HistoryDay>,
    /// The live-alert path (rules, rewrites, backlog, day changes, delivery to the sinks).
    pub alerting: LiveAlerts,
    /// The live day's alerts, the newest last.
    pub alerts: VecDeque<Alert>,
    pub alerts_total: usize,
    /// Live alerts raised while an earlier day is on screen (the header's badge).
    pub unseen_alerts: usize,
    /// The closed days' index, filled in the background.
    pub index: Option<HistoryHandle>,
    /// The index as last taken from the handle, and its version.
    pub days: (Arc<Index>, u64),
    /// The recurring baskets of the closed days (the Baskets view, the Basket column's earlier days).
    pub baskets: super::baskets::Found,
    /// The Edges view's study, computed by a worker when the view first opens.
    pub study: Option<StudyHandle>,
    /// The days' price bars, read by a worker when the shown day asks (the symbol view's line,
    /// the selected burst's return so far).
    pub bars: Option<BarsHandle>,
    /// The bars as last taken from the handle, and their version.
    pub bar_days: (std::collections::BTreeMap<Day, BarsState>, u64),
}

impl Data {
    /// The day on screen.
    pub fn shown(&self) -> &DayStore {
        self.history.as_ref().map_or(&self.live, |h| &h.store)
    }

    /// Takes the index's newest summaries (cheap: the days are shared); true when new.
    pub fn refresh_index(&mut self) -> bool {
        let Some(h) = &self.index else { return false };
        if h.version() == self.days.1 {
            return false;
        }
        self.days = h.index();
        true
    }

    /// The alerts of the day on screen.
    pub fn shown_alerts(&self) -> &VecDeque<Alert> {
        self.history.as_ref().map_or(&self.alerts, |h| &h.alerts)
    }

    /// How many alerts the day on screen has raised, kept in the log or not.
    pub fn shown_alerts_total(&self) -> usize {
        self.history.as_ref().map_or(self.alerts_total, |h| h.alerts_total)
    }

    /// A new live day: the log and its count start over (the day that ended is `d`'s).
    pub fn new_live_day(&mut self, store: DayStore) {
        self.live = store;
        self.alerts.clear();
        self.alerts_total = 0;
    }

    /// Adds alerts to the live day's log, keeping the newest `MAX_ALERTS`; returns how many
    /// old ones went.
    pub fn log_alerts(&mut self, mut alerts: Vec<Alert>) -> usize {
        // Alerts of a day that has ended (raised as it closed) are that day's, not this one's.
        let day = self.live.day();
        alerts.retain(|a| a.day == day);
        self.alerts_total += alerts.len();
        // A heavy day's open raises tens of thousands at once: only the newest are taken in,
        // so that the log never holds (or keeps the capacity of) more than it shows.
        let skipped = alerts.len().saturating_sub(MAX_ALERTS);
        self.alerts.extend(alerts.into_iter().skip(skipped));
        let excess = self.alerts.len().saturating_sub(MAX_ALERTS);
        self.alerts.drain(..excess);
        skipped + excess
    }
}
