//! The tailer's loop: wait for a file event or the next timer, then list, read, roll over.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::day::{DayTail, Pace, newer_day};
use super::emit::{Emitter, Stopped};
use super::watch::{Watch, folders_to_watch, network_fs};
use super::{TailEvent, TailMode, TailOptions, Wake};
use crate::archive::Day;
use crate::archive::kind::{Name, parse_name};

/// File events never make the folders be listed more often than this (a burst of symbol files
/// written at once costs one listing).
const MIN_LIST_GAP: Duration = Duration::from_millis(50);
/// Listings in a row that found nothing before the listing interval doubles.
const QUIET_LISTINGS: u32 = 3;

pub(super) fn run(opts: TailOptions, emit: Emitter, wake_tx: Sender<Wake>, wake_rx: Receiver<Wake>) {
    let mut tailer = Tailer::new(opts);
    // `Stopped` is the only way out: asked to, or no one is listening.
    let _ = tailer.run(&emit, wake_tx, &wake_rx);
}

struct Tailer {
    opts: TailOptions,
    pace: Pace,
    list_every: Duration,
    current: DayTail,
    watch: Option<Watch>,
    last_list: Instant,
    next_list: Instant,
    quiet_listings: u32,
    /// A file event hinted at a new file or folder.
    list_soon: bool,
    /// Events may have been lost: list and read everything.
    rescan: bool,
}

impl Tailer {
    fn new(opts: TailOptions) -> Tailer {
        // A zero interval would make the loop spin.
        let active = opts.poll_interval.max(Duration::from_millis(10));
        let pace =
            Pace { active, idle: active.max(Duration::from_secs(1)), idle_symbols: active.max(Duration::from_secs(5)) };
        let now = Instant::now();
        Tailer {
            current: DayTail::new(opts.day),
            opts,
            pace,
            list_every: (active * 4).max(Duration::from_secs(1)),
            watch: None,
            last_list: now,
            next_list: now,
            quiet_listings: 0,
            list_soon: false,
            rescan: false,
        }
    }

