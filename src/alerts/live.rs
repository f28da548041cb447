//! The one live-alert path, used by the TUI and by `ki2 scan --follow` alike: tailer events in,
//! alerts out (to show) and to every sink (to deliver). It evaluates each row once, in file
//! order; tells rows sent again after a rewrite from new ones by what they hold; holds the
//! alerts of the rows present at start until the day has been read, then shows them in time
//! order and hands each sink those past its checkpoint; and starts each new day afresh.

use super::alert::Alert;
use super::delivery::{Delivery, SinkStatus};
use super::eval::Evaluator;
use super::ledger::Ledger;
use super::ruleset::RuleSet;
use crate::archive::FileKey;
use crate::archive::{Day, Rows};
use crate::tail::TailEvent;

/// Alerts the front end should show.
#[derive(Debug, Default)]
pub struct Raised {
    pub alerts: Vec<Alert>,
    /// Raised by rows appended while ki2 watched (ring the bell), not by rows found at start.
    pub news: bool,
}

pub struct LiveAlerts {
    day: Day,
    evaluator: Evaluator,
    ledger: Ledger,
    /// Alerts of the rows present when the day was first read, until it has been read.
    backlog: Option<Vec<Alert>>,
    /// Alerts whose enrichment waits for the earlier days, in the order raised; while any
    /// wait, later alerts queue behind them. Let go by `poll`.
    waiting: Vec<Alert>,
    /// The day was read while alerts were waiting: its backlog goes once they are let go.
    caught_up: bool,
    delivery: Delivery,
}

impl LiveAlerts {
    pub fn new(day: Day, mut evaluator: Evaluator, delivery: Delivery) -> LiveAlerts {
        evaluator.prefetch_history(day);
        // A caller that shows a screen or answers signals never waits for history.
        evaluator.wait_for_history(false);
        LiveAlerts {
            day,
            evaluator,
            ledger: Ledger::default(),
            backlog: Some(Vec::new()),
            waiting: Vec::new(),
            caught_up: false,
            delivery,
        }
    }

    /// Alerts are waiting for the earlier days (the status line says so).
    pub fn waiting_for_history(&self) -> usize {
        self.waiting.len()
    }

    /// Lets go of the alerts that waited for history once it is at hand; call it now and then.
    pub fn poll(&mut self) -> Option<Raised> {
        self.release(false)
    }

    fn release(&mut self, block: bool) -> Option<Raised> {
        // Rows held for baskets or normals first: their alerts join the queue in row order.
        let late = self.evaluator.deferred(block);
        self.waiting.extend(late);
        if self.evaluator.has_deferred() {
            return None;
        }
        if self.waiting.is_empty() {
            return if std::mem::take(&mut self.caught_up) { self.finish_backlog() } else { None };
        }
        if !self.evaluator.complete(&mut self.waiting, block) {
            return None;
        }
        let alerts = std::mem::take(&mut self.waiting);
        let raised = self.route(alerts);
        if std::mem::take(&mut self.caught_up) {
            return self.finish_backlog();
        }
        raised
    }

    fn finish_backlog(&mut self) -> Option<Raised> {
        let mut alerts = self.backlog.take()?;
        // The files come one after another: shown and sent in time order.
        alerts.sort_by_key(|a| a.time);
        self.delivery.backlog(self.day, &alerts, &self.ledger);
        Some(Raised { alerts, news: false })
    }

    pub fn rules(&self) -> &RuleSet {
        self.evaluator.rules()
    }

    /// The baskets of the day's bursts and the symbols' normals, as the rules see them.
    pub fn context(&self) -> &super::Context {
        self.evaluator.context()
    }

    /// Edited or reloaded rules: in effect from the next row on.
    pub fn set_rules(&mut self, rules: RuleSet) {
        self.evaluator.set_rules(rules);
    }

    pub fn day(&self) -> Day {
        self.day
    }

