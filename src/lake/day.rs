//! One day of the lake: the source files' rows coming in, parts going out, compaction.
//!
//! Bursts wait for their symbols: a burst row is written once its symbols file has come, or
//! `BURST_WAIT` after it came (in wall time, or in market time once the tailer has caught up:
//! a day read after the fact must not wait a minute for files that never come), or when the
//! day closes, so that its `symbols` column is
//! usually complete in the live parts. The `burst_symbols` kind is the source of truth; a
//! burst written before its late file has `symbols` null until the next compaction, which
//! rebuilds the bursts from the rows and symbol files received.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use polars::prelude::{BooleanChunked, DataFrame};

use super::folder::{Content, Folder, SourceMarks, Swap};
use super::frame::{self, Hits};
use super::names::PartName;
use super::source::{Admitted, Source, head};
use crate::archive::{BurstRow, Day, FileKey, Kind, Rows, SecondOfDay};
use crate::store::frames::day_start_ms;

/// How long a burst waits for its symbols file before it is written without.
pub const BURST_WAIT: Duration = Duration::from_secs(60);

/// Compacted files of a kind before they are merged into one (each merge of parts makes one).
const MAX_CHUNKS: usize = 16;

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Rows are written within this long of arriving.
    pub flush: Duration,
    /// Parts of a kind before they are merged into one file.
    pub compact_parts: usize,
}

/// What a flush did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Flushed {
    pub rows: u64,
    pub parts: u64,
    pub compactions: u64,
    /// This flush wrote the rest of the catch-up: the day's big one-off write is over.
    pub caught_up: bool,
}

pub struct DayLake {
    pub day: Day,
    folders: BTreeMap<Kind, Folder>,
    sources: BTreeMap<FileKey, Source>,
    /// The bursts file's rows in the current pass, and every symbol file's hits: what the
    /// bursts' `symbols` column is built from.
    bursts: Vec<BurstRow>,
    hits: Hits,
    /// The latest market time of any row: how old a burst is, in market time.
    latest: u32,
    settings: Settings,
    /// The tailer has sent everything the day held when it started.
    caught_up: bool,
    /// A flush since `caught_up` has written what the catch-up left pending.
    catch_up_written: bool,
    /// The day has ended: write everything and compact to one file per kind.
    closing: bool,
    /// Compaction needs an atomic folder swap; without one, parts stay as they are.
    no_compaction: bool,
    /// Generations swapped out, to delete once no reader can still be opening their files.
    pub retired: Vec<PathBuf>,
}

impl DayLake {
    /// The day as the lake holds it (after a restart: what its folders say).
    pub fn open(out: &Path, day: Day, settings: Settings) -> Result<DayLake> {
        let mut lake = DayLake {
            day,
            folders: BTreeMap::new(),
            sources: BTreeMap::new(),
            bursts: Vec::new(),
            hits: Hits::new(),
            latest: 0,
            settings,
            caught_up: false,
            catch_up_written: false,
            closing: false,
            no_compaction: false,
            retired: Vec::new(),
        };
        for kind in Kind::ALL {
            let (folder, marks) = Folder::open(out, kind, day)?;
            for (burst, marks) in marks {
                let rows = marks.last().map_or(0, |m| m.rows);
                tracing::debug!(file = kind.file_name(day, burst), %day, rows, "the lake holds rows already");
                lake.sources.insert(FileKey::new(kind, burst), Source::new(kind, burst, marks));
            }
            lake.folders.insert(kind, folder);
        }
        Ok(lake)
    }

    pub fn admit(&mut self, rows: Rows, now: Instant) -> Admitted {
        let kind = rows.kind();
        self.latest = self.latest.max(latest_time(&rows));
        let burst = match &rows {
            Rows::Bursts(v) => {
                self.bursts.extend(v.iter().cloned());
                None
            }
            Rows::BurstSymbols { burst, hits } => {
                self.hits.entry(*burst).or_default().extend(hits.iter().cloned());
                Some(*burst)
            }
            _ => None,
        };
        let source =
            self.sources.entry(FileKey::new(kind, burst)).or_insert_with(|| Source::new(kind, burst, Vec::new()));
        let a = source.admit(rows, now);
        if let Some(at) = a.diverged_at {
            tracing::warn!(
                "{} of {}: rows already in the lake changed; its rows past row {at} are replaced",
                kind.file_name(self.day, burst),
                self.day
            );
        }
        a
    }

