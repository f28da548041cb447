//! Memory while rows are appended live after a heavy day loaded (issue 13): the process's RSS
//! against the store's own size, sampled every second.
//!
//!     cargo bench --bench memory                          # 5,000 rows/s for 10 min
//!     KI2_BENCH_SECONDS=60 cargo bench --bench memory     # shorter
//!     KI2_BENCH_RATE=1000 KI2_BENCH_EVERY=5 cargo bench --bench memory
//!     KI2_BENCH_SORT=count cargo bench --bench memory      # the pane sorted by count (`s`)
//!     KI2_BENCH_LAKE=1 cargo bench --bench memory          # with `[lake] dir` set, as watch runs it
//!     KI2_BENCH_LOG=1 ...                                  # compactions, malloc_trim times (stderr)
//!
//! The path is `ki2 watch`'s without a terminal: the heavy day (`ki2 simulate --date 20250714
//! --seed 1 --instant --profile heavy`, written to a temp dir) is read through the tailer into
//! an `App` (store + the live-alert path with the default rules and the enricher), frames drawn
//! into a 160×48 TestBackend at most every 100 ms as the event loop paces them. Then a writer
//! appends hft1 rows through one open handle in ~20 ms slices (random symbols, counts under the
//! alert bar except one row in 5,000, which raises an alert).
//!
//! Printed every KI2_BENCH_EVERY s (default 30): RSS, the store's heap bytes, RSS minus the
//! store, and on glibc what malloc holds in use and free. At the end: RSS at LIVE, its maximum,
//! and the margin over the store's growth.
mod common;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use ki2::alerts::{Evaluator, RuleSet};
use ki2::archive::{Archive, ColumnOrder, Day};
use ki2::lake::LakeOptions;
use ki2::sim::{Profile, SimOptions, write_day};
use ki2::store::DayStore;
use ki2::tail::{self, TailEvent, TailOptions};
use ki2::ui::{App, AppOptions, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const DATE: &str = "20250714";
/// The event loop's shortest gap between frames (`frame_interval`'s default).
const FRAME: Duration = Duration::from_millis(100);
const MB: f64 = 1024.0 * 1024.0;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> Result<()> {
    // As `ki2`'s main does.
    ki2::platform::allocator::limit_arenas();
    if std::env::var("KI2_BENCH_LOG").is_ok_and(|v| v == "1") {
        // Stderr, apart from the samples: when the lake compacted and what each trim cost.
        let only = tracing_subscriber::filter::Targets::new()
            .with_target("ki2::lake", tracing::Level::INFO)
            .with_target("ki2::platform::allocator", tracing::Level::DEBUG);
        use tracing_subscriber::prelude::*;
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .with(only)
            .init();
    }
    let seconds: f64 = env_or("KI2_BENCH_SECONDS", 600.0);
    let rate: u64 = env_or("KI2_BENCH_RATE", 5_000);
    let every: f64 = env_or("KI2_BENCH_EVERY", 30.0);
    let day = Day::parse_compact(DATE).context("date")?;
    let dir = tempfile::tempdir()?;
    let root = dir.path().to_path_buf();
    let summary = write_day(&SimOptions { root: root.clone(), day, seed: 1, profile: Profile::Heavy })?;
    println!("memory: {summary}");
    println!("then {rate} hft1 rows/s for {seconds} s, sampled every second");

    let archive = Archive::discover(&root)?;
    // The index goes beside the archive, gone with it.
    let builder = ki2::history::builder(&root, &root.join(".data"), ColumnOrder::default());
    let evaluator = Evaluator::new(RuleSet::defaults()).with_enricher(ki2::history::enricher(&archive, builder));
    let store = DayStore::new(day).map_err(|e| anyhow::anyhow!("store: {e}"))?;
    let opts = AppOptions {
        root_label: root.display().to_string(),
        theme: Theme::from_env(),
        bell: false,
        live: true,
        columns: Default::default(),
    };
    let mut app = App::new(store, opts, evaluator);
    // Sorted, the pane keeps a 12-byte entry per row of the day.
    let sorted = std::env::var("KI2_BENCH_SORT").is_ok_and(|v| v == "count");
    if sorted {
        app.on_key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('s'),
            crossterm::event::KeyModifiers::NONE,
        ));
    }
    println!("High Quote Counts: {}", if sorted { "largest counts first" } else { "newest first" });
    let tail_opts = TailOptions {
        root: root.clone(),
        day,
        follow_days: false,
        poll_only: false,
        poll_interval: Duration::from_millis(250),
        columns: ColumnOrder::default(),
    };
    // As `watch` starts it with `[lake] dir`: fed by the store's tailer, catching up on the
    // whole day on its own thread while the store does; the lake outside the archive, as a
    // user's would be.
    let lake_out = tempfile::tempdir()?;
    let (lake, (handle, rx)) = if std::env::var("KI2_BENCH_LAKE").is_ok_and(|v| v == "1") {
        println!("with the lake (fed by the store's tailer), flush_s {}", LakeOptions::DEFAULT_FLUSH.as_secs_f64());
        let (side, feed) = tail::share(tail::ShareBound::DEFAULT);
        let lake = ki2::lake::spawn_sharing(
            LakeOptions {
                root: root.clone(),
                out: lake_out.path().to_path_buf(),
                day,
                follow_days: false,
                poll_only: false,
                poll_interval: Duration::from_millis(250),
                columns: ColumnOrder::default(),
                flush: LakeOptions::DEFAULT_FLUSH,
                compact_parts: LakeOptions::DEFAULT_COMPACT_PARTS,
            },
            feed,
        )?;
        (Some(lake), tail::spawn_sharing(tail_opts, side)?)
    } else {
        (None, tail::spawn(tail_opts)?)
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut ui = Ui { app: &mut app, term: Terminal::new(TestBackend::new(160, 48))?, next_frame: Instant::now() };
    let result = rt.block_on(run(&mut ui, rx, &root, rate, seconds, every));
    handle.stop();
    if let Some(lake) = lake {
        let s = lake.stop();
        let reader =
            if s.shared_reader { "the store's tailer throughout" } else { "its own tailer after falling behind" };
        println!(
            "lake: {} rows written in {} parts, {} compactions; rows from {reader}",
            s.rows_written, s.parts_written, s.compactions
        );
    }
    result
}

