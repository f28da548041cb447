//! High Quote Counts: hft1 rows (quote stuffing), newest first or in the order of a column.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{ListTable, TableRow, autosnap, list_table};
use crate::store::QuoteView;
use crate::ui::app::App;
use crate::ui::columns::QUOTES;
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane};

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
    let title = Line::from(" High Quote Counts ");
    let choice = app.view.columns[ListPane::Quotes];
    let newest_first = choice.sort.col == 0 && choice.sort.desc;
    let (snap, footer) = autosnap(shown, app.view.lists[ListPane::Quotes].nav.follow, newest_first, theme);
    let badges = Line::from(vec![Span::raw(format!(" {} ", text::thousands(shown.len as u64))), snap]);
    let t = ListTable { title, badges, focused, cols: &QUOTES, choice, footer };
    list_table(f, area, t, body, theme);
}
