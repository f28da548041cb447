//! `ki2 study` (SPEC §6) as a user runs it, on archives and bars the tests write: every figure
//! it prints held against an independent Python polars computation (tests/study_check.py) on a
//! planted effect and on a null archive; the planted effect found and the null not; no
//! look-ahead; both bar layouts; the Parquet of `--out` read by polars and DuckDB; the README's
//! DuckDB query over the lake giving the same figures.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::support::{ki2, write};

type Res = Result<(), Box<dyn std::error::Error>>;

/// Whether python polars and DuckDB are there. Missing, the test fails — unless
/// `KI2_ALLOW_SKIP=1` (and not `KI2_REQUIRE_TOOLS=1`), when it is skipped, saying so.
fn python_tools() -> bool {
    let ok = Command::new("python3").args(["-c", "import polars, duckdb"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        let env = |k: &str| std::env::var(k).as_deref() == Ok("1");
        assert!(
            env("KI2_ALLOW_SKIP") && !env("KI2_REQUIRE_TOOLS"),
            "the study tests check ki2 against python polars and DuckDB: `pip install polars duckdb` \
             (or set KI2_ALLOW_SKIP=1 to skip them)"
        );
        eprintln!("skipped: python3 cannot import polars and duckdb");
    }
    ok
}

fn checker() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/study_check.py")
}

/// Runs the checker; its stdout when it agrees, a failure with its stderr when not.
fn check(args: &[&str]) -> Result<String, String> {
    let out = Command::new("python3").arg(checker()).args(args).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("study_check.py {}: {}", args[0], String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Ten simulated days (seed 3) with their minute bars: `edge` bp planted after cappers.
struct Simulated {
    _dir: tempfile::TempDir,
    root: PathBuf,
    bars: PathBuf,
}

fn simulated(edge: &str) -> Simulated {
    let dir = tempfile::tempdir().unwrap();
    let (root, bars) = (dir.path().join("archive"), dir.path().join("bars"));
    let (root_s, bars_s) = (root.to_str().unwrap(), bars.to_str().unwrap());
    let args = ["simulate", "--root", root_s, "--prices", bars_s, "--edge", edge, "--date", "20250714"];
    let (code, _, err) = ki2(&[&args[..], &["--days", "9", "--instant", "--seed", "3"]].concat());
    assert_eq!(code, 0, "{err}");
    Simulated { _dir: dir, root, bars }
}

fn planted() -> &'static Simulated {
    static S: OnceLock<Simulated> = OnceLock::new();
    S.get_or_init(|| simulated("50"))
}

fn null() -> &'static Simulated {
    static S: OnceLock<Simulated> = OnceLock::new();
    S.get_or_init(|| simulated("0"))
}

#[derive(serde::Deserialize, Debug)]
struct Line {
    event: String,
    subject: String,
    horizon_s: u32,
    n_events: usize,
    t: Option<f64>,
}

