//! A second consumer of one tailer's events (the lake inside `ki2 watch`), so that every row
//! is read and parsed once. It gets a copy of every event, in order, while it keeps up; one
//! that falls too far behind for too long is cut off (and can tell), never the first
//! consumer slowed for more than a moment: the cut-off consumer reads the files itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::TailEvent;

/// How far the second consumer may fall behind, and for how long, before it is cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareBound {
    /// Rows (other events count one) sent to it and not yet received.
    pub rows: usize,
    /// How long one event may wait for room; the first consumer waits with it.
    pub patience: Duration,
}

impl ShareBound {
    /// The lake writes a whole heavy day (1 M rows) in about 1.4 s, in 200,000-row slices of
    /// about 0.25 s each: with room for 250,000 rows and 1 s of patience the first start on a
    /// heavy day keeps the shared feed, and a lake that cannot write (its pending rows at
    /// their bound) holds the screen's reader up once, for 1 s.
    pub const DEFAULT: ShareBound = ShareBound { rows: 250_000, patience: Duration::from_secs(1) };
}

#[derive(Debug, Default)]
struct Shared {
    in_flight: AtomicUsize,
    cut: AtomicBool,
}

/// The tailer's end: given to `tail::spawn_sharing`.
#[derive(Debug)]
pub struct Side {
    tx: mpsc::UnboundedSender<TailEvent>,
    shared: Arc<Shared>,
    bound: ShareBound,
}

/// The second consumer's end.
#[derive(Debug)]
pub struct Feed {
    rx: mpsc::UnboundedReceiver<TailEvent>,
    shared: Arc<Shared>,
}

/// A feed and the tailer's end of it.
pub fn share(bound: ShareBound) -> (Side, Feed) {
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared::default());
    (Side { tx, shared: shared.clone(), bound }, Feed { rx, shared })
}

fn weight(event: &TailEvent) -> usize {
    match event {
        TailEvent::Rows { rows, .. } => rows.len().max(1),
        _ => 1,
    }
}

/// While there is no room: short, so that the wait ends soon after room is made.
const WAIT_STEP: Duration = Duration::from_millis(2);

/// What became of an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Offered {
    Sent,
    /// The consumer is gone, or the tailer is stopping: send it nothing more.
    Gone,
    /// The consumer was too far behind for too long: cut off now (it can tell, `was_cut`).
    Cut,
}

impl Side {
    /// Sends a copy of `event`, waiting up to the patience for room; past it, cuts the feed.
    /// `stopping` ends a wait without a cut (the tailer is ending anyway).
    pub(super) fn offer(&self, event: &TailEvent, stopping: impl Fn() -> bool) -> Offered {
        let w = weight(event);
        let give_up = Instant::now() + self.bound.patience;
        loop {
            if self.tx.is_closed() || stopping() {
                return Offered::Gone;
            }
            // One sender: the count only falls between this load and the add.
            if self.shared.in_flight.load(Ordering::Acquire) + w <= self.bound.rows {
                self.shared.in_flight.fetch_add(w, Ordering::AcqRel);
                return match self.tx.send(event.clone()) {
                    Ok(()) => Offered::Sent,
                    Err(_) => Offered::Gone,
                };
            }
            if Instant::now() >= give_up {
                self.shared.cut.store(true, Ordering::Release);
                return Offered::Cut;
            }
            std::thread::sleep(WAIT_STEP);
        }
    }
}

impl Feed {
    /// The next event; `None` once the tailer stopped or cut this feed off (`was_cut`).
    pub async fn recv(&mut self) -> Option<TailEvent> {
        let event = self.rx.recv().await?;
        self.shared.in_flight.fetch_sub(weight(&event), Ordering::AcqRel);
        Some(event)
    }

    /// The feed ended because its consumer fell behind, not because the tailer stopped: the
    /// events after the last one received were not sent.
    pub fn was_cut(&self) -> bool {
        self.shared.cut.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Day, Rows};

    fn caught_up() -> TailEvent {
        TailEvent::CaughtUp { day: Day::parse_compact("20250714").unwrap() }
    }

    #[test]
    fn a_consumer_that_keeps_up_gets_every_event_in_order_and_is_never_cut() {
        let (side, mut feed) = share(ShareBound { rows: 2, patience: Duration::ZERO });
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        for _ in 0..10 {
            assert_eq!(side.offer(&caught_up(), || false), Offered::Sent);
            assert_eq!(side.offer(&caught_up(), || false), Offered::Sent);
            assert_eq!(rt.block_on(feed.recv()), Some(caught_up()));
            assert_eq!(rt.block_on(feed.recv()), Some(caught_up()));
        }
        drop(side);
        assert_eq!(rt.block_on(feed.recv()), None);
        assert!(!feed.was_cut(), "the tailer stopped: not a cut");
    }

    #[test]
    fn a_consumer_too_far_behind_gets_what_was_sent_then_the_end_and_the_cut() {
        let (side, mut feed) = share(ShareBound { rows: 2, patience: Duration::from_millis(20) });
        assert_eq!(side.offer(&caught_up(), || false), Offered::Sent);
        assert_eq!(side.offer(&caught_up(), || false), Offered::Sent);
        let waited = Instant::now();
        assert_eq!(side.offer(&caught_up(), || false), Offered::Cut);
        assert!(waited.elapsed() >= Duration::from_millis(20), "cut before its patience ran out");
        drop(side);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert_eq!(rt.block_on(feed.recv()), Some(caught_up()));
        assert_eq!(rt.block_on(feed.recv()), Some(caught_up()));
        assert_eq!(rt.block_on(feed.recv()), None);
        assert!(feed.was_cut());
    }

    #[test]
    fn rows_weigh_what_they_hold() {
        let (side, feed) = share(ShareBound { rows: 3, patience: Duration::ZERO });
        let day = Day::parse_compact("20250714").unwrap();
        let four = TailEvent::Rows { day, rows: Rows::s1_of(&[34_200, 34_201, 34_202, 34_203]) };
        assert_eq!(side.offer(&four, || false), Offered::Cut);
        assert!(feed.was_cut(), "four rows never fit in room for three");
    }

    #[test]
    fn a_stop_ends_a_wait_at_once_without_a_cut() {
        let (side, feed) = share(ShareBound { rows: 1, patience: Duration::from_secs(60) });
        assert_eq!(side.offer(&caught_up(), || false), Offered::Sent);
        let started = Instant::now();
        assert_eq!(side.offer(&caught_up(), || true), Offered::Gone);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(!feed.was_cut());
    }
}
