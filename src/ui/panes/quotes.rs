//! High Quote Counts: hft1 rows (quote stuffing), newest first or in the order of a column.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{ListTable, list_rows, list_table, pane_snap};
use crate::store::QuoteView;
use crate::ui::app::App;
use crate::ui::columns::{self, Ctx, QUOTES};
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane};

pub fn draw(app: &App, shown: &Shown<QuoteView>, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Quotes;
    let rules = app.rules();
    let ctx = Ctx::of(&app.data);
    let body = list_rows(shown, focused, theme, |q, selected| {
        let hit = rules.quote_match(&q.row()).is_some();
        (hit, columns::cells(&QUOTES, q, &ctx, theme, !hit && !selected))
    });
    let choice = app.view.columns[ListPane::Quotes];
    let (snap, footer) = pane_snap(app, ListPane::Quotes, shown);
    let badges = Line::from(vec![Span::raw(format!(" {} ", text::thousands(shown.len as u64))), snap]);
    let t = ListTable {
        title: Line::from(" High Quote Counts "),
        badges,
        focused,
        cols: columns::of(ListPane::Quotes),
        choice,
        footer,
    };
    list_table(f, area, t, body, theme);
}
