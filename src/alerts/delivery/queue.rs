//! A sink's queue: bounded, in order, shared between the live path (which adds) and the sink's
//! thread (which takes batches). When it is full the newest alerts are dropped and counted, and
//! the checkpoint of their file stops before the first one dropped, so a restart sends them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::alerts::Alert;
use crate::alerts::alert::FileKey;
use crate::alerts::ledger::Mark;
use crate::archive::Day;

#[derive(Debug, Clone)]
pub enum Entry {
    /// `mark`: the alert's file up to and including its row. Boxed: an alert is some 230 bytes,
    /// a `Marks` entry a few words.
    Alert { alert: Box<Alert>, mark: Mark },
    /// Rows reached with nothing to send (a sink's first day starts where the files are).
    Marks { day: Day, marks: Vec<(FileKey, Mark)> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkState {
    Starting,
    Up,
    /// Retrying: why it failed last.
    Down(String),
    /// Not delivering at all (another ki2 holds it, or it could not be set up).
    Off(String),
}

/// What a sink has done, for the status line, the sinks overlay and the log.
#[derive(Debug, Clone)]
pub struct SinkStats {
    pub state: SinkState,
    pub queued: usize,
    pub delivered: u64,
    /// Rejected by the sink for good (a 4xx answer, a hook that failed): logged, not retried.
    pub failed: u64,
    /// Not queued because the queue was full: sent after a restart (the checkpoint stops there).
    pub dropped: u64,
    pub last_error: Option<String>,
}

struct Inner {
    entries: VecDeque<Entry>,
    alerts: usize,
    /// Alerts taken by the sink's thread and not yet handed over.
    in_flight: usize,
    /// Per day and file, the mark before the first alert dropped: the checkpoint stays there.
    holes: HashMap<(Day, FileKey), Mark>,
    closing: Option<Instant>,
    stats: SinkStats,
}

pub struct Queue {
    cap: usize,
    inner: Mutex<Inner>,
    ready: Condvar,
}

/// What `take` found.
pub enum Take {
    Batch(Vec<Entry>),
    /// Nothing within the wait.
    Idle,
    /// Closed, and nothing left (or the time to drain is up).
    Closed,
}

impl Queue {
    pub fn new(cap: usize) -> Queue {
        Queue {
            cap: cap.max(1),
            inner: Mutex::new(Inner {
                entries: VecDeque::new(),
                alerts: 0,
                in_flight: 0,
                holes: HashMap::new(),
                closing: None,
                stats: SinkStats {
                    state: SinkState::Starting,
                    queued: 0,
                    delivered: 0,
                    failed: 0,
                    dropped: 0,
                    last_error: None,
                },
            }),
            ready: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A sink thread that panicked holding the lock leaves data that is still consistent
        // (every change is one push or pop): carry on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues an alert; `before` is its file's mark just before its row (where the checkpoint
    /// must stop if the alert cannot be queued). Returns false when it was dropped.
    pub fn push_alert(&self, alert: Alert, mark: Mark, before: Mark) -> bool {
        let mut q = self.lock();
        if q.stats.state.is_off() {
            return false;
        }
        if q.alerts + q.in_flight >= self.cap {
            q.stats.dropped += 1;
            let key = (alert.day, alert.at.file);
            q.holes.entry(key).or_insert(before);
            if q.stats.dropped == 1 || q.stats.dropped.is_power_of_two() {
                tracing::warn!("alert queue full ({} alerts): {} alert(s) dropped so far", self.cap, q.stats.dropped);
            }
            return false;
        }
        q.entries.push_back(Entry::Alert { alert: Box::new(alert), mark });
        q.alerts += 1;
        q.stats.queued = q.alerts;
        drop(q);
        self.ready.notify_one();
        true
    }

    pub fn push_marks(&self, day: Day, marks: Vec<(FileKey, Mark)>) {
        let mut q = self.lock();
        q.entries.push_back(Entry::Marks { day, marks });
        drop(q);
        self.ready.notify_one();
    }

    /// Up to `max` alerts (and the marks between them), waiting up to `wait` for the first.
    pub fn take(&self, max: usize, wait: Duration) -> Take {
        let mut q = self.lock();
        let end = Instant::now() + wait;
        while q.entries.is_empty() {
            if q.closing.is_some() {
                return Take::Closed;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Take::Idle;
            }
            q = self.ready.wait_timeout(q, left).map(|(g, _)| g).unwrap_or_else(|e| e.into_inner().0);
        }
        let mut batch = Vec::new();
        let mut alerts = 0;
        while let Some(e) = q.entries.front() {
            if matches!(e, Entry::Alert { .. }) {
                if alerts == max.max(1) {
                    break;
                }
                alerts += 1;
            }
            if let Some(e) = q.entries.pop_front() {
                batch.push(e);
            }
        }
        q.alerts -= alerts;
        q.in_flight = alerts;
        Take::Batch(batch)
    }

    /// The batch taken last is handed over (or refused for good).
    pub fn done(&self) {
        self.lock().in_flight = 0;
    }

    /// Where the checkpoint of `file` must stop for now, if alerts of it were dropped.
    pub fn hole(&self, day: Day, file: FileKey) -> Option<Mark> {
        self.lock().holes.get(&(day, file)).copied()
    }

    /// No more alerts will come: the thread drains the queue until `deadline`, then stops.
    pub fn close(&self, deadline: Instant) {
        self.lock().closing = Some(deadline);
        self.ready.notify_all();
    }

    /// Past the time to drain: the thread stops retrying (what is left is sent after a restart).
    pub fn must_stop(&self) -> bool {
        self.lock().closing.is_some_and(|d| Instant::now() >= d)
    }

    pub fn is_drained(&self) -> bool {
        self.lock().entries.is_empty()
    }

    pub fn stats(&self) -> SinkStats {
        let q = self.lock();
        let mut s = q.stats.clone();
        s.queued = q.alerts + q.in_flight;
        s
    }

    pub fn update(&self, f: impl FnOnce(&mut SinkStats)) {
        f(&mut self.lock().stats);
    }
}

impl SinkState {
    pub fn is_off(&self) -> bool {
        matches!(self, SinkState::Off(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Kind;

    fn alert(index: u64) -> Alert {
        crate::alerts::alert::sample(index)
    }

    fn mark(rows: u64) -> Mark {
        Mark { rows, chain: rows }
    }

    #[test]
    fn a_full_queue_drops_counts_and_remembers_where_the_checkpoint_stops() {
        let q = Queue::new(2);
        assert!(q.push_alert(alert(0), mark(1), mark(0)));
        assert!(q.push_alert(alert(1), mark(2), mark(1)));
        assert!(!q.push_alert(alert(2), mark(3), mark(2)));
        assert!(!q.push_alert(alert(3), mark(4), mark(3)));
        let s = q.stats();
        assert_eq!((s.queued, s.dropped), (2, 2));
        let day = alert(0).day;
        assert_eq!(q.hole(day, FileKey::new(Kind::S1, None)), Some(mark(2)));
        match q.take(10, Duration::ZERO) {
            Take::Batch(b) => assert_eq!(b.len(), 2),
            _ => panic!("expected a batch"),
        }
        assert!(matches!(q.take(10, Duration::from_millis(1)), Take::Idle));
        q.close(Instant::now());
        assert!(matches!(q.take(10, Duration::from_secs(5)), Take::Closed));
    }

    #[test]
    fn batches_hold_at_most_max_alerts_with_the_marks_between_them() {
        let q = Queue::new(100);
        let day = alert(0).day;
        for i in 0..5 {
            q.push_alert(alert(i), mark(i + 1), mark(i));
            q.push_marks(day, Vec::new());
        }
        let sizes: Vec<usize> = std::iter::from_fn(|| match q.take(2, Duration::ZERO) {
            Take::Batch(b) => Some(b.len()),
            _ => None,
        })
        .collect();
        assert_eq!(sizes, [4, 4, 2]);
    }
}
