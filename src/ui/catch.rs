//! What a threshold would catch: for the rule being edited, how many of the day's rows its
//! value matches (and in the last 5 minutes), how the field's values are spread (log-scaled
//! blocks with the threshold marked), and how many more or fewer than the value before the
//! edit. Values and their distribution are gathered once per rule and day (≤ 50 ms on a heavy
//! day); a count is one pass over them (under a millisecond for a million rows), remembered
//! for the value last asked, so frames that change nothing cost nothing.

use std::time::{Duration, Instant};

use super::lists::BUCKETS;
use crate::alerts::{Context, Field, FieldType, Normals, Op, Rule, Source, Value};
use crate::archive::{Day, Grade, ProgType};
use crate::store::DayStore;
use crate::store::values::FieldValues;

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

/// A count asked for: the op and value, and the rows matched today and in the last 5 min.
type Counted = (Op, Value, (usize, usize));

pub struct Catch {
    key: Key,
    version: u64,
    at: Instant,
    kind: FieldType,
    /// The day's values (rows without a value are left out: they never match).
    all: Vec<f64>,
    /// Those of the last `RECENT_S` seconds.
    recent: Vec<f64>,
    histogram: Histogram,
    /// The last two counts asked for (the value shown, and the one before the edit).
    last: [Option<Counted>; 2],
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

/// The day's bursts as the `baskets` source sees them (None before the baskets are at hand,
/// or for a day not tailed).
fn basket_values(day: Day, field: Field, context: &Context) -> Option<FieldValues> {
    let matched = context.baskets_of(day)?;
    let values = matched
        .values()
        .map(|m| match field {
            Field::Bursts => Some(f64::from(m.bursts)),
            Field::Days => Some(f64::from(m.days)),
            Field::Similarity => m.similarity,
            _ => None,
        })
        .collect();
    Some(FieldValues { values, secs: matched.keys().map(|t| t.secs()).collect() })
}

/// Each of the day's hft1 rows as a z-score against its symbol's normal (None without one).
/// A pass over the day's rows (about 0.1 s for a million), done when the rule or the rows
/// change, at most every `REFRESH`.
fn z_values(store: &DayStore, rule: &Rule, normals: &Normals) -> FieldValues {
    let n = store.quotes_len();
    let (mut values, mut secs) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for q in (0..n).filter_map(|i| store.quote_at(i)) {
        if !rule.watches(&q.symbol) {
            continue;
        }
        let row = crate::archive::QuoteRow {
            time: q.time,
            symbol: &q.symbol,
            num_quotes: q.num_quotes,
            bbo: q.bbo,
            num_trades: q.num_trades,
            dollars: q.dollars,
        };
        values.push(normals.z(&row, rule.field));
        secs.push(q.time.secs());
    }
    FieldValues { values, secs }
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
        FieldType::Count | FieldType::Amount | FieldType::Score | FieldType::Share => None,
    }
}

/// How many of `xs` pass `op t` (one loop per op, so that each vectorises).
fn count(xs: &[f64], op: Op, t: f64) -> usize {
    match op {
        Op::Gt => xs.iter().filter(|&&x| x > t).count(),
        Op::Ge => xs.iter().filter(|&&x| x >= t).count(),
        Op::Lt => xs.iter().filter(|&&x| x < t).count(),
        Op::Le => xs.iter().filter(|&&x| x <= t).count(),
        Op::Eq => xs.iter().filter(|&&x| x == t).count(),
    }
}

impl Catch {
    /// Whether this is still the answer for `rule` on `store` (else gather again).
    pub fn fits(&self, store: &DayStore, rule: &Rule) -> bool {
        self.key == key(store, rule) && (self.version == store.version() || self.at.elapsed() < REFRESH)
    }

    pub fn gather(store: &DayStore, rule: &Rule, context: &Context) -> Option<Catch> {
        let kind = rule.field.field_type();
        let fv = if rule.source == Source::Baskets {
            basket_values(store.day(), rule.field, context)?
        } else if rule.field.is_z() {
            z_values(store, rule, context.normals_at_hand(store.day())?)
        } else {
            let watch = (!rule.symbols.is_empty() && matches!(rule.source, Source::Quotes | Source::BurstSymbols))
                .then_some(rule.symbols.as_slice());
            store
                .field_values(rule.source.kind(), rule.field.name(), watch, &|s| label_code(kind, s))
                .map_err(|e| tracing::warn!("threshold editor: cannot read {}: {e}", rule.field.name()))
                .ok()?
        };
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
        let histogram = Histogram::of(&all, kind, BUCKETS);
        Some(Catch {
            key: key(store, rule),
            version: store.version(),
            at: Instant::now(),
            kind,
            all,
            recent,
            histogram,
            last: [None, None],
        })
    }

