//! The update step and the paint: what a frame shows is gathered when something changed (rows,
//! a key, the clock bringing something, a new size), and an idle ki2 gathers nothing.

use crossterm::event::KeyCode;
use ki2::alerts::{Evaluator, RuleSet};
use ki2::archive::Day;
use ki2::store::DayStore;
use ki2::tail::TailEvent;
use ki2::ui::{App, AppOptions, Theme};
use ratatui::layout::Rect;

use crate::ui::{DATE, key, options, quote, screen};

#[test]
fn an_idle_screen_gathers_nothing_and_rows_keys_and_a_new_size_gather_again() {
    let day = Day::parse_compact(DATE).unwrap();
    let opts = AppOptions { live: true, ..options(Theme::mono()) };
    let mut app = App::new(DayStore::new(day).unwrap(), opts, Evaluator::new(RuleSet::defaults()));
    app.on_tail(TailEvent::CaughtUp { day });
    app.on_tail(TailEvent::Rows { day, rows: quote("FIRST", 93000, 2500) });
    let size = Rect::new(0, 0, 160, 48);
    assert!(app.settle(size), "the first frame gathers");
    assert!(!app.settle(size), "nothing changed: nothing is gathered");
    app.tick();
    assert!(!app.settle(size), "a tick that brings nothing gathers nothing");
    app.on_tail(TailEvent::Rows { day, rows: quote("SECOND", 93001, 2600) });
    assert!(app.settle(size), "rows arrived");
    assert!(!app.settle(size));
    key(&mut app, KeyCode::Char('j'));
    assert!(app.settle(size), "a key was pressed");
    assert!(app.settle(Rect::new(0, 0, 80, 24)), "the terminal was resized");
    assert!(!app.settle(Rect::new(0, 0, 80, 24)));
    // What was gathered is what the screen shows, frame after frame.
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("SECOND") && s.contains("FIRST"), "{s}");
    assert_eq!(screen(&mut app, 160, 48), s);
}
