//! Finding the days of an archive root: flat (`ROOT/Data/...`) or monthly
//! (`ROOT/YYYY/MM/Data/...`), possibly both in one root.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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

    /// Records a file; a second file for the same slot (names that differ only in case) is
    /// not, and the warning says so.
    fn add(&mut self, kind: Kind, burst: Option<SecondOfDay>, path: PathBuf) -> Option<String> {
        let existing = match (kind, burst) {
            (Kind::BurstSymbols, Some(t)) => self.symbols.get(&t).cloned(),
            _ => self.slot(kind).and_then(|s| s.clone()),
        };
        if let Some(existing) = existing {
            return Some(format!("{} duplicates {}, skipped", path.display(), existing.display()));
        }
        match (kind, burst) {
            (Kind::BurstSymbols, Some(t)) => {
                self.symbols.insert(t, path);
            }
            _ => {
                if let Some(s) = self.slot(kind) {
                    *s = Some(path);
                }
            }
        }
        None
    }

    /// When the newest of these files was last written (`None` when none can be stat'ed).
    pub fn newest_write(&self) -> Option<SystemTime> {
        self.all().into_iter().filter_map(|(_, _, p)| fs::metadata(p).and_then(|m| m.modified()).ok()).max()
    }

    pub fn len(&self) -> usize {
        [&self.quotes, &self.s2, &self.s1, &self.bursts].iter().filter(|s| s.is_some()).count() + self.symbols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    /// Files skipped while listing (impossible dates, not regular files, a day's files in a
    /// second layout), one line each.
    pub warnings: Vec<String>,
    /// The entries behind the warnings on files not read (a FIFO named like an archive file).
    pub skipped: Vec<(PathBuf, &'static str)>,
    /// Days found in more than one layout, with the base they are read from.
    pub chosen: BTreeMap<Day, PathBuf>,
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

/// The day a live front end follows, and whether it has no files yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Live {
    pub day: Day,
    pub waiting: bool,
}

/// What a front end says while the followed day has no files (stderr, the status line).
pub fn waiting_message(root: &Path) -> String {
    format!("waiting for the Burst Monitor's files under {}", root.display())
}

/// The folders where the files of `day` may appear: flat first, then monthly.
pub fn day_folders(root: &Path, day: Day) -> [PathBuf; 2] {
    let (y, m) = day.year_month();
    [root.to_path_buf(), root.join(y).join(m)]
}

/// The archive files one folder holds (one `Data*` folder of one base).
#[derive(Debug, Clone, Default)]
pub struct FolderListing {
    pub files: Vec<(Day, Kind, Option<SecondOfDay>, PathBuf)>,
    /// Entries named like archive files that are not read, and why.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Lists `dir`, the folder `folder` (`Data`, `Data_Burst`, `Data_Burst_Symbols`) of one base,
/// keeping the files of `only` (all days without it). A FIFO, socket or device (or a link to
/// one, such as `/dev/zero`) named like an archive file would block or never end a read: it is
/// reported and skipped. A folder so named is kept, for the reader to report as an error.
pub fn list_folder(dir: &Path, folder: &str, only: Option<Day>) -> Result<FolderListing, LayoutError> {
    let mut out = FolderListing::default();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(LayoutError::Io { path: dir.to_path_buf(), source: e }),
    };
    // Symbol folders hold every day's files: most names are dismissed without parsing.
    let wanted = only.map(Day::compact);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if wanted.as_deref().is_some_and(|d| !name.contains(d)) {
            continue;
        }
        match parse_name(folder, name) {
            Name::File { day, kind, burst } if only.is_none_or(|d| d == day) => {
                let path = entry.path();
                // The entry's type comes with the listing; only links cost a stat.
                let regular = match entry.file_type() {
                    Ok(t) if t.is_file() || t.is_dir() => true,
                    // A dangling link is kept too: reading it says what is wrong.
                    Ok(t) if t.is_symlink() => fs::metadata(&path).map_or(true, |m| m.is_file() || m.is_dir()),
                    _ => false,
                };
                if regular {
                    out.files.push((day, kind, burst, path));
                } else {
                    out.skipped.push((path, "not a regular file (a FIFO or a device?), skipped"));
                }
            }
            // A listing for one day reports only that day's files.
            Name::BadDate if only.is_none() => out.skipped.push((entry.path(), "no such date, skipped")),
            _ => {}
        }
    }
    // Listing order is the file system's: warnings come sorted, the same every run.
    out.skipped.sort();
    Ok(out)
}

