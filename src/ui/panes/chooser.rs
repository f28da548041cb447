//! `C`: the columns of the pane in focus, to show or hide (`Space` on the one under the cursor);
//! `<` `>` `r` sort as they do on the pane. The pane behind changes as the keys are pressed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::ui::columns::{self, PaneColumns, Sorts};
use crate::ui::keymap::{Action, Keymap};
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

pub fn draw(ch: &Chooser, choice: PaneColumns, keys: &Keymap, theme: Theme, f: &mut Frame, area: Rect) {
    let k = |a| keys.hint(a);
    let help = format!(
        " {} show/hide · {} {} sort · {} reverse · {}",
        k(Action::ToggleColumn),
        k(Action::SortPrev),
        k(Action::SortNext),
        k(Action::SortReverse),
        k(Action::Back)
    );
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
    let width = help.chars().count() as u16 + 3;
    lines.push(Line::styled(help, theme.dim()));
    let r = centered(area, width, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(format!(" Columns: {} ", columns::pane_title(ch.pane)));
    f.render_widget(Paragraph::new(lines).block(block), r);
}
