//! The `baskets` alert source over the day index: for a day, the baskets of the closed days
//! before it (kept beside the index, brought up to date first, through the owner the Baskets
//! view shares), then that day's bursts as their symbols files come.

use std::sync::Arc;

use super::clusters::Clusters;
use super::shared::{SharedBaskets, TodayBurst};
use crate::alerts::{BasketMatch, BasketMatcher, BasketSource};
use crate::archive::{Archive, Day, SecondOfDay};
use crate::history::Builder;

pub struct IndexBaskets {
    shared: Arc<SharedBaskets>,
}

impl IndexBaskets {
    pub fn new(archive: &Archive, builder: Arc<Builder>, similarity: f64) -> IndexBaskets {
        IndexBaskets::sharing(SharedBaskets::new(archive, builder, similarity))
    }

    /// Over baskets the Baskets view shares (`BasketsWorker::sharing`): synced once for both.
    pub fn sharing(shared: Arc<SharedBaskets>) -> IndexBaskets {
        IndexBaskets { shared }
    }
}

impl BasketSource for IndexBaskets {
    fn matcher(&self, day: Day) -> Result<Box<dyn BasketMatcher>, String> {
        let closed = self.shared.closed(day)?;
        self.shared.restart_today(day);
        // The matcher adds the day's bursts to a copy: the closed days' stay as synced for the
        // view and for the next matcher.
        Ok(Box::new(DayMatcher { clusters: closed.clusters.clone(), day, shared: Some(self.shared.clone()) }))
    }
}

/// The baskets before a day, and that day's bursts taken in as they come.
pub struct DayMatcher {
    pub clusters: Clusters,
    pub day: Day,
    /// Where the day's bursts are written down for the Baskets view.
    pub shared: Option<Arc<SharedBaskets>>,
}

impl BasketMatcher for DayMatcher {
    fn add(&mut self, time: SecondOfDay, symbols: &[&str]) -> Option<BasketMatch> {
        let joined = self.clusters.add(self.day, time.secs(), None, None, symbols)?;
        if let Some(shared) = &self.shared {
            let burst = TodayBurst { time: time.secs(), symbols: symbols.iter().map(|s| s.to_string()).collect() };
            shared.took_in(self.day, burst);
        }
        let basket = self.clusters.baskets().get(joined.basket as usize)?;
        Some(BasketMatch {
            id: basket.id(),
            bursts: joined.bursts_before,
            days: joined.days_before,
            similarity: joined.similarity,
            core: basket.core().len(),
        })
    }
}
