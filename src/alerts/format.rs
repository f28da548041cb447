//! Rules as TOML text (`[[rule]]` tables) and back. Errors point at the offending value.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::rules::{Field, FieldType, Op, Rule, Source, Value, amount_fits, expected, names, parse_background};
use super::ruleset::RuleSet;
use crate::archive::{Grade, ProgType};

/// The Burst Monitor's red rows plus a capper rule.
pub const DEFAULT_RULES: &str = include_str!("../../assets/rules.toml");

/// A rules text that does not load: where (when known) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    /// 1-based line and column.
    pub at: Option<(usize, usize)>,
    pub message: String,
}

impl std::fmt::Display for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((line, col)) => write!(f, "line {line}, column {col}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RulesError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    source: Spanned<String>,
    field: Spanned<String>,
    op: Spanned<String>,
    value: Spanned<toml::Value>,
    symbols: Option<Spanned<Vec<String>>>,
    cooldown_s: Option<Spanned<i64>>,
    enabled: Option<bool>,
}

#[derive(Serialize)]
struct OutFile<'a> {
    rule: Vec<OutRule<'a>>,
}

#[derive(Serialize)]
struct OutRule<'a> {
    name: &'a str,
    source: &'static str,
    field: &'static str,
    op: &'static str,
    value: toml::Value,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    symbols: &'a [String],
    #[serde(skip_serializing_if = "is_zero")]
    cooldown_s: u32,
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

fn is_true(v: &bool) -> bool {
    *v
}

impl RuleSet {
    /// Reads rules from TOML text (`[[rule]]` tables). Errors point at the offending value.
    pub fn parse(text: &str) -> Result<RuleSet, RulesError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let mut rules: Vec<Rule> = Vec::with_capacity(raw.rule.len());
        let mut name_spans: Vec<Range<usize>> = Vec::new();
        for spanned in raw.rule {
            let table = spanned.span();
            let raw = spanned.into_inner();
            let rule = convert(&raw).map_err(|(span, message)| error_at(text, span.start, message))?;
            if let Some(first) = rules.iter().position(|r| r.name == rule.name) {
                let (line, _) = position(text, name_spans[first].start);
                let message = format!("duplicate rule name {:?} (first defined on line {line})", rule.name);
                return Err(error_at(text, raw.name.span().start, message));
            }
            // `convert` checks key by key to point at the right one; `validate` is the one
            // definition of a valid rule, and keeps the two from drifting apart.
            rule.validate().map_err(|message| error_at(text, table.start, message))?;
            name_spans.push(raw.name.span());
            rules.push(rule);
        }
        RuleSet::new(rules).map_err(|message| RulesError { at: None, message })
    }

    /// The rules shipped in `assets/rules.toml`.
    pub fn defaults() -> RuleSet {
        // The embedded text is checked by a test; an empty set is the only sane fallback.
        RuleSet::parse(DEFAULT_RULES).unwrap_or_default()
    }

    /// TOML text that `parse` reads back into an equal set.
    pub fn to_toml(&self) -> String {
        let out = OutFile {
            rule: self
                .rules()
                .iter()
                .map(|r| OutRule {
                    name: &r.name,
                    source: r.source.name(),
                    field: r.field.name(),
                    op: r.op.symbol(),
                    value: toml_value(r.value),
                    symbols: &r.symbols,
                    cooldown_s: r.cooldown_s,
                    enabled: r.enabled,
                })
                .collect(),
        };
        let body = toml::to_string(&out).unwrap_or_else(|e| format!("# cannot write rules: {e}\n"));
        format!("# ki2 alert rules: one [[rule]] table per rule (see `ki2 scan --help`).\n\n{body}")
    }
}

/// A message and the bytes of the text it is about.
type Located = (Range<usize>, String);

