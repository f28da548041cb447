//! The simulator, judged by what a reader of its files finds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ki2::archive::{Archive, ColumnOrder, Day, DayData, Kind, ProgType, SecondOfDay, read_day};
use ki2::sim::{self, Profile, SimOptions, SimSummary};

fn day() -> Day {
    Day::parse_compact("20250714").expect("valid day")
}

fn at(hhmmss: u32) -> SecondOfDay {
    SecondOfDay::from_hhmmss(hhmmss).expect("valid time")
}

fn opts(root: &Path, seed: u64, profile: Profile) -> SimOptions {
    SimOptions { root: root.to_path_buf(), day: day(), seed, profile }
}

/// Every file under `root`, by relative path.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn read(root: &Path) -> DayData {
    let archive = Archive::discover_day(root, day()).expect("discover");
    read_day(&archive.files(day()), ColumnOrder::default())
}

fn counts(data: &DayData) -> (u64, u64, u64, u64) {
    (data.quotes.len() as u64, data.s2.len() as u64, data.s1.len() as u64, data.bursts.len() as u64)
}

fn summary_counts(s: &SimSummary) -> (u64, u64, u64, u64) {
    (s.hft1_rows, s.hft2_rows, s.hft3_rows, s.bursts)
}

#[test]
fn the_same_seed_writes_the_same_bytes_and_another_seed_does_not() {
    let (a, b) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
    let first = sim::write_day(&opts(a.path(), 7, Profile::Normal)).expect("write");
    let again = sim::write_day(&opts(b.path(), 7, Profile::Normal)).expect("write");
    assert_eq!(first, again);
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.len() as u64, 4 + first.symbol_files);
    assert!(fa == fb, "same seed, different files");

    // Another seed, written over the first day: every file differs.
    let other = sim::write_day(&opts(b.path(), 8, Profile::Normal)).expect("write");
    assert_ne!(first, other);
    let fb = files(b.path());
    for name in
        ["Data/20250714_hft1.csv", "Data/20250714_hft2.csv", "Data/20250714_hft3.csv", "Data_Burst/20250714.csv"]
    {
        assert_ne!(fa.get(Path::new(name)), fb.get(Path::new(name)), "{name}");
    }
    // And back: the other seed's files are replaced, not left behind (symbol files included).
    sim::write_day(&opts(b.path(), 7, Profile::Normal)).expect("write");
    assert!(files(b.path()) == fa, "rewriting a day left stale files");
}

