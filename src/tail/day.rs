//! The files of the day being followed, and how to tell that a newer day has begun.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::TailEvent;
use super::emit::{Emitter, Stopped};
use super::follower::Follower;
use super::listing::DayListing;
use crate::archive::kind::{Name, parse_name};
use crate::archive::layout::{child_ci, layout_bases};
use crate::archive::{ColumnOrder, Day, FileKey, Kind, LayoutError};

/// How often files are checked: `active` while they grow, backing off to `idle` when quiet.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pace {
    pub active: Duration,
    pub idle: Duration,
    /// Symbol files are written whole and rarely touched again: hundreds of them a day need
    /// not be stat'ed every second.
    pub idle_symbols: Duration,
}

pub(super) struct DayTail {
    pub day: Day,
    followers: BTreeMap<FileKey, Follower>,
    /// A folder that could not be listed, reported once until it changes.
    listing_error: Option<(PathBuf, String)>,
    listing: DayListing,
    /// Entries skipped by the listing (a FIFO named like an archive file), reported once.
    skipped: BTreeSet<PathBuf>,
    /// The base the day is read from when it has files in more than one layout.
    chosen: Option<PathBuf>,
}

impl DayTail {
    pub fn new(day: Day) -> DayTail {
        DayTail {
            day,
            followers: BTreeMap::new(),
            listing_error: None,
            listing: DayListing::new(day),
            skipped: BTreeSet::new(),
            chosen: None,
        }
    }

    /// Lists the day's folders and follows every file not yet followed (read from 0 when
    /// checked). Returns how many new files were found.
    pub fn list(&mut self, root: &Path, columns: ColumnOrder, now: Instant, emit: &Emitter) -> Result<usize, Stopped> {
        let archive = match self.listing.list(root, now) {
            Ok(a) => a,
            Err(e) => {
                let (path, message) = match e {
                    LayoutError::Io { path, source } => (path, source.to_string()),
                    other => (root.to_path_buf(), other.to_string()),
                };
                if self.listing_error.as_ref() != Some(&(path.clone(), message.clone())) {
                    self.listing_error = Some((path.clone(), message.clone()));
                    emit.send(TailEvent::FileError { path, message })?;
                }
                return Ok(0);
            }
        };
        if let Some((path, _)) = self.listing_error.take() {
            emit.send(TailEvent::FileRecovered { path })?;
        }
        for (path, why) in &archive.skipped {
            if self.skipped.insert(path.clone()) {
                emit.send(TailEvent::FileError { path: path.clone(), message: why.to_string() })?;
            }
        }
        let files = archive.files(self.day);
        if let Some(base) = archive.chosen.get(&self.day)
            && self.chosen.as_ref() != Some(base)
        {
            self.chosen = Some(base.clone());
            for w in archive.warnings.iter().filter(|w| w.starts_with(&self.day.to_string())) {
                tracing::warn!("{w}");
            }
            // Files of the layout given up are dropped, as `stats` would not count them; the
            // kinds both layouts hold move to the chosen file (its content decides whether the
            // rows are sent again).
            let keep: BTreeSet<FileKey> = files.all().into_iter().map(|(k, t, _)| FileKey::new(k, t)).collect();
            let gone: Vec<FileKey> = self.followers.keys().filter(|k| !keep.contains(k)).copied().collect();
            for key @ FileKey { kind, burst } in gone {
                self.followers.remove(&key);
                emit.send(TailEvent::Reset { day: self.day, kind, burst })?;
            }
        }
        let mut found = 0;
        for (kind, burst, path) in files.all() {
            match self.followers.get_mut(&FileKey::new(kind, burst)) {
                Some(f) if f.path() != path => f.moved_to(path.to_path_buf()),
                Some(_) => {}
                None => {
                    found += 1;
                    let f = Follower::new(path.to_path_buf(), kind, burst, columns, now);
                    self.followers.insert(FileKey::new(kind, burst), f);
                }
            }
        }
        Ok(found)
    }

