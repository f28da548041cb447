//! Alert rules, their evaluation over rows, and where alerts go.
//!
//! `fields`, `rules` and `ruleset` define what a rule is (and the pure match questions the TUI
//! asks to highlight rows); `format` reads and writes rules as TOML, `load` finds and saves
//! rules files; `eval` turns batches of rows into `Alert`s (cooldowns, plus history context
//! from `enrich`); `sinks` appends alerts to a log file and hands them to a user command.
//! `ki2 scan` and the TUI share this path.

pub mod alert;
pub mod enrich;
pub mod eval;
pub mod fields;
pub mod format;
pub mod load;
pub mod rewrite;
pub mod rules;
pub mod ruleset;
pub mod sinks;

pub use crate::archive::printable::printable;
pub use alert::{Alert, HumanFormat, iso_time};
pub use enrich::{Enricher, Enrichment};
pub use eval::Evaluator;
pub use format::{DEFAULT_RULES, RulesError};
pub use load::RulesOrigin;
pub use rules::{Field, FieldType, Op, Rule, Source, Value};
pub use ruleset::RuleSet;
pub use sinks::{AlertLog, CommandHook, Sinks};
