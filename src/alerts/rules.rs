//! A rule: a source, one of its fields, a comparison and a threshold. Validation lives here so
//! a rule built by the TUI's editor is held to the same checks as one read from a file.

use std::fmt;

pub use super::fields::{Field, FieldType, Op, Source};
use crate::archive::{Background, Grade, ProgType};

/// A threshold, or the value of a row's field it is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Count(u64),
    Amount(f64),
    Grade(Grade),
    ProgType(ProgType),
    Background(Background),
}

impl Value {
    /// What the editor starts from when a rule's field changes.
    pub fn default_for(field: Field) -> Value {
        match field.field_type() {
            FieldType::Count => Value::Count(match field {
                Field::NumQuotes => 2000,
                Field::NumTrades => 100,
                _ => 200,
            }),
            FieldType::Amount => Value::Amount(1_000_000.0),
            FieldType::Score => Value::Amount(3.0),
            FieldType::Share => Value::Amount(0.6),
            FieldType::Grade => Value::Grade(Grade::High),
            FieldType::ProgType => Value::ProgType(ProgType::Buy),
            FieldType::Background => Value::Background(Background::Aggr),
        }
    }

    pub fn fits(self, field: Field) -> bool {
        matches!(
            (self, field.field_type()),
            (Value::Count(_), FieldType::Count)
                | (Value::Amount(_), FieldType::Amount | FieldType::Score | FieldType::Share)
                | (Value::Grade(_), FieldType::Grade)
                | (Value::ProgType(_), FieldType::ProgType)
                | (Value::Background(_), FieldType::Background)
        )
    }

    /// How `self` compares with `other`; `None` when they cannot be compared (different kinds,
    /// or labels that have no order).
    pub fn compare(self, other: Value) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Value::Count(a), Value::Count(b)) => Some(a.cmp(&b)),
            (Value::Amount(a), Value::Amount(b)) => a.partial_cmp(&b),
            (Value::Grade(a), Value::Grade(b)) => Some(a.cmp(&b)),
            (Value::ProgType(a), Value::ProgType(b)) => (a == b).then_some(std::cmp::Ordering::Equal),
            (Value::Background(a), Value::Background(b)) => (a == b).then_some(std::cmp::Ordering::Equal),
            _ => None,
        }
    }

    /// The label rules and alerts use for a label value (`"HIGH"`, `"BUY"`, `"AGGR"`).
    pub fn label(self) -> Option<&'static str> {
        match self {
            Value::Grade(g) => Some(g.label()),
            Value::ProgType(ProgType::Buy) => Some("BUY"),
            Value::ProgType(ProgType::Sell) => Some("SELL"),
            Value::ProgType(ProgType::Und) => Some("UND"),
            Value::Background(Background::Port) => Some("PORT"),
            Value::Background(Background::Aggr) => Some("AGGR"),
            Value::Count(_) | Value::Amount(_) => None,
        }
    }
}

impl fmt::Display for Value {
    /// Whole amounts without decimals, others with cents; labels as rules write them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.label()) {
            (_, Some(label)) => f.write_str(label),
            (Value::Count(n), _) => write!(f, "{n}"),
            (Value::Amount(a), _) if a.fract() == 0.0 && a.abs() < 1e15 => write!(f, "{a:.0}"),
            (Value::Amount(a), _) => write!(f, "{a:.2}"),
            _ => Ok(()),
        }
    }
}

pub fn parse_background(s: &str) -> Option<Background> {
    match s.to_ascii_uppercase().as_str() {
        "PORT" => Some(Background::Port),
        "AGGR" => Some(Background::Aggr),
        _ => None,
    }
}

/// One alert rule. Fields are public for the threshold editor; `validate` (or a `RuleSet`
/// method) checks the combination.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub source: Source,
    pub field: Field,
    pub op: Op,
    pub value: Value,
    /// Watch list: only these symbols (any case); empty = every symbol.
    pub symbols: Vec<String>,
    /// After an alert, matches for the same rule and symbol are quiet for this many seconds
    /// of market time. 0: every matching row alerts.
    pub cooldown_s: u32,
    pub enabled: bool,
}

