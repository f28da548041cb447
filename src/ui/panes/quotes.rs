//! High Quote Counts: hft1 rows (quote stuffing), newest first or largest first (`s`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Col, TableRow, badge, col, pane_block, table};
use crate::store::QuoteView;
use crate::ui::app::App;
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane, QuoteOrder};

const COLS: [Col; 7] = [
    col("Time", 8, false, 9),
    col("Symbol", 8, false, 9),
    col("Count", 6, true, 8),
    col("Trades", 6, true, 6),
    col("BBO", 5, true, 5),
    col("$", 7, true, 4),
    col("Size", 6, true, 3),
];

pub fn draw(app: &App, shown: &Shown<QuoteView>, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Quotes;
    let sel = shown.selected;
    let rules = app.rules();
    let body = shown
        .rows
        .iter()
        .map(|(pos, q)| {
            let pos = *pos;
            let hit = rules.quote_match(&q.row()).is_some();
            let mut style = if hit { theme.alert_row() } else { Default::default() };
            if Some(pos) == sel {
                style = style.patch(theme.selected(focused));
            }
            let d = Default::default();
            TableRow {
                cells: vec![
                    (q.time.to_string(), d),
                    (text::symbol(&q.symbol).into_owned(), d),
                    (q.num_quotes.to_string(), d),
                    (q.num_trades.to_string(), d),
                    (q.bbo.to_string(), d),
                    (text::money(q.dollars), d),
                    (text::money(q.trade_size), d),
                ],
                style,
            }
        })
        .collect();
    let order = match app.view.quote_order {
        QuoteOrder::Time => "",
        QuoteOrder::Count => " · largest",
    };
    let title = Line::from(format!(" High Quote Counts{order} "));
    let badges = Line::from(vec![
        Span::raw(format!(" {} ", text::thousands(shown.len as u64))),
        badge("autosnap ".into(), app.view.lists[ListPane::Quotes].nav.follow, theme),
    ]);
    table(f, area, pane_block(title, badges, focused, theme, area.width), &COLS, body, theme);
}
