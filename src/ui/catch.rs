//! What a threshold would catch: for the rule being edited, how many of the day's rows its
//! value matches (and in the last 5 minutes), how the field's values are spread (log-scaled
//! blocks with the threshold marked), and how many more or fewer than the value before the
//! edit. Values are gathered and sorted once per rule and day (≤ 50 ms on a heavy day), then
//! every count is a binary search, so stepping a value costs nothing.

use std::time::{Duration, Instant};

use crate::alerts::{FieldType, Op, Rule, Source, Value};
use crate::archive::{Day, Grade, ProgType};
use crate::store::DayStore;

/// Rows flowing in: the values are gathered again at most this often.
const REFRESH: Duration = Duration::from_secs(2);
/// "Recent" is the last this many seconds of market time.
const RECENT_S: u32 = 300;

#[derive(Debug, Clone, PartialEq)]
struct Key {
    day: Day,
    source: Source,
    field: &'static str,
    symbols: Vec<String>,
}

pub struct Catch {
    key: Key,
    version: u64,
    at: Instant,
    kind: FieldType,
    /// The day's values, sorted (rows without a value are left out: they never match).
    all: Vec<f64>,
    /// Those of the last `RECENT_S` seconds, sorted.
    recent: Vec<f64>,
}

/// A label value as a number that orders as the rules order it (grades by severity; the
/// others only compare equal or not).
fn code(v: Value) -> Option<f64> {
    Some(match v {
        Value::Count(n) => n as f64,
        Value::Amount(a) => a,
        Value::Grade(g) => grade_code(g),
        Value::ProgType(p) => match p {
            ProgType::Buy => 0.0,
            ProgType::Sell => 1.0,
            ProgType::Und => 2.0,
        },
        Value::Background(b) => b as u8 as f64,
    })
}

fn grade_code(g: Grade) -> f64 {
    match g {
        Grade::Low => 0.0,
        Grade::Mod => 1.0,
        Grade::High => 2.0,
    }
}

fn label_code(kind: FieldType, s: &str) -> Option<f64> {
    match kind {
        FieldType::Grade => Grade::parse_label(s).map(grade_code),
        FieldType::ProgType => code(Value::ProgType(ProgType::parse_label(s)?)),
        FieldType::Background => Some(if s.eq_ignore_ascii_case("aggr") { 1.0 } else { 0.0 }),
        FieldType::Count | FieldType::Amount => None,
    }
}

/// How many of `sorted` pass `op threshold`.
fn count(sorted: &[f64], op: Op, t: f64) -> usize {
    let below = sorted.partition_point(|v| *v < t);
    let upto = sorted.partition_point(|v| *v <= t);
    match op {
        Op::Gt => sorted.len() - upto,
        Op::Ge => sorted.len() - below,
        Op::Lt => below,
        Op::Le => upto,
        Op::Eq => upto - below,
    }
}

impl Catch {
    /// Whether this is still the answer for `rule` on `store` (else gather again).
    pub fn fits(&self, store: &DayStore, rule: &Rule) -> bool {
        self.key == key(store, rule) && (self.version == store.version() || self.at.elapsed() < REFRESH)
    }

    pub fn gather(store: &DayStore, rule: &Rule) -> Option<Catch> {
        let kind = rule.field.field_type();
        let watch = (!rule.symbols.is_empty() && matches!(rule.source, Source::Quotes | Source::BurstSymbols))
            .then_some(rule.symbols.as_slice());
        let fv = store
            .field_values(rule.source.kind(), rule.field.name(), watch, &|s| label_code(kind, s))
            .map_err(|e| tracing::warn!("threshold editor: cannot read {}: {e}", rule.field.name()))
            .ok()?;
        let newest = fv.secs.iter().copied().max().unwrap_or(0);
        let from = newest.saturating_sub(RECENT_S);
        let mut all = Vec::with_capacity(fv.values.len());
        let mut recent = Vec::new();
        for (v, s) in fv.values.iter().zip(&fv.secs) {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                all.push(v);
                if *s >= from {
                    recent.push(v);
                }
            }
        }
        all.sort_unstable_by(f64::total_cmp);
        recent.sort_unstable_by(f64::total_cmp);
        Some(Catch { key: key(store, rule), version: store.version(), at: Instant::now(), kind, all, recent })
    }

    /// Rows the value matches: today, and in the last 5 minutes. Labels that have no order
    /// match nothing but `==`.
    pub fn matches(&self, op: Op, value: Value) -> (usize, usize) {
        let unordered = matches!(self.kind, FieldType::ProgType | FieldType::Background);
        let Some(t) = code(value).filter(|_| !unordered || op == Op::Eq) else { return (0, 0) };
        (count(&self.all, op, t), count(&self.recent, op, t))
    }

    pub fn rows(&self) -> usize {
        self.all.len()
    }

    /// `buckets` counts over the values' range (log-spaced for numbers that span decades),
    /// and the bucket the threshold falls in.
    pub fn histogram(&self, buckets: usize, value: Value) -> Histogram {
        let buckets = buckets.max(1);
        let (Some(&lo), Some(&hi)) = (self.all.first(), self.all.last()) else {
            return Histogram { counts: vec![0; buckets], marker: None, lo: 0.0, hi: 0.0, log: false };
        };
        let log = lo >= 0.0 && hi > 10.0 * (lo.max(1.0)) && matches!(self.kind, FieldType::Count | FieldType::Amount);
        let f = |x: f64| if log { (x.max(0.0) + 1.0).ln() } else { x };
        let (a, b) = (f(lo), f(hi));
        let span = (b - a).max(f64::EPSILON);
        let place = |x: f64| (((f(x) - a) / span) * buckets as f64).floor().clamp(0.0, buckets as f64 - 1.0) as usize;
        let mut counts = vec![0u64; buckets];
        for &x in &self.all {
            counts[place(x)] += 1;
        }
        let marker = code(value).map(place);
        Histogram { counts, marker, lo, hi, log }
    }
}

fn key(store: &DayStore, rule: &Rule) -> Key {
    Key { day: store.day(), source: rule.source, field: rule.field.name(), symbols: rule.symbols.clone() }
}

pub struct Histogram {
    pub counts: Vec<u64>,
    /// The bucket the threshold is in.
    pub marker: Option<usize>,
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

impl Histogram {
    /// One block character per bucket, heights log-scaled so that a few big counts do not flatten
    /// the rest.
    pub fn blocks(&self) -> String {
        const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let top = self.counts.iter().copied().max().unwrap_or(0);
        let scale = ((top as f64) + 1.0).ln().max(f64::EPSILON);
        self.counts
            .iter()
            .map(|&c| {
                if c == 0 {
                    ' '
                } else {
                    let h = (((c as f64) + 1.0).ln() / scale * 8.0).ceil().clamp(1.0, 8.0) as usize;
                    LEVELS[h]
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_each_operator_at_the_edges() {
        let v = [1.0, 2.0, 2.0, 3.0, 5.0];
        assert_eq!(count(&v, Op::Ge, 2.0), 4);
        assert_eq!(count(&v, Op::Gt, 2.0), 2);
        assert_eq!(count(&v, Op::Lt, 2.0), 1);
        assert_eq!(count(&v, Op::Le, 2.0), 3);
        assert_eq!(count(&v, Op::Eq, 2.0), 2);
        assert_eq!(count(&v, Op::Ge, 6.0), 0);
    }
}
