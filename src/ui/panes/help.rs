//! `?`: every key, from the one list in `keymap.rs`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::ui::keymap::SECTIONS;
use crate::ui::theme::Theme;

pub fn draw(theme: Theme, f: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    for (name, keys) in SECTIONS {
        lines.push(Line::styled(*name, theme.header()));
        for k in *keys {
            lines.push(Line::from(vec![Span::styled(format!("  {:<16}", k.keys), theme.key()), Span::raw(k.does)]));
        }
    }
    lines.push(Line::styled("Esc or ? closes this help", theme.dim()));
    let h = lines.len() as u16 + 2;
    let r = centered(area, 84, h);
    f.render_widget(Clear, r);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(" Keys ");
    f.render_widget(Paragraph::new(lines).block(block), r);
}