#[test]
fn a_simulated_day_reads_back_as_its_summary_says() {
    let dir = tempfile::tempdir().expect("tmp");
    let summary = sim::write_day(&opts(dir.path(), 11, Profile::Normal)).expect("write");
    let data = read(dir.path());
    assert!(data.errors.is_empty() && data.partial.is_empty(), "{:?} {:?}", data.errors, data.partial);
    assert_eq!(counts(&data), summary_counts(&summary));
    assert!((135_000..=165_000).contains(&summary.hft1_rows), "{}", summary.hft1_rows);
    assert!((270..=330).contains(&summary.bursts), "{}", summary.bursts);
    assert_eq!(data.malformed.len() as u64, summary.malformed);
    let bad_files: std::collections::BTreeSet<String> =
        data.malformed.iter().filter_map(|m| m.file.file_name().map(|f| f.to_string_lossy().into_owned())).collect();
    for f in ["20250714_hft1.csv", "20250714_hft2.csv", "20250714_hft3.csv", "20250714.csv"] {
        assert!(bad_files.contains(f), "no malformed line in {f}: {bad_files:?}");
    }

    // One S1 and one S2 row per second, 09:30:00 to 16:00:00.
    let session: Vec<u32> = (at(93000).secs()..=at(160000).secs()).collect();
    assert_eq!(data.s2.iter().map(|r| r.time.secs()).collect::<Vec<_>>(), session);
    assert_eq!(data.s1.iter().map(|r| r.time.secs()).collect::<Vec<_>>(), session);

    // Running totals: CT counts rows, CB buys, CS sells, and (as in real files) no CU: the
    // undetermined rest is CT − CB − CS, as the screen shows it.
    let (mut buy, mut sell, mut und) = (0, 0, 0);
    for (i, b) in data.bursts.iter().enumerate() {
        match b.prog_type {
            ProgType::Buy => buy += 1,
            ProgType::Sell => sell += 1,
            ProgType::Und => und += 1,
        }
        assert_eq!((b.ct, b.cb, b.cs), (i as u32 + 1, buy, sell), "burst {}", b.time);
        assert_eq!(b.cb + b.cs + und, b.ct);
        assert_eq!((b.cu.as_deref(), b.cu_shown()), (None, und.to_string()));
        let series = |rows: &[ki2::archive::SeriesRow]| rows[(b.time.secs() - at(93000).secs()) as usize].value;
        assert_eq!((b.s1, b.s2), (series(&data.s1), series(&data.s2)), "burst {}", b.time);
        assert!(b.time >= at(93000) && b.time <= at(160000));
    }
    assert_eq!((u64::from(buy), u64::from(sell), u64::from(und)), (summary.buy, summary.sell, summary.und));
    assert!(und > 0 && und * 10 < data.bursts.len() as u32, "UND is rare but present: {und}");
    assert_eq!(data.bursts.last().map(|b| b.ct), Some(data.bursts.len() as u32));

    // Cappers: a few, late, and nothing else reaches S1 200.
    let cappers: Vec<SecondOfDay> = data.bursts.iter().filter(|b| b.s1 >= 200).map(|b| b.time).collect();
    assert!((2..=4).contains(&cappers.len()) && cappers.iter().all(|&t| t >= at(143000)), "{cappers:?}");

    // A symbols file for every burst but the deliberately missing ones.
    assert!(!summary.missing_symbol_files.is_empty());
    let expected: Vec<SecondOfDay> =
        data.bursts.iter().map(|b| b.time).filter(|t| !summary.missing_symbol_files.contains(t)).collect();
    assert_eq!(data.symbols.keys().copied().collect::<Vec<_>>(), expected);
    assert_eq!(summary.symbol_files, expected.len() as u64);
    assert!(data.symbols.values().all(|hits| (8..=40).contains(&hits.len())));
    let big_hits = data.symbols.values().flatten().filter(|h| h.num_trades >= 100).count();
    assert!(big_hits > data.symbols.len() / 2, "{big_hits}");

    // High quote counts over the extended session, busiest at the open, with red rows.
    let q = &data.quotes;
    assert!(q.time.iter().all(|&t| t >= at(40000) && t <= at(200000)));
    let in_range = |from: u32, to: u32| q.time.iter().filter(|&&t| t >= at(from) && t < at(to)).count();
    assert!(in_range(40000, 50000) > 0 && in_range(170000, 200000) > 0);
    assert!(in_range(93000, 94000) > 5 * in_range(70000, 71000), "the open is busy, the pre-market quiet");
    assert!(q.num_quotes.iter().all(|&n| n >= 1000));
    let red = q.num_quotes.iter().filter(|&&n| n >= 2000).count();
    assert!(red * 20 > q.len() && red * 4 < q.len(), "{red} of {}", q.len());
    assert!(q.num_quotes.iter().any(|&n| n >= 20_000), "rare huge counts");
    let null_dollars = q.dollars.iter().filter(|d| d.is_none()).count();
    assert!(null_dollars > 0 && null_dollars * 10 < q.len(), "{null_dollars}");
    assert!(q.symbol.iter().any(|s| s == "BRK.B") && q.symbol.iter().any(|s| s == "BF/B"));
    // One row per symbol and second.
    let mut seen = std::collections::HashSet::new();
    assert!(q.rows().all(|r| seen.insert((r.time, r.symbol))));
}

#[test]
fn the_files_have_the_windows_writers_shape() {
    let dir = tempfile::tempdir().expect("tmp");
    sim::write_day(&opts(dir.path(), 3, Profile::Normal)).expect("write");
    for (path, bytes) in files(dir.path()) {
        assert!(bytes.ends_with(b"\r\n"), "{}", path.display());
        let lf = bytes.iter().filter(|&&b| b == b'\n').count();
        let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
        assert_eq!(lf, crlf, "bare LF in {}", path.display());
    }
    let hft1 = std::fs::read(dir.path().join("Data/20250714_hft1.csv")).expect("read");
    let lines: Vec<&[u8]> = hft1.split(|&b| b == b'\n').filter(|l| l.len() > 1).collect();
    // Whole lines end in a trailing comma; the only others are the malformed ones cut short.
    let whole = |l: &&&[u8]| l.iter().filter(|&&b| b == b',').count() >= 7;
    assert!(lines.iter().filter(whole).all(|l| l.ends_with(b",\r")), "hft1 lines end with a trailing comma");
    assert!(lines.iter().filter(|l| !whole(l)).count() < 10);
    // Unpadded times: 04:00:05 is written 40005.
    assert!(lines[0].split(|&b| b == b',').nth(2).is_some_and(|t| t.len() == 5 && t[0] == b'4'));
    assert!(hft1.windows(4).any(|w| w == b"\r\n\r\n"), "blank lines occur");
    let symbols = files(&dir.path().join("Data_Burst_Symbols"));
    assert!(symbols.values().all(|f| f.starts_with(b"Symbol,NumTrades,NumQuotes,BBO\r\n")));
    assert!(symbols.keys().all(|p| p.to_string_lossy().starts_with("Burst_20250714_")));
}

