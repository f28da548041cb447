//! `ki2 export`: the archive as Hive-partitioned Parquet; with `--follow`, the live day as
//! the lake (`crate::lake`) until interrupted.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::{day_bound, discover, load_day};
use crate::archive::{Day, LayoutError};
use crate::cli::ExportArgs;
use crate::config::Config;

pub fn run(config: &Config, args: ExportArgs) -> Result<ExitCode> {
    if args.follow {
        return follow(config, args);
    }
    let (from, to) = (day_bound(&args.from, "from")?, day_bound(&args.to, "to")?);
    let archive = discover(&args.root.root)?;
    let days: Vec<Day> =
        archive.days.keys().copied().filter(|d| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t)).collect();
    if days.is_empty() {
        return Err(LayoutError::Empty(archive.root.clone()).into());
    }
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    let prices = match args.prices.as_ref().or(config.prices.dir.as_ref()) {
        Some(dir) => Some(crate::prices::PriceFiles::scan(dir)?),
        None => None,
    };
    for day in days {
        let store = load_day(&archive, day, config)?;
        super::say_counters(day, store.counters(), config);
        let done = store.export_parquet(&args.out)?;
        write!(out, "{day}: {} files, {} rows", done.files.len(), done.rows)?;
        if let Some(prices) = &prices {
            match export_bars(prices, day, config, &args.out) {
                Ok(Some(n)) => write!(out, ", {n} bars")?,
                Ok(None) => write!(out, ", no bars")?,
                Err(e) => {
                    eprintln!("ki2: {e:#}");
                    failed = true;
                }
            }
        }
        writeln!(out)?;
        for e in store.errors() {
            eprintln!("ki2: {e}");
            failed = true;
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The day's bars as `OUT/bars/date=YYYY-MM-DD/part-0.parquet`: how many, or `None` without any.
fn export_bars(
    prices: &crate::prices::PriceFiles,
    day: Day,
    config: &Config,
    out: &std::path::Path,
) -> Result<Option<usize>> {
    let Some(written) = crate::lake::bars::write_day(prices, day, config.prices.bar_s, out)? else { return Ok(None) };
    for w in &written.warnings {
        eprintln!("ki2: warning: {w}");
    }
    super::study::say_malformed_bars(&written.malformed);
    Ok(Some(written.rows))
}

/// `export --follow`: the lake, until Ctrl-C, SIGTERM or SIGHUP (Ctrl-Break, closing the console on Windows) (then what is pending is
/// written) or a fault it cannot get past (exit 1, the reason on stderr).
fn follow(config: &Config, args: ExportArgs) -> Result<ExitCode> {
    let spec = super::date_spec(&args.date)?;
    let archive = discover(&args.root.root)?;
    let crate::archive::Live { day, waiting } = archive.resolve_live(spec)?;
    if waiting {
        eprintln!("ki2: {}", crate::archive::waiting_message(&archive.root));
    }
    let opts = crate::lake::LakeOptions {
        root: archive.root.clone(),
        out: args.out.clone(),
        day,
        follow_days: !matches!(spec, crate::archive::DateSpec::Day(_)),
        poll_only: args.poll,
        poll_interval: config.poll_interval,
        columns: config.columns,
        flush: config.lake.flush,
        compact_parts: args.compact_parts.max(2),
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the runtime")?;
    rt.block_on(async {
        let mut signals = crate::platform::ShutdownSignals::new().context("cannot watch for shutdown signals")?;
        let lake = crate::lake::spawn(opts)?;
        let _bars = match args.prices.as_ref().or(config.prices.dir.as_ref()) {
            Some(dir) => Some(crate::lake::bars::BarsFollower::spawn(
                archive.root.clone(),
                dir.clone(),
                config.prices.bar_s,
                args.out.clone(),
            )?),
            None => None,
        };
        eprintln!(
            "ki2: following {day} into {} (rows land within {:.1} s; Ctrl-C to stop)",
            args.out.display(),
            config.lake.flush.as_secs_f64()
        );
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                _ = signals.recv() => break,
                _ = tick.tick() => {
                    if lake.is_finished() {
                        break;
                    }
                }
            }
        }
        let status = lake.stop();
        if status.stopped {
            bail!("{}", status.error.unwrap_or_else(|| "the lake stopped".into()));
        }
        eprintln!(
            "ki2: {} rows written in {} parts, {} compactions, {} malformed rows skipped",
            status.rows_written, status.parts_written, status.compactions, status.malformed
        );
        Ok(if status.error.is_some() { ExitCode::from(1) } else { ExitCode::SUCCESS })
    })
}
