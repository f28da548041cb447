//! ki2: a terminal monitor for the archive the HFTAlert Burst Monitor writes.
//!
//! Data flows one way: `archive` (files → typed rows) → `tail` (appended rows, in batches)
//! → `store` (polars frames and queries) → `alerts` (rules → alerts) → `ui` (the terminal).
//! `sim` writes archives (the demo and tests); `commands` are the CLI's entry points.

pub mod alerts;
pub mod analysis;
pub mod archive;
pub mod atomic_file;
pub mod cli;
pub mod commands;
pub mod config;
pub mod history;
pub mod lake;
pub mod logging;
pub mod platform;
pub mod prices;
pub mod secrets;
pub mod sim;
pub mod store;
pub mod tail;
pub mod ui;
pub mod view_file;
