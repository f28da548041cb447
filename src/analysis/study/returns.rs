//! Forward returns without look-ahead (SPEC §6). At second t, what is known of a symbol is the
//! close of its last bar that has *ended* (start + length ≤ t); the exit at horizon h is the
//! same question asked at t + h.
//!
//! Two ways to ask it, which must agree (a test holds them together): `forward`, a binary
//! search, for one event at a time; `Walk`, pointers that only move forward, for the
//! baseline's millions of questions asked in time order. A sorted search over a symbol's
//! ~400 bars is what polars' `join_asof` does inside; doing it here keeps polars' `asof_join`
//! feature (a rebuild of polars-ops/-core, minutes on two cores) out of the build and keeps the
//! bars out of frames (see the benchmark in benches/study.rs for the time it takes).

use crate::prices::{DayBars, SymbolBars};

/// An entry bar that ended longer ago than this is stale: the pair is skipped.
pub const STALE_S: u32 = 300;

/// The entry price at `t`: the close of the last bar ended by `t`, if it ended within
/// `STALE_S` and is a price (> 0).
pub fn entry(bars: &SymbolBars, t: u32) -> Option<f64> {
    let bar = bars.known_at(t)?;
    (t - (bar.start + bars.bar_s) <= STALE_S && bar.close > 0.0).then_some(bar.close)
}

/// The return from `t` to `t + h` in basis points, or `None` when the pair is skipped.
pub fn forward(bars: &SymbolBars, t: u32, h: u32) -> Option<f64> {
    let entry = entry(bars, t)?;
    known(bars, t + h).map(|exit| bp(entry, exit))
}

/// The close known at `at`, if `at` is not past the day's last bar.
pub fn known(bars: &SymbolBars, at: u32) -> Option<f64> {
    if at > bars.last_end()? {
        return None;
    }
    bars.known_at(at).map(|b| b.close)
}

pub fn bp(entry: f64, exit: f64) -> f64 {
    (exit / entry - 1.0) * 10_000.0
}

/// The return from `t` to the symbol's latest bar (the day's last, once it has closed), in basis
/// points: the study's `forward` with the horizon running to the last bar's end. `None` when
/// there is no entry at `t` or no bar has ended after it yet.
pub fn so_far(bars: &SymbolBars, t: u32) -> Option<f64> {
    let h = bars.last_end()?.checked_sub(t).filter(|h| *h > 0)?;
    forward(bars, t, h)
}

/// The mean of `so_far` over an event's symbols (a burst's hit symbols).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoFar {
    /// Symbols with a return.
    pub n: usize,
    /// Symbols asked about.
    pub of: usize,
    /// Their mean return (bp), when `n > 0`.
    pub mean_bp: Option<f64>,
}

pub fn mean_so_far<'a>(bars: &DayBars, symbols: impl IntoIterator<Item = &'a str>, t: u32) -> SoFar {
    let (mut of, mut n, mut sum) = (0, 0, 0.0);
    for s in symbols {
        of += 1;
        if let Some(r) = bars.get(s).and_then(|b| so_far(b, t)) {
            n += 1;
            sum += r;
        }
    }
    SoFar { n, of, mean_bp: (n > 0).then(|| sum / n as f64) }
}

/// Forward returns at ascending times `t` over one symbol's bars: each pointer only moves
/// forward, so a day's questions cost one pass over its bars.
pub struct Walk<'a> {
    bars: &'a SymbolBars,
    /// Bars ended by the last `t` asked (the entry is the one before).
    entry: usize,
    /// Bars ended by `t + h`, per horizon.
    exits: Vec<usize>,
    last_end: u32,
}

