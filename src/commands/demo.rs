//! `ki2 demo`: a simulated Burst Monitor writing a live archive into a temporary folder, with
//! the TUI on it. No arguments, no network; the folder is removed on exit.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::archive::{Day, SecondOfDay};
use crate::cli::{DemoArgs, RootArgs, WatchArgs};
use crate::config::Config;
use crate::sim::{DEFAULT_EDGE_BP, PricesOut, Profile, SimOptions, seed_history, spawn_live_with};

/// Earlier days written at once, so history (`d`) and alert enrichment have something to show.
const HISTORY_DAYS: u32 = 3;

/// The live day starts just before the open, so rows, bursts and alerts flow within a second.
const START: u32 = 92_945;

pub fn run(config: &Config, args: DemoArgs) -> Result<ExitCode> {
    if !(args.speed.is_finite() && args.speed > 0.0 && args.speed <= 3600.0) {
        return Err(
            super::UsageError(format!("invalid --speed {}: expected more than 0, at most 3600", args.speed)).into()
        );
    }
    let dir = tempfile::Builder::new().prefix("ki2-demo-").tempdir().context("cannot create a temporary folder")?;
    let root = dir.path().to_path_buf();
    let today = Day::today();
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    // The market differs each run; the log says how to see this one again.
    tracing::info!("demo market: ki2 demo --seed {seed}");
    // The history's days get price bars, with the simulator's planted reversal after cappers:
    // the Edges view and `ki2 study` have something to find.
    let prices = PricesOut { dir: root.join("prices"), edge_bp: DEFAULT_EDGE_BP };
    seed_history(
        &root,
        today,
        HISTORY_DAYS,
        seed,
        &crate::sim::players(seed, crate::sim::DEFAULT_PLAYERS),
        Some(&prices),
    )
    .context("cannot write the demo's history")?;
    let opts = SimOptions { root: root.clone(), day: today, seed, profile: Profile::Normal };
    // Today's bars grow with the day, a minute's once it has ended: the symbol view's price
    // line and a burst's return fill in as they would from a vendor's live file.
    let players = crate::sim::players(seed, crate::sim::DEFAULT_PLAYERS);
    let bars = crate::sim::growing_bars(&opts, &players, &prices).context("cannot plan today's price bars")?;
    let live = spawn_live_with(opts, &players, args.speed, SecondOfDay::from_hhmmss(START), Some(bars))
        .context("cannot start the simulator")?;
    let watch = WatchArgs { root: RootArgs { root }, date: "today".into(), rules: None, poll: false, prices: None };
    // Simulated alerts must not reach the user's real automation (MQTT, webhooks, the log).
    let mut config = Config { sinks: crate::config::SinksConfig::default(), ..config.clone() };
    config.prices.dir = Some(prices.dir.clone());
    let result = super::watch::run(&config, watch);
    // Stop writing before the folder goes away; the TempDir removes it when dropped.
    if let Err(e) = live.stop() {
        tracing::warn!("demo simulator: {e:#}");
    }
    drop(dir);
    result
}
