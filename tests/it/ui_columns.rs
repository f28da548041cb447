//! Sorting the list panes by a column and hiding columns (`<` `>` `r` `s`, `c`), on ratatui's
//! TestBackend over the small day of `ui.rs`: what the panes show, that the choice is kept in
//! view.toml and comes back at the next start, and that a broken file is named and ignored.

use std::fs;

use crossterm::event::KeyCode;
use ki2::alerts::{Evaluator, RuleSet};
use ki2::archive::Day;
use ki2::store::DayStore;
use ki2::tail::TailEvent;
use ki2::ui::{App, AppOptions, Theme};
use ki2::view_file::ViewFile;

use super::ui::{DATE, app, app_over, archive_io, key, keys, options, press, quote, screen, selected_row, write_day};

/// The rows of High Quote Counts at 160×48: symbol and count of each line under the header.
fn quote_rows(s: &str) -> Vec<(String, String)> {
    s.lines()
        .skip(3)
        .take_while(|l| l.contains("│09:"))
        .map(|l| {
            let f: Vec<&str> = l.trim_matches('"').trim_start_matches('│').split_whitespace().collect();
            (f.get(1).copied().unwrap_or_default().to_owned(), f.get(2).copied().unwrap_or_default().to_owned())
        })
        .collect()
}

/// High Quote Counts by count, smallest first, Trades hidden; Burst Signals by S1.
fn sort_and_hide(app: &mut App, io: Option<&mut dyn ki2::ui::Io>) {
    let mut steps: Vec<KeyCode> = vec![
        // Time → Symbol → Count (largest first), then reversed.
        KeyCode::Char('>'),
        KeyCode::Char('>'),
        KeyCode::Char('r'),
        // The chooser: down to Trades, hide it, close.
        KeyCode::Char('C'),
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Down,
        KeyCode::Char(' '),
        KeyCode::Esc,
        KeyCode::Tab,
    ];
    // Burst Signals: back from Time through Basket, CU (this file has it), CS, CB, CT, S2 to
    // S1, largest first; then smallest first.
    steps.extend([KeyCode::Char('<'); 7]);
    steps.push(KeyCode::Char('r'));
    match io {
        Some(io) => steps.into_iter().for_each(|k| press(app, io, k)),
        None => steps.into_iter().for_each(|k| key(app, k)),
    }
}

#[test]
fn a_sort_and_a_hidden_column_at_80x24_and_160x48() {
    let (_d, mut app) = app();
    sort_and_hide(&mut app, None);
    let big = screen(&mut app, 160, 48);
    let rows = quote_rows(&big);
    let counts: Vec<&str> = rows.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(counts, ["990", "1005", "1178", "1399", "1500", "2247", "4947"], "smallest count first:\n{big}");
    assert!(big.contains("Count↑") && !big.contains("Trades"), "{big}");
    // Burst Signals by S1, smallest first: 98 (LOW), 214 (MOD), 230 (HIGH), against time.
    let line = |grade: &str| big.lines().position(|l| l.contains(&format!(" {grade} "))).unwrap_or(usize::MAX);
    assert!(big.contains("S1↑") && line("LOW") < line("MOD") && line("MOD") < line("HIGH"), "{big}");
    insta::assert_snapshot!("columns_sorted_160x48", big);
    let small = screen(&mut app, 80, 24);
    assert!(
        small.contains("Count↑") && small.lines().any(|l| l.contains("│09:30:03 ") && l.contains(" BF/B ")),
        "{small}"
    );
    insta::assert_snapshot!("columns_sorted_80x24", small);
}

#[test]
fn the_chooser_lists_the_columns_and_keeps_one() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('C'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Columns: Syms Hit At") && s.contains("[x] NT") && s.contains("sorted ↓"), "{s}");
    for _ in 0..3 {
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char(' '));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("one column at least stays shown") && s.contains("[x] BBO"), "{s}");
    insta::assert_snapshot!("columns_chooser_80x24", s);
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 80, 24).contains("Columns: "));
}

#[test]
fn a_saved_choice_is_restored_by_a_new_app_from_the_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path());
    let config = dir.path().join("config");
    let rules = config.join("rules.toml");
    let mut io = archive_io(dir.path(), &rules);
    let mut first = app_over(dir.path(), Theme::mono());
    sort_and_hide(&mut first, Some(&mut io));
    let path = ViewFile::path_in(&config);
    let text = fs::read_to_string(&path).expect("view.toml written");
    assert!(text.contains("[quotes]\nsort = \"count\"\ndescending = false\nhidden = [\"trades\"]"), "{text}");
    let left: Vec<_> = fs::read_dir(&config).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    assert_eq!(left, ["view.toml"], "no temporary file left behind");

    let mut again = app_over(dir.path(), Theme::mono()).with_saved_view(ViewFile::load(&path));
    // The same screen, but for the status line (the first app said what each key did).
    let body = |s: &str| s.lines().take(47).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&screen(&mut again, 160, 48)), body(&screen(&mut first, 160, 48)));
    // Nothing about the file: it was read as written.
    assert!(!screen(&mut again, 160, 48).contains("view.toml"));
}

