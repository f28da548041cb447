//! One followed file: its parser, the line still being written, the byte offset read so far,
//! and a fingerprint of the bytes just before that offset to tell "grew" from "rewritten".

use std::fs::{self, File, Metadata};
use std::hash::Hasher;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::TailEvent;
use super::emit::{Emitter, Stopped};
use crate::archive::lines::{self, MAX_LINE};
use crate::archive::{ColumnOrder, Day, Feed, FileParser, Kind, Malformed, Reason, Rows, SecondOfDay};

/// Bytes before the offset whose fingerprint is kept: enough to span the last rows, small
/// enough to re-read on every growth.
const WINDOW: u64 = 4096;
/// Read size. A series line is at least 4 bytes (`0,0\n`), so one chunk adds at most 65,536
/// rows to a batch that is sent once it holds `BATCH_ROWS`: batches stay under 100,000 rows.
const CHUNK: usize = 256 * 1024;
const BATCH_ROWS: usize = 32 * 1024;
/// A file event never makes the same file be read more often than this: a writer flushing
/// every row would otherwise cost one open and read per row.
const MIN_GAP: Duration = Duration::from_millis(10);
/// Quiet checks in a row before the pace slows: the Burst Monitor writes its series files once
/// a second, and they must not wait for a backed-off check each time.
const QUIET_BEFORE_BACKOFF: u32 = 4;

/// What a stat says about a file; unchanged means there is nothing to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    id: u64,
}

impl Stamp {
    /// `id` tells a replaced file from the one followed before: the inode on Unix; on Windows
    /// the creation time (a file written anew under the same name gets a new one; the stable
    /// API has no file index). The content fingerprint stays the real check.
    fn of(meta: &Metadata) -> Stamp {
        #[cfg(unix)]
        let id = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(windows)]
        let id = std::os::windows::fs::MetadataExt::creation_time(meta);
        #[cfg(not(any(unix, windows)))]
        let id = 0;
        Stamp { len: meta.len(), modified: meta.modified().ok(), id }
    }
}

pub(super) struct Follower {
    parser: FileParser,
    feed: Feed,
    /// Bytes of the file read so far (rows sent, plus the unfinished line held in `feed`).
    offset: u64,
    /// Hash of the `WINDOW` (or fewer) bytes that end at `offset`.
    window: u64,
    stamp: Option<Stamp>,
    /// The last error reported, so it is reported once until it changes.
    error: Option<String>,
    /// When the file is next checked, and at what interval (it backs off while the file is quiet).
    pub due: Instant,
    interval: Duration,
    quiet_checks: u32,
    last_check: Option<Instant>,
    /// A symbols file has been sent at least once: the store then knows the file exists, even
    /// when it holds only a header (the burst hit nothing worth listing, not "missing").
    announced: bool,
}

/// Why a read stopped.
enum ReadError {
    Io(io::Error),
    Stopped,
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<Stopped> for ReadError {
    fn from(_: Stopped) -> Self {
        ReadError::Stopped
    }
}

impl Follower {
    pub fn new(path: PathBuf, kind: Kind, burst: Option<SecondOfDay>, columns: ColumnOrder, now: Instant) -> Self {
        Follower {
            parser: FileParser::new(Arc::from(path), kind, burst, columns),
            feed: Feed::default(),
            offset: 0,
            window: 0,
            stamp: None,
            error: None,
            due: now,
            interval: Duration::ZERO,
            quiet_checks: 0,
            last_check: None,
            announced: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.parser.path
    }

    pub fn is_symbols(&self) -> bool {
        self.parser.kind == Kind::BurstSymbols
    }

    /// The listing found this file somewhere else (moved between layouts): what it holds decides
    /// whether it is the same file grown or another one.
    pub fn moved_to(&mut self, path: PathBuf) {
        self.parser.path = Arc::from(path);
        self.stamp = None;
    }

    /// Reads what was appended since the last check and sends it; with `force`, even when a
    /// stat says nothing changed. Returns whether any byte was read.
    pub fn check(&mut self, day: Day, force: bool, emit: &Emitter) -> Result<bool, Stopped> {
        let meta = match fs::metadata(self.path()) {
            Ok(m) if m.is_dir() => return self.failed(emit, "is a folder, not a file".into()),
            // Opening a FIFO would block the tailer; a device such as /dev/zero never ends.
            Ok(m) if !m.is_file() => return self.failed(emit, "not a regular file".into()),
            Ok(m) => m,
            Err(e) => return self.failed(emit, describe(&e)),
        };
        let stamp = Stamp::of(&meta);
        if !force && self.error.is_none() && self.stamp == Some(stamp) {
            return Ok(false);
        }
        let mut file = match File::open(self.path()) {
            Ok(f) => f,
            Err(e) => return self.failed(emit, describe(&e)),
        };
        if self.error.take().is_some() {
            emit.send(TailEvent::FileRecovered { path: self.path().to_path_buf() })?;
        }
        let before = self.offset;
        match self.read_new(&mut file, day, emit) {
            Ok(()) => {
                self.stamp = Some(stamp);
                Ok(self.offset != before)
            }
            Err(ReadError::Stopped) => Err(Stopped),
            Err(ReadError::Io(e)) => self.failed(emit, describe(&e)),
        }
    }

    /// The file ends here for good (its day is over): a line it never finished is reported.
    pub fn retire(&mut self, day: Day, emit: &Emitter) -> Result<(), Stopped> {
        let pending = self.feed.pending_len();
        if pending > 0 && !lines::is_blank(self.feed.pending()) {
            let item = Malformed {
                file: self.parser.path.clone(),
                line: self.parser.next_line(),
                reason: Reason::Unterminated(pending.min(MAX_LINE)),
            };
            emit.send(TailEvent::Malformed { day, items: vec![item] })?;
        }
        self.feed.reset();
        Ok(())
    }

    /// A file event named this file: check it soon, but not more often than `MIN_GAP`.
    pub fn nudge(&mut self, now: Instant) {
        let earliest = self.last_check.map_or(now, |t| (t + MIN_GAP).max(now));
        self.due = self.due.min(earliest);
    }

    /// `active` while the file grows or was quiet only briefly; then doubling up to `idle_max`.
    pub fn schedule(&mut self, now: Instant, grew: bool, active: Duration, idle_max: Duration) {
        self.quiet_checks = if grew { 0 } else { self.quiet_checks.saturating_add(1) };
        self.interval =
            if self.quiet_checks < QUIET_BEFORE_BACKOFF { active } else { (self.interval * 2).clamp(active, idle_max) };
        self.due = now + self.interval;
        self.last_check = Some(now);
    }

    fn failed(&mut self, emit: &Emitter, message: String) -> Result<bool, Stopped> {
        // The stamp is forgotten so that the file is read (and checked for rewrites) once back.
        self.stamp = None;
        if self.error.as_ref() != Some(&message) {
            self.error = Some(message.clone());
            emit.send(TailEvent::FileError { path: self.path().to_path_buf(), message })?;
        }
        Ok(false)
    }

    fn read_new(&mut self, file: &mut File, day: Day, emit: &Emitter) -> Result<(), ReadError> {
        let size = file.metadata()?.len();
        let mut recent = Vec::with_capacity(WINDOW as usize);
        if !self.still_holds(file, size, &mut recent)? {
            if self.offset > 0 {
                let (kind, burst) = (self.parser.kind, self.parser.burst);
                emit.send(TailEvent::Reset { day, kind, burst })?;
            }
            self.feed.reset();
            self.parser.restart();
            self.offset = 0;
            self.announced = false;
            recent.clear();
        }
        file.seek(SeekFrom::Start(self.offset))?;
        let expected = size.saturating_sub(self.offset) as usize;
        let mut buf = vec![0u8; expected.clamp(4096, CHUNK)];
        let mut rows = self.parser.empty_rows();
        let mut bad = Vec::new();
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            self.feed.push(&mut self.parser, &buf[..n], &mut rows, &mut bad);
            self.offset += n as u64;
            keep_last(&mut recent, &buf[..n]);
            if rows.len() >= BATCH_ROWS {
                self.send(day, &mut rows, &mut bad, emit)?;
            }
        }
        self.window = fingerprint(&recent);
        self.send(day, &mut rows, &mut bad, emit)?;
        Ok(())
    }

