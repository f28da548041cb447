//! The lake (`ki2 export --follow`): rows land in Parquet within seconds, exactly once,
//! through restarts, `kill -9`, compaction, rewrites and a lake that cannot be written for a
//! while. Readers are python polars and DuckDB, globbing `L/<kind>/**/*.parquet`.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ki2::archive::{ColumnOrder, Day};
use ki2::lake::{self, LakeOptions};
use ki2::tail::{self, TailEvent, TailOptions};

const DAY: &str = "20250714";

/// Whether python polars and DuckDB are there; without them the test fails, unless
/// `KI2_ALLOW_SKIP=1` (then it is skipped, saying so).
fn python_readers() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import polars, duckdb"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var("KI2_ALLOW_SKIP").as_deref() == Ok("1"),
            "the lake tests read the lake with python polars and DuckDB: `pip install polars duckdb` \
             (or set KI2_ALLOW_SKIP=1 to skip them)"
        );
        eprintln!("skipped: python3 cannot import polars and duckdb (KI2_ALLOW_SKIP=1)");
    }
    ok
}

fn reader_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lake_reader.py")
}

fn now_s() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

pub(crate) fn hhmmss(secs: u32) -> u32 {
    (secs / 3600) * 10_000 + (secs / 60 % 60) * 100 + secs % 60
}

/// hft1 row `seq`: NumQuotes carries its identity; every 7th has no Dollars (kept, as null).
fn quote(seq: u32) -> String {
    let dollars = if seq % 7 == 3 { String::new() } else { (seq * 10).to_string() };
    format!("S{:03},0,{},{seq},5,7,{dollars},\r\n", seq % 389, hhmmss(34_200 + seq / 200))
}

fn hft1(root: &Path) -> PathBuf {
    root.join(format!("Data/{DAY}_hft1.csv"))
}

/// Appends hft1 rows `from..to` at `rate` rows/s, in pieces cut anywhere, a malformed line
/// every 1,000 rows. Returns (Unix time, rows written by then) after every write.
fn write_quotes(path: &Path, from: u32, to: u32, rate: f64) -> Vec<(f64, u32)> {
    let mut f = OpenOptions::new().create(true).append(true).open(path).unwrap();
    let start = Instant::now();
    let mut next = from;
    let mut log = Vec::new();
    while next < to {
        let due = (from + (start.elapsed().as_secs_f64() * rate) as u32).min(to);
        let mut text = String::new();
        while next < due {
            text.push_str(&quote(next));
            next += 1;
            if next.is_multiple_of(1000) {
                text.push_str("BAD,0,93000,x,1,1,1,\r\n");
            }
        }
        f.write_all(text.as_bytes()).unwrap();
        f.flush().unwrap();
        log.push((now_s(), next - from));
        std::thread::sleep(Duration::from_millis(5));
    }
    log
}