#[test]
fn the_heavy_day_has_exact_counts() {
    // About 3 s in a debug build: cheap enough for the default run.
    let dir = tempfile::tempdir().expect("tmp");
    let summary = sim::write_day(&opts(dir.path(), 1, Profile::Heavy)).expect("write");
    assert_eq!(summary_counts(&summary), (1_000_000, 23_401, 23_401, 400));
    let data = read(dir.path());
    assert_eq!(counts(&data), (1_000_000, 23_401, 23_401, 400));
    assert_eq!(data.malformed.len() as u64, summary.malformed);
    assert_eq!(data.symbols.len() as u64 + summary.missing_symbol_files.len() as u64, 400);
    assert!(data.symbols.values().all(|hits| (8..=40).contains(&hits.len())));
}

#[test]
fn history_is_the_weekdays_before_the_last_day() {
    let dir = tempfile::tempdir().expect("tmp");
    // 2025-07-14 is a Monday: the three weekdays before it are Wed 9, Thu 10, Fri 11.
    sim::seed_history(dir.path(), day(), 3, 5, &sim::players(5, sim::DEFAULT_PLAYERS), None).expect("history");
    let archive = Archive::discover(dir.path()).expect("discover");
    let days: Vec<String> = archive.days.keys().map(|d| d.compact()).collect();
    assert_eq!(days, ["20250709", "20250710", "20250711"]);
    let hft1 = |d: &str| std::fs::read(dir.path().join(format!("Data/{d}_hft1.csv"))).expect("read");
    assert_ne!(hft1("20250710"), hft1("20250711"), "each day its own market");
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_live_day_grows_under_a_reader_and_stops_promptly() {
    let dir = tempfile::tempdir().expect("tmp");
    // Ten market minutes before the close at 30x: everything earlier is written at once.
    let live = sim::spawn_live(opts(dir.path(), 21, Profile::Normal), 30.0, Some(at(155000))).expect("spawn");
    let (mut first, mut first_quotes) = (0, 0);
    wait_until("the instant part", Duration::from_secs(60), || {
        let data = read(dir.path());
        (first, first_quotes) = (data.s2.len(), data.quotes.len());
        first >= (at(155000).secs() - at(93000).secs()) as usize
    });
    // Live writes are cut mid-line now and then: a tailer must see half-written lines.
    let data_dir = dir.path().join("Data");
    let half_written = || {
        [Kind::Quotes, Kind::S2, Kind::S1].iter().any(|k| {
            std::fs::read(data_dir.join(k.file_name(day(), None))).is_ok_and(|b| !b.is_empty() && !b.ends_with(b"\n"))
        })
    };
    let (mut grown, mut saw_half_line) = (first, false);
    wait_until("live rows and a half-written line", Duration::from_secs(60), || {
        for _ in 0..20 {
            saw_half_line |= half_written();
            std::thread::sleep(Duration::from_millis(5));
        }
        let data = read(dir.path());
        grown = data.s2.len();
        grown > first + 5 && data.quotes.len() > first_quotes && saw_half_line
    });
    let asked = Instant::now();
    let summary = live.stop().expect("stop");
    assert!(asked.elapsed() < Duration::from_secs(5), "stop took {:?}", asked.elapsed());
    // Stopping completes the line being written: the files hold exactly what was counted.
    let data = read(dir.path());
    assert!(data.partial.is_empty(), "{:?}", data.partial);
    assert_eq!(counts(&data), summary_counts(&summary));
    assert_eq!(data.malformed.len() as u64, summary.malformed);
    assert!(summary.hft2_rows as usize >= grown);
}

#[test]
fn a_live_day_run_to_its_end_writes_what_an_instant_day_writes() {
    let (live_dir, instant_dir) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
    let live = sim::spawn_live(opts(live_dir.path(), 4, Profile::Normal), 1_000.0, Some(at(194000))).expect("spawn");
    wait_until("the end of the day", Duration::from_secs(120), || live.is_finished());
    assert_eq!(live.market_time(), at(200000));
    let summary = live.stop().expect("finished");
    let instant = sim::write_day(&opts(instant_dir.path(), 4, Profile::Normal)).expect("write");
    assert_eq!(summary, instant);
    assert!(files(live_dir.path()) == files(instant_dir.path()), "live and instant bytes differ");
}

/// Bar lines of a bars file, without the header, as a set.
fn bar_lines(path: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_to_string(path).expect("bars").lines().skip(1).map(str::to_owned).collect()
}

#[test]
fn a_live_days_bars_appear_a_minute_at_a_time_once_each_minute_has_ended() {
    let (live_dir, whole_dir) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
    let prices = |dir: &Path| sim::PricesOut { dir: dir.join("prices"), edge_bp: sim::DEFAULT_EDGE_BP };
    let o = opts(live_dir.path(), 9, Profile::Normal);
    let players = sim::players(9, sim::DEFAULT_PLAYERS);
    let bars = sim::growing_bars(&o, &players, &prices(live_dir.path())).expect("plan");
    let path = bars.path().to_path_buf();
    // From 09:40:30 at 60x: 10 minutes have ended at the start, more as it runs.
    let live = sim::spawn_live_with(o, &players, 60.0, Some(at(94030)), Some(bars)).expect("spawn");
    let minutes = |lines: &std::collections::BTreeSet<String>| {
        lines.iter().map(|l| l.split(',').nth(1).unwrap_or("").to_owned()).collect::<std::collections::BTreeSet<_>>()
    };
    // 09:30 to 09:42: thirteen minutes, the last two written live.
    wait_until("bars of 09:42", Duration::from_secs(60), || path.exists() && minutes(&bar_lines(&path)).len() >= 13);
    let at_stop = live.market_time().secs();
    live.stop().expect("stop");
    let got = bar_lines(&path);
    // The same bars as the day written whole, but only those of minutes ended by the stop.
    let whole = sim::write_bars(&opts(whole_dir.path(), 9, Profile::Normal), &players, &prices(whole_dir.path()))
        .expect("whole day");
    let ended = |line: &String| {
        let start = line.split(',').nth(1).and_then(|t| t.parse::<u32>().ok()).expect("time");
        at(start).secs() + 60 <= at_stop + 1
    };
    let expected: std::collections::BTreeSet<String> = bar_lines(&whole).into_iter().filter(ended).collect();
    assert!(minutes(&got).len() >= 13, "{:?}", minutes(&got));
    assert!(got.is_subset(&expected), "a bar of a minute not ended by {at_stop} s, or one the whole day lacks");
    // At most the minute that ended between the last write and the stop is missing.
    assert!(minutes(&expected).len() - minutes(&got).len() <= 1, "{:?} vs {:?}", minutes(&got), minutes(&expected));
}

#[test]
fn bad_live_speeds_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    for speed in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(sim::spawn_live(opts(dir.path(), 1, Profile::Normal), speed, None).is_err(), "{speed}");
    }
}

