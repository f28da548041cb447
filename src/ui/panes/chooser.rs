//! `C`: the columns of the pane in focus, to show or hide (`Space` on the one under the cursor);
//! `<` `>` `r` sort as they do on the pane. The pane behind changes as the keys are pressed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::ui::columns::{self, PaneColumns, Sorts};
use crate::ui::theme::Theme;
use crate::ui::view::ListPane;

/// The chooser's state: whose columns, and the one under the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chooser {
    pub pane: ListPane,
    pub cursor: usize,
}

impl Chooser {
    pub fn new(pane: ListPane) -> Chooser {
        Chooser { pane, cursor: 0 }
    }

    /// Moves the cursor by `by` columns, within the list.
    pub fn step(&mut self, by: isize) {
        let last = columns::of(self.pane).len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(by).min(last);
    }
}

const HELP: &str = " Space show/hide · < > sort · r reverse · Esc";

pub fn draw(ch: &Chooser, choice: PaneColumns, theme: Theme, f: &mut Frame, area: Rect) {
    let cols = columns::of(ch.pane);
    let mut lines: Vec<Line> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mark = if choice.shown(i) { "[x]" } else { "[ ]" };
            let sort = match (i == choice.sort.col, c.sorts) {
                (true, _) => format!("sorted {}", choice.sort.arrow()),
                (false, Sorts::No) => "does not sort".into(),
                (false, _) => String::new(),
            };
            let text = format!(" {} {mark} {:<12} {sort}", if i == ch.cursor { "▸" } else { " " }, c.col.title);
            let style = if i == ch.cursor { theme.selected(true) } else { Default::default() };
            Line::from(Span::styled(text, style))
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(HELP, theme.dim()));
    let r = centered(area, HELP.chars().count() as u16 + 3, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(format!(" Columns: {} ", columns::pane_title(ch.pane)));
    f.render_widget(Paragraph::new(lines).block(block), r);
}
