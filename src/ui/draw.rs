//! The screen: header, the six panes, the status line, and whatever overlay is open — painted
//! from what the update step prepared (`settle.rs`), in the places `layout.rs` gives. Drawing
//! reads the app and changes nothing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::app::App;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::overlay::Overlay;
use super::panes;

pub fn draw(app: &App, f: &mut Frame) {
    // Debug builds only: lets the tests check that a crash in a pane gives the terminal back.
    if cfg!(debug_assertions) && std::env::var_os("KI2_DEBUG_PANIC").is_some() {
        panic!("KI2_DEBUG_PANIC: a pane failed to draw");
    }
    let area = f.area();
    let Some(s) = layout::screen(area, app) else {
        let msg = format!(
            "ki2 needs at least {MIN_WIDTH}×{MIN_HEIGHT} (this terminal is {}×{}). {} quits.",
            area.width,
            area.height,
            app.keys.hint(super::keymap::Action::Quit)
        );
        f.render_widget(Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }), area);
        return;
    };
    panes::status::header(app, f, s.head);
    // Prepared by the update step for this size (`App::settle`); nothing to paint before it ran.
    let Some(p) = app.prepared.as_ref() else { return };
    let alert = p.alerts.rows.iter().find(|(pos, _)| Some(*pos) == p.alerts.selected).map(|(_, a)| a);
    panes::status::status_line(app, alert, f, s.status);
    panes::quotes::draw(app, &p.quotes, f, s.quotes);
    panes::bursts::draw(app, &p.bursts, &p.basket_ids, f, s.bursts);
    panes::symbols::draw(app, p.hits_at, &p.hits, p.so_far, f, s.symbols);
    panes::programs::draw(app, &p.programs, f, s.programs);
    panes::series::draw(app, &p.s2, &p.s1, f, s.series);
    panes::alerts::draw(app, &p.alerts, f, s.alerts);
    if let Overlay::Rules(ed) = &app.view.overlay {
        panes::rules::draw(ed, app.data.alerting.rules(), p.catch.as_ref(), &app.keys, app.opts.theme, f, s.dock);
    }
    overlay(app, f, s.body);
}

fn overlay(app: &App, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let live = app.live_day();
    let tailed = app.opts.live.then_some(live);
    let (data, view) = (&app.data, &app.view);
    match &view.overlay {
        // Nothing over the panes while the day is read: the status line says LOADING.
        Overlay::None | Overlay::Opening(_) => {}
        Overlay::Help(scroll) => panes::help::draw(*scroll, &app.keys, theme, f, area),
        Overlay::Sinks => panes::sinks::draw(&app.status.sinks, theme, f, area),
        Overlay::Message(text) => panes::message::draw(text, theme, f, area),
        Overlay::Columns(ch) => panes::chooser::draw(ch, view.columns[ch.pane], &app.keys, theme, f, area),
        Overlay::Days(p) => panes::days::draw(p, tailed, data.shown().day(), theme, f, area),
        Overlay::Malformed(nav) => panes::malformed::draw(nav, data.shown().malformed(), theme, f, area),
        // Docked under the panes (above).
        Overlay::Rules(_) => {}
        Overlay::Symbol(v) => panes::symbol_view::draw(v, data.shown().day(), theme, f, area),
        Overlay::Baskets(v) => panes::baskets::draw(v, &data.baskets, theme, f, area),
        Overlay::Edges(v) => panes::edges::draw(v, theme, f, area),
    }
}
