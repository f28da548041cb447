//! `--plot FILE.svg`: each group's mean cumulative return from 30 minutes before its events to
//! 30 after, on its own symbols (the `hit` or `symbol` subject), one line per group.

use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use crate::analysis::study::{Inputs, Output, Subject};

pub fn write(file: &Path, inputs: &Inputs, output: &Output) -> Result<()> {
    let lines: Vec<(&str, Vec<(f64, f64)>)> = output
        .paths
        .iter()
        .filter(|p| inputs.series[p.series].subject != Subject::Market)
        .map(|p| {
            let points =
                p.offsets.iter().zip(&p.mean).filter_map(|(o, m)| m.map(|m| (f64::from(*o) / 60.0, m))).collect();
            (inputs.series[p.series].event.as_str(), points)
        })
        .filter(|(_, pts): &(&str, Vec<(f64, f64)>)| !pts.is_empty())
        .collect();
    let (lo, hi) = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, y)| *y))
        .fold((0.0f64, 0.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let pad = ((hi - lo) * 0.08).max(1.0);
    let draw = |e: &dyn std::fmt::Display| anyhow!("{e}");
    let root = SVGBackend::new(file, (1100, 640)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| draw(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption("ki2 study: mean cumulative return around events", ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(-30f64..30f64, (lo - pad)..(hi + pad))
        .map_err(|e| draw(&e))?;
    chart
        .configure_mesh()
        .x_desc("minutes from the event (entry: the close known at it)")
        .y_desc("mean return, bp")
        .draw()
        .map_err(|e| draw(&e))?;
    for (i, (name, points)) in lines.into_iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(|e| draw(&e))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| draw(&e))?;
    root.present().map_err(|e| draw(&e))?;
    Ok(())
}
