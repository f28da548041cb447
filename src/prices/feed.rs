//! A day's bars for a front end that must not wait for them (the TUI's symbol view and the
//! selected burst's return): it asks through this handle, a worker of the command layer reads
//! the file and hands the bars back. The handle reads no file; whoever holds the worker does.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard};

use super::DayBars;
use crate::archive::Day;

/// Where a day's bars are.
#[derive(Debug, Clone)]
pub enum BarsState {
    /// Asked for, not read yet.
    Loading,
    Ready(Arc<DayBars>),
    /// None to be had, in words that name what would supply them (`--prices DIR`, the file).
    Missing(String),
}

/// What the front end asks of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarsAsk {
    /// Read the day.
    Load(Day),
    /// Read the day again if its file changed (or one came): the live day's bars grow.
    Check(Day),
}

#[derive(Default)]
struct Shared {
    days: BTreeMap<Day, BarsState>,
    version: u64,
}

/// The front end's side.
pub struct BarsHandle {
    shared: Arc<Mutex<Shared>>,
    ask: Sender<BarsAsk>,
}

/// The worker's side: the requests, and where the bars go.
pub struct BarsWorker {
    shared: Arc<Mutex<Shared>>,
    asks: Receiver<BarsAsk>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

impl BarsHandle {
    pub fn channel() -> (BarsHandle, BarsWorker) {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (ask, asks) = channel();
        (BarsHandle { shared: shared.clone(), ask }, BarsWorker { shared, asks })
    }

    /// Asks for `day` unless it is known or asked for already. Days not in `keep` (nor `day`)
    /// are forgotten: a day's bars are tens of MB, and only the days on screen are wanted.
    pub fn want(&self, day: Day, keep: &[Day]) {
        let mut s = lock(&self.shared);
        let before = s.days.len();
        s.days.retain(|d, _| *d == day || keep.contains(d));
        let mut changed = s.days.len() != before;
        if !s.days.contains_key(&day) && self.ask.send(BarsAsk::Load(day)).is_ok() {
            s.days.insert(day, BarsState::Loading);
            changed = true;
        }
        if changed {
            s.version += 1;
        }
    }

    /// Asks the worker to read `day` again if its file has changed since it was read.
    pub fn check(&self, day: Day) {
        let _ = self.ask.send(BarsAsk::Check(day));
    }

    /// The days known, and the version they are at (cheap: the bars are shared).
    pub fn days(&self) -> (BTreeMap<Day, BarsState>, u64) {
        let s = lock(&self.shared);
        (s.days.clone(), s.version)
    }

    pub fn version(&self) -> u64 {
        lock(&self.shared).version
    }
}

impl BarsWorker {
    /// The next request, waiting for it; None once the handle is gone.
    pub fn next(&self) -> Option<BarsAsk> {
        self.asks.recv().ok()
    }

    /// Whether the front end still wants `day` (it may have moved on while it was read).
    pub fn wanted(&self, day: Day) -> bool {
        lock(&self.shared).days.contains_key(&day)
    }

    /// The day's bars, or why there are none; dropped if the day is no longer wanted.
    pub fn set(&self, day: Day, state: BarsState) {
        let mut s = lock(&self.shared);
        if let Some(slot) = s.days.get_mut(&day) {
            *slot = state;
            s.version += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_asked_for_once_and_days_not_kept_are_forgotten() -> Result<(), String> {
        let (handle, worker) = BarsHandle::channel();
        let d = |s: &str| Day::parse_compact(s).ok_or(format!("day {s}"));
        let (a, b, c) = (d("20250714")?, d("20250715")?, d("20250716")?);
        handle.want(a, &[]);
        handle.want(a, &[]);
        assert_eq!(worker.next(), Some(BarsAsk::Load(a)));
        worker.set(a, BarsState::Ready(Arc::new(DayBars::default())));
        assert!(matches!(handle.days().0.get(&a), Some(BarsState::Ready(_))));
        handle.want(b, &[a]);
        handle.want(c, &[b]);
        assert_eq!(worker.next(), Some(BarsAsk::Load(b)));
        assert_eq!(worker.next(), Some(BarsAsk::Load(c)));
        let days: Vec<Day> = handle.days().0.keys().copied().collect();
        assert_eq!(days, [b, c], "a was not kept");
        assert!(!worker.wanted(a));
        worker.set(a, BarsState::Missing("late".into()));
        assert!(!handle.days().0.contains_key(&a), "a late answer for a forgotten day is dropped");
        drop(handle);
        assert_eq!(worker.next(), None);
        Ok(())
    }
}
