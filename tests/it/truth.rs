//! What the screen says must be true: the only real rows we have (shared/reference/real-rows.md)
//! read as the Burst Monitor shows them, the counters checked against the labels, padded
//! times, alert counts that are counts, a rollover that starts the Alerts pane over, bars under
//! the times they count, and file errors where the user looks.

use std::path::Path;

use crossterm::event::KeyCode;
use ki2::alerts::{Evaluator, RuleSet};
use ki2::archive::{Archive, ColumnOrder, Day, Kind, Malformed, Reason, Rows, read_day};
use ki2::store::DayStore;
use ki2::tail::TailEvent;
use ki2::ui::{App, AppOptions, Theme};

use crate::support::{ki2, write};
use crate::ui::{archive_io, key, options, press, screen};

/// Data_Burst/20250722.csv: ten of the day's 370 real rows, the time zero-padded as written.
const REAL_BURSTS: &[u8] = b"093001,2,0,0,149,296,1,0,0\r\n093011,3,0,0,105,172,5,1,1\r\n093014,3,0,0,79,107,6,2,1\r\n\
093031,3,1,0,89,222,7,2,2\r\n093105,3,1,0,84,216,8,2,3\r\n155920,3,0,0,79,273,366,213,150\r\n\
155956,3,0,0,138,292,367,214,150\r\n155958,3,1,0,76,247,368,214,151\r\n155959,3,1,0,80,262,369,214,152\r\n\
160000,2,0,0,144,343,370,215,152\r\n";

/// Data/20250725_hft1.csv, as rebuilt from the notebooks' frames.
const REAL_HFT1: &[u8] = b"INTC,0,70000,3702,1421,1353,4202784,\r\nPHIO,0,75700,4192,1538,962,467537,\r\n\
PHIO,0,75701,3624,1264,778,303421,\r\nPHIO,0,75729,3543,1369,894,502219,\r\nQQQ,0,93000,4947,940,316,64284132,\r\n\
LIDR,0,111519,3549,1359,697,967068,\r\nNEM,0,111540,4991,1026,1175,5291722,\r\nNVDA,0,111700,3833,1001,894,15102610,\r\n\
LIDR,0,112747,4075,1304,999,1317375,\r\nMBLY,0,112852,3527,1090,1080,4203735,\r\n";

fn day(s: &str) -> Day {
    Day::parse_compact(s).unwrap()
}

fn real_archive(root: &Path) {
    write(root, "Data_Burst/20250722.csv", REAL_BURSTS);
    write(root, "Data/20250725_hft1.csv", REAL_HFT1);
    // A 2024 writer: no header line; the burst it belongs to.
    write(root, "Data_Burst/20240809.csv", b"093031,2,1,0,100,200,1,0,1\r\n");
    write(
        root,
        "Data_Burst_Symbols/Burst_20240809_093031.csv",
        b"AA,5,278,57\r\nAAPB,7,184,40\r\nAAPD,1,156,38\r\nAAPL,75,412,96\r\nAAPU,7,376,58\r\n",
    );
}

fn app_on(root: &Path, d: &str, columns: ColumnOrder) -> App {
    let archive = Archive::discover(root).unwrap();
    let opts = AppOptions { columns: columns.burst, ..options(Theme::mono()) };
    App::from_day(read_day(&archive.files(day(d)), columns), opts, Evaluator::new(RuleSet::defaults())).unwrap()
}

/// The screen line that holds `needle`.
fn line_with<'a>(s: &'a str, needle: &str) -> &'a str {
    s.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle:?}:\n{s}"))
}

/// The words of the screen from `needle` (which starts a table row, its time first) on.
fn row_from<'a>(s: &'a str, needle: &str) -> Vec<&'a str> {
    let l = line_with(s, needle);
    l[l.find(needle).unwrap_or(0)..].trim_start_matches('│').split(['│', ' ']).filter(|w| !w.is_empty()).collect()
}

/// The real rows' archive in a temp folder, and `day` of it on a 160×48 screen.
fn real_day_on_screen(day: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    real_archive(dir.path());
    let mut app = app_on(dir.path(), day, ColumnOrder::default());
    let s = screen(&mut app, 160, 48);
    (dir, s)
}

