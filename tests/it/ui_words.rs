//! What the screen's words say, tried as a new user would: hints drawn from the key table as it
//! is bound, the day picker opening on the day shown, autosnap off said in words with what came
//! above, the editor's rules all reachable at 80×24, and a long message cut between words.

use crossterm::event::KeyCode;
use ki2::alerts::{Evaluator, RuleSet};
use ki2::archive::{Day, Rows};
use ki2::config::KeyBinding;
use ki2::store::DayStore;
use ki2::tail::TailEvent;
use ki2::ui::{App, AppOptions, Keymap, Theme};

use crate::support::write;
use crate::ui::{app, archive_io, key, keys, options, press, screen};

fn live_app(day: &str) -> App {
    let d = Day::parse_compact(day).unwrap();
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    App::new(DayStore::new(d).unwrap(), opts, Evaluator::new(RuleSet::defaults()))
}

#[test]
fn rebound_keys_are_the_keys_the_header_and_the_help_name() {
    let rebind = |action: &str, key: &str| KeyBinding {
        action: action.into(),
        keys: vec![key.into()],
        at: "line 2, column 1".into(),
    };
    // `x` deletes a rule in the threshold editor: quitting there too would be refused.
    assert_eq!(
        Keymap::with(&[rebind("quit", "x")]).err().as_deref(),
        Some(
            "line 2, column 1: [keys]: x is bound to both quit and delete_rule (in the threshold editor, which needs quit too)"
        )
    );
    let keymap = Keymap::with(&[rebind("quit", "x"), rebind("help", "F1"), rebind("delete_rule", "D")]).unwrap();
    let (_d, app) = app();
    let mut app = app.with_keys(keymap);
    let s = screen(&mut app, 160, 48);
    assert!(s.lines().next().unwrap_or("").contains("F1 help  x quit"), "{s}");
    key(&mut app, KeyCode::F(1));
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("Esc or F1 closes this help"), "{s}");
    assert!(!s.contains("? help") && !s.contains("q quit"), "{s}");
    // The views' keys come from the same table: the help and the editor's panel name `D`.
    assert!(s.contains("a / D / s       add a rule / delete it (press twice)"), "{s}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('t'));
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("┌ Thresholds"), "{s}");
    key(&mut app, KeyCode::Char('D'));
    assert!(screen(&mut app, 160, 48).contains("press D again to delete this rule"));
    // Quitting must stay reachable: `quit = []` is refused, naming its line.
    let none = KeyBinding { action: "quit".into(), keys: vec![], at: "line 4, column 1".into() };
    assert_eq!(
        Keymap::with(&[none]).err().as_deref(),
        Some("line 4, column 1: keys.quit = []: quit needs at least one key")
    );
}

#[test]
fn o_without_sinks_says_there_are_none_and_how_to_add_one() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('o'));
    let s = screen(&mut app, 160, 48);
    let status = s.lines().last().unwrap_or("");
    assert!(status.contains("no alert sinks configured: add [alerts] log_file or command"), "{s}");
}

#[test]
fn the_day_picker_opens_on_the_day_shown_with_the_newest_day_on_top() {
    let dir = tempfile::tempdir().unwrap();
    for d in 1..=26 {
        write(dir.path(), &format!("Data/202506{d:02}_hft1.csv"), b"SPY,0,93000,100,1,1,1,\n");
    }
    let mut app = live_app("20250626");
    let mut io = archive_io(dir.path(), &dir.path().join("rules.toml"));
    // Open 2025-06-20: the sixth day down from the live one.
    press(&mut app, &mut io, KeyCode::Char('d'));
    for _ in 0..6 {
        press(&mut app, &mut io, KeyCode::Down);
    }
    press(&mut app, &mut io, KeyCode::Enter);
    assert!(screen(&mut app, 80, 24).contains("Date 2025-06-20"));
    press(&mut app, &mut io, KeyCode::Char('d'));
    let s = screen(&mut app, 80, 24);
    let days: Vec<&str> = s.lines().filter_map(|l| l.find("│ 2025-06-").map(|at| &l[at + 4..at + 14])).collect();
    assert_eq!(days.first().copied(), Some("2025-06-26"), "the live day on the first line:\n{s}");
    assert!(days.contains(&"2025-06-20"), "the day shown in view:\n{s}");
    insta::assert_snapshot!("day_picker_on_the_day_shown_80x24", s);
}

