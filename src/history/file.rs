//! A day's index on disk, in the data folder: `index/<archive>/YYYYMMDD.parquet` (a row per
//! symbol) and `YYYYMMDD.json` (the day's stats and the size and mtime of every source file).
//! and `YYYYMMDD.bursts.json` (the day's burst rows, read only by the analyses).
//! The JSON is written last: it is what says the files beside it are whole and current.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result, anyhow};
use polars::prelude::*;
use polars_parquet::write::ZstdLevel;
use serde::{Deserialize, Serialize};

use super::summary::{BurstFact, DaySummary, QuoteValues, SymbolSummary};
use crate::archive::{ColumnOrder, CounterCheck, Day, DayFiles, SecondOfDay};
use crate::store::DayStats;

/// Bumped when what an index holds changes: older files are rebuilt, never misread.
/// 3: sums of squares per symbol, the day's bursts, the column order it was read with.
const VERSION: u32 = 3;

/// One source file as the index saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub len: u64,
    pub modified_ns: u64,
}

/// The source files of a day as they are now (a file that cannot be looked at counts as
/// changed: the index is then rebuilt, and the read reports the error).
pub fn sources(files: &DayFiles) -> Vec<Source> {
    let mut v: Vec<Source> = files
        .all()
        .into_iter()
        .map(|(_, _, p)| {
            let m = fs::metadata(p).ok();
            let modified_ns = m
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            Source { path: p.display().to_string(), len: m.map_or(u64::MAX, |m| m.len()), modified_ns }
        })
        .collect();
    v.sort_by(|a, b| a.path.cmp(&b.path));
    v
}

#[derive(Debug, Serialize, Deserialize)]
struct Sidecar {
    version: u32,
    day: String,
    /// The column order the files were read with: another order reads other figures.
    columns: String,
    symbols: usize,
    sources: Vec<Source>,
    stats: DayStats,
    counters: CounterCheck,
    values: QuoteValues,
}

/// Where an archive's indexes go: one folder per archive root, named by a fingerprint of the
/// root's path, with the path written inside for whoever looks.
pub fn folder(data_dir: &Path, root: &Path) -> PathBuf {
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let key = crate::archive::fingerprint::Fingerprint::default().bytes(root.display().to_string().as_bytes()).finish();
    data_dir.join("index").join(format!("{key:016x}"))
}

/// Why an index on disk was not used.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    #[error("not built yet")]
    Missing,
    #[error("its source files changed")]
    Stale,
    #[error("{0}")]
    Corrupt(String),
}

fn paths(dir: &Path, day: Day) -> (PathBuf, PathBuf) {
    (dir.join(format!("{}.parquet", day.compact())), dir.join(format!("{}.json", day.compact())))
}

fn bursts_path(dir: &Path, day: Day) -> PathBuf {
    dir.join(format!("{}.bursts.json", day.compact()))
}

/// How a column order is named in the sidecar (compared, never parsed).
pub fn columns_key(columns: ColumnOrder) -> String {
    format!("{columns:?}")
}

/// The index of `day` if it is whole and its sources are `now`. `with_top`: also the largest
/// dollar figures (enrichment); without, that column is not read.
pub fn load(dir: &Path, day: Day, now: &Current, with_top: bool) -> Result<DaySummary, Unusable> {
    let side = sidecar(dir, day, now)?;
    let (parquet, _) = paths(dir, day);
    let symbols = read_symbols(&parquet, with_top).map_err(|e| Unusable::Corrupt(format!("{e:#}")))?;
    if symbols.len() != side.symbols {
        return Err(Unusable::Corrupt(format!(
            "{}: {} symbols where {} were written",
            parquet.display(),
            symbols.len(),
            side.symbols
        )));
    }
    Ok(DaySummary { day, stats: side.stats, symbols, values: side.values, counters: side.counters, bursts: Vec::new() })
}

/// The day's burst rows from a current index.
pub fn load_bursts(dir: &Path, day: Day, now: &Current) -> Result<Vec<BurstFact>, Unusable> {
    sidecar(dir, day, now)?;
    let path = bursts_path(dir, day);
    let text = fs::read(&path).map_err(|e| Unusable::Corrupt(format!("{}: {e}", path.display())))?;
    serde_json::from_slice(&text).map_err(|e| Unusable::Corrupt(format!("{}: {e}", path.display())))
}

/// What `ki2 stats` says of `day`, from the JSON alone when the index is current: the
/// per-symbol Parquet, most of an index's bytes, is not read (270 days: 1.5 s with it).
pub fn load_stats(dir: &Path, day: Day, now: &Current) -> Result<(DayStats, CounterCheck), Unusable> {
    sidecar(dir, day, now).map(|side| (side.stats, side.counters))
}

