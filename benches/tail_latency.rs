//! Append → row received latency of the tailer while a writer appends 5,000 hft1 rows/s for
//! 5 s, with file events and with polling only; and the tailer thread's CPU, live and idle.
//!
//! `cargo bench --bench tail_latency`. Targets: p99 ≤ 100 ms with events, ≤ poll interval
//! + 50 ms polling; ~0 CPU idle.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ki2::archive::{ColumnOrder, Day, Kind, Rows};
use ki2::tail::{self, TailEvent, TailOptions};

const RATE: u64 = 5_000;
const SECONDS: u64 = 5;
const ROWS: usize = (RATE * SECONDS) as usize;
const POLL: Duration = Duration::from_millis(250);
const IDLE: Duration = Duration::from_secs(5);

fn main() -> Result<()> {
    println!("tail_latency: {ROWS} hft1 rows appended at {RATE} rows/s, poll interval {} ms", POLL.as_millis());
    for (label, poll_only) in [("events", false), ("polling", true)] {
        let r = run(poll_only)?;
        println!(
            "{label:>8}: latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; tailer CPU {:.1}% live, {:.2}% idle",
            r.p50_ms, r.p99_ms, r.max_ms, r.live_cpu, r.idle_cpu
        );
    }
    Ok(())
}

struct Report {
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    live_cpu: f64,
    idle_cpu: f64,
}

fn run(poll_only: bool) -> Result<Report> {
    let dir = tempfile::tempdir()?;
    let day = Day::parse_compact("20250714").context("day")?;
    let path = dir.path().join(Kind::Quotes.folder()).join(Kind::Quotes.file_name(day, None));
    fs::create_dir_all(dir.path().join(Kind::Quotes.folder()))?;
    File::create(&path)?;
    let opts = TailOptions {
        root: dir.path().to_path_buf(),
        day,
        follow_days: false,
        poll_only,
        poll_interval: POLL,
        columns: ColumnOrder::default(),
    };
    let (handle, mut rx) = tail::spawn(opts)?;
    while !matches!(rx.blocking_recv(), Some(TailEvent::CaughtUp { .. })) {}
    let cpu_start = tailer_cpu()?;

    let start = Instant::now();
    let written: Arc<Vec<AtomicU64>> = Arc::new((0..ROWS).map(|_| AtomicU64::new(0)).collect());
    let writer = {
        let written = written.clone();
        std::thread::spawn(move || write_rows(&path, start, &written))
    };
    let mut latencies = Vec::with_capacity(ROWS);
    let deadline = start + Duration::from_secs(SECONDS * 4);
    while latencies.len() < ROWS {
        if Instant::now() > deadline {
            bail!("only {} of {ROWS} rows arrived", latencies.len());
        }
        let Some(event) = rx.blocking_recv() else { bail!("the tailer stopped") };
        let now = start.elapsed().as_nanos() as u64;
        if let TailEvent::Rows { rows: Rows::Quotes(q), .. } = event {
            for seq in q.num_quotes {
                let at = written[seq as usize].load(Ordering::Acquire);
                latencies.push(now.saturating_sub(at) as f64 / 1e6);
            }
        }
    }
    writer.join().map_err(|_| anyhow::anyhow!("writer panicked"))??;
    let live = start.elapsed();
    let cpu_live = tailer_cpu()? - cpu_start;
    std::thread::sleep(IDLE);
    let cpu_idle = tailer_cpu()? - cpu_start - cpu_live;
    handle.stop();

    latencies.sort_by(f64::total_cmp);
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    Ok(Report {
        p50_ms: pct(50),
        p99_ms: pct(99),
        max_ms: latencies.last().copied().unwrap_or_default(),
        live_cpu: 100.0 * cpu_live.as_secs_f64() / live.as_secs_f64(),
        idle_cpu: 100.0 * cpu_idle.as_secs_f64() / IDLE.as_secs_f64(),
    })
}

/// Appends what is due every millisecond, through one handle kept open as the Burst Monitor
/// does; each row's number is its index.
fn write_rows(path: &Path, start: Instant, written: &[AtomicU64]) -> Result<()> {
    let mut file = OpenOptions::new().append(true).open(path)?;
    let mut next = 0usize;
    let mut line = String::new();
    while next < ROWS {
        let due = ((start.elapsed().as_micros() as u64 * RATE / 1_000_000) as usize).min(ROWS);
        if due > next {
            line.clear();
            for seq in next..due {
                line.push_str(&format!("S{},0,93000,{seq},812,316,64284132,\r\n", seq % 97));
            }
            // Stamped before the write: the tailer may see the rows before `write_all` returns.
            let at = start.elapsed().as_nanos() as u64;
            for w in &written[next..due] {
                w.store(at, Ordering::Release);
            }
            file.write_all(line.as_bytes())?;
            next = due;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

/// CPU time used so far by the tailer thread (named `ki2-tail`), from /proc.
fn tailer_cpu() -> Result<Duration> {
    if !cfg!(target_os = "linux") {
        return Ok(Duration::ZERO);
    }
    for task in fs::read_dir("/proc/self/task")?.flatten() {
        if fs::read_to_string(task.path().join("comm"))?.trim() != "ki2-tail" {
            continue;
        }
        let stat = fs::read_to_string(task.path().join("stat"))?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).context("/proc stat")?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = f.get(11).context("utime")?.parse::<u64>()? + f.get(12).context("stime")?.parse::<u64>()?;
        // Linux reports in USER_HZ, 100 on every mainstream configuration.
        return Ok(Duration::from_millis(ticks * 10));
    }
    bail!("no ki2-tail thread")
}
