//! When program bursts fire and what their rows say. Bursts come in waves, lean one way per
//! wave, and spike S1 (which their grade follows); a few late ones are "cappers".

use fastrand::Rng;

use super::plan::{BadLine, PlannedBurst, Quirk, SymbolsFate, exponential};
use super::{CLOSE, OPEN};
use crate::archive::{Background, Grade, ProgType};

/// Cappers (s1 >= 200) come from the last part of the session.
pub const CAPPERS_FROM: u32 = 14 * 3600 + 30 * 60;

/// Exactly `count` burst seconds in `OPEN..=CLOSE`, in clusters (programs come in waves), more
/// of them near the open and the close. Each cluster leans one way (its direction).
pub fn schedule(count: usize, rng: &mut Rng) -> Vec<(u32, ProgType)> {
    let n = (CLOSE - OPEN + 1) as usize;
    let count = count.min(n);
    let mut slots: Vec<Option<ProgType>> = vec![None; n];
    let mut placed = 0;
    let place = |center: usize, size: usize, rng: &mut Rng, slots: &mut [Option<ProgType>]| {
        let dir = if rng.bool() { ProgType::Buy } else { ProgType::Sell };
        let (mut pos, mut done) = (center, 0);
        while done < size {
            while pos < n && slots[pos].is_some() {
                pos += 1;
            }
            if pos >= n {
                break;
            }
            slots[pos] = Some(dir);
            done += 1;
            pos += 1 + exponential(rng, 6.0) as usize;
        }
        done
    };
    // A wave late in the day: the cappers come from it.
    let late = rng.u32(15 * 3600..15 * 3600 + 55 * 60) - OPEN;
    placed += place(late as usize, (6 + rng.usize(0..5)).min(count), rng, &mut slots);
    let mut acc = 0.0;
    let cum: Vec<f64> = (OPEN..=CLOSE)
        .map(|t| {
            let (since_open, to_close) = (f64::from(t - OPEN), f64::from(CLOSE - t));
            acc += 1.0 + 4.0 * (-since_open / 1800.0).exp() + 2.5 * (-to_close / 1800.0).exp();
            acc
        })
        .collect();
    while placed < count {
        let x = rng.f64() * acc;
        let center = cum.partition_point(|&c| c <= x).min(n - 1);
        let mut size = 1;
        while size < 15 && rng.f64() > 0.22 {
            size += 1;
        }
        placed += place(center, size.min(count - placed), rng, &mut slots);
    }
    slots.iter().enumerate().filter_map(|(i, d)| d.map(|d| (OPEN + i as u32, d))).collect()
}

/// The burst rows: S1 spikes at the burst second (and echoes around it), the grade follows S1,
/// a few late ones are cappers (S1 >= 200; no other burst reaches 200). The series are updated
/// so each burst's S1/S2 are the series values at its second.
pub fn rows(times: &[(u32, ProgType)], s1: &mut [u32], s2: &mut [u32], rng: &mut Rng) -> Vec<PlannedBurst> {
    let mut late: Vec<usize> = (0..times.len()).filter(|&i| times[i].0 >= CAPPERS_FROM).collect();
    rng.shuffle(&mut late);
    late.truncate(2 + rng.usize(0..3));
    let values: Vec<u32> = (0..times.len())
        .map(|i| {
            let u = rng.f64();
            if late.contains(&i) { 200 + (200.0 * u * u) as u32 } else { (40.0 + 159.0 * u.powf(1.8)) as u32 }
        })
        .collect();
    for (&(t, _), &v) in times.iter().zip(&values) {
        let i = (t - OPEN) as usize;
        for d in 1..=3usize {
            let echo = (f64::from(v) * 0.55f64.powi(d as i32)) as u32;
            for j in [i.checked_sub(d), Some(i + d)].into_iter().flatten() {
                if let Some(x) = s1.get_mut(j) {
                    *x = (*x).max(echo);
                }
            }
        }
        for (j, add) in [(i.checked_sub(1), v / 4), (Some(i), v / 2), (Some(i + 1), v / 4)] {
            if let Some(x) = j.and_then(|j| s2.get_mut(j)) {
                *x += add;
            }
        }
    }
    let mut bursts: Vec<PlannedBurst> = times
        .iter()
        .zip(&values)
        .map(|(&(t, dir), &v)| {
            let i = (t - OPEN) as usize;
            if let Some(x) = s1.get_mut(i) {
                *x = v;
            }
            let mut grade = match v {
                130.. => Grade::High,
                75.. => Grade::Mod,
                _ => Grade::Low,
            };
            if v < 200 && rng.f64() < 0.12 {
                grade = [Grade::High, Grade::Mod, Grade::Low][rng.usize(0..3)];
            }
            let prog_type = if rng.f64() < 0.03 {
                ProgType::Und
            } else if rng.f64() < 0.8 {
                dir
            } else if dir == ProgType::Buy {
                ProgType::Sell
            } else {
                ProgType::Buy
            };
            let background = if rng.f64() < 0.35 { Background::Aggr } else { Background::Port };
            let delay = if rng.f64() < 0.12 { 1 + rng.u32(0..8) } else { 0 };
            PlannedBurst {
                time: t,
                grade,
                prog_type,
                background,
                s1: v,
                s2: s2.get(i).copied().unwrap_or(0),
                symbols: SymbolsFate::After(delay),
                quirk: None,
                fire: None,
            }
        })
        .collect();
    if !bursts.is_empty() {
        for _ in 0..1 + rng.usize(0..=bursts.len() / 150) {
            let i = rng.usize(0..bursts.len());
            bursts[i].symbols = SymbolsFate::Missing;
        }
        let i = rng.usize(0..bursts.len());
        bursts[i].quirk = Some(Quirk::Malformed(BadLine::random(rng)));
        if rng.bool() {
            let i = rng.usize(0..bursts.len());
            bursts[i].quirk.get_or_insert(Quirk::Blank);
        }
    }
    bursts
}