    /// The file was started over (`TailEvent::Reset`).
    pub fn restart(&mut self, kind: Kind, burst: Option<SecondOfDay>) {
        let burst = if kind == Kind::BurstSymbols { burst } else { None };
        match kind {
            Kind::Bursts => self.bursts.clear(),
            Kind::BurstSymbols => {
                if let Some(t) = burst {
                    self.hits.remove(&t);
                }
            }
            _ => {}
        }
        if let Some(s) = self.sources.get_mut(&FileKey::new(kind, burst)) {
            s.restart();
        }
    }

    /// Every file is started over: its rows come again from the first (a new tailer).
    pub fn restart_all(&mut self) {
        self.bursts.clear();
        self.hits.clear();
        for s in self.sources.values_mut() {
            s.restart();
        }
    }

    /// Everything present at start has been sent: a file that brought fewer rows than the
    /// lake holds of it was rewritten shorter.
    pub fn caught_up(&mut self) {
        self.caught_up = true;
        self.check_short(None);
    }

    fn check_short(&mut self, quiet_since: Option<Instant>) {
        for (FileKey { kind, burst }, s) in &mut self.sources {
            if quiet_since.is_some_and(|t| s.last_rows.is_none_or(|l| l > t)) {
                continue;
            }
            let lake = s.lake_rows();
            if let Some(keep) = s.shortened() {
                tracing::warn!(
                    "{} of {} holds fewer rows than the lake ({lake}): the lake's rows past row {keep} are replaced",
                    kind.file_name(self.day, *burst),
                    self.day
                );
            } else if s.checking() && quiet_since.is_none() {
                tracing::warn!(
                    "{} of {} sent no rows; the lake keeps its {lake}",
                    kind.file_name(self.day, *burst),
                    self.day
                );
            }
        }
    }

    /// A day an earlier run left with parts (it stopped before the day was closed): nothing
    /// more will come for it, and the next flush compacts what the lake holds.
    pub fn left_behind(&mut self) {
        self.caught_up = true;
        self.closing = true;
    }

    /// The day has ended: the next flush writes everything and compacts.
    pub fn close(&mut self) {
        self.closing = true;
    }

    /// Closed, written and compacted: nothing more to do.
    pub fn done(&self) -> bool {
        self.closing
            && self.pending_rows() == 0
            && self.sources.values().all(|s| s.drop_after.is_none())
            && (self.no_compaction || self.folders.values().all(|f| f.parts.is_empty() && f.chunks.len() <= 1))
    }

    pub fn pending_rows(&self) -> usize {
        self.sources.values().map(Source::pending_len).sum()
    }

    /// When the next flush is due (None: nothing waits).
    pub fn due(&self) -> Option<Instant> {
        if self.closing && !self.done() {
            return Some(Instant::now());
        }
        let wait = self.settings.flush.saturating_sub(FLUSH_MARGIN).max(self.settings.flush / 2);
        let drop = self.sources.values().any(|s| s.drop_after.is_some()).then(Instant::now);
        let oldest = self
            .sources
            .iter()
            .filter_map(|(key, s)| {
                let at = s.oldest_pending()?;
                // A burst waiting for its symbols is due when it may go without them; the
                // symbols file's own rows make a flush due before that.
                let held = key.kind == Kind::Bursts && self.releasable(*key, Instant::now(), false) == 0;
                Some(if held { at + BURST_WAIT } else { at + wait })
            })
            .min();
        // A file being checked again that went quiet short of the lake's rows (see `flush`).
        let quiet = self
            .sources
            .values()
            .filter(|s| self.caught_up && s.checking() && s.seen() > 0)
            .filter_map(|s| s.last_rows.map(|t| t + self.settings.flush * 2))
            .min();
        drop.into_iter().chain(oldest).chain(quiet).min()
    }

