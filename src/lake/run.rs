//! The lake's loop: tail events in, parts out when rows are due, errors kept in the status
//! and retried with a back-off while the rows wait (in memory, bounded: past the bound the
//! lake stops taking events and the tailer waits, leaving the rows in the source files; a
//! shared tailer does not wait long, it cuts the lake off, and the lake reads the files itself).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Result, anyhow};
use tokio::sync::oneshot;

use super::day::{DayLake, Settings};
use super::folder::clean_work;
use super::names::PartName;
use super::{LakeOptions, LakeStatus};
use crate::archive::printable::printable;
use crate::archive::{Day, Kind};
use crate::platform::allocator;
use crate::tail::{self, Feed, TailEvent, TailHandle, TailOptions};

/// Rows held in memory at most before the lake stops reading events.
const MAX_PENDING: usize = 500_000;
/// Rows of a day that make a flush due at once (a big catch-up is written in slices).
const FLUSH_ROWS: usize = 200_000;
/// How long an old generation stays after being swapped out: a reader that listed it just
/// before may still be opening its files.
const RETIRE_AFTER: Duration = Duration::from_secs(30);
/// Longest wait between two tries after a write error.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Malformed rows logged one by one before only their count is kept.
const MALFORMED_LOGGED: u64 = 20;

pub(super) fn run(
    opts: LakeOptions,
    feed: Option<Feed>,
    status: Arc<Mutex<LakeStatus>>,
    stopped: oneshot::Receiver<()>,
    started: Sender<Result<()>>,
) {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_time().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = started.send(Err(anyhow!("cannot start the lake's runtime: {e}")));
            return;
        }
    };
    let mut lake = Lake {
        settings: Settings { flush: opts.flush, compact_parts: opts.compact_parts },
        following: opts.day,
        opts,
        status,
        days: BTreeMap::new(),
        retired: Vec::new(),
        retry_at: None,
        failures: 0,
    };
    if let Err(e) = rt.block_on(lake.run(feed, stopped, started)) {
        tracing::error!("lake stopped: {e:#}");
        lake.set(|s| {
            s.error = Some(format!("{e:#}"));
            s.stopped = true;
        });
    }
}

struct Lake {
    opts: LakeOptions,
    settings: Settings,
    status: Arc<Mutex<LakeStatus>>,
    days: BTreeMap<Day, DayLake>,
    retired: Vec<(PathBuf, Instant)>,
    retry_at: Option<Instant>,
    failures: u32,
    /// The day the events are of now (the last `DayChanged`'s): where a cut-off lake resumes.
    following: Day,
}

/// Where the lake's events come from.
enum Events {
    Own(TailHandle, tokio::sync::mpsc::Receiver<TailEvent>),
    Shared(Feed),
    /// The shared tailer stopped (its consumer is ending): nothing more comes.
    Ended,
}

impl Events {
    async fn recv(&mut self) -> Option<TailEvent> {
        match self {
            Events::Own(_, rx) => rx.recv().await,
            Events::Shared(feed) => feed.recv().await,
            Events::Ended => std::future::pending().await,
        }
    }

    fn stop(self) {
        if let Events::Own(tailer, _) = self {
            tailer.stop();
        }
    }
}

impl Lake {
    async fn run(
        &mut self,
        feed: Option<Feed>,
        mut stopped: oneshot::Receiver<()>,
        started: Sender<Result<()>>,
    ) -> Result<()> {
        clean_work(&self.opts.out);
        let first = match DayLake::open(&self.opts.out, self.opts.day, self.settings) {
            Ok(d) => d,
            Err(e) => {
                let _ = started.send(Err(anyhow!("{e:#}")));
                return Err(e);
            }
        };
        self.days.insert(self.opts.day, first);
        self.finish_left_behind();
        let mut events = match feed {
            Some(feed) => Events::Shared(feed),
            None => match self.own_tailer(self.opts.day) {
                Ok(t) => t,
                Err(e) => {
                    let _ = started.send(Err(anyhow!("{e:#}")));
                    return Err(e);
                }
            },
        };
        let _ = started.send(Ok(()));
        let outcome = loop {
            let accepting = self.pending() < MAX_PENDING;
            let deadline = self.deadline(Instant::now());
            tokio::select! {
                _ = &mut stopped => break Ok(()),
                event = events.recv(), if accepting => match event {
                    Some(e) => {
                        if let Err(e) = self.on_event(e) {
                            break Err(e);
                        }
                    }
                    None => match events {
                        Events::Shared(ref feed) if feed.was_cut() => match self.fall_back() {
                            Ok(own) => events = own,
                            Err(e) => break Err(e),
                        },
                        Events::Shared(_) => {
                            tracing::info!("lake: the shared tailer stopped");
                            events = Events::Ended;
                        }
                        _ => break Err(anyhow!("the lake's tailer stopped")),
                    },
                },
                () = tokio::time::sleep_until(deadline.into()) => {}
            }
            self.tick(Instant::now(), false);
        };
        // Whatever is pending is written before the thread ends (a held burst without its
        // symbols file too: a stopped lake should hold every row read).
        self.retry_at = None;
        self.tick(Instant::now(), true);
        events.stop();
        outcome
    }

