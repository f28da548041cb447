//! Enter on an Edges row: its group's mean path around its events, ready to plot, and the list
//! of those events with their mean return at the row's horizon and where Enter on each goes.

use super::edges::{PathChart, Scroll};
use super::overlay::Landing;
use crate::analysis::study::{Study, Subject, horizon};
use crate::archive::SecondOfDay;

/// The path of summary line `i`'s series (group and subject), and its events with their mean
/// return at the line's horizon (the study's per-event means).
pub(super) fn path_chart(study: &Study, i: usize) -> Option<PathChart> {
    let (inputs, output) = (&study.inputs, &study.output);
    let line = output.summary.get(i)?;
    let s = inputs.series.iter().position(|x| x.event == line.event && x.subject.label() == line.subject)?;
    let series = &inputs.series[s];
    let path = output.paths.iter().find(|p| p.series == s)?;
    let (mut mean, mut upper, mut lower) = (Vec::new(), Vec::new(), Vec::new());
    for ((o, m), se) in path.offsets.iter().zip(&path.mean).zip(&path.se) {
        let x = f64::from(*o) / 60.0;
        let Some(m) = *m else { continue };
        mean.push((x, m));
        if let Some(se) = *se {
            upper.push((x, m + 2.0 * se));
            lower.push((x, m - 2.0 * se));
        }
    }
    let ys = mean.iter().chain(&upper).chain(&lower).map(|p| p.1);
    let (lo, hi) = ys.fold((0.0f64, 0.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let pad = ((hi - lo) * 0.05).max(0.5);
    let j = inputs.horizons.iter().position(|h| *h == line.horizon_s)?;
    let mut sums = vec![(0.0, 0usize); series.events.len()];
    for p in output.pairs.iter().filter(|p| p.series == s) {
        if let (Some(r), Some(acc)) = (p.returns.get(j).copied().flatten(), sums.get_mut(p.event)) {
            acc.0 += r;
            acc.1 += 1;
        }
    }
    let events = series
        .events
        .iter()
        .zip(&sums)
        .map(|(e, (sum, n))| {
            let day = inputs.days.get(e.day).map_or_else(|| "?".to_owned(), |d| d.to_string());
            let time = SecondOfDay::from_secs(e.time).map_or_else(|| e.time.to_string(), |t| t.to_string());
            let r = if *n > 0 { format!("{:.2}", sum / *n as f64) } else { "-".to_owned() };
            [day, time, e.symbols.len().to_string(), r]
        })
        .collect();
    let bursts = line.event.starts_with("burst/") || line.event.starts_with("capper/");
    let targets = series
        .events
        .iter()
        .map(|e| {
            let day = *inputs.days.get(e.day)?;
            let landing = match series.subject {
                Subject::Symbol => Landing::Symbol(inputs.symbols.name(*e.symbols.first()?)?.to_owned()),
                _ if bursts => Landing::Burst(SecondOfDay::from_secs(e.time)?),
                _ => return None,
            };
            Some((day, landing))
        })
        .collect();
    Some(PathChart {
        name: format!("{} · {}", line.event, line.subject),
        targets,
        horizon: horizon(line.horizon_s),
        mean,
        upper,
        lower,
        y: (lo - pad, hi + pad),
        events,
        scroll: Scroll::default(),
    })
}
