//! One module per CLI command; `run` dispatches.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command, RootArgs, WatchArgs};

pub mod baskets;
pub mod demo;
pub mod export;
pub mod follow;
pub mod scan;
pub mod simulate;
pub mod stats;
pub mod study;
pub mod watch;

/// A usage error (exit code 2): a bad argument value the parser could not catch.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<UsageError>().is_some() { 2 } else { 1 }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match dispatch(cli) {
        // `ki2 stats | head -1`: the reader has seen enough; that is no failure.
        Err(e) if stdout_closed(&e) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

/// Whether the error is a write to a pipe whose reader has gone.
fn stdout_closed(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let config = crate::config::Config::load(cli.config.as_deref())?;
    for w in &config.warnings {
        tracing::warn!("{w}");
        eprintln!("ki2: warning: {w}");
    }
    crate::archive::day::set_market_zone(config.market_zone);
    match cli.command {
        Some(Command::Demo(args)) => demo::run(&config, args),
        Some(Command::Watch(args)) => watch::run(&config, args),
        Some(Command::Simulate(args)) => simulate::run(&config, args),
        Some(Command::Scan(args)) => scan::run(&config, args),
        Some(Command::Stats(args)) => stats::run(&config, args),
        Some(Command::Export(args)) => export::run(&config, args),
        Some(Command::Study(args)) => study::run(&config, args),
        Some(Command::Baskets(args)) => baskets::run(&config, args),
        None => match cli.root {
            Some(root) => watch::run(
                &config,
                WatchArgs { root: RootArgs { root }, date: cli.date, rules: None, poll: false, prices: None },
            ),
            None => Err(UsageError(
                "no command given: try `ki2 demo`, or `ki2 --root DIR` to watch an archive (see --help)".into(),
            )
            .into()),
        },
    }
}

/// Every day under `root`; files skipped while listing (a FIFO named like an archive file, a
/// day's second layout) are reported on stderr, one line each.
pub fn discover(root: &std::path::Path) -> Result<crate::archive::Archive> {
    let archive = crate::archive::Archive::discover(root)?;
    for w in &archive.warnings {
        tracing::warn!("{w}");
        eprintln!("ki2: warning: {w}");
    }
    Ok(archive)
}

/// A day whose burst counters mostly disagree with its Buy/Sell labels, said on stderr and in
/// the log with the config line that reads them the other way round.
pub fn say_counters(day: crate::archive::Day, check: crate::archive::CounterCheck, config: &crate::config::Config) {
    if let Some(w) = check.warning(day, &config.columns.burst) {
        tracing::warn!("{w}");
        eprintln!("ki2: warning: {w}");
    }
}

/// `--date` as given; a bad value is a usage error.
pub fn date_spec(s: &str) -> Result<crate::archive::DateSpec> {
    crate::archive::DateSpec::parse(s).map_err(|e| UsageError(e).into())
}

/// What rules on baskets and z-fields need, from the day index (and the baskets kept beside it).
pub fn alert_context(
    archive: &crate::archive::Archive,
    builder: std::sync::Arc<crate::history::Builder>,
    config: &crate::config::Config,
) -> crate::alerts::Context {
    let baskets = crate::analysis::baskets::SharedBaskets::new(archive, builder.clone(), config.basket_similarity);
    alert_context_sharing(archive, builder, baskets)
}

/// As `alert_context`, over baskets shared with the Baskets view (one sync for both).
pub fn alert_context_sharing(
    archive: &crate::archive::Archive,
    builder: std::sync::Arc<crate::history::Builder>,
    baskets: std::sync::Arc<crate::analysis::baskets::SharedBaskets>,
) -> crate::alerts::Context {
    use crate::analysis::{baskets::IndexBaskets, normals::IndexNormals};
    crate::alerts::Context::default()
        .with_baskets(std::sync::Arc::new(IndexBaskets::sharing(baskets)))
        .with_normals(std::sync::Arc::new(IndexNormals::new(archive, builder)))
}

/// `--from` / `--to`: a day (YYYYMMDD or YYYY-MM-DD), or none; a bad one is a usage error.
pub fn day_bound(v: &Option<String>, what: &str) -> Result<Option<crate::archive::Day>> {
    match v {
        None => Ok(None),
        Some(s) => crate::archive::Day::parse_compact(&s.replace('-', ""))
            .map(Some)
            .ok_or_else(|| UsageError(format!("invalid --{what} {s:?}: expected YYYYMMDD")).into()),
    }
}

/// A day's files read into a store (errors of single files are kept in the store).
pub fn load_day(
    archive: &crate::archive::Archive,
    day: crate::archive::Day,
    config: &crate::config::Config,
) -> Result<crate::store::DayStore> {
    let data = crate::archive::read_day(&archive.files(day), config.columns);
    crate::store::DayStore::from_day(data).map_err(|e| anyhow::anyhow!("cannot build the store for {day}: {e}"))
}