#[test]
fn a_broken_view_file_is_named_with_its_line_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path());
    let path = ViewFile::path_in(dir.path());
    let default = |app: &mut App| quote_rows(&screen(app, 160, 48))[0].0.clone();
    for (text, says) in [
        ("[quotes]\nsort = \"count\"\nhidden = [\"size\",\n", "line 3, column 18: unclosed array"),
        ("[quotes]\nsort = \"cnt\"\n", "line 2, column 8: quotes.sort = \"cnt\": no such column"),
        ("[bursts]\nhidden = [\"time\"]\n[symbols]\nhidden = [\"symbol\", \"nt\", \"nq\", \"bbo\"]\n", "line 3"),
    ] {
        fs::write(&path, text).unwrap();
        let mut app = app_over(dir.path(), Theme::mono()).with_saved_view(ViewFile::load(&path));
        let s = screen(&mut app, 160, 48);
        let status = s.lines().last().unwrap_or_default();
        assert!(status.contains(&format!("view.toml ignored (default columns): {says}")), "{text}\n{s}");
        // Ignored whole: newest first, every column there.
        assert_eq!(default(&mut app), "AAPL", "{s}");
        assert!(s.contains("Time↓") && s.contains("Trades") && s.contains("Bckgrnd"), "{s}");
    }
}

#[test]
fn help_lists_the_sort_and_column_keys() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('?'));
    let s = screen(&mut app, 160, 48);
    for (k, does) in [
        ("> / <", "sort the pane in focus by the next / previous column"),
        ("r", "reverse the sort of the pane in focus"),
        ("C", "columns of the pane in focus: Space shows / hides"),
        ("s", "High Quote Counts: newest first / largest first"),
    ] {
        let line = format!("  {k:<16}{does}");
        assert!(s.contains(&line), "help lacks {line:?}:\n{s}");
    }
}

#[test]
fn filter_selection_enter_and_copy_follow_the_sort_and_the_columns() {
    let (_d, mut app) = app();
    sort_and_hide(&mut app, None);
    key(&mut app, KeyCode::BackTab);
    // The filter keeps the order: SPY's two rows, smallest count first.
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "SPY");
    key(&mut app, KeyCode::Enter);
    let rows = quote_rows(&screen(&mut app, 160, 48));
    assert_eq!(rows, [("SPY".into(), "1178".into()), ("SPY".into(), "4947".into())]);
    // Y: those rows, in that order, without the hidden Trades.
    key(&mut app, KeyCode::Char('Y'));
    let csv = app.take_clipboard().expect("copied");
    assert_eq!(
        csv,
        "time,symbol,num_quotes,bbo,dollars,trade_size\n\
         09:30:00,SPY,1178,216,1234567,13871.54\n\
         09:30:05,SPY,4947,812,9000000,28481.01\n"
    );
    // The selected row (the top one, autosnap) is what Enter opens: the first SPY row here.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("AAPL · 2025-07-14 · Esc back"), "the second row by count is AAPL's 1005:\n{s}");
}

#[test]
fn enter_on_an_alert_selects_its_row_in_the_sorted_pane() {
    let (_d, mut app) = app();
    sort_and_hide(&mut app, None);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    // Alerts, newest first: two symbol hits and the capper at 09:30:06, then SPY's 4947 quotes.
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let (s, selected) =
        selected_row(&mut app, |l| l.contains("│09:30:05 ") && l.contains(" SPY ") && l.contains(" 4947"));
    assert!(s.contains("Count↑"), "the sort stays:\n{s}");
    assert_eq!(selected, Some(true), "SPY's row shown and selected:\n{s}");
}

#[test]
fn by_time_means_by_time_even_when_rows_came_out_of_order() {
    let day = Day::parse_compact(DATE).unwrap();
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(day).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    for (sym, t) in [("AAA", 93005), ("BBB", 93001), ("CCC", 93003), ("DDD", 93003)] {
        app.on_tail(TailEvent::Rows { day, rows: quote(sym, t, 10) });
    }
    let order = |app: &mut App| -> Vec<String> { quote_rows(&screen(app, 160, 48)).into_iter().map(|r| r.0).collect() };
    // Newest first; of one second, the row written last first.
    assert_eq!(order(&mut app), ["AAA", "DDD", "CCC", "BBB"]);
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(order(&mut app), ["BBB", "CCC", "DDD", "AAA"]);
    // Rows still coming: one in the middle of the day's times lands in its place.
    app.on_tail(TailEvent::Rows { day, rows: quote("EEE", 93002, 10) });
    assert_eq!(order(&mut app), ["BBB", "EEE", "CCC", "DDD", "AAA"]);
}

#[test]
fn a_column_choice_that_cannot_be_saved_says_so_and_stays() {
    let (dir, mut app) = app();
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "x").unwrap();
    let mut io = archive_io(dir.path(), &blocker.join("rules.toml"));
    press(&mut app, &mut io, KeyCode::Char('s'));
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("column choice not saved") && s.contains("Count↓"), "{s}");
}
