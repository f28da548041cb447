//! A symbol across days (Enter on a symbol, `[` `]` for fewer or more days): its line per day
//! from the day index, today's from the store, gathered when opened and when the index grows.

use crate::archive::{Day, SecondOfDay};
use crate::history::{Facts, Index};
use crate::store::{QuoteView, SymbolDay};
use crate::ui::nav::ListNav;

/// The numbers of days `[` and `]` step through.
pub const SPANS: [usize; 7] = [5, 10, 20, 40, 60, 120, 250];
pub const DEFAULT_SPAN: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct DayLine {
    pub day: Day,
    /// The day on screen (so far, when live).
    pub shown: bool,
    pub rows: u32,
    pub max_quotes: u32,
    pub dollars: f64,
    pub bursts: usize,
    pub first: Option<SecondOfDay>,
    pub last: Option<SecondOfDay>,
}

pub struct Across {
    pub span: usize,
    /// Oldest first, the day on screen last (lists show the newest first): up to `span`
    /// earlier indexed days, then the day on screen.
    pub lines: Vec<DayLine>,
    /// The index version the lines were taken from.
    pub version: u64,
    pub nav: ListNav,
    /// Up/Down move among the days (else among the day's rows).
    pub focused: bool,
}

impl Across {
    pub fn new(span: usize) -> Across {
        Across { span, lines: Vec::new(), version: u64::MAX, nav: ListNav::default(), focused: true }
    }

    /// `[` (`more` false) or `]`: the next smaller or larger span.
    pub fn step(&mut self, more: bool) {
        let at = SPANS.iter().position(|s| *s >= self.span).unwrap_or(SPANS.len() - 1);
        let to = if more { (at + 1).min(SPANS.len() - 1) } else { at.saturating_sub(1) };
        self.span = SPANS[to];
        self.version = u64::MAX;
    }

    /// Takes the lines afresh: the shown day from its store's view of the symbol, earlier days
    /// from the index (days not indexed yet are not listed).
    pub fn gather(&mut self, index: &Index, version: u64, shown: Day, today: &SymbolDay, rows: &[QuoteView]) {
        let mut lines: Vec<DayLine> = index
            .symbol_days(&today.symbol, shown, self.span)
            .into_iter()
            .rev()
            .map(|(day, s)| {
                let s = s.unwrap_or(Facts::NONE);
                DayLine {
                    day,
                    shown: false,
                    rows: s.rows,
                    max_quotes: s.max_quotes,
                    dollars: s.dollars,
                    bursts: s.bursts as usize,
                    first: s.first(),
                    last: s.last(),
                }
            })
            .collect();
        lines.push(today_line(shown, today, rows));
        self.lines = lines;
        self.version = version;
    }

    /// The day on screen moved on (rows arrived).
    pub fn set_today(&mut self, shown: Day, today: &SymbolDay, rows: &[QuoteView]) {
        if let Some(last) = self.lines.last_mut().filter(|l| l.shown) {
            *last = today_line(shown, today, rows);
        }
    }

    pub fn selected(&self) -> Option<&DayLine> {
        self.lines.get(self.nav.selected(self.lines.len())?)
    }
}

fn today_line(shown: Day, today: &SymbolDay, rows: &[QuoteView]) -> DayLine {
    DayLine {
        day: shown,
        shown: true,
        rows: today.rows.len() as u32,
        max_quotes: today.max_quotes,
        dollars: rows.iter().filter_map(|q| q.dollars).sum(),
        bursts: today.bursts.len(),
        first: today.first,
        last: today.last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_step_through_the_spans_and_stop_at_the_ends() {
        let mut a = Across::new(DEFAULT_SPAN);
        a.step(true);
        assert_eq!(a.span, 40);
        for _ in 0..10 {
            a.step(true);
        }
        assert_eq!(a.span, 250);
        for _ in 0..10 {
            a.step(false);
        }
        assert_eq!(a.span, 5);
    }
}
