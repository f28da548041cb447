//! Syms Hit At HH:MM:SS: the symbols the selected burst hit (its `Burst_*.csv`), most trades
//! first (or in the order of a column), or why there are none yet; on its bottom border, with
//! price bars, their mean return from the burst's second to their latest bar.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{ListTable, list_rows, list_table, pane_block};
use crate::analysis::study::returns::SoFar;
use crate::archive::{SecondOfDay, SymbolHit};
use crate::store::SymbolsState;
use crate::ui::app::App;
use crate::ui::columns::{self, Ctx, SYMBOLS};
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane};

pub fn draw(
    app: &App,
    time: Option<SecondOfDay>,
    hits: &Result<Shown<SymbolHit>, SymbolsState>,
    so_far: Option<SoFar>,
    f: &mut Frame,
    area: Rect,
) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Symbols;
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
                    ("missing: the Burst Monitor wrote no symbols file for this burst".into(), theme.error())
                }
                SymbolsState::Unreadable(why) => (
                    format!("unreadable: the symbols file is there but cannot be read ({})", text::clean(why, 80)),
                    theme.error(),
                ),
                SymbolsState::Present(_) | SymbolsState::Pending => {
                    ("pending: the symbols file has not come yet".into(), theme.dim())
                }
            };
            let block = pane_block(Line::from(title), Line::default(), focused, theme, area.width);
            let p = Paragraph::new(Line::styled(msg.as_str(), style))
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(block);
            f.render_widget(p, area);
            return;
        }
    };
    let n = hits.len;
    let rules = app.rules();
    let ctx = Ctx::of(&app.data);
    let body = list_rows(hits, focused, theme, |s, selected| {
        let hit = rules.hit_match(s).is_some();
        (hit, columns::cells(&SYMBOLS, s, &ctx, theme, !hit && !selected))
    });
    let badges = Line::from(Span::raw(format!(" {n} ")));
    let choice = app.view.columns[ListPane::Symbols];
    let footer = so_far.map(|s| Line::from(so_far_words(s, area.width.saturating_sub(4))));
    let t =
        ListTable { title: Line::from(title), badges, focused, cols: columns::of(ListPane::Symbols), choice, footer };
    list_table(f, area, t, body, theme);
}

/// The hit symbols' mean return from the burst's second (the title's time) to their latest bar,
/// in as many words as `width` holds.
fn so_far_words(s: SoFar, width: u16) -> String {
    let forms = match s.mean_bp {
        Some(bp) => [
            format!(" {} of {} symbols: {bp:+.1} bp to the latest bar ", s.n, s.of),
            format!(" {bp:+.1} bp to latest bar, {} of {} ", s.n, s.of),
            format!(" {bp:+.1}bp {}/{} ", s.n, s.of),
        ],
        None => [
            format!(" no return yet for its {} symbols ", s.of),
            format!(" no return yet, 0 of {} ", s.of),
            format!(" 0/{} ", s.of),
        ],
    };
    let w = usize::from(width);
    let [a, b, c] = forms;
    [a, b].into_iter().find(|f| f.chars().count() <= w).unwrap_or(c)
}
