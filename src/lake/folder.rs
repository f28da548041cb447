//! One kind of one day in the lake: the folder `L/<kind>/date=YYYY-MM-DD/` readers see, what
//! it holds, new parts renamed into it, and whole generations swapped in for it.
//!
//! Generations: compaction and rewrites build the next content in `L/.ki2-lake/next-…`
//! (files kept are hard links), then exchange it with the visible folder in one
//! `renameat2(RENAME_EXCHANGE)`. Readers see the old set of files or the new one. The old
//! one, moved to `L/.ki2-lake/old-…`, is deleted a little later: a reader that listed the old
//! folder just before the swap and opens a file after it gets "file not found", and must
//! read again (it never gets a row twice or misses one).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use polars::prelude::DataFrame;

use super::frame::{write_files, write_parquet};
use super::names::{GEN_FILE, GenFile, Mark, PartName, chunk_name};
use super::swap::exchange;
use crate::archive::{Day, Kind, SecondOfDay};
use crate::atomic_file::sync_dir;

/// The lake's own work folder, beside the kinds (readers glob `L/<kind>/**`).
pub const WORK: &str = ".ki2-lake";

pub type SourceMarks = BTreeMap<Option<SecondOfDay>, Vec<Mark>>;

/// What a new generation's one new file holds.
pub enum Content<'a> {
    Frame(&'a mut DataFrame),
    /// These files' rows, in order, streamed (`frame::write_files`).
    Files(&'a [PathBuf]),
}

#[derive(Debug)]
pub struct Folder {
    /// `L/<kind>/date=YYYY-MM-DD`.
    pub dir: PathBuf,
    work: PathBuf,
    label: String,
    pub generation: u64,
    pub chunks: Vec<String>,
    pub parts: Vec<PartName>,
}

/// How a new generation may be swapped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// Only atomically (compaction: it can wait for a platform that can).
    Atomic,
    /// Atomically where possible, else by two renames (a rewrite: the rows must go).
    AtomicOrNot,
}

