//! Archive reading end to end: days written with every quirk a Windows writer leaves, in both
//! layouts, checked through the public commands (`stats`, `export`) and the library.

use std::fs;
use std::path::Path;

use crate::support::{ki2, write};
use ki2::archive::{Archive, DateSpec, Day, DayData, read_day};
use ki2::config::Config;
use ki2::store::DayStore;
use ki2::store::sort_keys::{QuoteField, QuoteRows};

/// 2025-07-14, flat layout, every quirk of SPEC §1.
fn quirky_day(root: &Path) {
    write(
        root,
        "Data/20250714_hft1.csv",
        b"\xEF\xBB\xBFSPY,0,40000,2500,10,20,1000,\r\n\
          BRK.B,0,93001,1500,5,0,,\r\n\
          \r\n\
          BF/B,0,93002,2100,5,7,700,\r\n\
          TOO,0,93003,12\r\n\
          NAN,0,93004,abc,1,1,1,\r\n\
          LATE,0,250000,1,1,1,1,\r\n\
          QQQ,0,93005,4947,812,316,64284132,\r\n\
          IWM,0,93006,4947,3,3,,\r\n\
          \r\n\
          DIA,0,1600",
    );
    write(root, "Data/20250714_hft2.csv", b"93000,10\n93001,12\n\n93002,x\n");
    write(root, "Data/20250714_hft3.csv", b"93000,3\r\n93001,4\r\n93002,5\r\n");
    write(
        root,
        "Data_Burst/20250714.csv",
        b"93000,1,1,0,214,520,1,0,1\r\n\
          93005,3,0,1,10,20,2,1,1,2\r\n\
          93006,9,0,1,10,20,3,2,1,2\r\n\
          93010,2,5,0,10,20,3,1,1,\r\n",
    );
    write(
        root,
        "Data_Burst_Symbols/Burst_20250714_093000.csv",
        b"Symbol,NumTrades,NumQuotes,BBO\r\nSPY,511,5858,1149\r\nIWM,3,4,5\r\n",
    );
    write(root, "Data_Burst_Symbols/Burst_20250714_093005.csv", b"AAPL,120,600,90\r\nMSFT,x,1,1\r\n");
}

const QUIRKY_STATS: &str = r#"{"date":"2025-07-14","hft1_rows":5,"hft2_rows":2,"hft3_rows":3,"bursts":3,"buy_bursts":1,"sell_bursts":1,"grade_high":1,"grade_mod":1,"grade_low":1,"symbol_files":2,"symbol_rows":3,"malformed":6,"null_dollars":2,"max_quotes":4947,"max_quotes_symbol":"QQQ","last_ct":3,"last_cb":1,"last_cs":1}"#;

#[test]
fn stats_json_counts_a_quirky_day_exactly() {
    let dir = tempfile::tempdir().unwrap();
    quirky_day(dir.path());
    let root = dir.path().to_str().unwrap();
    let (code, out, err) = ki2(&["stats", "--root", root, "--date", "20250714", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), QUIRKY_STATS);
}

/// The quirky day, written to a temp folder and read whole as the archive's latest day.
fn quirky_day_read() -> (tempfile::TempDir, DayData) {
    let dir = tempfile::tempdir().unwrap();
    quirky_day(dir.path());
    let archive = Archive::discover(dir.path()).unwrap();
    let day = archive.resolve(DateSpec::Latest).unwrap();
    let data = read_day(&archive.files(day), Default::default());
    (dir, data)
}

