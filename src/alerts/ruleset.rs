//! A set of rules with distinct names, and the pure "does this row match?" questions the TUI
//! asks to highlight rows (no cooldown, no side effects).

use crate::archive::{BurstRow, QuoteRow, SeriesRow, SymbolHit};

use super::rules::{Field, Rule, Source, Value};

/// Rules in the order the file lists them. Every rule is valid and names are unique.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// Checks each rule and that no two share a name; the error names the rule.
    pub fn new(rules: Vec<Rule>) -> Result<RuleSet, String> {
        for (i, r) in rules.iter().enumerate() {
            r.validate().map_err(|e| format!("rule {:?}: {e}", r.name))?;
            if rules[..i].iter().any(|other| other.name == r.name) {
                return Err(format!("duplicate rule name {:?}", r.name));
            }
        }
        Ok(RuleSet { rules })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Adds a rule at the end (validated, name unique).
    pub fn push(&mut self, rule: Rule) -> Result<(), String> {
        let mut rules = self.rules.clone();
        rules.push(rule);
        *self = RuleSet::new(rules)?;
        Ok(())
    }

    /// Edits rule `i` in place; on an invalid result nothing changes and the error says why.
    pub fn update(&mut self, i: usize, edit: impl FnOnce(&mut Rule)) -> Result<(), String> {
        let mut rules = self.rules.clone();
        let rule = rules.get_mut(i).ok_or_else(|| format!("no rule number {i}"))?;
        edit(rule);
        *self = RuleSet::new(rules)?;
        Ok(())
    }

    pub fn remove(&mut self, i: usize) -> Option<Rule> {
        (i < self.rules.len()).then(|| self.rules.remove(i))
    }

    /// Enabled rules on `source`.
    pub fn active(&self, source: Source) -> impl Iterator<Item = &Rule> + '_ {
        self.rules.iter().filter(move |r| r.enabled && r.source == source)
    }

    /// The first enabled quotes rule this hft1 row matches.
    pub fn quote_match(&self, row: &QuoteRow) -> Option<&Rule> {
        self.active(Source::Quotes).find(|r| r.watches(row.symbol) && matches(r, quote_value(row, r.field)))
    }

    /// The first enabled bursts rule this burst row matches.
    pub fn burst_match(&self, row: &BurstRow) -> Option<&Rule> {
        self.active(Source::Bursts).find(|r| matches(r, burst_value(row, r.field)))
    }

    /// The first enabled burst_symbols rule this symbol hit matches.
    pub fn hit_match(&self, hit: &SymbolHit) -> Option<&Rule> {
        self.active(Source::BurstSymbols).find(|r| r.watches(&hit.symbol) && matches(r, hit_value(hit, r.field)))
    }

    /// The first enabled rule on `source` (`S1` or `S2`) this row matches.
    pub fn series_match(&self, source: Source, row: &SeriesRow) -> Option<&Rule> {
        self.active(source).find(|r| matches(r, series_value(row, r.field)))
    }
}

/// Whether the row's value (if it has one for the rule's field) passes the rule's comparison.
pub(crate) fn matches(rule: &Rule, actual: Option<Value>) -> bool {
    actual.and_then(|v| v.compare(rule.value)).is_some_and(|ord| rule.op.holds(ord))
}

pub(crate) fn quote_value(row: &QuoteRow, field: Field) -> Option<Value> {
    match field {
        Field::NumQuotes => Some(Value::Count(row.num_quotes.into())),
        Field::Bbo => Some(Value::Count(row.bbo.into())),
        Field::NumTrades => Some(Value::Count(row.num_trades.into())),
        // An empty Dollars field is unknown: it neither passes nor fails a threshold.
        Field::Dollars => row.dollars.map(Value::Amount),
        Field::TradeSize => row.trade_size().map(Value::Amount),
        _ => None,
    }
}

pub(crate) fn burst_value(row: &BurstRow, field: Field) -> Option<Value> {
    Some(match field {
        Field::Grade => Value::Grade(row.grade),
        Field::ProgType => Value::ProgType(row.prog_type),
        Field::Background => Value::Background(row.background),
        Field::S1 => Value::Count(row.s1.into()),
        Field::S2 => Value::Count(row.s2.into()),
        Field::Ct => Value::Count(row.ct.into()),
        Field::Cb => Value::Count(row.cb.into()),
        Field::Cs => Value::Count(row.cs.into()),
        _ => return None,
    })
}

