//! The name of one file of a day, as checkpoints, the lake's sources and the tailer's followers
//! know it: its kind and, for a burst's symbols file, the burst it belongs to.

use super::kind::Kind;
use super::time::SecondOfDay;

/// One file of a day: its kind, and for symbol files the burst they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileKey {
    pub kind: Kind,
    pub burst: Option<SecondOfDay>,
}

impl FileKey {
    pub fn new(kind: Kind, burst: Option<SecondOfDay>) -> FileKey {
        FileKey { kind, burst: if kind == Kind::BurstSymbols { burst } else { None } }
    }

    /// `hft1`, `bursts`, `burst_symbols/093015`: the file's name in checkpoints.
    pub fn label(self) -> String {
        match self.burst {
            Some(t) => format!("{}/{:06}", self.kind.name(), t.hhmmss()),
            None => self.kind.name().to_owned(),
        }
    }

    pub fn parse(label: &str) -> Option<FileKey> {
        let (kind, burst) = match label.split_once('/') {
            Some((k, t)) => (k, Some(SecondOfDay::from_hhmmss(t.parse().ok()?)?)),
            None => (label, None),
        };
        let kind = Kind::ALL.into_iter().find(|k| k.name() == kind)?;
        (burst.is_some() == (kind == Kind::BurstSymbols)).then_some(FileKey { kind, burst })
    }
}
