//! The lake (`ki2 export --follow`): what writing the live day as Parquet costs.
//!
//! `cargo bench --bench lake`. Three figures:
//! 1. CPU of the lake's threads (its tailer and its writer) while a writer appends 5,000 hft1
//!    rows/s for 10 s, and append → readable latency (the part renamed into place) p50/p99.
//! 2. The same latency with `flush_s` 0.5.
//! 3. A 50-row flush late in the heavy day (1,000,000 hft1 rows already in the lake), against
//!    the old way: rewriting the day's Parquet from a store of the whole day.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ki2::archive::{ColumnOrder, Day, Kind, read_day};
use ki2::lake::{self, LakeOptions};
use ki2::sim::{self, Profile, SimOptions};
use ki2::store::DayStore;

const RATE: u64 = 5_000;
const SECONDS: u64 = 10;

fn main() -> Result<()> {
    let day = Day::parse_compact("20250714").context("day")?;
    for flush in [Duration::from_secs(2), Duration::from_millis(500)] {
        let r = live(day, flush)?;
        println!(
            "live {RATE} rows/s for {SECONDS} s, flush_s {:.1}: lake writer CPU {:.1}%, its tailer {:.1}% of a core; \
             append -> readable p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; {} parts, {} compactions",
            flush.as_secs_f64(),
            r.writer_cpu,
            r.tailer_cpu,
            r.p50,
            r.p99,
            r.max,
            r.parts,
            r.compactions
        );
    }
    heavy(day)?;
    Ok(())
}

fn opts(root: &Path, out: &Path, day: Day, flush: Duration) -> LakeOptions {
    LakeOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        day,
        follow_days: false,
        poll_only: false,
        poll_interval: Duration::from_millis(250),
        columns: ColumnOrder::default(),
        flush,
        compact_parts: LakeOptions::DEFAULT_COMPACT_PARTS,
    }
}

struct Live {
    writer_cpu: f64,
    tailer_cpu: f64,
    p50: f64,
    p99: f64,
    max: f64,
    parts: u64,
    compactions: u64,
}

fn live(day: Day, flush: Duration) -> Result<Live> {
    let dir = tempfile::tempdir()?;
    let (root, out) = (dir.path().join("archive"), dir.path().join("lake"));
    let path = root.join(Kind::Quotes.folder()).join(Kind::Quotes.file_name(day, None));
    fs::create_dir_all(root.join(Kind::Quotes.folder()))?;
    File::create(&path)?;
    let handle = lake::spawn(opts(&root, &out, day, flush))?;
    while !handle.status().caught_up {
        std::thread::sleep(Duration::from_millis(10));
    }
    let rows = (RATE * SECONDS) as usize;
    let cpu0 = (thread_cpu("ki2-lake")?, thread_cpu("ki2-tail")?);
    let start = Instant::now();
    let written: Arc<Vec<AtomicU64>> = Arc::new((0..rows).map(|_| AtomicU64::new(0)).collect());
    let writer = {
        let written = written.clone();
        std::thread::spawn(move || append(&path, start, 0, rows, &written))
    };
    // A row is readable once the part holding it is renamed into place, which is when the
    // status counts it.
    let mut latencies = Vec::with_capacity(rows);
    let mut seen = 0usize;
    let deadline = start + Duration::from_secs(SECONDS * 3);
    while seen < rows {
        if Instant::now() > deadline {
            bail!("only {seen} of {rows} rows reached the lake");
        }
        let now = start.elapsed().as_nanos() as u64;
        let n = (handle.status().rows_written as usize).min(rows);
        for w in &written[seen..n] {
            latencies.push(now.saturating_sub(w.load(Ordering::Acquire)) as f64 / 1e6);
        }
        seen = seen.max(n);
        std::thread::sleep(Duration::from_millis(2));
    }
    writer.join().map_err(|_| anyhow::anyhow!("writer panicked"))??;
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = (thread_cpu("ki2-lake")? - cpu0.0, thread_cpu("ki2-tail")? - cpu0.1);
    let status = handle.stop();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    Ok(Live {
        writer_cpu: 100.0 * cpu.0.as_secs_f64() / elapsed,
        tailer_cpu: 100.0 * cpu.1.as_secs_f64() / elapsed,
        p50: pct(50),
        p99: pct(99),
        max: latencies.last().copied().unwrap_or_default(),
        parts: status.parts_written,
        compactions: status.compactions,
    })
}

