//! The lake: every row of the live day in Hive-partitioned Parquet within seconds of being
//! appended, exactly once across restarts and `kill -9`, compacted as the day grows and when it
//! ends. Readers glob `L/<kind>/**/*.parquet` (polars, DuckDB) or read `L/<kind>` (Spark).
//!
//! It runs on a thread of its own, with a tailer of its own (`ki2 export --follow`) or fed by
//! `ki2 watch`'s tailer (`[lake] dir`: each row read and parsed once) until it falls behind,
//! when it reads the files itself: a slow disk never slows the screen. Layout and guarantee:
//! - `L/<kind>/date=YYYY-MM-DD/part-….parquet`: live parts, each named by the source rows it
//!   holds (see `names`); written under a hidden `.….tmp` name and renamed.
//! - `chunk-<gen>.parquet`: compacted parts; `.ki2-lake.json`: what the chunks hold.
//! - compaction and rewrites swap a whole folder generation in one atomic exchange (`folder`).

pub mod bars;
mod day;
mod folder;
mod frame;
mod lock;
mod names;
mod run;
mod source;
mod swap;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use tokio::sync::oneshot;

use crate::archive::{ColumnOrder, Day};

pub use day::BURST_WAIT;
pub use swap::exchange;

/// What to follow, where to write it, how often.
#[derive(Debug, Clone)]
pub struct LakeOptions {
    pub root: PathBuf,
    /// The lake: `out/<kind>/date=YYYY-MM-DD/`.
    pub out: PathBuf,
    pub day: Day,
    /// Move on to a newer day when its files appear (`latest`, `today`).
    pub follow_days: bool,
    pub poll_only: bool,
    pub poll_interval: Duration,
    pub columns: ColumnOrder,
    /// Rows are in the lake within this long of being read.
    pub flush: Duration,
    /// Parts of a kind and day merged into one file past this count.
    pub compact_parts: usize,
}

impl LakeOptions {
    pub const DEFAULT_FLUSH: Duration = Duration::from_secs(2);
    pub const DEFAULT_COMPACT_PARTS: usize = 64;
}

/// What the lake has done, for a status line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LakeStatus {
    /// The day being written.
    pub day: Option<Day>,
    /// Rows written by this run (rows found already in the lake are not counted).
    pub rows_written: u64,
    /// Rows read but not yet written.
    pub rows_pending: u64,
    pub parts_written: u64,
    pub compactions: u64,
    /// Malformed rows skipped (as everywhere in ki2: counted, with file and line in the log).
    pub malformed: u64,
    /// When rows were last written, and how long that flush took.
    pub last_flush: Option<SystemTime>,
    pub last_flush_ms: f64,
    /// The tailer has sent everything the day held at start.
    pub caught_up: bool,
    /// The last write error, until writing works again (rows wait meanwhile).
    pub error: Option<String>,
    /// The lake stopped (the reason is in `error`).
    pub stopped: bool,
    /// Its rows come from another consumer's tailer (`spawn_sharing`); false: it reads the
    /// files itself (from the start, or since it fell behind the shared tailer).
    pub shared_reader: bool,
}

impl LakeStatus {
    /// `lake 2025-07-14: 12,345 rows, 2 s ago` or `lake: cannot write …`.
    pub fn line(&self) -> String {
        if let Some(e) = &self.error {
            return format!("lake: {e} ({} rows waiting)", self.rows_pending);
        }
        let day = self.day.map_or_else(String::new, |d| format!(" {d}"));
        let ago = self
            .last_flush
            .and_then(|t| t.elapsed().ok())
            .map_or_else(|| "nothing written yet".to_owned(), |d| format!("written {} s ago", d.as_secs()));
        format!("lake{day}: {} rows, {ago}", self.rows_written)
    }
}

/// The lake's thread: `stop()` (or dropping it) writes what is pending and waits for it.
pub struct LakeHandle {
    status: Arc<Mutex<LakeStatus>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the lake on its own thread with its own tailer.
pub fn spawn(opts: LakeOptions) -> Result<LakeHandle> {
    start(opts, None)
}

/// Starts the lake on its own thread, fed by another consumer's tailer (`tail::spawn_sharing`,
/// following the same day the same way): if the feed is cut off, the lake reads the files
/// itself from then on, every row still written once.
pub fn spawn_sharing(opts: LakeOptions, feed: crate::tail::Feed) -> Result<LakeHandle> {
    start(opts, Some(feed))
}

fn start(opts: LakeOptions, feed: Option<crate::tail::Feed>) -> Result<LakeHandle> {
    std::fs::create_dir_all(&opts.out).with_context(|| format!("cannot create the lake {}", opts.out.display()))?;
    // Before anything is cleaned or written: the work folder may be another writer's.
    let lock = lock::take(&opts.out)?;
    let status = Arc::new(Mutex::new(LakeStatus {
        day: Some(opts.day),
        shared_reader: feed.is_some(),
        ..LakeStatus::default()
    }));
    let (stop, stopped) = oneshot::channel();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let thread = {
        let status = status.clone();
        std::thread::Builder::new()
            .name("ki2-lake".into())
            .spawn(move || {
                run::run(opts, feed, status, stopped, started_tx);
                drop(lock);
            })
            .context("cannot start the lake thread")?
    };
    // Errors seen before the first row (no root, a folder not written by the lake) are the
    // caller's to report.
    match started_rx.recv() {
        Ok(Err(e)) => {
            let _ = thread.join();
            Err(e)
        }
        _ => Ok(LakeHandle { status, stop: Some(stop), thread: Some(thread) }),
    }
}

impl LakeHandle {
    pub fn status(&self) -> LakeStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The thread has ended (stopped, or a fault it cannot get past: see `status().error`).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    pub fn stop(mut self) -> LakeStatus {
        self.shutdown();
        self.status()
    }

    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for LakeHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
