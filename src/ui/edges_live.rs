//! The live day for the Edges view: while the view is open over a finished study, the live
//! day's events as the store has them now are handed to the study's worker every few seconds
//! (only when the store has changed), with a look at the live day's bars each time; the worker
//! adds the day on top and the view takes the new study as it takes any.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::app::App;
use super::overlay::Overlay;
use crate::analysis::study::StudyState;
use crate::analysis::study::live::{Gathered, LiveDay};

/// How often the live day is looked at: bars come a minute at a time.
const EVERY: Duration = Duration::from_secs(2);

/// What was handed over last: the store's version then, and when.
#[derive(Debug, Default)]
pub struct Feed {
    kept: Gathered,
    version: Option<u64>,
    at: Option<Instant>,
}

impl App {
    /// Hands the live day over when it is time (watching live, the view open on a finished study).
    pub(super) fn feed_edges(&mut self) {
        if !self.opts.live {
            return;
        }
        let (Some(h), Overlay::Edges(v)) = (&self.data.study, &mut self.view.overlay) else { return };
        if !matches!(v.state, StudyState::Ready(_)) || v.feed.at.is_some_and(|t| t.elapsed() < EVERY) {
            return;
        }
        v.feed.at = Some(Instant::now());
        let store = &self.data.live;
        let events = (v.feed.version != Some(store.version())).then(|| {
            v.feed.version = Some(store.version());
            Arc::new(LiveDay::of(store, &mut v.feed.kept))
        });
        h.live(events);
    }
}
