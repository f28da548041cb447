//! Sorting the short lists by a column's value — bursts, a burst's symbols, alerts: a few
//! thousand at most, sorted whole when they change. (High Quote Counts is long: `sorted.rs`.)
//! Numbers sort numerically, times chronologically, grades by severity, names by their bytes;
//! a missing value goes last either way; equal values keep the list's order.

use std::cmp::Ordering;

use super::columns::Sort;
use crate::alerts::{Alert, Value};
use crate::archive::{BurstRow, Grade, SymbolHit};

/// A value to sort by: numbers before names, should a column hold both.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Num(f64),
    Text(String),
}

fn compare(a: &SortKey, b: &SortKey) -> Ordering {
    match (a, b) {
        (SortKey::Num(x), SortKey::Num(y)) => x.total_cmp(y),
        (SortKey::Text(x), SortKey::Text(y)) => x.cmp(y),
        (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
        (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
    }
}

/// The places of `keys` (the list's order) in the order the sort shows them, top first. Equal
/// values keep the list's order, except by time (`arrival`), where the list's order is when
/// they came and follows the sort's direction: newest first means the last written first.
pub fn order(keys: &[Option<SortKey>], sort: Sort, arrival: bool) -> Vec<usize> {
    let mut places: Vec<usize> = (0..keys.len()).collect();
    places.sort_by(|&a, &b| {
        let by_value = match (&keys[a], &keys[b]) {
            (Some(x), Some(y)) if sort.desc => compare(y, x),
            (Some(x), Some(y)) => compare(x, y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_value.then_with(|| if arrival && sort.desc { b.cmp(&a) } else { a.cmp(&b) })
    });
    places
}

fn num(v: impl Into<f64>) -> Option<SortKey> {
    Some(SortKey::Num(v.into()))
}

fn text(s: &str) -> Option<SortKey> {
    Some(SortKey::Text(s.to_owned()))
}

fn severity(g: Grade) -> Option<SortKey> {
    num(match g {
        Grade::Low => 1,
        Grade::Mod => 2,
        Grade::High => 3,
    })
}

fn value(v: &Value) -> Option<SortKey> {
    match v {
        Value::Count(n) => num(*n as f64),
        Value::Amount(x) => num(*x),
        Value::Grade(g) => severity(*g),
        Value::ProgType(p) => text(p.label()),
        Value::Background(b) => text(b.label()),
    }
}

/// Whether the column is a time: its ties follow the list's order in the sort's direction.
pub fn is_time(name: &str) -> bool {
    name == "time"
}

/// The columns by name, checked when ki2 is built (`columns::at`).
mod cols {
    use crate::ui::columns::{ALERTS, BURSTS, SYMBOLS, at};
    pub const B_TIME: usize = at(&BURSTS, "time");
    pub const B_GRADE: usize = at(&BURSTS, "grade");
    pub const B_PROG: usize = at(&BURSTS, "prog_type");
    pub const B_BACKGROUND: usize = at(&BURSTS, "background");
    pub const B_S1: usize = at(&BURSTS, "s1");
    pub const B_S2: usize = at(&BURSTS, "s2");
    pub const B_CT: usize = at(&BURSTS, "ct");
    pub const B_CB: usize = at(&BURSTS, "cb");
    pub const B_CS: usize = at(&BURSTS, "cs");
    pub const B_CU: usize = at(&BURSTS, "cu");
    pub const B_BASKET: usize = at(&BURSTS, "basket");
    pub const H_SYMBOL: usize = at(&SYMBOLS, "symbol");
    pub const H_NT: usize = at(&SYMBOLS, "nt");
    pub const H_NQ: usize = at(&SYMBOLS, "nq");
    pub const H_BBO: usize = at(&SYMBOLS, "bbo");
    pub const A_TIME: usize = at(&ALERTS, "time");
    pub const A_RULE: usize = at(&ALERTS, "rule");
    pub const A_SYMBOL: usize = at(&ALERTS, "symbol");
    pub const A_VALUE: usize = at(&ALERTS, "value");
    pub const A_THRESHOLD: usize = at(&ALERTS, "threshold");
}

pub use cols::B_BASKET;

/// `seen`: how often the burst's basket was seen before it (None: it joined no recurring basket).
pub fn burst_key(b: &BurstRow, seen: Option<u32>, col: usize) -> Option<SortKey> {
    use cols::*;
    match col {
        B_TIME => num(b.time.secs()),
        B_GRADE => severity(b.grade),
        B_PROG => text(b.prog_type.label()),
        B_BACKGROUND => text(b.background.label()),
        B_S1 => num(b.s1),
        B_S2 => num(b.s2),
        B_CT => num(b.ct),
        B_CB => num(b.cb),
        B_CS => num(b.cs),
        // Shown as written: a number when it reads as one.
        B_CU => {
            b.cu.as_deref().map(|c| c.trim().parse::<f64>().map_or_else(|_| SortKey::Text(c.to_owned()), SortKey::Num))
        }
        B_BASKET => num(seen?),
        _ => None,
    }
}

pub fn hit_key(h: &SymbolHit, col: usize) -> Option<SortKey> {
    use cols::*;
    match col {
        H_SYMBOL => text(&h.symbol),
        H_NT => num(h.num_trades),
        H_NQ => num(h.num_quotes),
        H_BBO => num(h.bbo),
        _ => None,
    }
}

pub fn alert_key(a: &Alert, col: usize) -> Option<SortKey> {
    use cols::*;
    match col {
        A_TIME => num(a.time.secs()),
        A_RULE => text(&a.rule),
        A_SYMBOL => a.symbol.as_deref().and_then(text),
        A_VALUE => value(&a.value),
        A_THRESHOLD => value(&a.threshold),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::columns::{ALERTS, BURSTS, SYMBOLS};

    #[test]
    fn numbers_sort_numerically_missing_last_and_ties_keep_their_order() {
        let keys = [num(10), num(9), None, num(100), num(9), text("x")];
        assert_eq!(order(&keys, Sort { col: 0, desc: true }, false), [5, 3, 0, 1, 4, 2]);
        assert_eq!(order(&keys, Sort { col: 0, desc: false }, false), [1, 4, 0, 3, 5, 2]);
        // By time, newest first: of two rows of one second, the one written last comes first.
        let times = [num(1), num(2), num(2)];
        assert_eq!(order(&times, Sort { col: 0, desc: true }, true), [2, 1, 0]);
        assert_eq!(order(&times, Sort { col: 0, desc: false }, true), [0, 1, 2]);
    }

    #[test]
    fn every_column_that_sorts_has_a_key() {
        use crate::archive::{Background, ProgType, SecondOfDay};
        use crate::ui::columns::Sorts;
        let b = BurstRow {
            time: SecondOfDay::default(),
            grade: Grade::High,
            prog_type: ProgType::Buy,
            background: Background::Port,
            s1: 1,
            s2: 2,
            ct: 3,
            cb: 4,
            cs: 5,
            cu: Some("6".into()),
        };
        let h = SymbolHit { symbol: "SPY".into(), num_trades: 1, num_quotes: 2, bbo: 3 };
        let a = Alert { symbol: Some("SPY".into()), ..crate::alerts::alert::sample(1) };
        fn check(cols: &[crate::ui::columns::Column], key: impl Fn(usize) -> Option<SortKey>) {
            for (i, c) in cols.iter().enumerate() {
                assert_eq!(key(i).is_some(), c.sorts != Sorts::No, "column {}", c.name);
            }
        }
        check(&BURSTS, |i| burst_key(&b, Some(2), i));
        check(&SYMBOLS, |i| hit_key(&h, i));
        check(&ALERTS, |i| alert_key(&a, i));
    }
}
