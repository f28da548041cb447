//! The Burst Monitor's archive on disk: layouts, file names, and rows parsed from bytes.
//! Knows nothing of time passing or of screens.

pub mod burst;
pub mod burst_symbols;
pub mod columns;
pub mod counters;
pub mod day;
pub mod fields;
pub mod file_key;
pub mod fingerprint;
pub mod fold;
pub mod hft1;
pub mod kind;
pub mod layout;
pub mod ledger;
pub mod lines;
pub mod malformed;
pub mod printable;
pub mod read;
pub mod rows;
pub mod series;
pub mod time;

pub use burst::{Background, BurstRow, Grade, ProgType};
pub use burst_symbols::SymbolHit;
pub use columns::ColumnOrder;
pub use counters::{CounterCheck, CounterWalk};
pub use day::{DateSpec, Day};
pub use file_key::FileKey;
pub use hft1::{QuoteRow, Quotes};
pub use kind::Kind;
pub use layout::{Archive, DayFiles, LayoutError, Live, waiting_message};
pub use malformed::{Malformed, Reason};
pub use read::{DayData, Feed, FileError, read_day, read_file};
pub use rows::{FileParser, Rows};
pub use series::SeriesRow;
pub use time::SecondOfDay;

#[cfg(test)]
mod proptests;