    fn own_tailer(&self, day: Day) -> Result<Events> {
        let (tailer, rx) = tail::spawn(TailOptions {
            root: self.opts.root.clone(),
            day,
            follow_days: self.opts.follow_days,
            poll_only: self.opts.poll_only,
            poll_interval: self.opts.poll_interval,
            columns: self.opts.columns,
        })?;
        Ok(Events::Own(tailer, rx))
    }

    /// The shared tailer cut the lake off: the events after the last one received are lost to
    /// it. The day being followed is read again by a tailer of the lake's own, from its first
    /// rows, checked by content against what the lake holds, as after a restart: rows read but
    /// not written are dropped and come again, none is written twice. Days closed before are
    /// whole (their end came in order after their rows).
    fn fall_back(&mut self) -> Result<Events> {
        let day = self.following;
        tracing::warn!("lake: fell behind watch's reader; reading the files of {day} itself from now on");
        self.day(day)?.restart_all();
        self.set(|s| s.shared_reader = false);
        self.own_tailer(day)
    }

    /// Earlier days still holding parts: a run stopped (a crash, a kill) between a day's end
    /// and its compaction. They are compacted now, through the same flushes as any closed day.
    fn finish_left_behind(&mut self) {
        for day in left_behind(&self.opts.out, self.opts.day) {
            match DayLake::open(&self.opts.out, day, self.settings) {
                Ok(mut d) => {
                    tracing::info!("{day} was left with parts by an earlier run: compacting it");
                    d.left_behind();
                    self.days.insert(day, d);
                }
                Err(e) => tracing::warn!("{day} was left with parts by an earlier run, and cannot be opened: {e:#}"),
            }
        }
    }

    fn pending(&self) -> usize {
        self.days.values().map(DayLake::pending_rows).sum()
    }

    fn deadline(&self, now: Instant) -> Instant {
        let mut at = now + Duration::from_secs(1);
        for d in self.days.values() {
            if let Some(due) = d.due() {
                at = at.min(due.max(self.retry_at.unwrap_or(due)));
            }
            if d.pending_rows() >= FLUSH_ROWS {
                at = at.min(self.retry_at.unwrap_or(now));
            }
        }
        if let Some((_, t)) = self.retired.first() {
            at = at.min(*t + RETIRE_AFTER);
        }
        at
    }

    fn day(&mut self, day: Day) -> Result<&mut DayLake> {
        if !self.days.contains_key(&day) {
            let d = DayLake::open(&self.opts.out, day, self.settings)?;
            self.days.insert(day, d);
        }
        self.days.get_mut(&day).ok_or_else(|| anyhow!("the lake lost {day}"))
    }

    fn on_event(&mut self, event: TailEvent) -> Result<()> {
        let now = Instant::now();
        match event {
            TailEvent::Rows { day, rows } => {
                self.day(day)?.admit(rows, now);
            }
            TailEvent::Malformed { items, .. } => {
                let before = self.status.lock().map(|s| s.malformed).unwrap_or(0);
                for (i, m) in items.iter().enumerate() {
                    if before + (i as u64) < MALFORMED_LOGGED {
                        tracing::warn!("malformed row skipped: {}", printable(&m.to_string()));
                    }
                }
                self.set(|s| s.malformed += items.len() as u64);
            }
            TailEvent::Reset { day, kind, burst } => {
                tracing::info!(
                    "{} of {day} was rewritten: checking its rows against the lake",
                    kind.file_name(day, burst)
                );
                self.day(day)?.restart(kind, burst);
            }
            TailEvent::CaughtUp { day } => {
                self.day(day)?.caught_up();
                self.set(|s| s.caught_up = true);
            }
            TailEvent::DayChanged { from, to } => {
                tracing::info!("{from} ended: writing and compacting it; following {to}");
                self.day(from)?.close();
                self.day(to)?;
                self.following = to;
                self.set(|s| s.day = Some(to));
            }
            TailEvent::FileError { path, message } => {
                tracing::warn!("{}: {}", printable(&path.display().to_string()), printable(&message));
            }
            TailEvent::FileRecovered { path } => {
                tracing::info!("{}: readable again", printable(&path.display().to_string()));
            }
            TailEvent::Mode(_) => {}
        }
        Ok(())
    }