    /// Rows the value matches: today, and in the last 5 minutes. Labels that have no order
    /// match nothing but `==`.
    pub fn matches(&mut self, op: Op, value: Value) -> (usize, usize) {
        if let Some((_, _, n)) = self.last.iter().flatten().find(|(o, v, _)| *o == op && *v == value) {
            return *n;
        }
        let unordered = matches!(self.kind, FieldType::ProgType | FieldType::Background);
        let n = match code(value).filter(|_| !unordered || op == Op::Eq) {
            Some(t) => (count(&self.all, op, t), count(&self.recent, op, t)),
            None => (0, 0),
        };
        self.last = [Some((op, value, n)), self.last[0]];
        n
    }

    pub fn rows(&self) -> usize {
        self.all.len()
    }

    /// The distribution, with the bucket the threshold `value` falls in marked.
    pub fn histogram(&self, value: Value) -> Histogram {
        let mut h = self.histogram.clone();
        h.marker = code(value).map(|x| h.place(x));
        h
    }
}

fn key(store: &DayStore, rule: &Rule) -> Key {
    Key { day: store.day(), source: rule.source, field: rule.field.name(), symbols: rule.symbols.clone() }
}

#[derive(Debug, Clone)]
pub struct Histogram {
    pub counts: Vec<u64>,
    /// The bucket the threshold is in.
    pub marker: Option<usize>,
    pub lo: f64,
    pub hi: f64,
    /// Buckets are log-spaced (the values span decades).
    pub log: bool,
    /// Where each bucket after the first starts: a value's bucket is a search over these (no
    /// logarithm per value).
    edges: Vec<f64>,
}

impl Histogram {
    /// `buckets` counts over the values' range, log-spaced for numbers that span decades.
    fn of(values: &[f64], kind: FieldType, buckets: usize) -> Histogram {
        let buckets = buckets.max(1);
        let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        if values.is_empty() {
            return Histogram {
                counts: vec![0; buckets],
                marker: None,
                lo: 0.0,
                hi: 0.0,
                log: false,
                edges: Vec::new(),
            };
        }
        let log = lo >= 0.0 && hi > 10.0 * lo.max(1.0) && matches!(kind, FieldType::Count | FieldType::Amount);
        type Map = fn(f64) -> f64;
        let (f, back): (Map, Map) = if log { (|x| (x.max(0.0) + 1.0).ln(), |y| y.exp() - 1.0) } else { (|x| x, |y| y) };
        let (a, b) = (f(lo), f(hi));
        let span = (b - a).max(f64::EPSILON);
        let edges = (1..buckets).map(|i| back(a + span * i as f64 / buckets as f64)).collect();
        let mut h = Histogram { counts: vec![0; buckets], marker: None, lo, hi, log, edges };
        for &x in values {
            let i = h.place(x);
            h.counts[i] += 1;
        }
        h
    }

    /// The bucket `x` falls in (clamped to the ends).
    fn place(&self, x: f64) -> usize {
        self.edges.partition_point(|e| *e <= x).min(self.counts.len().saturating_sub(1))
    }

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

    struct Given;

    impl crate::alerts::NormalsSource for Given {
        fn normals(&self, _: Day) -> Result<Normals, String> {
            let mut n = Normals::default();
            let spy = crate::alerts::Normal { mean: 1000.0, sd: 100.0 };
            n.by_symbol
                .insert("SPY".into(), crate::alerts::SymbolNormals { num_quotes: Some(spy), ..Default::default() });
            Ok(n)
        }
    }

    #[test]
    fn a_z_rule_catches_the_rows_its_z_reaches_and_only_once_normals_are_at_hand() -> anyhow::Result<()> {
        use crate::archive::{QuoteRow, Quotes, Rows, SecondOfDay};
        let day = Day::parse_compact("20250714").ok_or_else(|| anyhow::anyhow!("day"))?;
        let mut store = DayStore::new(day)?;
        let mut q = Quotes::default();
        for (i, (symbol, nq)) in [("SPY", 1100), ("SPY", 1300), ("THIN", 9000), ("SPY", 1350)].into_iter().enumerate() {
            let time = SecondOfDay::from_secs(34_200 + i as u32).ok_or_else(|| anyhow::anyhow!("time"))?;
            q.push(QuoteRow { time, symbol, num_quotes: nq, bbo: 1, num_trades: 1, dollars: None });
        }
        store.append(&Rows::Quotes(q))?;
        let rule = Rule::new("z", Source::Quotes, Field::NumQuotesZ, Op::Ge, Value::Amount(3.0));
        let mut context = Context::default().with_normals(std::sync::Arc::new(Given));
        assert!(Catch::gather(&store, &rule, &context).is_none(), "no normals yet: nothing to show");
        // Gathered as the rules gather them (waiting).
        assert!(context.normals(day).is_some());
        let mut c = Catch::gather(&store, &rule, &context).ok_or_else(|| anyhow::anyhow!("no catch"))?;
        // z of SPY: 1, 3, 3.5; THIN has no normal (never matches).
        assert_eq!(c.all, [1.0, 3.0, 3.5]);
        assert_eq!(c.matches(Op::Ge, Value::Amount(3.0)).0, 2);
        assert_eq!(c.matches(Op::Ge, Value::Amount(3.1)).0, 1);
        Ok(())
    }
}
