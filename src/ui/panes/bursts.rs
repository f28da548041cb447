//! Burst Signals: program bursts with their running totals, newest first.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{ListTable, list_rows, list_table, pane_snap};
use crate::archive::BurstRow;
use crate::ui::app::App;
use crate::ui::columns::{self, BURSTS, Ctx};
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane};

/// `ids`: the short forms of the shown bursts' baskets (`Prepared::basket_ids`).
pub fn draw(app: &App, shown: &Shown<BurstRow>, ids: &HashMap<String, String>, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Bursts;
    let rules = app.rules();
    let ctx = Ctx { data: Some(&app.data), ids: Some(ids) };
    let body = list_rows(shown, focused, theme, |b, selected| {
        let hit = rules.burst_match(b).is_some();
        // Lit and selected rows keep one colour across.
        (hit, columns::cells(&BURSTS, b, &ctx, theme, !hit && !selected))
    });
    let choice = app.view.columns[ListPane::Bursts];
    let (snap, footer) = pane_snap(app, ListPane::Bursts, shown);
    let badges = Line::from(vec![Span::raw(format!(" {} ", text::thousands(shown.len as u64))), snap]);
    let t = ListTable {
        title: Line::from(" Burst Signals "),
        badges,
        focused,
        cols: columns::of(ListPane::Bursts),
        choice,
        footer,
    };
    list_table(f, area, t, body, theme);
}
