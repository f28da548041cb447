//! A sink's delivery checkpoint for one day: per file, up to which row every alert was handed
//! to the sink, with the fingerprint of those rows. Replaced atomically (written beside, then
//! renamed), so a crash leaves the old checkpoint or the new one, never half of one.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::alerts::alert::FileKey;
use crate::alerts::ledger::Mark;
use crate::archive::Day;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checkpoint {
    files: BTreeMap<FileKey, Mark>,
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

    /// `Ok(None)`: no checkpoint for that day. A file that cannot be understood is an error
    /// (the caller then delivers the whole day again: repeats carry their ids, losses nothing).
    pub fn load(path: &Path) -> io::Result<Option<Checkpoint>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let json: Json = serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut files = BTreeMap::new();
        for (label, m) in json.files {
            let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad entry {label:?}"));
            let key = FileKey::parse(&label).ok_or_else(bad)?;
            let chain = u64::from_str_radix(&m.chain, 16).map_err(|_| bad())?;
            files.insert(key, Mark { rows: m.rows, chain });
        }
        Ok(Some(Checkpoint { files }))
    }

    pub fn save(&self, path: &Path, day: Day) -> io::Result<()> {
        let json = Json {
            version: 1,
            day: day.to_string(),
            files: self
                .files
                .iter()
                .map(|(k, m)| (k.label(), MarkJson { rows: m.rows, chain: format!("{:016x}", m.chain) }))
                .collect(),
        };
        let text = serde_json::to_string(&json).map_err(io::Error::other)?;
        let tmp = tmp_path(path);
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
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
        c.save(&path, day)?;
        assert_eq!(Checkpoint::load(&path)?, Some(c));
        std::fs::write(&path, "{\"version\":1,")?;
        assert!(Checkpoint::load(&path).is_err());
        Ok(())
    }
}
