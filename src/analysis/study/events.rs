//! The study's events from what the archive says (SPEC §6): bursts by grade and direction,
//! cappers (the bursts the rule named `capper` matches) by direction, each symbol's first hft1
//! row of the day, and the alerts of a rule. Closed days come from the day index; only
//! `rule:NAME` needs a day's rows (the alerts are evaluated over them).

use std::collections::{BTreeMap, HashMap};

use super::live::LiveDay;
use super::{Event, Inputs, Series, Subject};
use crate::alerts::{Alert, RuleSet, Source};
use crate::archive::{Day, SecondOfDay};
use crate::history::{BurstFact, DaySummary};

/// What `--event` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Burst,
    Capper,
    FirstSeen,
    Rule(String),
}

impl Kind {
    /// Without `--event`: what the day index alone answers.
    pub const DEFAULT: [Kind; 3] = [Kind::Burst, Kind::Capper, Kind::FirstSeen];

    pub fn parse(s: &str) -> Result<Kind, String> {
        match s {
            "burst" => Ok(Kind::Burst),
            "capper" => Ok(Kind::Capper),
            "first_seen" => Ok(Kind::FirstSeen),
            _ => match s.strip_prefix("rule:") {
                Some(name) if !name.is_empty() => Ok(Kind::Rule(name.to_owned())),
                _ => Err(format!("invalid --event {s:?}: expected burst, capper, first_seen or rule:NAME")),
            },
        }
    }
}

/// Gathers the events day by day into `Inputs`.
pub struct Events {
    kinds: Vec<Kind>,
    /// The `capper` rule alone, enabled (a definition here, whether it alerts or not).
    capper: Option<RuleSet>,
    market: u32,
    inputs: Inputs,
    series: HashMap<(String, Subject), usize>,
}

impl Events {
    /// `rules`: where `capper` is looked up; `market`: the market subject's symbol.
    pub fn new(kinds: Vec<Kind>, rules: &RuleSet, market: &str, horizons: Vec<u32>) -> Result<Events, String> {
        let capper = match rules.get("capper") {
            Some(rule) if rule.source == Source::Bursts => {
                let mut rule = rule.clone();
                rule.enabled = true;
                Some(RuleSet::new(vec![rule])?)
            }
            Some(rule) => {
                return Err(format!("the rule named capper is on {}, not bursts", rule.source.name()));
            }
            None if kinds.contains(&Kind::Capper) => return Err("no rule named capper in the rules".into()),
            None => None,
        };
        let mut inputs = Inputs { horizons, ..Inputs::default() };
        let market = inputs.symbols.id(market);
        Ok(Events { kinds, capper, market, inputs, series: HashMap::new() })
    }

    /// As `new`, going on from `inputs` gathered before (the closed days'): the days added now
    /// come after theirs and their symbols keep their numbers.
    pub fn resume(kinds: Vec<Kind>, rules: &RuleSet, market: &str, inputs: Inputs) -> Result<Events, String> {
        let mut events = Events::new(kinds, rules, market, inputs.horizons.clone())?;
        events.series = inputs.series.iter().enumerate().map(|(i, s)| ((s.event.clone(), s.subject), i)).collect();
        events.inputs = inputs;
        events.market = events.inputs.symbols.id(market);
        Ok(events)
    }

    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// Whether cappers are studied (asked for, or by default with a capper rule at hand).
    pub fn has_capper(&self) -> bool {
        self.kinds.contains(&Kind::Capper) && self.capper.is_some()
    }

    /// The day's events from its index. Days must come in ascending order.
    pub fn add_day(&mut self, summary: &DaySummary) {
        let firsts = summary.symbols.iter().filter_map(|s| Some((s.symbol.as_str(), s.first?.secs())));
        self.add(summary.day, &summary.bursts, &summary.burst_symbols(), firsts);
    }