    /// Writes every row that may be written now, then compacts what needs it. Rows written
    /// before an error stay written; the rest stay pending for the next try.
    pub fn flush(&mut self, now: Instant, force: bool) -> Result<Flushed> {
        let mut done = Flushed::default();
        let force = force || self.closing;
        if self.caught_up {
            // A rewrite in progress that went quiet with fewer rows than the lake holds.
            self.check_short(Some(now.checked_sub(self.settings.flush * 2).unwrap_or(now)));
        }
        let rewritten: Vec<Kind> =
            self.sources.iter().filter(|(_, s)| s.drop_after.is_some()).map(|(k, _)| k.kind).collect();
        for kind in dedup(rewritten) {
            self.rewrite(kind)?;
        }
        let keys: Vec<FileKey> = self.sources.iter().filter(|(_, s)| s.pending_len() > 0).map(|(k, _)| *k).collect();
        for key in keys {
            let n = self.releasable(key, now, force);
            if n > 0 {
                done.rows += self.write_part(key, n)? as u64;
                done.parts += 1;
            }
        }
        if self.caught_up && !self.catch_up_written {
            self.catch_up_written = true;
            done.caught_up = true;
        }
        if self.caught_up && !self.no_compaction {
            for kind in Kind::ALL {
                done.compactions += u64::from(self.compact(kind)?);
            }
        }
        Ok(done)
    }

    /// How many of the source's pending rows may be written now.
    fn releasable(&self, key: FileKey, now: Instant, force: bool) -> usize {
        let Some(s) = self.sources.get(&key) else { return 0 };
        if key.kind != Kind::Bursts || force {
            return s.pending_len();
        }
        let Rows::Bursts(rows) = s.pending() else { return 0 };
        let wait = BURST_WAIT.as_secs() as u32;
        rows.iter()
            .zip(s.pending_arrivals())
            .take_while(|(r, at)| {
                self.hits.contains_key(&r.time)
                    || now.duration_since(**at) >= BURST_WAIT
                    || (self.caught_up && self.latest >= r.time.secs() + wait)
            })
            .count()
    }

    fn write_part(&mut self, key: FileKey, n: usize) -> Result<usize> {
        let FileKey { kind, burst } = key;
        let Some(s) = self.sources.get_mut(&key) else { return Ok(0) };
        let Some(mark) = s.mark_after(n) else { return Ok(0) };
        let name = PartName { burst, from: s.lake_rows(), to: mark.rows, chain: mark.chain };
        let mut df = frame::frame(self.day, head(s.pending(), n), &self.hits)
            .map_err(|e| anyhow::anyhow!("cannot build the {kind} rows of {}: {e}", self.day))?;
        let Some(folder) = self.folders.get_mut(&kind) else { return Ok(0) };
        folder.add_part(name, &mut df)?;
        s.committed(n);
        Ok(n)
    }

    fn marks(&self, kind: Kind) -> SourceMarks {
        self.sources
            .iter()
            .filter(|(k, s)| k.kind == kind && !s.marks().is_empty())
            .map(|(k, s)| (k.burst, s.marks().to_vec()))
            .collect()
    }

