//! Sorting the short lists by a column's value — bursts, a burst's symbols, alerts: a few
//! thousand at most, sorted whole when they change. (High Quote Counts is long: `sorted.rs`.)
//! Numbers sort numerically, times chronologically, grades by severity, names by their bytes;
//! a missing value goes last either way; equal values keep the list's order.

use std::cmp::Ordering;

use super::columns::Sort;
use crate::alerts::Value;
use crate::archive::Grade;

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

pub fn num(v: impl Into<f64>) -> Option<SortKey> {
    Some(SortKey::Num(v.into()))
}

/// A count (a length, a number of events) as a sort key.
pub fn count(n: usize) -> Option<SortKey> {
    num(n as f64)
}

pub fn text(s: &str) -> Option<SortKey> {
    Some(SortKey::Text(s.to_owned()))
}

pub fn severity(g: Grade) -> Option<SortKey> {
    num(match g {
        Grade::Low => 1,
        Grade::Mod => 2,
        Grade::High => 3,
    })
}

/// An alert's value or threshold.
pub fn value(v: &Value) -> Option<SortKey> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