/// `ki2 export --follow` on `root` into `lake`, config `flush_s`, hidden `--compact-parts`.
pub(crate) fn follow(root: &Path, lake: &Path, flush_s: f64, compact_parts: usize) -> Child {
    let cfg = root.join("cfg");
    fs::create_dir_all(&cfg).unwrap();
    fs::write(cfg.join("config.toml"), format!("[lake]\nflush_s = {flush_s}\n")).unwrap();
    crate::support::ki2_cmd()
        .args(["export", "--follow", "--root", root.to_str().unwrap(), "--out", lake.to_str().unwrap()])
        .args(["--compact-parts", &compact_parts.to_string()])
        .env("KI2_CONFIG_DIR", &cfg)
        .env("KI2_DATA_DIR", root.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

pub(crate) fn stop(child: Child) -> String {
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "export --follow after SIGTERM: {err}");
    err
}

#[derive(Debug, serde::Deserialize)]
struct Read {
    t1: f64,
    polars: Option<u64>,
    polars_distinct: serde_json::Value,
    duckdb: Option<u64>,
    duckdb_distinct: serde_json::Value,
    retries: u32,
}

/// Starts the python reader loop over `lake/<kind>`.
fn reader(lake: &Path, kind: &str, seconds: f64, interval: f64) -> Child {
    Command::new("python3")
        .arg(reader_script())
        .args(["loop", lake.to_str().unwrap(), kind, &seconds.to_string(), &interval.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn reads(child: Child) -> Vec<Read> {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "reader: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Rows written by Unix time `t`, per the writer's log.
fn written_by(log: &[(f64, u32)], before: u32, t: f64) -> u64 {
    u64::from(before + log.iter().take_while(|(at, _)| *at <= t).last().map_or(0, |(_, n)| *n))
}

/// Every read: no duplicate, never fewer rows than the read before, never more than written.
fn check_reads(reads: &[Read], log: &[(f64, u32)], before: u32) {
    assert!(reads.len() >= 5, "only {} reads", reads.len());
    let mut last = (0, 0);
    for r in reads {
        let (p, d) = (
            r.polars.unwrap_or_else(|| panic!("polars failed: {r:?}")),
            r.duckdb.unwrap_or_else(|| panic!("duckdb failed: {r:?}")),
        );
        assert_eq!(r.polars_distinct.as_u64(), Some(p), "duplicates seen by polars: {r:?}");
        assert_eq!(r.duckdb_distinct.as_u64(), Some(d), "duplicates seen by DuckDB: {r:?}");
        assert!(p >= last.0 && d >= last.1, "rows went down: {last:?} then {r:?}");
        let max = written_by(log, before, r.t1);
        assert!(p <= max && d <= max, "more rows than written ({max}): {r:?}");
        last = (p, d);
    }
}

/// An archive whose day's hft1 file holds `rows` rows, and where its lake goes.
fn day_of_quotes(rows: u32) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("archive"), dir.path().join("lake"));
    fs::create_dir_all(root.join("Data")).unwrap();
    fs::write(hft1(&root), (0..rows).map(quote).collect::<String>()).unwrap();
    (dir, root, out)
}

#[test]
fn two_thousand_rows_a_second_reach_polars_and_duckdb_within_flush_s_without_a_duplicate() {
    if !python_readers() {
        return;
    }
    let before = 500;
    let (_dir, root, out) = day_of_quotes(before);
    let flush_s = 2.0;
    let child = follow(&root, &out, flush_s, 64);
    let readers = reader(&out, "hft1", 15.0, 0.5);
    std::thread::sleep(Duration::from_millis(500));
    let log = write_quotes(&hft1(&root), before, before + 20_000, 2_000.0);
    let end = log.last().map_or(0.0, |(t, _)| *t);
    let reads = reads(readers);
    let stderr = stop(child);
    check_reads(&reads, &log, before);
    let total = u64::from(before + 20_000);
    let first_complete = reads.iter().find(|r| r.polars == Some(total) && r.duckdb == Some(total));
    let first_complete =
        first_complete.unwrap_or_else(|| panic!("never all {total} rows: {:?}\n{stderr}", reads.last()));
    assert!(
        first_complete.t1 - end <= flush_s + 1.0,
        "all rows readable {:.2} s after the writer's end",
        first_complete.t1 - end
    );
    assert!(stderr.contains("20 malformed rows skipped"), "{stderr}");
}

/// Writes a day of all five kinds for `seconds`: 1,000 hft1 rows/s, one market second of
/// hft2/hft3 every 100 ms, a burst every 500 ms with its symbols file just after (the 4th
/// burst's file never comes, the 6th is a header only). Returns the hft1 rows written.
fn write_day(root: &Path, seconds: f64) -> u32 {
    for d in ["Data", "Data_Burst", "Data_Burst_Symbols"] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    let open = |p: PathBuf| OpenOptions::new().create(true).append(true).open(p).unwrap();
    let mut q = open(hft1(root));
    let mut s2 = open(root.join(format!("Data/{DAY}_hft2.csv")));
    let mut s1 = open(root.join(format!("Data/{DAY}_hft3.csv")));
    let mut bursts = open(root.join(format!("Data_Burst/{DAY}.csv")));
    let start = Instant::now();
    let (mut seq, mut second, mut burst) = (0u32, 0u32, 0u32);
    let (mut cb, mut cs) = (0, 0);
    while start.elapsed().as_secs_f64() < seconds {
        let due = (start.elapsed().as_secs_f64() * 1000.0) as u32;
        let text: String = (seq..due).map(quote).collect();
        seq = seq.max(due);
        q.write_all(text.as_bytes()).unwrap();
        while second < (start.elapsed().as_secs_f64() * 10.0) as u32 {
            let t = hhmmss(34_200 + second);
            s2.write_all(format!("{t},{}\r\n", second % 50).as_bytes()).unwrap();
            s1.write_all(format!("{t},{}\r\n", second % 30 + 1).as_bytes()).unwrap();
            if second % 5 == 4 {
                let prog = burst % 3;
                cb += u32::from(prog == 1);
                cs += u32::from(prog == 0);
                let line = format!(
                    "{t},{},{prog},{},{},{},{},{cb},{cs}\r\n",
                    burst % 3 + 1,
                    burst % 2,
                    100 + burst,
                    50 + burst,
                    burst + 1
                );
                bursts.write_all(line.as_bytes()).unwrap();
                bursts.flush().unwrap();
                let mut hits = String::from("Symbol,NumTrades,NumQuotes,BBO\r\n");
                if burst != 5 {
                    for i in 0..3 {
                        hits.push_str(&format!("H{i}{burst},{},{},{}\r\n", i + burst, 10 * i + 1, burst % 7));
                    }
                }
                if burst != 3 {
                    fs::write(root.join(format!("Data_Burst_Symbols/Burst_{DAY}_{t:06}.csv")), hits).unwrap();
                }
                burst += 1;
            }
            second += 1;
        }
        for f in [&mut q, &mut s2, &mut s1] {
            f.flush().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    seq
}

#[derive(Debug, serde::Deserialize)]
struct Compared {
    lake: Option<u64>,
    export: Option<u64>,
    equal: bool,
    schema_equal: bool,
}

fn compare(lake: &Path, export: &Path) -> std::collections::BTreeMap<String, Compared> {
    let out = Command::new("python3")
        .arg(reader_script())
        .args(["compare", lake.to_str().unwrap(), export.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "compare: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

pub(crate) fn kill_9(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn kill_9_at_random_moments_then_restart_leaves_the_lake_equal_to_a_plain_export() {
    if !python_readers() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (root, out, export) = (dir.path().join("archive"), dir.path().join("lake"), dir.path().join("export"));
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let writer = {
        let root = root.clone();
        std::thread::spawn(move || write_day(&root, 8.0))
    };
    std::thread::sleep(Duration::from_millis(300));
    // Short flushes and compaction every 3 parts: a kill often lands in a write or a swap.
    let mut child = follow(&root, &out, 0.3, 3);
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(rng.u64(700..2_200)));
        kill_9(child);
        child = follow(&root, &out, 0.3, 3);
    }
    let rows = writer.join().unwrap();
    std::thread::sleep(Duration::from_millis(1_500));
    let stderr = stop(child);
    let (code, _, err) = crate::support::ki2(&[
        "export",
        "--root",
        root.to_str().unwrap(),
        "--out",
        export.to_str().unwrap(),
        "--from",
        DAY,
        "--to",
        DAY,
    ]);
    assert_eq!(code, 0, "{err}");
    let cmp = compare(&out, &export);
    assert_eq!(cmp["hft1"].export, Some(u64::from(rows)), "seed {seed}");
    for (kind, c) in &cmp {
        assert!(
            c.equal && c.schema_equal,
            "seed {seed}: {kind}: lake {:?} rows, export {:?} rows, equal {}, same schema {}\n{stderr}",
            c.lake,
            c.export,
            c.equal,
            c.schema_equal
        );
    }
}

pub(crate) fn parquet_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.retain(|n| n.ends_with(".parquet"));
    v.sort();
    v
}

#[test]
fn compaction_under_looping_readers_never_shows_a_row_twice_or_misses_one() {
    if !python_readers() {
        return;
    }
    let before = 500;
    let (_dir, root, out) = day_of_quotes(before);
    // Parts every 0.3 s and a compaction every 3 parts: about two swaps a second.
    let child = follow(&root, &out, 0.3, 3);
    let readers = reader(&out, "hft1", 12.0, 0.1);
    std::thread::sleep(Duration::from_millis(500));
    let mut log = write_quotes(&hft1(&root), before, before + 16_000, 2_000.0);
    // The next day begins: the day that ended is compacted to one file while readers read.
    std::thread::sleep(Duration::from_millis(1_000));
    let next = root.join("Data/20250715_hft1.csv");
    fs::write(&next, (0..10).map(quote).collect::<String>()).unwrap();
    log.push((now_s(), 16_010));
    let reads = reads(readers);
    let stderr = stop(child);
    check_reads(&reads, &log, before);
    let total = u64::from(before + 16_010);
    assert_eq!(reads.last().and_then(|r| r.polars), Some(total), "{stderr}");
    assert_eq!(reads.last().and_then(|r| r.duckdb), Some(total), "{stderr}");
    let compactions: u64 = stderr
        .split(" compactions")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(compactions >= 5, "only {compactions} compactions: {stderr}");
    let ended = parquet_files(&out.join("hft1/date=2025-07-14"));
    assert_eq!(ended.len(), 1, "the ended day is one file: {ended:?}");
    let retries: u32 = reads.iter().map(|r| r.retries).sum();
    eprintln!("{} reads, {retries} retried after a swap, {compactions} compactions", reads.len());
}

fn lake_opts(root: &Path, out: &Path, flush: Duration) -> LakeOptions {
    LakeOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        day: Day::parse_compact(DAY).unwrap(),
        follow_days: false,
        poll_only: false,
        poll_interval: Duration::from_millis(50),
        columns: ColumnOrder::default(),
        flush,
        compact_parts: 64,
    }
}

/// Rows of the visible folder, read with polars (the Rust crate ki2 is built on).
pub(crate) fn lake_rows(dir: &Path) -> Vec<u32> {
    use polars::prelude::{ParquetReader, SerReader};
    let mut values = Vec::new();
    for name in parquet_files(dir) {
        let df = ParquetReader::new(fs::File::open(dir.join(name)).unwrap()).finish().unwrap();
        let col = df.column("value").unwrap().u32().unwrap().clone();
        values.extend(col.into_no_null_iter());
    }
    values
}

pub(crate) fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// hft2/hft3 rows `rows`, one a second from 09:30:00; row `i` holds `value(i)`.
pub(crate) fn series(rows: std::ops::Range<u32>, value: impl Fn(u32) -> u32) -> String {
    rows.map(|i| format!("{},{}\r\n", hhmmss(34_200 + i), value(i))).collect()
}

pub(crate) fn same(i: u32) -> u32 {
    i
}

#[test]
fn a_lake_that_cannot_be_written_says_so_keeps_the_rows_and_catches_up() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("archive"), dir.path().join("lake"));
    let hft3 = root.join(format!("Data/{DAY}_hft3.csv"));
    fs::create_dir_all(hft3.parent().unwrap()).unwrap();
    let handle = lake::spawn(lake_opts(&root, &out, Duration::from_millis(200))).unwrap();
    wait_for("caught up", Duration::from_secs(10), || handle.status().caught_up);
    // Disk full or a folder made read-only, while running: here a file where the kind's
    // folder should be, so that every write fails whoever runs the test (root ignores
    // permissions).
    fs::write(out.join("hft3"), "in the way").unwrap();
    fs::write(&hft3, series(0..100, same)).unwrap();
    wait_for("the error in the status", Duration::from_secs(10), || handle.status().error.is_some());
    let status = handle.status();
    let error = status.error.clone().unwrap_or_default();
    assert!(error.contains(&out.join("hft3").display().to_string()), "{error}");
    assert_eq!((status.rows_written, status.rows_pending), (0, 100));
    assert!(handle.status().line().starts_with("lake: cannot create"), "{}", handle.status().line());
    // Tailing goes on meanwhile.
    OpenOptions::new().append(true).open(&hft3).unwrap().write_all(series(100..150, same).as_bytes()).unwrap();
    wait_for("the rows appended meanwhile", Duration::from_secs(10), || handle.status().rows_pending == 150);
    fs::remove_file(out.join("hft3")).unwrap();
    let folder = out.join("hft3/date=2025-07-14");
    wait_for("the lake catching up", Duration::from_secs(30), || lake_rows(&folder).len() == 150);
    let status = handle.stop();
    assert_eq!((status.rows_written, status.rows_pending, status.error), (150, 0, None));
    assert_eq!(lake_rows(&folder), (0..150).collect::<Vec<_>>());
}

/// A day whose hft3 file holds rows `0..rows`: the temp folder, the archive, the lake, the
/// file, and the lake's folder of the day's hft3 rows.
fn hft3_day(rows: u32) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("archive"), dir.path().join("lake"));
    let hft3 = root.join(format!("Data/{DAY}_hft3.csv"));
    fs::create_dir_all(hft3.parent().unwrap()).unwrap();
    fs::write(&hft3, series(0..rows, same)).unwrap();
    let folder = out.join("hft3/date=2025-07-14");
    (dir, root, out, hft3, folder)
}

/// The tailer `ki2 watch` runs for its screen, with a copy of its events for a lake fed by it
/// (`bound`), and a thread that takes the screen's events as the screen does: how many rows
/// the screen got.
fn screens_tailer(
    root: &Path,
    bound: tail::ShareBound,
    follow_days: bool,
) -> (tail::Feed, tail::TailHandle, std::thread::JoinHandle<usize>) {
    let (side, feed) = tail::share(bound);
    let opts = TailOptions {
        root: root.to_path_buf(),
        day: Day::parse_compact(DAY).unwrap(),
        follow_days,
        poll_only: false,
        poll_interval: Duration::from_millis(50),
        columns: ColumnOrder::default(),
    };
    let (tailer, mut rx) = tail::spawn_sharing(opts, side).unwrap();
    let screen = std::thread::spawn(move || {
        let mut rows = 0;
        while let Some(e) = rx.blocking_recv() {
            if let TailEvent::Rows { rows: r, .. } = e {
                rows += r.len();
            }
        }
        rows
    });
    (feed, tailer, screen)
}

#[test]
fn a_lake_fed_by_the_screens_tailer_writes_every_row_once_and_reads_the_files_itself_once_cut_off() {
    let (_dir, root, out, hft3, folder) = hft3_day(500);
    // Room for the day's first 500 rows, not for the 5,000 appended at once below, and no
    // patience: that batch cuts the lake off.
    let (feed, tailer, screen) = screens_tailer(&root, tail::ShareBound { rows: 600, patience: Duration::ZERO }, false);
    let handle = lake::spawn_sharing(lake_opts(&root, &out, Duration::from_millis(200)), feed).unwrap();
    wait_for("the first rows", Duration::from_secs(10), || lake_rows(&folder).len() == 500);
    assert!(handle.status().shared_reader, "the first rows came from the screen's tailer");
    OpenOptions::new().append(true).open(&hft3).unwrap().write_all(series(500..5_500, same).as_bytes()).unwrap();
    wait_for("the rows after the cut", Duration::from_secs(20), || lake_rows(&folder).len() >= 5_500);
    assert!(!handle.status().shared_reader, "cut off, the lake reads the files itself");
    OpenOptions::new().append(true).open(&hft3).unwrap().write_all(series(5_500..5_600, same).as_bytes()).unwrap();
    wait_for("rows appended after the cut", Duration::from_secs(10), || lake_rows(&folder).len() >= 5_600);
    let status = handle.stop();
    assert_eq!((status.rows_written, status.rows_pending, status.error), (5_600, 0, None));
    assert_eq!(lake_rows(&folder), (0..5_600).collect::<Vec<_>>(), "every row once, in order");
    tailer.stop();
    assert_eq!(screen.join().unwrap(), 5_600, "the screen got every row, the cut did not touch it");
}

#[test]
fn a_lake_cut_off_after_the_day_changed_reads_the_new_day_itself_and_keeps_the_old_one_whole() {
    let (_dir, root, out, _, folder) = hft3_day(300);
    let next = root.join("Data/20250715_hft3.csv");
    let next_folder = out.join("hft3/date=2025-07-15");
    let (feed, tailer, screen) = screens_tailer(&root, tail::ShareBound { rows: 600, patience: Duration::ZERO }, true);
    let opts = LakeOptions { follow_days: true, ..lake_opts(&root, &out, Duration::from_millis(200)) };
    let handle = lake::spawn_sharing(opts, feed).unwrap();
    wait_for("the first day's rows", Duration::from_secs(10), || lake_rows(&folder).len() == 300);
    fs::write(&next, series(0..200, same)).unwrap();
    wait_for("the next day's rows", Duration::from_secs(20), || lake_rows(&next_folder).len() == 200);
    assert!(handle.status().shared_reader);
    // 5,000 rows at once, past the feed's room: the lake reads the day it follows now itself.
    OpenOptions::new().append(true).open(&next).unwrap().write_all(series(200..5_200, same).as_bytes()).unwrap();
    wait_for("the rows after the cut", Duration::from_secs(20), || lake_rows(&next_folder).len() >= 5_200);
    std::thread::sleep(Duration::from_millis(600));
    let status = handle.stop();
    assert!(!status.shared_reader, "cut off");
    assert_eq!((status.rows_written, status.rows_pending, status.error), (5_500, 0, None));
    assert_eq!(lake_rows(&next_folder), (0..5_200).collect::<Vec<_>>(), "the new day: every row once, in order");
    assert_eq!(lake_rows(&folder), (0..300).collect::<Vec<_>>(), "the day before: whole, nothing again");
    assert_eq!(parquet_files(&folder).len(), 1, "the day before was compacted when it ended");
    tailer.stop();
    assert_eq!(screen.join().unwrap(), 5_500);
}

#[test]
fn a_lake_fed_by_the_screens_tailer_keeps_its_feed_and_ends_quietly_with_it() {
    let (_dir, root, out, hft3, folder) = hft3_day(1_000);
    let (feed, tailer, screen) = screens_tailer(&root, tail::ShareBound::DEFAULT, false);
    let handle = lake::spawn_sharing(lake_opts(&root, &out, Duration::from_millis(200)), feed).unwrap();
    wait_for("the day's rows", Duration::from_secs(10), || lake_rows(&folder).len() == 1_000);
    for n in 1..=5 {
        let rows = 1_000 + (n - 1) * 200..1_000 + n * 200;
        OpenOptions::new().append(true).open(&hft3).unwrap().write_all(series(rows, same).as_bytes()).unwrap();
        wait_for("appended rows", Duration::from_secs(10), || lake_rows(&folder).len() == (1_000 + n * 200) as usize);
    }
    // The screen's tailer stops first (as when `ki2 watch` ends): the lake neither reads the
    // files itself nor stops with an error; what it holds is written when it is stopped.
    tailer.stop();
    assert_eq!(screen.join().unwrap(), 2_000);
    std::thread::sleep(Duration::from_millis(300));
    let status = handle.stop();
    assert!(status.shared_reader, "never cut off");
    assert_eq!((status.rows_written, status.rows_pending, status.error, status.stopped), (2_000, 0, None, false));
    assert_eq!(lake_rows(&folder), (0..2_000).collect::<Vec<_>>());
}

#[test]
fn a_rewritten_file_replaces_only_what_changed_and_a_restart_resumes_without_repeats() {
    let (_dir, root, out, hft3, folder) = hft3_day(100);
    let flush = Duration::from_millis(200);
    let handle = lake::spawn(lake_opts(&root, &out, flush)).unwrap();
    wait_for("the first rows", Duration::from_secs(10), || lake_rows(&folder).len() == 100);
    OpenOptions::new().append(true).open(&hft3).unwrap().write_all(series(100..120, same).as_bytes()).unwrap();
    wait_for("the appended rows", Duration::from_secs(10), || lake_rows(&folder).len() == 120);
    // Rewritten with the same rows and more: nothing twice.
    fs::write(&hft3, series(0..130, same)).unwrap();
    wait_for("the rows past the old end", Duration::from_secs(10), || lake_rows(&folder).len() == 130);
    assert_eq!(lake_rows(&folder), (0..130).collect::<Vec<_>>());
    // Rewritten with row 110 changed: rows from the part holding it are replaced.
    let changed_value = |i| if i == 110 { 9_999 } else { i };
    let changed = || (0..125).map(changed_value);
    fs::write(&hft3, series(0..125, changed_value)).unwrap();
    wait_for("the changed rows", Duration::from_secs(10), || lake_rows(&folder) == changed().collect::<Vec<_>>());
    let status = handle.stop();
    assert_eq!(status.rows_pending, 0);
    // A restart finds the lake as it left it: no row written again.
    let handle = lake::spawn(lake_opts(&root, &out, flush)).unwrap();
    wait_for("caught up", Duration::from_secs(10), || handle.status().caught_up);
    std::thread::sleep(flush * 3);
    let status = handle.stop();
    assert_eq!((status.rows_written, status.error), (0, None));
    assert_eq!(lake_rows(&folder), changed().collect::<Vec<_>>());
}

#[test]
fn a_burst_waits_for_its_symbols_file_and_is_written_with_its_symbols() {
    use polars::prelude::{ParquetReader, SerReader};
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("archive"), dir.path().join("lake"));
    crate::support::write(&root, &format!("Data_Burst/{DAY}.csv"), b"93000,1,1,0,120,80,1,0,1\r\n");
    let handle = lake::spawn(lake_opts(&root, &out, Duration::from_millis(200))).unwrap();
    wait_for("caught up", Duration::from_secs(10), || handle.status().caught_up);
    std::thread::sleep(Duration::from_millis(1_000));
    let folder = out.join("bursts/date=2025-07-14");
    assert_eq!(parquet_files(&folder), Vec::<String>::new(), "written before its symbols came");
    assert_eq!(handle.status().rows_pending, 1);
    let symbols = format!("Data_Burst_Symbols/Burst_{DAY}_093000.csv");
    crate::support::write(&root, &symbols, b"Symbol,NumTrades,NumQuotes,BBO\r\nSPY,5,50,3\r\nBRK.B,1,9,0\r\n");
    wait_for("the burst", Duration::from_secs(10), || parquet_files(&folder).len() == 1);
    let name = &parquet_files(&folder)[0];
    let df = ParquetReader::new(fs::File::open(folder.join(name)).unwrap()).finish().unwrap();
    let lists = df.column("symbols").unwrap().list().unwrap().clone();
    let hit = lists.get_as_series(0).unwrap();
    assert_eq!(hit.len(), 2);
    assert_eq!(handle.stop().rows_written, 3, "one burst and its two symbols");
}