#[test]
fn malformed_rows_are_listed_with_file_line_and_reason() {
    let (dir, data) = quirky_day_read();
    let listed: Vec<String> = data
        .malformed
        .iter()
        .map(|m| format!("{}:{}: {}", m.file.strip_prefix(dir.path()).unwrap().display(), m.line, m.reason))
        .collect();
    assert_eq!(
        listed,
        vec![
            "Data/20250714_hft1.csv:5: too few fields (4, expected 7)",
            "Data/20250714_hft1.csv:6: num_quotes is not a number: \"abc\"",
            "Data/20250714_hft1.csv:7: impossible time 250000 (HHMMSS)",
            "Data/20250714_hft2.csv:4: value is not a number: \"x\"",
            "Data_Burst/20250714.csv:3: unknown grade \"9\" (1=HIGH, 2=MOD, 3=LOW)",
            "Data_Burst_Symbols/Burst_20250714_093005.csv:2: num_trades is not a number: \"x\"",
        ]
    );
    // The half-written last line is not a row yet, nor a malformed one.
    assert_eq!(data.partial.len(), 1);
    // Values: unpadded times, BOM stripped, empty dollars kept as null.
    let first = data.quotes.row(0);
    assert_eq!((first.symbol, first.time.to_string(), first.dollars), ("SPY", "04:00:00".to_string(), Some(1000.0)));
    assert_eq!(data.quotes.row(1).dollars, None);
    assert_eq!(data.bursts[0].cu, None);
    assert_eq!(data.bursts[1].cu.as_deref(), Some("2"));
}

