//! Baskets: fingerprints of sets of securities (SPEC §6). Every burst's symbol set is matched,
//! in time order across days, to the baskets seen before it (`clusters`); the result is kept
//! beside the day index so that each closed day is matched once (`state`); `report` says what
//! `ki2 baskets` prints, `source` feeds the `baskets` alert source, `table` the TUI's Baskets view; `shared` is the one owner of the
//! closed days' baskets that the alert path and the view share in a running ki2.

pub mod clusters;
pub mod report;
pub mod shared;
pub mod source;
pub mod state;
pub mod table;

pub use clusters::{Basket, Clusters, Joined, MIN_SYMBOLS, Occurrence, basket_id};
pub use report::{BasketDetail, BasketReport, bursts_frame, detail, report};
pub use shared::{Closed, SharedBaskets, TodayBurst};
pub use source::IndexBaskets;
pub use state::{Synced, sync};
pub use table::{BasketLine, BasketsTable, BasketsWorker, BurstSides, Returns, ReturnsSlot, Seen, short_id, short_ids};

/// `[baskets] similarity` unless the config says otherwise.
pub const DEFAULT_SIMILARITY: f64 = 0.6;