    fn run(&mut self, emit: &Emitter, wake_tx: Sender<Wake>, wake_rx: &Receiver<Wake>) -> Result<(), Stopped> {
        self.start_watch(emit, wake_tx)?;
        self.begin_day(emit)?;
        loop {
            emit.check()?;
            let wait = self.next_deadline().saturating_duration_since(Instant::now());
            match wake_rx.recv_timeout(wait) {
                Ok(wake) => {
                    self.take(wake)?;
                    while let Ok(wake) = wake_rx.try_recv() {
                        self.take(wake)?;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Err(Stopped),
            }
            emit.check()?;
            self.tick(emit)?;
        }
    }

    fn start_watch(&mut self, emit: &Emitter, wake_tx: Sender<Wake>) -> Result<(), Stopped> {
        if self.opts.poll_only {
            return emit.send(TailEvent::Mode(TailMode::Polling));
        }
        if let Some(fstype) = network_fs(&self.opts.root) {
            tracing::info!(root = %self.opts.root.display(), fstype, "archive on a network share: polling only");
            return emit.send(TailEvent::Mode(TailMode::Polling));
        }
        match Watch::start(wake_tx) {
            Ok(w) => {
                self.watch = Some(w);
                emit.send(TailEvent::Mode(TailMode::Events))
            }
            Err(e) => {
                tracing::warn!(error = %e, "file watcher failed to start: polling only");
                emit.send(TailEvent::Mode(TailMode::Polling))
            }
        }
    }

    /// Reads everything the day holds, then watches it, then looks once more: a write between
    /// the first read and the watch would otherwise wait for the timer (GNU tail does the same).
    fn begin_day(&mut self, emit: &Emitter) -> Result<(), Stopped> {
        let start = Instant::now();
        self.current.list(&self.opts.root, self.opts.columns, start, emit)?;
        self.current.check_all(false, self.pace, emit)?;
        self.update_watch(emit)?;
        self.current.list(&self.opts.root, self.opts.columns, Instant::now(), emit)?;
        self.current.check_all(false, self.pace, emit)?;
        emit.send(TailEvent::CaughtUp { day: self.current.day })?;
        self.last_list = start;
        self.next_list = start + self.list_every;
        self.quiet_listings = 0;
        Ok(())
    }

    fn next_deadline(&self) -> Instant {
        let mut at = self.next_list;
        if let Some(due) = self.current.next_due() {
            at = at.min(due);
        }
        if self.list_soon {
            at = at.min(self.last_list + MIN_LIST_GAP);
        }
        if self.rescan {
            at = Instant::now();
        }
        at
    }

    fn take(&mut self, wake: Wake) -> Result<(), Stopped> {
        match wake {
            Wake::Stop => return Err(Stopped),
            Wake::Rescan => self.rescan = true,
            Wake::Paths(paths) => {
                let now = Instant::now();
                for path in paths {
                    self.hint(&path, now);
                }
            }
        }
        Ok(())
    }

    fn hint(&mut self, path: &Path, now: Instant) {
        if self.current.nudge(path, now) {
            return;
        }
        if self.watch.as_mut().is_some_and(|w| w.forget(path)) {
            self.list_soon = true;
            return;
        }
        if worth_listing(path, self.current.day, self.opts.follow_days) {
            self.list_soon = true;
        }
    }

    fn tick(&mut self, emit: &Emitter) -> Result<(), Stopped> {
        let now = Instant::now();
        if self.rescan {
            self.rescan = false;
            self.list(now, emit)?;
            return self.current.check_all(true, self.pace, emit);
        }
        if now >= self.next_list || (self.list_soon && now >= self.last_list + MIN_LIST_GAP) {
            self.list(now, emit)?;
        }
        self.current.check_due(Instant::now(), self.pace, emit)
    }

    fn list(&mut self, now: Instant, emit: &Emitter) -> Result<(), Stopped> {
        self.list_soon = false;
        self.last_list = now;
        if self.opts.follow_days
            && let Some(newer) = newer_day(&self.opts.root, self.current.day)
        {
            return self.roll_to(newer, emit);
        }
        let found = self.current.list(&self.opts.root, self.opts.columns, now, emit)?;
        self.update_watch(emit)?;
        self.quiet_listings = if found > 0 { 0 } else { self.quiet_listings.saturating_add(1) };
        let every = if self.quiet_listings >= QUIET_LISTINGS { self.list_every * 2 } else { self.list_every };
        self.next_list = now + every;
        Ok(())
    }

    /// Leaves the current day for good (last files listed, last bytes read, unfinished lines
    /// reported) and follows `to` from its first byte.
    fn roll_to(&mut self, to: Day, emit: &Emitter) -> Result<(), Stopped> {
        let from = self.current.day;
        self.current.list(&self.opts.root, self.opts.columns, Instant::now(), emit)?;
        self.current.check_all(true, self.pace, emit)?;
        self.current.retire(emit)?;
        emit.send(TailEvent::DayChanged { from, to })?;
        tracing::info!(%from, %to, "following a new day");
        self.current = DayTail::new(to);
        self.begin_day(emit)
    }

    fn update_watch(&mut self, emit: &Emitter) -> Result<(), Stopped> {
        let Some(watch) = self.watch.as_mut() else { return Ok(()) };
        let wanted = folders_to_watch(&self.opts.root, self.current.day, self.current.folders());
        if let Err(e) = watch.update(wanted) {
            // Typically the inotify watch limit: polling alone still sees everything.
            tracing::warn!(error = %e, "cannot watch the archive folders: polling only");
            self.watch = None;
            emit.send(TailEvent::Mode(TailMode::Polling))?;
        }
        Ok(())
    }
}

/// A file event on a path no one follows: worth a listing when it names a file of the day (or a
/// newer one, when following days) or a folder that may come to hold one.
fn worth_listing(path: &Path, day: Day, follow_days: bool) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let folder = path.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or("");
    match parse_name(folder, name) {
        Name::File { day: d, .. } => d == day || (follow_days && d > day),
        Name::BadDate => false,
        Name::Other => {
            let is_folder = ["Data", "Data_Burst", "Data_Burst_Symbols"].iter().any(|f| f.eq_ignore_ascii_case(name));
            let numbered = (name.len() == 2 || name.len() == 4) && name.bytes().all(|b| b.is_ascii_digit());
            is_folder || numbered
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_worth_a_listing() -> Result<(), String> {
        let day = Day::parse_compact("20250714").ok_or("day")?;
        let yes = |p: &str, follow| worth_listing(Path::new(p), day, follow);
        assert!(yes("/a/Data_Burst_Symbols/Burst_20250714_093000.csv", false));
        assert!(yes("/a/2025/07/data/20250714_hft1.csv", false));
        assert!(!yes("/a/Data/20250715_hft1.csv", false));
        assert!(yes("/a/Data/20250715_hft1.csv", true));
        assert!(!yes("/a/Data/20250711_hft1.csv", true));
        assert!(yes("/a/2025/07/Data_Burst", false));
        assert!(yes("/a/2025/08", false));
        assert!(!yes("/a/Data/notes.txt", true));
        Ok(())
    }
}
