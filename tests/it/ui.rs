//! The TUI on ratatui's TestBackend, over archive files written here: what each pane shows
//! (insta snapshots at 80×24 and 160×48), and what keys do to it.

use std::fs;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ki2::alerts::{Evaluator, RuleSet};
use ki2::archive::{ColumnOrder, Day, DayData, QuoteRow, Quotes, Rows, SecondOfDay, read_day};
use ki2::store::DayStore;
use ki2::tail::TailEvent;
use ki2::ui::{App, AppOptions, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

pub(crate) const DATE: &str = "20250714";

pub(crate) fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text.replace('\n', "\r\n")).unwrap();
}

/// A small day with every kind of file: quote counts (two over the 2000 bar), S1/S2 each
/// second, three bursts (one with CU), symbols for two of them, and one malformed line.
pub(crate) fn write_day(root: &Path) {
    write(
        root,
        "Data/20250714_hft1.csv",
        "SPY,0,93000,1178,216,89,1234567,\n\
         QQQ,0,93001,2247,241,149,64284132,\n\
         BRK.B,0,93002,1500,5,0,,\n\
         BF/B,0,93003,990,44,7,700,\n\
         IWM,0,93004,1399,23,123,20312,\n\
         TOO,0,93005\n\
         SPY,0,93005,4947,812,316,9000000,\n\
         AAPL,0,93006,1005,100,50,750000,\n",
    );
    let series = |base: u32| (0..8).map(|i| format!("{},{}\n", 93000 + i, base + i * 7)).collect::<String>();
    write(root, "Data/20250714_hft2.csv", &series(400));
    write(root, "Data/20250714_hft3.csv", &series(20));
    write(
        root,
        "Data_Burst/20250714.csv",
        "93001,3,1,0,98,437,1,0,1,2\n\
         93003,2,0,1,214,520,2,1,1,2\n\
         93006,1,1,0,230,600,3,1,2,2\n",
    );
    write(
        root,
        "Data_Burst_Symbols/Burst_20250714_093001.csv",
        "Symbol,NumTrades,NumQuotes,BBO\nSPY,511,5858,1149\nIWM,367,4280,1080\nEFA,95,1589,322\n",
    );
    write(
        root,
        "Data_Burst_Symbols/Burst_20250714_093006.csv",
        "Symbol,NumTrades,NumQuotes,BBO\nAAPL,292,1297,525\nMSFT,263,875,464\nVOO,90,1539,520\n",
    );
}

pub(crate) fn day_data(root: &Path) -> DayData {
    let archive = ki2::archive::Archive::discover(root).unwrap();
    let day = Day::parse_compact(DATE).unwrap();
    read_day(&archive.files(day), ColumnOrder::default())
}

pub(crate) fn app_over(root: &Path, theme: Theme) -> App {
    App::from_day(day_data(root), options(theme), Evaluator::new(RuleSet::defaults())).unwrap()
}

pub(crate) fn options(theme: Theme) -> AppOptions {
    AppOptions { root_label: "/archive".into(), theme, bell: false, live: false, columns: Default::default() }
}

/// The TUI over the day, read whole (history: no clock in the status line).
pub(crate) fn app_with(theme: Theme) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path());
    let app = app_over(dir.path(), theme);
    (dir, app)
}

pub(crate) fn app() -> (tempfile::TempDir, App) {
    app_with(Theme::mono())
}

pub(crate) fn terminal(w: u16, h: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(w, h)).unwrap()
}

pub(crate) fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = terminal(w, h);
    t.draw(|f| app.render(f)).unwrap();
    t.backend().to_string()
}

/// The 160×48 screen, and whether the first line `is_row` picks is drawn as the list's cursor
/// (reversed); None when no line is picked.
pub(crate) fn selected_row(app: &mut App, is_row: impl Fn(&str) -> bool) -> (String, Option<bool>) {
    let mut t = terminal(160, 48);
    t.draw(|f| app.render(f)).unwrap();
    let s = t.backend().to_string();
    let selected = s
        .lines()
        .position(is_row)
        .map(|y| t.backend().buffer()[(3, y as u16)].modifier.contains(ratatui::style::Modifier::REVERSED));
    (s, selected)
}

pub(crate) fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub(crate) fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn every_pane_at_160x48() {
    let (_d, mut app) = app();
    insta::assert_snapshot!(screen(&mut app, 160, 48));
}

#[test]
fn every_pane_at_80x24() {
    let (_d, mut app) = app();
    let s = screen(&mut app, 80, 24);
    for title in ["High Quote", "Burst Sig", "Syms Hit", "Buy Progs", "S2 / S1", "Alerts"] {
        assert!(s.contains(title), "{title} missing:\n{s}");
    }
    insta::assert_snapshot!(s);
}

