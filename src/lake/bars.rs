//! Price bars in the lake: `L/bars/date=YYYY-MM-DD/part-0.parquet`, one file a day, replaced
//! whole (written aside, synced, renamed) so a reader sees the old file or the new one. Written
//! by `ki2 export --prices` for the days it exports, and while following (`export --follow`,
//! `watch` with `[lake] dir`) for each archive day with bars whenever its bars file is newer than
//! its part: a closed day once, today each time its bars file grows.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};

use crate::archive::day::market_zone;
use crate::archive::{Archive, Day, Malformed};
use crate::prices::{PriceFiles, frame, read_day};

/// How often a follower looks at the newest day's bars file: bars come a minute at a time.
const POLL: Duration = Duration::from_secs(2);

/// How often it lists the archive and the prices folder again (new days, closed days' files
/// replaced): a year of archive is thousands of folders, not something to walk every 2 s.
const RELIST: Duration = Duration::from_secs(60);

/// A day's bars written: how many, and what reading them said.
#[derive(Debug, Default)]
pub struct Written {
    pub rows: usize,
    pub warnings: Vec<String>,
    pub malformed: Vec<Malformed>,
}

/// The day's part in the lake under `out`.
pub fn part(out: &Path, day: Day) -> PathBuf {
    out.join("bars").join(format!("date={day}")).join("part-0.parquet")
}

/// Writes the day's bars as its part; `None` when `prices` has no bars for it.
pub fn write_day(prices: &PriceFiles, day: Day, bar_s: Option<u32>, out: &Path) -> Result<Option<Written>> {
    let Some(files) = prices.days.get(&day) else { return Ok(None) };
    let Some(bars) = read_day(files, day, bar_s, market_zone())? else { return Ok(None) };
    let mut df = frame(day, &bars)?;
    let path = part(out, day);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    crate::atomic_file::write_parquet(&path, &mut df, "part")?;
    Ok(Some(Written { rows: df.height(), warnings: bars.warnings, malformed: bars.malformed }))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Keeps the lake's bars up to date on a thread of its own; dropping it stops the thread.
pub struct BarsFollower {
    _stop: Sender<()>,
}

impl BarsFollower {
    /// Follows the bars of `root`'s days from `prices` into `out`.
    pub fn spawn(root: PathBuf, prices: PathBuf, bar_s: Option<u32>, out: PathBuf) -> Result<BarsFollower> {
        let (stop, stopped) = channel::<()>();
        let run = move || {
            // The bars files that could not be written from (by modification time): not tried
            // again until they change.
            let mut tried: std::collections::HashMap<Day, Option<SystemTime>> = Default::default();
            let mut listed: Option<(Instant, Vec<Day>, PriceFiles)> = None;
            loop {
                if listed.as_ref().is_none_or(|(at, _, _)| at.elapsed() >= RELIST) {
                    listed = match (Archive::discover(&root), PriceFiles::scan(&prices)) {
                        (Ok(a), Ok(f)) => Some((Instant::now(), a.days.keys().copied().collect(), f)),
                        _ => None,
                    };
                    if let Some((_, days, files)) = &listed {
                        round(days, files, bar_s, &out, &mut tried);
                    }
                } else if let Some((_, days, files)) = &listed {
                    // Between listings only the newest day's file grows.
                    round(&days[days.len().saturating_sub(1)..], files, bar_s, &out, &mut tried);
                }
                if !matches!(stopped.recv_timeout(POLL), Err(RecvTimeoutError::Timeout)) {
                    return;
                }
            }
        };
        std::thread::Builder::new().name("ki2-lake-bars".into()).spawn(run).context("cannot start the lake's bars")?;
        Ok(BarsFollower { _stop: stop })
    }
}

/// One look: each of `days` whose bars file is newer than its part (or has none) is written.
fn round(
    days: &[Day],
    files: &PriceFiles,
    bar_s: Option<u32>,
    out: &Path,
    tried: &mut std::collections::HashMap<Day, Option<SystemTime>>,
) {
    for day in days {
        let Some(source) = files.days.get(day).and_then(|f| f.first()) else { continue };
        let from = modified(&source.path);
        let written = modified(&part(out, *day));
        if written.is_some_and(|w| from.is_some_and(|f| f <= w)) || tried.get(day) == Some(&from) {
            continue;
        }
        match write_day(files, *day, bar_s, out) {
            Ok(Some(w)) => {
                tried.remove(day);
                tracing::info!("lake: bars of {day}: {} rows", w.rows);
                for m in &w.malformed {
                    tracing::warn!("lake: bars of {day}: malformed row skipped: {m}");
                }
            }
            Ok(None) => {}
            Err(e) => {
                tried.insert(*day, from);
                tracing::warn!("lake: bars of {day}: {e:#}");
            }
        }
    }
}