#[test]
fn the_real_burst_rows_show_buy_and_sell_with_the_counters_they_move() {
    let (dir, s) = real_day_on_screen("20250722");
    // Time, Grade, ProgType, Bckgrnd, S1, S2, CT, CB, CS, CU: a Buy takes CB up, a Sell CS, and
    // CU = CT − CB − CS is what the Burst Monitor's screen shows (the files carry none).
    let cells = |needle: &str| row_from(&s, needle).into_iter().skip(1).take(9).collect::<Vec<_>>().join(" ");
    assert_eq!(cells("│16:00:00 MOD"), "MOD Sell Port 144 343 370 152 215 3");
    assert_eq!(cells("│15:59:59 LOW"), "LOW Buy Port 80 262 369 152 214 3");
    assert_eq!(cells("│15:59:58 LOW"), "LOW Buy Port 76 247 368 151 214 3");
    assert_eq!(cells("│15:59:56 LOW"), "LOW Sell Port 138 292 367 150 214 3");
    assert_eq!(cells("│09:30:01 MOD"), "MOD Sell Port 149 296 1 0 0 1");
    assert!(!s.contains("disagree"), "the counters agree with the labels:\n{s}");
    // The chart's two curves: 152 buys, 215 sells by the close.
    let store = DayStore::from_day(read_day(
        &Archive::discover(dir.path()).unwrap().files(day("20250722")),
        ColumnOrder::default(),
    ))
    .unwrap();
    let curve: Vec<(u32, u32)> = store.programs().iter().map(|p| (p.cb, p.cs)).collect();
    assert_eq!(
        curve,
        [(0, 0), (1, 1), (1, 2), (2, 2), (3, 2), (150, 213), (150, 214), (151, 214), (152, 214), (152, 215)]
    );

    let (code, out, err) = ki2(&["stats", "--root", dir.path().to_str().unwrap(), "--date", "20250722", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (v["last_ct"].as_u64(), v["last_cb"].as_u64(), v["last_cs"].as_u64()),
        (Some(370), Some(152), Some(215))
    );
    assert_eq!((v["buy_bursts"].as_u64(), v["sell_bursts"].as_u64()), (Some(4), Some(6)));
    assert!(!err.contains("disagree"), "{err}");
}

#[test]
fn the_real_quote_rows_and_a_headerless_symbols_file_read_whole() {
    let (dir, s) = real_day_on_screen("20250725");
    // Trade size = Dollars / NumTrades: INTC 4,202,784 / 1,353 = 3,106.27.
    let intc = row_from(&s, "│07:00:00 INTC");
    assert_eq!(&intc[..7], ["07:00:00", "INTC", "3702", "1353", "1421", "4.20M", "3106"], "{s}");
    assert!(line_with(&s, "│09:30:00 QQQ").contains("4947"), "{s}");
    assert!(s.contains("High Quote Counts") && line_with(&s, "High Quote Counts").contains(" 10 "), "{s}");

    // 2024's symbols file has no header: its first row is a row, all five are listed.
    let mut app = app_on(dir.path(), "20240809", ColumnOrder::default());
    let s = screen(&mut app, 160, 48);
    assert!(line_with(&s, "Syms Hit At 09:30:31").contains(" 5 "), "{s}");
    for (sym, nt) in [("AA", "5"), ("AAPB", "7"), ("AAPD", "1"), ("AAPL", "75"), ("AAPU", "7")] {
        let cells = row_from(&s, &format!("│{sym} "));
        assert_eq!(cells.first().copied(), Some(sym), "{s}");
        assert_eq!(cells.get(1).copied(), Some(nt), "{sym}: {s}");
    }
}

#[test]
fn counters_read_the_other_way_round_are_said_with_the_line_that_fixes_them() {
    let dir = tempfile::tempdir().unwrap();
    real_archive(dir.path());
    // A user who set the order the other way round (as ki2's default once was).
    let cfg = write(
        dir.path(),
        "config.toml",
        b"[columns]\nburst = [\"time\", \"grade\", \"prog_type\", \"background\", \"s1\", \"s2\", \"ct\", \"cb\", \"cs\"]\n",
    );
    let fix = r#"put `burst = ["time", "grade", "prog_type", "background", "s1", "s2", "ct", "cs", "cb", "cu"]` under [columns] in config.toml"#;
    let root = dir.path().to_str().unwrap();
    let cfg = cfg.to_str().unwrap();
    for args in [
        vec!["stats", "--root", root, "--date", "20250722", "--config", cfg],
        vec!["scan", "--root", root, "--date", "20250722", "--config", cfg],
        vec!["export", "--root", root, "--from", "20250722", "--to", "20250722", "--config", cfg, "--out"],
    ] {
        let out_dir = dir.path().join("lake");
        let mut args = args.clone();
        if args[0] == "export" {
            args.push(out_dir.to_str().unwrap());
        }
        let (code, _, err) = ki2(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            err.contains("2025-07-22: the burst counters disagree with the Buy/Sell labels (7 of 7 steps"),
            "{args:?}: {err}"
        );
        assert!(err.contains(fix), "{args:?}: {err}");
    }
    // The user's order is kept (never silently overridden): the screen shows what it reads,
    // and the status line says it disagrees.
    let order = ki2::config::Config::load(Some(Path::new(cfg))).unwrap().columns;
    let mut app = app_on(dir.path(), "20250722", order);
    let s = screen(&mut app, 160, 48);
    assert_eq!(row_from(&s, "│16:00:00 MOD")[6..9], ["370", "215", "152"], "{s}");
    assert!(
        s.lines().last().unwrap_or("").contains("CB/CS disagree with Buy/Sell (7 of 7): [columns] burst = [\"time\""),
        "{s}"
    );
}

#[test]
fn padded_and_unpadded_times_are_the_same_time_in_every_kind() {
    let (padded, plain) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (root, t) in [(padded.path(), "093001"), (plain.path(), "93001")] {
        write(root, "Data/20250722_hft1.csv", format!("SPY,0,{t},2500,1,2,300,\r\n").as_bytes());
        write(root, "Data/20250722_hft2.csv", format!("{t},400\r\n").as_bytes());
        write(root, "Data/20250722_hft3.csv", format!("{t},20\r\n").as_bytes());
        write(root, "Data_Burst/20250722.csv", format!("{t},2,1,0,149,296,1,0,1\r\n").as_bytes());
        write(root, "Data_Burst_Symbols/Burst_20250722_093001.csv", b"SPY,5,278,57\r\n");
    }
    let read = |root: &Path| read_day(&Archive::discover(root).unwrap().files(day("20250722")), ColumnOrder::default());
    let (a, b) = (read(padded.path()), read(plain.path()));
    assert!(a.malformed.is_empty(), "{:?}", a.malformed);
    let at = ki2::archive::SecondOfDay::from_hms(9, 30, 1);
    assert_eq!(
        (a.quotes.row(0).time, a.s2[0].time, a.s1[0].time, a.bursts[0].time),
        (at.unwrap(), at.unwrap(), at.unwrap(), at.unwrap())
    );
    assert_eq!((a.quotes.row(0).time, &a.s2, &a.s1, &a.bursts), (b.quotes.row(0).time, &b.s2, &b.s1, &b.bursts));
    // The burst finds its symbols file by that time.
    assert_eq!(a.symbols.keys().next().copied(), at);
}

/// The live day 2025-07-15 (empty) and a closed 2025-07-11 whose rules raise `n` alerts.
fn busy_past_day(root: &Path, n: usize) -> App {
    let rows: String = (0..n).map(|i| format!("S{},0,{},2500,1,1,100,\n", i % 50, 93000 + (i % 30))).collect();
    write(root, "Data/20250711_hft1.csv", rows.as_bytes());
    write(root, "Data/20250715_hft1.csv", b"SPY,0,40000,10,1,1,1,\n");
    let live = day("20250715");
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    App::new(DayStore::new(live).unwrap(), opts, Evaluator::new(RuleSet::defaults()))
}

#[test]
fn a_past_days_alert_count_is_every_alert_its_rules_raise_not_the_rows_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = busy_past_day(dir.path(), 12_345);
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('d'));
    press(&mut app, &mut io, KeyCode::Down);
    press(&mut app, &mut io, KeyCode::Enter);
    // (At 80 columns the panes' titles keep no counts, for any day.)
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Date 2025-07-11") && s.contains("HISTORY"), "{s}");
    assert!(line_with(&s, "┌ Alerts").contains("12,345 (last 10,000)"), "{s}");
    // The picker's Alerts column for the day shown: the same count.
    press(&mut app, &mut io, KeyCode::Char('d'));
    let s = screen(&mut app, 160, 48);
    let row = line_with(&s, "│ 2025-07-11");
    assert!(row.trim_end_matches(['│', ' ', '"']).ends_with("12,345"), "{row}\n{s}");
}

