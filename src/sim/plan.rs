//! The shape of one simulated day, decided up front from the seed: how many hft1 rows each
//! second carries, the S1/S2 series, when bursts fire and what they look like, and where the
//! quirks go. Deciding these first is what lets a profile promise exact totals (1,000,000 rows,
//! 400 bursts) while the seconds themselves stay bursty.

use fastrand::Rng;

use super::bursts;
use super::{CLOSE, DAY_END, DAY_START, OPEN, Profile};
use crate::archive::{Background, Grade, ProgType};

/// Most hft1 rows (distinct symbols) one second may carry; the universe holds ~2,460 symbols.
pub const MAX_ROWS_PER_SECOND: u32 = 500;

/// A line that is not a row, the way the vendor's files sometimes hold one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLine {
    TooFewFields,
    NotANumber,
    BadTime,
}

impl BadLine {
    pub fn random(rng: &mut Rng) -> BadLine {
        [BadLine::TooFewFields, BadLine::NotANumber, BadLine::BadTime][rng.usize(0..3)]
    }
}

/// Something written before a row that is not a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quirk {
    Blank,
    Malformed(BadLine),
}

/// What happens to a burst's symbols file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolsFate {
    /// Written this many seconds after the burst row (usually 0).
    After(u32),
    /// Never written.
    Missing,
}

#[derive(Debug, Clone)]
pub struct PlannedBurst {
    pub time: u32,
    pub grade: Grade,
    pub prog_type: ProgType,
    pub background: Background,
    pub s1: u32,
    pub s2: u32,
    pub symbols: SymbolsFate,
    pub quirk: Option<Quirk>,
    /// A player's fire (its symbols file holds the player's basket), or a random burst.
    pub fire: Option<super::players::Fire>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SeriesQuirks {
    pub hft2: Option<Quirk>,
    pub hft3: Option<Quirk>,
}

pub struct DayPlan {
    /// hft1 rows per second, `DAY_START..=DAY_END`.
    pub rows: Vec<u32>,
    /// S1 (hft3) and S2 (hft2) per second, `OPEN..=CLOSE`.
    pub s1: Vec<u32>,
    pub s2: Vec<u32>,
    pub series_quirks: Vec<SeriesQuirks>,
    /// In time order, at most one per second.
    pub bursts: Vec<PlannedBurst>,
}

impl DayPlan {
    pub fn new(profile: Profile, rng: &mut Rng) -> DayPlan {
        let (row_total, burst_total) = match profile {
            Profile::Normal => (135_000 + rng.u64(0..=30_000), 270 + rng.usize(0..=60)),
            Profile::Heavy => (1_000_000, 400),
        };
        let burst_times = bursts::schedule(burst_total, rng);
        let weights = quote_weights(&burst_times, rng);
        let rows = allocate(&weights, row_total, MAX_ROWS_PER_SECOND);
        let (mut s1, mut s2) = base_series(&rows, rng);
        let bursts = bursts::rows(&burst_times, &mut s1, &mut s2, rng);
        let series_quirks = series_quirks(rng);
        DayPlan { rows, s1, s2, series_quirks, bursts }
    }

