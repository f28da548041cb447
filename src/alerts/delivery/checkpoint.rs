//! A sink's delivery checkpoint for one day: per file, up to which row every alert was handed
//! to the sink, with the fingerprint of those rows, and the rows whose alerts a remote sink had
//! to drop (`gaps`). Replaced through `atomic_file` (unique temporary name, fsync, rename,
//! folder fsync), so a crash leaves the old checkpoint or the new one, never half of one; one
//! that cannot be read all the same is an error, and the caller sends the day again.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::gaps::Gaps;
use crate::archive::Day;
use crate::archive::FileKey;
use crate::archive::ledger::Mark;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checkpoint {
    files: BTreeMap<FileKey, Mark>,
    gaps: BTreeMap<FileKey, Gaps>,
}

#[derive(Serialize, Deserialize)]
struct Json {
    version: u32,
    day: String,
    files: BTreeMap<String, MarkJson>,
}

#[derive(Serialize, Deserialize)]
struct MarkJson {
    rows: u64,
    chain: String,
    /// Row ranges `[from, to)` below `rows` whose alerts were not delivered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    gaps: Vec<[u64; 2]>,
}

impl Checkpoint {
    pub fn get(&self, file: FileKey) -> Option<Mark> {
        self.files.get(&file).copied()
    }

    pub fn set(&mut self, file: FileKey, mark: Mark) {
        self.files.insert(file, mark);
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The alert of `row` was handed over: one of a gap (a restart sending what a full queue
    /// dropped) is taken out of it; any other moves the file's mark to `mark` (lower too: a
    /// file rewritten with other rows starts its count again).
    pub fn delivered(&mut self, file: FileKey, row: u64, mark: Mark) {
        if let Some(g) = self.gaps.get_mut(&file).filter(|g| g.contains(row)) {
            g.fill(row);
            return;
        }
        self.files.insert(file, mark);
    }

    /// Rows whose alerts were dropped: sent by the next start.
    pub fn add_gaps(&mut self, file: FileKey, gaps: &Gaps) {
        self.gaps.entry(file).or_default().union(gaps);
    }

    /// The alert of `row` of `file` was handed over (before `rows`, outside the gaps).
    pub fn has(&self, file: FileKey, row: u64) -> bool {
        self.files.get(&file).is_some_and(|m| row < m.rows) && !self.gaps.get(&file).is_some_and(|g| g.contains(row))
    }

    /// `Ok(None)`: no checkpoint for that day. A file that cannot be understood is an error
    /// (the caller then delivers the whole day again: repeats carry their ids, losses nothing).
    pub fn load(path: &Path) -> io::Result<Option<Checkpoint>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let json: Json = serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut c = Checkpoint::default();
        for (label, m) in json.files {
            let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad entry {label:?}"));
            let key = FileKey::parse(&label).ok_or_else(bad)?;
            let chain = u64::from_str_radix(&m.chain, 16).map_err(|_| bad())?;
            c.files.insert(key, Mark { rows: m.rows, chain });
            let gaps = Gaps::from_ranges(m.gaps.iter().map(|&[f, t]| (f, t)));
            if !gaps.is_empty() {
                c.gaps.insert(key, gaps);
            }
        }
        Ok(Some(c))
    }

    pub fn save(&self, path: &Path, day: Day) -> anyhow::Result<()> {
        let gaps =
            |k: &FileKey| self.gaps.get(k).map_or_else(Vec::new, |g| g.ranges().iter().map(|&(f, t)| [f, t]).collect());
        let json = Json {
            version: 1,
            day: day.to_string(),
            files: self
                .files
                .iter()
                .map(|(k, m)| (k.label(), MarkJson { rows: m.rows, chain: format!("{:016x}", m.chain), gaps: gaps(k) }))
                .collect(),
        };
        let text = serde_json::to_string(&json)?;
        crate::atomic_file::write(path, text, "checkpoint")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Kind, SecondOfDay};

    #[test]
    fn a_checkpoint_reads_back_as_written_and_a_broken_one_is_an_error() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("20250714.json");
        assert_eq!(Checkpoint::load(&path)?, None);
        let mut c = Checkpoint::default();
        c.set(FileKey::new(Kind::Quotes, None), Mark { rows: 12, chain: u64::MAX });
        c.set(FileKey::new(Kind::BurstSymbols, SecondOfDay::from_hhmmss(93015)), Mark { rows: 3, chain: 5 });
        let day = Day::parse_compact("20250714").ok_or("day")?;
        c.add_gaps(FileKey::new(Kind::Quotes, None), &Gaps::from_ranges([(3, 5)]));
        c.save(&path, day).map_err(|e| format!("{e:#}"))?;
        let back = Checkpoint::load(&path)?.ok_or("not saved")?;
        assert_eq!(back, c);
        let quotes = FileKey::new(Kind::Quotes, None);
        assert_eq!(
            (back.has(quotes, 2), back.has(quotes, 3), back.has(quotes, 11), back.has(quotes, 12)),
            (true, false, true, false)
        );
        std::fs::write(&path, "")?;
        assert!(Checkpoint::load(&path).is_err(), "an empty file is no checkpoint");
        std::fs::write(&path, "{\"version\":1,")?;
        assert!(Checkpoint::load(&path).is_err());
        Ok(())
    }
}
