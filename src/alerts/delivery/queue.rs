//! A sink's queue: bounded, in order, shared between the live path (which adds) and the sink's
//! thread (which takes batches). What happens when it is full depends on the sink:
//! - a local sink (standard output, the alert log, the command) never drops: the live path
//!   stops reading rows while the queue is full (`is_full`), and the tailer waits with them in
//!   the files — a slow reader of `scan --follow` slows ki2 down, it does not lose alerts;
//! - a remote sink (MQTT, webhooks) may be down for hours: past its queue the newest alerts
//!   are dropped and counted, their rows kept as gaps in its checkpoint so that a restart sends
//!   exactly them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::gaps::Gaps;
use crate::alerts::Alert;
use crate::archive::Day;
use crate::archive::FileKey;
use crate::archive::ledger::Mark;

#[derive(Debug, Clone)]
pub enum Entry {
    /// `mark`: the alert's file up to and including its row. Boxed: an alert is some 230 bytes,
    /// a `Marks` entry a few words.
    Alert { alert: Box<Alert>, mark: Mark },
    /// Rows reached with nothing to send (a sink's first day starts where the files are).
    Marks { day: Day, marks: Vec<(FileKey, Mark)> },
}

/// What a full queue does with one more alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Queue it anyway and say the queue is full: the producer reads no more rows until there
    /// is room (local sinks: a file or pipe is slow, not gone for hours).
    Wait,
    /// Drop it, count it and keep its row as a gap in the checkpoint (remote sinks).
    Drop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkState {
    Starting,
    Up,
    /// Retrying: why it failed last.
    Down(String),
    /// Not delivering at all: it could not be set up.
    Off(String),
    /// Not delivering from here because another ki2 on this archive delivers to it: nothing is
    /// wrong, the alerts reach it from there.
    Elsewhere(String),
}

/// What a sink has done, for the status line, the sinks overlay and the log.
#[derive(Debug, Clone)]
pub struct SinkStats {
    pub state: SinkState,
    pub queued: usize,
    pub delivered: u64,
    /// Rejected by the sink for good (a 4xx answer, a hook that failed): logged, not retried.
    pub failed: u64,
    /// Not queued because the queue was full: sent after a restart (the checkpoint keeps
    /// their rows as gaps).
    pub dropped: u64,
    /// The id of the first alert dropped.
    pub first_dropped: Option<String>,
    pub last_error: Option<String>,
}

struct Inner {
    entries: VecDeque<Entry>,
    alerts: usize,
    /// Alerts taken by the sink's thread and not yet handed over.
    in_flight: usize,
    /// Per day and file, the rows whose alerts were dropped, and whether the last alert of the
    /// file was dropped too (then rows up to the next drop are one gap: none of them was sent).
    gaps: HashMap<(Day, FileKey), (Gaps, bool)>,
    closing: Option<Instant>,
    stats: SinkStats,
}

