//! The baskets kept beside the day index, so that a closed day's bursts are matched once and a
//! year of archive is not clustered again at each start: `baskets.json` in the archive's index
//! folder holds every burst taken in (its symbols and the basket it joined), the days they came
//! from with a fingerprint of each day's source files, and the similarity they were matched
//! with. Loading replays the assignments (no matching); a day whose files changed, or a day
//! added before the last one taken in, sends the state back to just before it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::clusters::{Clusters, Occurrence};
use crate::archive::{Day, DayFiles, ProgType};
use crate::history::Builder;

/// Bumped when the file's meaning changes: an older file is rebuilt, never misread.
const VERSION: u32 = 1;
const FILE: &str = "baskets.json";

#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    version: u32,
    similarity: f64,
    names: Vec<String>,
    days: Vec<SavedDay>,
    bursts: Vec<SavedBurst>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SavedDay {
    day: String,
    key: u64,
}

/// `[day index, time, prog type (1 buy, 0 sell, -1 und, null), s1, basket, similarity, symbols]`
#[derive(Debug, Serialize, Deserialize)]
struct SavedBurst(u32, u32, Option<i8>, Option<u32>, u32, Option<f64>, Vec<u32>);

/// The baskets of closed days, and the days they were built from.
pub struct Synced {
    pub clusters: Clusters,
    pub days: Vec<Day>,
    /// Days whose files could not all be read (taken in with what could), a state file that
    /// could not be used or saved.
    pub warnings: Vec<String>,
}

pub fn path(index_dir: &Path) -> PathBuf {
    index_dir.join(FILE)
}

/// The baskets of `days` (any order; each taken in time order): the saved state where it
/// still holds, the rest matched now and saved. A saved state that goes past `days` (a later
/// day taken in by another command) is used up to them and left as it is.
pub fn sync(builder: &Builder, days: &[DayFiles], similarity: f64) -> Result<Synced> {
    let mut days: Vec<&DayFiles> = days.iter().collect();
    days.sort_by_key(|f| f.day);
    let keys: Vec<SavedDay> =
        days.iter().map(|f| SavedDay { day: f.day.compact(), key: builder.sources_key(f) }).collect();
    let file = path(builder.dir());
    let mut warnings = Vec::new();
    let saved = match load(&file, similarity) {
        Ok(s) => s,
        Err(why) => {
            if let Some(why) = why {
                tracing::warn!("{why}");
                warnings.push(why);
            }
            None
        }
    };
    let (mut clusters, held) = match saved {
        Some((clusters_all, saved_days)) => {
            let held = saved_days.iter().zip(&keys).take_while(|(a, b)| a == b).count();
            let clusters = match saved_days.get(held).and_then(|d| Day::parse_compact(&d.day)) {
                Some(first_dropped) => clusters_all.before(first_dropped),
                None => clusters_all,
            };
            (clusters, held)
        }
        None => (Clusters::new(similarity), 0),
    };
    for f in &days[held..] {
        let got = builder.get_with_bursts(f).with_context(|| format!("baskets: cannot read the index of {}", f.day))?;
        if !got.errors.is_empty() {
            let w = format!("baskets: {} taken in without {} unreadable file(s)", f.day, got.errors.len());
            tracing::warn!("{w}");
            warnings.push(w);
        }
        take_day(&mut clusters, &got.summary);
    }
    // Only a state with days matched now is written: one that holds all of `days` and more (a
    // later day another command took in) is left as it is.
    if held < keys.len()
        && let Err(e) = save(&file, &clusters, &keys)
    {
        let w = format!("baskets: cannot save {}: {e:#}", file.display());
        tracing::warn!("{w}");
        warnings.push(w);
    }
    Ok(Synced { clusters, days: days.iter().map(|f| f.day).collect(), warnings })
}

/// A closed day's bursts, in time order, with their burst rows' side and S1.
pub fn take_day(clusters: &mut Clusters, summary: &crate::history::DaySummary) {
    let rows: std::collections::HashMap<u32, &crate::history::BurstFact> =
        summary.bursts.iter().map(|b| (b.time, b)).collect();
    for (t, symbols) in summary.burst_symbols() {
        let row = rows.get(&t.secs());
        clusters.add(summary.day, t.secs(), row.map(|b| b.prog_type), row.map(|b| b.s1), &symbols);
    }
}

/// The saved state, if it is whole, this version's and matched with `similarity`; Err(None)
/// when there is none (or it is outdated), Err(Some(why)) when it cannot be used.
fn load(file: &Path, similarity: f64) -> Result<Option<(Clusters, Vec<SavedDay>)>, Option<String>> {
    let text = match std::fs::read(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(None),
        Err(e) => return Err(Some(format!("baskets: cannot read {}: {e}; matching again", file.display()))),
    };
    let unusable = |why: String| Some(format!("baskets: {} unusable ({why}); matching again", file.display()));
    let saved: Saved = serde_json::from_slice(&text).map_err(|e| unusable(e.to_string()))?;
    if saved.version != VERSION || saved.similarity != similarity {
        return Err(None);
    }
    let mut clusters = Clusters::new(similarity);
    for n in &saved.names {
        clusters.number(n);
    }
    if clusters.names().len() != saved.names.len() {
        return Err(unusable("a symbol named twice".into()));
    }
    let days: Vec<Day> = saved
        .days
        .iter()
        .map(|d| Day::parse_compact(&d.day))
        .collect::<Option<_>>()
        .ok_or_else(|| unusable("a day that is not YYYYMMDD".into()))?;
    if days.windows(2).any(|w| w[0] >= w[1]) {
        return Err(unusable("days out of order".into()));
    }
    let mut occurrences = Vec::with_capacity(saved.bursts.len());
    for SavedBurst(d, time, prog, s1, basket, similarity, symbols) in saved.bursts {
        let day = *days.get(d as usize).ok_or_else(|| unusable(format!("a burst of day number {d}")))?;
        let prog_type = prog.map(|p| match p {
            1 => ProgType::Buy,
            0 => ProgType::Sell,
            _ => ProgType::Und,
        });
        occurrences.push(Occurrence { day, time, prog_type, s1, symbols, basket, similarity });
    }
    if occurrences.windows(2).any(|w| (w[0].day, w[0].time) > (w[1].day, w[1].time)) {
        return Err(unusable("bursts out of order".into()));
    }
    clusters.replay(occurrences).map_err(unusable)?;
    Ok(Some((clusters, saved.days)))
}

fn save(file: &Path, clusters: &Clusters, days: &[SavedDay]) -> Result<()> {
    let index: std::collections::HashMap<String, u32> =
        days.iter().enumerate().map(|(i, d)| (d.day.clone(), i as u32)).collect();
    let bursts = clusters
        .occurrences()
        .iter()
        .filter_map(|o| {
            let d = *index.get(&o.day.compact())?;
            let prog = o.prog_type.map(|p| p.code());
            Some(SavedBurst(d, o.time, prog, o.s1, o.basket, o.similarity, o.symbols.clone()))
        })
        .collect();
    let saved = Saved {
        version: VERSION,
        similarity: clusters.similarity(),
        names: clusters.names().iter().map(|n| n.to_string()).collect(),
        days: days.to_vec(),
        bursts,
    };
    let text = serde_json::to_string(&saved)?;
    crate::atomic_file::write(file, &text, "baskets")
}