    /// Whether the file still holds, before `offset`, the bytes that were read from it; leaves
    /// those last bytes in `recent`.
    fn still_holds(&self, file: &mut File, size: u64, recent: &mut Vec<u8>) -> io::Result<bool> {
        if self.offset == 0 {
            return Ok(true);
        }
        if size < self.offset {
            return Ok(false);
        }
        let len = self.offset.min(WINDOW);
        file.seek(SeekFrom::Start(self.offset - len))?;
        recent.resize(len as usize, 0);
        match file.read_exact(recent) {
            Ok(()) => Ok(fingerprint(recent) == self.window),
            // Shrunk between the stat and the read.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn send(&mut self, day: Day, rows: &mut Rows, bad: &mut Vec<Malformed>, emit: &Emitter) -> Result<(), Stopped> {
        let first_symbols = self.is_symbols() && !self.announced && self.parser.next_line() > 1;
        if !rows.is_empty() || first_symbols {
            self.announced |= self.is_symbols();
            let full = std::mem::replace(rows, self.parser.empty_rows());
            emit.send(TailEvent::Rows { day, rows: full })?;
        }
        if !bad.is_empty() {
            emit.send(TailEvent::Malformed { day, items: std::mem::take(bad) })?;
        }
        Ok(())
    }
}

fn keep_last(recent: &mut Vec<u8>, bytes: &[u8]) {
    let window = WINDOW as usize;
    if bytes.len() >= window {
        recent.clear();
        recent.extend_from_slice(&bytes[bytes.len() - window..]);
    } else {
        let excess = (recent.len() + bytes.len()).saturating_sub(window);
        recent.drain(..excess);
        recent.extend_from_slice(bytes);
    }
}

fn fingerprint(bytes: &[u8]) -> u64 {
    // SipHash with fixed keys: the same bytes give the same value for the life of the process,
    // which is all a fingerprint held in memory needs.
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "vanished (no such file)".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_keeps_the_last_bytes_across_reads() {
        let mut recent = Vec::new();
        let all: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for piece in all.chunks(777) {
            keep_last(&mut recent, piece);
        }
        assert_eq!(recent, &all[all.len() - WINDOW as usize..]);
        let mut short = Vec::new();
        keep_last(&mut short, b"abc");
        keep_last(&mut short, b"de");
        assert_eq!(short, b"abcde");
    }

    #[test]
    fn backoff_starts_after_a_second_of_quiet_and_ends_on_growth() {
        let now = Instant::now();
        let mut f = Follower::new(PathBuf::from("x.csv"), Kind::S1, None, ColumnOrder::default(), now);
        let (active, idle) = (Duration::from_millis(250), Duration::from_secs(1));
        let mut seen = Vec::new();
        for grew in [true, false, false, false, false, false, false, true, false] {
            f.schedule(now, grew, active, idle);
            seen.push(f.interval.as_millis());
        }
        assert_eq!(seen, vec![250, 250, 250, 250, 500, 1000, 1000, 250, 250]);
    }
}
