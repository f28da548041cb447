//! Price bars, the input of the analyses (SPEC §6): files the user has, never downloaded.
//! Two layouts, detected per file from its header — canonical `YYYYMMDD.csv|.parquet`
//! (`symbol,time,open,high,low,close,volume`) and the vendors' minute aggregates
//! (`YYYY-MM-DD.csv[.gz]`, `ticker,volume,open,close,high,low,window_start,transactions`) —
//! gzip or plain. `files` finds a folder's days, `parse` turns lines into bars, `read` reads
//! one day (a day at a time: the analyses never hold every day's bars).

mod bars;
mod feed;
mod files;
mod frame;
mod parse;
mod read;

pub use bars::{Bar, DayBars, SymbolBars};
pub use feed::{BarsAsk, BarsHandle, BarsState, BarsWorker};
pub use files::{BarFile, PriceFiles};
pub use frame::frame;
pub use read::{PriceError, read_day};

use std::path::PathBuf;

/// `[prices]` in config.toml, or `--prices DIR`.
#[derive(Debug, Clone, PartialEq)]
pub struct PricesConfig {
    pub dir: Option<PathBuf>,
    /// The length of canonical bars when their spacing should not decide it.
    pub bar_s: Option<u32>,
    /// The `market` subject of burst events.
    pub market: String,
}

impl Default for PricesConfig {
    fn default() -> Self {
        PricesConfig { dir: None, bar_s: None, market: "SPY".into() }
    }
}
