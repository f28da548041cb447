//! Reading files into rows: `Feed` turns a stream of bytes (read whole or appended piecemeal)
//! into complete lines; `read_day` reads every file of a day.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::burst::BurstRow;
use super::burst_symbols::SymbolHit;
use super::columns::ColumnOrder;
use super::day::Day;
use super::hft1::Quotes;
use super::kind::Kind;
use super::layout::DayFiles;
use super::lines::MAX_LINE;
use super::malformed::Malformed;
use super::rows::{FileParser, Rows};
use super::series::SeriesRow;
use super::time::SecondOfDay;

/// Bytes of a file not yet parsed: the line still being written. Bounded by `MAX_LINE`: a line
/// that grows past it is dropped as it arrives and reported once it ends.
#[derive(Debug, Default, Clone)]
pub struct Feed {
    pending: Vec<u8>,
    skipping_long: bool,
}

impl Feed {
    /// Takes the next bytes of the file and parses every line they complete.
    pub fn push(&mut self, parser: &mut FileParser, mut bytes: &[u8], out: &mut Rows, bad: &mut Vec<Malformed>) {
        if self.skipping_long {
            match memchr::memchr(b'\n', bytes) {
                None => return,
                Some(nl) => {
                    parser.skip_long_line(bad);
                    self.skipping_long = false;
                    bytes = &bytes[nl + 1..];
                }
            }
        }
        if self.pending.is_empty() {
            let used = parser.parse(bytes, out, bad);
            self.pending.extend_from_slice(&bytes[used..]);
        } else {
            self.pending.extend_from_slice(bytes);
            let used = parser.parse(&self.pending, out, bad);
            self.pending.drain(..used);
        }
        if self.pending.len() > MAX_LINE {
            self.pending = Vec::new();
            self.skipping_long = true;
        }
    }

    /// Bytes of a line not yet ended (0 when the file ends with a line ending).
    pub fn pending_len(&self) -> usize {
        if self.skipping_long { MAX_LINE + 1 } else { self.pending.len() }
    }

    pub fn pending(&self) -> &[u8] {
        &self.pending
    }

    pub fn reset(&mut self) {
        *self = Feed::default();
    }
}

/// A file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Everything one day's files hold.
#[derive(Debug, Clone)]
pub struct DayData {
    pub day: Day,
    pub quotes: Quotes,
    pub s2: Vec<SeriesRow>,
    pub s1: Vec<SeriesRow>,
    pub bursts: Vec<BurstRow>,
    /// Symbol files by burst time; a burst without an entry has no file (yet).
    pub symbols: BTreeMap<SecondOfDay, Vec<SymbolHit>>,
    pub malformed: Vec<Malformed>,
    /// Files whose last line is still being written (not a row yet), with its length.
    pub partial: Vec<(PathBuf, usize)>,
    pub errors: Vec<FileError>,
}