fn convert(raw: &RawRule) -> Result<Rule, Located> {
    let name = raw.name.get_ref().trim().to_owned();
    if name.is_empty() {
        return Err((raw.name.span(), "rule name is empty".into()));
    }
    let source = Source::parse(raw.source.get_ref()).ok_or_else(|| {
        let all = names(Source::ALL.iter().map(|s| s.name()));
        (raw.source.span(), format!("unknown source {:?}: expected one of {all}", raw.source.get_ref()))
    })?;
    let field = Field::parse(raw.field.get_ref()).filter(|f| source.fields().contains(f)).ok_or_else(|| {
        let all = names(source.fields().iter().map(|f| f.name()));
        (raw.field.span(), format!("source {source} has no field {:?}: expected one of {all}", raw.field.get_ref()))
    })?;
    let op = Op::parse(raw.op.get_ref()).ok_or_else(|| {
        let all = names(Op::ALL.iter().map(|o| o.symbol()));
        (raw.op.span(), format!("unknown op {:?}: expected one of {all}", raw.op.get_ref()))
    })?;
    if !field.ops().contains(&op) {
        return Err((raw.op.span(), format!("op {op} does not apply to {field} (its values have no order): use ==")));
    }
    let value = threshold(field, raw.value.get_ref()).ok_or_else(|| {
        let shown = raw.value.get_ref().to_string();
        (raw.value.span(), format!("{field} expects {}, not {shown}", expected(field)))
    })?;
    if let Value::Count(n) = value
        && n > u64::from(u32::MAX)
    {
        // The files' counts are 32-bit: such a threshold could never be reached.
        let max = u32::MAX;
        return Err((raw.value.span(), format!("{field} = {n} is out of range: the files' counts go up to {max}")));
    }
    let symbols = match &raw.symbols {
        None => Vec::new(),
        Some(list) => {
            if !source.has_symbol() {
                let msg = format!(
                    "symbols (a watch list) applies to quotes and burst_symbols only; {source} rows have no symbol"
                );
                return Err((list.span(), msg));
            }
            if list.get_ref().iter().any(|s| s.trim().is_empty()) {
                return Err((list.span(), "symbols: empty symbol in the watch list".into()));
            }
            list.get_ref().iter().map(|s| s.trim().to_owned()).collect()
        }
    };
    let cooldown_s = match &raw.cooldown_s {
        None => 0,
        Some(c) => u32::try_from(*c.get_ref())
            .map_err(|_| (c.span(), format!("cooldown_s expects seconds (0 or more), not {}", c.get_ref())))?,
    };
    Ok(Rule { name, source, field, op, value, symbols, cooldown_s, enabled: raw.enabled.unwrap_or(true) })
}

/// The rule's threshold from its TOML value, if it is of the field's type.
fn threshold(field: Field, v: &toml::Value) -> Option<Value> {
    use toml::Value as T;
    match (field.field_type(), v) {
        (FieldType::Count, T::Integer(i)) => u64::try_from(*i).ok().map(Value::Count),
        (FieldType::Count, T::Float(f)) if f.fract() == 0.0 && *f >= 0.0 && *f < 9e15 => Some(Value::Count(*f as u64)),
        (kind @ (FieldType::Amount | FieldType::Score | FieldType::Share), T::Integer(i))
            if amount_fits(*i as f64, kind) =>
        {
            Some(Value::Amount(*i as f64))
        }
        (kind @ (FieldType::Amount | FieldType::Score | FieldType::Share), T::Float(f)) if amount_fits(*f, kind) => {
            Some(Value::Amount(*f))
        }
        (FieldType::Grade, T::String(s)) => Grade::parse_label(s).map(Value::Grade),
        (FieldType::ProgType, T::String(s)) => ProgType::parse_label(s).map(Value::ProgType),
        (FieldType::Background, T::String(s)) => parse_background(s).map(Value::Background),
        _ => None,
    }
}

fn toml_value(v: Value) -> toml::Value {
    match (v, v.label()) {
        (_, Some(label)) => toml::Value::String(label.to_owned()),
        (Value::Count(n), _) => toml::Value::Integer(i64::try_from(n).unwrap_or(i64::MAX)),
        // Whole dollar amounts read better as integers and load back as the same amount.
        (Value::Amount(a), _) if a.fract() == 0.0 && a.abs() < 9e15 => toml::Value::Integer(a as i64),
        (Value::Amount(a), _) => toml::Value::Float(a),
        _ => toml::Value::String(String::new()),
    }
}

