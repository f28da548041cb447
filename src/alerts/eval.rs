//! Rows in, alerts out. The TUI and `ki2 scan` both feed batches of rows (in file order) into
//! one `Evaluator`, which remembers cooldowns and today's symbol facts between batches: a day
//! read at once and a day tailed row by row raise the same alerts.

use std::collections::HashMap;

use super::alert::{Alert, RowRef};
use super::context::{Context, HeldFile, HeldRow};
use super::enrich::Enricher;
use super::rules::{Rule, Source, Value};
use super::ruleset::{RuleSet, burst_value, hit_value, matches, quote_value, series_value};
use crate::archive::FileKey;
use crate::archive::fingerprint;
use crate::archive::{BurstRow, Day, DayData, Kind, Quotes, Rows, SecondOfDay, SeriesRow, SymbolHit};

/// Time of the last alert per rule name, then per symbol ("" for sources without one).
pub(super) type Cooldowns = HashMap<String, HashMap<String, (Day, SecondOfDay)>>;

#[derive(Debug)]
pub struct Evaluator {
    pub(super) rules: RuleSet,
    pub(super) last: Cooldowns,
    pub(super) enricher: Option<Enricher>,
    /// The baskets and the symbols' normals (rules on baskets and z-fields).
    pub(super) context: Context,
}

impl Evaluator {
    pub fn new(rules: RuleSet) -> Evaluator {
        Evaluator { rules, last: HashMap::new(), enricher: None, context: Context::default() }
    }