fn lines(json: &str) -> Vec<Line> {
    json.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// `ki2 study --json --out` over a simulated archive, then the independent computation.
fn study_and_check(s: &Simulated) -> Result<Vec<Line>, Box<dyn std::error::Error>> {
    let out = tempfile::tempdir()?;
    let (root, bars, out_s) =
        (s.root.to_str().ok_or("path")?, s.bars.to_str().ok_or("path")?, out.path().to_str().ok_or("path")?);
    let (code, json, err) = ki2(&["study", "--root", root, "--prices", bars, "--json", "--out", out_s]);
    assert_eq!(code, 0, "{err}");
    let json_file = out.path().join("ki2.json");
    std::fs::write(&json_file, &json)?;
    let said = check(&["exact", root, bars, json_file.to_str().ok_or("path")?, out_s])?;
    let compared: serde_json::Value = serde_json::from_str(&said)?;
    // Every group the simulator makes, on all three subjects, reached the comparison.
    let groups = compared["groups"].as_array().ok_or("no groups")?;
    assert!(
        groups.len() >= 10 && groups.iter().any(|g| g == "capper/Buy") && groups.iter().any(|g| g == "first_seen"),
        "{said}"
    );
    assert_eq!(compared["compared"].as_u64(), Some(json.lines().count() as u64), "{said}");
    Ok(lines(&json))
}

#[test]
fn every_figure_matches_an_independent_polars_computation_and_the_planted_reversal_is_found() -> Res {
    if !python_tools() {
        return Ok(());
    }
    let found = study_and_check(planted())?;
    for (event, sign) in [("capper/Buy", -1.0), ("capper/Sell", 1.0)] {
        for h in [900, 1800] {
            let l = found.iter().find(|l| l.event == event && l.subject == "hit" && l.horizon_s == h).ok_or(event)?;
            let t = l.t.ok_or("no t")?;
            assert!(t * sign > 5.0, "{event} at {h} s: t = {t} over {} events", l.n_events);
        }
    }
    Ok(())
}

#[test]
fn every_figure_matches_an_independent_polars_computation_and_a_null_archive_shows_no_edge() -> Res {
    if !python_tools() {
        return Ok(());
    }
    let null = study_and_check(null())?;
    let cappers: Vec<&Line> = null.iter().filter(|l| l.event.starts_with("capper/") && l.subject == "hit").collect();
    assert_eq!(cappers.len(), 8, "Buy and Sell at four horizons");
    for l in cappers {
        let t = l.t.ok_or("no t")?;
        assert!(t.abs() < 3.0, "{} at {} s: t = {t} with no effect planted", l.event, l.horizon_s);
    }
    Ok(())
}

#[test]
fn the_readme_duckdb_query_over_the_lake_gives_ki2_study_figures() -> Res {
    if !python_tools() {
        return Ok(());
    }
    let s = planted();
    let dir = tempfile::tempdir()?;
    let (root, bars) = (s.root.to_str().ok_or("path")?, s.bars.to_str().ok_or("path")?);
    let lake = dir.path().join("lake");
    let (code, _, err) = ki2(&["export", "--root", root, "--out", lake.to_str().ok_or("path")?, "--prices", bars]);
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = ki2(&["study", "--root", root, "--prices", bars, "--json", "--event", "burst"]);
    assert_eq!(code, 0, "{err}");
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))?;
    let block = readme.split("<!-- study-query -->").nth(1).ok_or("no <!-- study-query --> in the README")?;
    let sql =
        block.split("```sql").nth(1).and_then(|b| b.split("```").next()).ok_or("no sql block after the marker")?;
    let (sql_file, json_file) = (dir.path().join("study.sql"), dir.path().join("ki2.json"));
    std::fs::write(&sql_file, sql)?;
    std::fs::write(&json_file, json)?;
    let said = check(&[
        "duckdb",
        sql_file.to_str().ok_or("path")?,
        lake.to_str().ok_or("path")?,
        json_file.to_str().ok_or("path")?,
    ])?;
    assert!(said.contains("\"compared\": 9"), "every burst group: {said}");
    Ok(())
}

/// An archive of one day with one burst at `hhmmss` hitting AAA.
fn one_burst(root: &Path, day: &str, hhmmss: &str) {
    write(root, &format!("Data_Burst/{day}.csv"), format!("{hhmmss},1,1,0,250,10,1,1,0\r\n").as_bytes());
    write(
        root,
        &format!("Data_Burst_Symbols/Burst_{day}_{hhmmss:0>6}.csv"),
        b"Symbol,NumTrades,NumQuotes,BBO\r\nAAA,10,20,5\r\n",
    );
}

/// Canonical bars of AAA and SPY every `bar_s` from 09:50 to 10:10: 100, then 110 from the
/// bar starting at `jump` (seconds of day).
fn jump_bars(bar_s: u32, jump: u32) -> String {
    let mut s = String::from("symbol,time,open,high,low,close,volume\n");
    for sym in ["AAA", "SPY"] {
        for start in (35_400..36_600).step_by(bar_s as usize) {
            let c = if start >= jump { 110 } else { 100 };
            let (h, m, sec) = (start / 3600, start / 60 % 60, start % 60);
            s += &format!("{sym},{h}{m:02}{sec:02},{c},{c},{c},{c},10\n");
        }
    }
    s
}

fn mean_at(json: &str, subject: &str, h: u32) -> Option<f64> {
    json.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["subject"] == subject && v["horizon_s"] == h)
        .and_then(|v| v["mean_bp"].as_f64())
}

