//! `ki2 simulate`: a fake Burst Monitor writing an archive day, at once or live.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};

use super::UsageError;
use crate::archive::{DateSpec, Day, SecondOfDay};
use crate::cli::SimulateArgs;
use crate::config::Config;
use crate::sim::{self, LiveSim, PricesOut, Profile, SimOptions};

pub fn run(_config: &Config, args: SimulateArgs) -> Result<ExitCode> {
    let day = match DateSpec::parse(&args.date).map_err(UsageError)? {
        DateSpec::Day(d) => d,
        DateSpec::Today => Day::today(),
        DateSpec::Latest => {
            return Err(UsageError("--date latest: give the day to write (YYYYMMDD or today)".into()).into());
        }
    };
    let profile = Profile::parse(&args.profile)
        .ok_or_else(|| UsageError(format!("invalid --profile {:?}: expected normal or heavy", args.profile)))?;
    let start = args.start.as_deref().map(parse_start).transpose()?;
    if !(args.speed.is_finite() && args.speed > 0.0) {
        return Err(UsageError(format!("invalid --speed {}: expected a positive number", args.speed)).into());
    }
    let edge_bp = args.edge.unwrap_or(sim::DEFAULT_EDGE_BP);
    if !edge_bp.is_finite() || edge_bp.abs() > 1000.0 {
        return Err(UsageError(format!("invalid --edge {edge_bp}: expected basis points from -1000 to 1000")).into());
    }
    let prices = args.prices.map(|dir| PricesOut { dir, edge_bp });
    let root = args.root.root;
    let opts = SimOptions { root: root.clone(), day, seed: args.seed, profile };
    if args.players > 16 {
        return Err(UsageError(format!("invalid --players {}: expected 0 to 16", args.players)).into());
    }
    let players = sim::players(args.seed, args.players);
    if args.instant {
        sim::seed_history(&root, day, args.days, args.seed, &players, prices.as_ref())
            .with_context(|| format!("simulating the {} days before {day} into {}", args.days, root.display()))?;
        let summary = sim::write_day_with(&opts, &players, prices.as_ref())
            .with_context(|| format!("simulating {day} into {}", root.display()))?;
        writeln!(std::io::stdout(), "{day} in {}: {summary}", root.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(p) = &prices {
        let file = sim::write_bars(&opts, &players, p).with_context(|| format!("writing the bars of {day}"))?;
        eprintln!("bars of {day} (the whole day, at once) in {}", file.display());
    }
    let from = start.map_or_else(|| "04:00:00".to_owned(), |s| s.to_string());
    eprintln!("simulating {day} into {} at {}x from {from} (Ctrl-C to stop)", root.display(), args.speed);
    let live = sim::spawn_live_with(opts, &players, args.speed, start, None)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start tokio")?;
    runtime.block_on(async {
        tokio::select! {
            signal = tokio::signal::ctrl_c() => {
                // No Ctrl-C handler (unlikely): run to the end of the day instead.
                if signal.is_err() {
                    day_over(&live).await;
                }
            }
            () = day_over(&live) => {}
        }
    });
    let last = live.market_time();
    let finished = live.is_finished();
    let summary = live.stop()?;
    let stopped = if finished { String::new() } else { format!(" (stopped at {last})") };
    writeln!(std::io::stdout(), "{day} in {}{stopped}: {summary}", root.display())?;
    Ok(ExitCode::SUCCESS)
}

async fn day_over(live: &LiveSim) {
    while !live.is_finished() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `HHMMSS`, zero padding optional (`93000` is 09:30:00); `HH:MM:SS` also accepted.
fn parse_start(s: &str) -> Result<SecondOfDay, UsageError> {
    let digits: String = s.chars().filter(|&c| c != ':').collect();
    digits
        .parse::<u32>()
        .ok()
        .filter(|_| !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(SecondOfDay::from_hhmmss)
        .ok_or_else(|| UsageError(format!("invalid --start {s:?}: expected HHMMSS, e.g. 093000")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times() {
        let ok = |s: &str| parse_start(s).map(|t| t.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok("93000"), "09:30:00");
        assert_eq!(ok("093000"), "09:30:00");
        assert_eq!(ok("15:59:30"), "15:59:30");
        for bad in ["", "250000", "9300a", "+93000", "1234567"] {
            assert!(parse_start(bad).is_err(), "{bad}");
        }
    }
}
