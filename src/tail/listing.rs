//! The day's folders, listed again only when they change.
//!
//! `Data_Burst_Symbols/` gains one file per burst and keeps every day's: at 200,000 files, a
//! listing every second or two cost 4.7% of a core while nothing happened. Creating a file
//! changes its folder's mtime, so a folder whose mtime has not moved is taken as it was last
//! listed. Shares with coarse mtimes may not move it for a file created in the same tick as the
//! last listing: a folder changed within the last `COARSE` is listed anyway, and every folder is
//! listed in full every `FULL_RELIST` whatever its mtime says.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::archive::layout::{FolderListing, base_folders, day_folders, list_folder};
use crate::archive::{Archive, Day, LayoutError};

/// The safety net for mtimes that lie (or do not move on a share). A full listing of 200,000
/// entries costs ~0.15 s of CPU (getdents alone is ~0.1 s): every 30 s that was 0.67% of a core
/// idle, every 60 s it is within the 0.5% target (benches/FIGURES.md).
const FULL_RELIST: Duration = Duration::from_secs(60);
/// Mtime granularity of the coarsest file systems ki2 meets (FAT: 2 s).
const COARSE: Duration = Duration::from_secs(2);

struct Cached {
    mtime: SystemTime,
    listing: FolderListing,
}

pub(super) struct DayListing {
    day: Day,
    folders: BTreeMap<PathBuf, Cached>,
    last_full: Option<Instant>,
    /// Folders actually read from disk (not taken from the cache): for tests.
    pub reads: u64,
}

impl DayListing {
    pub fn new(day: Day) -> DayListing {
        DayListing { day, folders: BTreeMap::new(), last_full: None, reads: 0 }
    }

    /// The day's files under `root`, both layouts, as `Archive::discover_day` finds them.
    pub fn list(&mut self, root: &Path, now: Instant) -> Result<Archive, LayoutError> {
        let full = self.last_full.is_none_or(|t| now.saturating_duration_since(t) >= FULL_RELIST);
        if full {
            self.last_full = Some(now);
        }
        let wall = SystemTime::now();
        let mut listings = Vec::new();
        let mut seen = BTreeMap::new();
        for base in day_folders(root, self.day) {
            for (dir, folder) in base_folders(&base) {
                let mtime = fs::metadata(&dir).and_then(|m| m.modified()).ok();
                let cached = self.folders.remove(&dir);
                let listing = match (mtime, cached) {
                    (Some(m), Some(c)) if !full && c.mtime == m && !recent(m, wall) => c.listing,
                    _ => {
                        self.reads += 1;
                        list_folder(&dir, folder, Some(self.day))?
                    }
                };
                if let Some(mtime) = mtime {
                    seen.insert(dir, Cached { mtime, listing: listing.clone() });
                }
                listings.push((base.clone(), listing));
            }
        }
        // Folders that vanished are forgotten: if they come back, they are listed afresh.
        self.folders = seen;
        Ok(Archive::from_listings(root, listings))
    }
}

/// Changed so lately that a file created in the same mtime tick would not have moved it.
fn recent(mtime: SystemTime, now: SystemTime) -> bool {
    now.duration_since(mtime).map_or(true, |age| age < COARSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_folder_is_not_listed_again_until_the_full_relist() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        let symbols = root.join("Data_Burst_Symbols");
        fs::create_dir_all(&symbols)?;
        // An mtime well in the past, set again after each write to play a share that does not
        // move it.
        let old = SystemTime::now() - Duration::from_secs(60);
        let hold_mtime = || fs::File::open(&symbols).and_then(|f| f.set_modified(old));
        let add = |name: &str| fs::write(symbols.join(name), b"SPY,1,2,3\r\n");
        add("Burst_20250714_093000.csv")?;
        hold_mtime()?;
        let day = Day::parse_compact("20250714").ok_or("day")?;
        let mut listing = DayListing::new(day);
        let t0 = Instant::now();
        assert_eq!(listing.list(root, t0)?.files(day).symbols.len(), 1);
        assert_eq!(listing.reads, 1);
        // Nothing changed: the cached listing answers.
        assert_eq!(listing.list(root, t0 + Duration::from_secs(2))?.files(day).symbols.len(), 1);
        assert_eq!(listing.reads, 1);
        // A new file moves the folder's mtime: listed again, the file is found.
        add("Burst_20250714_093005.csv")?;
        assert_eq!(listing.list(root, t0 + Duration::from_secs(4))?.files(day).symbols.len(), 2);
        assert_eq!(listing.reads, 2);
        // A file whose creation left the mtime where it was is found by the full relist.
        hold_mtime()?;
        assert_eq!(listing.list(root, t0 + Duration::from_secs(6))?.files(day).symbols.len(), 2);
        add("Burst_20250714_093010.csv")?;
        hold_mtime()?;
        assert_eq!(listing.list(root, t0 + Duration::from_secs(8))?.files(day).symbols.len(), 2);
        assert_eq!(listing.reads, 3);
        assert_eq!(listing.list(root, t0 + FULL_RELIST + Duration::from_secs(1))?.files(day).symbols.len(), 3);
        Ok(())
    }
}
