//! The day written against the wall clock, on a background thread: market time advances
//! `speed` seconds per real second; everything before the start time is written at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use super::bars::Growing;
use super::market::{Market, Tick};
use super::split::Splitter;
use super::writer::ArchiveWriter;
use super::{DAY_END, DAY_START, SimOptions, SimSummary};
use crate::archive::SecondOfDay;

/// Shortest sleep between writes: at high speed several market seconds go out per write
/// rather than the thread spinning.
const MIN_SLEEP: Duration = Duration::from_millis(5);
/// Longest sleep: a very slow speed still wakes up now and then.
const MAX_SLEEP: Duration = Duration::from_secs(1);

/// A simulated Burst Monitor running on its own thread. Dropping it stops it too.
pub struct LiveSim {
    /// Dropping the sender is the stop signal: it wakes the thread from its sleep at once.
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<Result<SimSummary>>>,
    /// The next market second to be written.
    next: Arc<AtomicU32>,
}

/// Starts writing `opts.day` live at `speed` market seconds per real second, from `start`
/// (default 04:00:00; earlier seconds are written at once first). Runs until 20:00:00 or
/// until stopped. Errors that can be seen up front (a bad speed, a root that cannot be
/// written) are returned here; later ones by `stop`.
pub fn spawn_live(opts: SimOptions, speed: f64, start: Option<SecondOfDay>) -> Result<LiveSim> {
    let players = super::players(opts.seed, super::DEFAULT_PLAYERS);
    spawn_live_with(opts, &players, speed, start, None)
}

/// As `spawn_live`, with these players; with `bars`, today's bars file grows with the day.
pub fn spawn_live_with(
    opts: SimOptions,
    players: &super::Players,
    speed: f64,
    start: Option<SecondOfDay>,
    bars: Option<Growing>,
) -> Result<LiveSim> {
    if !(speed.is_finite() && speed > 0.0) {
        bail!("speed must be a positive number of market seconds per second, not {speed}");
    }
    let writer = ArchiveWriter::create(&opts.root, opts.day)?;
    let market = Market::with_players(&opts, players, super::universe::Universe::new());
    let live_from = start.map_or(DAY_START, |s| s.secs().clamp(DAY_START, DAY_END + 1));
    let (stop, stopped) = mpsc::channel();
    let next = Arc::new(AtomicU32::new(DAY_START));
    let progress = next.clone();
    let seed = opts.seed;
    let thread = std::thread::Builder::new()
        .name("ki2-simulator".into())
        .spawn(move || {
            Live { market, writer, tick: Tick::default(), next: progress, stopped, bars }.run(speed, live_from, seed)
        })
        .context("cannot start the simulator thread")?;
    Ok(LiveSim { stop: Some(stop), thread: Some(thread), next })
}

impl LiveSim {
    /// Stops (promptly: the thread is woken), completes any half-written line, and returns
    /// what was written.
    pub fn stop(mut self) -> Result<SimSummary> {
        self.stop.take();
        self.join()
    }

    /// Waits for the day to end (20:00:00 market time).
    pub fn wait(mut self) -> Result<SimSummary> {
        self.join()
    }

    /// The day has ended (or the thread failed): `stop` returns at once.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// The market second written last (04:00:00 before the first).
    pub fn market_time(&self) -> SecondOfDay {
        let next = self.next.load(Ordering::Relaxed);
        SecondOfDay::from_secs(next.saturating_sub(1).clamp(DAY_START, DAY_END)).unwrap_or_default()
    }

    fn join(&mut self) -> Result<SimSummary> {
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| anyhow!("the simulator thread panicked"))?,
            None => bail!("the simulator was already stopped"),
        }
    }
}

impl Drop for LiveSim {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Live {
    market: Market,
    writer: ArchiveWriter,
    tick: Tick,
    next: Arc<AtomicU32>,
    stopped: Receiver<()>,
    bars: Option<Growing>,
}

impl Live {
    /// Every second before `t` is written: the bars of the minutes ended by then follow.
    fn bars_to(&mut self, t: u32) -> Result<()> {
        match &mut self.bars {
            Some(b) => b.advance(t),
            None => Ok(()),
        }
    }

    fn run(mut self, speed: f64, live_from: u32, seed: u64) -> Result<SimSummary> {
        let mut t = DAY_START;
        let mut stopped = false;
        while t < live_from && !stopped {
            self.market.second(t, &mut self.tick);
            self.writer.write_tick(&mut self.tick)?;
            t += 1;
            if t.is_multiple_of(600) {
                self.next.store(t, Ordering::Relaxed);
                stopped = matches!(self.stopped.try_recv(), Err(TryRecvError::Disconnected) | Ok(()));
            }
        }
        self.writer.flush()?;
        self.bars_to(t)?;
        self.next.store(t, Ordering::Relaxed);
        let mut splitter = Splitter::new(seed);
        let clock = Instant::now();
        let first = t;
        while !stopped && t <= DAY_END {
            let due = first.saturating_add((clock.elapsed().as_secs_f64() * speed) as u32).min(DAY_END);
            let wrote = t <= due;
            while t <= due {
                self.market.second(t, &mut self.tick);
                t += 1;
            }
            if wrote || splitter.holding() {
                splitter.split(&mut self.tick);
                self.writer.write_tick(&mut self.tick)?;
                self.writer.flush()?;
            }
            self.bars_to(t)?;
            self.next.store(t, Ordering::Relaxed);
            if t > DAY_END {
                break;
            }
            let next_due = Duration::from_secs_f64((f64::from(t - first) / speed).min(1e9));
            let wait = next_due.saturating_sub(clock.elapsed()).clamp(MIN_SLEEP, MAX_SLEEP);
            stopped = match self.stopped.recv_timeout(wait) {
                Err(RecvTimeoutError::Timeout) => false,
                Ok(()) | Err(RecvTimeoutError::Disconnected) => true,
            };
        }
        splitter.release(&mut self.tick);
        self.writer.write_tick(&mut self.tick)?;
        self.writer.finish()?;
        Ok(self.market.summary().clone())
    }
}
