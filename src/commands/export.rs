//! `ki2 export`: the archive as Hive-partitioned Parquet.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::{UsageError, discover, load_day};
use crate::archive::{Day, LayoutError};
use crate::cli::ExportArgs;
use crate::config::Config;

pub fn run(config: &Config, args: ExportArgs) -> Result<ExitCode> {
    let bound = |v: &Option<String>, what: &str| -> Result<Option<Day>> {
        match v {
            None => Ok(None),
            Some(s) => Day::parse_compact(&s.replace('-', ""))
                .map(Some)
                .ok_or_else(|| UsageError(format!("invalid --{what} {s:?}: expected YYYYMMDD")).into()),
        }
    };
    let (from, to) = (bound(&args.from, "from")?, bound(&args.to, "to")?);
    let archive = discover(&args.root.root)?;
    let days: Vec<Day> =
        archive.days.keys().copied().filter(|d| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t)).collect();
    if days.is_empty() {
        return Err(LayoutError::Empty(archive.root.clone()).into());
    }
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for day in days {
        let store = load_day(&archive, day, config)?;
        let done = store.export_parquet(&args.out)?;
        writeln!(out, "{day}: {} files, {} rows", done.files.len(), done.rows)?;
        for e in store.errors() {
            eprintln!("ki2: {e}");
            failed = true;
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
