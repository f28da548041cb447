//! Finding the days of an archive root: flat (`ROOT/Data/...`) or monthly
//! (`ROOT/YYYY/MM/Data/...`), possibly both in one root.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::day::{DateSpec, Day};
use super::kind::{Kind, Name, parse_name};
use super::time::SecondOfDay;

/// The files of one day, wherever they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayFiles {
    pub day: Day,
    pub quotes: Option<PathBuf>,
    pub s2: Option<PathBuf>,
    pub s1: Option<PathBuf>,
    pub bursts: Option<PathBuf>,
    /// Symbol files by the time of their burst.
    pub symbols: BTreeMap<SecondOfDay, PathBuf>,
}

impl DayFiles {
    pub fn empty(day: Day) -> DayFiles {
        DayFiles { day, quotes: None, s2: None, s1: None, bursts: None, symbols: BTreeMap::new() }
    }

    pub fn get(&self, kind: Kind) -> Option<&Path> {
        match kind {
            Kind::Quotes => self.quotes.as_deref(),
            Kind::S2 => self.s2.as_deref(),
            Kind::S1 => self.s1.as_deref(),
            Kind::Bursts => self.bursts.as_deref(),
            Kind::BurstSymbols => None,
        }
    }

    /// Every file of the day with its kind (and burst time for symbol files).
    pub fn all(&self) -> Vec<(Kind, Option<SecondOfDay>, &Path)> {
        let mut v: Vec<_> = [Kind::Quotes, Kind::S2, Kind::S1, Kind::Bursts]
            .into_iter()
            .filter_map(|k| self.get(k).map(|p| (k, None, p)))
            .collect();
        v.extend(self.symbols.iter().map(|(t, p)| (Kind::BurstSymbols, Some(*t), p.as_path())));
        v
    }

    fn slot(&mut self, kind: Kind) -> Option<&mut Option<PathBuf>> {
        match kind {
            Kind::Quotes => Some(&mut self.quotes),
            Kind::S2 => Some(&mut self.s2),
            Kind::S1 => Some(&mut self.s1),
            Kind::Bursts => Some(&mut self.bursts),
            Kind::BurstSymbols => None,
        }
    }
}

/// What was found under a root.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    pub root: PathBuf,
    pub days: BTreeMap<Day, DayFiles>,
    /// Files skipped while listing (impossible dates, duplicates across layouts), one line each.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("archive root {0} does not exist")]
    NoRoot(PathBuf),
    #[error("archive root {0} is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("no archive files for {day} under {root}")]
    NoSuchDay { day: Day, root: PathBuf },
    #[error("no archive files under {0} (expected Data/, Data_Burst/, Data_Burst_Symbols/, flat or under YYYY/MM/)")]
    Empty(PathBuf),
}

/// The folders where the files of `day` may appear: flat first, then monthly.
pub fn day_folders(root: &Path, day: Day) -> [PathBuf; 2] {
    let (y, m) = day.year_month();
    [root.to_path_buf(), root.join(y).join(m)]
}

impl Archive {
    /// Lists every day under `root`.
    pub fn discover(root: &Path) -> Result<Archive, LayoutError> {
        let meta = fs::metadata(root).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => LayoutError::NoRoot(root.to_path_buf()),
            _ => LayoutError::Io { path: root.to_path_buf(), source: e },
        })?;
        if !meta.is_dir() {
            return Err(LayoutError::NotAFolder(root.to_path_buf()));
        }
        let mut archive = Archive { root: root.to_path_buf(), ..Archive::default() };
        for base in layout_bases(root)? {
            archive.scan_base(&base, None)?;
        }
        Ok(archive)
    }

    /// Lists only the files of `day` (both layouts): cheap enough to repeat while tailing.
    pub fn discover_day(root: &Path, day: Day) -> Result<Archive, LayoutError> {
        let mut archive = Archive { root: root.to_path_buf(), ..Archive::default() };
        for base in day_folders(root, day) {
            archive.scan_base(&base, Some(day))?;
        }
        Ok(archive)
    }

    fn scan_base(&mut self, base: &Path, only: Option<Day>) -> Result<(), LayoutError> {
        for folder in ["Data", "Data_Burst", "Data_Burst_Symbols"] {
            let Some(dir) = child_ci(base, folder) else { continue };
            let entries = match fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(LayoutError::Io { path: dir, source: e }),
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                match parse_name(folder, name) {
                    Name::File { day, kind, burst } if only.is_none_or(|d| d == day) => {
                        self.add(day, kind, burst, entry.path());
                    }
                    Name::BadDate => self.warnings.push(format!("{}: no such date, skipped", entry.path().display())),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn add(&mut self, day: Day, kind: Kind, burst: Option<SecondOfDay>, path: PathBuf) {
        let files = self.days.entry(day).or_insert_with(|| DayFiles::empty(day));
        let slot = match (kind, burst) {
            (Kind::BurstSymbols, Some(t)) => files.symbols.get(&t).cloned(),
            _ => files.slot(kind).and_then(|s| s.clone()),
        };
        if let Some(existing) = slot {
            // The same file in both layouts: keep the first found (flat), say so.
            self.warnings.push(format!("{} duplicates {}, skipped", path.display(), existing.display()));
            return;
        }
        match (kind, burst) {
            (Kind::BurstSymbols, Some(t)) => {
                files.symbols.insert(t, path);
            }
            _ => {
                if let Some(s) = files.slot(kind) {
                    *s = Some(path);
                }
            }
        }
    }

    /// The day `--date` names. Today (as `today` or by its date) need not have files yet: the
    /// Burst Monitor may not have started writing. Another named day, or `latest`, must.
    pub fn resolve(&self, spec: DateSpec) -> Result<Day, LayoutError> {
        match spec {
            DateSpec::Today => Ok(Day::today()),
            DateSpec::Latest => {
                self.days.keys().next_back().copied().ok_or_else(|| LayoutError::Empty(self.root.clone()))
            }
            DateSpec::Day(day) if self.days.contains_key(&day) || day == Day::today() => Ok(day),
            DateSpec::Day(day) => Err(LayoutError::NoSuchDay { day, root: self.root.clone() }),
        }
    }

    pub fn files(&self, day: Day) -> DayFiles {
        self.days.get(&day).cloned().unwrap_or_else(|| DayFiles::empty(day))
    }
}

/// The root itself and every `YYYY/MM` below it.
fn layout_bases(root: &Path) -> Result<Vec<PathBuf>, LayoutError> {
    let mut bases = vec![root.to_path_buf()];
    let years = fs::read_dir(root).map_err(|e| LayoutError::Io { path: root.to_path_buf(), source: e })?;
    let is_num = |p: &Path, n: usize| {
        p.file_name().and_then(|f| f.to_str()).is_some_and(|f| f.len() == n && f.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut months = Vec::new();
    for year in years.flatten().map(|e| e.path()).filter(|p| p.is_dir() && is_num(p, 4)) {
        if let Ok(entries) = fs::read_dir(&year) {
            months.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir() && is_num(p, 2)));
        }
    }
    months.sort();
    bases.extend(months);
    Ok(bases)
}

/// `base/name`, matching the folder name without regard to case (archives copied from Windows
/// keep whatever case the writer used).
pub fn child_ci(base: &Path, name: &str) -> Option<PathBuf> {
    let exact = base.join(name);
    if exact.is_dir() {
        return Some(exact);
    }
    fs::read_dir(base)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_str().is_some_and(|f| f.eq_ignore_ascii_case(name)) && e.path().is_dir())
        .map(|e| e.path())
}