fn quote(symbol: &str, hhmmss: u32, count: u32) -> Rows {
    let mut q = ki2::archive::Quotes::default();
    q.push(ki2::archive::QuoteRow {
        time: ki2::archive::SecondOfDay::from_hhmmss(hhmmss).unwrap(),
        symbol,
        num_quotes: count,
        bbo: 1,
        num_trades: 1,
        dollars: Some(100.0),
    });
    Rows::Quotes(q)
}

#[test]
fn after_a_rollover_the_alerts_pane_holds_the_new_days_alerts_newest_first() {
    let (d14, d15) = (day("20250714"), day("20250715"));
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(d14).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    app.on_tail(TailEvent::CaughtUp { day: d14 });
    for (i, sym) in ["EVEA", "EVEB", "JDWJ"].into_iter().enumerate() {
        app.on_tail(TailEvent::Rows { day: d14, rows: quote(sym, 195904 + i as u32, 2500) });
    }
    app.on_tail(TailEvent::DayChanged { from: d14, to: d15 });
    // The new day's files as they are at the change, then a row appended.
    app.on_tail(TailEvent::Rows { day: d15, rows: quote("MORN", 93500, 2500) });
    app.on_tail(TailEvent::CaughtUp { day: d15 });
    app.on_tail(TailEvent::Rows { day: d15, rows: quote("NEWD", 94000, 2600) });
    let s = screen(&mut app, 160, 48);
    let title = line_with(&s, "Alerts ─");
    assert!(title.contains(" 2 "), "the count is the new day's: {title}");
    let first = s.lines().position(|l| l.contains("09:40:00 quote-stuffing NEWD")).expect("newest alert shown");
    let morn = s.lines().position(|l| l.contains("09:35:00 quote-stuffing MORN")).expect("earlier alert shown");
    assert!(first < morn, "newest on top:\n{s}");
    assert!(
        !s.contains("JDWJ") || !line_with(&s, "JDWJ").contains("quote-stuffing"),
        "yesterday's alerts stay with d:\n{s}"
    );
    assert_eq!(app.alerts_shown().len(), 2);
}

