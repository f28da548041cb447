//! Alert rules, their evaluation over rows, and where alerts go.
//!
//! `fields`, `rules` and `ruleset` define what a rule is (and the pure match questions the TUI
//! asks to highlight rows); `format` reads and writes rules as TOML, `load` finds and saves
//! rules files; `eval` turns batches of rows into `Alert`s (cooldowns, plus history context
//! from `enrich`). `live` is the one live-alert path of the TUI and `scan --follow`: it keeps
//! a `ledger` of each file's rows (rewrites, checkpoints) and hands alerts to `delivery`, the
//! sinks with their queues and checkpoints.

pub mod alert;
pub mod baskets;
pub mod context;
mod deferred;
pub mod delivery;
pub mod enrich;
pub mod eval;
pub mod fields;
pub mod format;
pub mod ledger;
pub mod live;
pub mod load;
pub mod normals;
pub mod rewrite;
pub mod rules;
pub mod ruleset;

pub use crate::archive::printable::printable;
pub use alert::{Alert, BasketTag, HumanFormat, RowRef, iso_time};
pub use baskets::{BasketMatch, BasketMatcher, BasketSource};
pub use context::Context;
pub use delivery::{Delivery, SinkStatus};
pub use enrich::{Enricher, Enrichment, Largest, PastDays, PastSource};
pub use eval::Evaluator;
pub use format::{DEFAULT_RULES, RulesError};
pub use live::{LiveAlerts, Raised};
pub use load::RulesOrigin;
pub use normals::{Normal, Normals, NormalsSource, SymbolNormals};
pub use rules::{Field, FieldType, Op, Rule, Source, Value};
pub use ruleset::RuleSet;
