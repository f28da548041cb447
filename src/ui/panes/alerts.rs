//! The alert log: every alert raised today, newest first (Enter drills to its row).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{ListTable, badge, list_rows, list_table, pane_snap};
use crate::alerts::Alert;
use crate::ui::app::App;
use crate::ui::columns::{self, ALERTS, Ctx};
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane};

pub fn draw(app: &App, shown: &Shown<Alert>, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Alerts;
    let ctx = Ctx::of(&app.data);
    // An alert is what a rule caught: its row is not lit again.
    let body =
        list_rows(shown, focused, theme, |a, selected| (false, columns::cells(&ALERTS, a, &ctx, theme, !selected)));
    let d = &app.data;
    let (total, kept) = (d.shown_alerts_total(), d.shown_alerts().len());
    let total = if app.view.filter.is_some() {
        // The filter narrows the pane: say how many it lets through, of how many.
        format!(" {} of {} ", text::thousands(shown.len as u64), text::thousands(total as u64))
    } else if total > kept {
        format!(" {} (last {}) ", text::thousands(total as u64), text::thousands(kept as u64))
    } else {
        format!(" {} ", text::thousands(shown.len as u64))
    };
    let bell = if app.opts.bell { "bell " } else { "no bell " };
    let badges = Line::from(vec![Span::raw(total), badge(bell.into(), app.opts.bell, theme)]);
    let choice = app.view.columns[ListPane::Alerts];
    let (_, footer) = pane_snap(app, ListPane::Alerts, shown);
    let t = ListTable {
        title: Line::from(" Alerts "),
        badges,
        focused,
        cols: columns::of(ListPane::Alerts),
        choice,
        footer,
    };
    list_table(f, area, t, body, theme);
}