fn toml_error(text: &str, err: &toml::de::Error) -> RulesError {
    let mut message = err.message().trim().replace('\n', " ");
    match err.span() {
        Some(span) => {
            let at = text.get(span.start..).unwrap_or_default();
            if at.starts_with('[') && !at.starts_with("[[") && message.contains("expected a sequence") {
                message.push_str(": write each rule as a [[rule]] table (double brackets)");
            }
            error_at(text, span.start, message)
        }
        None => RulesError { at: None, message },
    }
}

fn error_at(text: &str, offset: usize, message: String) -> RulesError {
    RulesError { at: Some(position(text, offset)), message }
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Background, Grade, ProgType};

    fn err(text: &str) -> String {
        RuleSet::parse(text).err().map(|e| e.to_string()).unwrap_or_default()
    }

    /// A valid rule table with one line replaced (or added).
    fn rule_with(key: &str, line: &str) -> String {
        let mut lines: Vec<String> = [
            "[[rule]]",
            "name = \"r\"",
            "source = \"quotes\"",
            "field = \"num_quotes\"",
            "op = \">=\"",
            "value = 2000",
        ]
        .iter()
        .map(|l| l.to_string())
        .collect();
        match lines.iter().position(|l| l.starts_with(&format!("{key} "))) {
            Some(i) => lines[i] = line.to_owned(),
            None => lines.push(line.to_owned()),
        }
        lines.join("\n") + "\n"
    }

    #[test]
    fn the_defaults_are_the_burst_monitors_red_rows_and_a_capper() -> Result<(), RulesError> {
        let parsed = RuleSet::parse(DEFAULT_RULES)?;
        assert_eq!(parsed, RuleSet::defaults());
        let shown: Vec<String> = parsed
            .rules()
            .iter()
            .map(|r| format!("{} {} {} {} {}", r.name, r.source, r.field, r.op, r.value))
            .collect();
        assert_eq!(
            shown,
            [
                "quote-stuffing quotes num_quotes >= 2000",
                "symbol-hit burst_symbols num_trades >= 100",
                "capper bursts s1 >= 200"
            ]
        );
        assert!(parsed.rules().iter().all(|r| r.enabled && r.cooldown_s == 0 && r.symbols.is_empty()));
        Ok(())
    }

    #[test]
    fn every_kind_of_value_round_trips_through_toml() -> Result<(), RulesError> {
        let mut watch = Rule::new("watch \"list\"", Source::Quotes, Field::Dollars, Op::Gt, Value::Amount(2_500_000.0));
        watch.symbols = vec!["SPY".into(), "BRK.B".into()];
        watch.cooldown_s = 60;
        watch.enabled = false;
        let mut size = Rule::new("size", Source::Quotes, Field::TradeSize, Op::Le, Value::Amount(12.75));
        size.symbols = vec!["bf/b".into()];
        let set = RuleSet::new(vec![
            watch,
            size,
            Rule::new("high", Source::Bursts, Field::Grade, Op::Ge, Value::Grade(Grade::Mod)),
            Rule::new("sell", Source::Bursts, Field::ProgType, Op::Eq, Value::ProgType(ProgType::Sell)),
            Rule::new("aggr", Source::Bursts, Field::Background, Op::Eq, Value::Background(Background::Aggr)),
            Rule::new("s1", Source::S1, Field::Value, Op::Lt, Value::Count(3)),
            Rule::new("s2", Source::S2, Field::Value, Op::Eq, Value::Count(0)),
        ])
        .map_err(|message| RulesError { at: None, message })?;
        let text = set.to_toml();
        assert_eq!(RuleSet::parse(&text)?, set, "{text}");
        assert!(text.contains("value = 2500000\n"), "{text}");
        assert!(text.contains("value = \"MOD\"\n"), "{text}");
        assert_eq!(RuleSet::parse(&RuleSet::default().to_toml())?, RuleSet::default());
        Ok(())
    }

    #[test]
    fn labels_and_numbers_are_read_leniently_where_harmless() -> Result<(), RulesError> {
        let text = "[[rule]]\nname = \"g\"\nsource = \"bursts\"\nfield = \"grade\"\nop = \">=\"\nvalue = \"mod\"\n\
                    [[rule]]\nname = \"q\"\nsource = \"quotes\"\nfield = \"num_quotes\"\nop = \">\"\nvalue = 2000.0\n\
                    [[rule]]\nname = \"d\"\nsource = \"quotes\"\nfield = \"dollars\"\nop = \">\"\nvalue = 5\n";
        let set = RuleSet::parse(text)?;
        let values: Vec<Value> = set.rules().iter().map(|r| r.value).collect();
        assert_eq!(values, [Value::Grade(Grade::Mod), Value::Count(2000), Value::Amount(5.0)]);
        Ok(())
    }

    #[test]
    fn bad_files_say_where_and_why() {
        let cases: [(String, &str); 16] = [
            (rule_with("source", "source = \"hft9\""), "line 3, column 10: unknown source \"hft9\": expected one of quotes, bursts, burst_symbols, s1, s2, baskets"),
            (rule_with("field", "field = \"grade\""), "line 4, column 9: source quotes has no field \"grade\": expected one of num_quotes, bbo, num_trades, dollars, trade_size, num_quotes_z, num_trades_z, dollars_z"),
            (rule_with("op", "op = \"=>\""), "line 5, column 6: unknown op \"=>\": expected one of >, >=, <, <=, =="),
            (rule_with("value", "value = \"lots\""), "line 6, column 9: num_quotes expects a whole number (0 or more), not \"lots\""),
            (rule_with("value", "value = -5"), "line 6, column 9: num_quotes expects a whole number (0 or more), not -5"),
            (rule_with("value", "value = 2.5"), "line 6, column 9: num_quotes expects a whole number (0 or more), not 2.5"),
            (rule_with("colour", "colour = \"red\""), "line 7, column 1: unknown field `colour`, expected one of `name`, `source`, `field`, `op`, `value`, `symbols`, `cooldown_s`, `enabled`"),
            (rule_with("cooldown_s", "cooldown_s = -1"), "line 7, column 14: cooldown_s expects seconds (0 or more), not -1"),
            (rule_with("enabled", "enabled = \"yes\""), "line 7, column 11: invalid type: string \"yes\", expected a boolean"),
            (rule_with("name", "name = \"  \""), "line 2, column 8: rule name is empty"),
            (rule_with("value", "# no value"), "line 1, column 1: missing field `value`"),
            ("[[rule]]\nname = \"p\"\nsource = \"bursts\"\nfield = \"prog_type\"\nop = \"<\"\nvalue = \"BUY\"\n".into(), "line 5, column 6: op < does not apply to prog_type (its values have no order): use =="),
            ("[[rule]]\nname = \"g\"\nsource = \"bursts\"\nfield = \"grade\"\nop = \">=\"\nvalue = 2\n".into(), "line 6, column 9: grade expects \"HIGH\", \"MOD\" or \"LOW\", not 2"),
            ("[[rule]]\nname = \"s\"\nsource = \"s1\"\nfield = \"value\"\nop = \">\"\nvalue = 2\nsymbols = [\"SPY\"]\n".into(), "line 7, column 11: symbols (a watch list) applies to quotes and burst_symbols only; s1 rows have no symbol"),
            ("[rule]\nname = \"x\"\n".into(), "line 1, column 1: invalid type: map, expected a sequence: write each rule as a [[rule]] table (double brackets)"),
            ("[[rule]]\nname = \"x\"\nsource = \"quotes\n".into(), "line 3, column 17: invalid basic string, expected `\"`"),
        ];
        for (text, want) in cases {
            assert_eq!(err(&text), want, "{text}");
        }
    }

    #[test]
    fn a_duplicate_name_points_at_the_second_rule_and_names_the_first() {
        let one = rule_with("name", "name = \"same\"");
        let text = format!("# my rules\n\n{one}\n{one}");
        assert_eq!(err(&text), "line 11, column 8: duplicate rule name \"same\" (first defined on line 4)");
        // A problem in the second rule is reported on the second rule's lines.
        let text = format!("{one}\n{}", rule_with("value", "# none"));
        assert_eq!(err(&text), "line 8, column 1: missing field `value`");
    }
}