#[test]
fn help_lists_every_key_at_both_sizes() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('?'));
    let big = screen(&mut app, 160, 48);
    for k in ["Tab", "Enter", "Esc", "/", "autosnap", "pause", "threshold", "pick a day", "fewer / more days", "quit"] {
        assert!(big.contains(k), "help lacks {k}:\n{big}");
    }
    insta::assert_snapshot!("help_160x48", big);
    assert!(!big.contains("for more"), "the whole help fits 160×48:\n{big}");
    let small = screen(&mut app, 80, 24);
    assert!(small.contains("j/↓ for more"), "{small}");
    insta::assert_snapshot!("help_80x24", small);
    for _ in 0..40 {
        key(&mut app, KeyCode::Char('j'));
    }
    let scrolled = screen(&mut app, 80, 24);
    assert!(scrolled.contains("quit") && !scrolled.contains("for more"), "{scrolled}");
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 160, 48).contains(" Keys "));
}

#[test]
fn the_newest_burst_is_selected_and_its_symbols_shown() {
    let (_d, mut app) = app();
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Syms Hit At 09:30:06"), "{s}");
    assert!(s.contains("AAPL") && s.contains("MSFT") && s.contains("VOO"), "{s}");
    // Older burst: its file never came (the day is past the grace period? no: 5 s later).
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Down);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Syms Hit At 09:30:03") && s.contains("pending"), "{s}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Syms Hit At 09:30:01") && s.contains("EFA"), "{s}");
    insta::assert_snapshot!("burst_drilldown_160x48", s);
}

#[test]
fn enter_on_a_symbol_opens_its_day() {
    let (_d, mut app) = app();
    // High Quote Counts is focused; newest row is AAPL; go to the first SPY row (oldest).
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("SPY · 2025-07-14 · Esc back"), "{s}");
    assert!(s.contains("first 09:30:00  last 09:30:05  rows 2"), "{s}");
    assert!(s.contains("quotes 6,125"), "{s}");
    assert!(s.contains("1 bursts hit it: 09:30:01"), "{s}");
    insta::assert_snapshot!("symbol_view_160x48", s);
    insta::assert_snapshot!("symbol_view_80x24", screen(&mut app, 80, 24));
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 160, 48).contains("Esc back"));
}

#[test]
fn the_filter_narrows_every_pane() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "spy");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Filter SPY"), "{s}");
    let quotes: Vec<String> = s
        .lines()
        .take(26)
        .map(|l| l.trim_matches('"').chars().take(52).collect::<String>())
        .filter(|l| l.starts_with("│09"))
        .collect();
    assert_eq!(quotes.len(), 2, "{s}");
    assert!(quotes.iter().all(|l| l.contains("SPY")), "{quotes:#?}");
    // Only the burst that hit SPY remains.
    assert!(s.contains("Syms Hit At 09:30:01"), "{s}");
    insta::assert_snapshot!("filter_spy_160x48", s);
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 160, 48).contains("Filter SPY"));
}

#[test]
fn malformed_rows_are_listed_with_file_and_line() {
    let (_d, mut app) = app();
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("1 malformed (m)"), "{s}");
    key(&mut app, KeyCode::Char('m'));
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("20250714_hft1.csv:6"), "{s}");
}

#[test]
fn rows_over_an_enabled_rule_are_highlighted_and_the_editor_changes_that() {
    let (_d, mut app) = app_with(Theme { color: true });
    let red = |app: &mut App| -> Vec<String> {
        let mut t = terminal(160, 48);
        t.draw(|f| app.render(f)).unwrap();
        let buf = t.backend().buffer().clone();
        // Quote rows are in the left pane; collect the symbols of rows drawn on red.
        (0..48u16)
            .filter(|&y| buf[(10, y)].bg == Color::Red)
            .map(|y| (10..18).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim().to_owned())
            .collect()
    };
    let mut hot = red(&mut app);
    hot.sort();
    assert_eq!(hot, vec!["QQQ", "SPY"], "count ≥ 2000 rows");
    // t: the editor opens on the first rule (quote-stuffing ≥ 2000); type 3000.
    key(&mut app, KeyCode::Char('t'));
    assert!(screen(&mut app, 160, 48).contains("Thresholds"));
    keys(&mut app, "3000");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert_eq!(red(&mut app), vec!["SPY"], "only 4947 ≥ 3000");
    // + steps it up past SPY's 4947: nothing left to highlight.
    key(&mut app, KeyCode::Char('t'));
    keys(&mut app, "5000");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Esc);
    assert!(red(&mut app).is_empty());
    assert!(app.rules().rules()[0].value.to_string() == "5000" && !app.rules().rules()[0].enabled);
}

#[test]
fn threshold_editor_snapshot() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('t'));
    insta::assert_snapshot!("editor_160x48", screen(&mut app, 160, 48));
    insta::assert_snapshot!("editor_80x24", screen(&mut app, 80, 24));
}

