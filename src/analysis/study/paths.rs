//! The mean cumulative return path around a group's events (−30 … +30 min in the Edges view
//! and `--plot`): per event the mean over its symbols, then the mean over events with a
//! standard error, offset by offset.

use super::Inputs;

/// A series' mean path: at each offset, the mean over events and its standard error (none
/// below two events), and how many events had a price there.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub series: usize,
    pub offsets: Vec<i32>,
    pub mean: Vec<Option<f64>>,
    pub se: Vec<Option<f64>>,
    pub events: Vec<usize>,
    /// Each event's own mean path (NaN: none), in the series' event order.
    pub per_event: Vec<Vec<f64>>,
}

/// `per_event[series][event]`: each event's mean path (empty when its day had no bars).
pub fn paths(inputs: &Inputs, per_event: &[Vec<Vec<f64>>]) -> Vec<Path> {
    if inputs.path.is_empty() {
        return Vec::new();
    }
    let k = inputs.path.len();
    per_event
        .iter()
        .enumerate()
        .map(|(series, events)| {
            let (mut mean, mut se, mut count) = (Vec::with_capacity(k), Vec::with_capacity(k), Vec::with_capacity(k));
            for j in 0..k {
                let xs: Vec<f64> = events.iter().filter_map(|e| e.get(j).copied()).filter(|x| !x.is_nan()).collect();
                let n = xs.len();
                let m = (n > 0).then(|| xs.iter().sum::<f64>() / n as f64);
                let s = m.filter(|_| n >= 2).map(|m| {
                    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
                    (var / n as f64).sqrt()
                });
                mean.push(m);
                se.push(s);
                count.push(n);
            }
            let per_event = events.iter().map(|e| if e.is_empty() { vec![f64::NAN; k] } else { e.clone() }).collect();
            Path { series, offsets: inputs.path.clone(), mean, se, events: count, per_event }
        })
        .collect()
}