    pub fn rows_at(&self, t: u32) -> u32 {
        t.checked_sub(DAY_START).and_then(|i| self.rows.get(i as usize)).copied().unwrap_or(0)
    }
}

/// Roughly normal with mean 0 and standard deviation 1 (a sum of uniforms: no transcendental
/// functions, cheap, and plenty for noise).
pub fn normal(rng: &mut Rng) -> f64 {
    (rng.f64() + rng.f64() + rng.f64() - 1.5) * 2.0
}

/// Exponentially distributed with the given mean.
pub fn exponential(rng: &mut Rng, mean: f64) -> f64 {
    -(1.0 - rng.f64()).ln() * mean
}

fn bump(t: u32, center: u32, width: f64) -> f64 {
    let x = (f64::from(t) - f64::from(center)) / width;
    (-x * x).exp()
}

/// Expected quote-stuffing activity by time of day (1.0 = a quiet midday second): quiet pre-
/// and post-market with economic-data bumps at 08:30 and 10:00, a surge at the open, a ramp
/// into the close and a burst of after-hours news just after it.
fn quote_intensity(t: u32) -> f64 {
    if t < OPEN {
        let warm = (f64::from(t - DAY_START) / f64::from(OPEN - DAY_START)).powi(3) * 0.6;
        0.08 + warm + 0.8 * bump(t, 8 * 3600, 90.0) + 1.2 * bump(t, 8 * 3600 + 1800, 120.0)
    } else if t <= CLOSE {
        let since_open = f64::from(t - OPEN);
        let to_close = f64::from(CLOSE - t);
        let lunch = bump(t, 12 * 3600 + 1800, 3600.0);
        1.0 + 7.0 * (-since_open / 420.0).exp()
            + 1.5 * (-since_open / 3600.0).exp()
            + 3.0 * (-to_close / 300.0).exp()
            + (-to_close / 1800.0).exp()
            + 0.8 * bump(t, 10 * 3600, 60.0)
            - 0.3 * lunch
    } else {
        let since = f64::from(t - CLOSE);
        0.05 + 2.5 * (-since / 180.0).exp() + 0.3 * (-since / 1800.0).exp()
    }
}

/// Weights per second of `DAY_START..=DAY_END`: the intensity, a slowly wandering mood, noise,
/// a dozen or two quote storms, and extra activity at burst seconds.
fn quote_weights(burst_times: &[(u32, ProgType)], rng: &mut Rng) -> Vec<f64> {
    let n = (DAY_END - DAY_START + 1) as usize;
    let mut mood = 0.0;
    let mut w: Vec<f64> = (DAY_START..=DAY_END)
        .map(|t| {
            mood = 0.995 * mood + 0.05 * normal(rng);
            quote_intensity(t) * (mood + 0.35 * normal(rng)).exp()
        })
        .collect();
    for _ in 0..12 + rng.usize(0..12) {
        let start = if rng.f64() < 0.8 { rng.u32(OPEN..CLOSE) } else { rng.u32(DAY_START..DAY_END) };
        let len = 3 + rng.u32(0..35);
        let peak = 4.0 + 10.0 * rng.f64();
        for d in 0..len {
            if let Some(x) = w.get_mut((start - DAY_START + d) as usize) {
                *x *= 1.0 + peak * (-3.0 * f64::from(d) / f64::from(len)).exp();
            }
        }
    }
    for &(t, _) in burst_times {
        if let Some(x) = w.get_mut((t - DAY_START) as usize) {
            *x *= 3.0;
        }
    }
    debug_assert_eq!(w.len(), n);
    w
}

/// Splits exactly `total` rows over the seconds in proportion to `weights`, at most `cap` a
/// second (the excess spills into the following seconds, then into earlier ones).
pub fn allocate(weights: &[f64], total: u64, cap: u32) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    let mut rows = Vec::with_capacity(weights.len());
    let (mut acc, mut given) = (0.0, 0u64);
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        let upto = if i + 1 == weights.len() || sum <= 0.0 {
            if i + 1 == weights.len() { total } else { 0 }
        } else {
            ((acc / sum * total as f64).floor() as u64).min(total)
        };
        let upto = upto.max(given);
        rows.push(upto - given);
        given = upto;
    }
    let cap = u64::from(cap);
    let mut carry = 0u64;
    let mut out: Vec<u32> = rows
        .iter()
        .map(|&r| {
            let want = r + carry;
            let take = want.min(cap);
            carry = want - take;
            take as u32
        })
        .collect();
    for r in out.iter_mut().rev() {
        if carry == 0 {
            break;
        }
        let room = (cap - u64::from(*r)).min(carry);
        *r += room as u32;
        carry -= room;
    }
    out
}

