//! `d`: the days of the archive, newest first; Enter opens one (history) or goes back live.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::archive::Day;
use crate::ui::nav::ListNav;
use crate::ui::theme::Theme;

pub struct DayPicker {
    /// Oldest first (the list's positions); shown newest first.
    pub days: Vec<Day>,
    pub nav: ListNav,
}

impl DayPicker {
    pub fn new(mut days: Vec<Day>, current: Day) -> DayPicker {
        days.sort();
        days.dedup();
        let mut nav = ListNav::default();
        if let Some(p) = days.iter().position(|d| *d == current) {
            nav.select(p);
        }
        DayPicker { days, nav }
    }

    pub fn selected(&self) -> Option<Day> {
        self.days.get(self.nav.selected(self.days.len())?).copied()
    }
}

pub fn draw(p: &mut DayPicker, live: Day, shown: Day, theme: Theme, f: &mut Frame, area: Rect) {
    let h = (p.days.len() as u16 + 2).clamp(3, area.height.saturating_sub(2).max(3));
    let r = centered(area, 40, h);
    f.render_widget(Clear, r);
    let rows = usize::from(h.saturating_sub(2));
    let (positions, sel) = p.nav.show(p.days.len(), rows);
    let lines: Vec<Line> = positions
        .into_iter()
        .filter_map(|pos| {
            let d = *p.days.get(pos)?;
            let mut label = format!(" {d}");
            if d == live {
                label.push_str("  live");
            }
            if d == shown {
                label.push_str("  (shown)");
            }
            let line = Line::from(label);
            Some(if Some(pos) == sel { line.style(theme.selected(true)) } else { line })
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(" Days · Enter opens, Esc closes ");
    let body = if lines.is_empty() { vec![Line::from(" no days found")] } else { lines };
    f.render_widget(Paragraph::new(body).block(block), r);
}