/// Bursts at 09:30:01–09:30:12 and one at 15:59:55: each bar under its time on the chart's axis.
#[test]
fn the_buy_and_sell_bars_sit_under_the_times_they_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::new();
    for (i, t) in (93001..=93012).enumerate() {
        rows.push_str(&format!("{t},3,1,0,50,100,{},0,{}\r\n", i + 1, i + 1));
    }
    rows.push_str("155955,3,0,0,50,100,13,1,12\r\n");
    write(dir.path(), "Data_Burst/20250714.csv", rows.as_bytes());
    let mut app = app_on(dir.path(), "20250714", ColumnOrder::default());
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&mut app, w, h);
        // TestBackend quotes each line: the cells are between the quotes.
        let all: Vec<Vec<char>> = s.lines().map(|l| l.trim_matches('"').chars().collect()).collect();
        let chart = all.iter().position(|l| l.iter().collect::<String>().contains("Buy Progs vs Sell Progs")).unwrap();
        // The chart pane only: up to its right border.
        let right = all[chart].iter().position(|c| *c == '┐').unwrap();
        let lines: Vec<Vec<char>> = all.iter().map(|l| l[..=right.min(l.len() - 1)].to_vec()).collect();
        let col_of = |row: &[char], c: char| row.iter().position(|x| *x == c);
        // The x axis's corner: the plot starts one column to its right.
        let axis = lines[chart..].iter().find_map(|l| col_of(l, '└').filter(|&c| c > 2)).unwrap();
        let label_row = lines[chart..].iter().find(|l| l.iter().collect::<String>().contains("09:30")).unwrap();
        let close = label_row.iter().collect::<String>();
        let close_end = close.find("16:00").map(|b| close[..b].chars().count() + 4).unwrap();
        let bars = |name: char| {
            let row = lines[chart..].iter().find(|l| l.get(1) == Some(&name)).unwrap();
            row.iter().enumerate().filter(|(_, c)| "▁▂▃▄▅▆▇█".contains(**c)).map(|(i, _)| i).collect::<Vec<_>>()
        };
        assert_eq!(bars('B'), [axis + 1], "{w}x{h}: the 09:30 buys sit at the axis's start:\n{s}");
        assert_eq!(bars('S'), [close_end], "{w}x{h}: the 15:59:55 sell sits under 16:00's end:\n{s}");
    }
}