/// The App and its screen, drawn as the event loop does: when something changed, at most
/// once per `FRAME`.
struct Ui<'a> {
    app: &'a mut App,
    term: Terminal<TestBackend>,
    next_frame: Instant,
}

impl Ui<'_> {
    fn on_tail(&mut self, ev: TailEvent) -> Result<()> {
        self.app.on_tail(ev);
        if Instant::now() >= self.next_frame {
            self.term.draw(|f| self.app.render(f))?;
            self.next_frame = Instant::now() + FRAME;
        }
        Ok(())
    }
}

async fn run(
    ui: &mut Ui<'_>,
    mut rx: tokio::sync::mpsc::Receiver<TailEvent>,
    root: &Path,
    rate: u64,
    seconds: f64,
    every: f64,
) -> Result<()> {
    let start = Instant::now();
    loop {
        let ev = rx.recv().await.context("the tailer stopped before catching up")?;
        let caught_up = matches!(ev, TailEvent::CaughtUp { .. });
        ui.on_tail(ev)?;
        if caught_up {
            break;
        }
    }
    let live = Sample::take(ui.app.store(), 0);
    println!(
        "LIVE after {:.2} s: {} hft1 rows; peak so far (VmHWM) {:.1} MB; RSS anonymous {:.1} MB, files mapped {:.1} MB",
        start.elapsed().as_secs_f64(),
        ui.app.store().quotes_len(),
        common::proc_status_mb("VmHWM:"),
        common::proc_status_mb("RssAnon:"),
        common::proc_status_mb("RssFile:")
    );
    println!(
        "{:>6} {:>9} {:>9} {:>8} {:>11} {:>12} {:>10}",
        "t s", "appended", "rows", "RSS MB", "store MB", "RSS-store", "malloc use/free MB"
    );
    live.print(0.0);

    let path = PathBuf::from(root).join("Data").join(format!("{DATE}_hft1.csv"));
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, sent) = (stop.clone(), sent.clone());
        std::thread::spawn(move || write_rows(&path, rate, seconds, &stop, &sent))
    };
    let t0 = Instant::now();
    let mut max = live.clone();
    let mut next_sample = Duration::from_secs(1);
    let mut next_print = every;
    let end = Duration::from_secs_f64(seconds + 2.0);
    while t0.elapsed() < end {
        match tokio::time::timeout_at((t0 + next_sample).into(), rx.recv()).await {
            Ok(Some(ev)) => ui.on_tail(ev)?,
            Ok(None) => anyhow::bail!("the tailer stopped"),
            Err(_) => {
                let s = Sample::take(ui.app.store(), sent.load(Ordering::Relaxed));
                if s.rss > max.rss {
                    max = s.clone();
                }
                let t = next_sample.as_secs_f64();
                if t >= next_print {
                    s.print(t);
                    next_print += every;
                }
                next_sample += Duration::from_secs(1);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().map_err(|_| anyhow::anyhow!("the writer panicked"))??;
    let last = Sample::take(ui.app.store(), sent.load(Ordering::Relaxed));
    last.print(t0.elapsed().as_secs_f64());
    let grown = last.store - live.store;
    println!(
        "RSS at the end: anonymous {:.1} MB, files mapped {:.1} MB",
        common::proc_status_mb("RssAnon:"),
        common::proc_status_mb("RssFile:")
    );
    println!(
        "RSS at LIVE {:.1} MB, max {:.1} MB (at {} rows appended), end {:.1} MB; peak (VmHWM, before LIVE too) {:.1} MB",
        live.rss,
        max.rss,
        max.appended,
        last.rss,
        common::proc_status_mb("VmHWM:")
    );
    println!(
        "store {:.1} -> {:.1} MB ({:.1} B per appended row); RSS beyond the store's growth: max {:+.1} MB, end {:+.1} MB",
        live.store,
        last.store,
        grown * MB / (last.appended.max(1) as f64),
        max.rss - live.rss - (max.store - live.store),
        last.rss - live.rss - grown,
    );
    Ok(())
}

#[derive(Clone)]
struct Sample {
    appended: u64,
    rows: usize,
    rss: f64,
    store: f64,
    malloc: Option<(f64, f64)>,
}

impl Sample {
    fn take(store: &DayStore, appended: u64) -> Sample {
        Sample {
            appended,
            rows: store.quotes_len(),
            rss: common::proc_status_mb("VmRSS:"),
            store: store.estimated_bytes() as f64 / MB,
            malloc: common::malloc_mb(),
        }
    }

    fn print(&self, t: f64) {
        let malloc = self.malloc.map_or_else(String::new, |(used, free)| format!("{used:8.1} {free:8.1}"));
        println!(
            "{t:>6.0} {:>9} {:>9} {:>8.1} {:>11.1} {:>12.1} {malloc}",
            self.appended,
            self.rows,
            self.rss,
            self.store,
            self.rss - self.store
        );
    }
}

/// Appends `rate` rows a second in ~20 ms slices through one handle kept open, as the Burst
/// Monitor flushes; market time runs with the wall clock from 20:00:01, after the simulated
/// day's last row (20:00:00), as a live writer's rows do. (Until issue 13's last round it ran
/// from 19:00:00: rows earlier than the day's last ones, so the pane had to sort the whole day
/// by time — what `KI2_BENCH_SORT=count` now measures on purpose.)
fn write_rows(path: &Path, rate: u64, seconds: f64, stop: &AtomicBool, sent: &AtomicU64) -> Result<()> {
    let mut file = OpenOptions::new().append(true).open(path)?;
    let mut rng = fastrand::Rng::with_seed(7);
    let start = Instant::now();
    let mut line = String::new();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) && start.elapsed().as_secs_f64() < seconds {
        let elapsed = start.elapsed();
        let due = elapsed.as_micros() as u64 * rate / 1_000_000;
        let secs = 20 * 3600 + 1 + elapsed.as_secs();
        let t = format!("{}{:02}{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        line.clear();
        for seq in n..due {
            // One row in 5,000 passes the default quote-stuffing bar (2,000): an alert a second.
            let quotes = if seq % 5_000 == 4_999 { 2_500 } else { rng.u32(1_000..1_900) };
            line.push_str(&format!(
                "S{:03},0,{t},{quotes},{},{},{},\r\n",
                rng.u32(0..500),
                rng.u32(1..900),
                rng.u32(1..500),
                rng.u32(1_000..100_000_000)
            ));
        }
        if !line.is_empty() {
            file.write_all(line.as_bytes())?;
            n = due;
            sent.store(n, Ordering::Relaxed);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