#[test]
fn a_symbol_with_an_escape_sequence_is_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Data/20250714_hft1.csv", "\u{1b}]0;pwned\u{7},0,93000,2500,1,1,1,\nSPY,0,93001,1,1,1,1,\n");
    let mut app = app_over(dir.path(), Theme::mono());
    let s = screen(&mut app, 160, 48);
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "raw escape reached the screen");
    assert!(s.contains("\\u{1b}]0"), "{s}");
    // The alert it raises (2500 quotes) shows it escaped too.
    assert!(s.lines().any(|l| l.contains("quote-stuffing") && l.contains("\\u{1b}")), "{s}");
}

#[test]
fn no_color_means_no_colour_and_colour_means_the_16_named_ones() {
    for (theme, colored) in [(Theme::mono(), false), (Theme { color: true }, true)] {
        let (_d, mut app) = app_with(theme);
        let mut t = terminal(160, 48);
        t.draw(|f| app.render(f)).unwrap();
        let mut seen_color = false;
        for cell in t.backend().buffer().content() {
            for c in [cell.fg, cell.bg] {
                match c {
                    Color::Reset => {}
                    Color::Indexed(_) | Color::Rgb(..) => panic!("{c:?} is not one of the 16 colours"),
                    _ => seen_color = true,
                }
            }
        }
        assert_eq!(seen_color, colored);
    }
}

pub(crate) fn quote(symbol: &str, hhmmss: u32, n: u32) -> Rows {
    let mut q = Quotes::default();
    q.push(QuoteRow {
        time: SecondOfDay::from_hhmmss(hhmmss).unwrap(),
        symbol,
        num_quotes: n,
        bbo: 1,
        num_trades: 1,
        dollars: Some(100.0),
    });
    Rows::Quotes(q)
}

#[test]
fn live_rows_alert_once_and_pause_freezes_the_screen() {
    let day = Day::parse_compact(DATE).unwrap();
    let opts = AppOptions { live: true, bell: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(day).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    app.on_tail(TailEvent::Rows { day, rows: quote("OLD", 93000, 2500) });
    app.on_tail(TailEvent::CaughtUp { day });
    assert!(!app.take_bell(), "rows present at start are not news");
    app.on_tail(TailEvent::Rows { day, rows: quote("NEWX", 93001, 2600) });
    assert!(app.take_bell(), "a new alert rings");
    assert_eq!(app.alerts_shown().iter().map(|a| a.symbol.as_deref()).collect::<Vec<_>>(), [Some("OLD"), Some("NEWX")]);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("LIVE") && s.contains("NEWX"), "{s}");
    key(&mut app, KeyCode::Char('p'));
    app.on_tail(TailEvent::Rows { day, rows: quote("LATER", 93002, 10) });
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("PAUSED +1") && !s.contains("LATER"), "{s}");
    key(&mut app, KeyCode::Char('p'));
    assert!(screen(&mut app, 160, 48).contains("LATER"));
}

#[test]
fn enter_on_an_alert_selects_its_row() {
    let day = Day::parse_compact(DATE).unwrap();
    let opts = AppOptions { live: true, ..options(Theme { color: true }) };
    let mut app = App::new(DayStore::new(day).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    app.on_tail(TailEvent::CaughtUp { day });
    app.on_tail(TailEvent::Rows { day, rows: quote("HOT", 93000, 2500) });
    for i in 1..40 {
        app.on_tail(TailEvent::Rows { day, rows: quote("COLD", 93000 + i, 10) });
    }
    // Tab back to Alerts (Shift-Tab from High Quote Counts), Enter.
    key(&mut app, KeyCode::BackTab);
    key(&mut app, KeyCode::Enter);
    let (s, selected) = selected_row(&mut app, |l| l.contains("│09:30:00 HOT "));
    assert_eq!(selected, Some(true), "the HOT row shown and selected:\n{s}");
}

/// Whether the pane titled `title` is drawn as the focused one (in mono, its border is bold).
fn focused(app: &mut App, title: &str) -> bool {
    let mut t = terminal(160, 48);
    t.draw(|f| app.render(f)).unwrap();
    let s = t.backend().to_string();
    let (y, line) = s.lines().enumerate().find(|(_, l)| l.contains(title)).unwrap_or_else(|| panic!("{title}:\n{s}"));
    // The backend's text quotes each line.
    let line = line.strip_prefix('"').unwrap_or(line);
    let before: Vec<char> = line[..line.find(title).unwrap_or(0)].chars().collect();
    let corner = before.iter().rposition(|c| *c == '┌').unwrap_or_else(|| panic!("{title}'s corner:\n{s}"));
    t.backend().buffer()[(corner as u16, y as u16)].modifier.contains(ratatui::style::Modifier::BOLD)
}

#[test]
fn l_and_h_move_the_focus_to_the_next_and_the_previous_pane() {
    let (_d, mut app) = app();
    assert!(focused(&mut app, "High Quote Counts"));
    key(&mut app, KeyCode::Char('l'));
    assert!(focused(&mut app, "Burst Signals") && !focused(&mut app, "High Quote Counts"));
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('h'));
    assert!(
        focused(&mut app, "Alerts") && !focused(&mut app, "Burst Signals"),
        "h from the first pane wraps to the last"
    );
    key(&mut app, KeyCode::Right);
    assert!(focused(&mut app, "High Quote Counts"));
}

