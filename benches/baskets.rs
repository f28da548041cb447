//! Baskets at scale.
//!
//!     cargo bench --bench baskets      # writes 250 days × 400 bursts to /tmp/ki2-baskets-bench once
//!     KI2_BENCH_BASKETS=DIR cargo bench --bench baskets
//!
//! Prints: matching one 300-symbol burst against 5,000 (and 50,000) known baskets; then, over
//! an archive of 250 days with 400 bursts each (their symbols files whole, the hft1 files
//! tiny: only the bursts matter here), `ki2 baskets --json` as a user runs it — the first run
//! after the index is built (every burst matched and the state saved) and the runs after it
//! (the state read back) — with the process's peak RSS.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ki2::analysis::baskets::Clusters;
use ki2::archive::Day;

const UNIVERSE: usize = 2_500;

fn names() -> Vec<String> {
    (0..UNIVERSE).map(|i| format!("S{i:04}")).collect()
}

/// Zipf-like pick: rank r weighs 1/(r + 20), as the simulator's basket pool.
struct Picker(Vec<f64>);

impl Picker {
    fn new() -> Picker {
        let mut acc = 0.0;
        Picker(
            (0..UNIVERSE)
                .map(|r| {
                    acc += 1.0 / (r as f64 + 20.0);
                    acc
                })
                .collect(),
        )
    }

