//! An alert: which rule fired, on what row, and (for quotes) what the symbol's history says.
//! Printed as one JSON object per line or as one aligned human line.

use serde::Serialize;
use serde::ser::Serializer;

use super::enrich::Enrichment;
use super::rules::{Field, Op, Source, Value};
use super::ruleset::RuleSet;
use crate::archive::fingerprint::Fingerprint;
use crate::archive::printable::printable;
use crate::archive::{Day, FileKey, SecondOfDay};

/// A row of a day's file: which file, its place (0-based) among the file's rows, and the
/// fingerprint of what it holds (a file started over with other rows has other alerts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowRef {
    pub file: FileKey,
    pub index: u64,
    pub content: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub rule: String,
    pub source: Source,
    pub day: Day,
    /// The row that raised it.
    pub at: RowRef,
    pub time: SecondOfDay,
    /// None for sources without a symbol (bursts, s1, s2).
    pub symbol: Option<String>,
    pub field: Field,
    pub op: Op,
    /// The row's value of `field`.
    pub value: Value,
    pub threshold: Value,
    /// For quotes alerts, when a history was available.
    pub enrichment: Option<Enrichment>,
    /// For baskets alerts: the basket the burst joined (boxed: most alerts have none).
    pub basket: Option<Box<BasketTag>>,
}

/// The basket a `baskets` alert is about: its id and its core size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasketTag {
    pub id: String,
    pub core: usize,
}

/// An s1 alert at row `index` of 2025-07-14, for the sinks' unit tests.
#[cfg(test)]
pub(crate) fn sample(index: u64) -> Alert {
    Alert {
        rule: "r".into(),
        source: Source::S1,
        day: Day::parse_compact("20250714").unwrap_or_else(|| panic!("day")),
        at: RowRef { file: FileKey::new(crate::archive::Kind::S1, None), index, content: 0 },
        time: SecondOfDay::default(),
        symbol: None,
        field: Field::Value,
        op: Op::Ge,
        value: Value::Count(1),
        threshold: Value::Count(1),
        enrichment: None,
        basket: None,
    }
}

/// `2025-07-14T09:30:15`: local market time, no zone (the archive carries none).
pub fn iso_time(day: Day, time: SecondOfDay) -> String {
    format!("{}T{time}", day)
}

#[derive(Serialize)]
struct AlertJson<'a> {
    id: String,
    rule: &'a str,
    source: &'static str,
    time: String,
    symbol: Option<&'a str>,
    field: &'static str,
    value: JsonValue,
    threshold: JsonValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    enrichment: Option<&'a Enrichment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    basket: Option<&'a BasketTag>,
}

/// Counts as JSON integers, amounts as JSON numbers, labels as strings.
struct JsonValue(Value);

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.0, self.0.label()) {
            (_, Some(label)) => s.serialize_str(label),
            (Value::Count(n), _) => s.serialize_u64(n),
            (Value::Amount(a), _) => s.serialize_f64(a),
            _ => s.serialize_none(),
        }
    }
}

impl Alert {
    pub fn timestamp(&self) -> String {
        iso_time(self.day, self.time)
    }

    /// Stable across runs and front ends: the same day, file, row (its place and what it holds)
    /// and rule give the same id, so a consumer can drop an alert delivered twice (after a
    /// crash, at most the batch in flight) and never drops a new one.
    pub fn id(&self) -> String {
        let f = Fingerprint::default()
            .bytes(self.day.compact().as_bytes())
            .bytes(self.at.file.label().as_bytes())
            .word(self.at.index)
            .word(self.at.content)
            .bytes(self.rule.as_bytes())
            .finish();
        format!("{f:016x}")
    }