#[test]
fn small_terminals_get_a_message_not_garbage() {
    let (_d, mut app) = app();
    let s = screen(&mut app, 40, 10);
    assert!(s.contains("needs at least"), "{s}");
}

pub(crate) fn archive_io(root: &Path, rules: &Path) -> ki2::commands::watch::ArchiveIo {
    // view.toml beside the rules: a test's folder, never the user's.
    let view = rules.with_file_name("view.toml");
    ki2::commands::watch::ArchiveIo::new(root.to_path_buf(), ColumnOrder::default(), rules.to_path_buf(), view)
}

pub(crate) fn press(app: &mut App, io: &mut dyn ki2::ui::Io, code: KeyCode) {
    if let Some(effect) = app.on_key(KeyEvent::new(code, KeyModifiers::NONE)) {
        ki2::ui::apply(effect, app, io);
    }
}

#[test]
fn saving_rules_where_the_folder_cannot_be_written_says_so_and_keeps_them() {
    let (dir, mut app) = app();
    // The config "folder" is a file: nothing can be created under it (root ignores permissions).
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "x").unwrap();
    let mut io = archive_io(dir.path(), &blocker.join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('t'));
    keys(&mut app, "3000");
    press(&mut app, &mut io, KeyCode::Enter);
    press(&mut app, &mut io, KeyCode::Char('s'));
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("rules not saved") && s.contains("not saved: s saves"), "{s}");
    assert_eq!(app.rules().rules()[0].value.to_string(), "3000", "the edit stays in effect");
    // A writable place: saved atomically, and read back equal.
    let good = dir.path().join("cfg/rules.toml");
    let mut io = archive_io(dir.path(), &good);
    press(&mut app, &mut io, KeyCode::Char('s'));
    assert!(screen(&mut app, 160, 48).contains("rules saved to"));
    let back = RuleSet::load(&good).unwrap();
    assert_eq!(&back, app.rules());
    assert!(fs::read_dir(good.parent().unwrap()).unwrap().count() == 1, "no temp file left behind");
}

#[test]
fn a_broken_rules_file_is_named_with_its_line_and_the_rules_stay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    fs::write(&path, ki2::alerts::DEFAULT_RULES).unwrap();
    let mut io = archive_io(dir.path(), &path);
    assert!(ki2::ui::Io::rules_changed(&mut io).is_none());
    fs::write(&path, "[[rule]]\nname = \"x\"\nsource = \"quotes\n").unwrap();
    let err = ki2::ui::Io::rules_changed(&mut io).expect("a change").expect_err("broken");
    assert!(err.contains("rules.toml") && err.contains("line 3"), "{err}");
}

#[test]
fn d_opens_an_earlier_day_whole_with_its_alerts_and_goes_back_live() {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path());
    write(dir.path(), "Data/20250715_hft1.csv", "SPY,0,40000,10,1,1,1,\n");
    let live_day = Day::parse_compact("20250715").unwrap();
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(live_day).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('d'));
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("2025-07-15 live") && s.contains("2025-07-14"), "{s}");
    press(&mut app, &mut io, KeyCode::Down);
    press(&mut app, &mut io, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("HISTORY") && s.contains("Date 2025-07-14"), "{s}");
    assert!(s.contains("Alerts") && s.contains("quote-stuffing") && s.contains("capper"), "{s}");
    // Browsing the old day (oldest row: autosnap off) must not carry over to the live one.
    press(&mut app, &mut io, KeyCode::End);
    press(&mut app, &mut io, KeyCode::Char('d'));
    press(&mut app, &mut io, KeyCode::Home);
    press(&mut app, &mut io, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Date 2025-07-15") && !s.contains("HISTORY"), "{s}");
    app.on_tail(TailEvent::CaughtUp { day: live_day });
    for (i, sym) in ["NEWA", "NEWB", "NEWC"].into_iter().enumerate() {
        app.on_tail(TailEvent::Rows { day: live_day, rows: quote(sym, 93000 + i as u32, 10) });
    }
    let (s, selected) = selected_row(&mut app, |l| l.contains("│09:30:02 NEWC"));
    assert_eq!(selected, Some(true), "autosnap shows and selects the newest live row:\n{s}");
}

#[test]
fn alerts_of_rows_present_at_start_are_listed_newest_first() {
    let day = Day::parse_compact(DATE).unwrap();
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(day).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    // The tailer sends the day file by file: hft1 (late rows) before the bursts (earlier).
    app.on_tail(TailEvent::Rows { day, rows: quote("LATE", 150000, 2500) });
    let burst = ki2::archive::BurstRow {
        time: SecondOfDay::from_hhmmss(93000).unwrap(),
        grade: ki2::archive::Grade::High,
        prog_type: ki2::archive::ProgType::Buy,
        background: ki2::archive::Background::Port,
        s1: 250,
        s2: 600,
        ct: 1,
        cb: 1,
        cs: 0,
        cu: None,
    };
    app.on_tail(TailEvent::Rows { day, rows: Rows::Bursts(vec![burst]) });
    app.on_tail(TailEvent::CaughtUp { day });
    let s = screen(&mut app, 160, 48);
    let late = s.find("15:00:00 quote-stuffing").expect("quote alert");
    let early = s.find("09:30:00 capper").expect("burst alert");
    assert!(late < early, "newest first:\n{s}");
}

