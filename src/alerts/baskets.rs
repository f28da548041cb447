//! The `baskets` source's view of the baskets analysis (which lives in a layer above): a
//! matcher that takes in the day's bursts one symbols file at a time and says which basket
//! each joined and how that basket stood before it.

use crate::archive::{Day, SecondOfDay};

/// The basket a burst joined.
#[derive(Debug, Clone, PartialEq)]
pub struct BasketMatch {
    /// `B20250701-093512`: named after the basket's first burst.
    pub id: String,
    /// The basket's bursts before this one, and the distinct days they fell on.
    pub bursts: u32,
    pub days: u32,
    /// Jaccard similarity of the burst's symbols to the core it joined; None when the burst
    /// started a basket of its own.
    pub similarity: Option<f64>,
    /// The basket's core size once the burst has joined.
    pub core: usize,
}

/// The baskets of the days before one day, and that day's bursts as they come.
pub trait BasketMatcher: Send {
    /// Takes in a burst of the day (the symbols of its file); None when it is too small to be
    /// matched (a handful of symbols is nobody's fingerprint).
    fn add(&mut self, time: SecondOfDay, symbols: &[&str]) -> Option<BasketMatch>;
}

/// Where the baskets come from (the baskets analysis over the day index).
pub trait BasketSource: Send + Sync {
    /// A matcher holding the baskets of the closed days before `day`; the error says why none.
    fn matcher(&self, day: Day) -> Result<Box<dyn BasketMatcher>, String>;
}