    /// Merges parts (or everything, at the day's end or past `MAX_CHUNKS`) into one file.
    fn compact(&mut self, kind: Kind) -> Result<bool> {
        let Some(folder) = self.folders.get(&kind) else { return Ok(false) };
        let all = (self.closing && folder.file_count() > 1) || folder.chunks.len() >= MAX_CHUNKS;
        let parts = folder.parts.len() >= self.settings.compact_parts.max(2);
        if !all && !parts {
            return Ok(false);
        }
        let keep: Vec<String> = if all { Vec::new() } else { folder.chunks.clone() };
        let inputs = if all { folder.files() } else { folder.part_files() };
        let mut bursts = self.bursts_from_memory(kind, if all { 0 } else { first_part_row(folder) }).transpose()?;
        // The other kinds' files are streamed into the new one, never held at once.
        let new = match bursts.as_mut() {
            Some(df) => Content::Frame(df),
            None => Content::Files(&inputs),
        };
        let marks = self.marks(kind);
        let Some(folder) = self.folders.get_mut(&kind) else { return Ok(false) };
        let before = folder.file_count();
        match folder.replace(&keep, Some(new), &marks, Swap::Atomic) {
            Ok((old, rows)) => {
                tracing::info!(kind = kind.name(), day = %self.day, files = before, rows, "compacted");
                self.retired.push(old);
                Ok(true)
            }
            Err(e) if is_unsupported(&e) => {
                tracing::warn!(
                    "no atomic folder swap on this platform or file system: the lake is not compacted ({e})"
                );
                self.no_compaction = true;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Bursts rows `from..` as the lake holds them, rebuilt from the rows received with every
    /// symbol file known now (None: this run has not seen them all).
    fn bursts_from_memory(&self, kind: Kind, from: u64) -> Option<Result<DataFrame>> {
        if kind != Kind::Bursts {
            return None;
        }
        let s = self.sources.get(&FileKey::new(Kind::Bursts, None))?;
        let to = usize::try_from(s.lake_rows()).ok()?;
        let from = usize::try_from(from).ok()?;
        if s.checking() || self.bursts.len() < to || from > to {
            return None;
        }
        Some(frame::bursts(self.day, &self.bursts[from..to], &self.hits).map_err(|e| anyhow::anyhow!("bursts: {e}")))
    }

    /// A source file changed rows the lake holds: the kind's folder is rebuilt with the rows
    /// that still hold, in one swap.
    fn rewrite(&mut self, kind: Kind) -> Result<()> {
        let Some(folder) = self.folders.get(&kind) else { return Ok(()) };
        let mut df = match self.bursts_from_memory(kind, 0) {
            Some(df) => df?,
            None => {
                let df = concat(&folder.files())?;
                self.keep_rows(kind, df)?
            }
        };
        let marks = self.marks(kind);
        let Some(folder) = self.folders.get_mut(&kind) else { return Ok(()) };
        let (old, rows) = folder.replace(&[], Some(Content::Frame(&mut df)), &marks, Swap::AtomicOrNot)?;
        tracing::warn!(kind = kind.name(), day = %self.day, rows, "the lake's rows of a rewritten file were replaced");
        self.retired.push(old);
        for (k, s) in &mut self.sources {
            if k.kind == kind {
                s.drop_after = None;
            }
        }
        Ok(())
    }

    /// The rows of `df` (the folder's, in order) that their sources still hold.
    fn keep_rows(&self, kind: Kind, df: DataFrame) -> Result<DataFrame> {
        if kind != Kind::BurstSymbols {
            let keep = self.sources.get(&FileKey::new(kind, None)).map_or(0, Source::lake_rows);
            return Ok(df.slice(0, usize::try_from(keep).unwrap_or(usize::MAX)));
        }
        let base = day_start_ms(self.day);
        let times = df
            .column("burst_time")
            .and_then(|c| c.datetime().map(|d| d.physical().clone()))
            .map_err(|e| anyhow::anyhow!("burst_symbols: {e}"))?;
        let mut seen: BTreeMap<i64, u64> = BTreeMap::new();
        let mask: Vec<bool> = times
            .iter()
            .map(|t| {
                let Some(ms) = t else { return false };
                let burst = u32::try_from((ms - base) / 1000).ok().and_then(SecondOfDay::from_secs);
                let keep = self.sources.get(&FileKey::new(kind, burst)).map_or(0, Source::lake_rows);
                let n = seen.entry(ms).or_default();
                *n += 1;
                *n <= keep
            })
            .collect();
        df.filter(&mask.into_iter().collect::<BooleanChunked>()).map_err(|e| anyhow::anyhow!("burst_symbols: {e}"))
    }
}

fn latest_time(rows: &Rows) -> u32 {
    let last = match rows {
        Rows::Quotes(q) => q.time.last().copied(),
        Rows::S1(v) | Rows::S2(v) => v.last().map(|r| r.time),
        Rows::Bursts(v) => v.last().map(|r| r.time),
        Rows::BurstSymbols { .. } => None,
    };
    last.map_or(0, |t| t.secs())
}

/// Rows may wait this much less than `flush` for company: the tailer's own delay and the
/// write come on top.
const FLUSH_MARGIN: Duration = Duration::from_millis(250);

fn first_part_row(folder: &Folder) -> u64 {
    folder.parts.iter().map(|p| p.from).min().unwrap_or(0)
}

fn dedup(mut v: Vec<Kind>) -> Vec<Kind> {
    v.sort();
    v.dedup();
    v
}

fn is_unsupported(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::Unsupported)
}

/// The files' rows, in order, as one frame.
fn concat(files: &[PathBuf]) -> Result<DataFrame> {
    let mut out: Option<DataFrame> = None;
    for f in files {
        let df = frame::read_parquet(f)?;
        match &mut out {
            None => out = Some(df),
            Some(o) => {
                o.vstack_mut_owned(df)
                    .with_context(|| format!("{} does not match the folder's schema", f.display()))?;
            }
        }
    }
    let mut df = out.unwrap_or_default();
    df.rechunk_mut();
    Ok(df)
}
