//! A fake Burst Monitor: writes a realistic, reproducible archive day in the flat layout
//! (`ROOT/Data/`, `ROOT/Data_Burst/`, `ROOT/Data_Burst_Symbols/`), with the quirks of the real
//! writer (CRLF, trailing commas, blank and malformed lines, late or missing symbol files).
//!
//! A day is planned up front from the seed (`plan`), then generated second by second as an
//! event stream (`market`) that is either written at once (`write_day`) or paced against the
//! wall clock (`spawn_live`). Both paths run the same stream, so a live day that is allowed to
//! finish leaves exactly the bytes an instant one writes.
//!
//! The simulator owns the day it writes: the day's files already under `ROOT` (flat layout)
//! are replaced.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{Datelike, Weekday};

use crate::archive::{Day, SecondOfDay};

mod bars;
mod bursts;
mod format;
mod live;
mod market;
mod plan;
mod players;
mod split;
mod universe;
mod writer;

pub use bars::{DEFAULT_EDGE_BP, Growing, PricesOut};
pub use live::{LiveSim, spawn_live, spawn_live_with};
pub use players::{DEFAULT_PLAYERS, Planted, Players};

// Session bounds in seconds of day: plain `u32`, as the generator indexes arrays with them.
/// 04:00:00, when the extended session (and hft1) starts.
const DAY_START: u32 = 4 * 3600;
/// 09:30:00, the open: hft2/hft3 rows and bursts start here.
const OPEN: u32 = 9 * 3600 + 30 * 60;
/// 16:00:00, the close: the last hft2/hft3 row and the last burst.
const CLOSE: u32 = 16 * 3600;
/// 20:00:00, the last second the simulator writes.
const DAY_END: u32 = 20 * 3600;

/// How big a day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// About 150,000 hft1 rows and 300 bursts (varies with the seed).
    #[default]
    Normal,
    /// Exactly 1,000,000 hft1 rows and 400 bursts: the benchmark day.
    Heavy,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        match s.to_ascii_lowercase().as_str() {
            "normal" => Some(Profile::Normal),
            "heavy" => Some(Profile::Heavy),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimOptions {
    pub root: PathBuf,
    pub day: Day,
    pub seed: u64,
    pub profile: Profile,
}

/// What was written. Row counts are valid rows (what a reader should find); `malformed` counts
/// the malformed lines injected into all files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimSummary {
    pub hft1_rows: u64,
    pub hft2_rows: u64,
    pub hft3_rows: u64,
    pub bursts: u64,
    pub buy: u64,
    pub sell: u64,
    pub und: u64,
    pub symbol_files: u64,
    /// Bursts whose symbols file is deliberately never written.
    pub missing_symbol_files: Vec<SecondOfDay>,
    pub malformed: u64,
}

impl fmt::Display for SimSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} hft1 rows, {} hft2 rows, {} hft3 rows, {} bursts ({} buy, {} sell, {} und), {} symbol files",
            self.hft1_rows,
            self.hft2_rows,
            self.hft3_rows,
            self.bursts,
            self.buy,
            self.sell,
            self.und,
            self.symbol_files
        )?;
        if !self.missing_symbol_files.is_empty() {
            let times: Vec<String> = self.missing_symbol_files.iter().map(|t| t.to_string()).collect();
            write!(f, " ({} missing: {})", times.len(), times.join(" "))?;
        }
        write!(f, ", {} malformed lines", self.malformed)
    }
}

/// Writes the whole day at once, with the seed's players.
pub fn write_day(opts: &SimOptions) -> Result<SimSummary> {
    write_market(opts, market::Market::new(opts), None)
}

/// Writes the whole day at once with the seed's players, and its price bars into `prices`.
pub fn write_day_with_bars(opts: &SimOptions, prices: Option<&PricesOut>) -> Result<SimSummary> {
    write_market(opts, market::Market::new(opts), prices)
}

/// Writes the whole day at once with these players (`Players::none()`: random bursts only),
/// and its price bars into `prices` if given.
pub fn write_day_with(opts: &SimOptions, players: &Players, prices: Option<&PricesOut>) -> Result<SimSummary> {
    write_market(opts, market::Market::with_players(opts, players, universe::Universe::new()), prices)
}

/// The players of a seed, `count` of them.
pub fn players(seed: u64, count: usize) -> Players {
    Players::of_seed(seed, count, &universe::Universe::new())
}

/// What `write_day_with(opts, players)` plants: the players' fires, in time order.
pub fn planted(opts: &SimOptions, players: &Players) -> Vec<Planted> {
    market::Market::with_players(opts, players, universe::Universe::new()).planted()
}

fn write_market(opts: &SimOptions, mut market: market::Market, prices: Option<&PricesOut>) -> Result<SimSummary> {
    let mut writer = writer::ArchiveWriter::create(&opts.root, opts.day)?;
    let mut tick = market::Tick::default();
    for t in DAY_START..=DAY_END {
        market.second(t, &mut tick);
        writer.write_tick(&mut tick)?;
    }
    writer.finish()?;
    if let Some(p) = prices {
        bars::write(p, opts.day, opts.seed, market.universe(), market.burst_hits())?;
    }
    Ok(market.summary().clone())
}

/// The price bars of a day written live: the day's bursts are known from the seed, so the
/// stream is run through once, unwritten, to learn which symbols each burst hits.
pub fn write_bars(opts: &SimOptions, players: &Players, prices: &PricesOut) -> Result<PathBuf> {
    let market = run_unwritten(opts, players);
    bars::write(prices, opts.day, opts.seed, market.universe(), market.burst_hits())
}

/// The day's stream run through without writing it: what bursts hit is known afterwards.
fn run_unwritten(opts: &SimOptions, players: &Players) -> market::Market {
    let mut market = market::Market::with_players(opts, players, universe::Universe::new());
    let mut tick = market::Tick::default();
    for t in DAY_START..=DAY_END {
        market.second(t, &mut tick);
        tick.streams.iter_mut().for_each(Vec::clear);
        tick.symbol_files.clear();
    }
    market
}

/// The bars of a day to be written live (`spawn_live_with`'s `bars`), each minute's once it
/// has ended: as `write_bars`, the stream run through once, unwritten, for the day's bursts.
pub fn growing_bars(opts: &SimOptions, players: &Players, prices: &PricesOut) -> Result<bars::Growing> {
    let market = run_unwritten(opts, players);
    bars::Growing::new(prices, opts.day, opts.seed, market.universe(), market.burst_hits())
}

/// Writes `days` earlier weekdays before `last_day` (not `last_day` itself), each a normal day
/// with its own seed derived from `seed` and the same players: a history to browse (with bars,
/// if `prices`).
pub fn seed_history(
    root: &Path,
    last_day: Day,
    days: u32,
    seed: u64,
    players: &Players,
    prices: Option<&PricesOut>,
) -> Result<()> {
    let mut day = last_day;
    for _ in 0..days {
        day = previous_weekday(day).with_context(|| format!("no weekday before {day}"))?;
        let opts = SimOptions { root: root.to_path_buf(), day, seed, profile: Profile::Normal };
        write_day_with(&opts, players, prices)?;
    }
    Ok(())
}

fn previous_weekday(day: Day) -> Option<Day> {
    let mut d = day.pred()?;
    while matches!(d.date().weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.pred()?;
    }
    Some(d)
}

/// One generator seed per (seed, day), so the days of a history differ while each stays
/// reproducible.
fn day_seed(seed: u64, day: Day) -> u64 {
    splitmix(seed ^ splitmix(day.date().num_days_from_ce() as u64))
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