#[test]
fn a_hard_max_holds_a_chart_axis_as_the_burst_monitor_does() {
    let (_d, mut app) = app();
    // The first line of the Buy Progs chart starts with the y-axis' top label.
    let axis_top = |s: &str| -> String {
        let i = s.lines().position(|l| l.contains("Buy Progs vs Sell Progs")).unwrap();
        s.lines().nth(i + 1).unwrap().trim_matches('"').chars().skip(1).take(4).collect::<String>().trim().to_owned()
    };
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("smart"), "{s}");
    assert_eq!(axis_top(&s), "2", "SmartScale fits CB = 2");
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::Char('z'));
    for _ in 0..8 {
        key(&mut app, KeyCode::Char('+'));
    }
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("max 10"), "{s}");
    assert_eq!(axis_top(&s), "10", "{s}");
    key(&mut app, KeyCode::Char('z'));
    assert_eq!(axis_top(&screen(&mut app, 160, 48)), "2");
}

mod any_keys {
    //! Whatever keys, rows and terminal sizes come, the TUI neither panics nor lets a control
    //! character reach the terminal.
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    const KEYS: &[KeyCode] = &[
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Backspace,
        KeyCode::Delete,
    ];
    const CHARS: &str = "/fpsnzb+-=[]?tmdxa 0123456789.SPYqjkhlgG*<>rC";

    fn data() -> DayData {
        static DATA: OnceLock<(tempfile::TempDir, DayData)> = OnceLock::new();
        DATA.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            write_day(dir.path());
            let data = day_data(dir.path());
            (dir, data)
        })
        .1
        .clone()
    }

    #[derive(Debug, Clone)]
    enum Step {
        Key(KeyCode),
        Rows(String, u32, u32),
        Reset,
        Trouble(String),
        NextDay,
        Draw(u16, u16),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => prop::sample::select(KEYS).prop_map(Step::Key),
            4 => prop::sample::select(CHARS.chars().collect::<Vec<_>>()).prop_map(|c| Step::Key(KeyCode::Char(c))),
            2 => ("[A-Z]{1,5}|\\PC{0,30}|\u{1b}\\]0;x\u{7}", 0u32..86_400, 0u32..100_000)
                .prop_map(|(s, t, n)| Step::Rows(s, t, n)),
            1 => Just(Step::Reset),
            1 => "\\PC{0,20}|\u{1b}\\[2J|\u{7}".prop_map(Step::Trouble),
            1 => Just(Step::NextDay),
            2 => (1u16..200, 1u16..60).prop_map(|(w, h)| Step::Draw(w, h)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn no_sequence_panics_or_leaks_control_characters(live in any::<bool>(), steps in prop::collection::vec(step(), 1..80)) {
            let day = Day::parse_compact(DATE).unwrap();
            let mut app = if live {
                let opts = AppOptions { live: true, ..options(Theme { color: true }) };
                App::new(DayStore::new(day).unwrap(), opts, Evaluator::new(RuleSet::defaults()))
            } else {
                App::from_day(data(), options(Theme::mono()), Evaluator::new(RuleSet::defaults())).unwrap()
            };
            for s in steps {
                match s {
                    Step::Key(code) => {
                        app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
                    }
                    Step::Rows(sym, t, n) => {
                        let mut q = Quotes::default();
                        q.push(QuoteRow {
                            time: SecondOfDay::from_secs(t).unwrap(),
                            symbol: &sym,
                            num_quotes: n,
                            bbo: 1,
                            num_trades: n % 7,
                            dollars: Some(f64::from(n) * 3.5),
                        });
                        app.on_tail(TailEvent::Rows { day: app.live_day(), rows: Rows::Quotes(q) });
                        app.on_tail(TailEvent::CaughtUp { day: app.live_day() });
                    }
                    Step::Reset => {
                        app.on_tail(TailEvent::Reset { day: app.live_day(), kind: ki2::archive::Kind::Quotes, burst: None });
                    }
                    Step::Trouble(text) => {
                        let path = std::path::PathBuf::from(format!("/share/{text}.csv"));
                        app.on_tail(TailEvent::FileError { path: path.clone(), message: text.clone() });
                        let m = ki2::archive::Malformed {
                            file: std::sync::Arc::from(path.as_path()),
                            line: 3,
                            reason: ki2::archive::Reason::TooFewFields { got: 1, want: 7 },
                        };
                        app.on_tail(TailEvent::Malformed { day: app.live_day(), items: vec![m] });
                        app.on_key(KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE));
                    }
                    Step::NextDay => {
                        let from = app.live_day();
                        if let Some(to) = from.date().succ_opt().map(Day::new) {
                            app.on_tail(TailEvent::DayChanged { from, to });
                        }
                    }
                    Step::Draw(w, h) => {
                        let s = screen(&mut app, w, h);
                        prop_assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "control character on screen");
                    }
                }
            }
            let s = screen(&mut app, 160, 48);
            prop_assert!(!s.chars().any(|c| c.is_control() && c != '\n'));
        }
    }
}

