//! `ki2 study` without `--json`: one aligned line per (group, subject, horizon).

use std::io::{self, Write};

pub use crate::analysis::study::horizon;
use crate::analysis::study::{Inputs, Output};

pub fn write(out: &mut impl Write, inputs: &Inputs, output: &Output) -> io::Result<()> {
    let width = output.summary.iter().map(|s| s.event.len()).max().unwrap_or(5).max(5);
    writeln!(
        out,
        "{:<width$}  {:<7} {:>7} {:>7} {:>8} {:>9} {:>9} {:>6} {:>7} {:>9} {:>9}",
        "event", "subject", "horizon", "events", "pairs", "mean bp", "median bp", "hit %", "t", "base bp", "excess bp"
    )?;
    let opt = |v: Option<f64>, p: usize| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.p$}"));
    for s in &output.summary {
        writeln!(
            out,
            "{:<width$}  {:<7} {:>7} {:>7} {:>8} {:>9.2} {:>9.2} {:>6.1} {:>7} {:>9} {:>9}",
            s.event,
            s.subject,
            horizon(s.horizon_s),
            s.n_events,
            s.n,
            s.mean_bp,
            s.median_bp,
            s.hit_rate * 100.0,
            opt(s.t, 2),
            opt(s.baseline_bp, 2),
            opt(s.excess_bp, 2),
        )?;
    }
    let events: usize = inputs.series.iter().filter(|s| s.subject.label() != "market").map(|s| s.events.len()).sum();
    writeln!(
        out,
        "{} day(s), {} with bars; {} event(s). Returns in basis points from the close known at the event; \
         baseline: the same symbols at the same second on days with no event of the group within 30 min.",
        inputs.days.len(),
        output.days_with_bars,
        events
    )
}
