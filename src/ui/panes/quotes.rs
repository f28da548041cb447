//! High Quote Counts: hft1 rows (quote stuffing), newest first or largest first (`s`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Col, TableRow, badge, body_height, col, pane_block, table};
use crate::store::QuoteView;
use crate::ui::app::{App, Pane, QuoteOrder};
use crate::ui::text;

const COLS: [Col; 7] = [
    col("Time", 8, false, 9),
    col("Symbol", 8, false, 9),
    col("Count", 6, true, 8),
    col("Trades", 6, true, 6),
    col("BBO", 5, true, 5),
    col("$", 7, true, 4),
    col("Size", 6, true, 3),
];

/// How many rows the pane lists (all of the day, the filtered ones, or the top counts).
pub fn len(app: &mut App) -> usize {
    let shown = app.shown();
    match (app.quote_order, app.filter.clone()) {
        (QuoteOrder::Time, None) => shown.quotes,
        (QuoteOrder::Time, Some(f)) => {
            let store = app.history.as_ref().unwrap_or(&app.live);
            app.caches.filtered_quotes(store, &f, shown.quotes).len()
        }
        (QuoteOrder::Count, _) => top(app).0.len(),
    }
}

/// The day's largest counts that pass the filter, as places in the cached top list (most first).
/// Positions run the other way (largest last), so that position order matches time order.
fn top(app: &mut App) -> (Vec<usize>, &[QuoteView]) {
    let shown = app.shown();
    let store = app.history.as_ref().unwrap_or(&app.live);
    let top = app.caches.top_quotes(store, shown.version);
    let keep = top
        .iter()
        .enumerate()
        .filter(|(_, q)| app.filter.as_ref().is_none_or(|f| f.matches(&q.symbol)))
        .map(|(k, _)| k)
        .rev()
        .collect();
    (keep, top)
}

/// The rows at these positions.
pub fn rows_at(app: &mut App, positions: &[usize]) -> Vec<QuoteView> {
    let shown = app.shown();
    match (app.quote_order, app.filter.clone()) {
        (QuoteOrder::Time, None) => app.store().quotes_at(positions.iter().copied()),
        (QuoteOrder::Time, Some(f)) => {
            let store = app.history.as_ref().unwrap_or(&app.live);
            let rows = app.caches.filtered_quotes(store, &f, shown.quotes);
            let idx: Vec<usize> = positions.iter().filter_map(|&p| rows.get(p).copied()).collect();
            app.store().quotes_at(idx)
        }
        (QuoteOrder::Count, _) => {
            let (keep, top) = top(app);
            positions.iter().filter_map(|&p| top.get(*keep.get(p)?).cloned()).collect()
        }
    }
}

pub fn selected(app: &mut App) -> Option<QuoteView> {
    let n = len(app);
    let pos = app.quotes_nav.selected(n)?;
    rows_at(app, &[pos]).pop()
}

pub fn draw(app: &mut App, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.focus == Pane::Quotes;
    let h = body_height(area);
    app.heights.quotes = h;
    let n = len(app);
    let (positions, sel) = app.quotes_nav.show(n, h);
    let rows = rows_at(app, &positions);
    let rules = app.rules();
    let body = rows
        .iter()
        .zip(&positions)
        .map(|(q, &pos)| {
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
    let order = match app.quote_order {
        QuoteOrder::Time => "",
        QuoteOrder::Count => " · largest",
    };
    let title = Line::from(format!(" High Quote Counts{order} "));
    let badges = Line::from(vec![
        Span::raw(format!(" {} ", text::thousands(n as u64))),
        badge("autosnap ".into(), app.quotes_nav.follow, theme),
    ]);
    table(f, area, pane_block(title, badges, focused, theme, area.width), &COLS, body, theme);
}