#[test]
fn a_past_day_is_closed_and_indexed_even_when_it_is_the_archives_latest() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Data/20250710_hft1.csv", b"SPY,0,93000,100,1,1,1,\n");
    write(dir.path(), "Data/20250711_hft1.csv", b"SPY,0,93000,100,1,1,1,\n");
    let archive = Archive::discover(dir.path()).unwrap();
    let closed: Vec<Day> = ki2::history::closed_days(&archive, day("20250711")).iter().map(|f| f.day).collect();
    assert_eq!(closed, [day("20250710"), day("20250711")]);
    // Today's files are still being written: not indexed while they are the live day.
    let today = Day::today();
    write(dir.path(), &format!("Data/{}_hft1.csv", today.compact()), b"SPY,0,93000,100,1,1,1,\n");
    let archive = Archive::discover(dir.path()).unwrap();
    let closed: Vec<Day> = ki2::history::closed_days(&archive, today).iter().map(|f| f.day).collect();
    assert_eq!(closed, [day("20250710"), day("20250711")]);
}

#[test]
fn an_unreadable_hft1_file_is_named_in_the_status_line_of_the_day_that_has_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = busy_past_day(dir.path(), 3);
    let hft1 = dir.path().join("Data/20250711_hft1.csv");
    let blocked = crate::tail::rewrites::make_unreadable(&hft1);
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('d'));
    press(&mut app, &mut io, KeyCode::Down);
    press(&mut app, &mut io, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    let status = s.lines().last().unwrap_or("");
    assert!(status.contains("20250711_hft1.csv: "), "{s}");
    assert!(status.contains("history (d, then the live day"), "the day's message is still said: {status}");
    crate::tail::rewrites::make_readable(&hft1, blocked);
}

#[test]
fn an_unreadable_symbols_file_says_unreadable_not_pending() {
    let d = day("20250714");
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(d).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    let burst = "93000,2,1,0,149,296,1,0,1";
    let row = ki2::archive::burst::parse(burst.as_bytes(), &ColumnOrder::default().burst).unwrap();
    app.on_tail(TailEvent::Rows { day: d, rows: Rows::Bursts(vec![row]) });
    let path = std::path::PathBuf::from("/archive/Data_Burst_Symbols/Burst_20250714_093000.csv");
    app.on_tail(TailEvent::FileError { path, message: "Permission denied (os error 13)".into() });
    app.on_tail(TailEvent::CaughtUp { day: d });
    let s = screen(&mut app, 160, 48);
    let pane: String = s
        .lines()
        .filter_map(|l| l.rsplit("││").next())
        .map(|l| l.trim_matches(['│', '"', ' ']))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(pane.contains("unreadable: the symbols file is there but cannot be read (Permission denied"), "{s}");
    assert!(!s.contains("pending"), "{s}");
}

#[test]
fn a_rewritten_files_old_malformed_rows_go_with_its_rows() {
    let d = day("20250714");
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(d).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    let bad = |line: u64| Malformed {
        file: std::sync::Arc::from(Path::new("/archive/Data/20250714_hft1.csv")),
        line,
        reason: Reason::TooFewFields { got: 2, want: 7 },
    };
    let burst_bad = Malformed {
        file: std::sync::Arc::from(Path::new("/archive/Data_Burst/20250714.csv")),
        line: 2,
        reason: Reason::TooFewFields { got: 2, want: 9 },
    };
    app.on_tail(TailEvent::Malformed { day: d, items: vec![bad(3), bad(9), burst_bad] });
    app.on_tail(TailEvent::CaughtUp { day: d });
    assert!(screen(&mut app, 160, 48).lines().last().unwrap_or("").contains("3 malformed (m)"));
    // The hft1 file is rewritten: read again from its start, it has one bad line now.
    app.on_tail(TailEvent::Reset { day: d, kind: Kind::Quotes, burst: None });
    app.on_tail(TailEvent::Malformed { day: d, items: vec![bad(5)] });
    key(&mut app, KeyCode::Char('m'));
    let s = screen(&mut app, 160, 48);
    assert!(s.lines().last().unwrap_or("").contains("2 malformed (m)"), "{s}");
    assert!(s.contains("20250714_hft1.csv:5") && s.contains("20250714.csv:2"), "{s}");
    assert!(!s.contains("20250714_hft1.csv:3") && !s.contains("20250714_hft1.csv:9"), "{s}");
}
