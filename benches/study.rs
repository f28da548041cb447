//! `ki2 study` end to end, as a user runs it: 20 days × ~50 bursts × ~40 hit symbols with 300
//! symbols of minute bars (2.34M bars), and 250 days.
//!
//!     cargo bench --bench study                          # 20 days under /tmp/ki2-study-bench-20
//!     KI2_BENCH_STUDY_DAYS=250 cargo bench --bench study # 250 days
//!
//! Prints the first run (each day's index built) and then the median of three runs with the
//! indexes built, wall time and peak RSS (the child's `ru_maxrss`, from `wait4`). Then the TUI's
//! Edges view over the same indexed days, in process on a 160×48 TestBackend with `ki2 watch`'s
//! study worker: `E` to its first frame, a key (+ tick + frame) every 20 ms while the study
//! computes, and `E` to the finished table (target: first frame ≤ 300 ms, keys answered meanwhile).
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::{Datelike, NaiveDate, Weekday};

const SYMBOLS: usize = 300;
const BURSTS: usize = 50;
const HITS: usize = 40;
const OPEN: u32 = 9 * 3600 + 30 * 60;

fn main() {
    let days: usize = std::env::var("KI2_BENCH_STUDY_DAYS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let dir = PathBuf::from(format!("/tmp/ki2-study-bench-{days}"));
    let (root, bars) = (dir.join("archive"), dir.join("bars"));
    if !dir.join("done").exists() {
        let t = Instant::now();
        generate(&root, &bars, days);
        std::fs::write(dir.join("done"), b"").expect("done");
        println!("generated {days} days under {} in {:.1} s", dir.display(), t.elapsed().as_secs_f64());
    }
    let data = tempfile::tempdir().expect("tempdir");
    // Waited for with `wait4` (for the peak RSS), which std's `wait` cannot give.
    #[allow(clippy::zombie_processes)]
    let run = || {
        let t = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_ki2"))
            .args(["study", "--root"])
            .arg(&root)
            .arg("--prices")
            .arg(&bars)
            .arg("--json")
            .env("KI2_DATA_DIR", data.path())
            .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("ki2 study");
        let (ok, max_rss_mb) = rusage::wait(child);
        assert!(ok, "ki2 study failed");
        (t.elapsed().as_secs_f64(), max_rss_mb)
    };
    let (cold, cold_rss) = run();
    println!(
        "ki2 study over {days} days, {} bars: first run (indexing every day) {cold:.2} s, peak RSS {cold_rss:.0} MB",
        days * SYMBOLS * 390
    );
    let mut runs: Vec<(f64, f64)> = (0..3).map(|_| run()).collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (t, rss) = runs[1];
    println!(
        "  indexed: median {t:.2} s (best {:.2}, worst {:.2}), peak RSS {rss:.0} MB (max {:.0})",
        runs[0].0,
        runs[2].0,
        runs.iter().map(|r| r.1).fold(0.0, f64::max)
    );
    edges(&root, &bars, data.path());
}

/// The Edges view opened on the indexed days, as in `ki2 watch` (the live day is today, not in
/// the archive: every day is a closed day).
fn edges(root: &Path, bars: &Path, data: &Path) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ki2::alerts::{Evaluator, RuleSet};
    use ki2::commands::study::background::{Setup, spawn};
    use ki2::ui::{App, AppOptions, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let archive = ki2::archive::Archive::discover(root).expect("archive");
    let builder = ki2::history::builder(&archive.root, data, ki2::archive::ColumnOrder::default());
    let study = spawn(Setup {
        config: ki2::config::Config::default(),
        root: archive.root.clone(),
        prices: Some(bars.to_path_buf()),
        rules: RuleSet::defaults(),
        builder,
        keep_bars: ki2::commands::study::background::KEEP_BARS,
    });
    let store = ki2::store::DayStore::new(ki2::archive::Day::today()).expect("store");
    let opts = AppOptions {
        root_label: root.display().to_string(),
        theme: Theme::mono(),
        bell: false,
        live: true,
        columns: Default::default(),
    };
    let mut app = App::new(store, opts, Evaluator::new(RuleSet::defaults())).with_study(study);
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    term.draw(|f| app.render(f)).expect("draw");
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let shown = |term: &Terminal<TestBackend>| -> String {
        term.backend().buffer().content().iter().map(|c| c.symbol()).collect()
    };
    let t = Instant::now();
    app.on_key(key('E'));
    term.draw(|f| app.render(f)).expect("draw");
    let first = t.elapsed().as_secs_f64() * 1000.0;
    let first_says = if shown(&term).contains("computing") { "computing the study…" } else { "the table" };
    let mut keys = Vec::new();
    let deadline = Instant::now() + std::time::Duration::from_secs(120);
    while !shown(&term).contains("Excess bp") && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let k = Instant::now();
        app.on_key(key(if keys.len() % 2 == 0 { 'j' } else { 'k' }));
        app.tick();
        term.draw(|f| app.render(f)).expect("draw");
        keys.push(k.elapsed().as_secs_f64() * 1000.0);
    }
    let ready = t.elapsed().as_secs_f64();
    assert!(shown(&term).contains("Excess bp"), "the Edges view never showed its table");
    keys.sort_by(f64::total_cmp);
    let pct = |q: f64| keys.get(((keys.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
    println!(
        "Edges view (E) on the indexed days, 160×48: first frame {first:.1} ms ({first_says}); {} keys while \
         computing, key+tick+frame p50 {:.2} / p99 {:.2} / max {:.2} ms; the table after {ready:.2} s",
        keys.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
}

/// Weekdays from 2025-01-02 on: each with ~50 bursts of ~40 symbols among 300, a few cappers,
/// an hft1 row per symbol (first_seen), and minute bars of every symbol from 09:30 to 16:00.
fn generate(root: &Path, bars: &Path, days: usize) {
    for d in ["Data", "Data_Burst", "Data_Burst_Symbols"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    std::fs::create_dir_all(bars).expect("mkdir");
    let mut rng = fastrand::Rng::with_seed(24);
    let names: Vec<String> = (0..SYMBOLS).map(|i| if i == 0 { "SPY".into() } else { format!("S{i:03}") }).collect();
    let mut day = NaiveDate::from_ymd_opt(2025, 1, 2).expect("date");
    let mut prices: Vec<f64> = (0..SYMBOLS).map(|_| 10.0 + rng.f64() * 300.0).collect();
    for _ in 0..days {
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day = day.succ_opt().expect("date");
        }
        let compact = day.format("%Y%m%d").to_string();
        let mut times: Vec<u32> = (0..BURSTS).map(|_| OPEN + 300 + rng.u32(0..6 * 3600)).collect();
        times.sort_unstable();
        times.dedup();
        let mut rows = String::new();
        for (i, &t) in times.iter().enumerate() {
            let s1 = if rng.u8(0..25) == 0 { 200 + rng.u32(0..100) } else { 40 + rng.u32(0..150) };
            let hhmmss = (t / 3600) * 10_000 + (t / 60 % 60) * 100 + t % 60;
            let _ = write!(rows, "{hhmmss},{},{},0,{s1},100,{},0,0\r\n", 1 + rng.u8(0..3), rng.u8(0..2), i + 1);
            let mut file = String::from("Symbol,NumTrades,NumQuotes,BBO\r\n");
            for s in rng.choose_multiple(0..SYMBOLS, HITS) {
                let _ = write!(file, "{},{},{},{}\r\n", names[s], rng.u32(1..200), rng.u32(10..2000), rng.u32(1..100));
            }
            std::fs::write(root.join(format!("Data_Burst_Symbols/Burst_{compact}_{hhmmss:06}.csv")), file)
                .expect("write");
        }
        std::fs::write(root.join(format!("Data_Burst/{compact}.csv")), rows).expect("write");
        let mut hft1 = String::new();
        for name in &names {
            let t = 4 * 3600 + rng.u32(0..12 * 3600);
            let _ =
                write!(hft1, "{name},0,{},2100,50,10,100000,\r\n", (t / 3600) * 10_000 + (t / 60 % 60) * 100 + t % 60);
        }
        std::fs::write(root.join(format!("Data/{compact}_hft1.csv")), hft1).expect("write");
        let mut text = String::with_capacity(SYMBOLS * 390 * 48);
        text.push_str("symbol,time,open,high,low,close,volume\n");
        for (s, name) in names.iter().enumerate() {
            for m in 0..390u32 {
                let open = prices[s];
                let close = (open * (1.0 + (rng.f64() - 0.5) * 0.002) * 10_000.0).round() / 10_000.0;
                prices[s] = close;
                let t = OPEN + m * 60;
                let hhmm = (t / 3600) * 10_000 + (t / 60 % 60) * 100;
                let _ = writeln!(
                    text,
                    "{name},{hhmm},{open:.4},{:.4},{:.4},{close:.4},{}",
                    open.max(close),
                    open.min(close),
                    rng.u32(100..9999)
                );
            }
        }
        std::fs::write(bars.join(format!("{compact}.csv")), text).expect("write");
        day = day.succ_opt().expect("date");
    }
}

/// The child's exit and peak RSS, from `wait4` (std's `wait` does not give the rusage).
#[cfg(target_os = "linux")]
mod rusage {
    use std::ffi::c_int;

    /// Linux's `struct rusage` on 64-bit: two timevals, then fourteen longs (`ru_maxrss` in KB first).
    #[repr(C)]
    struct Rusage {
        times: [i64; 4],
        maxrss: i64,
        rest: [i64; 13],
    }

    unsafe extern "C" {
        fn wait4(pid: c_int, status: *mut c_int, options: c_int, rusage: *mut Rusage) -> c_int;
    }

    pub fn wait(child: std::process::Child) -> (bool, f64) {
        let pid = child.id();
        let mut status: c_int = 0;
        let mut r = Rusage { times: [0; 4], maxrss: 0, rest: [0; 13] };
        // SAFETY: pid is our own child, not yet waited for; both pointers are to live locals.
        let got = unsafe { wait4(pid as c_int, &mut status, 0, &mut r) };
        // Exited normally with code 0: WIFEXITED and WEXITSTATUS == 0.
        (got == pid as c_int && status & 0xffff == 0, r.maxrss as f64 / 1024.0)
    }
}

/// Elsewhere (the Windows check builds the benches too): the exit only, the peak RSS unknown.
#[cfg(not(target_os = "linux"))]
mod rusage {
    pub fn wait(mut child: std::process::Child) -> (bool, f64) {
        (child.wait().is_ok_and(|s| s.success()), f64::NAN)
    }
}
