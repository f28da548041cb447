//! Enrichment's view of earlier days, from their indexes.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::build::Builder;
use super::summary::TOP;
use crate::alerts::{Largest, PastDays, PastSource};
use crate::archive::{Archive, Day, DayFiles};

pub struct IndexPast {
    builder: Arc<Builder>,
    root: std::path::PathBuf,
    /// The days listed at start but the newest unless it is before today (it may still have
    /// been written to).
    closed: BTreeMap<Day, DayFiles>,
    /// From this day on, a day's files are listed again when asked for.
    fresh_from: Option<Day>,
}

impl IndexPast {
    pub fn new(archive: &Archive, builder: Arc<Builder>) -> IndexPast {
        // A newest day before today is complete; the days after it are listed when asked for.
        let fresh_from = archive
            .days
            .keys()
            .next_back()
            .copied()
            .and_then(|d| if d.is_closed() { d.date().succ_opt().map(Day::new) } else { Some(d) });
        let closed =
            archive.days.iter().filter(|(d, _)| Some(**d) != fresh_from).map(|(d, f)| (*d, f.clone())).collect();
        IndexPast { builder, root: archive.root.clone(), closed, fresh_from }
    }

    /// The closed days before `day` with an hft1 file, oldest first (the newest day listed at
    /// start, and any after it, listed again: they may have been written to since).
    pub fn days_before(&self, day: Day) -> Vec<DayFiles> {
        let mut v: Vec<DayFiles> = self.closed.range(..day).map(|(_, f)| f.clone()).collect();
        if let Some(from) = self.fresh_from {
            let mut d = from;
            while d < day {
                match Archive::discover_day(&self.root, d) {
                    Ok(a) => v.extend(a.days.into_values()),
                    Err(e) => tracing::debug!("alert history: {d}: {e}"),
                }
                let Some(next) = d.date().succ_opt() else { break };
                d = Day::new(next);
            }
        }
        v.retain(|f| f.quotes.is_some());
        v
    }
}

impl PastSource for IndexPast {
    fn past(&self, day: Day, days: usize) -> PastDays {
        let list = self.days_before(day);
        let mut past = PastDays::default();
        // Newest first: the first day a symbol is met on is its last seen.
        for files in list.iter().rev().take(days) {
            let summary = match self.builder.get(files, true) {
                Ok(got) => got.summary,
                Err(e) => {
                    tracing::warn!("alert history: {}: {e:#}", files.day);
                    continue;
                }
            };
            for s in summary.symbols {
                if s.rows == 0 {
                    continue;
                }
                past.last_day.entry(s.symbol.clone()).or_insert(summary.day);
                if s.dollars_n > 0 {
                    past.dollars.entry(s.symbol).or_insert_with(|| Largest::new(TOP)).add(&s.top, s.dollars_n as usize);
                }
            }
        }
        past
    }

    fn keeps(&self) -> usize {
        TOP
    }
}
