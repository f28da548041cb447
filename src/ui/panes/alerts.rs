//! The alert log: every alert raised today, newest first (Enter drills to its row).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Col, TableRow, badge, body_height, col, pane_block, table};
use crate::alerts::Alert;
use crate::ui::app::{App, Pane};
use crate::ui::text;

const COLS: [Col; 6] = [
    col("Time", 8, false, 9),
    col("Rule", 14, false, 6),
    col("Symbol", 7, false, 8),
    col("Value", 7, true, 7),
    col("Thresh", 9, true, 3),
    col("Seen before", 40, false, 1),
];

/// Positions in the log of the alerts listed (filtered by symbol), oldest first.
pub fn list(app: &App) -> Vec<usize> {
    let alerts = app.alerts_shown();
    let end = app.shown().alerts.min(alerts.len());
    match &app.filter {
        None => (0..end).collect(),
        Some(f) => (0..end).filter(|&i| alerts[i].symbol.as_deref().is_some_and(|s| f.matches(s))).collect(),
    }
}

pub fn selected(app: &App) -> Option<&Alert> {
    let l = list(app);
    let pos = app.alerts_nav.selected(l.len())?;
    app.alerts_shown().get(*l.get(pos)?)
}

pub fn draw(app: &mut App, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.focus == Pane::Alerts;
    let h = body_height(area);
    app.heights.alerts = h;
    let l = list(app);
    let (positions, sel) = app.alerts_nav.show(l.len(), h);
    let body = positions
        .into_iter()
        .filter_map(|pos| {
            let a = app.alerts_shown().get(*l.get(pos)?)?;
            let style = if Some(pos) == sel { theme.selected(focused) } else { Default::default() };
            let d = Default::default();
            let seen = a.enrichment.as_ref().map(|e| e.describe()).unwrap_or_default();
            Some(TableRow {
                cells: vec![
                    (a.time.to_string(), d),
                    (text::clean(&a.rule, 20).into_owned(), theme.key()),
                    (a.symbol.as_deref().map(|s| text::symbol(s).into_owned()).unwrap_or_else(|| "-".into()), d),
                    (a.value.to_string(), d),
                    (format!("{}{}", a.op.symbol(), a.threshold), theme.dim()),
                    (seen, theme.dim()),
                ],
                style,
            })
        })
        .collect();
    let total = if app.history.is_none() && app.alerts_total > app.alerts.len() {
        format!(" {} (last {}) ", text::thousands(app.alerts_total as u64), text::thousands(app.alerts.len() as u64))
    } else {
        format!(" {} ", text::thousands(l.len() as u64))
    };
    let bell = if app.opts.bell { "bell " } else { "no bell " };
    let badges = Line::from(vec![Span::raw(total), badge(bell.into(), app.opts.bell, theme)]);
    table(f, area, pane_block(Line::from(" Alerts "), badges, focused, theme, area.width), &COLS, body, theme);
}