impl Rule {
    pub fn new(name: &str, source: Source, field: Field, op: Op, value: Value) -> Rule {
        Rule { name: name.to_owned(), source, field, op, value, symbols: Vec::new(), cooldown_s: 0, enabled: true }
    }

    /// Checks that field, op, value and watch list make sense for the source.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("rule name is empty".into());
        }
        if !self.source.fields().contains(&self.field) {
            return Err(format!(
                "source {} has no field {:?}: expected one of {}",
                self.source,
                self.field.name(),
                names(self.source.fields().iter().map(|f| f.name()))
            ));
        }
        if !self.field.ops().contains(&self.op) {
            return Err(format!("op {} does not apply to {} (its values have no order): use ==", self.op, self.field));
        }
        if !self.value.fits(self.field) {
            return Err(format!("{} expects {}, not {}", self.field, expected(self.field), self.value));
        }
        if let Value::Amount(a) = self.value
            && !amount_fits(a, self.field.field_type())
        {
            return Err(format!("{} expects {}, not {a}", self.field, expected(self.field)));
        }
        if !self.symbols.is_empty() && !self.source.has_symbol() {
            return Err(format!(
                "symbols (a watch list) applies to quotes and burst_symbols only; {} rows have no symbol",
                self.source
            ));
        }
        if self.symbols.iter().any(|s| s.trim().is_empty()) {
            return Err("symbols: empty symbol in the watch list".into());
        }
        Ok(())
    }

    /// Whether `symbol` is on the watch list (always, without one).
    pub fn watches(&self, symbol: &str) -> bool {
        self.symbols.is_empty() || self.symbols.iter().any(|s| s.eq_ignore_ascii_case(symbol))
    }

    /// Moves the threshold one step up or down: about 1–10% of its size for numbers (2000 →
    /// 2100 / 1900, 100 → 110 / 99), the next severity for grades, the next label otherwise.
    pub fn step(&mut self, up: bool) {
        self.value = match self.value {
            Value::Count(n) => Value::Count(if up {
                n.saturating_add(count_step(n))
            } else {
                n.saturating_sub(count_step(n.saturating_sub(1)))
            }),
            Value::Amount(a) if matches!(self.field.field_type(), FieldType::Score | FieldType::Share) => {
                // z-scores by tenths (3.0 → 3.1), similarities by hundredths (0.60 → 0.61).
                let (step, lo, hi) = match self.field.field_type() {
                    FieldType::Share => (0.01, 0.0, 1.0),
                    _ => (0.1, -1e6, 1e6),
                };
                let a = if a.is_finite() { a } else { 0.0 };
                let next = if up { a + step } else { a - step };
                Value::Amount(((next / step).round() * step).clamp(lo, hi))
            }
            Value::Amount(a) => {
                let a = if a.is_finite() { a.max(0.0) } else { 0.0 };
                let step = |v: f64| if v < 10.0 { 1.0 } else { 10f64.powi(v.log10().floor() as i32 - 1) };
                Value::Amount(if up { a + step(a) } else { (a - step((a - 1.0).max(0.0))).max(0.0) })
            }
            Value::Grade(g) => Value::Grade(match (g, up) {
                (Grade::Low, true) | (Grade::High, false) => Grade::Mod,
                (Grade::Mod, true) | (Grade::High, true) => Grade::High,
                (Grade::Mod, false) | (Grade::Low, false) => Grade::Low,
            }),
            Value::ProgType(p) => Value::ProgType(match (p, up) {
                (ProgType::Buy, true) | (ProgType::Und, false) => ProgType::Sell,
                (ProgType::Sell, true) | (ProgType::Buy, false) => ProgType::Und,
                (ProgType::Und, true) | (ProgType::Sell, false) => ProgType::Buy,
            }),
            Value::Background(b) => Value::Background(match b {
                Background::Port => Background::Aggr,
                Background::Aggr => Background::Port,
            }),
        };
    }
}

