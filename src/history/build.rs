//! Getting a day's summary: from its index when that is whole and current, else by reading the
//! day once and writing the index for next time. One build at a time per process, so the
//! background indexer and the alert history never read the same day twice.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Result;

use super::file::{self, Unusable};
use super::summary::{self, DaySummary};
use crate::archive::{ColumnOrder, DayFiles};

pub struct Builder {
    dir: PathBuf,
    columns: ColumnOrder,
    one_at_a_time: Mutex<()>,
}

/// A summary and what was wrong with the index it replaced, if anything worth saying.
pub struct Got {
    pub summary: DaySummary,
    pub warning: Option<String>,
    /// Files that could not be read in a build (such an index is not saved: the next use
    /// reads the day again and says so again).
    pub errors: Vec<crate::archive::FileError>,
}

impl Builder {
    /// `dir`: this archive's index folder (`file::folder`).
    pub fn new(dir: PathBuf, columns: ColumnOrder) -> Builder {
        Builder { dir, columns, one_at_a_time: Mutex::new(()) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The summary of a closed day. `with_top`: with its largest dollar figures.
    pub fn get(&self, files: &DayFiles, with_top: bool) -> Result<Got> {
        let _one = self.one_at_a_time.lock().unwrap_or_else(|p| p.into_inner());
        let sources = file::sources(files);
        let warning = match file::load(&self.dir, files.day, &sources, with_top) {
            Ok(summary) => return Ok(Got { summary, warning: None, errors: Vec::new() }),
            Err(Unusable::Missing | Unusable::Stale) => None,
            Err(Unusable::Corrupt(why)) => {
                let w = format!("index of {} unreadable, rebuilt: {why}", files.day);
                tracing::warn!("{w}");
                Some(w)
            }
        };
        let data = crate::archive::read_day(files, self.columns);
        let errors = data.errors.clone();
        for e in &errors {
            tracing::warn!("indexing {}: {e}", files.day);
        }
        let summary = summary::summarize(data)?;
        if !errors.is_empty() {
            return Ok(Got { summary, warning, errors });
        }
        let warning = match file::save(&self.dir, &summary, sources) {
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
