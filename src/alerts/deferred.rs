//! Rules on baskets and z-fields, evaluated when what they need is at hand: at once for a
//! command that waits, or later (`Evaluator::deferred`) for the live path, which holds the
//! symbols files and quotes rows meanwhile, in the order they came.

use super::alert::{Alert, BasketTag, RowRef};
use super::baskets::BasketMatch;
use super::context::HeldFile;
use super::eval::{Evaluator, admit, alert};
use super::rules::{Field, Source, Value};
use super::ruleset::matches;
use crate::archive::FileKey;
use crate::archive::Kind;
use crate::archive::fingerprint::Fingerprint;

impl Evaluator {
    /// Matches a symbols file against the baskets and returns the alerts of the `baskets`
    /// rules; None while the baskets are being gathered (and the caller does not wait).
    pub(super) fn match_file(&mut self, file: &HeldFile) -> Option<Vec<Alert>> {
        let symbols: Vec<&str> = file.symbols.iter().map(String::as_str).collect();
        let m = self.context.basket(file.day, file.burst, &symbols)?;
        let Some(m) = m else { return Some(Vec::new()) };
        Some(self.basket_alerts(file, &m))
    }

    fn basket_alerts(&mut self, file: &HeldFile, m: &BasketMatch) -> Vec<Alert> {
        let Evaluator { rules, last, .. } = self;
        let mut sorted: Vec<&str> = file.symbols.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let content = sorted.iter().fold(Fingerprint::default(), |f, s| f.bytes(s.as_bytes())).finish();
        let at = RowRef { file: FileKey::new(Kind::BurstSymbols, Some(file.burst)), index: 0, content };
        let mut out = Vec::new();
        for rule in rules.active(Source::Baskets) {
            let value = match rule.field {
                Field::Bursts => Some(Value::Count(m.bursts.into())),
                Field::Days => Some(Value::Count(m.days.into())),
                Field::Similarity => m.similarity.map(Value::Amount),
                _ => None,
            };
            if matches(rule, value) && admit(last, rule, file.day, file.burst, "") {
                let mut a = alert(rule, file.day, at, file.burst, None, value, None);
                a.basket = Some(Box::new(BasketTag { id: m.id.clone(), core: m.core }));
                out.push(a);
            }
        }
        out
    }

    /// Rows held for what rules on baskets and z-fields need, which alerts wait behind: held
    /// quotes rows, and held symbols files when a `baskets` rule is on.
    pub fn has_deferred(&self) -> bool {
        !self.context.held_rows.is_empty()
            || (!self.context.held_files.is_empty() && self.rules.active(Source::Baskets).next().is_some())
    }

    /// The alerts of held rows whose baskets or normals are at hand now (all of them when
    /// `block`ing), in the order the rows came.
    pub fn deferred(&mut self, block: bool) -> Vec<Alert> {
        let wait = std::mem::replace(&mut self.context.wait, block);
        let mut out = Vec::new();
        while let Some(file) = self.context.held_files.first().cloned() {
            match self.match_file(&file) {
                Some(alerts) => {
                    out.extend(alerts);
                    self.context.held_files.remove(0);
                }
                None => break,
            }
        }
        if let Some(day) = self.context.held_rows.first().map(|r| r.day)
            && (block || self.context.normals_ready(day))
        {
            // One day at a time (a day change may leave rows of two).
            let n = self.context.held_rows.iter().take_while(|r| r.day == day).count();
            let held: Vec<_> = self.context.held_rows.drain(..n).collect();
            let Evaluator { rules, last, enricher, context } = self;
            let z_rules: Vec<_> = rules.active(Source::Quotes).filter(|r| r.field.is_z()).collect();
            for h in &held {
                let row = h.row();
                let normals = context.normals(h.day).flatten();
                let mut enrichment = None;
                for rule in &z_rules {
                    let value = normals.and_then(|n| n.z(&row, rule.field)).map(Value::Amount);
                    if rule.watches(row.symbol)
                        && matches(rule, value)
                        && admit(last, rule, h.day, row.time, row.symbol)
                    {
                        if enrichment.is_none() {
                            enrichment = enricher.as_mut().map(|e| e.enrich(h.day, &row));
                        }
                        let at = RowRef {
                            file: FileKey::new(Kind::Quotes, None),
                            index: h.index,
                            content: crate::archive::fingerprint::quote_row(&row),
                        };
                        out.push(alert(rule, h.day, at, row.time, Some(row.symbol), value, enrichment.clone()));
                    }
                }
            }
        }
        self.context.wait = wait;
        out
    }
}
