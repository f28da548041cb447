//! The study for the TUI's Edges view, on a thread of its own: when the view first asks, the
//! closed days' events from the day index (the same builder the indexer uses, so no day is read
//! twice) and their bars a day at a time, as `ki2 study` with its default options computes
//! them, with the mean paths from 30 minutes before to 30 after; then the live day on top as
//! the UI hands over its events and its bars file grows (`live.rs`). The UI only sees the handle.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::live::{Closed, Overlay, trim};
use super::{NO_BARS, Notes, PATH_MINUTES, bars, gather};
use crate::alerts::RuleSet;
use crate::analysis::study::events::Kind;
use crate::analysis::study::{self, Ask, Study, StudyHandle, StudyState, StudyWorker};
use crate::archive::{Archive, Day};
use crate::config::Config;
use crate::history::Builder;
use crate::prices::{DayBars, PriceFiles};

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
    /// `KEEP_BARS` (a test sets fewer).
    pub keep_bars: usize,
}

/// Starts the worker; it waits for the view's first request. Dropping the handle ends it.
pub fn spawn(setup: Setup) -> StudyHandle {
    let (handle, worker) = StudyHandle::channel();
    let run = move || {
        let mut overlay: Option<Overlay> = None;
        while let Some(ask) = worker.next() {
            match ask {
                Ask::Closed(live) => {
                    let (state, closed) = compute(&setup, live, &worker);
                    overlay = closed.map(Overlay::new);
                    worker.set(state);
                }
                Ask::Live => {
                    let events = worker.live_day();
                    if let Some(state) = overlay.as_mut().and_then(|o| o.update(events, THREADS)) {
                        worker.update(state);
                    }
                }
            }
        }
    };
    if let Err(e) = std::thread::Builder::new().name("ki2-study".into()).spawn(run) {
        return StudyHandle::fixed(StudyState::Failed(format!("cannot start the study: {e}")));
    }
    handle
}

/// Two threads at most: the live day and the keys keep a core.
const THREADS: usize = 2;

/// The closed days' bars kept for adding the live day, at most (48 bytes a bar: ≈ 96 MB, about
/// 20 days of 300 symbols' minute bars). A `watch` left running over a year of bars would
/// otherwise hold them all; past this the live day joins the study when it has closed.
pub const KEEP_BARS: usize = 2_000_000;

/// The closed days' study, and what the live day is added to.
fn compute(setup: &Setup, live: Day, worker: &StudyWorker) -> (StudyState, Option<Closed>) {
    match closed(setup, live, worker) {
        // A live day that has closed too is in the study already: nothing to add on top.
        Ok((study, closed)) => {
            let closed = Some(closed).filter(|c| !c.inputs.days.contains(&c.live) && !c.too_many);
            (StudyState::Ready(Arc::new(study)), closed)
        }
        Err(state) => (state, None),
    }
}

pub(super) fn closed(setup: &Setup, live: Day, worker: &StudyWorker) -> Result<(Study, Closed), StudyState> {
    let Some(dir) = setup.prices.clone().or_else(|| setup.config.prices.dir.clone()) else {
        return Err(StudyState::Unavailable(NO_BARS.into()));
    };
    let prices = match PriceFiles::scan(&dir) {
        Ok(p) if p.days.is_empty() => {
            return Err(StudyState::Unavailable(format!(
                "no price bars found in {}: YYYYMMDD.csv (symbol,time,open,high,low,close,volume) or the \
                 vendors' YYYY-MM-DD.csv[.gz] minute aggregates (--prices DIR, [prices] dir)",
                dir.display()
            )));
        }
        Ok(p) => p,
        Err(e) => return Err(StudyState::Unavailable(format!("{e} (--prices DIR, [prices] dir in config.toml)"))),
    };
    let archive = match Archive::discover(&setup.root) {
        Ok(a) => a,
        Err(e) => return Err(StudyState::Failed(format!("{e:#}"))),
    };
    let days: Vec<Day> = crate::history::closed_days(&archive, live).iter().map(|f| f.day).collect();
    if days.is_empty() {
        return Err(StudyState::Unavailable("no closed days in the archive yet: the study runs over past days".into()));
    }
    worker.set(StudyState::Computing { days: days.len() });
    let started = std::time::Instant::now();
    let mut notes = Notes::default();
    let kinds = Kind::DEFAULT.to_vec();
    let config = &setup.config;
    let mut inputs = match gather(config, &archive, &days, kinds, &setup.rules, HORIZONS.to_vec(), &mut notes) {
        Ok(i) => i,
        Err(e) => return Err(StudyState::Failed(format!("{e:#}"))),
    };
    inputs.path = (-PATH_MINUTES..=PATH_MINUTES).map(|m| m * 60).collect();
    let loader = bars::Loader::new(&prices, config.prices.bar_s);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(THREADS));
    // Each day's bars kept for the live day's baseline, cut to the symbols looked up, while
    // they stay under `KEEP_BARS`.
    let kept: Mutex<Kept> = Mutex::new(Kept { bars: vec![None; days.len()], count: 0, too_many: false });
    let output = study::run(&inputs, threads, |i| {
        let bars = loader.load(inputs.days[i]).map(|b| Arc::new(trim(b, &inputs)));
        let mut k = kept.lock().unwrap_or_else(|p| p.into_inner());
        if !k.too_many {
            k.count += bars.as_ref().map_or(0, |b| b.symbols.values().map(|s| s.bars.len()).sum());
            if k.count > setup.keep_bars {
                k.too_many = true;
                k.bars = Vec::new();
            } else {
                k.bars[i] = bars.clone();
            }
        }
        bars
    });
    let kept = kept.into_inner().unwrap_or_else(|p| p.into_inner());
    if kept.too_many {
        notes.warnings.push(format!(
            "today's events join the study when the day has closed: holding the {} closed days' bars for them \
             would take more than {} bars of memory",
            days.len(),
            setup.keep_bars
        ));
    }
    let mut said = loader.notes(&prices.dir, "m lists them");
    let malformed = std::mem::take(&mut said.malformed);
    notes.warnings.extend(prices.warnings.iter().cloned());
    notes.warnings.extend(said.warnings);
    notes.errors.extend(said.errors);
    tracing::info!("edges: the study of {} days in {:.2} s", days.len(), started.elapsed().as_secs_f64());
    for line in notes_lines(&notes) {
        tracing::warn!("edges: {line}");
    }
    let notes = notes.lines();
    let closed = Closed {
        live,
        inputs: inputs.clone(),
        bars: kept.bars,
        too_many: kept.too_many,
        notes: notes.clone(),
        dir: prices.dir.clone(),
        bar_s: config.prices.bar_s,
        market: config.prices.market.clone(),
        rules: setup.rules.clone(),
        malformed: malformed.clone(),
    };
    Ok((Study { inputs, output, notes, live: None, malformed }, closed))
}

struct Kept {
    bars: Vec<Option<Arc<DayBars>>>,
    count: usize,
    too_many: bool,
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
