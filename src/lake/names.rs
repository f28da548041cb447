//! What the lake's file names say, and the one small file each generation folder carries.
//!
//! A part is named by the rows it holds: `part-<src>-<from>-<to>-<chain>.parquet`, where `src`
//! is `f` for the day's single file of its kind and the burst's `HHMMSS` for a symbol file,
//! `from..to` the rows of that source file (0-based, end exclusive) and `chain` the running
//! fingerprint of the source's rows up to `to`. The rename that makes a part visible is
//! therefore also its checkpoint: after `kill -9` the folder alone says what the lake holds.
//! Compacted rows live in `chunk-<gen>.parquet` files, listed with their checkpoints in
//! `.ki2-lake.json`, written once, before the folder holding it is swapped in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::archive::SecondOfDay;

/// A source file's rows up to some row: how many, and their running fingerprint (the same
/// marks the live alerts keep in their checkpoints).
pub use crate::archive::ledger::Mark;

/// One source file's checkpoints (`None`: the day's single file of the kind).
pub type SourceMarks = (Option<SecondOfDay>, Vec<Mark>);

pub const GEN_FILE: &str = ".ki2-lake.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartName {
    pub burst: Option<SecondOfDay>,
    pub from: u64,
    pub to: u64,
    pub chain: u64,
}

impl PartName {
    pub fn file_name(&self) -> String {
        let src = src_label(self.burst);
        format!("part-{src}-{:010}-{:010}-{:016x}.parquet", self.from, self.to, self.chain)
    }

    pub fn parse(name: &str) -> Option<PartName> {
        let rest = name.strip_prefix("part-")?.strip_suffix(".parquet")?;
        let mut it = rest.split('-');
        let burst = parse_src(it.next()?)?;
        let from = it.next()?.parse().ok()?;
        let to = it.next()?.parse().ok()?;
        let chain = u64::from_str_radix(it.next()?, 16).ok()?;
        (it.next().is_none() && from < to).then_some(PartName { burst, from, to, chain })
    }
}

/// `f` for a day's single file of its kind, `HHMMSS` for a burst's symbol file.
pub fn src_label(burst: Option<SecondOfDay>) -> String {
    burst.map_or_else(|| "f".to_owned(), |t| format!("{:06}", t.hhmmss()))
}

/// `None`: not a source label; `Some(None)`: the single file.
fn parse_src(s: &str) -> Option<Option<SecondOfDay>> {
    if s == "f" {
        return Some(None);
    }
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    SecondOfDay::from_hhmmss(s.parse().ok()?).map(Some)
}

pub fn chunk_name(generation: u64) -> String {
    format!("chunk-{generation:06}.parquet")
}

/// `.ki2-lake.json`: the generation's number, its compacted files in row order, and the
/// checkpoints (source label → `[rows, chain]` at each former part's end) those files cover.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenFile {
    pub generation: u64,
    pub chunks: Vec<String>,
    pub sources: BTreeMap<String, Vec<(u64, String)>>,
}

impl GenFile {
    pub fn marks(&self) -> Result<Vec<SourceMarks>, String> {
        self.sources
            .iter()
            .map(|(label, marks)| {
                let burst = parse_src(label).ok_or_else(|| format!("unknown source {label:?}"))?;
                let marks = marks
                    .iter()
                    .map(|(rows, chain)| {
                        u64::from_str_radix(chain, 16)
                            .map(|chain| Mark { rows: *rows, chain })
                            .map_err(|_| format!("bad fingerprint {chain:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((burst, marks))
            })
            .collect()
    }

    pub fn set_marks(&mut self, burst: Option<SecondOfDay>, marks: &[Mark]) {
        if marks.is_empty() {
            self.sources.remove(&src_label(burst));
        } else {
            self.sources
                .insert(src_label(burst), marks.iter().map(|m| (m.rows, format!("{:016x}", m.chain))).collect());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_round_trip_and_odd_names_are_not_parts() {
        let p = PartName { burst: SecondOfDay::from_hhmmss(93015), from: 12, to: 40, chain: 0xabc };
        assert_eq!(p.file_name(), "part-093015-0000000012-0000000040-0000000000000abc.parquet");
        assert_eq!(PartName::parse(&p.file_name()), Some(p));
        let f = PartName { burst: None, from: 0, to: 1, chain: u64::MAX };
        assert_eq!(PartName::parse(&f.file_name()), Some(f));
        for bad in ["part-0.parquet", "part-f-5-5-0.parquet", "part-250000-0-1-0.parquet", "chunk-000001.parquet"] {
            assert_eq!(PartName::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn generation_files_keep_their_marks() -> Result<(), String> {
        let mut g = GenFile { generation: 3, chunks: vec![chunk_name(3)], ..GenFile::default() };
        let marks = [Mark { rows: 5, chain: 7 }, Mark { rows: 9, chain: u64::MAX }];
        g.set_marks(None, &marks);
        let text = serde_json::to_string(&g).map_err(|e| e.to_string())?;
        let back: GenFile = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        assert_eq!(back.marks()?, vec![(None, marks.to_vec())]);
        Ok(())
    }
}
