//! Analyses over the day index, the store and price bars: what the archive's events did to
//! prices (`study`), recurring baskets of symbols (`baskets`), each symbol against its own
//! normal (`normals`). Pure functions of their inputs, so a test can hold each figure against
//! an independent computation. Never draws, never tails.

pub mod baskets;
pub mod normals;
pub mod study;