impl DayData {
    pub fn empty(day: Day) -> DayData {
        DayData {
            day,
            quotes: Quotes::default(),
            s2: Vec::new(),
            s1: Vec::new(),
            bursts: Vec::new(),
            symbols: BTreeMap::new(),
            malformed: Vec::new(),
            partial: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn take(&mut self, rows: Rows) {
        match rows {
            Rows::Quotes(q) => self.quotes.append(q),
            Rows::S2(v) => self.s2.extend(v),
            Rows::S1(v) => self.s1.extend(v),
            Rows::Bursts(v) => self.bursts.extend(v),
            Rows::BurstSymbols { burst, hits } => {
                self.symbols.insert(burst, hits);
            }
        }
    }
}

/// The outcome of reading one file to its end.
pub struct FileRead {
    pub rows: Rows,
    pub malformed: Vec<Malformed>,
    pub partial: usize,
    pub bytes: u64,
}

const CHUNK: usize = 1 << 20;

/// Reads one file from its start, in chunks (a large file is never held whole in memory).
pub fn read_file(path: &Path, kind: Kind, burst: Option<SecondOfDay>, columns: ColumnOrder) -> io::Result<FileRead> {
    let parser = FileParser::new(Arc::from(path), kind, burst, columns);
    read_part(path, parser, 0, None).map(|(read, _)| read)
}

/// Reads bytes `start..end` (to the end of the file without `end`); also returns the number of
/// the line that would come next.
fn read_part(path: &Path, parser: FileParser, start: u64, end: Option<u64>) -> io::Result<(FileRead, u64)> {
    let (rows, part) = read_range(path, parser, start, end, CHUNK, |_, _| {})?;
    Ok((FileRead { rows, malformed: part.malformed, partial: part.partial, bytes: part.bytes }, part.next_line))
}

/// What reading a range of a file gave besides its rows.
pub(super) struct Part {
    pub malformed: Vec<Malformed>,
    /// Bytes of a last line not ended yet.
    pub partial: usize,
    pub bytes: u64,
    /// The number of the line that would come next.
    pub next_line: u64,
}

/// The one loop that reads a file: bytes `start..end` (to the end without `end`) in chunks of
/// `chunk`, parsed by `parser`. After each chunk `batch` sees the rows gathered so far and may
/// take them (a fold hands them on and leaves them empty, so that they are never all held);
/// what it leaves is returned.
pub(super) fn read_range(
    path: &Path,
    mut parser: FileParser,
    start: u64,
    end: Option<u64>,
    chunk: usize,
    mut batch: impl FnMut(&mut Rows, &FileParser),
) -> io::Result<(Rows, Part)> {
    check_regular(path)?;
    let mut file = File::open(path)?;
    io::Seek::seek(&mut file, io::SeekFrom::Start(start))?;
    let mut reader: Box<dyn Read> = match end {
        Some(end) => Box::new(file.take(end - start)),
        None => Box::new(file),
    };
    let mut feed = Feed::default();
    let mut rows = parser.empty_rows();
    let mut malformed = Vec::new();
    let mut buf = vec![0u8; chunk];
    let mut bytes = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        bytes += n as u64;
        feed.push(&mut parser, &buf[..n], &mut rows, &mut malformed);
        batch(&mut rows, &parser);
    }
    let part = Part { malformed, partial: feed.pending_len(), bytes, next_line: parser.next_line() };
    Ok((rows, part))
}

/// Runs `read` on each range of `ranges` on a thread of its own, each with its own parser (the
/// parts after the first counting lines from 2, as after a header), and gives the results in
/// file order with the malformed rows' line numbers made the whole file's. A thread that
/// panics is an error, never an empty part.
pub(super) fn in_parts<T: Send>(
    path: &Path,
    kind: Kind,
    columns: ColumnOrder,
    ranges: &[(u64, Option<u64>)],
    read: impl Fn(FileParser, u64, Option<u64>) -> io::Result<(T, Vec<Malformed>, u64)> + Sync,
) -> io::Result<Vec<(T, Vec<Malformed>)>> {
    let read = &read;
    let results: Vec<io::Result<(T, Vec<Malformed>, u64)>> = std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .enumerate()
            .map(|(i, &(start, end))| {
                let parser = FileParser::new(Arc::from(path), kind, None, columns);
                let parser = if i == 0 { parser } else { parser.starting_at(2) };
                s.spawn(move || read(parser, start, end))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(io::Error::other("reader thread panicked"))))
            .collect()
    });
    let mut lines = PartLines::default();
    let mut out = Vec::with_capacity(results.len());
    for (i, r) in results.into_iter().enumerate() {
        let (part, mut malformed, next_line) = r?;
        lines.renumber(i, &mut malformed, next_line);
        out.push((part, malformed));
    }
    Ok(out)
}

/// Checked before opening: opening a FIFO blocks until a writer comes, and a device such as
/// /dev/zero never ends.
pub(super) fn check_regular(path: &Path) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::other("is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok(())
}

/// Below this, splitting a file across threads costs more than it saves.
pub(super) const PARALLEL_MIN: u64 = 8 << 20;

