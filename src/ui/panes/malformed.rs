//! `m`: the rows that were skipped, as file:line: reason.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::archive::Malformed;
use crate::ui::nav::ListNav;
use crate::ui::text;
use crate::ui::theme::Theme;

/// Where the list goes.
fn place(area: Rect) -> Rect {
    centered(area, area.width.saturating_sub(4), area.height.saturating_sub(2))
}

/// Rows the list shows at a time.
pub fn rows(area: Rect) -> usize {
    usize::from(place(area).height.saturating_sub(2))
}

/// `nav` as the update step fitted it (`rows`).
pub fn draw(nav: &ListNav, items: &[Malformed], theme: Theme, f: &mut Frame, area: Rect) {
    let r = place(area);
    f.render_widget(Clear, r);
    let rows = rows(area);
    let (positions, sel) = nav.shown(items.len(), rows);
    let lines: Vec<Line> = positions
        .into_iter()
        .filter_map(|pos| {
            let line = Line::from(text::clean(&items.get(pos)?.to_string(), 400).into_owned());
            Some(if Some(pos) == sel { line.style(theme.selected(true)) } else { line })
        })
        .collect();
    let title = format!(" {} malformed rows skipped · newest first · Esc closes ", text::thousands(items.len() as u64));
    let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(title);
    let body = if lines.is_empty() { vec![Line::from(" none: every line of the day's files is a row")] } else { lines };
    f.render_widget(Paragraph::new(body).block(block), r);
}