fn ki2(config: &Path) -> Command {
    let mut cmd = crate::support::ki2_cmd();
    cmd.env("KI2_CONFIG_DIR", config).env_remove("KI2_ROOT");
    cmd
}

#[test]
fn the_command_writes_a_day_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("archive");
    let out = ki2(dir.path())
        .args(["simulate", "--instant", "--seed", "7", "--date", "20250714", "--root"])
        .arg(&root)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let expected = sim::write_day(&opts(&dir.path().join("again"), 7, Profile::Normal)).expect("write");
    assert!(stdout.starts_with("2025-07-14 in "), "{stdout}");
    assert!(stdout.contains(&format!("{} hft1 rows", expected.hft1_rows)), "{stdout}");
    assert!(files(&root) == files(&dir.path().join("again")));

    for bad in [
        &["--profile", "huge"][..],
        &["--start", "250000"],
        &["--speed", "0"],
        &["--date", "latest"],
        &["--date", "20250231"],
    ] {
        let out = ki2(dir.path()).args(["simulate", "--root"]).arg(&root).args(bad).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1, "{bad:?}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_live_run_with_a_summary_and_exit_code_zero() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("archive");
    let child = ki2(dir.path())
        .args(["simulate", "--speed", "10", "--start", "155000", "--date", "20250714", "--root"])
        .arg(&root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Seconds into the live part (well after the Ctrl-C handler is in place).
    let hft2 = root.join("Data").join(Kind::S2.file_name(day(), None));
    let live_rows = (at(155005).secs() - at(93000).secs()) as usize;
    wait_until("the live run", Duration::from_secs(60), || hft2.exists() && read(&root).s2.len() > live_rows);
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{:?} {}", out.status, String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("(stopped at 15:5") && stdout.contains("hft2 rows"), "{stdout}");
    let data = read(&root);
    assert!(data.partial.is_empty());
    assert!(stdout.contains(&format!("{} hft2 rows", data.s2.len())), "{stdout}");
}
