//! Getting a day's summary: from its index when that is whole and current, else by reading the
//! day once and writing the index for next time. One build at a time per process, so the
//! background indexer and the alert history never read the same day twice.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use anyhow::Result;

use super::file::{self, Unusable};
use super::summary::{self, DaySummary};
use crate::archive::{ColumnOrder, CounterCheck, DayFiles, FileError};
use crate::store::DayStats;

pub struct Builder {
    dir: PathBuf,
    columns: ColumnOrder,
    one_at_a_time: Mutex<()>,
    /// Closed while the live day is being read, so that indexing does not take the cores the
    /// live day's first read needs (`open` lets it go; it also goes by itself after `HOLD_AT_MOST`).
    gate: (Mutex<bool>, Condvar),
}

const HOLD_AT_MOST: Duration = Duration::from_secs(10);

/// A summary and what was wrong with the index it replaced, if anything worth saying.
pub struct Got {
    pub summary: DaySummary,
    pub warning: Option<String>,
    /// Files that could not be read in a build (such an index is not saved: the next use
    /// reads the day again and says so again).
    pub errors: Vec<crate::archive::FileError>,
}

/// What `get_stats` gives.
pub struct StatsGot {
    pub stats: DayStats,
    pub counters: CounterCheck,
    pub warning: Option<String>,
    pub errors: Vec<FileError>,
}

impl Builder {
    /// `dir`: this archive's index folder (`file::folder`).
    pub fn new(dir: PathBuf, columns: ColumnOrder) -> Builder {
        Builder { dir, columns, one_at_a_time: Mutex::new(()), gate: (Mutex::new(true), Condvar::new()) }
    }

    /// Builds wait until `open` (or a few seconds): the live day is read first.
    pub fn hold(self) -> Builder {
        *self.gate.0.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self
    }

    pub fn open(&self) {
        *self.gate.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.gate.1.notify_all();
    }

    fn wait_for_gate(&self) {
        let open = self.gate.0.lock().unwrap_or_else(|p| p.into_inner());
        let (mut open, _) =
            self.gate.1.wait_timeout_while(open, HOLD_AT_MOST, |open| !*open).unwrap_or_else(|p| p.into_inner());
        // Not waited for again: a live day that never finishes reading does not stall history.
        *open = true;
    }

    pub fn columns(&self) -> ColumnOrder {
        self.columns
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A fingerprint of what a day's index is built from: its source files as they are now
    /// (path, size, mtime) and the column order. The analyses that keep state of their own
    /// beside the index (baskets) tell by it whether a day they took in has changed since.
    pub fn sources_key(&self, files: &DayFiles) -> u64 {
        let mut f =
            crate::archive::fingerprint::Fingerprint::default().bytes(file::columns_key(self.columns).as_bytes());
        for s in file::sources(files) {
            f = f.bytes(s.path.as_bytes()).word(s.len).word(s.modified_ns);
        }
        f.finish()
    }

    /// The summary of a closed day. `with_top`: with its largest dollar figures.
    pub fn get(&self, files: &DayFiles, with_top: bool) -> Result<Got> {
        // Even reading 30 indexes takes a core from the live day's first read: after it.
        self.wait_for_gate();
        let _one = self.one_at_a_time.lock().unwrap_or_else(|p| p.into_inner());
        let sources = file::sources(files);
        let columns = file::columns_key(self.columns);
        let now = file::Current { sources: &sources, columns: &columns };
        let warning = match file::load(&self.dir, files.day, &now, with_top) {
            Ok(summary) => return Ok(Got { summary, warning: None, errors: Vec::new() }),
            Err(Unusable::Missing | Unusable::Stale) => None,
            Err(Unusable::Corrupt(why)) => {
                let w = format!("index of {} unreadable, rebuilt: {why}", files.day);
                tracing::warn!("{w}");
                Some(w)
            }
        };
        self.build(files, sources, warning)
    }

    /// A day's stats (what `ki2 stats` prints) and its counters' check: from the index's JSON
    /// alone when it is whole and current, else the day is indexed as `get` would.
    pub fn get_stats(&self, files: &DayFiles) -> Result<StatsGot> {
        self.wait_for_gate();
        let one = self.one_at_a_time.lock().unwrap_or_else(|p| p.into_inner());
        let (sources, columns) = (file::sources(files), file::columns_key(self.columns));
        if let Ok((stats, counters)) =
            file::load_stats(&self.dir, files.day, &file::Current { sources: &sources, columns: &columns })
        {
            return Ok(StatsGot { stats, counters, warning: None, errors: Vec::new() });
        }
        drop(one);
        let got = self.get(files, false)?;
        Ok(StatsGot {
            stats: got.summary.stats,
            counters: got.summary.counters,
            warning: got.warning,
            errors: got.errors,
        })
    }

    /// A closed day's summary with its burst rows (the analyses): from the index when it is
    /// current, else the day is indexed as `get` would.
    pub fn get_with_bursts(&self, files: &DayFiles) -> Result<Got> {
        let mut got = self.get(files, false)?;
        if got.summary.bursts.is_empty() && got.summary.stats.bursts > 0 {
            let (sources, columns) = (file::sources(files), file::columns_key(self.columns));
            let now = file::Current { sources: &sources, columns: &columns };
            match file::load_bursts(&self.dir, files.day, &now) {
                Ok(bursts) => got.summary.bursts = bursts,
                Err(why) => {
                    // Written with the rest, so only a damaged or raced index lacks it: read the day.
                    tracing::warn!("bursts of {} not in its index ({why}): reading the day", files.day);
                    let _one = self.one_at_a_time.lock().unwrap_or_else(|p| p.into_inner());
                    return self.build(files, sources, Some(format!("index of {} rebuilt: {why}", files.day)));
                }
            }
        }
        Ok(got)
    }

    fn build(&self, files: &DayFiles, sources: Vec<file::Source>, warning: Option<String>) -> Result<Got> {
        let started = std::time::Instant::now();
        let (summary, errors) = summary::summarize(files, self.columns)?;
        let summarized = started.elapsed();
        for e in &errors {
            tracing::warn!("indexing {}: {e}", files.day);
        }
        if !errors.is_empty() {
            return Ok(Got { summary, warning, errors });
        }
        let saved = file::save(&self.dir, &summary, sources, file::columns_key(self.columns));
        tracing::debug!(
            "indexed {}: {} ms ({} ms reading and summing, the rest saving)",
            files.day,
            started.elapsed().as_millis(),
            summarized.as_millis()
        );
        let warning = match saved {
            Ok(()) => warning,
            Err(e) => {
                // Still usable this time; the next start builds it again.
                let w = format!("cannot save the index of {}: {e:#}", files.day);
                tracing::warn!("{w}");
                Some(w)
            }
        };
        Ok(Got { summary, warning, errors })
    }
}
