//! The study for the TUI's Edges view, on a thread of its own: when the view first asks, the
//! closed days' events from the day index (the same builder the indexer uses, so no day is read
//! twice) and their bars a day at a time, as `ki2 study` with its default options computes
//! them, with the mean paths from 30 minutes before to 30 after. The UI only sees the handle.

use std::path::PathBuf;
use std::sync::Arc;

use super::{NO_BARS, Notes, PATH_MINUTES, bars, gather};
use crate::alerts::RuleSet;
use crate::analysis::study::events::Kind;
use crate::analysis::study::{self, Study, StudyHandle, StudyState, StudyWorker};
use crate::archive::{Archive, Day};
use crate::config::Config;
use crate::history::Builder;
use crate::prices::PriceFiles;

/// The default horizons of `ki2 study` (`--horizons 1m,5m,15m,30m`).
pub const HORIZONS: [u32; 4] = [60, 300, 900, 1800];

/// What the worker needs to run the study like `ki2 study --root ROOT [--prices DIR]`.
pub struct Setup {
    pub config: Config,
    pub root: PathBuf,
    /// `--prices`, over `[prices] dir`.
    pub prices: Option<PathBuf>,
    /// The rules in effect at start: where `capper` is defined.
    pub rules: RuleSet,
    pub builder: Arc<Builder>,
}

/// Starts the worker; it waits for the view's first request. Dropping the handle ends it.
pub fn spawn(setup: Setup) -> StudyHandle {
    let (handle, worker) = StudyHandle::channel();
    let run = move || {
        while let Some(live) = worker.next() {
            let state = compute(&setup, live, &worker);
            worker.set(state);
        }
    };
    if let Err(e) = std::thread::Builder::new().name("ki2-study".into()).spawn(run) {
        return StudyHandle::fixed(StudyState::Failed(format!("cannot start the study: {e}")));
    }
    handle
}

fn compute(setup: &Setup, live: Day, worker: &StudyWorker) -> StudyState {
    let Some(dir) = setup.prices.clone().or_else(|| setup.config.prices.dir.clone()) else {
        return StudyState::Unavailable(NO_BARS.into());
    };
    let prices = match PriceFiles::scan(&dir) {
        Ok(p) if p.days.is_empty() => {
            return StudyState::Unavailable(format!(
                "no price bars found in {}: YYYYMMDD.csv (symbol,time,open,high,low,close,volume) or the \
                 vendors' YYYY-MM-DD.csv[.gz] minute aggregates (--prices DIR, [prices] dir)",
                dir.display()
            ));
        }
        Ok(p) => p,
        Err(e) => return StudyState::Unavailable(format!("{e} (--prices DIR, [prices] dir in config.toml)")),
    };
    let archive = match Archive::discover(&setup.root) {
        Ok(a) => a,
        Err(e) => return StudyState::Failed(format!("{e:#}")),
    };
    let days: Vec<Day> = crate::history::closed_days(&archive, live).iter().map(|f| f.day).collect();
    if days.is_empty() {
        return StudyState::Unavailable("no closed days in the archive yet: the study runs over past days".into());
    }
    worker.set(StudyState::Computing { days: days.len() });
    let started = std::time::Instant::now();
    let mut notes = Notes::default();
    let kinds = Kind::DEFAULT.to_vec();
    let config = &setup.config;
    let mut inputs = match gather(config, &archive, &days, kinds, &setup.rules, HORIZONS.to_vec(), &mut notes) {
        Ok(i) => i,
        Err(e) => return StudyState::Failed(format!("{e:#}")),
    };
    inputs.path = (-PATH_MINUTES..=PATH_MINUTES).map(|m| m * 60).collect();
    let loader = bars::Loader::new(&prices, config.prices.bar_s);
    // Two threads at most: the live day and the keys keep a core.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let output = study::run(&inputs, threads, |i| loader.load(inputs.days[i]));
    let said = loader.notes(&prices.dir);
    notes.warnings.extend(prices.warnings.iter().cloned());
    notes.warnings.extend(said.warnings);
    notes.errors.extend(said.errors);
    tracing::info!("edges: the study of {} days in {:.2} s", days.len(), started.elapsed().as_secs_f64());
    for line in notes_lines(&notes) {
        tracing::warn!("edges: {line}");
    }
    StudyState::Ready(Arc::new(Study { inputs, output, notes: notes.lines() }))
}

fn notes_lines(notes: &Notes) -> impl Iterator<Item = &String> {
    notes.errors.iter().chain(&notes.warnings)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    #[test]
    fn the_views_horizons_are_ki2_studys_defaults() -> Result<(), String> {
        let cli = Cli::try_parse_from(["ki2", "study", "--root", "/r"]).map_err(|e| e.to_string())?;
        let Some(Command::Study(args)) = cli.command else { return Err("not study".into()) };
        assert_eq!(super::super::parse_horizons(&args.horizons)?, HORIZONS);
        Ok(())
    }
}
