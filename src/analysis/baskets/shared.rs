//! One owner of the baskets of the closed days for a running ki2: the alert path (the `baskets`
//! source) and the Baskets view both need them for the same live day, and bringing
//! `baskets.json` up to date is the costly part (a year of archive the first time). Whoever asks
//! first syncs; the other waits on the lock and takes the same result. The alert path's matcher
//! also writes down the live day's bursts as it takes them in, so the view can count today too
//! without matching them a second way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::clusters::Clusters;
use super::state;
use crate::archive::{Archive, Day};
use crate::history::{Builder, IndexPast};

/// The baskets of the closed days before a live day, as `state::sync` left them.
pub struct Closed {
    pub clusters: Clusters,
    /// The closed days taken in, oldest first.
    pub days: Vec<Day>,
    pub warnings: Vec<String>,
}

/// A burst of the live day as the alert path's matcher took it in.
#[derive(Debug, Clone, PartialEq)]
pub struct TodayBurst {
    pub time: u32,
    pub symbols: Vec<String>,
}

#[derive(Default)]
struct Slot {
    /// The live day and the closed days before it that `closed` was synced over.
    key: Option<(Day, Vec<Day>)>,
    closed: Option<Arc<Closed>>,
}

/// The live day's bursts, in the order the matcher took them in. Under a lock of its own: the
/// alert path writes here while a sync may hold the other one.
#[derive(Default)]
struct Today {
    day: Option<Day>,
    bursts: Vec<TodayBurst>,
}

pub struct SharedBaskets {
    builder: Arc<Builder>,
    past: IndexPast,
    similarity: f64,
    slot: Mutex<Slot>,
    today: Mutex<Today>,
    syncs: AtomicUsize,
}

impl SharedBaskets {
    pub fn new(archive: &Archive, builder: Arc<Builder>, similarity: f64) -> Arc<SharedBaskets> {
        Arc::new(SharedBaskets {
            past: IndexPast::new(archive, builder.clone()),
            builder,
            similarity,
            slot: Mutex::new(Slot::default()),
            today: Mutex::new(Today::default()),
            syncs: AtomicUsize::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_today(&self) -> MutexGuard<'_, Today> {
        self.today.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many closed days there are before `day` (listed again for days written since).
    pub fn days_before(&self, day: Day) -> usize {
        self.past.days_before(day).len()
    }

    /// The baskets of the closed days before `day`: synced once for a live day and its closed
    /// days (the lock is held while syncing, so a second caller waits and takes the same); a
    /// failure is not kept, the next caller tries again.
    pub fn closed(&self, day: Day) -> Result<Arc<Closed>, String> {
        let files = self.past.days_before(day);
        let mut days: Vec<Day> = files.iter().map(|f| f.day).collect();
        days.sort();
        let key = (day, days);
        let mut slot = self.lock();
        if slot.key.as_ref() == Some(&key)
            && let Some(c) = &slot.closed
        {
            return Ok(c.clone());
        }
        self.syncs.fetch_add(1, Ordering::Relaxed);
        let synced = state::sync(&self.builder, &files, self.similarity).map_err(|e| format!("{e:#}"))?;
        let closed = Arc::new(Closed { clusters: synced.clusters, days: synced.days, warnings: synced.warnings });
        *slot = Slot { key: Some(key), closed: Some(closed.clone()) };
        Ok(closed)
    }

    /// How many times the closed days were synced (each live day once, unless days changed).
    pub fn syncs(&self) -> usize {
        self.syncs.load(Ordering::Relaxed)
    }

    /// A matcher for `day` starts taking in the day's bursts from its first: what an earlier
    /// one wrote down is forgotten (it would be counted twice).
    pub(super) fn restart_today(&self, day: Day) {
        *self.lock_today() = Today { day: Some(day), bursts: Vec::new() };
    }

    pub(super) fn took_in(&self, day: Day, burst: TodayBurst) {
        let mut today = self.lock_today();
        if today.day != Some(day) {
            *today = Today { day: Some(day), bursts: Vec::new() };
        }
        today.bursts.push(burst);
    }

    /// The live day's bursts the alert path has taken in so far.
    pub fn today(&self, day: Day) -> Vec<TodayBurst> {
        let today = self.lock_today();
        if today.day == Some(day) { today.bursts.clone() } else { Vec::new() }
    }
}