#[test]
fn following_into_a_plain_exports_folder_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("archive"), dir.path().join("out"));
    crate::support::write(&root, &format!("Data/{DAY}_hft3.csv"), series(0..10, same).as_bytes());
    let (r, o) = (root.to_str().unwrap(), out.to_str().unwrap());
    assert_eq!(crate::support::ki2(&["export", "--root", r, "--out", o]).0, 0);
    let (code, _, err) = crate::support::ki2(&["export", "--follow", "--root", r, "--out", o]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("hft3/date=2025-07-14/part-0.parquet was not written by the lake"), "{err}");
    let (code, _, err) = crate::support::ki2(&["export", "--root", r, "--out", o, "--date", DAY]);
    assert_eq!(code, 2, "--date without --follow: {err}");
}

/// Rows per day of the lake's bars as python polars and DuckDB read them: (date, polars, duckdb).
fn bars_read(lake: &Path) -> Vec<(String, u64, u64)> {
    let script = r#"
import sys, polars as pl, duckdb
g = sys.argv[1] + "/bars/**/*.parquet"
try:
    p = pl.read_parquet(g, hive_partitioning=True).group_by("date").len().sort("date")
    d = dict(duckdb.sql(f"SELECT CAST(date AS VARCHAR), count(*) FROM read_parquet('{g}', hive_partitioning=true) GROUP BY 1").fetchall())
    for date, n in p.iter_rows():
        print(str(date), n, d.get(str(date), -1))
except Exception as e:
    print("none", e, file=sys.stderr)
"#;
    let out = Command::new("python3").args(["-c", script, lake.to_str().unwrap()]).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some((f.next()?.to_owned(), f.next()?.parse().ok()?, f.next()?.parse().ok()?))
        })
        .collect()
}

