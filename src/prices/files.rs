//! Finding a prices folder's days: canonical `YYYYMMDD.csv|.parquet` and vendor
//! `YYYY-MM-DD.csv[.gz]` anywhere under it (vendors nest them: `minute_aggs_v1/2025/07/…`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::read::PriceError;
use crate::archive::Day;

/// Vendor trees are a few levels deep; this bounds a walk that a symlink loop would make endless.
const MAX_DEPTH: usize = 8;

/// A file of bars and the day its name gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarFile {
    pub day: Day,
    pub path: PathBuf,
    pub parquet: bool,
}

/// The bar files of a prices folder, by day.
#[derive(Debug, Clone, Default)]
pub struct PriceFiles {
    pub dir: PathBuf,
    /// Parquet before CSV: the first is read, the others ignored (and said).
    pub days: BTreeMap<Day, Vec<BarFile>>,
    /// Entries named like bar files that are not files (a FIFO, a folder).
    pub warnings: Vec<String>,
}

impl PriceFiles {
    pub fn scan(dir: &Path) -> Result<PriceFiles, PriceError> {
        let meta = fs::metadata(dir).map_err(|e| PriceError::Dir(dir.to_path_buf(), e.to_string()))?;
        if !meta.is_dir() {
            return Err(PriceError::Dir(dir.to_path_buf(), "not a folder".into()));
        }
        let mut found = PriceFiles { dir: dir.to_path_buf(), ..PriceFiles::default() };
        found.walk(dir, 0)?;
        for files in found.days.values_mut() {
            files.sort_by(|a, b| b.parquet.cmp(&a.parquet).then_with(|| a.path.cmp(&b.path)));
        }
        found.warnings.sort();
        Ok(found)
    }

    fn walk(&mut self, dir: &Path, depth: usize) -> Result<(), PriceError> {
        let entries = fs::read_dir(dir).map_err(|e| PriceError::Dir(dir.to_path_buf(), e.to_string()))?;
        for entry in entries {
            let entry = entry.map_err(|e| PriceError::Dir(dir.to_path_buf(), e.to_string()))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            // Followed through symlinks: a linked vendor tree is a common way to share one.
            let Ok(meta) = fs::metadata(&path) else {
                self.warnings.push(format!("{}: cannot be read, skipped", path.display()));
                continue;
            };
            match day_of(name) {
                Some((day, parquet)) if meta.is_file() => {
                    self.days.entry(day).or_default().push(BarFile { day, path, parquet });
                }
                Some(_) => self.warnings.push(format!("{}: not a regular file, skipped", path.display())),
                None if meta.is_dir() && depth < MAX_DEPTH => self.walk(&path, depth + 1)?,
                None => {}
            }
        }
        Ok(())
    }

    /// The days from `from` to `to`, inclusive.
    pub fn between(&self, from: Option<Day>, to: Option<Day>) -> impl Iterator<Item = (&Day, &Vec<BarFile>)> {
        self.days.iter().filter(move |(d, _)| from.is_none_or(|f| **d >= f) && to.is_none_or(|t| **d <= t))
    }
}

/// `20250714.csv`, `20250714.parquet`, `2025-07-14.csv`, `2025-07-14.csv.gz` (either date form with
/// either extension): the day, and whether it is Parquet.
fn day_of(name: &str) -> Option<(Day, bool)> {
    let lower = name.to_ascii_lowercase();
    let (stem, parquet) = if let Some(s) = lower.strip_suffix(".parquet") {
        (s, true)
    } else if let Some(s) = lower.strip_suffix(".csv.gz").or_else(|| lower.strip_suffix(".csv")) {
        (s, false)
    } else {
        return None;
    };
    let compact = match stem.len() {
        8 => stem.to_owned(),
        10 if stem.as_bytes()[4] == b'-' && stem.as_bytes()[7] == b'-' => stem.replace('-', ""),
        _ => return None,
    };
    Day::parse_compact(&compact).map(|d| (d, parquet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_name_forms_give_the_day() {
        let d = |s: &str| day_of(s).map(|(d, p)| (d.compact(), p));
        assert_eq!(d("20250714.csv"), Some(("20250714".into(), false)));
        assert_eq!(d("20250714.parquet"), Some(("20250714".into(), true)));
        assert_eq!(d("2025-07-14.csv.gz"), Some(("20250714".into(), false)));
        assert_eq!(d("2025-07-14.CSV"), Some(("20250714".into(), false)));
        for not in ["20250714_hft1.csv", "2025-07-14.txt", "20250231.csv", "2025_07_14.csv", "x.parquet"] {
            assert_eq!(d(not), None, "{not}");
        }
    }

    #[test]
    fn nested_vendor_files_and_top_level_canonical_files_are_found() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs::create_dir_all(dir.path().join("minute_aggs_v1/2025/07"))?;
        fs::write(dir.path().join("minute_aggs_v1/2025/07/2025-07-15.csv.gz"), b"")?;
        fs::write(dir.path().join("20250714.csv"), b"")?;
        fs::write(dir.path().join("20250714.parquet"), b"")?;
        fs::write(dir.path().join("notes.txt"), b"")?;
        fs::create_dir_all(dir.path().join("20250716.csv"))?;
        let found = PriceFiles::scan(dir.path())?;
        let days: Vec<String> = found.days.keys().map(|d| d.compact()).collect();
        assert_eq!(days, ["20250714", "20250715"]);
        let first = found.days.values().next().and_then(|f| f.first()).ok_or("no file")?;
        assert!(first.parquet, "Parquet is read before CSV");
        assert_eq!(found.warnings.len(), 1, "{:?}", found.warnings);
        assert!(found.warnings[0].contains("20250716.csv: not a regular file"));
        Ok(())
    }
}