#[test]
fn monthly_and_flat_layouts_mix_in_one_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    quirky_day(root);
    write(root, "2025/06/Data/20250613_hft1.csv", b"AAPL,0,93000,2100,1,1,1,\r\n");
    write(root, "2025/06/Data_Burst/20250613.csv", b"93000,2,1,0,1,1,1,0,1\r\n");
    write(root, "2025/07/Data/20250715_hft1.csv", b"SPY,0,93000,100,1,1,1,\r\n");
    write(root, "2025/07/Data_Burst/20250715.csv", b"93000,2,0,0,1,1,1,1,0\r\n");
    // A date that does not exist is skipped and reported.
    write(root, "Data/20250231_hft1.csv", b"SPY,0,93000,100,1,1,1,\r\n");
    let archive = Archive::discover(root).unwrap();
    let days: Vec<String> = archive.days.keys().map(Day::to_string).collect();
    assert_eq!(days, ["2025-06-13", "2025-07-14", "2025-07-15"]);
    assert_eq!(archive.warnings.len(), 1);
    assert!(archive.warnings[0].contains("20250231_hft1.csv"), "{:?}", archive.warnings);

    let (code, out, _) = ki2(&["stats", "--root", root.to_str().unwrap(), "--date", "all", "--json"]);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!((lines[0]["hft1_rows"].as_u64(), lines[0]["bursts"].as_u64()), (Some(1), Some(1)));
    assert_eq!((lines[2]["hft1_rows"].as_u64(), lines[2]["sell_bursts"].as_u64()), (Some(1), Some(1)));
    assert_eq!(lines[2]["last_cs"].as_u64(), Some(1));
    // `latest` is the newest day.
    let (_, out, _) = ki2(&["stats", "--root", root.to_str().unwrap(), "--json"]);
    assert!(out.starts_with(r#"{"date":"2025-07-15""#), "{out}");
}

#[test]
fn stats_keys_are_exactly_the_specs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Data/20250101_hft2.csv", b"93000,1\r\n");
    let (code, out, _) = ki2(&["stats", "--root", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = vec![
        "date",
        "hft1_rows",
        "hft2_rows",
        "hft3_rows",
        "bursts",
        "buy_bursts",
        "sell_bursts",
        "grade_high",
        "grade_mod",
        "grade_low",
        "symbol_files",
        "symbol_rows",
        "malformed",
        "null_dollars",
        "max_quotes",
        "max_quotes_symbol",
        "last_ct",
        "last_cb",
        "last_cs",
    ];
    let mut got = keys.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // A day without hft1 or bursts: nulls, not zeros.
    assert!(v["max_quotes"].is_null() && v["max_quotes_symbol"].is_null() && v["last_ct"].is_null());
}

#[test]
fn export_writes_parquet_that_reads_back() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    quirky_day(dir.path());
    let out = dir.path().join("out");
    let (code, stdout, err) = ki2(&["export", "--root", dir.path().to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout.trim(), "2025-07-14: 5 files, 16 rows");
    let read = |kind: &str| {
        let f = fs::File::open(out.join(kind).join("date=2025-07-14/part-0.parquet")).unwrap();
        ParquetReader::new(f).finish().unwrap()
    };
    let hft1 = read("hft1");
    assert_eq!(hft1.height(), 5);
    assert_eq!(hft1.column("dollars").unwrap().null_count(), 2);
    assert!(matches!(hft1.column("time").unwrap().dtype(), DataType::Datetime(TimeUnit::Milliseconds, None)));
    let bursts = read("bursts");
    assert_eq!(bursts.height(), 3);
    let symbols = bursts.column("symbols").unwrap().list().unwrap();
    let first = symbols.get_as_series(0).unwrap();
    let hit = first.struct_().unwrap().field_by_name("symbol").unwrap();
    assert_eq!(hit.str().unwrap().iter().collect::<Vec<_>>(), vec![Some("SPY"), Some("IWM")]);
    assert_eq!(symbols.get_as_series(1).unwrap().len(), 1);
    // The third burst (09:30:10) has no symbols file: null, not an empty list.
    assert!(symbols.get_as_series(2).is_none());
    assert_eq!(read("burst_symbols").height(), 3);
    assert_eq!(read("hft2").height(), 2);
}

#[test]
fn bad_input_gets_one_line_and_the_right_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let missing = dir.path().join("nope");
    let (code, _, err) = ki2(&["stats", "--root", missing.to_str().unwrap()]);
    assert_eq!((code, err.lines().count()), (1, 1), "{err}");
    assert!(err.contains("does not exist") && err.contains("nope"), "{err}");

    quirky_day(dir.path());
    let (code, _, err) = ki2(&["stats", "--root", root, "--date", "20240101"]);
    assert_eq!(code, 1);
    assert!(err.contains("no archive files for 2024-01-01"), "{err}");

    let (code, _, err) = ki2(&["stats", "--root", root, "--date", "2024-13-45"]);
    assert_eq!(code, 2, "{err}");

    let (code, _, _) = ki2(&["stats", "--bogus"]);
    assert_eq!(code, 2);

    let cfg = write(dir.path(), "bad.toml", b"[columns]\nhft1 = [\"symbol\",\n");
    let (code, _, err) = ki2(&["--config", cfg.to_str().unwrap(), "stats", "--root", root]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.toml") && err.contains("line 2"), "{err}");

    // An hft1 "file" that is a folder: reported by name, the rest of the day still counted.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir_all(other.path().join("Data/20250714_hft1.csv")).unwrap();
    write(other.path(), "Data/20250714_hft2.csv", b"93000,1\r\n");
    let (code, out, err) = ki2(&["stats", "--root", other.path().to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    assert!(err.contains("20250714_hft1.csv") && err.contains("folder"), "{err}");
    assert!(out.contains(r#""hft2_rows":1"#), "{out}");
}

#[test]
fn column_order_comes_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    // This writer puts NumTrades before BBO, and CB before CS (real files put CS first).
    write(dir.path(), "Data/20250714_hft1.csv", b"SPY,0,93000,2500,7,99,1000,\r\n");
    write(dir.path(), "Data_Burst/20250714.csv", b"93000,1,1,0,1,1,5,3,2\r\n");
    let cfg = write(
        dir.path(),
        "cfg.toml",
        b"[columns]\nhft1 = [\"symbol\", \"t1\", \"time\", \"num_quotes\", \"num_trades\", \"bbo\", \"dollars\"]\n\
          burst = [\"time\", \"grade\", \"prog_type\", \"background\", \"s1\", \"s2\", \"ct\", \"cb\", \"cs\"]\n",
    );
    let config = Config::load(Some(&cfg)).unwrap();
    let archive = Archive::discover(dir.path()).unwrap();
    let data = read_day(&archive.files(archive.resolve(DateSpec::Latest).unwrap()), config.columns);
    assert_eq!((data.quotes.row(0).bbo, data.quotes.row(0).num_trades), (99, 7));
    assert_eq!((data.bursts[0].cb, data.bursts[0].cs), (3, 2));
}

#[test]
fn store_appends_and_answers_queries() {
    let (_dir, data) = quirky_day_read();
    let mut store = DayStore::from_day(data).unwrap();
    let latest: Vec<String> = store.latest_quotes(0, 2).into_iter().map(|q| q.symbol).collect();
    assert_eq!(latest, ["IWM", "QQQ"]);
    // By count, most first (keys flipped), earlier rows first among equals: the sorted pane's order.
    let keys = store.quote_sort_keys(QuoteField::NumQuotes, QuoteRows::Range(0..store.quotes_len()));
    let mut by_count: Vec<(u64, usize)> = keys.iter().enumerate().map(|(i, k)| (u64::MAX - k.unwrap(), i)).collect();
    by_count.sort();
    let top: Vec<(String, u32)> =
        store.quotes_at(by_count.iter().take(3).map(|e| e.1)).into_iter().map(|q| (q.symbol, q.num_quotes)).collect();
    assert_eq!(top, [("QQQ".into(), 4947), ("IWM".into(), 4947), ("SPY".into(), 2500)]);
    let t = ki2::archive::SecondOfDay::from_hhmmss(93000).unwrap();
    match store.burst_symbols(t) {
        ki2::store::SymbolsState::Present(hits) => assert_eq!(hits.len(), 2),
        other => panic!("{other:?}"),
    }
    let p = store.programs();
    assert_eq!(p.iter().map(|p| (p.cb, p.cs)).collect::<Vec<_>>(), [(1, 0), (1, 1), (1, 1)]);

    let mut more = ki2::archive::Quotes::default();
    more.push(ki2::archive::QuoteRow {
        time: ki2::archive::SecondOfDay::from_hhmmss(93100).unwrap(),
        symbol: "SPY",
        num_quotes: 3000,
        bbo: 1,
        num_trades: 2,
        dollars: Some(10.0),
    });
    let before = store.symbol_day("spy");
    let v = store.version();
    store.append(&ki2::archive::Rows::Quotes(more)).unwrap();
    assert!(store.version() > v);
    assert_eq!(store.quotes_len(), 6);
    let spy = store.symbol_day("spy");
    // Kept current from where it was, a symbol's day equals one computed afresh.
    let mut kept = before;
    store.update_symbol_day(&mut kept);
    assert_eq!(kept, spy);
    assert_eq!((spy.total_quotes, spy.max_quotes, spy.quote_counts.len()), (5500, 3000, 2));
    assert_eq!(
        (spy.rows.len(), spy.first.unwrap().to_string(), spy.last.unwrap().to_string()),
        (2, "04:00:00".into(), "09:31:00".into())
    );
    assert_eq!(spy.bursts, [t]);
    assert_eq!(store.stats().unwrap().hft1_rows, 6);
    // A row number past the end (kept by a paused screen across a rewritten file) is no row.
    assert!(store.quote_at(6).is_none() && store.burst_at(99).is_none());
    assert_eq!(store.quotes_at([5, 6, 1_000_000]).len(), 1);
    // Symbols of a burst whose file never came: pending while recent, missing later.
    let late = ki2::archive::SecondOfDay::from_hhmmss(93010).unwrap();
    assert_eq!(store.burst_symbols(late), ki2::store::SymbolsState::Pending);
}

#[test]
fn a_large_file_read_in_parallel_parts_equals_reading_it_whole() {
    use ki2::archive::Kind;
    use ki2::archive::read::{read_file, read_file_parallel};
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let mut i = 0u32;
    // ~12 MB: past the parallel threshold; a malformed line every ~50,000 rows lands near cuts.
    while text.len() < 12 << 20 {
        if i % 49_999 == 7 {
            text.push_str("BROKEN,0,93000\r\n");
        } else if i % 77_777 == 3 {
            text.push_str("\r\n");
        }
        let t = 40000 + (i / 30) % 60;
        text.push_str(&format!("S{},0,{t},{},{},{},{},\r\n", i % 997, 1000 + i, i % 13, i % 7, i));
        i += 1;
    }
    let path = write(dir.path(), "Data/20250714_hft1.csv", text.as_bytes());
    let whole = read_file(&path, Kind::Quotes, None, Default::default()).unwrap();
    let parts = read_file_parallel(&path, Kind::Quotes, Default::default()).unwrap();
    assert_eq!(parts.rows.len(), i as usize);
    assert_eq!(parts.rows, whole.rows);
    assert_eq!(parts.malformed, whole.malformed);
    assert!(parts.malformed.len() > 4);
    assert_eq!(parts.bytes, text.len() as u64);
}

/// `faketime`, or why the test cannot run: CI sets `KI2_REQUIRE_TOOLS` so a missing tool fails.
fn faketime_available() -> bool {
    let found = std::process::Command::new("faketime").arg("--version").output().is_ok();
    if !found && std::env::var_os("KI2_REQUIRE_TOOLS").is_some() {
        panic!("faketime is required (KI2_REQUIRE_TOOLS is set): apt-get install -y faketime");
    }
    found
}

type FaketimeDay = Option<(tempfile::TempDir, String)>;

/// A temp archive with one hft2 row on `day` (YYYYMMDD), and its root as text for `ki2_at`;
/// None when faketime is not installed (the test is skipped, saying so).
fn one_row_day_for_faketime(day: &str) -> Result<FaketimeDay, Box<dyn std::error::Error>> {
    if !faketime_available() {
        eprintln!("skipped: faketime is not installed (apt-get install -y faketime)");
        return Ok(None);
    }
    let dir = tempfile::tempdir()?;
    write(dir.path(), &format!("Data/{day}_hft2.csv"), b"100000,7\r\n");
    let root = dir.path().to_str().ok_or("temp path is not UTF-8")?.to_owned();
    Ok(Some((dir, root)))
}

/// `ki2 args` at the instant `utc` (`YYYY-MM-DD HH:MM:SS` UTC) in the local zone `tz`.
fn ki2_at(utc: &str, tz: &str, args: &[&str]) -> Result<(i32, String, String), Box<dyn std::error::Error>> {
    let out = std::process::Command::new("faketime")
        .env("TZ", "UTC")
        .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
        .args([utc, "env", &format!("TZ={tz}"), crate::support::KI2])
        .args(args)
        .output()?;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok((out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr)))
}

#[test]
fn today_is_the_new_york_date_even_where_the_local_date_runs_ahead() -> Result<(), Box<dyn std::error::Error>> {
    let Some((_dir, root)) = one_row_day_for_faketime("20261201")? else { return Ok(()) };
    let root = root.as_str();
    // 15:00 UTC is 10:00 in New York on 1 December, and already 05:00 on 2 December in UTC+14.
    for tz in ["Pacific/Kiritimati", "Pacific/Honolulu", "America/New_York"] {
        let (code, out, err) =
            ki2_at("2026-12-01 15:00:00", tz, &["stats", "--root", root, "--date", "today", "--json"])?;
        assert_eq!(code, 0, "TZ={tz}: {err}");
        assert!(out.starts_with(r#"{"date":"2026-12-01","hft1_rows":0,"hft2_rows":1,"#), "TZ={tz}: {out}");
    }
    Ok(())
}

#[test]
fn the_market_zone_comes_from_the_config_file() -> Result<(), Box<dyn std::error::Error>> {
    let Some((dir, root)) = one_row_day_for_faketime("20261202")? else { return Ok(()) };
    let root = root.as_str();
    let cfg = write(dir.path(), "config.toml", b"[market]\ntimezone = \"Asia/Tokyo\"\n");
    let cfg = cfg.to_str().ok_or("temp path is not UTF-8")?;
    let args = ["--config", cfg, "stats", "--root", root, "--date", "today", "--json"];
    let (code, out, err) = ki2_at("2026-12-01 15:00:00", "America/New_York", &args)?;
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(r#"{"date":"2026-12-02""#), "{out}");
    Ok(())
}

#[test]
fn one_row_stamped_far_ahead_does_not_set_the_clock_for_the_rest_of_the_day() -> Result<(), Box<dyn std::error::Error>>
{
    use ki2::archive::{QuoteRow, Quotes, Rows, SecondOfDay, SeriesRow};
    use ki2::store::SymbolsState;
    let t = |hhmmss| SecondOfDay::from_hhmmss(hhmmss).ok_or("valid time");
    let day = Day::parse_compact("20250714").ok_or("valid day")?;
    let mut store = DayStore::new(day)?;
    let mut quotes = Quotes::default();
    for (time, symbol) in [(t(93000)?, "SPY"), (t(235959)?, "ODD")] {
        quotes.push(QuoteRow { time, symbol, num_quotes: 2500, bbo: 1, num_trades: 1, dollars: None });
    }
    store.append(&Rows::Quotes(quotes))?;
    // The writer goes on, one S2 row a second.
    for s in 1..=5 {
        store.append(&Rows::S2(vec![SeriesRow { time: t(93000 + s)?, value: 7 }]))?;
    }
    assert_eq!(store.last_time().map(|t| t.to_string()), Some("09:30:05".into()));
    // A burst two seconds old still waits for its symbol file; at 23:59:59 it would be missing.
    assert_eq!(store.burst_symbols(t(93003)?), SymbolsState::Pending);
    // The odd row is kept and counted all the same.
    assert_eq!(store.stats()?.hft1_rows, 2);
    assert_eq!(store.latest_quotes(0, 1).into_iter().map(|q| q.symbol).collect::<Vec<_>>(), ["ODD"]);
    Ok(())
}

/// Sets a file's mtime to `secs` after an arbitrary fixed instant.
fn written_at(path: &Path, secs: u64) -> std::io::Result<()> {
    let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_750_000_000 + secs);
    fs::File::options().append(true).open(path)?.set_modified(t)
}

/// 2025-07-14 in both layouts: 19 symbol files flat (an old copy) and 10 monthly, written later.
fn day_in_both_layouts(root: &Path, monthly_newer: bool) -> std::io::Result<()> {
    let (flat_at, monthly_at) = if monthly_newer { (0, 100) } else { (100, 0) };
    for (base, symbols, at) in [("", 19, flat_at), ("2025/07/", 10, monthly_at)] {
        let hft1 = write(
            root,
            &format!("{base}Data/20250714_hft1.csv"),
            b"SPY,0,93000,2500,1,1,1,\r\n".repeat(symbols).as_slice(),
        );
        written_at(&hft1, at)?;
        let bursts = write(root, &format!("{base}Data_Burst/20250714.csv"), b"93000,1,1,0,214,520,1,0,1\r\n");
        written_at(&bursts, at)?;
        for i in 0..symbols {
            let rel = format!("{base}Data_Burst_Symbols/Burst_20250714_0930{i:02}.csv");
            written_at(&write(root, &rel, b"SPY,1,2,3\r\nQQQ,4,5,6\r\n"), at)?;
        }
    }
    Ok(())
}

#[test]
fn a_day_in_both_layouts_is_read_from_the_one_written_last_for_every_kind() -> Result<(), Box<dyn std::error::Error>> {
    for (monthly_newer, files, rows) in [(true, 10, 10), (false, 19, 19)] {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        day_in_both_layouts(root, monthly_newer)?;
        let r = root.to_str().ok_or("temp path is not UTF-8")?;
        let (code, out, err) = ki2(&["stats", "--root", r, "--date", "20250714", "--json"]);
        assert_eq!(code, 0, "{err}");
        let stats: serde_json::Value = serde_json::from_str(out.trim())?;
        assert_eq!(
            (stats["symbol_files"].as_u64(), stats["symbol_rows"].as_u64(), stats["hft1_rows"].as_u64()),
            (Some(files), Some(files * 2), Some(rows)),
            "monthly newer: {monthly_newer}"
        );
        let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
        assert_eq!(warnings.len(), 1, "{err}");
        // hft1, bursts and the symbol files: 12 monthly, 21 flat.
        let (kept, skipped) =
            if monthly_newer { ("reading the 12", "skipping 21") } else { ("reading the 21", "skipping 12") };
        assert!(
            warnings[0].contains("2025-07-14") && warnings[0].contains(kept) && warnings[0].contains(skipped),
            "{err}"
        );

        let out_dir = tempfile::tempdir()?;
        let o = out_dir.path().to_str().ok_or("temp path is not UTF-8")?;
        let (code, out, err) = ki2(&["export", "--root", r, "--out", o]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(err.lines().filter(|l| l.contains("warning")).count(), 1, "{err}");
        // hft1 rows, one burst, two rows per symbol file: one layout's, not both.
        assert!(out.contains("2025-07-14: ") && out.contains(&format!(", {} rows", rows + 1 + files * 2)), "{out}");
    }
    Ok(())
}
