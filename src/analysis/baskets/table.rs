//! What the TUI shows of baskets: the recurring baskets as `ki2 baskets` reports them (the same
//! `report`, so the figures cannot drift apart), each with its detail, and the basket each burst
//! of the closed days joined (the Burst Signals column on an earlier day). Gathered for the days
//! before the live one and the live day's bursts the alert path has matched so far;
//! `BasketsWorker` is what the command layer runs on a thread of its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::clusters::Clusters;
use super::report::{BasketDetail, BasketReport, detail, report};
use super::shared::SharedBaskets;
use crate::analysis::study::{Event, Inputs, Series, Subject, Summary};
use crate::archive::{Archive, Day, ProgType};
use crate::history::Builder;

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
    /// The days taken in, oldest first (the live day last, when its bursts are in).
    pub days: Vec<Day>,
    /// The live day's bursts taken in (as the alert path matched them so far).
    pub today: usize,
    /// Bursts matched over them.
    pub bursts: usize,
    /// Seen at least `MIN_BURSTS` times, most bursts first (then by id).
    pub baskets: Vec<BasketLine>,
    /// Each burst of those days that joined a basket seen before it, by (day, second of day).
    pub joined: HashMap<(Day, u32), Seen>,
    pub warnings: Vec<String>,
    /// The listed baskets' bursts as the event study's events (one series per basket, named by
    /// its id, on the bursts' own symbols), for their returns after they fire; no horizons yet.
    pub fires: Inputs,
    /// Their mean returns after they fire, filled in by the worker once the table is out.
    pub returns: ReturnsSlot,
}

/// The listed baskets' returns after they fire: the event study's figures (`study::run` on
/// `BasketsTable::fires`), one summary per basket and horizon.
#[derive(Debug, Clone, Default)]
pub enum Returns {
    /// Being computed (the table is shown meanwhile).
    #[default]
    Computing,
    /// No bars to compute them from, in words that say what would supply them.
    Unavailable(String),
    /// By basket id, the horizons in order (a horizon without any return is left out).
    Ready(HashMap<String, Vec<Summary>>),
    Failed(String),
}

/// Where the worker leaves `Returns` for the table it has already handed over.
#[derive(Debug, Clone, Default)]
pub struct ReturnsSlot(Arc<Mutex<Returns>>);

impl ReturnsSlot {
    pub fn get(&self) -> Returns {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set(&self, r: Returns) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = r;
    }
}

impl BasketsTable {
    /// The figures of `clusters`, taken in over `days`.
    pub fn of(clusters: &Clusters, days: Vec<Day>, min: u32) -> BasketsTable {
        let index: HashMap<String, u32> =
            clusters.baskets().iter().enumerate().map(|(i, b)| (b.id(), i as u32)).collect();
        let baskets: Vec<BasketLine> = report(clusters, None, None, min)
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
        let fires = fires(clusters, &days, &baskets);
        BasketsTable {
            days,
            today: 0,
            bursts: clusters.occurrences().len(),
            baskets,
            joined,
            warnings: Vec::new(),
            fires,
            returns: ReturnsSlot::default(),
        }
    }
}

/// The bursts of `lines`' baskets as study events, series in the lines' order.
fn fires(clusters: &Clusters, days: &[Day], lines: &[BasketLine]) -> Inputs {
    let mut inputs = Inputs { days: days.to_vec(), ..Inputs::default() };
    let day_index: HashMap<Day, usize> = days.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let series: HashMap<String, usize> = lines.iter().enumerate().map(|(i, l)| (l.report.id.clone(), i)).collect();
    inputs.series = lines
        .iter()
        .map(|l| Series { event: l.report.id.clone(), subject: Subject::Hit, events: Vec::new() })
        .collect();
    for o in clusters.occurrences() {
        let Some(b) = clusters.baskets().get(o.basket as usize) else { continue };
        let (Some(&s), Some(&day)) = (series.get(&b.id()), day_index.get(&o.day)) else { continue };
        let mut symbols: Vec<u32> = o.symbols.iter().map(|&n| inputs.symbols.id(clusters.name(n))).collect();
        symbols.sort_unstable();
        symbols.dedup();
        inputs.series[s].events.push(Event { day, time: o.time, symbols });
    }
    inputs
}

/// A short name for a basket in a narrow column: four hex digits of a fixed hash of its id
/// (FNV-1a), the same in every run. The Baskets view shows it beside the full id. Where two
/// baskets on screen share it, `short_ids` lengthens both.
pub fn short_id(id: &str) -> String {
    digits(id)[..SHORT].to_owned()
}

const SHORT: usize = 4;

/// The digits short forms are cut from: the 16-bit fold of FNV-1a 32 (the four-digit form),
/// then FNV-1a 64, so a longer form starts with the shorter one (as git's abbreviated hashes).
fn digits(id: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut w: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
        w ^= u64::from(b);
        w = w.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:04x}{w:016x}", (h >> 16) ^ (h & 0xffff))
}