    /// Checks the files whose time has come.
    pub fn check_due(&mut self, now: Instant, pace: Pace, emit: &Emitter) -> Result<(), Stopped> {
        for f in self.followers.values_mut().filter(|f| f.due <= now) {
            let grew = f.check(self.day, false, emit)?;
            schedule(f, now, grew, pace);
        }
        Ok(())
    }

    /// Checks every file now; with `force`, reads even those a stat says are unchanged.
    pub fn check_all(&mut self, force: bool, pace: Pace, emit: &Emitter) -> Result<(), Stopped> {
        for f in self.followers.values_mut() {
            let grew = f.check(self.day, force, emit)?;
            schedule(f, Instant::now(), grew, pace);
        }
        Ok(())
    }

    /// The day is over: last reads done, lines never finished are reported.
    pub fn retire(&mut self, emit: &Emitter) -> Result<(), Stopped> {
        for f in self.followers.values_mut() {
            f.retire(self.day, emit)?;
        }
        Ok(())
    }

    /// A file event named `path`: true when it is a followed file (now due soon).
    pub fn nudge(&mut self, path: &Path, now: Instant) -> bool {
        match self.followers.values_mut().find(|f| f.path() == path) {
            Some(f) => {
                f.nudge(now);
                true
            }
            None => false,
        }
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.followers.values().map(|f| f.due).min()
    }

    /// The folders holding followed files (they may sit in folders no listing rule predicts).
    pub fn folders(&self) -> impl Iterator<Item = &Path> {
        self.followers.values().filter_map(|f| f.path().parent())
    }
}

fn schedule(f: &mut Follower, now: Instant, grew: bool, pace: Pace) {
    let idle = if f.is_symbols() { pace.idle_symbols } else { pace.idle };
    f.schedule(now, grew, pace.active, idle);
}

/// The newest day after `after` with an hft or burst file, flat or monthly (from `after`'s month
/// on). Symbol files are not looked at: a day starts with its other files, and the symbols
/// folder is by far the largest to list.
pub(super) fn newer_day(root: &Path, after: Day) -> Option<Day> {
    let bases = layout_bases(root, Some(&after.year_month())).unwrap_or_else(|_| vec![root.to_path_buf()]);
    let mut newest = None;
    for base in bases {
        for folder in [Kind::Quotes.folder(), Kind::Bursts.folder()] {
            let Some(dir) = child_ci(&base, folder) else { continue };
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name();
                if let Some(Name::File { day, .. }) = name.to_str().map(|n| parse_name(folder, n))
                    && day > after
                {
                    newest = newest.max(Some(day));
                }
            }
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Result<Day, String> {
        Day::parse_compact(s).ok_or_else(|| format!("bad day {s}"))
    }

    fn touch(root: &Path, rel: &str) -> Result<(), Box<dyn std::error::Error>> {
        let p = root.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(p, b"")?;
        Ok(())
    }

    #[test]
    fn newer_days_are_found_flat_and_in_later_months_only() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        touch(root, "Data/20250730_hft1.csv")?;
        assert_eq!(newer_day(root, day("20250730")?), None);
        touch(root, "2025/06/Data/20250630_hft1.csv")?;
        touch(root, "2025/07/Data_Burst_Symbols/Burst_20250731_093000.csv")?;
        assert_eq!(newer_day(root, day("20250730")?), None);
        touch(root, "2025/09/data_burst/20250902.csv")?;
        assert_eq!(newer_day(root, day("20250730")?), Some(day("20250902")?));
        touch(root, "Data/20250731_hft2.csv")?;
        assert_eq!(newer_day(root, day("20250731")?), Some(day("20250902")?));
        touch(root, "2026/01/Data/20260105_hft3.csv")?;
        assert_eq!(newer_day(root, day("20250730")?), Some(day("20260105")?));
        Ok(())
    }
}