/// What a current index of a day was built from: its source files as they are now, and the
/// column order they are read with.
pub struct Current<'a> {
    pub sources: &'a [Source],
    pub columns: &'a str,
}

/// The index's JSON, if it is this version's, of `day`, and it was built from `now`.
fn sidecar(dir: &Path, day: Day, now: &Current) -> Result<Sidecar, Unusable> {
    let (_, json) = paths(dir, day);
    let text = match fs::read_to_string(&json) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Missing),
        Err(e) => return Err(Unusable::Corrupt(format!("{}: {e}", json.display()))),
    };
    let side: Sidecar =
        serde_json::from_str(&text).map_err(|e| Unusable::Corrupt(format!("{}: {e}", json.display())))?;
    if side.version != VERSION
        || side.day != day.to_string()
        || side.sources != now.sources
        || side.columns != now.columns
    {
        return Err(Unusable::Stale);
    }
    Ok(side)
}

/// Writes the index of a day whose sources were `sources` when it was read.
pub fn save(dir: &Path, summary: &DaySummary, sources: Vec<Source>, columns: String) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (parquet, json) = paths(dir, summary.day);
    let mut df = frame(&summary.symbols).map_err(|e| anyhow!("{}: {e}", summary.day))?;
    // zstd at level 1 and no column statistics (the index is read whole, never filtered): the
    // write of a heavy day's 2,462 symbols took 32–57 ms with polars' defaults, now 25–30 ms,
    // the file 3 % larger (LZ4: 20 ms, 62 % larger).
    let writer = |f: &mut std::io::BufWriter<&File>| {
        ParquetWriter::new(f)
            .with_compression(ParquetCompression::Zstd(ZstdLevel::try_new(1).ok()))
            .with_statistics(StatisticsOptions::empty())
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| anyhow!("{e}"))
    };
    write_atomic(&parquet, writer)?;
    let bursts = serde_json::to_vec(&summary.bursts)?;
    write_atomic(&bursts_path(dir, summary.day), |f| std::io::Write::write_all(f, &bursts).map_err(Into::into))?;
    let side = Sidecar {
        version: VERSION,
        day: summary.day.to_string(),
        columns,
        symbols: summary.symbols.len(),
        sources,
        stats: summary.stats.clone(),
        counters: summary.counters,
        values: summary.values.clone(),
    };
    let text = serde_json::to_vec(&side)?;
    write_atomic(&json, |f| std::io::Write::write_all(f, &text).map_err(Into::into))
}

/// The index is a cache, rebuilt when it cannot be read: renamed whole, not synced. Two ki2s
/// on one archive may build the same day at once: each writes its own temporary file.
fn write_atomic(path: &Path, write: impl FnOnce(&mut std::io::BufWriter<&File>) -> Result<()>) -> Result<()> {
    crate::atomic_file::write_with(path, "index", crate::atomic_file::Durable::Rebuildable, write)
}

fn frame(symbols: &[SymbolSummary]) -> PolarsResult<DataFrame> {
    let list_u32 = |name: &str, f: &dyn Fn(&SymbolSummary) -> Vec<u32>| -> Column {
        let l: ListChunked = symbols.iter().map(|s| Some(Series::new("".into(), f(s)))).collect();
        l.into_series().with_name(name.into()).into_column()
    };
    let tops: ListChunked = symbols.iter().map(|s| Some(Series::new("".into(), s.top.clone()))).collect();
    DataFrame::new(
        symbols.len(),
        vec![
            Column::new("symbol".into(), symbols.iter().map(|s| s.symbol.as_str()).collect::<Vec<_>>()),
            Column::new("rows".into(), symbols.iter().map(|s| s.rows).collect::<Vec<_>>()),
            Column::new("first".into(), symbols.iter().map(|s| s.first.map(SecondOfDay::secs)).collect::<Vec<_>>()),
            Column::new("last".into(), symbols.iter().map(|s| s.last.map(SecondOfDay::secs)).collect::<Vec<_>>()),
            Column::new("max_quotes".into(), symbols.iter().map(|s| s.max_quotes).collect::<Vec<_>>()),
            Column::new("sum_quotes".into(), symbols.iter().map(|s| s.sum_quotes).collect::<Vec<_>>()),
            Column::new("trades".into(), symbols.iter().map(|s| s.trades).collect::<Vec<_>>()),
            Column::new("dollars".into(), symbols.iter().map(|s| s.dollars).collect::<Vec<_>>()),
            Column::new("dollars_n".into(), symbols.iter().map(|s| s.dollars_n).collect::<Vec<_>>()),
            Column::new("sq_quotes".into(), symbols.iter().map(|s| s.sq_quotes).collect::<Vec<_>>()),
            Column::new("sq_trades".into(), symbols.iter().map(|s| s.sq_trades).collect::<Vec<_>>()),
            Column::new("sq_dollars".into(), symbols.iter().map(|s| s.sq_dollars).collect::<Vec<_>>()),
            list_u32("burst_times", &|s| s.bursts.iter().map(|(t, _)| t.secs()).collect()),
            list_u32("burst_nt", &|s| s.bursts.iter().map(|(_, nt)| *nt).collect()),
            tops.into_series().with_name("top".into()).into_column(),
        ],
    )
}