pub struct Queue {
    /// The sink's name, for the log.
    name: String,
    cap: usize,
    overflow: Overflow,
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
    pub fn new(name: &str, cap: usize, overflow: Overflow) -> Queue {
        Queue {
            name: name.to_owned(),
            cap: cap.max(1),
            overflow,
            inner: Mutex::new(Inner {
                entries: VecDeque::new(),
                alerts: 0,
                in_flight: 0,
                gaps: HashMap::new(),
                closing: None,
                stats: SinkStats {
                    state: SinkState::Starting,
                    queued: 0,
                    delivered: 0,
                    failed: 0,
                    dropped: 0,
                    first_dropped: None,
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

    /// Queues an alert; `before` is its file's mark just before its row (where the gap of a
    /// dropped alert starts). Returns false when it was not queued (dropped, or the sink is off).
    pub fn push_alert(&self, alert: Alert, mark: Mark, before: Mark) -> bool {
        let mut q = self.lock();
        if q.stats.state.is_off() {
            return false;
        }
        let key = (alert.day, alert.at.file);
        if self.overflow == Overflow::Drop && q.alerts + q.in_flight >= self.cap {
            q.stats.dropped += 1;
            if q.stats.first_dropped.is_none() {
                q.stats.first_dropped = Some(alert.id());
            }
            let (gaps, open) = q.gaps.entry(key).or_default();
            // Rows since the last drop raised no alert that was queued: one gap.
            let from = match gaps.ranges().last() {
                Some(&(f, _)) if *open => f,
                _ => before.rows,
            };
            gaps.add(from, mark.rows);
            *open = true;
            let n = q.stats.dropped;
            if n == 1 || n.is_power_of_two() {
                tracing::warn!(
                    "{}: queue full ({} alerts): {n} alert(s) dropped so far, the first {}; they go at the next start",
                    self.name,
                    self.cap,
                    q.stats.first_dropped.as_deref().unwrap_or("?")
                );
            }
            return false;
        }
        if let Some((_, open)) = q.gaps.get_mut(&key) {
            *open = false;
        }
        q.entries.push_back(Entry::Alert { alert: Box::new(alert), mark });
        q.alerts += 1;
        q.stats.queued = q.alerts;
        drop(q);
        self.ready.notify_one();
        true
    }

    /// The queue holds as many alerts as it should (a `Wait` queue: read no more rows for now).
    pub fn is_full(&self) -> bool {
        let q = self.lock();
        !q.stats.state.is_off() && q.alerts + q.in_flight >= self.cap
    }

    pub fn overflow(&self) -> Overflow {
        self.overflow
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

    /// The rows of `file` whose alerts were dropped so far.
    pub fn gaps(&self, day: Day, file: FileKey) -> Option<Gaps> {
        self.lock().gaps.get(&(day, file)).map(|(g, _)| g.clone())
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
        matches!(self, SinkState::Off(_) | SinkState::Elsewhere(_))
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
    fn a_full_remote_queue_drops_counts_and_keeps_the_rows_as_one_gap() {
        let q = Queue::new("mqtt", 2, Overflow::Drop);
        assert!(q.push_alert(alert(0), mark(1), mark(0)));
        assert!(q.push_alert(alert(1), mark(2), mark(1)));
        assert!(!q.push_alert(alert(2), mark(3), mark(2)));
        assert!(!q.push_alert(alert(4), mark(5), mark(4)));
        let s = q.stats();
        assert_eq!((s.queued, s.dropped), (2, 2));
        assert_eq!(s.first_dropped, Some(alert(2).id()));
        let day = alert(0).day;
        let file = FileKey::new(Kind::S1, None);
        assert_eq!(q.gaps(day, file).map(|g| g.ranges().to_vec()), Some(vec![(2, 5)]));
        match q.take(10, Duration::ZERO) {
            Take::Batch(b) => assert_eq!(b.len(), 2),
            _ => panic!("expected a batch"),
        }
        q.done();
        // Room again: row 6 is queued, so a later drop starts a gap of its own.
        assert!(q.push_alert(alert(6), mark(7), mark(6)));
        assert!(q.push_alert(alert(7), mark(8), mark(7)));
        assert!(!q.push_alert(alert(9), mark(10), mark(9)));
        assert_eq!(q.gaps(day, file).map(|g| g.ranges().to_vec()), Some(vec![(2, 5), (9, 10)]));
        q.close(Instant::now());
        assert!(matches!(q.take(10, Duration::from_secs(5)), Take::Batch(_)));
        assert!(matches!(q.take(10, Duration::from_secs(5)), Take::Closed));
    }

    #[test]
    fn a_full_local_queue_never_drops_and_says_it_is_full() {
        let q = Queue::new("standard output", 2, Overflow::Wait);
        for i in 0..5 {
            assert!(q.push_alert(alert(i), mark(i + 1), mark(i)));
        }
        let s = q.stats();
        assert_eq!((s.queued, s.dropped, q.is_full()), (5, 0, true));
        assert!(matches!(q.take(4, Duration::ZERO), Take::Batch(b) if b.len() == 4));
        q.done();
        assert!(!q.is_full(), "one left of two");
    }

    #[test]
    fn batches_hold_at_most_max_alerts_with_the_marks_between_them() {
        let q = Queue::new("log", 100, Overflow::Drop);
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