/// The three folders of `base`, as they are spelled on disk, with their canonical names.
pub fn base_folders(base: &Path) -> Vec<(PathBuf, &'static str)> {
    ["Data", "Data_Burst", "Data_Burst_Symbols"]
        .into_iter()
        .filter_map(|folder| child_ci(base, folder).map(|dir| (dir, folder)))
        .collect()
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
        let mut listings = Vec::new();
        for base in layout_bases(root, None)? {
            for (dir, folder) in base_folders(&base) {
                listings.push((base.clone(), list_folder(&dir, folder, None)?));
            }
        }
        Ok(Archive::from_listings(root, listings))
    }

    /// Lists only the files of `day` (both layouts): cheap enough to repeat while tailing.
    pub fn discover_day(root: &Path, day: Day) -> Result<Archive, LayoutError> {
        let mut listings = Vec::new();
        for base in day_folders(root, day) {
            for (dir, folder) in base_folders(&base) {
                listings.push((base.clone(), list_folder(&dir, folder, Some(day))?));
            }
        }
        Ok(Archive::from_listings(root, listings))
    }

    /// Builds the archive from folder listings, each with the base it was found under (flat
    /// bases first). A day found under more than one base is read from one of them only, for all
    /// its kinds: mixing would pair one location's bursts with another's symbol files, and
    /// counting both would count a copied day twice.
    pub fn from_listings(root: &Path, listings: Vec<(PathBuf, FolderListing)>) -> Archive {
        let mut archive = Archive { root: root.to_path_buf(), ..Archive::default() };
        let mut found: BTreeMap<Day, Vec<(PathBuf, DayFiles)>> = BTreeMap::new();
        for (base, listing) in listings {
            archive.warnings.extend(listing.skipped.iter().map(|(p, why)| format!("{}: {why}", p.display())));
            archive.skipped.extend(listing.skipped);
            for (day, kind, burst, path) in listing.files {
                let at = found.entry(day).or_default();
                let i = match at.iter().position(|(b, _)| *b == base) {
                    Some(i) => i,
                    None => {
                        at.push((base.clone(), DayFiles::empty(day)));
                        at.len() - 1
                    }
                };
                if let Some(w) = at[i].1.add(kind, burst, path) {
                    archive.warnings.push(w);
                }
            }
        }
        for (day, locations) in found {
            if let Some((base, files, warning)) = choose_location(locations) {
                if let Some(w) = warning {
                    archive.warnings.push(w);
                    archive.chosen.insert(day, base);
                }
                archive.days.insert(day, files);
            }
        }
        archive
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

    /// The day to follow live (`scan --follow`, `watch`, `export --follow`): as `resolve`, but
    /// a root with no archive files yet is no error: today is followed, and the days after it
    /// as they come (the Burst Monitor may simply not have started). `waiting` says whether
    /// that day has no files yet, so that the front end can say so (`waiting_message`).
    pub fn resolve_live(&self, spec: DateSpec) -> Result<Live, LayoutError> {
        let day = match spec {
            DateSpec::Latest if self.days.is_empty() => Day::today(),
            _ => self.resolve(spec)?,
        };
        Ok(Live { day, waiting: self.files(day).is_empty() })
    }

    pub fn files(&self, day: Day) -> DayFiles {
        self.days.get(&day).cloned().unwrap_or_else(|| DayFiles::empty(day))
    }
}

/// One day found under several bases (`(base, files)`, flat first): the base whose files were
/// written most recently wins, on a tie the first. The Burst Monitor writes one location at a
/// time, so the newest is the one it writes now; the other is a copy or an earlier setting.
/// Returns the base and files to read and, when there was a choice, the one warning that says which.
pub fn choose_location(mut locations: Vec<(PathBuf, DayFiles)>) -> Option<(PathBuf, DayFiles, Option<String>)> {
    if locations.len() <= 1 {
        return locations.pop().map(|(b, f)| (b, f, None));
    }
    let newest: Vec<Option<SystemTime>> = locations.iter().map(|(_, f)| f.newest_write()).collect();
    let mut best = 0;
    for (i, t) in newest.iter().enumerate().skip(1) {
        if *t > newest[best] {
            best = i;
        }
    }
    let (base, files) = locations.swap_remove(best);
    let others: Vec<String> =
        locations.iter().map(|(b, f)| format!("{} files under {}", f.len(), b.display())).collect();
    let warning = format!(
        "{} has files in more than one layout: reading the {} under {} (written most recently), skipping {}",
        files.day,
        files.len(),
        base.display(),
        others.join(", ")
    );
    Some((base, files, Some(warning)))
}

/// The root itself and every `YYYY/MM` below it, months in order; with `from` (`("2025",
/// "07")`), only the months from that one on. The one walker of the monthly layout: the
/// listing and the tailer's look for a newer day both go through it.
pub fn layout_bases(root: &Path, from: Option<&(String, String)>) -> Result<Vec<PathBuf>, LayoutError> {
    let years = fs::read_dir(root).map_err(|e| LayoutError::Io { path: root.to_path_buf(), source: e })?;
    let mut months = Vec::new();
    for (year, path) in numbered(years, 4) {
        let Ok(entries) = fs::read_dir(&path) else { continue };
        for (month, path) in numbered(entries, 2) {
            if from.is_none_or(|(y, m)| (&year, &month) >= (y, m)) {
                months.push(path);
            }
        }
    }
    months.sort();
    Ok(std::iter::once(root.to_path_buf()).chain(months).collect())
}

/// Sub-folders named by `digits` digits (`2025`, `07`), with their names.
fn numbered(entries: fs::ReadDir, digits: usize) -> impl Iterator<Item = (String, PathBuf)> {
    entries.flatten().filter_map(move |e| {
        let name = e.file_name().to_str()?.to_owned();
        (name.len() == digits && name.bytes().all(|b| b.is_ascii_digit()) && e.path().is_dir())
            .then(|| (name, e.path()))
    })
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