pub(crate) fn hit_value(hit: &SymbolHit, field: Field) -> Option<Value> {
    match field {
        Field::NumTrades => Some(Value::Count(hit.num_trades.into())),
        Field::NumQuotes => Some(Value::Count(hit.num_quotes.into())),
        Field::Bbo => Some(Value::Count(hit.bbo.into())),
        _ => None,
    }
}

pub(crate) fn series_value(row: &SeriesRow, field: Field) -> Option<Value> {
    (field == Field::Value).then_some(Value::Count(row.value.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::rules::{FieldType, Op};
    use crate::archive::{Background, Grade, ProgType, SecondOfDay};

    fn t(hhmmss: u32) -> SecondOfDay {
        SecondOfDay::from_hhmmss(hhmmss).unwrap_or_default()
    }

    fn quote() -> QuoteRow<'static> {
        QuoteRow { time: t(93000), symbol: "SPY", num_quotes: 2500, bbo: 40, num_trades: 20, dollars: Some(1e6) }
    }

    fn burst() -> BurstRow {
        BurstRow {
            time: t(93005),
            grade: Grade::Mod,
            prog_type: ProgType::Sell,
            background: Background::Aggr,
            s1: 210,
            s2: 480,
            ct: 12,
            cb: 5,
            cs: 7,
            cu: None,
        }
    }

    fn hit() -> SymbolHit {
        SymbolHit { symbol: "AAPL".into(), num_trades: 150, num_quotes: 900, bbo: 30 }
    }

    fn series() -> SeriesRow {
        SeriesRow { time: t(93010), value: 77 }
    }

    /// Whether the one-rule set built from `rule` matches the sample row of its source.
    fn matched(rule: Rule) -> bool {
        let set = RuleSet::new(vec![rule.clone()]).unwrap_or_else(|e| panic!("{e}"));
        match rule.source {
            Source::Quotes => set.quote_match(&quote()).is_some(),
            Source::Bursts => set.burst_match(&burst()).is_some(),
            Source::BurstSymbols => set.hit_match(&hit()).is_some(),
            Source::S1 | Source::S2 => set.series_match(rule.source, &series()).is_some(),
            Source::Baskets => false,
        }
    }

    /// Thresholds just below, at and just above `v`.
    fn around(v: Value) -> [Value; 3] {
        match v {
            Value::Count(n) => [Value::Count(n - 1), v, Value::Count(n + 1)],
            Value::Amount(a) => [Value::Amount(a - 0.5), v, Value::Amount(a + 0.5)],
            Value::Grade(_) => [Value::Grade(Grade::Low), v, Value::Grade(Grade::High)],
            _ => [v; 3],
        }
    }

    #[test]
    fn every_op_on_every_ordered_field_of_every_source() {
        let samples: [(Source, &[(Field, Value)]); 5] = [
            (
                Source::Quotes,
                &[
                    (Field::NumQuotes, Value::Count(2500)),
                    (Field::Bbo, Value::Count(40)),
                    (Field::NumTrades, Value::Count(20)),
                    (Field::Dollars, Value::Amount(1e6)),
                    (Field::TradeSize, Value::Amount(50_000.0)),
                ],
            ),
            (
                Source::Bursts,
                &[
                    (Field::Grade, Value::Grade(Grade::Mod)),
                    (Field::S1, Value::Count(210)),
                    (Field::S2, Value::Count(480)),
                    (Field::Ct, Value::Count(12)),
                    (Field::Cb, Value::Count(5)),
                    (Field::Cs, Value::Count(7)),
                ],
            ),
            (
                Source::BurstSymbols,
                &[
                    (Field::NumTrades, Value::Count(150)),
                    (Field::NumQuotes, Value::Count(900)),
                    (Field::Bbo, Value::Count(30)),
                ],
            ),
            (Source::S1, &[(Field::Value, Value::Count(77))]),
            (Source::S2, &[(Field::Value, Value::Count(77))]),
        ];
        // Below, at, above the row's value: the row's value compared with each threshold.
        let want = |op: Op| match op {
            Op::Gt => [true, false, false],
            Op::Ge => [true, true, false],
            Op::Lt => [false, false, true],
            Op::Le => [false, true, true],
            Op::Eq => [false, true, false],
        };
        let mut checked = 0;
        for (source, fields) in samples {
            let ordered: Vec<Field> = source
                .fields()
                .iter()
                .copied()
                .filter(|f| !matches!(f.field_type(), FieldType::ProgType | FieldType::Background))
                // z-fields need the symbols' normals: `Evaluator` tests them.
                .filter(|f| !f.is_z())
                .collect();
            assert_eq!(fields.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ordered, "{source}");
            for (field, actual) in fields {
                for op in Op::ALL {
                    let got = around(*actual).map(|v| matched(Rule::new("r", source, *field, op, v)));
                    assert_eq!(got, want(op), "{source} {field} {op} around {actual}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 16 * 5);
    }

    #[test]
    fn grades_compare_by_severity() {
        // The sample burst is MOD: `>= "MOD"` takes MOD and HIGH, `> "MOD"` only HIGH.
        let rule = |op, g| Rule::new("g", Source::Bursts, Field::Grade, op, Value::Grade(g));
        assert!(matched(rule(Op::Ge, Grade::Mod)));
        assert!(!matched(rule(Op::Gt, Grade::Mod)));
        assert!(matched(rule(Op::Gt, Grade::Low)));
        assert!(!matched(rule(Op::Ge, Grade::High)));
        assert!(matched(rule(Op::Le, Grade::Mod)));
    }

    #[test]
    fn prog_type_and_background_compare_by_equality() {
        let prog = |p| Rule::new("p", Source::Bursts, Field::ProgType, Op::Eq, Value::ProgType(p));
        assert_eq!([ProgType::Buy, ProgType::Sell, ProgType::Und].map(|p| matched(prog(p))), [false, true, false]);
        let bg = |b| Rule::new("b", Source::Bursts, Field::Background, Op::Eq, Value::Background(b));
        assert_eq!([Background::Port, Background::Aggr].map(|b| matched(bg(b))), [false, true]);
    }

    #[test]
    fn unknown_dollars_match_no_threshold() {
        let row = QuoteRow { dollars: None, ..quote() };
        for field in [Field::Dollars, Field::TradeSize] {
            for op in Op::ALL {
                let set = RuleSet::new(vec![Rule::new("d", Source::Quotes, field, op, Value::Amount(0.0))])
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(set.quote_match(&row), None, "{field} {op}");
            }
        }
    }

    #[test]
    fn watch_lists_ignore_case_and_disabled_rules_never_match() -> Result<(), String> {
        let mut watched = Rule::new("w", Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(2000));
        watched.symbols = vec!["qqq".into(), "spy".into()];
        assert!(matched(watched.clone()));
        watched.symbols = vec!["QQQ".into()];
        assert!(!matched(watched.clone()));
        let mut hits = Rule::new("h", Source::BurstSymbols, Field::NumTrades, Op::Ge, Value::Count(100));
        hits.symbols = vec!["aapl".into()];
        assert!(matched(hits.clone()));
        hits.enabled = false;
        assert!(!matched(hits));
        // The first enabled rule that matches is the one reported.
        let mut off = Rule::new("off", Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(0));
        off.enabled = false;
        let set = RuleSet::new(vec![
            off,
            watched,
            Rule::new("big", Source::Quotes, Field::Bbo, Op::Gt, Value::Count(10)),
            Rule::new("any", Source::Quotes, Field::Bbo, Op::Gt, Value::Count(0)),
        ])?;
        assert_eq!(set.quote_match(&quote()).map(|r| r.name.as_str()), Some("big"));
        Ok(())
    }

    #[test]
    fn edits_that_break_a_rule_change_nothing() -> Result<(), String> {
        let mut set = RuleSet::new(vec![
            Rule::new("a", Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(2000)),
            Rule::new("b", Source::S1, Field::Value, Op::Ge, Value::Count(5)),
        ])?;
        let before = set.clone();
        assert_eq!(set.update(1, |r| r.name = "a".into()), Err("duplicate rule name \"a\"".into()));
        assert_eq!(set.update(0, |r| r.op = Op::Lt).map(|()| set.rules()[0].op), Ok(Op::Lt), "a valid edit is kept");
        set = before.clone();
        assert!(set.update(0, |r| r.field = Field::Grade).is_err());
        assert!(set.push(Rule::new("b", Source::S2, Field::Value, Op::Ge, Value::Count(1))).is_err());
        assert_eq!(set, before);
        assert_eq!(set.remove(5), None);
        assert_eq!(set.remove(0).map(|r| r.name), Some("a".into()));
        Ok(())
    }
}