fn burst(t: u32, n: u32) -> Rows {
    let line = format!("{t},3,1,0,50,100,{n},0,{n}");
    Rows::Bursts(vec![ki2::archive::burst::parse(line.as_bytes(), &Default::default()).unwrap()])
}

#[test]
fn autosnap_off_is_said_in_words_with_the_rows_that_came_above() {
    let mut app = live_app("20250714");
    let d = app.live_day();
    app.on_tail(TailEvent::Rows { day: d, rows: burst(93000, 1) });
    app.on_tail(TailEvent::CaughtUp { day: d });
    key(&mut app, KeyCode::Tab); // Burst Signals
    key(&mut app, KeyCode::Char('f'));
    for i in 1..=18 {
        app.on_tail(TailEvent::Rows { day: d, rows: burst(93000 + i, i + 1) });
    }
    let s = screen(&mut app, 160, 48);
    assert!(ki2_title(&s, "Burst Signals").contains("19 autosnap off"), "{s}");
    for (w, h) in [(160, 48), (80, 24)] {
        let s = screen(&mut app, w, h);
        let bottom = s.lines().find(|l| l.contains("+18 new")).unwrap_or_else(|| panic!("{w}x{h}: no marker:\n{s}"));
        assert!(bottom.contains('└'), "on the pane's bottom border: {bottom}");
    }
    insta::assert_snapshot!("autosnap_off_80x24", screen(&mut app, 80, 24));
    // Back to the newest row: autosnap on again, the marker gone.
    key(&mut app, KeyCode::Home);
    let s = screen(&mut app, 160, 48);
    assert!(!s.contains("+18 new") && ki2_title(&s, "Burst Signals").contains("19 autosnap"), "{s}");
}

fn ki2_title<'a>(s: &'a str, pane: &str) -> &'a str {
    let l = s.lines().find(|l| l.contains(pane)).unwrap_or("");
    let at = l.find(pane).unwrap_or(0);
    let end = l[at..].find('┐').map_or(l.len(), |e| at + e);
    &l[at..end]
}

#[test]
fn every_rule_of_the_editor_is_reachable_at_80x24_and_it_says_there_are_more() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('t'));
    let n = app.rules().rules().len();
    assert!(n >= 3, "the defaults have three rules");
    let s = screen(&mut app, 80, 24);
    let marker = |s: &str| s.lines().find(|l| l.contains(" rules ")).map(|l| l.trim_matches('"').to_owned());
    let first = marker(&s).unwrap_or_else(|| panic!("no marker:\n{s}"));
    assert!(first.contains(" rules 1–") && first.ends_with("↓ ┘"), "{first}");
    assert!(!s.contains("capper"), "the third rule is below:\n{s}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let s = screen(&mut app, 80, 24);
    let last = marker(&s).unwrap_or_else(|| panic!("no marker:\n{s}"));
    assert!(last.contains(&format!("–{n} of {n} ↑ ┘")) && s.contains("capper"), "{s}");
    insta::assert_snapshot!("editor_scrolled_80x24", s);
}

#[test]
fn a_long_message_is_cut_between_words_and_e_shows_it_whole() {
    let (_d, mut app) = app();
    key(&mut app, KeyCode::Char('t'));
    // A value the field cannot take, typed into the editor: its error is long.
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    keys(&mut app, "99999999999");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    let status = s.lines().last().unwrap_or("").trim_matches('"').trim_end();
    assert!(status.contains("value: 99999999999 is out of range"), "{s}");
    assert!(status.ends_with("… (e)"), "cut between words, with the key that shows it all: {status:?}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('e'));
    let s = screen(&mut app, 80, 24);
    let whole: String = s.lines().map(|l| l.trim_matches(['"', '│', ' '])).collect::<Vec<_>>().join(" ");
    assert!(whole.contains("is out of range: the files' counts go up to 4,294,967,295"), "{s}");
}
