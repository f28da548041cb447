//! Analyses over the day index, the store and price bars: pure functions of their inputs, so a
//! test can hold each figure against an independent computation. Never draws, never tails.

pub mod baskets;
pub mod normals;