/// S1 and S2 before bursts: U-shaped levels, wandering noise, and (S1) brief unrelated spikes.
/// S2 follows hft1 activity: both count quote bursts.
fn base_series(rows: &[u32], rng: &mut Rng) -> (Vec<u32>, Vec<u32>) {
    let n = (CLOSE - OPEN + 1) as usize;
    let (mut s1, mut s2) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut y1, mut y2, mut spike_left, mut spike) = (0.0, 0.0, 0u32, 0.0);
    for t in OPEN..=CLOSE {
        let (since_open, to_close) = (f64::from(t - OPEN), f64::from(CLOSE - t));
        y1 = 0.98 * y1 + 0.08 * normal(rng);
        y2 = 0.98 * y2 + 0.06 * normal(rng);
        if spike_left == 0 && rng.f64() < 0.004 {
            spike_left = 1 + rng.u32(0..3);
            spike = 20.0 + 50.0 * rng.f64();
        }
        let extra = if spike_left > 0 {
            spike_left -= 1;
            spike
        } else {
            0.0
        };
        let base1 = 10.0 + 25.0 * (-since_open / 1200.0).exp() + 15.0 * (-to_close / 1200.0).exp();
        s1.push((base1 * (y1 + 0.3 * normal(rng)).exp() + extra).round().clamp(0.0, 150.0) as u32);
        let base2 = 150.0 + 400.0 * (-since_open / 900.0).exp() + 250.0 * (-to_close / 900.0).exp();
        let quotes = rows.get((t - DAY_START) as usize).copied().unwrap_or(0);
        s2.push((base2 * (y2 + 0.15 * normal(rng)).exp()).round() as u32 + 2 * quotes);
    }
    (s1, s2)
}

/// One or two malformed lines and a blank line in each series file.
fn series_quirks(rng: &mut Rng) -> Vec<SeriesQuirks> {
    let mut q = vec![SeriesQuirks::default(); (CLOSE - OPEN + 1) as usize];
    let n = q.len();
    for _ in 0..1 + rng.usize(0..2) {
        q[rng.usize(0..n)].hft2 = Some(Quirk::Malformed(BadLine::random(rng)));
        q[rng.usize(0..n)].hft3 = Some(Quirk::Malformed(BadLine::random(rng)));
    }
    q[rng.usize(0..n)].hft2.get_or_insert(Quirk::Blank);
    q[rng.usize(0..n)].hft3.get_or_insert(Quirk::Blank);
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_is_exact_and_capped() {
        let mut weights = vec![1.0; 100];
        weights[50] = 1_000.0;
        let rows = allocate(&weights, 10_000, 500);
        assert_eq!(rows.iter().map(|&r| u64::from(r)).sum::<u64>(), 10_000);
        assert!(rows.iter().all(|&r| r <= 500));
        assert_eq!(rows[50], 500);
        // Spilled into the seconds after the peak.
        assert_eq!(rows[51], 500);
        let all_full = allocate(&[1.0, 1.0], 10, 5);
        assert_eq!(all_full, vec![5, 5]);
    }

    #[test]
    fn heavy_plan_has_exact_totals() {
        let plan = DayPlan::new(Profile::Heavy, &mut Rng::with_seed(9));
        assert_eq!(plan.rows.iter().map(|&r| u64::from(r)).sum::<u64>(), 1_000_000);
        assert_eq!(plan.bursts.len(), 400);
        assert_eq!((plan.s1.len(), plan.s2.len()), (23_401, 23_401));
        let cappers: Vec<u32> = plan.bursts.iter().filter(|b| b.s1 >= 200).map(|b| b.time).collect();
        assert!((2..=4).contains(&cappers.len()), "{cappers:?}");
        assert!(cappers.iter().all(|&t| t >= bursts::CAPPERS_FROM));
        assert!(plan.bursts.windows(2).all(|w| w[0].time < w[1].time));
        for b in &plan.bursts {
            let i = (b.time - OPEN) as usize;
            assert_eq!((plan.s1[i], plan.s2[i]), (b.s1, b.s2), "burst at {}", b.time);
        }
    }

    #[test]
    fn the_open_is_busier_than_the_premarket() {
        let plan = DayPlan::new(Profile::Normal, &mut Rng::with_seed(4));
        let sum = |from: u32, to: u32| (from..to).map(|t| plan.rows_at(t)).sum::<u32>();
        let premarket_hour = sum(7 * 3600, 8 * 3600);
        let first_hour = sum(OPEN, OPEN + 3600);
        assert!(first_hour > 5 * premarket_hour, "{first_hour} vs {premarket_hour}");
    }
}