#[test]
fn the_selected_alerts_history_shows_even_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path());
    // An earlier day where SPY traded bigger: the 4947-quote alert ranks its dollars second.
    write(dir.path(), "Data/20250711_hft1.csv", "SPY,0,100000,10,1,1,99000000,\n");
    let archive = ki2::archive::Archive::discover(dir.path()).unwrap();
    let enricher = ki2::history::enricher(
        &archive,
        ki2::history::builder(dir.path(), &dir.path().join(".data"), ColumnOrder::default()),
    );
    let evaluator = Evaluator::new(RuleSet::defaults()).with_enricher(enricher);
    let mut app = App::from_day(day_data(dir.path()), options(Theme::mono()), evaluator).unwrap();
    key(&mut app, KeyCode::BackTab);
    // Newest first: two symbol-hits and the capper at 09:30:06, then SPY's quote-stuffing.
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    let s = screen(&mut app, 80, 24);
    let status = s.lines().last().unwrap_or_default();
    assert!(status.contains(" SPY 09:30:05 · first 09:30:00, last seen 2025-07-11 (3 days ago)"), "{s}");
}

#[test]
fn s_lists_the_days_largest_counts_first_and_the_filter_applies() {
    let (_d, mut app) = app();
    let rows = |s: &str| -> Vec<String> {
        s.lines().skip(3).take(4).map(|l| l.trim_matches('"').chars().skip(10).take(15).collect::<String>()).collect()
    };
    key(&mut app, KeyCode::Char('s'));
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Count↓") && !s.contains("Time↓    Symbol"), "the header marks the sort:\n{s}");
    assert_eq!(rows(&s)[..3], ["SPY        4947", "QQQ        2247", "BRK.B      1500"], "{s}");
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "SPY");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert_eq!(rows(&s)[..2], ["SPY        4947", "SPY        1178"], "{s}");
    assert!(!rows(&s)[2].contains("SPY"), "{s}");
}

#[test]
fn q_with_unsaved_rule_edits_warns_first_and_quits_the_second_time() {
    let (_d, mut clean) = app();
    // Unchanged rules: q in the editor quits at once.
    key(&mut clean, KeyCode::Char('t'));
    key(&mut clean, KeyCode::Char('q'));
    assert!(clean.should_quit());

    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('t'));
    keys(&mut app, "3000");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit(), "the edit would be lost without a word");
    let shown = screen(&mut app, 160, 48);
    assert!(shown.contains("unsaved rule edits: s saves, q again quits"), "{shown}");
    assert!(shown.contains("Thresholds"), "the editor stays open:\n{shown}");
    // Any other key first: the next q warns again.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit());
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
}

#[test]
fn stepping_a_value_changes_its_count_its_marker_and_the_highlights_in_one_frame() {
    let (_d, mut app) = app_with(Theme { color: true });
    key(&mut app, KeyCode::Char('t'));
    // One frame: the rows drawn on red in High Quote Counts, and the editor's catch panel.
    let frame = |app: &mut App| -> (Vec<String>, String, usize) {
        let mut t = terminal(160, 48);
        t.draw(|f| app.render(f)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut red: Vec<String> = (0..48u16)
            .filter(|&y| buf[(10, y)].bg == Color::Red)
            .map(|y| (10..18).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim().to_owned())
            .collect();
        red.sort();
        let text = t.backend().to_string();
        let counts = text.lines().find(|l| l.contains("rows today")).unwrap_or_default().to_owned();
        let marker = text.lines().find_map(|l| l.chars().position(|c| c == '▲')).unwrap_or(0);
        (red, counts, marker)
    };
    let (red, counts, marker) = frame(&mut app);
    assert_eq!(red, ["QQQ", "SPY"]);
    assert!(counts.contains("2 of 7 rows today"), "{counts}");
    // Five steps down: 2000 → 1500, which BRK.B's 1500 meets.
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('-'));
    }
    let (red2, counts2, marker2) = frame(&mut app);
    assert_eq!(app.rules().rules()[0].value.to_string(), "1500");
    assert_eq!(red2, ["BRK.B", "QQQ", "SPY"]);
    assert!(counts2.contains("3 of 7 rows today") && counts2.contains("(+1 vs 2000)"), "{counts2}");
    assert!(marker2 < marker, "the threshold's mark moved left: {marker} → {marker2}");
    // Keys the editor does not use reach the screen behind it: / starts the filter.
    key(&mut app, KeyCode::Char('/'));
    assert!(screen(&mut app, 160, 48).contains("type a symbol"));
}

