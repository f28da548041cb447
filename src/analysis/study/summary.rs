//! From the sums to what `ki2 study` prints: per (group, subject, horizon) the per-event means
//! and their mean, median, hit rate and t, the baseline and the excess; and every pair.

use serde::Serialize;

use super::Inputs;
use super::accumulate::{Acc, Plan};

/// One line of `ki2 study --json` (SPEC §6), exactly these keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub event: String,
    pub subject: &'static str,
    pub horizon_s: u32,
    /// Events with at least one return at this horizon.
    pub n_events: usize,
    /// Event-symbol pairs with a return at this horizon.
    pub n: usize,
    /// The mean over events of each event's mean return over its pairs.
    pub mean_bp: f64,
    pub median_bp: f64,
    /// The share of per-event means above 0.
    pub hit_rate: f64,
    /// mean / (sd / √n_events), sd with n − 1; null below 2 events or with no spread.
    pub t: Option<f64>,
    pub baseline_bp: Option<f64>,
    pub excess_bp: Option<f64>,
}

/// One event-symbol pair, for `--out`: indexes into the inputs; `entry` and each return
/// `None` where the pair is skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub series: usize,
    /// The event's place in its series' events.
    pub event: usize,
    pub day: usize,
    pub time: u32,
    pub symbol: u32,
    pub entry: Option<f64>,
    pub returns: Vec<Option<f64>>,
}

fn some(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

pub fn summarize(inputs: &Inputs, plan: &Plan, acc: &Acc) -> (Vec<Pair>, Vec<Summary>) {
    let h = inputs.horizons.len();
    let pairs = plan
        .pairs
        .iter()
        .enumerate()
        .map(|(i, p)| Pair {
            series: p.series as usize,
            event: p.event as usize,
            day: p.day as usize,
            time: p.time,
            symbol: p.symbol,
            entry: some(acc.entry[i]),
            returns: (0..h).map(|j| some(acc.ret[i * h + j])).collect(),
        })
        .collect();
    let mut summary = Vec::new();
    for (s, series) in inputs.series.iter().enumerate() {
        for (j, &horizon_s) in inputs.horizons.iter().enumerate() {
            let (mut means, mut baselines, mut n) = (Vec::new(), Vec::new(), 0);
            for range in &plan.events[s] {
                let (mut sum, mut count, mut b_sum, mut b_n) = (0.0, 0usize, 0.0, 0u64);
                for p in range.clone() {
                    if let Some(r) = some(acc.ret[p * h + j]) {
                        sum += r;
                        count += 1;
                    }
                    let k = plan.pairs[p].key as usize * h + j;
                    b_sum += acc.all_sum[k] - acc.excluded_sum[p * h + j];
                    b_n += u64::from(acc.all_n[k] - acc.excluded_n[p * h + j]);
                }
                if count > 0 {
                    means.push(sum / count as f64);
                    n += count;
                    if b_n > 0 {
                        baselines.push(b_sum / b_n as f64);
                    }
                }
            }
            if let Some(line) = line(&series.event, series.subject.label(), horizon_s, n, means, &baselines) {
                summary.push(line);
            }
        }
    }
    (pairs, summary)
}

/// The figures of one (group, subject, horizon) from its per-event means; `None` without any.
fn line(
    event: &str,
    subject: &'static str,
    horizon_s: u32,
    n: usize,
    mut means: Vec<f64>,
    baselines: &[f64],
) -> Option<Summary> {
    let k = means.len();
    if k == 0 {
        return None;
    }
    let mean = means.iter().sum::<f64>() / k as f64;
    let t = (k >= 2)
        .then(|| {
            let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
            mean / (var.sqrt() / (k as f64).sqrt())
        })
        .filter(|t| t.is_finite());
    let hit_rate = means.iter().filter(|m| **m > 0.0).count() as f64 / k as f64;
    means.sort_by(f64::total_cmp);
    let median = if k % 2 == 1 { means[k / 2] } else { (means[k / 2 - 1] + means[k / 2]) / 2.0 };
    let baseline = (!baselines.is_empty()).then(|| baselines.iter().sum::<f64>() / baselines.len() as f64);
    Some(Summary {
        event: event.to_owned(),
        subject,
        horizon_s,
        n_events: k,
        n,
        mean_bp: mean,
        median_bp: median,
        hit_rate,
        t,
        baseline_bp: baseline,
        excess_bp: baseline.map(|b| mean - b),
    })
}
