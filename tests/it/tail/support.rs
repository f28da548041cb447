//! Helpers for tests/tail.rs: an archive the test writes the way the Burst Monitor does, and a
//! consumer that applies tail events the way the store will (a `Reset` drops a file's rows).

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ki2::archive::{ColumnOrder, Day, Kind, Malformed, Rows, SecondOfDay};
use ki2::tail::{self, TailEvent, TailHandle, TailMode, TailOptions};
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;

/// How long a test waits for something that should happen in well under a second.
pub const WAIT: Duration = Duration::from_secs(30);
pub const POLL: Duration = Duration::from_millis(100);

pub fn day(s: &str) -> Day {
    Day::parse_compact(s).unwrap()
}

pub fn at(hhmmss: u32) -> SecondOfDay {
    SecondOfDay::from_hhmmss(hhmmss).unwrap()
}

/// The path of a file of `day`, flat (`ROOT/Data/...`) or monthly (`ROOT/YYYY/MM/Data/...`).
pub fn file(root: &Path, day: Day, kind: Kind, burst: Option<SecondOfDay>, monthly: bool) -> PathBuf {
    let base = if monthly {
        let (y, m) = day.year_month();
        root.join(y).join(m)
    } else {
        root.to_path_buf()
    };
    base.join(kind.folder()).join(kind.file_name(day, burst))
}

/// A scratch root whose day 2025-07-14 has a quotes file holding `text` (flat layout): the
/// folder, the day and the file.
pub fn quotes_day(text: impl AsRef<[u8]>) -> (tempfile::TempDir, Day, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = day("20250714");
    let q = file(dir.path(), d, Kind::Quotes, None, false);
    append(&q, text.as_ref());
    (dir, d, q)
}

/// A day whose hft1 file holds quotes `1..=n`, followed until all `n` rows came.
pub fn following_quotes(n: u32, poll_only: bool) -> (tempfile::TempDir, Day, PathBuf, Tail) {
    let (dir, d, q) = quotes_day(quotes(1..=n).as_bytes());
    let mut t = Setup::new(poll_only).start(dir.path(), d);
    t.until(&format!("the day's {n} rows"), |s| s.received.len() == n as usize);
    (dir, d, q, t)
}

/// Appends like a writer that keeps no handle open between writes.
pub fn append(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = OpenOptions::new().create(true).append(true).open(path).unwrap();
    f.write_all(bytes).unwrap();
}

/// An hft1 row whose NumQuotes is `seq`: every row written by a test is told apart by it.
pub fn quote(seq: u32) -> String {
    format!("S{},0,{},{seq},812,316,64284132,\r\n", seq % 97, 93000 + seq % 30)
}

pub fn quotes(seqs: impl IntoIterator<Item = u32>) -> String {
    seqs.into_iter().map(quote).collect()
}

/// A series row (hft2/hft3) whose value is `seq`.
pub fn series(seq: u32) -> String {
    format!("{},{seq}\r\n", 93000 + seq % 30)
}

/// A burst row whose CT is `seq`.
pub fn burst(seq: u32) -> String {
    format!("{},1,1,0,250,300,{seq},1,0\r\n", 93000 + seq % 30)
}

/// A symbol hit whose NT is `seq`.
pub fn hit(seq: u32) -> String {
    format!("SPY,{seq},5858,1149\r\n")
}

pub type Key = (Day, Kind, Option<SecondOfDay>);

/// The identity a test gave each row (see `quote`, `series`, `burst`, `hit`).
fn ids(rows: &Rows) -> Vec<u32> {
    match rows {
        Rows::Quotes(q) => q.num_quotes.clone(),
        Rows::S2(v) | Rows::S1(v) => v.iter().map(|r| r.value).collect(),
        Rows::Bursts(v) => v.iter().map(|r| r.ct).collect(),
        Rows::BurstSymbols { hits, .. } => hits.iter().map(|h| h.num_trades).collect(),
    }
}

fn key(day: Day, rows: &Rows) -> Key {
    let burst = match rows {
        Rows::BurstSymbols { burst, .. } => Some(*burst),
        _ => None,
    };
    (day, rows.kind(), burst)
}

/// What a consumer holds after applying every event so far.
#[derive(Default, Debug)]
pub struct Seen {
    /// Rows of each file since its last `Reset`, by identity, in arrival order.
    pub view: BTreeMap<Key, Vec<u32>>,
    /// Every row ever received (resets included), to find duplicates.
    pub received: Vec<(Key, u32)>,
    pub batch_sizes: Vec<usize>,
    pub resets: Vec<Key>,
    pub malformed: Vec<(Day, Malformed)>,
    pub caught_up: Vec<Day>,
    /// Rows held of the day when its `CaughtUp` arrived.
    pub rows_at_caught_up: Vec<usize>,
    pub day_changes: Vec<(Day, Day)>,
    /// Rows held of the old day when `DayChanged` arrived.
    pub rows_at_day_change: Vec<usize>,
    pub errors: Vec<(PathBuf, String)>,
    pub recovered: Vec<PathBuf>,
    pub modes: Vec<TailMode>,
}

