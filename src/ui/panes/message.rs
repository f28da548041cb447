//! `e`: the status line's last message whole, wrapped on words (the status line cuts a long one).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use crate::ui::text;
use crate::ui::theme::Theme;

pub fn draw(message: &str, theme: Theme, f: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(100);
    let text = text::clean(message, 2000);
    // Lines the wrapped text needs, with room for the borders.
    let per_line = usize::from(width.saturating_sub(2)).max(1);
    let lines = (text.chars().count() / per_line + 2) as u16;
    let r = centered(area, width, lines + 2);
    f.render_widget(Clear, r);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(" Message · Esc closes ");
    f.render_widget(Paragraph::new(text.into_owned()).wrap(Wrap { trim: true }).block(block), r);
}