    /// Flushes the days that are due (all of them when `force`), then forgets finished days
    /// and deletes old generations.
    fn tick(&mut self, now: Instant, force: bool) {
        if self.retry_at.is_some_and(|t| t > now) && !force {
            let pending = self.pending() as u64;
            self.set(|s| s.rows_pending = pending);
            self.retire(now);
            return;
        }
        let mut error = None;
        let mut wrote = false;
        let mut one_off = false;
        let started = Instant::now();
        for d in self.days.values_mut() {
            // `due` may say "now", which is later than `now`.
            let due = force || d.pending_rows() >= FLUSH_ROWS || d.due().is_some_and(|t| t <= Instant::now());
            if !due {
                continue;
            }
            let r = d.flush(now, force);
            for old in d.retired.drain(..) {
                self.retired.push((old, now));
            }
            match r {
                Ok(f) => {
                    wrote |= f.parts > 0 || f.compactions > 0;
                    one_off |= f.caught_up || f.compactions > 0 || f.rows >= FLUSH_ROWS as u64;
                    let status = &self.status;
                    if let Ok(mut s) = status.lock() {
                        s.rows_written += f.rows;
                        s.parts_written += f.parts;
                        s.compactions += f.compactions;
                    }
                }
                Err(e) => {
                    error = Some(format!("{e:#}"));
                    break;
                }
            }
        }
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        // What the catch-up and a compaction freed (tens of MB) would stay in malloc's heaps,
        // in the RSS; at most once a tick, and not when the thread is about to end. Each slice
        // of a catch-up (FLUSH_ROWS rows) too: trimmed between slices, the heavy day's RSS at
        // LIVE fell from 126–145 to 82–110 MB (benches/FIGURES.md); live flushes are far smaller.
        if one_off && !force {
            allocator::give_back();
        }
        match error {
            Some(e) => {
                self.failures = self.failures.saturating_add(1);
                let wait = (self.settings.flush * 2u32.saturating_pow(self.failures.min(8))).min(MAX_BACKOFF);
                self.retry_at = Some(now + wait);
                let known = self.status.lock().map(|s| s.error.as_deref() == Some(e.as_str())).unwrap_or(false);
                if !known {
                    tracing::error!("lake: {e}; rows wait in memory and are written once it works again");
                }
                self.set(|s| s.error = Some(e));
            }
            None => {
                if self.failures > 0 && wrote {
                    tracing::info!("lake: writing again");
                    self.failures = 0;
                    self.retry_at = None;
                    self.set(|s| s.error = None);
                }
                if wrote {
                    self.set(|s| {
                        s.last_flush = Some(SystemTime::now());
                        s.last_flush_ms = elapsed;
                    });
                }
            }
        }
        self.days.retain(|_, d| !d.done());
        let pending = self.pending() as u64;
        self.set(|s| s.rows_pending = pending);
        self.retire(now);
    }

    fn retire(&mut self, now: Instant) {
        self.retired.retain(|(path, at)| {
            if now.duration_since(*at) < RETIRE_AFTER {
                return true;
            }
            if let Err(e) = std::fs::remove_dir_all(path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!("cannot remove {}: {e}", path.display());
            }
            false
        });
    }

    fn set(&self, f: impl FnOnce(&mut LakeStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }
}

/// Days before `before` with a `part-…` file in any kind's folder.
fn left_behind(out: &Path, before: Day) -> BTreeSet<Day> {
    let mut days = BTreeSet::new();
    for kind in Kind::ALL {
        let Ok(listing) = std::fs::read_dir(out.join(kind.name())) else { continue };
        for entry in listing.flatten() {
            let name = entry.file_name();
            let Some(day) = name
                .to_str()
                .and_then(|n| n.strip_prefix("date="))
                .and_then(|d| Day::parse_compact(&d.replace('-', "")))
            else {
                continue;
            };
            if day >= before || days.contains(&day) {
                continue;
            }
            let has_parts = std::fs::read_dir(entry.path())
                .map(|l| l.flatten().any(|e| e.file_name().to_str().is_some_and(|n| PartName::parse(n).is_some())))
                .unwrap_or(false);
            if has_parts {
                days.insert(day);
            }
        }
    }
    days
}
