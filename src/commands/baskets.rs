//! `ki2 baskets`: the recurring baskets of an archive (SPEC §6), from the day index and the
//! baskets kept beside it (each closed day matched once; the first run matches them all).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use polars::prelude::*;

use super::{day_bound, discover};
use crate::alerts::printable;
use crate::analysis::baskets::{BasketReport, bursts_frame, report, sync};
use crate::archive::{DayFiles, LayoutError};
use crate::cli::BasketsArgs;
use crate::config::Config;

pub fn run(config: &Config, args: BasketsArgs) -> Result<ExitCode> {
    let (from, to) = (day_bound(&args.from, "from")?, day_bound(&args.to, "to")?);
    let archive = discover(&args.root.root)?;
    if archive.days.is_empty() {
        return Err(LayoutError::Empty(archive.root.clone()).into());
    }
    let builder = crate::history::builder(&archive.root, &crate::config::data_dir(), config.columns);
    let days: Vec<DayFiles> = archive.days.values().cloned().collect();
    let synced = sync(&builder, &days, config.basket_similarity)?;
    for w in &synced.warnings {
        eprintln!("ki2: warning: {w}");
    }
    let rows = report(&synced.clusters, from, to, args.min);
    if let Some(out) = &args.out {
        write_parquet(out, &synced.clusters, &rows, from, to)?;
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        for r in &rows {
            writeln!(out, "{}", serde_json::to_string(r)?)?;
        }
    } else {
        table(&mut out, &rows)?;
        if rows.is_empty() {
            eprintln!(
                "ki2: no basket seen {} times or more ({} bursts over {} days matched)",
                args.min,
                synced.clusters.occurrences().len(),
                synced.days.len()
            );
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A readable table: the figures, then the core's size and its first symbols.
fn table(out: &mut impl Write, rows: &[BasketReport]) -> std::io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{:<17} {:>6} {:>5} {:>4} {:>4} {:>4}  {:<8} {:>6}  {:<19}  core",
        "basket", "bursts", "days", "buy", "sell", "und", "time", "s1", "last seen"
    )?;
    for r in rows {
        let shown: Vec<String> = r.symbols.iter().take(8).map(|s| printable(s)).collect();
        let more = if r.symbols.len() > 8 { " …" } else { "" };
        writeln!(
            out,
            "{:<17} {:>6} {:>5} {:>4} {:>4} {:>4}  {:<8} {:>6}  {:<19}  {:>3}: {}{more}",
            r.id,
            r.bursts,
            r.days,
            r.buy,
            r.sell,
            r.und,
            r.median_time,
            r.median_s1.map_or_else(|| "-".to_owned(), |s| format!("{s:.0}")),
            r.last,
            r.symbols.len(),
            shown.join(" "),
        )?;
    }
    Ok(())
}

fn write_parquet(
    dir: &Path,
    clusters: &crate::analysis::baskets::Clusters,
    rows: &[BasketReport],
    from: Option<crate::archive::Day>,
    to: Option<crate::archive::Day>,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut bursts = bursts_frame(clusters, from, to).map_err(|e| anyhow!("{e}"))?;
    write_frame(&dir.join("bursts.parquet"), &mut bursts)?;
    let symbols: ListChunked = rows.iter().map(|r| Some(Series::new("".into(), r.symbols.clone()))).collect();
    let mut summary = DataFrame::new(
        rows.len(),
        vec![
            Column::new("id".into(), rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()),
            symbols.into_series().with_name("symbols".into()).into_column(),
            Column::new("bursts".into(), rows.iter().map(|r| r.bursts).collect::<Vec<_>>()),
            Column::new("days".into(), rows.iter().map(|r| r.days).collect::<Vec<_>>()),
            Column::new("first".into(), rows.iter().map(|r| r.first.as_str()).collect::<Vec<_>>()),
            Column::new("last".into(), rows.iter().map(|r| r.last.as_str()).collect::<Vec<_>>()),
            Column::new("buy".into(), rows.iter().map(|r| r.buy).collect::<Vec<_>>()),
            Column::new("sell".into(), rows.iter().map(|r| r.sell).collect::<Vec<_>>()),
            Column::new("und".into(), rows.iter().map(|r| r.und).collect::<Vec<_>>()),
            Column::new("median_time".into(), rows.iter().map(|r| r.median_time.as_str()).collect::<Vec<_>>()),
            Column::new("median_s1".into(), rows.iter().map(|r| r.median_s1).collect::<Vec<_>>()),
        ],
    )
    .map_err(|e| anyhow!("{e}"))?;
    write_frame(&dir.join("baskets.parquet"), &mut summary)
}

/// Written under a temporary name and renamed: a notebook never reads half a file.
fn write_frame(path: &Path, df: &mut DataFrame) -> Result<()> {
    crate::atomic_file::write_parquet(path, df, "baskets")
}
