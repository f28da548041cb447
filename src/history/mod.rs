//! History at scale: every closed day summarised once into an index in the data folder
//! (`file`), built in the background (`spawn`) while the live day is on screen, and read by
//! enrichment, `ki2 stats`, the day picker and the symbol-across-days view instead of the old
//! CSV files.

mod build;
mod file;
mod index;
mod past;
mod summary;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub use build::{Builder, Got, StatsGot};
pub use file::folder;
pub use index::{Facts, Index, SymbolOnDay};
pub use past::IndexPast;
pub use summary::{BurstFact, DaySummary, QuoteValues, SymbolSummary, TOP};

use crate::alerts::Enricher;
use crate::archive::{Archive, ColumnOrder, Day, DayFiles};

/// The builder of an archive's indexes in `data_dir`.
pub fn builder(root: &Path, data_dir: &Path, columns: ColumnOrder) -> Arc<Builder> {
    Arc::new(Builder::new(file::folder(data_dir, root), columns))
}

/// The same, holding builds back until `HistoryHandle::begin` (the TUI: the live day first).
pub fn held_builder(root: &Path, data_dir: &Path, columns: ColumnOrder) -> Arc<Builder> {
    Arc::new(Builder::new(file::folder(data_dir, root), columns).hold())
}

/// An enricher whose earlier days come from the index (built as needed, on its thread).
pub fn enricher(archive: &Archive, builder: Arc<Builder>) -> Enricher {
    Enricher::new(Arc::new(IndexPast::new(archive, builder)))
}

/// How far the background indexer has got.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub finished: bool,
    /// Indexes found unreadable and rebuilt, indexes that could not be saved.
    pub warnings: Vec<String>,
}

impl Progress {
    /// For the status line while it works: `history 12/250 days`.
    pub fn line(&self) -> Option<String> {
        (!self.finished).then(|| format!("history {}/{} days", self.done, self.total))
    }
}

#[derive(Default)]
struct Shared {
    index: Arc<Index>,
    version: u64,
    progress: Progress,
}

/// The background indexer: summaries appear in `index()` as they are ready, newest day first.
/// Dropping the handle stops it after the day it is on.
pub struct HistoryHandle {
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    builder: Arc<Builder>,
    more: std::sync::mpsc::Sender<Day>,
}

impl HistoryHandle {
    pub fn index(&self) -> (Arc<Index>, u64) {
        let s = self.lock();
        (s.index.clone(), s.version)
    }

    /// A day that has just closed (the tailer moved on from it): indexed after the others.
    pub fn add(&self, day: Day) {
        self.lock().progress.total += 1;
        let _ = self.more.send(day);
    }

    /// The live day is read: building may take the cores now.
    pub fn begin(&self) {
        self.builder.open();
    }

    pub fn version(&self) -> u64 {
        self.lock().version
    }

    pub fn progress(&self) -> Progress {
        self.lock().progress.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for HistoryHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Indexes `days` (the archive's days but the live one) on a thread of its own, then the days
/// `add`ed, listed from `root` when they come.
pub fn spawn(builder: Arc<Builder>, root: PathBuf, mut days: Vec<DayFiles>) -> HistoryHandle {
    days.sort_by_key(|f| std::cmp::Reverse(f.day));
    let shared = Arc::new(Mutex::new(Shared {
        progress: Progress { total: days.len(), ..Progress::default() },
        ..Shared::default()
    }));
    let stop = Arc::new(AtomicBool::new(false));
    let (s, halt, b) = (shared.clone(), stop.clone(), builder.clone());
    let (more, added) = std::sync::mpsc::channel::<Day>();
    let later = move || {
        // Until the handle is dropped (the sender with it).
        added.into_iter().filter_map(move |day| match Archive::discover_day(&root, day) {
            Ok(a) => Some(a.files(day)),
            Err(e) => {
                tracing::warn!("cannot index {day}: {e}");
                None
            }
        })
    };
    let at_start = !days.is_empty();
    let run = move || {
        let mut finished = false;
        for files in days.into_iter().map(Some).chain(std::iter::once(None)).chain(later().map(Some)) {
            let Some(files) = files else {
                // The days at start are done; `add`ed ones may follow. Their readers' buffers,
                // freed, would stay in malloc's heaps for the whole session.
                if at_start {
                    crate::platform::allocator::give_back();
                }
                let mut sh = s.lock().unwrap_or_else(|p| p.into_inner());
                sh.progress.finished = true;
                sh.version += 1;
                finished = true;
                continue;
            };
            if halt.load(Ordering::Relaxed) {
                return;
            }
            if finished {
                s.lock().unwrap_or_else(|p| p.into_inner()).progress.finished = false;
            }
            let got = b.get(&files, false);
            let mut sh = s.lock().unwrap_or_else(|p| p.into_inner());
            match got {
                Ok(got) => {
                    Arc::make_mut(&mut sh.index).insert(got.summary);
                    sh.progress.warnings.extend(got.warning);
                }
                Err(e) => sh.progress.warnings.push(format!("cannot index {}: {e:#}", files.day)),
            }
            sh.progress.done += 1;
            sh.progress.finished = finished;
            sh.version += 1;
        }
    };
    if let Err(e) = std::thread::Builder::new().name("ki2-index".into()).spawn(run) {
        let mut sh = shared.lock().unwrap_or_else(|p| p.into_inner());
        sh.progress.warnings.push(format!("cannot index the history: {e}"));
        sh.progress.finished = true;
    }
    HistoryHandle { shared, stop, builder, more }
}

/// The closed days of an archive as the indexer takes them: all but `live`, unless `live` is
/// before today (then no one writes to it any more: watching the latest of a past archive
/// indexes it as well, so that `stats` and the picker read it from the index).
pub fn closed_days(archive: &Archive, live: Day) -> Vec<DayFiles> {
    archive.days.values().filter(|f| f.day != live || live.is_closed()).cloned().collect()
}

#[cfg(test)]
mod tests;
