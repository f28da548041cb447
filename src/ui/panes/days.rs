//! `d`: the days of the archive, newest first, each with its summary (from the day index, or
//! the store for a day on hand); Enter opens one (history) or goes back live.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::archive::Day;
use crate::store::DayStats;
use crate::ui::nav::ListNav;
use crate::ui::text;
use crate::ui::theme::Theme;

/// A day's line: what `ki2 stats` says of it, and its alerts by today's rules when known.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySummary {
    pub rows: u64,
    pub bursts: u64,
    pub buy: u64,
    pub sell: u64,
    pub max_quotes: Option<u32>,
    pub max_symbol: Option<String>,
    pub alerts: Option<usize>,
}

impl DaySummary {
    pub fn of(s: &DayStats, alerts: Option<usize>) -> DaySummary {
        DaySummary {
            rows: s.hft1_rows,
            bursts: s.bursts,
            buy: s.buy_bursts,
            sell: s.sell_bursts,
            max_quotes: s.max_quotes,
            max_symbol: s.max_quotes_symbol.clone(),
            alerts,
        }
    }
}

pub struct DayPicker {
    /// Oldest first (the list's positions); shown newest first.
    pub days: Vec<Day>,
    /// By position; None while the day is not indexed yet.
    pub summaries: Vec<Option<DaySummary>>,
    pub nav: ListNav,
}

impl DayPicker {
    pub fn new(mut days: Vec<Day>, current: Day, summary: impl Fn(Day) -> Option<DaySummary>) -> DayPicker {
        days.sort();
        days.dedup();
        let mut nav = ListNav::default();
        if let Some(p) = days.iter().position(|d| *d == current) {
            nav.select(p);
            // The newest day on the first line, scrolled down only as far as the day shown needs.
            nav.top = days.len() - 1;
        }
        let summaries = days.iter().map(|d| summary(*d)).collect();
        DayPicker { days, summaries, nav }
    }

    /// Fills in the days indexed since it opened.
    pub fn fill(&mut self, index: &crate::history::Index) {
        for (d, s) in self.days.iter().zip(&mut self.summaries) {
            if s.is_none() {
                *s = index.stats(*d).map(|st| DaySummary::of(st, None));
            }
        }
    }

    pub fn selected(&self) -> Option<Day> {
        self.days.get(self.nav.selected(self.days.len())?).copied()
    }
}

fn line(d: Day, s: Option<&DaySummary>, live: Option<Day>, shown: Day, width: usize) -> String {
    let mark = if Some(d) == live {
        "live"
    } else if d == shown {
        "shown"
    } else {
        ""
    };
    let mut out = format!(" {d} {mark:<5}");
    match s {
        Some(s) => {
            let max = match (s.max_quotes, &s.max_symbol) {
                (Some(m), Some(sym)) => format!("{} {}", text::thousands(u64::from(m)), text::symbol(sym)),
                _ => "-".to_owned(),
            };
            let alerts = s.alerts.map_or_else(|| "-".to_owned(), |a| text::thousands(a as u64));
            out.push_str(&format!(
                " {:>9} {:>5} {:>4}/{:<4} {:<14} {:>6}",
                text::thousands(s.rows),
                s.bursts,
                s.buy,
                s.sell,
                max,
                alerts
            ));
        }
        None => out.push_str("  (indexing…)"),
    }
    out.chars().take(width).collect()
}

/// `live`: the tailed day, when there is one.
/// The picker's height in `area`.
fn height(p: &DayPicker, area: Rect) -> u16 {
    (p.days.len() as u16 + 3).clamp(4, area.height.saturating_sub(2).max(4))
}

/// Days the picker lists at a time.
pub fn rows(p: &DayPicker, area: Rect) -> usize {
    usize::from(height(p, area).saturating_sub(3))
}

pub fn draw(p: &DayPicker, live: Option<Day>, shown: Day, theme: Theme, f: &mut Frame, area: Rect) {
    let r = centered(area, 76, height(p, area));
    f.render_widget(Clear, r);
    let width = usize::from(r.width.saturating_sub(2));
    let (positions, sel) = p.nav.shown(p.days.len(), rows(p, area));
    let head = format!(
        " {:<10} {:<5} {:>9} {:>5} {:>4}/{:<4} {:<14} {:>6}",
        "Day", "", "Rows", "Burst", "Buy", "Sell", "Max quotes", "Alerts"
    );
    let mut lines = vec![Line::styled(head.chars().take(width).collect::<String>(), theme.dim())];
    lines.extend(positions.into_iter().filter_map(|pos| {
        let d = *p.days.get(pos)?;
        let l = Line::from(line(d, p.summaries.get(pos).and_then(Option::as_ref), live, shown, width));
        Some(if Some(pos) == sel { l.style(theme.selected(true)) } else { l })
    }));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(" Days · Enter opens, Esc closes ");
    let body = if p.days.is_empty() { vec![Line::from(" no days found")] } else { lines };
    f.render_widget(Paragraph::new(body).block(block), r);
}