    /// Baskets and normals for the rules that need them.
    pub fn with_context(mut self, context: Context) -> Evaluator {
        self.context = context;
        self
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Adds history context to quotes alerts.
    pub fn with_enricher(mut self, enricher: Enricher) -> Evaluator {
        self.enricher = Some(enricher);
        self
    }

    /// Starts reading the history `day`'s quote alerts are enriched with, in the background.
    pub fn prefetch_history(&mut self, day: Day) {
        if let Some(e) = &mut self.enricher {
            e.prefetch(day);
        }
        self.context.prefetch(day);
    }

    /// Whether enrichment waits for the earlier days (a command run once) or leaves alerts
    /// pending until they are at hand (the live path, whose caller must not stall).
    pub fn wait_for_history(&mut self, wait: bool) {
        if let Some(e) = &mut self.enricher {
            e.wait(wait);
        }
        self.context.wait = wait;
    }

    /// Finishes the pending enrichments of `alerts`; false if some must wait still (only when
    /// not `block`ing).
    pub fn complete(&mut self, alerts: &mut [Alert], block: bool) -> bool {
        let Some(e) = &mut self.enricher else { return true };
        alerts.iter_mut().filter_map(|a| a.enrichment.as_mut()).all(|x| e.complete(x, block))
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Swaps in edited rules. A rule that is the same in both sets keeps its cooldowns; a rule
    /// that changed starts afresh.
    pub fn set_rules(&mut self, rules: RuleSet) {
        let old = std::mem::replace(&mut self.rules, rules);
        let new = &self.rules;
        self.last.retain(|name, _| old.get(name).is_some_and(|o| new.get(name) == Some(o)));
    }

    /// Alerts raised by a batch of `day`'s rows, in row order, the batch being its file's first
    /// rows.
    pub fn eval(&mut self, day: Day, rows: &Rows) -> Vec<Alert> {
        self.eval_from(day, rows, 0)
    }

    /// Alerts raised by a batch of `day`'s rows whose first is row `first` (0-based) of its file:
    /// the row's place is part of each alert's id.
    pub fn eval_from(&mut self, day: Day, rows: &Rows, first: u64) -> Vec<Alert> {
        let mut out = Vec::new();
        match rows {
            Rows::Quotes(q) => self.quotes(day, q, first, &mut out),
            Rows::S2(v) => self.series(Source::S2, day, v, first, &mut out),
            Rows::S1(v) => self.series(Source::S1, day, v, first, &mut out),
            Rows::Bursts(v) => self.bursts(day, v, first, &mut out),
            Rows::BurstSymbols { burst, hits } => self.hits(day, *burst, hits, first, &mut out),
        }
        out
    }

    /// Alerts of a whole day, sorted by time. Kinds are evaluated in the order hft1, hft2,
    /// hft3, bursts, burst symbols, which is also the order of alerts sharing a second.
    pub fn eval_day(&mut self, data: &DayData) -> Vec<Alert> {
        let day = data.day;
        let mut out = Vec::new();
        self.quotes(day, &data.quotes, 0, &mut out);
        self.series(Source::S2, day, &data.s2, 0, &mut out);
        self.series(Source::S1, day, &data.s1, 0, &mut out);
        self.bursts(day, &data.bursts, 0, &mut out);
        for (burst, hits) in &data.symbols {
            self.hits(day, *burst, hits, 0, &mut out);
        }
        out.sort_by_key(|a| a.time);
        out
    }

    fn quotes(&mut self, day: Day, quotes: &Quotes, first: u64, out: &mut Vec<Alert>) {
        let Evaluator { rules, last, enricher, context } = self;
        let active: Vec<&Rule> = rules.active(Source::Quotes).collect();
        // z-fields need the symbols' normals: while they are being gathered (the live path
        // does not wait), the rows are held for `deferred`, behind any held before them.
        let z_rules = active.iter().any(|r| r.field.is_z());
        let hold = z_rules && (!context.held_rows.is_empty() || context.normals(day).is_none());
        let normals = if z_rules && !hold { context.normals(day).flatten() } else { None };
        let mut held = Vec::new();
        for (i, row) in quotes.rows().enumerate() {
            if let Some(e) = enricher.as_mut() {
                e.observe(day, &row);
            }
            if hold {
                held.push(HeldRow::of(day, first + i as u64, &row));
            }
            let z = |field| normals.and_then(|n| n.z(&row, field)).map(Value::Amount);
            let mut enrichment = None;
            for rule in &active {
                if hold && rule.field.is_z() {
                    continue;
                }
                let value = if rule.field.is_z() { z(rule.field) } else { quote_value(&row, rule.field) };
                if rule.watches(row.symbol) && matches(rule, value) && admit(last, rule, day, row.time, row.symbol) {
                    if enrichment.is_none() {
                        enrichment = enricher.as_mut().map(|e| e.enrich(day, &row));
                    }
                    let at = RowRef {
                        file: FileKey::new(Kind::Quotes, None),
                        index: first + i as u64,
                        content: fingerprint::quote_row(&row),
                    };
                    out.push(alert(rule, day, at, row.time, Some(row.symbol), value, enrichment.clone()));
                }
            }
        }
        context.held_rows.extend(held);
    }

    fn series(&mut self, source: Source, day: Day, rows: &[SeriesRow], first: u64, out: &mut Vec<Alert>) {
        let Evaluator { rules, last, .. } = self;
        let file = FileKey::new(if source == Source::S1 { Kind::S1 } else { Kind::S2 }, None);
        for (i, row) in rows.iter().enumerate() {
            // The row's fingerprint is wanted only when it alerts.
            let at = || RowRef { file, index: first + i as u64, content: fingerprint::series_row(row) };
            for rule in rules.active(source) {
                let value = series_value(row, rule.field);
                if matches(rule, value) && admit(last, rule, day, row.time, "") {
                    out.push(alert(rule, day, at(), row.time, None, value, None));
                }
            }
        }
    }

    fn bursts(&mut self, day: Day, rows: &[BurstRow], first: u64, out: &mut Vec<Alert>) {
        let Evaluator { rules, last, .. } = self;
        let file = FileKey::new(Kind::Bursts, None);
        for (i, row) in rows.iter().enumerate() {
            // The row's fingerprint is wanted only when it alerts.
            let at = || RowRef { file, index: first + i as u64, content: fingerprint::burst_row(row) };
            for rule in rules.active(Source::Bursts) {
                let value = burst_value(row, rule.field);
                if matches(rule, value) && admit(last, rule, day, row.time, "") {
                    out.push(alert(rule, day, at(), row.time, None, value, None));
                }
            }
        }
    }

    /// A symbol file's hits happen at its burst's time. The file as a whole is matched against
    /// the baskets once, with its first rows.
    fn hits(&mut self, day: Day, burst: SecondOfDay, hits: &[SymbolHit], first: u64, out: &mut Vec<Alert>) {
        if first == 0 && self.context.has_baskets() {
            let symbols: Vec<String> = hits.iter().map(|h| h.symbol.clone()).collect();
            let file = HeldFile { day, burst, symbols };
            if self.context.held_files.is_empty() {
                if let Some(m) = self.match_file(&file) {
                    out.extend(m);
                } else {
                    self.context.held_files.push(file);
                }
            } else {
                // Baskets depend on the order bursts come in: behind those held.
                self.context.held_files.push(file);
            }
        }
        let Evaluator { rules, last, .. } = self;
        let file = FileKey::new(Kind::BurstSymbols, Some(burst));
        for (i, hit) in hits.iter().enumerate() {
            // The row's fingerprint is wanted only when it alerts.
            let at = || RowRef { file, index: first + i as u64, content: fingerprint::symbol_hit(hit) };
            for rule in rules.active(Source::BurstSymbols) {
                let value = hit_value(hit, rule.field);
                if rule.watches(&hit.symbol) && matches(rule, value) && admit(last, rule, day, burst, &hit.symbol) {
                    out.push(alert(rule, day, at(), burst, Some(&hit.symbol), value, None));
                }
            }
        }
    }
}

/// Whether a match becomes an alert: always without a cooldown; otherwise only when the last
/// alert of this rule and symbol is at least `cooldown_s` seconds away (or on another day).
/// Distance either way, because a late symbol file brings an earlier burst time.
pub(super) fn admit(last: &mut Cooldowns, rule: &Rule, day: Day, time: SecondOfDay, symbol: &str) -> bool {
    if rule.cooldown_s == 0 {
        return true;
    }
    let per_rule = match last.get_mut(&rule.name) {
        Some(m) => m,
        None => last.entry(rule.name.clone()).or_default(),
    };
    match per_rule.get_mut(symbol) {
        Some((d, t)) if *d == day => {
            if t.secs().abs_diff(time.secs()) < rule.cooldown_s {
                return false;
            }
            // The window runs from the latest alert, whatever order the files came in.
            *t = (*t).max(time);
        }
        Some(slot) => *slot = (day, time),
        None => {
            per_rule.insert(symbol.to_owned(), (day, time));
        }
    }
    true
}

pub(super) fn alert(
    rule: &Rule,
    day: Day,
    at: RowRef,
    time: SecondOfDay,
    symbol: Option<&str>,
    value: Option<Value>,
    enrichment: Option<super::enrich::Enrichment>,
) -> Alert {
    Alert {
        rule: rule.name.clone(),
        source: rule.source,
        day,
        at,
        time,
        symbol: symbol.map(str::to_owned),
        field: rule.field,
        op: rule.op,
        // `matches` held, so the row had a value; the threshold stands in otherwise.
        value: value.unwrap_or(rule.value),
        threshold: rule.value,
        enrichment,
        basket: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::rules::{Field, Op};
    use crate::archive::{QuoteRow, Quotes};

    fn t(hhmmss: u32) -> SecondOfDay {
        SecondOfDay::from_hhmmss(hhmmss).unwrap_or_default()
    }

    fn day(n: u32) -> Day {
        Day::parse_compact(&format!("202507{n:02}")).unwrap_or_else(|| panic!("day {n}"))
    }

    fn quotes(rows: &[(&str, u32, u32)]) -> Rows {
        let mut q = Quotes::default();
        for (symbol, time, num_quotes) in rows {
            q.push(QuoteRow { time: t(*time), symbol, num_quotes: *num_quotes, bbo: 1, num_trades: 1, dollars: None });
        }
        Rows::Quotes(q)
    }

    fn stuffing(cooldown_s: u32) -> Rule {
        let mut r = Rule::new("stuffing", Source::Quotes, Field::NumQuotes, Op::Ge, Value::Count(2000));
        r.cooldown_s = cooldown_s;
        r
    }

    fn evaluator(rules: Vec<Rule>) -> Evaluator {
        Evaluator::new(RuleSet::new(rules).unwrap_or_else(|e| panic!("{e}")))
    }

    fn shown(alerts: &[Alert]) -> Vec<String> {
        alerts.iter().map(|a| format!("{} {} {}", a.time, a.symbol.as_deref().unwrap_or("-"), a.value)).collect()
    }

    #[test]
    fn without_a_cooldown_every_matching_row_alerts() {
        let mut ev = evaluator(vec![stuffing(0)]);
        let got = ev.eval(day(14), &quotes(&[("SPY", 93000, 2000), ("SPY", 93000, 1999), ("SPY", 93001, 2600)]));
        assert_eq!(shown(&got), ["09:30:00 SPY 2000", "09:30:01 SPY 2600"]);
    }

    #[test]
    fn a_cooldown_quiets_the_same_rule_and_symbol_across_batches() {
        let mut ev = evaluator(vec![stuffing(60)]);
        let mut got = ev.eval(day(14), &quotes(&[("SPY", 93000, 2100), ("SPY", 93030, 2200), ("QQQ", 93030, 2300)]));
        got.extend(ev.eval(day(14), &quotes(&[("spy", 93059, 2400), ("SPY", 93059, 2400), ("SPY", 93100, 2500)])));
        // 59 s after the last alert: quiet; 60 s: alerts again. Another symbol has its own clock
        // (and symbols compare exactly: `spy` is not `SPY`).
        assert_eq!(shown(&got), ["09:30:00 SPY 2100", "09:30:30 QQQ 2300", "09:30:59 spy 2400", "09:31:00 SPY 2500"]);
        // A new day starts with no cooldowns.
        assert_eq!(shown(&ev.eval(day(15), &quotes(&[("SPY", 93000, 2100)]))), ["09:30:00 SPY 2100"]);
    }

    #[test]
    fn a_late_symbol_file_is_quiet_within_the_window_either_side() {
        let mut hits = Rule::new("hit", Source::BurstSymbols, Field::NumTrades, Op::Ge, Value::Count(100));
        hits.cooldown_s = 30;
        let mut ev = evaluator(vec![hits]);
        let file = |burst, nt| Rows::BurstSymbols {
            burst: t(burst),
            hits: vec![SymbolHit { symbol: "AAPL".into(), num_trades: nt, num_quotes: 1, bbo: 1 }],
        };
        let mut got = Vec::new();
        for (burst, nt) in [(100000, 150), (95945, 150), (95900, 120), (100029, 130), (100030, 140)] {
            got.extend(ev.eval(day(14), &file(burst, nt)));
        }
        assert_eq!(shown(&got), ["10:00:00 AAPL 150", "09:59:00 AAPL 120", "10:00:30 AAPL 140"]);
    }

    #[test]
    fn edited_rules_keep_the_cooldowns_of_rules_that_did_not_change() {
        let other = Rule::new("s1", Source::S1, Field::Value, Op::Ge, Value::Count(0));
        let mut ev = evaluator(vec![stuffing(300), other.clone()]);
        assert_eq!(ev.eval(day(14), &quotes(&[("SPY", 93000, 2100)])).len(), 1);
        // Unchanged rule (the other one was edited): still cooling down.
        let mut edited = other.clone();
        edited.value = Value::Count(1);
        ev.set_rules(RuleSet::new(vec![stuffing(300), edited]).unwrap_or_default());
        assert_eq!(ev.eval(day(14), &quotes(&[("SPY", 93100, 2100)])).len(), 0);
        // The rule itself edited: a fresh start.
        ev.set_rules(RuleSet::new(vec![stuffing(200), other]).unwrap_or_default());
        assert_eq!(shown(&ev.eval(day(14), &quotes(&[("SPY", 93101, 2100)]))), ["09:31:01 SPY 2100"]);
    }

    #[test]
    fn a_day_comes_out_in_time_order_with_kinds_in_a_fixed_order_within_a_second() {
        let mut ev = evaluator(vec![
            stuffing(0),
            Rule::new("s2", Source::S2, Field::Value, Op::Ge, Value::Count(10)),
            Rule::new("capper", Source::Bursts, Field::S1, Op::Ge, Value::Count(200)),
        ]);
        let mut data = DayData::empty(day(14));
        if let Rows::Quotes(q) = quotes(&[("SPY", 93000, 2100), ("QQQ", 93002, 2200)]) {
            data.quotes = q;
        }
        data.s2 = vec![SeriesRow { time: t(93001), value: 12 }, SeriesRow { time: t(93002), value: 9 }];
        data.bursts = vec![BurstRow {
            time: t(93000),
            grade: crate::archive::Grade::High,
            prog_type: crate::archive::ProgType::Buy,
            background: crate::archive::Background::Port,
            s1: 250,
            s2: 300,
            ct: 1,
            cb: 1,
            cs: 0,
            cu: None,
        }];
        let got: Vec<String> = ev.eval_day(&data).iter().map(|a| format!("{} {}", a.time, a.rule)).collect();
        assert_eq!(got, ["09:30:00 stuffing", "09:30:00 capper", "09:30:01 s2", "09:30:02 stuffing"]);
    }
}
