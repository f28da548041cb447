//! The Edges view's table: the study's summary lines (`E`), formatted as `ki2 study` prints
//! them, sorted whole.

use super::Sorts::{Down, Up};
use super::{KeyFn, ListColumn, as_is, c, one, plain};
use crate::analysis::study::{Summary, horizon};
use crate::ui::order::{count, num, text};

type E = ListColumn<Summary, KeyFn<Summary>>;

/// A figure to two decimals, `-` where there is none (`t` below two events).
fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

fn raw(v: Option<f64>) -> Vec<String> {
    one(v.map(|v| v.to_string()).unwrap_or_default())
}

/// Widths and what a narrow screen drops first: the event, its horizon and mean stay.
pub const EDGES: [E; 9] = [
    as_is!(c("event", "Event", 16, false, 9, Up), "event", text, |s| &s.event),
    as_is!(c("subject", "Subject", 7, false, 8, Up), "subject", text, |s| s.subject),
    E {
        head: c("horizon", "H", 4, true, 9, Down),
        by: |s, _| num(s.horizon_s),
        cell: |s, _| plain(horizon(s.horizon_s)),
        csv: &["horizon_s"],
        values: |s, _| one(s.horizon_s),
    },
    as_is!(c("events", "Events", 6, true, 6, Down), "n_events", count, |s| s.n_events),
    as_is!(c("pairs", "Pairs", 7, true, 3, Down), "n", count, |s| s.n),
    E {
        head: c("mean", "Mean bp", 8, true, 9, Down),
        by: |s, _| num(s.mean_bp),
        cell: |s, _| plain(format!("{:.2}", s.mean_bp)),
        csv: &["mean_bp"],
        values: |s, _| one(s.mean_bp),
    },
    E {
        head: c("hit_rate", "Hit %", 6, true, 5, Down),
        by: |s, _| num(s.hit_rate),
        cell: |s, _| plain(format!("{:.1}", s.hit_rate * 100.0)),
        csv: &["hit_rate"],
        values: |s, _| one(s.hit_rate),
    },
    E {
        head: c("t", "t", 6, true, 7, Down),
        by: |s, _| num(s.t?),
        cell: |s, _| plain(opt(s.t)),
        csv: &["t"],
        values: |s, _| raw(s.t),
    },
    E {
        head: c("excess", "Excess bp", 9, true, 4, Down),
        by: |s, _| num(s.excess_bp?),
        cell: |s, _| plain(opt(s.excess_bp)),
        csv: &["excess_bp"],
        values: |s, _| raw(s.excess_bp),
    },
];