#[test]
fn ctrl_letters_do_nothing_their_letter_does() {
    let (_d, mut app) = app();
    let ctrl = |app: &mut App, c: char| app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    assert_eq!(ctrl(&mut app, 'd'), None, "Ctrl-D is not d (the day picker)");
    ctrl(&mut app, 's');
    assert!(!screen(&mut app, 160, 48).contains("Count↓"), "Ctrl-S sorted by count");
    // On Buy Progs vs Sell Progs, where z switches SmartScale to a hard max.
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    ctrl(&mut app, 'z');
    assert!(screen(&mut app, 160, 48).contains("net +1 smart"), "Ctrl-Z left SmartScale");
    // The letters themselves still do what they do.
    key(&mut app, KeyCode::Char('z'));
    assert!(screen(&mut app, 160, 48).contains("net +1 max "), "z sets a hard max");
    key(&mut app, KeyCode::Char('s'));
    assert!(screen(&mut app, 160, 48).contains("Count↓"));
    assert!(
        app.on_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE)).is_some(),
        "d still opens the day picker"
    );
}

#[test]
fn live_alerts_while_an_earlier_day_is_shown_get_a_badge_until_the_live_day_is_back() {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path());
    let live_day = Day::parse_compact("20250715").unwrap();
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(live_day).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    app.on_tail(TailEvent::CaughtUp { day: live_day });
    app.show_history(day_data(dir.path()));
    assert!(screen(&mut app, 160, 48).contains("HISTORY"));
    app.on_tail(TailEvent::Rows { day: live_day, rows: quote("HOT1", 93000, 2500) });
    app.on_tail(TailEvent::Rows { day: live_day, rows: quote("HOT2", 93001, 2600) });
    let s = screen(&mut app, 160, 48);
    assert!(s.lines().next().unwrap().contains("+2 live alerts"), "{s}");
    app.show_live();
    let s = screen(&mut app, 160, 48);
    assert!(!s.contains("live alerts") && s.contains("HOT2"), "{s}");
}

/// The day of `write_day` with three earlier days indexed (and itself, a past day); the App has
/// the index.
fn app_with_history() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path());
    write(dir.path(), "Data/20250709_hft1.csv", "SPY,0,93000,100,1,1,1000,\nSPY,0,100000,2100,1,1,3000,\n");
    write(dir.path(), "Data/20250710_hft1.csv", "QQQ,0,93000,50,1,1,10,\n");
    write(
        dir.path(),
        "Data/20250711_hft1.csv",
        "SPY,0,94500,300,1,1,2000000,\nSPY,0,110000,700,1,1,500,\nSPY,0,155900,3100,1,1,,\n",
    );
    write(dir.path(), "Data_Burst/20250711.csv", "94500,3,1,0,98,437,1,0,1,2\n");
    write(dir.path(), "Data_Burst_Symbols/Burst_20250711_094500.csv", "Symbol,NumTrades,NumQuotes,BBO\nSPY,42,300,1\n");
    let archive = ki2::archive::Archive::discover(dir.path()).unwrap();
    let builder = ki2::history::builder(dir.path(), &dir.path().join(".data"), ColumnOrder::default());
    let handle = ki2::history::spawn(
        builder,
        dir.path().to_path_buf(),
        ki2::history::closed_days(&archive, Day::parse_compact(DATE).unwrap()),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !handle.progress().finished && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // The three earlier days, and the day on screen too: it is before today, so it is closed.
    assert_eq!(handle.progress().done, 4, "{:?}", handle.progress());
    let mut app = app_over(dir.path(), Theme::mono()).with_history(handle);
    app.tick();
    (dir, app)
}

#[test]
fn a_symbol_across_days_lists_each_indexed_day_and_opens_one_at_that_symbol() {
    let (dir, mut app) = app_with_history();
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("SPY · 2025-07-14 · Esc back") && s.contains("last 20 days"), "{s}");
    // Newest first: today so far (2 rows), then the three indexed days; July 10 had no SPY.
    let lines: Vec<&str> =
        s.lines().map(|l| l.trim_start_matches(['"', '│'])).filter(|l| l.starts_with("2025-07-")).collect();
    let days: Vec<&str> = lines.iter().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(days, ["2025-07-14", "2025-07-11", "2025-07-10", "2025-07-09"], "{s}");
    let line = |d: &str| {
        lines.iter().find(|l| l.contains(d)).map(|l| l.split_whitespace().skip(1).take(6).collect::<Vec<_>>().join(" "))
    };
    assert_eq!(line("2025-07-11").as_deref(), Some("3 3,100 2.00M 1 09:45:00 15:59:00"), "{s}");
    assert_eq!(line("2025-07-10").as_deref(), Some("- - - ││\""), "{s}");
    assert_eq!(line("2025-07-09").as_deref(), Some("2 2,100 4000 0 09:30:00 10:00:00"), "{s}");
    insta::assert_snapshot!("symbol_across_days_160x48", s);
    insta::assert_snapshot!("symbol_across_days_80x24", screen(&mut app, 80, 24));
    // `[`: fewer days (5), still all three; `]` twice: 20 again, then 40.
    key(&mut app, KeyCode::Char('['));
    assert!(screen(&mut app, 160, 48).contains("last 10 days"));
    key(&mut app, KeyCode::Char(']'));
    key(&mut app, KeyCode::Char(']'));
    assert!(screen(&mut app, 160, 48).contains("last 40 days"));
    // Enter on July 11: that day, at SPY.
    key(&mut app, KeyCode::Down);
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("SPY · 2025-07-11 · Esc back") && s.contains("first 09:45:00  last 15:59:00  rows 3"), "{s}");
}

