//! Burst Signals: program bursts with their running totals, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Col, TableRow, badge, col, pane_block, table};
use crate::archive::BurstRow;
use crate::ui::app::App;
use crate::ui::lists::Shown;
use crate::ui::text;
use crate::ui::view::{ListPane, Pane};

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

pub fn draw(app: &App, shown: &Shown<BurstRow>, cu: bool, f: &mut Frame, area: Rect) {
    let theme = app.theme();
    let focused = app.view.focus == Pane::Bursts;
    let sel = shown.selected;
    let rules = app.rules();
    let body = shown
        .rows
        .iter()
        .map(|(pos, b)| {
            let pos = *pos;
            let hit = rules.burst_match(b).is_some();
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
            TableRow { cells, style }
        })
        .collect();
    let cols: &[Col] = if cu { &COLS } else { &COLS[..9] };
    let badges = Line::from(vec![
        Span::raw(format!(" {} ", text::thousands(shown.len as u64))),
        badge("autosnap ".into(), app.view.lists[ListPane::Bursts].nav.follow, theme),
    ]);
    table(f, area, pane_block(Line::from(" Burst Signals "), badges, focused, theme, area.width), cols, body, theme);
}