    /// The live day's events so far (after the closed days), as the store has them.
    pub fn add_live(&mut self, live: &LiveDay) {
        let hits = live.hits.iter().map(|(t, s)| (*t, s.iter().map(String::as_str).collect())).collect();
        self.add(live.day, &live.bursts, &hits, live.first.iter().map(|(s, t)| (s.as_str(), *t)));
    }

    /// `firsts`: each symbol's first second, by name.
    fn add<'a>(
        &mut self,
        date: Day,
        bursts: &[BurstFact],
        hits: &BTreeMap<SecondOfDay, Vec<&str>>,
        firsts: impl Iterator<Item = (&'a str, u32)>,
    ) {
        let day = self.inputs.days.len();
        self.inputs.days.push(date);
        for b in bursts {
            let symbols: Vec<&str> = b.second().and_then(|t| hits.get(&t)).cloned().unwrap_or_default();
            if self.kinds.contains(&Kind::Burst) {
                let group = format!("burst/{}/{}", b.grade.label(), b.prog_type.label());
                self.burst(&group, day, b.time, &symbols);
            }
            if self.kinds.contains(&Kind::Capper)
                && self.capper.as_ref().is_some_and(|c| c.burst_match(&b.row()).is_some())
            {
                self.burst(&format!("capper/{}", b.prog_type.label()), day, b.time, &symbols);
            }
        }
        if self.kinds.contains(&Kind::FirstSeen) {
            for (symbol, first) in firsts {
                let id = self.inputs.symbols.id(symbol);
                self.push("first_seen", Subject::Symbol, Event { day, time: first, symbols: vec![id] });
            }
        }
    }

    /// A rule's alerts on the day last added: a row's own symbol, or for a burst its symbols
    /// and the market, for S1/S2 the market.
    pub fn add_alerts(&mut self, alerts: &[Alert], hits: &BTreeMap<SecondOfDay, Vec<&str>>) {
        let Some(day) = self.inputs.days.len().checked_sub(1) else { return };
        for a in alerts {
            let group = format!("rule:{}", a.rule);
            let time = a.time.secs();
            match (&a.symbol, a.source) {
                (_, Source::Bursts) => {
                    let symbols = hits.get(&a.time).cloned().unwrap_or_default();
                    self.burst(&group, day, time, &symbols);
                }
                (Some(symbol), _) => {
                    let id = self.inputs.symbols.id(symbol);
                    self.push(&group, Subject::Symbol, Event { day, time, symbols: vec![id] });
                }
                (None, _) => self.push(&group, Subject::Market, Event { day, time, symbols: vec![self.market] }),
            }
        }
    }

    fn burst(&mut self, group: &str, day: usize, time: u32, symbols: &[&str]) {
        let mut ids: Vec<u32> = symbols.iter().map(|s| self.inputs.symbols.id(s)).collect();
        // A symbol listed twice in a file is still one of the burst's symbols.
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() {
            self.push(group, Subject::Hit, Event { day, time, symbols: ids });
        }
        self.push(group, Subject::Market, Event { day, time, symbols: vec![self.market] });
    }

    fn push(&mut self, group: &str, subject: Subject, event: Event) {
        let key = (group.to_owned(), subject);
        let i = match self.series.get(&key) {
            Some(&i) => i,
            None => {
                self.inputs.series.push(Series { event: key.0.clone(), subject, events: Vec::new() });
                self.series.insert(key, self.inputs.series.len() - 1);
                self.inputs.series.len() - 1
            }
        };
        self.inputs.series[i].events.push(event);
    }

    /// The inputs, groups in name order and subjects hit, market, symbol; events by time.
    pub fn finish(mut self) -> Inputs {
        self.inputs.series.sort_by(|a, b| (&a.event, a.subject).cmp(&(&b.event, b.subject)));
        for s in &mut self.inputs.series {
            s.events.sort_by_key(|e| (e.day, e.time));
        }
        self.inputs
    }
}
