//! The screen: header, the six panes in two rows (as the Burst Monitor lays them out: tables on
//! top, charts below), the status line, and whatever overlay is open.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::lists;
use super::overlay::Overlay;
use super::panes;
use super::view::ListPane;

/// Below this the panes cannot show a row; ki2 says so instead of drawing garbage.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

pub fn draw(app: &mut App, f: &mut Frame) {
    // Debug builds only: lets the tests check that a crash in a pane gives the terminal back.
    if cfg!(debug_assertions) && std::env::var_os("KI2_DEBUG_PANIC").is_some() {
        panic!("KI2_DEBUG_PANIC: a pane failed to draw");
    }
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "ki2 needs at least {MIN_WIDTH}×{MIN_HEIGHT} (this terminal is {}×{}). {} quits.",
            area.width,
            area.height,
            app.keys.hint(super::keymap::Action::Quit)
        );
        f.render_widget(Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }), area);
        return;
    }
    let [head, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    panes::status::header(app, f, head);
    // The threshold editor docks under the panes, which shrink but stay, so that what an edit
    // changes (highlights, alerts) shows as it is typed.
    let docked = matches!(app.view.overlay, Overlay::Rules(_));
    let rules = app.rules().len() as u16;
    let dock_h = if docked { (rules + 6).clamp(8, (body.height * 2 / 5).max(8)) } else { 0 };
    let [panes_area, dock] = Layout::vertical([Constraint::Min(0), Constraint::Length(dock_h)]).areas(body);
    let [top, bottom] = Layout::vertical([Constraint::Percentage(56), Constraint::Percentage(44)]).areas(panes_area);
    let [quotes, bursts, symbols] = Layout::horizontal(if area.width >= 140 {
        [Constraint::Percentage(34), Constraint::Percentage(42), Constraint::Percentage(24)]
    } else {
        [Constraint::Percentage(36), Constraint::Percentage(38), Constraint::Percentage(26)]
    })
    .areas(top);
    let [programs, series, alerts] =
        Layout::horizontal([Constraint::Percentage(34), Constraint::Percentage(33), Constraint::Percentage(33)])
            .areas(bottom);
    // The lists' heights as laid out now; then what each pane shows is gathered, and the panes
    // only paint it.
    for (pane, area) in [
        (ListPane::Quotes, quotes),
        (ListPane::Bursts, bursts),
        (ListPane::Symbols, symbols),
        (ListPane::Alerts, alerts),
    ] {
        app.view.lists[pane].height = panes::body_height(area);
    }
    let p = lists::prepare(&app.data, &mut app.view);
    let alert = p.alerts.rows.iter().find(|(pos, _)| Some(*pos) == p.alerts.selected).map(|(_, a)| a);
    panes::status::status_line(app, alert, f, status);
    panes::quotes::draw(app, &p.quotes, f, quotes);
    panes::bursts::draw(app, &p.bursts, f, bursts);
    panes::symbols::draw(app, p.hits_at, &p.hits, p.so_far, f, symbols);
    panes::programs::draw(app, &p.programs, f, programs);
    panes::series::draw(app, &p.s2, &p.s1, f, series);
    panes::alerts::draw(app, &p.alerts, f, alerts);
    if let (Overlay::Rules(ed), true) = (&mut app.view.overlay, docked) {
        panes::rules::draw(ed, app.data.alerting.rules(), p.catch.as_ref(), &app.keys, app.opts.theme, f, dock);
    }
    overlay(app, f, body);
}

fn overlay(app: &mut App, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let live = app.live_day();
    let tailed = app.opts.live.then_some(live);
    let sinks = matches!(app.view.overlay, Overlay::Sinks).then(|| app.sinks());
    let (data, view) = (&app.data, &mut app.view);
    match &mut view.overlay {
        Overlay::None => {}
        Overlay::Help(scroll) => panes::help::draw(scroll, &app.keys, theme, f, area),
        Overlay::Sinks => panes::sinks::draw(sinks.as_deref().unwrap_or_default(), theme, f, area),
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
