//! `?`: every key, from the one list in `keymap.rs`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::ui::keymap::{Action, Keymap, SECTIONS, SYMBOL_VIEW_KEYS, TABLE};
use crate::ui::theme::Theme;

/// Scrolls (`j`/`k`) when the terminal is too low for the whole list.
pub fn draw(scroll: &mut u16, keys: &Keymap, theme: Theme, f: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    for section in SECTIONS {
        lines.push(Line::styled(section, theme.header()));
        for e in TABLE.iter().filter(|e| e.section == section) {
            let k = keys.keys_of(e.action);
            let k = if k.is_empty() { "(unbound)".to_owned() } else { k };
            lines.push(Line::from(vec![Span::styled(format!("  {k:<16}"), theme.key()), Span::raw(e.does)]));
        }
    }
    // Its own keys: `[` `]` mean fewer / more days there, not the S2 / S1 window.
    lines.push(Line::styled("A symbol across days (Enter on a symbol)", theme.header()));
    for k in SYMBOL_VIEW_KEYS {
        lines.push(Line::from(vec![Span::styled(format!("  {:<16}", k.keys), theme.key()), Span::raw(k.does)]));
    }
    lines.push(Line::styled(
        format!("{} or {} closes this help", keys.hint(Action::Back), keys.hint(Action::Help)),
        theme.dim(),
    ));
    let total = lines.len() as u16;
    let r = centered(area, 84, total + 2);
    let rows = r.height.saturating_sub(2);
    *scroll = (*scroll).min(total.saturating_sub(rows));
    let more = if *scroll + rows < total { " · j/↓ for more " } else { "" };
    f.render_widget(Clear, r);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(format!(" Keys {more}"));
    f.render_widget(Paragraph::new(lines).block(block).scroll((*scroll, 0)), r);
}
