//! What the archive's events did to prices: figures computed from the index, the store and
//! the bars, as pure functions of their inputs (so a test can hold them against polars). Never
//! draws, never tails.

pub mod study;
