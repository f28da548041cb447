//! `--out DIR`: the study as Parquet for notebooks — `pairs.parquet`, every event-symbol pair
//! (date, time, event, subject, symbol, entry, a return column per horizon: `r_60s`, …), and
//! `summary.parquet`, the lines `--json` prints.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::{Column, DataFrame, Int64Chunked, IntoColumn, TimeUnit};

use crate::analysis::study::{Inputs, Output};
use crate::store::frames::day_start_ms;

pub fn write(dir: &Path, inputs: &Inputs, output: &Output) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pairs = pairs(inputs, output)?;
    let mut summary = summary(output)?;
    let mut written = Vec::new();
    for (name, df) in [("pairs.parquet", &mut pairs), ("summary.parquet", &mut summary)] {
        let path = dir.join(name);
        crate::atomic_file::write_parquet(&path, df, "study")?;
        written.push(path);
    }
    Ok(written)
}

fn pairs(inputs: &Inputs, output: &Output) -> Result<DataFrame> {
    let p = &output.pairs;
    let day = |i: usize| inputs.days[p[i].day];
    let times: Vec<i64> = (0..p.len()).map(|i| day_start_ms(day(i)) + i64::from(p[i].time) * 1000).collect();
    let time = Int64Chunked::from_vec("time".into(), times).into_datetime(TimeUnit::Milliseconds, None).into_column();
    // Every number was given by the interner: one without a name is a bug, said, not written.
    let symbols: Vec<&str> = p
        .iter()
        .map(|x| inputs.symbols.name(x.symbol))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow::anyhow!("a pair's symbol number has no name"))?;
    let mut columns = vec![
        Column::new("date".into(), (0..p.len()).map(|i| day(i).to_string()).collect::<Vec<_>>()),
        time,
        Column::new("event".into(), p.iter().map(|x| inputs.series[x.series].event.as_str()).collect::<Vec<_>>()),
        Column::new("subject".into(), p.iter().map(|x| inputs.series[x.series].subject.label()).collect::<Vec<_>>()),
        Column::new("symbol".into(), symbols),
        Column::new("entry".into(), p.iter().map(|x| x.entry).collect::<Vec<_>>()),
    ];
    for (j, h) in inputs.horizons.iter().enumerate() {
        columns.push(Column::new(format!("r_{h}s").into(), p.iter().map(|x| x.returns[j]).collect::<Vec<_>>()));
    }
    Ok(DataFrame::new(p.len(), columns)?)
}

fn summary(output: &Output) -> Result<DataFrame> {
    let s = &output.summary;
    let col = |name: &str, f: &dyn Fn(usize) -> Option<f64>| {
        Column::new(name.into(), (0..s.len()).map(f).collect::<Vec<_>>())
    };
    Ok(DataFrame::new(
        s.len(),
        vec![
            Column::new("event".into(), s.iter().map(|x| x.event.as_str()).collect::<Vec<_>>()),
            Column::new("subject".into(), s.iter().map(|x| x.subject).collect::<Vec<_>>()),
            Column::new("horizon_s".into(), s.iter().map(|x| x.horizon_s).collect::<Vec<_>>()),
            Column::new("n_events".into(), s.iter().map(|x| x.n_events as u64).collect::<Vec<_>>()),
            Column::new("n".into(), s.iter().map(|x| x.n as u64).collect::<Vec<_>>()),
            col("mean_bp", &|i| Some(s[i].mean_bp)),
            col("median_bp", &|i| Some(s[i].median_bp)),
            col("hit_rate", &|i| Some(s[i].hit_rate)),
            col("t", &|i| s[i].t),
            col("baseline_bp", &|i| s[i].baseline_bp),
            col("excess_bp", &|i| s[i].excess_bp),
        ],
    )?)
}
