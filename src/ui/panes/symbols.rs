//! Syms Hit At HH:MM:SS: the symbols the selected burst hit (its `Burst_*.csv`), most trades
//! first, or why there are none yet.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Col, TableRow, body_height, col, pane_block, table};
use crate::archive::{SecondOfDay, SymbolHit};
use crate::store::SymbolsState;
use crate::ui::app::{App, Pane};
use crate::ui::text;

const COLS: [Col; 4] =
    [col("Symbol", 8, false, 9), col("NT", 5, true, 8), col("NQ", 6, true, 7), col("BBO", 5, true, 6)];

/// The selected burst's time and its symbols (filtered), least trades first so that the list's
/// last position (shown on top) is the most traded.
pub fn hits(app: &mut App) -> (Option<SecondOfDay>, Result<Vec<SymbolHit>, SymbolsState>) {
    let Some((_, burst)) = super::bursts::selected(app) else { return (None, Ok(Vec::new())) };
    let shown = app.shown();
    let store = app.history.as_ref().unwrap_or(&app.live);
    let filter = app.filter.clone();
    match app.caches.hits(store, burst.time, shown.version) {
        SymbolsState::Present(h) => {
            let mut v: Vec<SymbolHit> =
                h.iter().filter(|s| filter.as_ref().is_none_or(|f| f.matches(&s.symbol))).cloned().collect();
            v.reverse();
            (Some(burst.time), Ok(v))
        }
        other => (Some(burst.time), Err(other.clone())),
    }
}

pub fn selected(app: &mut App) -> Option<SymbolHit> {
    let (_, hits) = hits(app);
    let hits = hits.ok()?;
    let pos = app.symbols_nav.selected(hits.len())?;
    hits.get(pos).cloned()
}

/// Selects `symbol` in the list (an alert's).
pub fn select_symbol(app: &mut App, symbol: &str) {
    if let (_, Ok(hits)) = hits(app)
        && let Some(p) = hits.iter().position(|h| h.symbol == symbol)
    {
        app.symbols_nav.select(p);
    }
}

pub fn draw(app: &mut App, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.focus == Pane::Symbols;
    let h = body_height(area);
    app.heights.symbols = h;
    let (time, hits) = hits(app);
    // "At" goes first when the pane is narrow: the time is what matters.
    let at = if area.width >= 24 { "Syms Hit At" } else { "Syms Hit" };
    let title = match time {
        Some(t) => format!(" {at} {t} "),
        None => format!(" {at} "),
    };
    let hits = match hits {
        Ok(h) => h,
        Err(state) => {
            let (msg, style) = match state {
                SymbolsState::Missing => {
                    ("missing: the Burst Monitor wrote no symbols file for this burst", theme.error())
                }
                _ => ("pending: the symbols file has not come yet", theme.dim()),
            };
            let block = pane_block(Line::from(title), Line::default(), focused, theme, area.width);
            let p = Paragraph::new(Line::styled(msg, style)).wrap(ratatui::widgets::Wrap { trim: true }).block(block);
            f.render_widget(p, area);
            return;
        }
    };
    let n = hits.len();
    let (positions, sel) = app.symbols_nav.show(n, h);
    let rules = app.rules();
    let body = positions
        .into_iter()
        .filter_map(|pos| {
            let s = hits.get(pos)?;
            let hit = rules.hit_match(s).is_some();
            let mut style = if hit { theme.alert_row() } else { Default::default() };
            if Some(pos) == sel {
                style = style.patch(theme.selected(focused));
            }
            let d = Default::default();
            Some(TableRow {
                cells: vec![
                    (text::symbol(&s.symbol).into_owned(), d),
                    (s.num_trades.to_string(), d),
                    (s.num_quotes.to_string(), d),
                    (s.bbo.to_string(), d),
                ],
                style,
            })
        })
        .collect();
    let badges = Line::from(Span::raw(format!(" {n} ")));
    table(f, area, pane_block(Line::from(title), badges, focused, theme, area.width), &COLS, body, theme);
}
