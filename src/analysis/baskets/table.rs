//! What the TUI shows of baskets: the recurring baskets as `ki2 baskets` reports them (the same
//! `report`, so the figures cannot drift apart), each with its detail, and the basket each burst
//! of the closed days joined (the Burst Signals column on an earlier day). Gathered for the days
//! before the live one; `BasketsWorker` is what the command layer runs on a thread of its own.

use std::collections::HashMap;
use std::sync::Arc;

use super::clusters::Clusters;
use super::report::{BasketDetail, BasketReport, detail, report};
use super::state::sync;
use crate::archive::{Archive, Day, DayFiles};
use crate::history::{Builder, IndexPast};

/// `ki2 baskets`' default `--min`: a basket seen this often is listed.
pub const MIN_BURSTS: u32 = 3;

/// A burst's basket as the Basket column says it: the basket's id and its bursts before this one.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub id: String,
    pub before: u32,
}

/// One recurring basket: its line (as `ki2 baskets --json` prints it) and its detail.
#[derive(Debug, Clone, PartialEq)]
pub struct BasketLine {
    pub report: BasketReport,
    pub detail: Option<BasketDetail>,
}

/// The baskets of the closed days before a day.
#[derive(Debug, Clone, Default)]
pub struct BasketsTable {
    /// The days taken in, oldest first.
    pub days: Vec<Day>,
    /// Bursts matched over them.
    pub bursts: usize,
    /// Seen at least `MIN_BURSTS` times, most bursts first (then by id).
    pub baskets: Vec<BasketLine>,
    /// Each burst of those days that joined a basket seen before it, by (day, second of day).
    pub joined: HashMap<(Day, u32), Seen>,
    pub warnings: Vec<String>,
}

impl BasketsTable {
    /// The figures of `clusters`, taken in over `days`.
    pub fn of(clusters: &Clusters, days: Vec<Day>, min: u32) -> BasketsTable {
        let index: HashMap<String, u32> =
            clusters.baskets().iter().enumerate().map(|(i, b)| (b.id(), i as u32)).collect();
        let baskets = report(clusters, None, None, min)
            .into_iter()
            .map(|r| {
                let detail = index.get(&r.id).and_then(|&i| detail(clusters, i, &days));
                BasketLine { report: r, detail }
            })
            .collect();
        let mut so_far: HashMap<u32, u32> = HashMap::new();
        let mut joined = HashMap::new();
        for o in clusters.occurrences() {
            let before = so_far.entry(o.basket).or_default();
            if *before > 0
                && let Some(b) = clusters.baskets().get(o.basket as usize)
            {
                joined.insert((o.day, o.time), Seen { id: b.id(), before: *before });
            }
            *before += 1;
        }
        BasketsTable { days, bursts: clusters.occurrences().len(), baskets, joined, warnings: Vec::new() }
    }
}

/// A short name for a basket in a narrow column: four hex digits of a fixed hash of its id
/// (FNV-1a), the same in every run. The Baskets view shows it beside the full id.
pub fn short_id(id: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{:04x}", (h >> 16) ^ (h & 0xffff))
}

/// Finds the baskets of the closed days before a day, from the day index and the state kept
/// beside it (`state::sync`, as `ki2 baskets` does).
pub struct BasketsWorker {
    builder: Arc<Builder>,
    past: IndexPast,
    similarity: f64,
}

impl BasketsWorker {
    pub fn new(archive: &Archive, builder: Arc<Builder>, similarity: f64) -> BasketsWorker {
        BasketsWorker { past: IndexPast::new(archive, builder.clone()), builder, similarity }
    }

    /// The closed days before `day` (listed again for days that may have been written since).
    pub fn days_before(&self, day: Day) -> Vec<DayFiles> {
        self.past.days_before(day)
    }

    /// The table of those days (their indexes are built as needed); the error says why none.
    pub fn compute(&self, days: &[DayFiles]) -> Result<BasketsTable, String> {
        let synced = sync(&self.builder, days, self.similarity).map_err(|e| format!("{e:#}"))?;
        let mut table = BasketsTable::of(&synced.clusters, synced.days, MIN_BURSTS);
        table.warnings = synced.warnings;
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_compact(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn short_ids_are_four_hex_digits_and_fixed() {
        let a = short_id("B20250701-093512");
        assert_eq!(a.len(), 4);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_eq!(a, short_id("B20250701-093512"));
        assert_ne!(a, short_id("B20250701-093513"));
    }

    #[test]
    fn a_burst_is_marked_with_its_basket_once_the_basket_was_seen_before() {
        let mut c = Clusters::new(0.6);
        let set = ["A", "B", "C", "D", "E", "F"];
        let other = ["P", "Q", "R", "S", "T", "U"];
        c.add(day("20250707"), 100, None, None, &set);
        c.add(day("20250707"), 200, None, None, &other);
        c.add(day("20250708"), 100, None, None, &set);
        c.add(day("20250709"), 100, None, None, &set);
        let t = BasketsTable::of(&c, vec![day("20250707"), day("20250708"), day("20250709")], MIN_BURSTS);
        assert_eq!(t.bursts, 4);
        assert_eq!(t.baskets.len(), 1, "the other set was seen once");
        let line = &t.baskets[0];
        assert_eq!(line.report.id, "B20250707-000140");
        assert_eq!(line.report.bursts, 3);
        let detail = line.detail.as_ref().map(|d| d.per_day.iter().map(|(_, n)| *n).collect::<Vec<_>>());
        assert_eq!(detail, Some(vec![1, 1, 1]));
        assert_eq!(t.joined.get(&(day("20250707"), 100)), None, "it started the basket");
        assert_eq!(t.joined.get(&(day("20250709"), 100)).map(|s| s.before), Some(2));
        assert_eq!(t.joined.get(&(day("20250707"), 200)), None);
    }
}
