//! The study for a front end that must not wait for it (the TUI's Edges view): a worker of the
//! command layer computes it when first asked and hands the result over through this handle,
//! as the day index reaches the TUI. The handle reads no file; whoever holds the worker does.
//! Once the closed days' study is there, the front end hands over the live day's events as
//! they come (`live`), and the worker adds the live day on top as its events and bars grow.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard};

use super::live::LiveDay;
use super::{Inputs, Output};
use crate::archive::Day;

/// A finished study: what it was run on, what it found, and what was said along the way
/// (days without bars, unreadable files), each once.
#[derive(Debug, Clone, Default)]
pub struct Study {
    pub inputs: Inputs,
    pub output: Output,
    pub notes: Vec<String>,
    /// The live day, when the study includes it (its last day).
    pub live: Option<Live>,
    /// Every bar row skipped (file:line: reason), by file and line.
    pub malformed: Vec<crate::archive::Malformed>,
}

/// How far the live day in a study has got.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub day: Day,
    /// The end of its latest bar (seconds since midnight): no horizon past it is measured yet.
    pub bars_to: Option<u32>,
}

/// What the front end asks of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// The study over the closed days: all but this live day (unless it has closed too).
    Closed(Day),
    /// Add the live day on top: its events (`StudyWorker::live_day`) or its bars may have grown.
    Live,
}

#[derive(Debug, Clone, Default)]
pub enum StudyState {
    /// Not asked for yet.
    #[default]
    Idle,
    /// Running over this many closed days.
    Computing {
        days: usize,
    },
    /// Nothing to compute, in words that name what would supply it (`--prices DIR`).
    Unavailable(String),
    Ready(Arc<Study>),
    Failed(String),
}

#[derive(Default)]
struct Shared {
    state: StudyState,
    version: u64,
    /// The live day's events as last handed over.
    live: Option<Arc<LiveDay>>,
    /// An `Ask::Live` is on its way: another would only repeat it.
    waking: bool,
}

/// The front end's side: ask for the study, see how far it is.
pub struct StudyHandle {
    shared: Arc<Mutex<Shared>>,
    ask: Sender<Ask>,
}

/// The worker's side: the requests (the live day, which is left out), and where results go.
pub struct StudyWorker {
    shared: Arc<Mutex<Shared>>,
    asks: Receiver<Ask>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

impl StudyHandle {
    pub fn channel() -> (StudyHandle, StudyWorker) {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (ask, asks) = channel();
        (StudyHandle { shared: shared.clone(), ask }, StudyWorker { shared, asks })
    }

    /// A handle whose study is already there (tests; a front end with nothing to compute).
    pub fn fixed(state: StudyState) -> StudyHandle {
        let (handle, worker) = StudyHandle::channel();
        worker.set(state);
        handle
    }

    /// Asks for the study over the closed days (all but `live`, unless `live` has closed too).
    /// Only an idle study is started; asking again changes nothing.
    pub fn request(&self, live: Day) {
        let mut s = lock(&self.shared);
        if matches!(s.state, StudyState::Idle) && self.ask.send(Ask::Closed(live)).is_ok() {
            s.state = StudyState::Computing { days: 0 };
            s.version += 1;
        }
    }

    /// A day has closed: the study done is out of date, and the next request runs it again
    /// (one under way when the day closed finishes without it).
    pub fn outdated(&self) {
        let mut s = lock(&self.shared);
        if !matches!(s.state, StudyState::Idle | StudyState::Computing { .. }) {
            s.state = StudyState::Idle;
            s.version += 1;
        }
    }

    /// The live day's events as they are now (None: as before), and a look at its bars: the
    /// worker adds the live day to a finished study. Nothing is sent before one is finished, nor
    /// while a look is still on its way.
    pub fn live(&self, events: Option<Arc<LiveDay>>) {
        let mut s = lock(&self.shared);
        if events.is_some() {
            s.live = events;
        }
        if matches!(s.state, StudyState::Ready(_)) && !s.waking && self.ask.send(Ask::Live).is_ok() {
            s.waking = true;
        }
    }

    pub fn state(&self) -> (StudyState, u64) {
        let s = lock(&self.shared);
        (s.state.clone(), s.version)
    }

    pub fn version(&self) -> u64 {
        lock(&self.shared).version
    }
}

impl StudyWorker {
    /// The next request, waiting for it; None once the handle is gone.
    pub fn next(&self) -> Option<Ask> {
        self.asks.recv().ok()
    }

    /// A request already waiting, if any (the worker takes the latest of a run of them).
    pub fn waiting(&self) -> Option<Ask> {
        self.asks.try_recv().ok()
    }

    /// The live day's events as last handed over; the next `live` asks again.
    pub fn live_day(&self) -> Option<Arc<LiveDay>> {
        let mut s = lock(&self.shared);
        s.waking = false;
        s.live.clone()
    }

    /// The study with the live day on top: only over a finished study (one out of date as a
    /// day closed, or being computed again, is not brought back by a late live day).
    pub fn update(&self, state: StudyState) {
        let mut s = lock(&self.shared);
        if matches!(s.state, StudyState::Ready(_)) {
            s.state = state;
            s.version += 1;
        }
    }

    pub fn set(&self, state: StudyState) {
        let mut s = lock(&self.shared);
        s.state = state;
        s.version += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_starts_an_idle_study_once_and_the_result_reaches_the_handle() -> Result<(), String> {
        let (handle, worker) = StudyHandle::channel();
        let day = Day::parse_compact("20250714").ok_or("day")?;
        assert!(matches!(handle.state().0, StudyState::Idle));
        handle.request(day);
        handle.request(day);
        assert_eq!(worker.next(), Some(Ask::Closed(day)));
        assert!(matches!(handle.state().0, StudyState::Computing { .. }));
        handle.live(None);
        assert_eq!(worker.waiting(), None, "the live day waits for the closed days' study");
        worker.set(StudyState::Ready(Arc::new(Study::default())));
        let (state, version) = handle.state();
        assert!(matches!(state, StudyState::Ready(_)) && version == 2, "{state:?} {version}");
        handle.live(None);
        handle.live(None);
        assert_eq!(worker.waiting(), Some(Ask::Live));
        assert_eq!(worker.waiting(), None, "one look on its way at a time");
        assert_eq!(worker.live_day(), None);
        handle.live(None);
        assert_eq!(worker.waiting(), Some(Ask::Live), "taken, it can be asked again");
        // A day closes: asked again, it runs again.
        handle.outdated();
        assert!(matches!(handle.state().0, StudyState::Idle));
        handle.request(day);
        assert_eq!(worker.next(), Some(Ask::Closed(day)));
        drop(handle);
        assert_eq!(worker.next(), None, "no request was sent twice");
        Ok(())
    }
}