    /// One JSON object, no line break: `{"id","rule","source","time","symbol","field","value",
    /// "threshold"}` and, for quotes alerts, `"enrichment"`.
    pub fn to_json(&self) -> String {
        let json = AlertJson {
            id: self.id(),
            rule: &self.rule,
            source: self.source.name(),
            time: self.timestamp(),
            symbol: self.symbol.as_deref(),
            field: self.field.name(),
            value: JsonValue(self.value),
            threshold: JsonValue(self.threshold),
            enrichment: self.enrichment.as_ref(),
            basket: self.basket.as_deref(),
        };
        // Serializing plain strings and numbers cannot fail; NaN amounts never reach an alert.
        serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

/// Formats alerts as aligned lines: widths come from the rule set, so lines printed one at a
/// time (while following) line up as well as a whole day's.
#[derive(Debug, Clone)]
pub struct HumanFormat {
    rule_width: usize,
}

const SOURCE_WIDTH: usize = "burst_symbols".len();
const SYMBOL_WIDTH: usize = 8;

impl HumanFormat {
    pub fn new(rules: &RuleSet) -> HumanFormat {
        HumanFormat { rule_width: rules.rules().iter().map(|r| r.name.chars().count()).max().unwrap_or(0) }
    }

    /// `2025-07-14 09:30:15  quote-stuffing  quotes  SPY  num_quotes 2500 >= 2000  first …`
    pub fn line(&self, a: &Alert) -> String {
        let symbol = a.symbol.as_deref().map_or_else(|| "-".to_owned(), printable);
        let mut line = format!(
            "{} {}  {:<rw$}  {:<SOURCE_WIDTH$}  {:<SYMBOL_WIDTH$}  {} {} {} {}",
            a.day,
            a.time,
            printable(&a.rule),
            a.source.name(),
            symbol,
            a.field,
            a.value,
            a.op,
            a.threshold,
            rw = self.rule_width,
        );
        if let Some(e) = &a.enrichment {
            line.push_str("  ");
            line.push_str(&e.describe());
        }
        if let Some(b) = &a.basket {
            line.push_str(&format!("  basket {} (core {})", b.id, b.core));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Grade, ProgType};

    fn alert(source: Source, symbol: Option<&str>, field: Field, value: Value, threshold: Value) -> Alert {
        Alert {
            rule: "r".into(),
            source,
            day: Day::parse_compact("20250714").unwrap_or_else(|| panic!("day")),
            at: RowRef { file: FileKey::new(crate::archive::Kind::Bursts, None), index: 3, content: 9 },
            time: SecondOfDay::from_hhmmss(93015).unwrap_or_default(),
            symbol: symbol.map(str::to_owned),
            field,
            op: Op::Ge,
            value,
            threshold,
            enrichment: None,
            basket: None,
        }
    }

    #[test]
    fn json_has_the_specified_keys_in_order() {
        let a = alert(Source::Bursts, None, Field::Grade, Value::Grade(Grade::High), Value::Grade(Grade::Mod));
        assert_eq!(
            a.to_json(),
            r#"{"id":"ID","rule":"r","source":"bursts","time":"2025-07-14T09:30:15","symbol":null,"field":"grade","value":"HIGH","threshold":"MOD"}"#
                .replace("ID", &a.id())
        );
        let a = alert(Source::Quotes, Some("BF/B"), Field::Dollars, Value::Amount(1.5e6), Value::Amount(1e6));
        assert!(a.to_json().contains(r#""symbol":"BF/B","field":"dollars","value":1500000.0,"threshold":1000000.0}"#));
        let a = alert(Source::S2, None, Field::Value, Value::Count(12), Value::Count(10));
        assert!(a.to_json().ends_with(r#""field":"value","value":12,"threshold":10}"#));
        let a = alert(
            Source::Bursts,
            None,
            Field::ProgType,
            Value::ProgType(ProgType::Und),
            Value::ProgType(ProgType::Und),
        );
        assert!(a.to_json().ends_with(r#""value":"UND","threshold":"UND"}"#));
    }

    #[test]
    fn ids_depend_on_day_file_row_and_rule_only() {
        let a = alert(Source::S2, None, Field::Value, Value::Count(12), Value::Count(10));
        let mut same = a.clone();
        same.value = Value::Count(99);
        same.time = SecondOfDay::from_hhmmss(100000).unwrap_or_default();
        assert_eq!(a.id(), same.id());
        assert_eq!(a.id().len(), 16);
        let mut other_row = a.clone();
        other_row.at.index += 1;
        let mut other_rule = a.clone();
        other_rule.rule = "r2".into();
        let mut other_content = a.clone();
        other_content.at.content += 1;
        let mut other_file = a.clone();
        other_file.at.file = FileKey::new(crate::archive::Kind::BurstSymbols, Some(a.time));
        for b in [other_row, other_rule, other_content, other_file] {
            assert_ne!(a.id(), b.id());
        }
        for key in [FileKey::new(crate::archive::Kind::Quotes, None), other_file_key()] {
            assert_eq!(FileKey::parse(&key.label()), Some(key));
        }
        assert_eq!(FileKey::parse("burst_symbols"), None);
        assert_eq!(FileKey::parse("hft1/093000"), None);
    }

    fn other_file_key() -> FileKey {
        FileKey::new(crate::archive::Kind::BurstSymbols, SecondOfDay::from_hhmmss(93015))
    }

    #[test]
    fn human_lines_align_and_never_carry_control_characters() -> Result<(), String> {
        let rules = RuleSet::new(vec![
            super::super::Rule::new("r", Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(1)),
            super::super::Rule::new("longer-name", Source::S1, Field::Value, Op::Ge, Value::Count(1)),
        ])?;
        let f = HumanFormat::new(&rules);
        let a =
            alert(Source::Quotes, Some("\x1b]0;pwned\x07"), Field::NumQuotes, Value::Count(2500), Value::Count(2000));
        assert_eq!(
            f.line(&a),
            "2025-07-14 09:30:15  r            quotes         \\u{1b}]0;pwned\\u{7}  num_quotes 2500 >= 2000"
        );
        let a = alert(Source::S1, None, Field::Value, Value::Count(3), Value::Count(2));
        assert_eq!(f.line(&a), "2025-07-14 09:30:15  r            s1             -         value 3 >= 2");
        Ok(())
    }
}
