//! History at scale: an archive of heavy days (1,000,000 hft1 rows each).
//!
//!     cargo bench --bench history            # writes 20 heavy days to /tmp/ki2-history-bench once
//!     KI2_BENCH_HISTORY=DIR KI2_BENCH_DAYS=N cargo bench --bench history
//!     KI2_BENCH_HISTORY=/tmp/mixed KI2_BENCH_NORMAL_DAYS=250 cargo bench --bench history  # + 250 normal days before
//!
//! Prints: the first index build of a heavy day; indexing every closed day; `ki2 stats --date
//! all` over the indexed days (the binary, as a user runs it); launch → live day read with the
//! history indexer running (a fresh process, its RSS sampled throughout, first with no index
//! and then with the indexes built); the cross-day view of a symbol over 250 days.
mod common;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ki2::archive::{Archive, ColumnOrder, Day};
use ki2::sim::{Profile, SimOptions, write_day};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--launch") {
        return launch(Path::new(&args[i + 1]), Path::new(&args[i + 2]));
    }
    let root =
        std::env::var_os("KI2_BENCH_HISTORY").map_or_else(|| PathBuf::from("/tmp/ki2-history-bench"), PathBuf::from);
    let days: usize = std::env::var("KI2_BENCH_DAYS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let normal: usize = std::env::var("KI2_BENCH_NORMAL_DAYS").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let archive = ensure(&root, days, normal);
    let live = *archive.days.keys().next_back().expect("days");
    let closed = ki2::history::closed_days(&archive, live);
    println!("history: {days} heavy and {normal} normal days under {} ({} closed)", root.display(), closed.len());

    // 1. The first build of one heavy day's index.
    let mut builds = Vec::new();
    for _ in 0..3 {
        let data = tempfile::tempdir().expect("tempdir");
        let b = ki2::history::builder(&root, data.path(), ColumnOrder::default());
        let t = Instant::now();
        b.get(&closed[closed.len() - 1], false).expect("build");
        builds.push(t.elapsed().as_secs_f64());
    }
    builds.sort_by(f64::total_cmp);
    println!("  first index build of a heavy day: best {:.3} s, median {:.3} s", builds[0], builds[1]);

    // 2. Every closed day indexed (what the background indexer does once).
    let data = tempfile::tempdir().expect("tempdir");
    let b = ki2::history::builder(&root, data.path(), ColumnOrder::default());
    let t = Instant::now();
    let h = ki2::history::spawn(b.clone(), root.clone(), closed.clone());
    while !h.progress().finished {
        std::thread::sleep(Duration::from_millis(5));
    }
    let all = t.elapsed().as_secs_f64();
    println!("  indexing {} closed days: {all:.2} s ({:.3} s a day)", closed.len(), all / closed.len() as f64);
    let t = Instant::now();
    let again = ki2::history::spawn(b, root.clone(), closed.clone());
    while !again.progress().finished {
        std::thread::sleep(Duration::from_millis(1));
    }
    println!("  reading those {} indexes again: {:.3} s", closed.len(), t.elapsed().as_secs_f64());

    // 3. `ki2 stats --date all` with every day indexed (the live day's built by the first run).
    let stats = |n: usize| -> Vec<f64> {
        (0..n)
            .map(|_| {
                let t = Instant::now();
                let out = Command::new(env!("CARGO_BIN_EXE_ki2"))
                    .args(["stats", "--root"])
                    .arg(&root)
                    .args(["--date", "all", "--json"])
                    .env("KI2_DATA_DIR", data.path())
                    .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
                    .output()
                    .expect("ki2 stats");
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                t.elapsed().as_secs_f64()
            })
            .collect()
    };
    let first = stats(1)[0];
    let mut runs = stats(5);
    runs.sort_by(f64::total_cmp);
    println!(
        "  ki2 stats --date all over {} days: first {first:.2} s (indexes the live day), then best {:.3} s, median {:.3} s",
        archive.days.len(),
        runs[0],
        runs[2]
    );

    // 4. Launch with history, in a fresh process: once with no index, once with them built.
    let fresh = tempfile::tempdir().expect("tempdir");
    for (label, dir) in [("no index yet", fresh.path()), ("indexes built", data.path())] {
        let out = Command::new(std::env::current_exe().expect("exe"))
            .arg("--launch")
            .arg(&root)
            .arg(dir)
            .output()
            .expect("launch");
        print!("  launch, {label}: {}", String::from_utf8_lossy(&out.stdout));
    }

    // 5. A symbol across 250 days: the query the view makes, over an index of 250 heavy days.
    let got =
        ki2::history::builder(&root, data.path(), ColumnOrder::default()).get(&closed[0], false).expect("summary");
    let before = common::proc_status_mb("VmRSS:");
    let mut index = ki2::history::Index::default();
    let mut day = got.summary.day;
    for _ in 0..250 {
        let mut s = got.summary.clone();
        s.day = day;
        index.insert(s);
        day = Day::new(day.date().succ_opt().expect("day"));
    }
    let grown = common::proc_status_mb("VmRSS:") - before;
    let mut times = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let v = index.symbol_days("SPY", day, 250);
        assert_eq!(v.len(), 250);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "  a symbol across 250 days: p50 {:.3} ms, max {:.3} ms; 250 heavy days' summaries take {grown:.0} MB",
        times[50], times[99]
    );
}