/// Canonical minute bars of `symbols` symbols for the first `minutes` minutes from 09:30.
fn minute_bars(symbols: u32, minutes: u32) -> String {
    let mut s = String::from("symbol,time,open,high,low,close,volume\n");
    for m in 0..minutes {
        let t = 34_200 + m * 60;
        for k in 0..symbols {
            s += &format!("S{k:03},{},10,10,10,10.{m},100\n", hhmmss(t));
        }
    }
    s
}

/// `ki2 export --follow --prices`: the lake gets a closed day's bars once and the live day's as
/// its bars file grows, each day's part replaced whole; polars and DuckDB read them.
#[test]
fn the_live_lake_gets_the_bars_of_closed_days_and_of_today_as_they_grow() {
    if !python_readers() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (root, lake, bars) = (dir.path().join("archive"), dir.path().join("lake"), dir.path().join("bars"));
    for day in ["20250711", DAY] {
        fs::create_dir_all(root.join("Data_Burst")).unwrap();
        fs::write(root.join(format!("Data_Burst/{day}.csv")), "100030,1,1,0,250,10,1,1,0\r\n").unwrap();
    }
    fs::create_dir_all(&bars).unwrap();
    fs::write(bars.join("20250711.csv"), minute_bars(7, 390)).unwrap();
    let live = bars.join(format!("{DAY}.csv"));
    fs::write(&live, minute_bars(7, 30)).unwrap();
    let cfg = root.join("cfg");
    fs::create_dir_all(&cfg).unwrap();
    let child = crate::support::ki2_cmd()
        .args(["export", "--follow", "--root", root.to_str().unwrap(), "--out", lake.to_str().unwrap()])
        .args(["--prices", bars.to_str().unwrap(), "--date", DAY])
        .env("KI2_CONFIG_DIR", &cfg)
        .env("KI2_DATA_DIR", root.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let wait_for = |want: Vec<(String, u64, u64)>| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let got = bars_read(&lake);
            if got == want || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    };
    let day = |d: &str, n: u64| (d.to_owned(), n, n);
    let got = wait_for(vec![day("2025-07-11", 7 * 390), day("2025-07-14", 7 * 30)]);
    assert_eq!(got, vec![day("2025-07-11", 7 * 390), day("2025-07-14", 7 * 30)]);
    // Today's file grows (replaced whole, as the demo writes it): its part follows.
    let tmp = bars.join(".grow.tmp");
    fs::write(&tmp, minute_bars(7, 95)).unwrap();
    fs::rename(&tmp, &live).unwrap();
    let got = wait_for(vec![day("2025-07-11", 7 * 390), day("2025-07-14", 7 * 95)]);
    let err = stop(child);
    assert_eq!(got, vec![day("2025-07-11", 7 * 390), day("2025-07-14", 7 * 95)], "{err}");
    for d in ["2025-07-11", "2025-07-14"] {
        let parts = parquet_files(&lake.join(format!("bars/date={d}")));
        assert_eq!(parts, ["part-0.parquet"], "one part a day, no temporary file left");
    }
}