const COLUMNS: [&str; 14] = [
    "symbol",
    "rows",
    "first",
    "last",
    "max_quotes",
    "sum_quotes",
    "trades",
    "dollars",
    "dollars_n",
    "sq_quotes",
    "sq_trades",
    "sq_dollars",
    "burst_times",
    "burst_nt",
];

fn read_symbols(path: &Path, with_top: bool) -> Result<Vec<SymbolSummary>> {
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut columns: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    if with_top {
        columns.push("top".to_owned());
    }
    let df = ParquetReader::new(file)
        .with_columns(Some(columns))
        .finish()
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    symbols_of(&df).map_err(|e| anyhow!("{}: {e}", path.display()))
}

fn symbols_of(df: &DataFrame) -> PolarsResult<Vec<SymbolSummary>> {
    let symbol = df.column("symbol")?.str()?;
    let rows = df.column("rows")?.u32()?;
    let first = df.column("first")?.u32()?;
    let last = df.column("last")?.u32()?;
    let max_quotes = df.column("max_quotes")?.u32()?;
    let sum_quotes = df.column("sum_quotes")?.u64()?;
    let trades = df.column("trades")?.u64()?;
    let dollars = df.column("dollars")?.f64()?;
    let dollars_n = df.column("dollars_n")?.u32()?;
    let sq_quotes = df.column("sq_quotes")?.u64()?;
    let sq_trades = df.column("sq_trades")?.u64()?;
    let sq_dollars = df.column("sq_dollars")?.f64()?;
    let burst_times = df.column("burst_times")?.list()?;
    let burst_nt = df.column("burst_nt")?.list()?;
    let top = df.column("top").ok().map(|c| c.list().cloned()).transpose()?;
    let missing = || PolarsError::ComputeError("a null where the index writes none".into());
    let u32s = |l: &ListChunked, i: usize| -> PolarsResult<Vec<u32>> {
        match l.get_as_series(i) {
            Some(s) => Ok(s.u32()?.iter().flatten().collect()),
            None => Ok(Vec::new()),
        }
    };
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let times = u32s(burst_times, i)?;
        let nts = u32s(burst_nt, i)?;
        if times.len() != nts.len() {
            return Err(PolarsError::ComputeError("burst times and NTs differ in length".into()));
        }
        let top = match &top {
            Some(l) => match l.get_as_series(i) {
                Some(s) => s.f64()?.iter().flatten().collect(),
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        out.push(SymbolSummary {
            symbol: symbol.get(i).ok_or_else(missing)?.to_owned(),
            rows: rows.get(i).ok_or_else(missing)?,
            first: first.get(i).and_then(SecondOfDay::from_secs),
            last: last.get(i).and_then(SecondOfDay::from_secs),
            max_quotes: max_quotes.get(i).ok_or_else(missing)?,
            sum_quotes: sum_quotes.get(i).ok_or_else(missing)?,
            trades: trades.get(i).ok_or_else(missing)?,
            dollars: dollars.get(i).ok_or_else(missing)?,
            dollars_n: dollars_n.get(i).ok_or_else(missing)?,
            sq_quotes: sq_quotes.get(i).ok_or_else(missing)?,
            sq_trades: sq_trades.get(i).ok_or_else(missing)?,
            sq_dollars: sq_dollars.get(i).ok_or_else(missing)?,
            bursts: times
                .into_iter()
                .zip(nts)
                .map(|(t, nt)| SecondOfDay::from_secs(t).map(|t| (t, nt)).ok_or_else(missing))
                .collect::<PolarsResult<_>>()?,
            top,
        });
    }
    if out.windows(2).any(|w| w[0].symbol >= w[1].symbol) {
        return Err(PolarsError::ComputeError("symbols not in order".into()));
    }
    Ok(out)
}