/// Reads a large file in as many parts as there are cores, cut just after a line ending, and
/// joins the rows in file order (line numbers of malformed rows as in the whole file).
pub fn read_file_parallel(path: &Path, kind: Kind, columns: ColumnOrder) -> io::Result<FileRead> {
    let size = std::fs::metadata(path)?.len();
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4) as u64;
    if size < PARALLEL_MIN || parts < 2 || kind == Kind::BurstSymbols {
        return read_file(path, kind, None, columns);
    }
    let ranges = line_ranges(path, size, parts)?;
    let parts = in_parts(path, kind, columns, &ranges, |parser, start, end| {
        let (mut read, next_line) = read_part(path, parser, start, end)?;
        let malformed = std::mem::take(&mut read.malformed);
        Ok((read, malformed, next_line))
    })?;
    let mut whole: Option<FileRead> = None;
    for (mut part, malformed) in parts {
        part.malformed = malformed;
        match whole.as_mut() {
            None => whole = Some(part),
            Some(w) => {
                if let (Rows::Quotes(a), Rows::Quotes(b)) = (&mut w.rows, part.rows) {
                    a.append(b);
                }
                w.malformed.extend(part.malformed);
                w.partial = part.partial;
                w.bytes += part.bytes;
            }
        }
    }
    whole.ok_or_else(|| io::Error::other("nothing read"))
}

/// Line numbers of a file read in parts, each part's parser counting from its own first line
/// (1 for the first part; 2 for the others, as after a header), made the file's.
#[derive(Default)]
struct PartLines {
    before: u64,
}

impl PartLines {
    /// Renumbers part `i`'s malformed rows; `next_line` is where its parser stopped.
    fn renumber(&mut self, i: usize, malformed: &mut [super::malformed::Malformed], next_line: u64) {
        let first = if i == 0 { 1 } else { 2 };
        for m in malformed {
            m.line += self.before + 1 - first;
        }
        self.before += next_line - first;
    }
}

/// `size` bytes of `path` cut into `parts` byte ranges (`end` None for the last), each cut just
/// after a line ending: what one thread each reads.
pub(super) fn line_ranges(path: &Path, size: u64, parts: u64) -> io::Result<Vec<(u64, Option<u64>)>> {
    let mut cuts = vec![0u64];
    for k in 1..parts {
        if let Some(cut) = line_start_after(path, size * k / parts)?
            && cut > *cuts.last().unwrap_or(&0)
            && cut < size
        {
            cuts.push(cut);
        }
    }
    Ok(cuts.iter().enumerate().map(|(i, &start)| (start, cuts.get(i + 1).copied())).collect())
}

/// The offset just after the first `\n` at or after `pos`, if one comes within a line's length.
pub(super) fn line_start_after(path: &Path, pos: u64) -> io::Result<Option<u64>> {
    let mut f = File::open(path)?;
    io::Seek::seek(&mut f, io::SeekFrom::Start(pos))?;
    let mut buf = vec![0u8; MAX_LINE + 2];
    let n = f.read(&mut buf)?;
    Ok(memchr::memchr(b'\n', &buf[..n]).map(|i| pos + i as u64 + 1))
}

/// Reads every file of a day; hft1 (by far the largest) on its own thread.
pub fn read_day(files: &DayFiles, columns: ColumnOrder) -> DayData {
    let mut day = DayData::empty(files.day);
    let all = files.all();
    let (big, small): (Vec<_>, Vec<_>) = all.into_iter().partition(|(k, _, _)| *k == Kind::Quotes);
    let read = |list: Vec<(Kind, Option<SecondOfDay>, &Path)>| {
        list.into_iter().map(|(k, t, p)| (p.to_path_buf(), read_file(p, k, t, columns))).collect::<Vec<_>>()
    };
    let read_big = |list: Vec<(Kind, Option<SecondOfDay>, &Path)>| {
        list.into_iter().map(|(k, _, p)| (p.to_path_buf(), read_file_parallel(p, k, columns))).collect::<Vec<_>>()
    };
    let (big, small) = std::thread::scope(|s| {
        let handle = s.spawn(|| read_big(big));
        let small = read(small);
        (handle.join(), small)
    });
    let big = big.unwrap_or_else(|_| Vec::new());
    for (path, result) in big.into_iter().chain(small) {
        match result {
            Ok(r) => {
                day.take(r.rows);
                day.malformed.extend(r.malformed);
                if r.partial > 0 {
                    day.partial.push((path, r.partial));
                }
            }
            Err(e) => day.errors.push(FileError { path, message: e.to_string() }),
        }
    }
    day.malformed.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    day
}