    fn set(&self, rng: &mut fastrand::Rng, n: usize) -> Vec<usize> {
        let total = self.0.last().copied().unwrap_or(1.0);
        let mut out: Vec<usize> = Vec::with_capacity(n);
        while out.len() < n {
            let i = self.0.partition_point(|&c| c <= rng.f64() * total).min(UNIVERSE - 1);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

fn main() {
    matching(5_000);
    matching(50_000);
    archive();
}

fn matching(baskets: usize) {
    let (names, pick) = (names(), Picker::new());
    let mut rng = fastrand::Rng::with_seed(1);
    let mut c = Clusters::new(0.6);
    let day = Day::parse_compact("20250701").expect("day");
    let mut known: Vec<Vec<usize>> = Vec::new();
    while c.baskets().len() < baskets {
        let n = 20 + rng.usize(0..=280);
        let set = pick.set(&mut rng, n);
        let refs: Vec<&str> = set.iter().map(|&i| names[i].as_str()).collect();
        c.add(day, 34_200 + c.occurrences().len() as u32 % 20_000, None, None, &refs);
        known.push(set);
    }
    let mut times = Vec::new();
    let mut found = 0;
    for q in 0..2_000 {
        // Half of them a known basket fired again (90 % of it and extras), half random.
        let set: Vec<usize> = if q % 2 == 0 {
            let k = &known[rng.usize(0..known.len())];
            let mut s: Vec<usize> = k.iter().copied().filter(|_| rng.f64() < 0.9).collect();
            s.extend(pick.set(&mut rng, 3));
            s.truncate(300);
            s
        } else {
            pick.set(&mut rng, 300)
        };
        let refs: Vec<&str> = set.iter().map(|&i| names[i].as_str()).collect();
        let t = Instant::now();
        found += usize::from(c.find(&refs).is_some());
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    let big = &times;
    println!(
        "match a burst against {} baskets (20–300 symbols): median {:.0} µs, p99 {:.0} µs, max {:.0} µs ({found} of 2000 joined one)",
        c.baskets().len(),
        big[big.len() / 2],
        big[big.len() * 99 / 100],
        big[big.len() - 1],
    );
    let mut heavy = Vec::new();
    for _ in 0..200 {
        let set = pick.set(&mut rng, 300);
        let refs: Vec<&str> = set.iter().map(|&i| names[i].as_str()).collect();
        let t = Instant::now();
        c.find(&refs);
        heavy.push(t.elapsed().as_secs_f64() * 1e6);
    }
    heavy.sort_by(f64::total_cmp);
    println!("  300 random symbols: median {:.0} µs, max {:.0} µs", heavy[100], heavy[199]);
}

fn weekdays(n: usize) -> Vec<Day> {
    let mut d = Day::parse_compact("20240102").expect("day");
    let mut out = Vec::new();
    while out.len() < n {
        use chrono::Datelike;
        if !matches!(d.date().weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            out.push(d);
        }
        d = Day::new(d.date().succ_opt().expect("day"));
    }
    out
}

/// 250 days × 400 bursts: 20 players fire their basket twice a day, the rest is random.
fn ensure(root: &Path) {
    let days = weekdays(250);
    let done = root.join(".complete");
    if done.exists() {
        return;
    }
    let (names, pick) = (names(), Picker::new());
    let mut rng = fastrand::Rng::with_seed(7);
    let players: Vec<Vec<usize>> = (0..20)
        .map(|_| {
            let n = 24 + rng.usize(0..=12);
            pick.set(&mut rng, n)
        })
        .collect();
    for (dirs, d) in [("Data", 0), ("Data_Burst", 0), ("Data_Burst_Symbols", 0)].iter().map(|(n, d)| (root.join(n), d))
    {
        let _ = d;
        std::fs::create_dir_all(dirs).expect("mkdir");
    }
    for day in &days {
        let c = day.compact();
        std::fs::write(root.join(format!("Data/{c}_hft1.csv")), "SPY,0,93000,1500,100,50,1000000,\r\n").expect("hft1");
        let mut bursts = String::new();
        let mut times: Vec<u32> = (0..400).map(|i| 34_200 + i * 58 + rng.u32(0..50)).collect();
        times.sort_unstable();
        for (i, t) in times.iter().enumerate() {
            let hhmmss = t / 3600 * 10_000 + t / 60 % 60 * 100 + t % 60;
            let _ = write!(bursts, "{hhmmss},2,{},0,80,300,{},0,0,0\r\n", i % 2, i + 1);
            let set: Vec<usize> = if i % 10 == 0 {
                let p = &players[(i / 10) % players.len()];
                let mut s: Vec<usize> = p.iter().copied().filter(|_| rng.f64() < 0.9).collect();
                s.extend(pick.set(&mut rng, 2));
                s
            } else {
                let n = 8 + rng.usize(0..=32);
                pick.set(&mut rng, n)
            };
            let mut file = String::from("Symbol,NumTrades,NumQuotes,BBO\r\n");
            for s in set {
                let _ = write!(file, "{},{},{},{}\r\n", names[s], 10 + rng.u32(0..200), 500, 50);
            }
            std::fs::write(root.join(format!("Data_Burst_Symbols/Burst_{c}_{hhmmss:06}.csv")), file).expect("symbols");
        }
        std::fs::write(root.join(format!("Data_Burst/{c}.csv")), bursts).expect("bursts");
    }
    std::fs::write(done, "").expect("mark");
}

/// `ki2 ARGS` as a user runs it: wall time and peak RSS (MB, when /usr/bin/time is there).
fn run(data: &Path, args: &[&str]) -> (f64, Option<f64>, String) {
    let exe = env!("CARGO_BIN_EXE_ki2");
    let timed = Path::new("/usr/bin/time").exists();
    let mut cmd = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "maxrss_kb=%M", exe]);
        c
    } else {
        Command::new(exe)
    };
    let t = Instant::now();
    let out = cmd
        .args(args)
        .env("KI2_DATA_DIR", data)
        .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
        .output()
        .expect("ki2");
    let secs = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    let rss = err.lines().find_map(|l| l.strip_prefix("maxrss_kb=")).and_then(|v| v.trim().parse::<f64>().ok());
    (secs, rss.map(|kb| kb / 1024.0), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn archive() {
    let root =
        std::env::var_os("KI2_BENCH_BASKETS").map_or_else(|| PathBuf::from("/tmp/ki2-baskets-bench"), PathBuf::from);
    let t = Instant::now();
    ensure(&root);
    println!(
        "archive: 250 days × 400 bursts under {} ({:.1} s to write or find)",
        root.display(),
        t.elapsed().as_secs_f64()
    );
    let data = tempfile::tempdir().expect("tempdir");
    let r = root.to_str().expect("utf-8");
    let (secs, rss, _) = run(data.path(), &["stats", "--root", r, "--date", "all", "--json"]);
    println!("  index built (ki2 stats --date all): {secs:.1} s, peak RSS {}", mb(rss));
    let (secs, rss, out) = run(data.path(), &["baskets", "--root", r, "--json"]);
    println!(
        "  ki2 baskets --json, first run (matches 100,000 bursts, saves the state): {secs:.2} s, peak RSS {}, {} baskets listed",
        mb(rss),
        out.lines().count()
    );
    let mut runs: Vec<(f64, Option<f64>)> = (0..3)
        .map(|_| {
            let (s, m, _) = run(data.path(), &["baskets", "--root", r, "--json"]);
            (s, m)
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!(
        "  ki2 baskets --json, state read back: best {:.2} s, median {:.2} s, peak RSS {}",
        runs[0].0,
        runs[1].0,
        mb(runs[1].1)
    );
    let state = std::fs::read_dir(data.path().join("index"))
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
        .map(|e| e.path().join("baskets.json"));
    if let Some(size) = state.and_then(|p| std::fs::metadata(p).ok()).map(|m| m.len()) {
        println!("  baskets.json: {:.1} MB", size as f64 / 1e6);
    }
}

fn mb(v: Option<f64>) -> String {
    v.map_or_else(|| "not measured".to_owned(), |m| format!("{m:.0} MB"))
}
