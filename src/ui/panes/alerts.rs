//! The alert log: every alert raised today, newest first (Enter drills to its row).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Col, TableRow, badge, col, pane_block, table};
use crate::alerts::Alert;
use crate::ui::app::App;
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::Pane;

const COLS: [Col; 6] = [
    col("Time", 8, false, 9),
    col("Rule", 14, false, 6),
    col("Symbol", 7, false, 8),
    col("Value", 7, true, 7),
    col("Thresh", 9, true, 3),
    col("Seen before", 40, false, 1),
];

pub fn draw(app: &App, shown: &Shown<Alert>, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Alerts;
    let sel = shown.selected;
    let body = shown
        .rows
        .iter()
        .map(|(pos, a)| {
            let pos = *pos;
            let style = if Some(pos) == sel { theme.selected(focused) } else { Default::default() };
            let d = Default::default();
            let seen = a.enrichment.as_ref().map(|e| e.describe()).unwrap_or_default();
            TableRow {
                cells: vec![
                    (a.time.to_string(), d),
                    (text::clean(&a.rule, 20).into_owned(), theme.key()),
                    (a.symbol.as_deref().map(|s| text::symbol(s).into_owned()).unwrap_or_else(|| "-".into()), d),
                    (a.value.to_string(), d),
                    (format!("{}{}", a.op.symbol(), a.threshold), theme.dim()),
                    (seen, theme.dim()),
                ],
                style,
            }
        })
        .collect();
    let d = &app.data;
    let total = if d.history.is_none() && d.alerts_total > d.alerts.len() {
        format!(" {} (last {}) ", text::thousands(d.alerts_total as u64), text::thousands(d.alerts.len() as u64))
    } else {
        format!(" {} ", text::thousands(shown.len as u64))
    };
    let bell = if app.opts.bell { "bell " } else { "no bell " };
    let badges = Line::from(vec![Span::raw(total), badge(bell.into(), app.opts.bell, theme)]);
    table(f, area, pane_block(Line::from(" Alerts "), badges, focused, theme, area.width), &COLS, body, theme);
}