fn heavy(day: Day) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (root, out) = (dir.path().join("archive"), dir.path().join("lake"));
    let t = Instant::now();
    let summary = sim::write_day(&SimOptions { root: root.clone(), day, seed: 1, profile: Profile::Heavy })?;
    println!("heavy day: {} hft1 rows written in {:.1} s", summary.hft1_rows, t.elapsed().as_secs_f64());
    let flush = Duration::from_millis(500);
    let t = Instant::now();
    // Following days: the next day's first file closes this one (compaction to one file).
    let handle = lake::spawn(LakeOptions { follow_days: true, ..opts(&root, &out, day, flush) })?;
    while !(handle.status().caught_up && handle.status().rows_pending == 0 && handle.status().rows_written > 0) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let caught_up = t.elapsed().as_secs_f64();
    // Let the catch-up's compaction (if any) finish.
    std::thread::sleep(flush * 4);
    let s = handle.status();
    println!(
        "heavy day into an empty lake: {} rows in {caught_up:.2} s ({} parts, {} compactions)",
        s.rows_written, s.parts_written, s.compactions
    );
    let path = root.join(Kind::Quotes.folder()).join(Kind::Quotes.file_name(day, None));
    let mut flushes = Vec::new();
    let dummy: Vec<AtomicU64> = (0..50).map(|_| AtomicU64::new(0)).collect();
    for i in 0..30 {
        let before = handle.status();
        append(&path, Instant::now(), 1_000_000 + i * 50, 50, &dummy)?;
        let wait = Instant::now();
        loop {
            let s = handle.status();
            if s.rows_written >= before.rows_written + 50 && s.last_flush != before.last_flush {
                flushes.push((s.last_flush_ms, s.compactions > before.compactions));
                break;
            }
            if wait.elapsed() > Duration::from_secs(10) {
                bail!("50 rows did not reach the lake");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(flush);
    }
    // The day ends: everything of it merged into one file per kind, in one flush.
    let before = handle.status();
    let next_day = day.date().succ_opt().map(Day::new).context("next day")?;
    let next = root.join(Kind::Quotes.folder()).join(Kind::Quotes.file_name(next_day, None));
    fs::write(&next, "SPY,0,40000,1,1,1,1,\r\n")?;
    let wait = Instant::now();
    while handle.status().compactions < before.compactions + 1 {
        if wait.elapsed() > Duration::from_secs(60) {
            bail!("the ended day was not compacted: {:?}", handle.status());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let closed = handle.status();
    handle.stop();
    let files = fs::read_dir(out.join(format!("hft1/date={day}")))?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".parquet"))
        .count();
    println!("day end: the day's hft1 parts merged into {files} file in a {:.0} ms flush", closed.last_flush_ms);
    let mut plain: Vec<f64> = flushes.iter().filter(|(_, c)| !c).map(|(ms, _)| *ms).collect();
    plain.sort_by(f64::total_cmp);
    let compacting: Vec<String> = flushes.iter().filter(|(_, c)| *c).map(|(ms, _)| format!("{ms:.0}")).collect();
    println!(
        "50-row flush late in the heavy day: p50 {:.2} ms, max {:.2} ms over {} flushes; flushes that compacted: [{}] ms",
        plain.get(plain.len() / 2).copied().unwrap_or_default(),
        plain.last().copied().unwrap_or_default(),
        plain.len(),
        compacting.join(", ")
    );

    // The old way: the whole day in a store, its Parquet written again on every refresh.
    let archive = ki2::archive::Archive::discover(&root)?;
    let store = DayStore::from_day(read_day(&archive.files(day), ColumnOrder::default()))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut old = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        store.export_parquet(&dir.path().join("old"))?;
        old.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    old.sort_by(f64::total_cmp);
    println!("old way (rewrite the day's Parquet, all kinds): median {:.0} ms, min {:.0} ms", old[2], old[0]);
    Ok(())
}

/// Appends rows `first..first + n` at `RATE` rows/s through one handle, stamping each row's
/// time before its write (the tailer may see it before `write_all` returns).
fn append(path: &Path, start: Instant, first: usize, n: usize, written: &[AtomicU64]) -> Result<()> {
    let mut file = OpenOptions::new().append(true).open(path)?;
    let mut next = 0usize;
    let mut line = String::new();
    while next < n {
        let due = ((start.elapsed().as_micros() as u64 * RATE / 1_000_000) as usize).clamp(next + 1, n);
        line.clear();
        for seq in next..due {
            let s = first + seq;
            line.push_str(&format!("S{},0,{},{s},812,316,64284132,\r\n", s % 97, 160_000 + (s / 5_000) % 60));
        }
        let at = start.elapsed().as_nanos() as u64;
        for w in written.get(next..due).unwrap_or_default() {
            w.store(at, Ordering::Release);
        }
        file.write_all(line.as_bytes())?;
        next = due;
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

/// CPU time used so far by the thread named `name`, from /proc (zero off Linux).
fn thread_cpu(name: &str) -> Result<Duration> {
    if !cfg!(target_os = "linux") {
        return Ok(Duration::ZERO);
    }
    for task in fs::read_dir("/proc/self/task")?.flatten() {
        if fs::read_to_string(task.path().join("comm"))?.trim() != name {
            continue;
        }
        let stat = fs::read_to_string(task.path().join("stat"))?;
        let rest = stat.rsplit_once(')').map(|(_, r)| r).context("/proc stat")?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = f.get(11).context("utime")?.parse::<u64>()? + f.get(12).context("stime")?.parse::<u64>()?;
        // USER_HZ is 100 on every mainstream configuration.
        return Ok(Duration::from_millis(ticks * 10));
    }
    bail!("no {name} thread")
}