/// The short forms of baskets shown together: four digits each, and where two share a form,
/// both lengthened a digit at a time until they differ (their full ids, in the unthinkable
/// case that twenty digits do not part them). One short form never names two baskets.
pub fn short_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> HashMap<&'a str, String> {
    let all: HashMap<&str, String> = ids.into_iter().map(|id| (id, digits(id))).collect();
    let mut len: HashMap<&str, usize> = all.keys().map(|id| (*id, SHORT)).collect();
    loop {
        let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
        for (id, d) in &all {
            by.entry(&d[..len[id]]).or_default().push(id);
        }
        let mut longer = false;
        for same in by.values().filter(|v| v.len() > 1) {
            for id in same {
                if let Some(l) = len.get_mut(id).filter(|l| **l < all[id].len()) {
                    *l += 1;
                    longer = true;
                }
            }
        }
        if !longer {
            let taken: HashMap<&str, usize> = by.iter().map(|(k, v)| (*k, v.len())).collect();
            return all
                .iter()
                .map(|(id, d)| {
                    let short = &d[..len[id]];
                    (*id, if taken[short] > 1 { (*id).to_owned() } else { short.to_owned() })
                })
                .collect();
        }
    }
}

/// The live day's bursts' side and S1 by their second, as its burst file has them.
pub type BurstSides = HashMap<u32, (ProgType, u32)>;

/// Finds the baskets of the closed days before a day, from the day index and the state kept
/// beside it (`state::sync`, as `ki2 baskets` does), with the live day's bursts the alert path
/// took in so far.
pub struct BasketsWorker {
    shared: Arc<SharedBaskets>,
}

impl BasketsWorker {
    pub fn new(archive: &Archive, builder: Arc<Builder>, similarity: f64) -> BasketsWorker {
        BasketsWorker::sharing(SharedBaskets::new(archive, builder, similarity))
    }

    /// Over baskets the alert path shares (`IndexBaskets::sharing`): synced once for both.
    pub fn sharing(shared: Arc<SharedBaskets>) -> BasketsWorker {
        BasketsWorker { shared }
    }

    /// How many closed days there are before `day`.
    pub fn days_before(&self, day: Day) -> usize {
        self.shared.days_before(day)
    }

    /// The table of the closed days before `day` (their indexes are built as needed) and of
    /// `day`'s bursts matched so far, with their sides from `sides` (a burst not in it yet
    /// counts as und); the error says why none.
    pub fn compute(&self, day: Day, sides: &BurstSides) -> Result<BasketsTable, String> {
        let closed = self.shared.closed(day)?;
        let today = self.shared.today(day);
        let mut table = if today.is_empty() {
            BasketsTable::of(&closed.clusters, closed.days.clone(), MIN_BURSTS)
        } else {
            // The same bursts, in the same order, as the alert path's matcher took them in:
            // the same baskets.
            let mut clusters = closed.clusters.clone();
            for b in &today {
                let symbols: Vec<&str> = b.symbols.iter().map(String::as_str).collect();
                let (side, s1) = sides.get(&b.time).map_or((None, None), |(p, s1)| (Some(*p), Some(*s1)));
                clusters.add(day, b.time, side, s1, &symbols);
            }
            let mut days = closed.days.clone();
            days.push(day);
            BasketsTable::of(&clusters, days, MIN_BURSTS)
        };
        table.today = today.len();
        table.warnings = closed.warnings.clone();
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::baskets::basket_id;

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
    fn baskets_whose_short_ids_collide_are_both_lengthened_until_they_differ() {
        // Two ids with the same four digits, found by trying (the 16-bit form collides often).
        let ids: Vec<String> = (0..2000).map(|i| basket_id(day("20250707"), 34_200 + i)).collect();
        let mut first: HashMap<String, &str> = HashMap::new();
        let (a, b) = ids
            .iter()
            .find_map(|id| first.insert(short_id(id), id).map(|other| (other, id.as_str())))
            .unwrap_or_else(|| panic!("no collision in 2000 ids"));
        let other = ids.iter().find(|i| short_id(i) != short_id(a)).map_or("", |s| s.as_str());
        let forms = short_ids([a, b, other]);
        let (fa, fb) = (&forms[a], &forms[b]);
        assert_ne!(fa, fb, "{a} {b}");
        assert!(fa.len() > 4 && fa.len() == fb.len(), "both lengthened alike: {fa} {fb}");
        assert!(fa.starts_with(&short_id(a)) && fb.starts_with(&short_id(b)), "{fa} {fb}");
        assert_eq!(forms[other], short_id(other), "a basket that collides with none keeps four digits");
        // The short ids alone would show one form for two baskets.
        assert_eq!(short_id(a), short_id(b));
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