#[test]
fn a_price_jump_one_second_after_the_event_never_reaches_the_entry_price() -> Res {
    let dir = tempfile::tempdir()?;
    let (root, bars) = (dir.path().join("a"), dir.path().join("bars"));
    // One-second bars: the bar starting at 10:00:00, the burst's second, ends at 10:00:01.
    one_burst(&root, "20250714", "100000");
    write(&bars, "20250714.csv", jump_bars(1, 36_000).as_bytes());
    let args = ["study", "--root", root.to_str().ok_or("path")?, "--prices", bars.to_str().ok_or("path")?, "--json"];
    let (code, json, err) = ki2(&[&args[..], &["--horizons", "1s,60s"]].concat());
    assert_eq!(code, 0, "{err}");
    // Entry 100 (the close known at 10:00:00), exit 110: +10 %, for AAA and for the market.
    for subject in ["hit", "market"] {
        assert_eq!(mean_at(&json, subject, 1).map(f64::round), Some(1000.0), "{subject}: {json}");
    }
    // Minute bars: at 10:00:30 the bar starting at 10:00 (the jump) is still running.
    let dir2 = tempfile::tempdir()?;
    let (root, bars) = (dir2.path().join("a"), dir2.path().join("bars"));
    one_burst(&root, "20250714", "100030");
    write(&bars, "20250714.csv", jump_bars(60, 36_000).as_bytes());
    let args = ["study", "--root", root.to_str().ok_or("path")?, "--prices", bars.to_str().ok_or("path")?, "--json"];
    let (code, json, err) = ki2(&[&args[..], &["--horizons", "1s,30s,60s"]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(mean_at(&json, "hit", 1), Some(0.0), "10:00:31: nothing new has ended: {json}");
    assert_eq!(mean_at(&json, "hit", 30).map(f64::round), Some(1000.0), "10:01:00: the jump's bar has ended: {json}");
    Ok(())
}

fn vendor_ns(day: &str, hhmm: (u32, u32)) -> i64 {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y%m%d").unwrap();
    // July in New York is UTC-4.
    d.and_hms_opt(hhmm.0 + 4, hhmm.1, 0).unwrap().and_utc().timestamp() * 1_000_000_000
}

#[test]
fn both_bar_layouts_read_a_gzipped_vendor_file_too_and_a_malformed_bar_is_counted() -> Res {
    let dir = tempfile::tempdir()?;
    let (root, bars) = (dir.path().join("a"), dir.path().join("bars"));
    one_burst(&root, "20250714", "100030");
    one_burst(&root, "20250715", "100030");
    write(&bars, "20250714.csv", jump_bars(60, 36_060).as_bytes());
    // Day two from a vendor's flat file, gzipped, nested as vendors ship them, with one bad row.
    let mut text = String::from("ticker,volume,open,close,high,low,window_start,transactions\n");
    for (i, m) in (50..70).enumerate() {
        let c = if m >= 61 { 110 } else { 100 };
        let ns = vendor_ns("20250715", (9 + m / 60, m % 60));
        text += &format!("AAA,10,{c},{c},{c},{c},{ns},3\n");
        if i == 3 {
            text += &format!("AAA,10,100,oops,100,100,{ns},3\n");
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes())?;
    let gz_path = write(&bars, "minute_aggs_v1/2025/07/2025-07-15.csv.gz", &gz.finish()?);
    let args = ["study", "--root", root.to_str().ok_or("path")?, "--prices", bars.to_str().ok_or("path")?, "--json"];
    let (code, json, err) = ki2(&[&args[..], &["--horizons", "5m"]].concat());
    assert_eq!(code, 0, "{err}");
    let hit: serde_json::Value = json
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["subject"] == "hit" && v["event"] == "burst/HIGH/Buy")
        .ok_or("no hit line")?;
    assert_eq!((hit["n_events"].as_u64(), hit["n"].as_u64()), (Some(2), Some(2)), "{json}");
    assert_eq!(hit["mean_bp"].as_f64().map(f64::round), Some(1000.0), "{json}");
    let want = format!("1 malformed bar row(s) skipped: {}:6: close is not a number: \"oops\"", gz_path.display());
    assert!(err.contains(&want), "{err}");
    // The vendor file has no SPY: the market line is day one's alone.
    let market = json.lines().filter(|l| l.contains("\"market\"") && l.contains("burst/HIGH/Buy")).collect::<String>();
    assert!(market.contains("\"n_events\":1,"), "{json}");
    Ok(())
}

/// Five bad bar rows over two days: the warning gives the count and the first three with
/// file:line, and says how to list them all; `--malformed` lists every one, file:line: reason.
#[test]
fn every_malformed_bar_row_is_named_with_its_file_and_line() -> Res {
    let dir = tempfile::tempdir()?;
    let (root, bars) = (dir.path().join("a"), dir.path().join("bars"));
    let mut bad = Vec::new();
    for (day, lines) in [("20250714", [3, 9, 10]), ("20250715", [2, 40, 0])] {
        one_burst(&root, day, "100030");
        let mut text: Vec<String> = jump_bars(60, 36_060).lines().map(str::to_owned).collect();
        // Lowest line first, so each bad line lands on the line number it names.
        for &n in lines.iter().filter(|n| **n > 0) {
            text.insert(n - 1, format!("AAA,1000{n},x,1,1,1,1"));
        }
        let path = write(&bars, &format!("{day}.csv"), (text.join("\n") + "\n").as_bytes());
        bad.extend(lines.iter().filter(|n| **n > 0).map(|n| format!("{}:{n}: ", path.display())));
    }
    let args = ["study", "--root", root.to_str().ok_or("path")?, "--prices", bars.to_str().ok_or("path")?];
    let (code, _, err) = ki2(&args);
    assert_eq!(code, 0, "{err}");
    let warning = err.lines().find(|l| l.contains("malformed bar row(s)")).ok_or(err.clone())?;
    assert!(warning.starts_with("ki2: warning: 5 malformed bar row(s) skipped: "), "{warning}");
    for (i, b) in bad.iter().enumerate() {
        assert_eq!(warning.contains(b.as_str()), i < 3, "{b} in {warning}");
    }
    assert!(warning.ends_with("list them all with --malformed"), "{warning}");
    let (code, _, err) = ki2(&[&args[..], &["--malformed"]].concat());
    assert_eq!(code, 0, "{err}");
    let listed: Vec<&str> = err.lines().filter_map(|l| l.strip_prefix("ki2: malformed bar row: ")).collect();
    assert_eq!(listed.len(), 5, "{err}");
    for (line, b) in listed.iter().zip(&bad) {
        assert!(line.starts_with(b.as_str()), "{line} is not {b}");
    }
    Ok(())
}

#[test]
fn bad_input_is_named_and_exits_with_the_right_code() -> Res {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("a");
    one_burst(&root, "20250714", "100030");
    let r = root.to_str().ok_or("path")?;
    let (code, _, err) = ki2(&["study", "--root", r]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no price bars: give --prices DIR or set [prices] dir"), "{err}");
    let (code, _, err) = ki2(&["study", "--root", r, "--prices", "/nonexistent-bars", "--horizons", "5m"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("prices folder /nonexistent-bars"), "{err}");
    let (code, _, err) = ki2(&["study", "--root", r, "--prices", r, "--horizons", "5x"]);
    assert_eq!((code, err.contains("invalid --horizons \"5x\"")), (2, true), "{err}");
    let bars = dir.path().join("bars");
    let bad = write(&bars, "20250714.csv", b"date,px\n1,2\n");
    let (code, out, err) = ki2(&["study", "--root", r, "--prices", bars.to_str().ok_or("path")?]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("{}: header \"date,px\" is neither", bad.display())), "{err}");
    assert!(out.contains("1 day(s), 0 with bars"), "the table still says what it had: {out}");
    Ok(())
}

#[test]
fn a_rules_alerts_are_events_on_their_own_symbol() -> Res {
    let dir = tempfile::tempdir()?;
    let (root, bars) = (dir.path().join("a"), dir.path().join("bars"));
    write(&root, "Data_Burst/20250714.csv", b"100030,1,1,0,250,10,1,1,0\r\n");
    // symbol-hit (a default rule): a burst symbol with NT >= 100 — AAA alerts, BBB does not.
    write(
        &root,
        "Data_Burst_Symbols/Burst_20250714_100030.csv",
        b"Symbol,NumTrades,NumQuotes,BBO\r\nAAA,150,20,5\r\nBBB,10,20,5\r\n",
    );
    write(&bars, "20250714.csv", jump_bars(60, 36_060).as_bytes());
    let args = ["study", "--root", root.to_str().ok_or("path")?, "--prices", bars.to_str().ok_or("path")?, "--json"];
    let (code, json, err) = ki2(&[&args[..], &["--event", "rule:symbol-hit", "--horizons", "5m"]].concat());
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = json.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    assert_eq!(lines.len(), 1, "{json}");
    assert_eq!(
        (lines[0]["event"].as_str(), lines[0]["subject"].as_str(), lines[0]["n"].as_u64()),
        (Some("rule:symbol-hit"), Some("symbol"), Some(1))
    );
    assert_eq!(lines[0]["mean_bp"].as_f64().map(f64::round), Some(1000.0));
    let (code, _, err) = ki2(&[&args[..], &["--event", "rule:nope"]].concat());
    assert_eq!((code, err.contains("--event rule:nope: no rule named nope")), (2, true), "{err}");
    Ok(())
}
