//! The `baskets` alert source over the day index: for a day, the baskets of the closed days
//! before it (kept beside the index, brought up to date first), then that day's bursts as
//! their symbols files come.

use std::sync::Arc;

use super::clusters::Clusters;
use super::state;
use crate::alerts::{BasketMatch, BasketMatcher, BasketSource};
use crate::archive::{Archive, Day, SecondOfDay};
use crate::history::{Builder, IndexPast};

pub struct IndexBaskets {
    builder: Arc<Builder>,
    past: IndexPast,
    similarity: f64,
}

impl IndexBaskets {
    pub fn new(archive: &Archive, builder: Arc<Builder>, similarity: f64) -> IndexBaskets {
        IndexBaskets { past: IndexPast::new(archive, builder.clone()), builder, similarity }
    }
}

impl BasketSource for IndexBaskets {
    fn matcher(&self, day: Day) -> Result<Box<dyn BasketMatcher>, String> {
        let days = self.past.days_before(day);
        let synced = state::sync(&self.builder, &days, self.similarity).map_err(|e| format!("{e:#}"))?;
        Ok(Box::new(DayMatcher { clusters: synced.clusters, day }))
    }
}

/// The baskets before a day, and that day's bursts taken in as they come.
pub struct DayMatcher {
    pub clusters: Clusters,
    pub day: Day,
}

impl BasketMatcher for DayMatcher {
    fn add(&mut self, time: SecondOfDay, symbols: &[&str]) -> Option<BasketMatch> {
        let joined = self.clusters.add(self.day, time.secs(), None, None, symbols)?;
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