impl<'a> Walk<'a> {
    pub fn new(bars: &'a SymbolBars, horizons: usize) -> Walk<'a> {
        Walk { bars, entry: 0, exits: vec![0; horizons], last_end: bars.last_end().unwrap_or(0) }
    }

    /// Bars ended by `at`, counted on from `from`.
    fn ended(&self, mut from: usize, at: u32) -> usize {
        let b = &self.bars.bars;
        while from < b.len() && b[from].start + self.bars.bar_s <= at {
            from += 1;
        }
        from
    }

    /// The returns at `t` (not before the last `t` asked) for each horizon, written into `out`
    /// (`None` where skipped); `false` when there is no entry at all.
    pub fn at(&mut self, t: u32, horizons: &[u32], out: &mut [Option<f64>]) -> bool {
        self.entry = self.ended(self.entry, t);
        let bars = &self.bars.bars;
        let entry = self
            .entry
            .checked_sub(1)
            .map(|i| &bars[i])
            .filter(|b| t - (b.start + self.bars.bar_s) <= STALE_S && b.close > 0.0);
        let Some(entry) = entry.map(|b| b.close) else {
            out.iter_mut().for_each(|o| *o = None);
            return false;
        };
        for (k, &h) in horizons.iter().enumerate() {
            let at = t + h;
            out[k] = if at > self.last_end {
                None
            } else {
                self.exits[k] = self.ended(self.exits[k].max(self.entry), at);
                Some(bp(entry, bars[self.exits[k] - 1].close))
            };
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prices::Bar;

    fn bars(bar_s: u32, closes: &[(u32, f64)]) -> SymbolBars {
        let bars = closes.iter().map(|&(start, close)| Bar {
            start,
            open: close,
            high: close,
            low: close,
            close,
            volume: 1.0,
        });
        SymbolBars { bar_s, bars: bars.collect() }
    }

    #[test]
    fn the_entry_never_holds_a_price_from_after_the_event() {
        // One-second bars: the bar starting at t ends at t + 1, after the event.
        let b = bars(1, &[(99, 100.0), (100, 110.0), (101, 110.0)]);
        assert_eq!(entry(&b, 100), Some(100.0));
        assert!(forward(&b, 100, 1).is_some_and(|r| (r - 1000.0).abs() < 1e-9));
        // A minute bar still running at the event is not known yet.
        let m = bars(60, &[(600, 100.0), (660, 120.0)]);
        assert_eq!(entry(&m, 719), Some(100.0));
        assert!(forward(&m, 719, 1).is_some_and(|r| (r - 2000.0).abs() < 1e-9));
    }

    #[test]
    fn stale_entries_late_exits_and_bad_prices_are_skipped() {
        let b = bars(60, &[(0, 10.0), (600, 11.0), (660, 12.1), (720, 0.0)]);
        assert_eq!(entry(&b, 360), Some(10.0), "ended exactly 300 s before");
        assert_eq!(entry(&b, 361), None, "ended 301 s before");
        assert!(forward(&b, 660, 60).is_some_and(|r| (r - 1000.0).abs() < 1e-9));
        assert_eq!(forward(&b, 660, 120).map(|r| r.round()), Some(-10_000.0), "the exit at the last bar's end");
        assert_eq!(forward(&b, 660, 121), None, "past the day's last bar");
        assert_eq!(entry(&b, 780), None, "a close of 0 is no price");
    }

    #[test]
    fn so_far_runs_from_the_entry_to_the_latest_bar_and_never_enters_after_the_event() {
        // One-second bars; the bar starting at the event's second ends after it: not the entry.
        let b = bars(1, &[(98, 100.0), (99, 100.0), (100, 200.0), (101, 200.0), (500, 101.0)]);
        assert!(so_far(&b, 100).is_some_and(|r| (r - 100.0).abs() < 1e-9), "{:?}", so_far(&b, 100));
        assert_eq!(so_far(&b, 501), None, "no bar has ended after it");
        let mut day = DayBars::default();
        day.symbols.insert("A".into(), b);
        day.symbols.insert("B".into(), bars(1, &[(99, 50.0), (200, 49.0)]));
        day.symbols.insert("C".into(), bars(1, &[(300, 10.0)]));
        let m = mean_so_far(&day, ["A", "B", "C", "D"], 100);
        assert_eq!((m.n, m.of), (2, 4));
        assert!(m.mean_bp.is_some_and(|r| (r - (100.0 - 200.0) / 2.0).abs() < 1e-9), "{m:?}");
    }

    #[test]
    fn the_walk_agrees_with_the_search_at_every_second() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut closes = Vec::new();
        let mut start = 30_000;
        for _ in 0..200 {
            start += 60 * (1 + u32::from(rng.u8(0..10) == 0) * rng.u32(1..8));
            closes.push((start, if rng.u8(0..50) == 0 { 0.0 } else { 50.0 + rng.f64() * 10.0 }));
        }
        let b = bars(60, &closes);
        let horizons = [60, 300, 900, 1800];
        let mut walk = Walk::new(&b, horizons.len());
        let mut out = [None; 4];
        for t in (29_000..start + 4_000).step_by(7) {
            let has = walk.at(t, &horizons, &mut out);
            assert_eq!(has, entry(&b, t).is_some(), "t {t}");
            for (k, &h) in horizons.iter().enumerate() {
                assert_eq!(out[k], forward(&b, t, h), "t {t} h {h}");
            }
        }
    }
}