/// Writes `days` heavy weekdays ending 2025-07-14, and `normal` normal ones before them, unless
/// they are there.
fn ensure(root: &Path, days: usize, normal: usize) -> Archive {
    if let Ok(a) = Archive::discover(root)
        && a.days.len() >= days + normal
    {
        return a;
    }
    let mut d = Day::parse_compact("20250714").expect("day");
    let t = Instant::now();
    for i in 0..days + normal {
        let profile = if i < days { Profile::Heavy } else { Profile::Normal };
        write_day(&SimOptions { root: root.to_path_buf(), day: d, seed: 1 + i as u64, profile }).expect("simulate");
        loop {
            d = d.pred().expect("day");
            if !matches!(chrono::Datelike::weekday(&d.date()), chrono::Weekday::Sat | chrono::Weekday::Sun) {
                break;
            }
        }
    }
    println!("wrote {days} heavy and {normal} normal days in {:.0} s", t.elapsed().as_secs_f64());
    Archive::discover(root).expect("archive")
}

/// In a process of its own: what `ki2 watch --date latest` does before its first frame and
/// until history is ready, timed, with RSS sampled every 20 ms.
fn launch(root: &Path, data_dir: &Path) {
    // As `ki2`'s main does.
    ki2::platform::allocator::limit_arenas();
    let start = Instant::now();
    let archive = Archive::discover(root).expect("archive");
    let live = *archive.days.keys().next_back().expect("days");
    let builder = ki2::history::held_builder(root, data_dir, ColumnOrder::default());
    let mut enricher = ki2::history::enricher(&archive, builder.clone());
    enricher.prefetch(live);
    let history = ki2::history::spawn(builder, root.to_path_buf(), ki2::history::closed_days(&archive, live));
    let opts = ki2::tail::TailOptions {
        root: root.to_path_buf(),
        day: live,
        follow_days: false,
        poll_only: false,
        poll_interval: Duration::from_millis(250),
        columns: ColumnOrder::default(),
    };
    let (handle, mut rx) = ki2::tail::spawn(opts).expect("tail");
    let mut store = ki2::store::DayStore::new(live).expect("store");
    let mut max_rss: f64 = 0.0;
    let mut at = Instant::now();
    let live_at = loop {
        match rx.blocking_recv() {
            Some(ki2::tail::TailEvent::Rows { rows, .. }) => store.append(&rows).expect("append"),
            Some(ki2::tail::TailEvent::CaughtUp { .. }) => break start.elapsed(),
            Some(_) => {}
            None => panic!("tailer stopped"),
        }
        if at.elapsed() > Duration::from_millis(20) {
            max_rss = max_rss.max(common::proc_status_mb("VmRSS:"));
            at = Instant::now();
        }
    };
    history.begin();
    while !(history.progress().finished && enricher.ready(live)) {
        max_rss = max_rss.max(common::proc_status_mb("VmRSS:"));
        std::thread::sleep(Duration::from_millis(20));
    }
    let ready = start.elapsed();
    max_rss = max_rss.max(common::proc_status_mb("VmRSS:"));
    handle.stop();
    println!(
        "live day read in {:.2} s; history and enrichment ready at {:.2} s; RSS max {max_rss:.0} MB, at the end {:.0} MB (store {:.0} MB)",
        live_at.as_secs_f64(),
        ready.as_secs_f64(),
        common::proc_status_mb("VmRSS:"),
        store.estimated_bytes() as f64 / 1e6
    );
}