/// From a day opened from a symbol's days, `Esc` closes the symbol's view of that day, and
/// `Esc` again goes back to the view it was opened from, over its own day; a day that cannot be
/// read leaves that view where it was.
#[test]
fn esc_from_a_day_opened_from_a_symbols_days_goes_back_to_that_view_over_its_day() {
    let (dir, mut app) = app_with_history();
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Enter);
    let first = screen(&mut app, 160, 48);
    assert!(first.contains("SPY · 2025-07-14 · Esc back"), "{first}");
    key(&mut app, KeyCode::Down);
    press(&mut app, &mut io, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("SPY · 2025-07-11 · Esc back"), "{s}");
    press(&mut app, &mut io, KeyCode::Esc);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Date 2025-07-11") && !s.contains("Esc back"), "{s}");
    assert!(s.contains("Esc leads back to SPY on 2025-07-14"), "{s}");
    press(&mut app, &mut io, KeyCode::Esc);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("SPY · 2025-07-14 · Esc back") && s.contains("Date 2025-07-14"), "{s}");
    let days = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.trim_start_matches(['"', '│']))
            .filter(|l| l.starts_with("2025-07-"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(days(&s), days(&first), "the view as it was");
    // A day that cannot be read: that is said, and the view stays.
    key(&mut app, KeyCode::End);
    press(&mut app, &mut super::ui_baskets::Pending { days: 0, send: None }, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("SPY · 2025-07-14 · Esc back") && s.contains("cannot open 2025-07-09"), "{s}");
    press(&mut app, &mut io, KeyCode::Esc);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Date 2025-07-14") && !s.contains("Esc back"), "{s}");
}

/// A day listed whose files went away since (a share dropped, a folder moved) is said, not
/// shown as a day without a row; the day on screen stays.
#[test]
fn a_day_whose_files_went_away_is_said_not_shown_empty() {
    let (dir, mut app) = app_with_history();
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('d'));
    fs::remove_file(dir.path().join("Data/20250709_hft1.csv")).unwrap();
    press(&mut app, &mut io, KeyCode::End);
    press(&mut app, &mut io, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Date 2025-07-14"), "{s}");
    assert!(s.contains("cannot open 2025-07-09: no file of 2025-07-09 under"), "{s}");
}

#[test]
fn the_day_picker_shows_each_days_summary_from_the_index() {
    let (dir, mut app) = app_with_history();
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('d'));
    let s = screen(&mut app, 160, 48);
    let line = |d: &str| {
        let l = s.lines().find(|l| l.contains(&format!("│ {d}")))?;
        let at = l.find(d)?;
        Some(l[at..].split_whitespace().skip(1).take_while(|w| !w.starts_with('│')).collect::<Vec<_>>().join(" "))
    };
    // The day on screen: from its store, with its alerts by today's rules.
    assert_eq!(line("2025-07-14").as_deref(), Some("shown 7 3 2/1 4,947 SPY 8"), "{s}");
    assert_eq!(line("2025-07-11").as_deref(), Some("3 1 1/0 3,100 SPY -"), "{s}");
    assert_eq!(line("2025-07-10").as_deref(), Some("1 0 0/0 50 QQQ -"), "{s}");
    insta::assert_snapshot!("day_picker_80x24", screen(&mut app, 80, 24));
}

#[test]
fn the_threshold_editor_counts_what_a_value_catches_on_each_indexed_day() {
    let (_dir, mut app) = app_with_history();
    key(&mut app, KeyCode::Char('t'));
    let days = |app: &mut App| {
        let s = screen(app, 160, 48);
        s.lines().find_map(|l| l.find("earlier days: ").map(|at| l[at..].trim_end_matches([' ', '"', '│']).to_owned()))
    };
    // count ≥ 2000: July 11 has 3100, July 10 nothing, July 9 2100.
    assert_eq!(days(&mut app).as_deref(), Some("earlier days: 07-11 1 · 07-10 0 · 07-09 1"));
    // 500 typed: July 11's 700 counts too; July 9's 100 stays under.
    keys(&mut app, "500");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.rules().rules()[0].value.to_string(), "500");
    assert_eq!(days(&mut app).as_deref(), Some("earlier days: 07-11 2 · 07-10 0 · 07-09 1"));
}
