//! Burst Signals: program bursts with their running totals, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Col, TableRow, badge, body_height, col, pane_block, table};
use crate::archive::BurstRow;
use crate::ui::app::{App, Pane};
use crate::ui::text;

const COLS: [Col; 10] = [
    col("Time", 8, false, 9),
    col("Grade", 5, false, 8),
    col("ProgType", 8, false, 8),
    col("Bckgrnd", 7, false, 3),
    col("S1", 4, true, 7),
    col("S2", 4, true, 4),
    col("CT", 4, true, 5),
    col("CB", 4, true, 6),
    col("CS", 4, true, 6),
    col("CU", 4, true, 2),
];

/// Burst numbers listed, oldest first: all of them, or those that hit the filtered symbol.
fn list(app: &mut App) -> Option<Vec<usize>> {
    let shown = app.shown();
    let f = app.filter.clone()?;
    let store = app.history.as_ref().unwrap_or(&app.live);
    let hits = app.caches.bursts_hitting(store, &f, shown.version);
    Some(hits.iter().copied().filter(|&i| i < shown.bursts).collect())
}

pub fn len(app: &mut App) -> usize {
    match list(app) {
        Some(l) => l.len(),
        None => app.shown().bursts,
    }
}

fn index_at(app: &mut App, positions: &[usize]) -> Vec<usize> {
    match list(app) {
        Some(l) => positions.iter().filter_map(|&p| l.get(p).copied()).collect(),
        None => positions.to_vec(),
    }
}

/// The selected burst, if any.
pub fn selected(app: &mut App) -> Option<(usize, BurstRow)> {
    let n = len(app);
    let pos = app.bursts_nav.selected(n)?;
    let i = *index_at(app, &[pos]).first()?;
    Some((i, app.store().burst_at(i)?))
}

/// Selects the burst at `time` (an alert's), clearing a filter that hides it.
pub fn select_time(app: &mut App, time: crate::archive::SecondOfDay) -> bool {
    let store = app.store();
    let Some(i) = (0..store.bursts_len()).rev().find(|&i| store.burst_at(i).is_some_and(|b| b.time == time)) else {
        return false;
    };
    let pos = match list(app) {
        Some(l) => match l.iter().position(|&x| x == i) {
            Some(p) => p,
            None => {
                app.filter = None;
                app.filter_text.clear();
                i
            }
        },
        None => i,
    };
    app.bursts_nav.select(pos);
    true
}

pub fn draw(app: &mut App, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.focus == Pane::Bursts;
    let h = body_height(area);
    app.heights.bursts = h;
    let n = len(app);
    let (positions, sel) = app.bursts_nav.show(n, h);
    let idx = index_at(app, &positions);
    let store = app.store();
    let cu = store.has_cu();
    let rules = app.rules();
    let body = idx
        .iter()
        .zip(&positions)
        .filter_map(|(&i, &pos)| {
            let b = store.burst_at(i)?;
            let hit = rules.burst_match(&b).is_some();
            let mut style = if hit { theme.alert_row() } else { Default::default() };
            if Some(pos) == sel {
                style = style.patch(theme.selected(focused));
            }
            let d = Default::default();
            let color = !hit && Some(pos) != sel;
            let cells = vec![
                (b.time.to_string(), d),
                (b.grade.label().to_owned(), if color { theme.grade(b.grade) } else { d }),
                (b.prog_type.label().to_owned(), if color { theme.prog(b.prog_type) } else { d }),
                (b.background.label().to_owned(), d),
                (b.s1.to_string(), d),
                (b.s2.to_string(), d),
                (b.ct.to_string(), d),
                (b.cb.to_string(), if color { theme.buy() } else { d }),
                (b.cs.to_string(), if color { theme.sell() } else { d }),
                (b.cu.as_deref().map(|c| text::clean(c, 6).into_owned()).unwrap_or_default(), d),
            ];
            Some(TableRow { cells, style })
        })
        .collect();
    let cols: &[Col] = if cu { &COLS } else { &COLS[..9] };
    let badges = Line::from(vec![
        Span::raw(format!(" {} ", text::thousands(n as u64))),
        badge("autosnap ".into(), app.bursts_nav.follow, theme),
    ]);
    table(f, area, pane_block(Line::from(" Burst Signals "), badges, focused, theme, area.width), cols, body, theme);
}
