//! Sending events to the consumer without ever outliving a stop request.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc::{self, error::TrySendError};

use super::TailEvent;
use super::share::{Offered, Side};

/// The tailer must end: stop was asked for, or no one receives any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stopped;

pub(super) struct Emitter {
    tx: mpsc::Sender<TailEvent>,
    stop: Arc<AtomicBool>,
    /// A second consumer, while it keeps up (`share`).
    side: RefCell<Option<Side>>,
}

/// While the channel is full: short enough to add little latency once the consumer catches up.
const FULL_RETRY: Duration = Duration::from_millis(2);

impl Emitter {
    pub fn new(tx: mpsc::Sender<TailEvent>, stop: Arc<AtomicBool>, side: Option<Side>) -> Emitter {
        Emitter { tx, stop, side: RefCell::new(side) }
    }

    /// Waits while the channel is full. `blocking_send` would be simpler, but a consumer that
    /// stops receiving without dropping its receiver would then make `TailHandle::stop` hang.
    pub fn send(&self, mut event: TailEvent) -> Result<(), Stopped> {
        self.check()?;
        let mut side = self.side.borrow_mut();
        if let Some(s) = side.as_ref()
            && s.offer(&event, || self.stop.load(Ordering::Relaxed)) != Offered::Sent
        {
            // Dropped: its consumer sees the feed end, and whether it was cut (it says so).
            *side = None;
        }
        drop(side);
        loop {
            self.check()?;
            match self.tx.try_send(event) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Closed(_)) => return Err(Stopped),
                Err(TrySendError::Full(back)) => {
                    event = back;
                    std::thread::sleep(FULL_RETRY);
                }
            }
        }
    }

    pub fn check(&self) -> Result<(), Stopped> {
        if self.stop.load(Ordering::Relaxed) || self.tx.is_closed() { Err(Stopped) } else { Ok(()) }
    }
}
