//! A day's bars for the TUI (the symbol view's price line, the selected burst's return so far),
//! on a thread of its own: the UI asks through `BarsHandle` and never opens a bar file. The live
//! day's file grows as bars arrive: asked to check it, the worker reads it again when its
//! modification time or length changed, or finds it when it was not there before.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use super::NO_BARS;
use crate::archive::Day;
use crate::archive::day::market_zone;
use crate::prices::{BarsAsk, BarsHandle, BarsState, PriceFiles, read_day};

/// A file as it was when read: where, its modification time and length.
pub type Stamp = (PathBuf, Option<SystemTime>, u64);

pub fn stamp(path: PathBuf) -> Stamp {
    let m = std::fs::metadata(&path).ok();
    let modified = m.as_ref().and_then(|m| m.modified().ok());
    let len = m.map_or(0, |m| m.len());
    (path, modified, len)
}

/// Starts the worker over `dir` (`--prices`, over `[prices] dir`; None: every day says how to
/// give one). Dropping the handle ends it.
pub fn spawn(dir: Option<PathBuf>, bar_s: Option<u32>) -> BarsHandle {
    let (handle, worker) = BarsHandle::channel();
    let run = move || {
        // What each day was read from, to tell whether a check finds it changed.
        let mut read: HashMap<Day, Option<Stamp>> = HashMap::new();
        let mut logged: HashMap<Day, usize> = HashMap::new();
        while let Some(ask) = worker.next() {
            let day = match ask {
                BarsAsk::Load(day) => day,
                BarsAsk::Check(day) => {
                    let unchanged = match read.get(&day) {
                        Some(Some(s)) => stamp(s.0.clone()) == *s,
                        // Not read, or no file last time: there may be one now (when a folder is set).
                        Some(None) => dir.is_none(),
                        None => true,
                    };
                    if unchanged || !worker.wanted(day) {
                        continue;
                    }
                    day
                }
            };
            let (state, from) = load(dir.as_ref(), bar_s, day);
            // Each malformed row said once in the log, file:line: reason (a growing file read
            // again has the same ones first).
            if let BarsState::Ready(bars) = &state {
                let said = logged.entry(day).or_insert(0);
                for m in bars.malformed.iter().skip(*said) {
                    tracing::warn!("bars: malformed row skipped: {m}");
                }
                *said = (*said).max(bars.malformed.len());
            }
            read.insert(day, from);
            read.retain(|d, _| worker.wanted(*d));
            worker.set(day, state);
        }
    };
    if let Err(e) = std::thread::Builder::new().name("ki2-bars".into()).spawn(run) {
        tracing::warn!("cannot start the bars thread: {e}");
    }
    handle
}

fn load(dir: Option<&PathBuf>, bar_s: Option<u32>, day: Day) -> (BarsState, Option<Stamp>) {
    let Some(dir) = dir else { return (BarsState::Missing(NO_BARS.into()), None) };
    let prices = match PriceFiles::scan(dir) {
        Ok(p) => p,
        Err(e) => return (BarsState::Missing(e.to_string()), None),
    };
    let Some(files) = prices.days.get(&day) else {
        return (BarsState::Missing(format!("no bar file for {day} in {}", dir.display())), None);
    };
    let from = files.first().map(|f| stamp(f.path.clone()));
    let started = std::time::Instant::now();
    let state = match read_day(files, day, bar_s, market_zone()) {
        Ok(Some(bars)) => {
            tracing::info!(
                "bars of {day}: {} bars of {} symbols from {} in {:.2} s ({} malformed rows)",
                bars.bar_count(),
                bars.symbols.len(),
                bars.source.display(),
                started.elapsed().as_secs_f64(),
                bars.malformed.len()
            );
            for w in &bars.warnings {
                tracing::warn!("bars: {w}");
            }
            BarsState::Ready(Arc::new(bars))
        }
        Ok(None) => BarsState::Missing(format!("no bar file for {day} in {}", dir.display())),
        Err(e) => {
            tracing::warn!("bars of {day}: {e}");
            BarsState::Missing(e.to_string())
        }
    };
    (state, from)
}