impl Folder {
    /// Reads what the folder holds (nothing if it does not exist) and the checkpoints of
    /// every source file in it, checked for gaps.
    pub fn open(out: &Path, kind: Kind, day: Day) -> Result<(Folder, SourceMarks)> {
        let dir = out.join(kind.name()).join(format!("date={day}"));
        let mut f = Folder {
            work: out.join(WORK),
            label: format!("{}-{day}", kind.name()),
            dir,
            generation: 0,
            chunks: Vec::new(),
            parts: Vec::new(),
        };
        let mut marks = SourceMarks::new();
        let listing = match fs::read_dir(&f.dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((f, marks)),
            r => r.with_context(|| format!("cannot list {}", f.dir.display()))?,
        };
        let gen_path = f.dir.join(GEN_FILE);
        match fs::read_to_string(&gen_path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", gen_path.display())),
            Ok(text) => {
                let g: GenFile = serde_json::from_str(&text)
                    .map_err(|e| anyhow!("{}: not a lake generation file: {e}", gen_path.display()))?;
                for (burst, m) in g.marks().map_err(|e| anyhow!("{}: {e}", gen_path.display()))? {
                    marks.insert(burst, m);
                }
                f.generation = g.generation;
                f.chunks = g.chunks;
            }
        }
        for entry in listing {
            let entry = entry.with_context(|| format!("cannot list {}", f.dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                // Left by a write that was cut short: never visible, never counted.
                let _ = fs::remove_file(entry.path());
            } else if let Some(p) = PartName::parse(&name) {
                f.parts.push(p);
            } else if name.ends_with(".parquet") && !f.chunks.contains(&name) {
                bail!(
                    "{} was not written by the lake (`ki2 export` without --follow writes part-0.parquet): \
                     use another --out or remove the day's folder",
                    entry.path().display()
                );
            }
        }
        for c in &f.chunks {
            if !f.dir.join(c).is_file() {
                bail!("{}: {c} is listed in {GEN_FILE} but missing", f.dir.display());
            }
        }
        f.parts.sort_by_key(|p| (p.burst, p.from));
        for p in &f.parts {
            let m = marks.entry(p.burst).or_default();
            let end = m.last().map_or(0, |m| m.rows);
            if p.from != end {
                bail!(
                    "{}: {} does not follow row {end} of its file: the lake is damaged",
                    f.dir.display(),
                    p.file_name()
                );
            }
            m.push(Mark { rows: p.to, chain: p.chain });
        }
        Ok((f, marks))
    }

    /// Every visible file, in row order (compacted files, then parts by source and row).
    pub fn files(&self) -> Vec<PathBuf> {
        let chunks = self.chunks.iter().map(|c| self.dir.join(c));
        chunks.chain(self.part_files()).collect()
    }

    pub fn part_files(&self) -> Vec<PathBuf> {
        self.parts.iter().map(|p| self.dir.join(p.file_name())).collect()
    }

    pub fn file_count(&self) -> usize {
        self.chunks.len() + self.parts.len()
    }

    /// Renames a new part into the visible folder: from then on it is in the lake.
    pub fn add_part(&mut self, name: PartName, df: &mut DataFrame) -> Result<()> {
        fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        write_parquet(&self.dir, &name.file_name(), df)?;
        self.parts.push(name);
        self.parts.sort_by_key(|p| (p.burst, p.from));
        Ok(())
    }

    /// Replaces the folder's content by `keep` (compacted files kept as they are) followed by
    /// `new` (if any), covering `marks`. Returns the old generation's folder, to delete later,
    /// and the rows of the new file.
    pub fn replace(
        &mut self,
        keep: &[String],
        new: Option<Content<'_>>,
        marks: &SourceMarks,
        how: Swap,
    ) -> Result<(PathBuf, u64)> {
        let next = self.work.join(format!("next-{}", self.label));
        let generation = self.generation + 1;
        let built = self.build(&next, generation, keep, new, marks);
        let swapped = built.and_then(|(chunks, rows)| self.swap_in(&next, how).map(|old| (chunks, rows, old)));
        match swapped {
            Ok((chunks, rows, old)) => {
                self.generation = generation;
                self.chunks = chunks;
                self.parts.clear();
                Ok((old, rows))
            }
            Err(e) => {
                let _ = fs::remove_dir_all(&next);
                Err(e)
            }
        }
    }

    fn build(
        &self,
        next: &Path,
        generation: u64,
        keep: &[String],
        new: Option<Content<'_>>,
        marks: &SourceMarks,
    ) -> Result<(Vec<String>, u64)> {
        match fs::remove_dir_all(next) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot clear {}", next.display()));
            }
            _ => {}
        }
        fs::create_dir_all(next).with_context(|| format!("cannot create {}", next.display()))?;
        let mut chunks = Vec::new();
        for c in keep {
            let (from, to) = (self.dir.join(c), next.join(c));
            if fs::hard_link(&from, &to).is_err() {
                fs::copy(&from, &to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
            }
            chunks.push(c.clone());
        }
        let name = chunk_name(generation);
        let rows = match new {
            Some(Content::Frame(df)) if df.height() > 0 => {
                write_parquet(next, &name, df)?;
                df.height() as u64
            }
            Some(Content::Files(files)) if !files.is_empty() => write_files(&next.join(&name), files)?,
            _ => 0,
        };
        if rows > 0 {
            chunks.push(name);
        }
        let mut g = GenFile { generation, chunks: chunks.clone(), ..GenFile::default() };
        for (burst, m) in marks {
            g.set_marks(*burst, m);
        }
        let text = serde_json::to_string(&g).context("cannot encode the generation file")?;
        crate::atomic_file::write(&next.join(GEN_FILE), text, "generation")?;
        Ok((chunks, rows))
    }

    fn swap_in(&self, next: &Path, how: Swap) -> Result<PathBuf> {
        fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let old = self.work.join(format!("old-{}-{:06}", self.label, self.generation));
        match exchange(next, &self.dir) {
            Ok(()) => {
                // Swapped in: from here on the new generation is the lake, whatever follows.
                if let Err(e) = fs::rename(next, &old) {
                    tracing::warn!("cannot move {} to {}: {e}", next.display(), old.display());
                    return Ok(next.to_path_buf());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Unsupported && how == Swap::AtomicOrNot => {
                tracing::warn!(dir = %self.dir.display(), "no atomic folder swap here: readers may see the folder empty for a moment");
                fs::rename(&self.dir, &old).with_context(|| format!("cannot move {}", self.dir.display()))?;
                if let Err(e) = fs::rename(next, &self.dir) {
                    // Put the old generation back rather than leave the day without a folder.
                    let _ = fs::rename(&old, &self.dir);
                    return Err(e).with_context(|| format!("cannot move {} to {}", next.display(), self.dir.display()));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Unsupported => return Err(anyhow::Error::new(e)),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot swap {} with {}", next.display(), self.dir.display()));
            }
        }
        if let Some(parent) = self.dir.parent() {
            sync_dir(parent);
        }
        Ok(old)
    }
}

/// Removes what an earlier run left in the work folder: generations being built (never
/// swapped in) and old ones (swapped out).
pub fn clean_work(out: &Path) {
    let work = out.join(WORK);
    let Ok(listing) = fs::read_dir(&work) else { return };
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if (name.starts_with("next-") || name.starts_with("old-"))
            && let Err(e) = fs::remove_dir_all(entry.path())
        {
            tracing::warn!(path = %entry.path().display(), "cannot remove: {e}");
        }
    }
}
