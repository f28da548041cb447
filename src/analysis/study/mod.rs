//! The event study of SPEC §6: for each event group and subject, the forward returns of the
//! event's symbols at each horizon, averaged per event (one burst's 300 symbols are one
//! observation), against a time-of-day baseline — the same symbols at the same second on the
//! days in range where they had no event of that group within 30 minutes.
//!
//! `Inputs` are the events (from the day index) and the horizons; the bars come a day at a
//! time through a loader, so 250 days never sit in memory together. `run` returns every
//! event-symbol pair and the summary; both are pure functions of the events and the bars.

mod accumulate;
pub mod events;
mod feed;
pub mod live;
mod paths;
pub mod returns;
mod summary;

pub use feed::{Ask, Live, Study, StudyHandle, StudyState, StudyWorker};
pub use paths::Path;
pub use summary::{Pair, Summary};

use crate::archive::Day;
use crate::prices::DayBars;
/// Symbols by number: events name symbols once, per-day lookups are by index.
pub use crate::store::SymbolNames as Symbols;

/// Whose price an event is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// Each symbol of the burst's Syms Hit file.
    Hit,
    /// The market symbol (`[prices] market`).
    Market,
    /// The row's own symbol (first_seen, rules on quotes or burst symbols).
    Symbol,
}

impl Subject {
    pub fn label(self) -> &'static str {
        match self {
            Subject::Hit => "hit",
            Subject::Market => "market",
            Subject::Symbol => "symbol",
        }
    }
}

/// One event: on `days[day]` at `time` (seconds since midnight), measured on `symbols`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub day: usize,
    pub time: u32,
    pub symbols: Vec<u32>,
}

/// The events of one group (`burst/HIGH/Buy`, `capper/Sell`, `first_seen`, `rule:NAME`) on one
/// subject: the unit the summary reports on.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub event: String,
    pub subject: Subject,
    pub events: Vec<Event>,
}

/// What a study is run on, bars aside.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The days in range, ascending: the baseline's days.
    pub days: Vec<Day>,
    pub series: Vec<Series>,
    pub symbols: Symbols,
    /// Seconds, ascending.
    pub horizons: Vec<u32>,
    /// Offsets from the event (seconds, may be negative) of the mean paths; empty: none.
    pub path: Vec<i32>,
}

/// An event excludes its symbols' baseline this close to it, before or after.
pub const QUIET_S: u32 = 30 * 60;

/// The study's result: every event-symbol pair, and one summary per (group, subject, horizon)
/// with at least one pair.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub pairs: Vec<Pair>,
    pub summary: Vec<Summary>,
    /// One per series with events, when `Inputs::path` asks for them.
    pub paths: Vec<Path>,
    /// Days whose bars the loader had (the others contribute nothing).
    pub days_with_bars: usize,
}

/// Runs the study. `load(i)` gives the bars of `inputs.days[i]` (None: no bars that day); it is
/// called once per day, from `threads` threads at once.
pub fn run<B: std::borrow::Borrow<DayBars>>(
    inputs: &Inputs,
    threads: usize,
    load: impl Fn(usize) -> Option<B> + Sync,
) -> Output {
    let plan = accumulate::Plan::new(inputs);
    let (acc, days_with_bars) = plan.accumulate(inputs, threads.max(1), load);
    let (pairs, summary) = summary::summarize(inputs, &plan, &acc);
    let paths = paths::paths(inputs, &acc.paths);
    Output { pairs, summary, paths, days_with_bars }
}

/// `60` → `1m`, `90` → `90s`, `3600` → `1h`: a horizon as `ki2 study` and the Edges view write it.
pub fn horizon(secs: u32) -> String {
    match secs {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests;
