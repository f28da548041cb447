//! Burst Signals: program bursts with their running totals, newest first.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{ListTable, list_rows, list_table, pane_snap};
use crate::archive::BurstRow;
use crate::ui::app::App;
use crate::ui::columns::BURSTS;
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane};

/// `ids`: the short forms of the shown bursts' baskets (`Prepared::basket_ids`).
pub fn draw(app: &App, shown: &Shown<BurstRow>, ids: &HashMap<String, String>, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Bursts;
    let rules = app.rules();
    let body = list_rows(shown, focused, theme, |b, selected| {
        let hit = rules.burst_match(b).is_some();
        let d = Default::default();
        // Lit and selected rows keep one colour across.
        let color = !hit && !selected;
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
            (text::clean(&b.cu_shown(), 6).into_owned(), d),
            (
                app.data
                    .basket_of(b.time)
                    .map_or_else(String::new, |(id, n)| format!("{}·{n}", ids.get(id).map_or(id, String::as_str))),
                d,
            ),
        ];
        (hit, cells)
    });
    let choice = app.view.columns[ListPane::Bursts];
    let (snap, footer) = pane_snap(app, ListPane::Bursts, shown);
    let badges = Line::from(vec![Span::raw(format!(" {} ", text::thousands(shown.len as u64))), snap]);
    let t = ListTable { title: Line::from(" Burst Signals "), badges, focused, cols: &BURSTS, choice, footer };
    list_table(f, area, t, body, theme);
}