/// Whether an amount is a threshold of its kind: dollars 0 or more, a z-score any number, a
/// share 0 to 1.
pub fn amount_fits(a: f64, kind: FieldType) -> bool {
    a.is_finite()
        && match kind {
            FieldType::Score => true,
            FieldType::Share => (0.0..=1.0).contains(&a),
            _ => a >= 0.0,
        }
}

/// A tenth of the number's order of magnitude, at least 1.
fn count_step(n: u64) -> u64 {
    if n < 10 { 1 } else { 10u64.pow(n.ilog10() - 1) }
}

pub(crate) fn expected(field: Field) -> &'static str {
    match field.field_type() {
        FieldType::Count => "a whole number (0 or more)",
        FieldType::Amount => "a number (0 or more)",
        FieldType::Score => "a number (a z-score, e.g. 3.0)",
        FieldType::Share => "a number from 0 to 1",
        FieldType::Grade => "\"HIGH\", \"MOD\" or \"LOW\"",
        FieldType::ProgType => "\"BUY\", \"SELL\" or \"UND\"",
        FieldType::Background => "\"PORT\" or \"AGGR\"",
    }
}

pub(crate) fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_says_what_is_wrong() {
        let bad = |r: Rule| r.validate().err().unwrap_or_default();
        let ok = Rule::new("r", Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(2000));
        assert_eq!(ok.validate(), Ok(()));
        assert!(bad(Rule { field: Field::Grade, ..ok.clone() }).starts_with("source quotes has no field \"grade\""));
        assert_eq!(
            bad(Rule::new("p", Source::Bursts, Field::ProgType, Op::Lt, Value::ProgType(ProgType::Buy))),
            "op < does not apply to prog_type (its values have no order): use =="
        );
        assert_eq!(
            bad(Rule { value: Value::Grade(Grade::High), ..ok.clone() }),
            "num_quotes expects a whole number (0 or more), not HIGH"
        );
        assert!(
            bad(Rule::new("b", Source::S1, Field::Value, Op::Gt, Value::Count(1)).with_symbols(&["SPY"]))
                .contains("s1 rows have no symbol")
        );
        assert_eq!(bad(Rule { name: " ".into(), ..ok }), "rule name is empty");
    }

    #[test]
    fn steps_are_sensible() {
        let mut r = Rule::new("r", Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(2000));
        r.step(true);
        assert_eq!(r.value, Value::Count(2100));
        r.value = Value::Count(1000);
        r.step(false);
        assert_eq!(r.value, Value::Count(990));
        r.value = Value::Count(0);
        r.step(false);
        assert_eq!(r.value, Value::Count(0));
        r.value = Value::Amount(1_000_000.0);
        r.step(true);
        assert_eq!(r.value, Value::Amount(1_100_000.0));
        let mut g = Rule::new("g", Source::Bursts, Field::Grade, Op::Ge, Value::Grade(Grade::Low));
        g.step(true);
        assert_eq!(g.value, Value::Grade(Grade::Mod));
        g.step(true);
        g.step(true);
        assert_eq!(g.value, Value::Grade(Grade::High));
        let mut p = Rule::new("p", Source::Bursts, Field::ProgType, Op::Eq, Value::ProgType(ProgType::Buy));
        let seen: Vec<_> = (0..3)
            .map(|_| {
                p.step(true);
                p.value
            })
            .collect();
        assert_eq!(seen, [ProgType::Sell, ProgType::Und, ProgType::Buy].map(Value::ProgType));
    }

    impl Rule {
        fn with_symbols(mut self, s: &[&str]) -> Rule {
            self.symbols = s.iter().map(|s| s.to_string()).collect();
            self
        }
    }
}
