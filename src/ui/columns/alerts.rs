//! Alerts: the alert log (its last alerts, sorted whole).

use super::Sorts::{Down, No, Up};
use super::{KeyFn, ListColumn, Tint, c, one};
use crate::alerts::Alert;
use crate::ui::order::{num, text as key_text, value};
use crate::ui::text;

type A = ListColumn<Alert, KeyFn<Alert>>;

pub const ALERTS: [A; 6] = [
    A {
        head: c("time", "Time", 8, false, 9, Down),
        by: |a, _| num(a.time.secs()),
        cell: |a, _| (a.time.to_string(), Tint::Plain),
        csv: &["time"],
        values: |a, _| one(a.timestamp()),
    },
    A {
        head: c("rule", "Rule", 14, false, 6, Up),
        by: |a, _| key_text(&a.rule),
        cell: |a, _| (text::clean(&a.rule, 20).into_owned(), Tint::Key),
        csv: &["rule"],
        values: |a, _| one(&a.rule),
    },
    A {
        head: c("symbol", "Symbol", 7, false, 8, Up),
        by: |a, _| a.symbol.as_deref().and_then(key_text),
        cell: |a, _| (a.symbol.as_deref().map_or_else(|| "-".into(), |s| text::symbol(s).into_owned()), Tint::Plain),
        csv: &["symbol"],
        values: |a, _| one(a.symbol.as_deref().unwrap_or_default()),
    },
    A {
        head: c("value", "Value", 7, true, 7, Down),
        by: |a, _| value(&a.value),
        cell: |a, _| (a.value.to_string(), Tint::Plain),
        // The value with the field it is of.
        csv: &["field", "value"],
        values: |a, _| vec![a.field.name().into(), a.value.to_string()],
    },
    A {
        head: c("threshold", "Thresh", 9, true, 3, Down),
        by: |a, _| value(&a.threshold),
        cell: |a, _| (format!("{}{}", a.op.symbol(), a.threshold), Tint::Dim),
        csv: &["threshold"],
        values: |a, _| one(format!("{}{}", a.op.symbol(), a.threshold)),
    },
    A {
        head: c("seen_before", "Seen before", 40, false, 1, No),
        by: |_, _| None,
        cell: |a, _| (a.enrichment.as_ref().map(|e| e.describe()).unwrap_or_default(), Tint::Dim),
        csv: &["seen_before"],
        values: |a, _| one(a.enrichment.as_ref().map(|e| e.describe()).unwrap_or_default()),
    },
];