    /// The day's existing rows are still being read.
    pub fn catching_up(&self) -> bool {
        self.backlog.is_some()
    }

    /// Hands live alerts to these sinks from now on.
    pub fn set_delivery(&mut self, delivery: Delivery) {
        self.delivery = delivery;
    }

    pub fn sinks(&self) -> Vec<SinkStatus> {
        self.delivery.status()
    }

    pub fn has_sinks(&self) -> bool {
        !self.delivery.is_empty()
    }

    /// A local sink (standard output, the alert log, the command) has a full queue: read no
    /// more tailer events until it has room, so that it never drops. The sink's name.
    pub fn backpressure(&self) -> Option<&str> {
        self.delivery.backpressure()
    }

    /// What the sinks have to tell the user, once (see `Delivery::take_notes`).
    pub fn take_notes(&mut self) -> Vec<String> {
        self.delivery.take_notes()
    }

    /// One tailer event; returns the alerts to show, if any.
    pub fn on_event(&mut self, event: &TailEvent) -> Option<Raised> {
        match event {
            TailEvent::Rows { day, rows } if *day == self.day => self.rows(rows),
            TailEvent::Reset { day, kind, burst } if *day == self.day => {
                self.ledger.reset(FileKey::new(*kind, *burst));
                None
            }
            TailEvent::CaughtUp { day } if *day == self.day => {
                if !self.waiting.is_empty() || self.evaluator.has_deferred() {
                    self.caught_up = true;
                    return None;
                }
                self.finish_backlog()
            }
            TailEvent::DayChanged { to, .. } => {
                // The old day's waiting alerts are finished with its history first (rare: a
                // day ending while its history was still being read).
                if !self.waiting.is_empty() || self.evaluator.has_deferred() {
                    let _ = self.release(true);
                }
                // A new day's files are read from their first row; what they already hold is
                // that day's backlog, sent to each sink past its checkpoint for that day.
                self.day = *to;
                self.evaluator.prefetch_history(*to);
                self.ledger.clear();
                self.backlog = Some(Vec::new());
                None
            }
            _ => None,
        }
    }

    fn rows(&mut self, rows: &Rows) -> Option<Raised> {
        let burst = match rows {
            Rows::BurstSymbols { burst, .. } => Some(*burst),
            _ => None,
        };
        let file = FileKey::new(rows.kind(), burst);
        let admitted = self.ledger.admit(file, rows);
        let first = admitted.first + admitted.repeats as u64;
        let alerts = if admitted.repeats == 0 {
            self.evaluator.eval_from(self.day, rows, first)
        } else {
            self.evaluator.eval_from(self.day, &rows.clone().without_first(admitted.repeats), first)
        };
        let deferred = self.evaluator.has_deferred();
        if alerts.is_empty() && !deferred {
            return None;
        }
        let pending = |a: &Alert| a.enrichment.as_ref().is_some_and(|e| e.is_pending());
        if !self.waiting.is_empty() || deferred || alerts.iter().any(pending) {
            self.waiting.extend(alerts);
            return self.release(false);
        }
        self.route(alerts)
    }

    /// Alerts ready to go: into the backlog while the day is read, else shown and sent.
    fn route(&mut self, alerts: Vec<Alert>) -> Option<Raised> {
        match &mut self.backlog {
            Some(backlog) => {
                backlog.extend(alerts);
                None
            }
            None => {
                self.delivery.news(&alerts, &self.ledger);
                Some(Raised { alerts, news: true })
            }
        }
    }

    /// Delivers what is queued for up to `timeout`, then stops the sinks.
    pub fn close(&mut self, timeout: std::time::Duration) {
        // Quitting does not wait for history: alerts still waiting for it were never handed to
        // a sink, so no checkpoint is past their rows, and the next start raises them again.
        let _ = self.release(false);
        if !self.waiting.is_empty() {
            tracing::info!("{} alerts waited for history at exit: the next start raises them", self.waiting.len());
        }
        self.delivery.close(timeout);
    }
}
