//! Live tailing of one archive day: every complete new row of its five file kinds, sent once,
//! in batches, on a tokio channel. Never touches polars.
//!
//! File events (notify) only wake the tailer early; the truth is a stat of every followed file on
//! a short timer and a listing of the day's folders every second or two, because Windows writers
//! (no event until the file is closed), network shares (no events at all) and inotify overflows
//! all lose events. Each file keeps its own parser, line buffer and byte offset; a file whose
//! bytes before the offset changed is reported with `Reset` and read again from 0.
//!
//! The tailer runs a plain blocking loop on its own thread, so it works from the TUI's tokio
//! runtime and from plain code alike.

mod day;
mod emit;
mod follower;
mod listing;
mod run;
mod share;
mod watch;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::mpsc;

use crate::archive::{ColumnOrder, Day, Kind, LayoutError, Malformed, Rows, SecondOfDay};

pub use share::{Feed, ShareBound, Side, share};

/// What to follow and how.
#[derive(Debug, Clone)]
pub struct TailOptions {
    pub root: PathBuf,
    pub day: Day,
    /// Switch to a newer day when its files appear.
    pub follow_days: bool,
    /// Never use file events (`--poll`): network shares deliver none.
    pub poll_only: bool,
    /// How often busy files are checked for growth, whatever file events say.
    pub poll_interval: Duration,
    pub columns: ColumnOrder,
}

/// How the tailer learns that files changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TailMode {
    /// File events wake it early; polling still runs underneath.
    Events,
    /// Polling only: forced, the archive is on a network share, or the watcher failed.
    Polling,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TailEvent {
    /// Complete new rows of one file, in file order.
    Rows {
        day: Day,
        rows: Rows,
    },
    /// Lines that are not rows, with file and line number.
    Malformed {
        day: Day,
        items: Vec<Malformed>,
    },
    /// The file was rewritten with other content: drop its rows; they are sent again.
    Reset {
        day: Day,
        kind: Kind,
        burst: Option<SecondOfDay>,
    },
    /// Everything present when the day was first listed has been sent (once per day followed).
    CaughtUp {
        day: Day,
    },
    DayChanged {
        from: Day,
        to: Day,
    },
    /// Permission denied, vanished...: reported once until the message changes.
    FileError {
        path: PathBuf,
        message: String,
    },
    FileRecovered {
        path: PathBuf,
    },
    Mode(TailMode),
}

/// Room for this many events before the tailer waits for the receiver: a stalled consumer
/// leaves rows in the files, not in memory.
const CHANNEL_CAPACITY: usize = 32;

/// Starts following `opts.day` on a thread of its own. The receiver closes when the tailer stops.
pub fn spawn(opts: TailOptions) -> Result<(TailHandle, mpsc::Receiver<TailEvent>)> {
    start(opts, None)
}

/// `spawn`, with a copy of every event for a second consumer (the lake in `ki2 watch`) for as
/// long as it keeps up (`share`): the files are read and parsed once for both.
pub fn spawn_sharing(opts: TailOptions, side: Side) -> Result<(TailHandle, mpsc::Receiver<TailEvent>)> {
    start(opts, Some(side))
}

fn start(opts: TailOptions, side: Option<Side>) -> Result<(TailHandle, mpsc::Receiver<TailEvent>)> {
    if !opts.root.is_dir() {
        return Err(LayoutError::NoRoot(opts.root.clone()).into());
    }
    let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
    let (wake_tx, wake_rx) = std_mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let (stop, wake_tx) = (stop.clone(), wake_tx.clone());
        std::thread::Builder::new()
            .name("ki2-tail".into())
            .spawn(move || run::run(opts, emit::Emitter::new(tx, stop, side), wake_tx, wake_rx))
            .context("cannot start the tailer thread")?
    };
    Ok((TailHandle { stop, wake: wake_tx, thread: Some(thread) }, rx))
}

/// What wakes the tailer before its timer does.
#[derive(Debug)]
enum Wake {
    Stop,
    /// Something happened to these paths (a hint, nothing more).
    Paths(Vec<PathBuf>),
    /// Events may have been lost: list and check everything.
    Rescan,
}

/// Owns the tailer thread: `stop()` or dropping it stops the thread and waits for it.
pub struct TailHandle {
    stop: Arc<AtomicBool>,
    wake: std_mpsc::Sender<Wake>,
    thread: Option<JoinHandle<()>>,
}

impl TailHandle {
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Lists the folders and re-reads every file now, as after a lost file event.
    pub fn rescan(&self) {
        let _ = self.wake.send(Wake::Rescan);
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.wake.send(Wake::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TailHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