impl Seen {
    pub fn rows(&self, key: Key) -> &[u32] {
        self.view.get(&key).map_or(&[], |v| v.as_slice())
    }

    pub fn day_rows(&self, day: Day) -> usize {
        self.view.iter().filter(|((d, ..), _)| *d == day).map(|(_, v)| v.len()).sum()
    }

    /// Rows received more than once (across resets too): a test that never writes a row twice
    /// expects none.
    pub fn duplicates(&self) -> Vec<(Key, u32)> {
        let mut once = HashSet::new();
        self.received.iter().filter(|r| !once.insert(**r)).cloned().collect()
    }

    fn apply(&mut self, event: TailEvent) {
        match event {
            TailEvent::Rows { day, rows } => {
                let k = key(day, &rows);
                let ids = ids(&rows);
                self.batch_sizes.push(ids.len());
                self.received.extend(ids.iter().map(|i| (k, *i)));
                self.view.entry(k).or_default().extend(ids);
            }
            TailEvent::Malformed { day, items } => self.malformed.extend(items.into_iter().map(|m| (day, m))),
            TailEvent::Reset { day, kind, burst } => {
                self.view.remove(&(day, kind, burst));
                self.resets.push((day, kind, burst));
            }
            TailEvent::CaughtUp { day } => {
                self.rows_at_caught_up.push(self.day_rows(day));
                self.caught_up.push(day);
            }
            TailEvent::DayChanged { from, to } => {
                self.rows_at_day_change.push(self.day_rows(from));
                self.day_changes.push((from, to));
            }
            TailEvent::FileError { path, message } => self.errors.push((path, message)),
            TailEvent::FileRecovered { path } => self.recovered.push(path),
            TailEvent::Mode(m) => self.modes.push(m),
        }
    }
}

/// A running tailer and what it has sent so far.
pub struct Tail {
    pub handle: Option<TailHandle>,
    rx: Receiver<TailEvent>,
    pub seen: Seen,
}

pub struct Setup {
    pub poll_only: bool,
    pub follow_days: bool,
    pub poll_interval: Duration,
}

impl Setup {
    pub fn new(poll_only: bool) -> Setup {
        Setup { poll_only, follow_days: false, poll_interval: POLL }
    }

    pub fn follow_days(self) -> Setup {
        Setup { follow_days: true, ..self }
    }

    pub fn poll_interval(self, poll_interval: Duration) -> Setup {
        Setup { poll_interval, ..self }
    }

    pub fn start(self, root: &Path, day: Day) -> Tail {
        let opts = TailOptions {
            root: root.to_path_buf(),
            day,
            follow_days: self.follow_days,
            poll_only: self.poll_only,
            poll_interval: self.poll_interval,
            columns: ColumnOrder::default(),
        };
        let (handle, rx) = tail::spawn(opts).unwrap();
        Tail { handle: Some(handle), rx, seen: Seen::default() }
    }
}

impl Tail {
    /// Applies whatever has arrived, without waiting.
    pub fn drain(&mut self) -> bool {
        loop {
            match self.rx.try_recv() {
                Ok(ev) => self.seen.apply(ev),
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => return false,
            }
        }
    }

    /// Waits (up to `WAIT`) until `done` holds; panics with `what` and the state otherwise.
    pub fn until(&mut self, what: &str, done: impl Fn(&Seen) -> bool) -> &Seen {
        let deadline = Instant::now() + WAIT;
        loop {
            let open = self.drain();
            if done(&self.seen) {
                return &self.seen;
            }
            if !open || Instant::now() > deadline {
                panic!("timed out waiting for {what}; seen: {:#?}", Summary(&self.seen));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Lets the tailer run for `d` (to show that something does *not* happen).
    pub fn settle(&mut self, d: Duration) -> &Seen {
        std::thread::sleep(d);
        self.drain();
        &self.seen
    }

    pub fn rescan(&self) {
        self.handle.as_ref().unwrap().rescan();
    }

    /// Stops the tailer; the channel must then close.
    pub fn stop(&mut self) {
        self.handle.take().unwrap().stop();
        let deadline = Instant::now() + WAIT;
        while self.drain() {
            assert!(Instant::now() < deadline, "the channel stayed open after stop()");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// A readable digest of `Seen` for failure messages (rows by count, not one by one).
struct Summary<'a>(&'a Seen);

impl std::fmt::Debug for Summary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        let views: Vec<_> = s
            .view
            .iter()
            .map(|(k, v)| format!("{k:?}: {} rows, first {:?}, last {:?}", v.len(), v.first(), v.last()))
            .collect();
        f.debug_struct("Seen")
            .field("view", &views)
            .field("received", &s.received.len())
            .field("resets", &s.resets)
            .field("malformed", &s.malformed.iter().map(|(_, m)| m.to_string()).collect::<Vec<_>>())
            .field("caught_up", &s.caught_up)
            .field("day_changes", &s.day_changes)
            .field("errors", &s.errors)
            .field("recovered", &s.recovered)
            .field("modes", &s.modes)
            .finish()
    }
}
