//! A sink's thread: takes batches from its queue, hands them to the sink, retries with backoff
//! while the sink is down, and moves the checkpoint on only once a batch was handed over.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::checkpoint::Checkpoint;
use super::queue::{Entry, Queue, SinkState, Take};
use crate::alerts::Alert;
use crate::archive::Day;

/// Why a batch was not handed over.
#[derive(Debug)]
pub enum SendError {
    /// The sink is down or busy: try the same batch again (after `after`, when it said).
    Retry { message: String, after: Option<Duration> },
    /// The sink refused these alerts for good: counted as failed, logged, not retried.
    Reject(String),
}

/// What a sink did while there was nothing to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idle {
    Nothing,
    /// It connected.
    Up,
    /// It could not connect, or lost its link: why.
    Down(String),
}

/// Somewhere alerts go. Runs on its own thread; may block.
pub trait Sink: Send {
    /// Hands the batch over; Ok means the sink has it (written, acknowledged, accepted).
    fn send(&mut self, batch: &[Alert]) -> Result<(), SendError>;
    /// Alerts per batch at most.
    fn max_batch(&self) -> usize {
        500
    }
    /// Called at start and whenever nothing came for a while: connect, keep a link alive.
    fn idle(&mut self) -> Idle {
        Idle::Nothing
    }
    /// The last call: nothing more will be sent.
    fn close(&mut self) {}
}

/// Retry waits double from this up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
const IDLE: Duration = Duration::from_millis(500);

pub struct Worker {
    pub name: String,
    pub sink: Box<dyn Sink>,
    pub queue: Arc<Queue>,
    /// Where this sink's checkpoints live (None: not kept, e.g. `scan --follow` without
    /// `--checkpoint`).
    pub dir: Option<PathBuf>,
}

impl Worker {
    pub fn run(mut self) {
        let mut checkpoints: BTreeMap<Day, Checkpoint> = BTreeMap::new();
        // A sink with a link makes it now, not at the first alert.
        self.idle();
        loop {
            let batch = match self.queue.take(self.sink.max_batch(), IDLE) {
                Take::Batch(b) => b,
                Take::Idle => {
                    self.idle();
                    continue;
                }
                Take::Closed => break,
            };
            let alerts: Vec<Alert> = batch
                .iter()
                .filter_map(|e| match e {
                    Entry::Alert { alert, .. } => Some(alert.as_ref().clone()),
                    Entry::Marks { .. } => None,
                })
                .collect();
            if !alerts.is_empty() && !self.hand_over(&alerts) {
                // Time to drain is up with the sink still down: these wait for a restart.
                break;
            }
            self.advance(&batch, &mut checkpoints);
            self.queue.done();
        }
        self.sink.close();
    }

    fn idle(&mut self) {
        match self.sink.idle() {
            Idle::Nothing => {}
            Idle::Up => {
                tracing::info!("{}: connected", self.name);
                self.queue.update(|s| s.state = SinkState::Up);
            }
            Idle::Down(message) => {
                if self.queue.stats().state != SinkState::Down(message.clone()) {
                    tracing::warn!("{}: {message}; retrying", self.name);
                }
                self.queue.update(|s| {
                    s.state = SinkState::Down(message.clone());
                    s.last_error = Some(message);
                });
            }
        }
    }

    /// True once the sink has the batch (or refused it for good).
    fn hand_over(&mut self, alerts: &[Alert]) -> bool {
        let mut backoff = FIRST_BACKOFF;
        loop {
            match self.sink.send(alerts) {
                Ok(()) => {
                    self.queue.update(|s| {
                        s.delivered += alerts.len() as u64;
                        s.state = SinkState::Up;
                    });
                    return true;
                }
                Err(SendError::Reject(message)) => {
                    tracing::warn!("{}: {} alert(s) refused: {message}", self.name, alerts.len());
                    self.queue.update(|s| {
                        s.failed += alerts.len() as u64;
                        s.last_error = Some(message);
                    });
                    return true;
                }
                Err(SendError::Retry { message, after }) => {
                    let first = self.queue.stats().state != SinkState::Down(message.clone());
                    if first {
                        tracing::warn!("{}: {message}; retrying", self.name);
                    }
                    self.queue.update(|s| {
                        s.state = SinkState::Down(message.clone());
                        s.last_error = Some(message);
                    });
                    let wait = after.unwrap_or(backoff).min(MAX_BACKOFF);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    if !self.pause(wait) {
                        return false;
                    }
                }
            }
        }
    }

    /// Sleeps `wait` in short steps; false when the queue must stop meanwhile.
    fn pause(&self, wait: Duration) -> bool {
        let step = Duration::from_millis(50);
        let mut left = wait;
        while !left.is_zero() {
            if self.queue.must_stop() {
                return false;
            }
            let d = left.min(step);
            std::thread::sleep(d);
            left -= d;
        }
        !self.queue.must_stop()
    }

    fn advance(&self, batch: &[Entry], checkpoints: &mut BTreeMap<Day, Checkpoint>) {
        let Some(dir) = &self.dir else { return };
        let mut touched = Vec::new();
        let mut files = BTreeSet::new();
        for e in batch {
            match e {
                Entry::Alert { alert, mark } => {
                    load(checkpoints, dir, alert.day).delivered(alert.at.file, alert.at.index, *mark);
                    files.insert((alert.day, alert.at.file));
                    touched.push(alert.day);
                }
                Entry::Marks { day, marks } => {
                    let ck = load(checkpoints, dir, *day);
                    for (file, mark) in marks {
                        ck.set(*file, *mark);
                    }
                    touched.push(*day);
                }
            }
        }
        // Rows whose alerts the queue dropped stay owed in the checkpoint.
        for (day, file) in files {
            if let (Some(gaps), Some(ck)) = (self.queue.gaps(day, file), checkpoints.get_mut(&day)) {
                ck.add_gaps(file, &gaps);
            }
        }
        touched.dedup();
        for day in touched {
            if let Some(ck) = checkpoints.get(&day) {
                let path = dir.join(format!("{}.json", day.compact()));
                if let Err(e) = ck.save(&path, day) {
                    tracing::warn!("{}: cannot save the checkpoint {}: {e:#}", self.name, path.display());
                    self.queue.update(|s| s.last_error = Some(format!("checkpoint not saved: {e}")));
                }
            }
        }
        // Only the newest days are still being written to.
        while checkpoints.len() > 2 {
            checkpoints.pop_first();
        }
    }
}

/// The day's checkpoint as this thread holds it, read from disk the first time. One that cannot
/// be read starts empty: the live path has already said so and sent the day again.
fn load<'a>(checkpoints: &'a mut BTreeMap<Day, Checkpoint>, dir: &std::path::Path, day: Day) -> &'a mut Checkpoint {
    checkpoints.entry(day).or_insert_with(|| {
        let path = dir.join(format!("{}.json", day.compact()));
        Checkpoint::load(&path).ok().flatten().unwrap_or_default()
    })
}
