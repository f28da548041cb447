//! Rows → the DataFrames `ki2 export` writes (same functions, so the same schema), and Parquet
//! files written under a hidden name, synced, then renamed into place.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use polars::prelude::{DataFrame, DataType, Field, ParquetReader, PolarsResult, SerReader};

use crate::archive::{BurstRow, Day, Rows, SecondOfDay, SymbolHit};
use crate::store::{DayStore, frames};

/// The symbols a burst hit, by burst time, as far as their files have come.
pub type Hits = BTreeMap<SecondOfDay, Vec<SymbolHit>>;

/// The rows as the export's frame of their kind.
pub fn frame(day: Day, rows: Rows, hits: &Hits) -> PolarsResult<DataFrame> {
    match rows {
        Rows::Quotes(q) => frames::quotes(day, q),
        Rows::S1(v) | Rows::S2(v) => frames::series(day, &v),
        Rows::Bursts(v) => bursts(day, &v, hits),
        Rows::BurstSymbols { burst, hits } => frames::burst_symbols(day, burst, &hits),
    }
}

/// Bursts with their `symbols` list, built by the export's own code over just these bursts.
pub fn bursts(day: Day, rows: &[BurstRow], hits: &Hits) -> PolarsResult<DataFrame> {
    let mut store = DayStore::new(day)?;
    store.append(&Rows::Bursts(rows.to_vec()))?;
    for r in rows {
        if let Some(h) = hits.get(&r.time) {
            store.append(&Rows::BurstSymbols { burst: r.time, hits: h.clone() })?;
        }
    }
    let mut df = store.bursts_with_symbols()?;
    // A batch in which no burst has its symbols yet would get a list of nulls, whose type
    // differs from the other parts' and makes readers refuse the folder: fix the type.
    let symbols = df.column("symbols")?.cast(&symbols_type())?;
    df.with_column(symbols)?;
    Ok(df)
}

fn symbols_type() -> DataType {
    DataType::List(Box::new(DataType::Struct(vec![
        Field::new("symbol".into(), DataType::String),
        Field::new("num_trades".into(), DataType::UInt32),
        Field::new("num_quotes".into(), DataType::UInt32),
        Field::new("bbo".into(), DataType::UInt32),
    ])))
}

/// Writes `df` to `dir/name` through a hidden temporary file (`.part-….parquet.tmp`): a reader
/// globbing `*.parquet` never meets a half-written file, and after a power cut the name points
/// at the whole file or at none (the lake's state file is written after it).
pub fn write_parquet(dir: &Path, name: &str, df: &mut DataFrame) -> Result<PathBuf> {
    let path = dir.join(name);
    crate::atomic_file::write_parquet(&path, df, "part")?;
    Ok(path)
}

pub fn read_parquet(path: &Path) -> Result<DataFrame> {
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    ParquetReader::new(file).finish().map_err(|e| anyhow!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Background, Grade, ProgType};

    fn burst(t: u32) -> BurstRow {
        BurstRow {
            time: SecondOfDay::from_hhmmss(t).unwrap_or_default(),
            grade: Grade::High,
            prog_type: ProgType::Buy,
            background: Background::Aggr,
            s1: 1,
            s2: 2,
            ct: 3,
            cb: 4,
            cs: 5,
            cu: None,
        }
    }

    #[test]
    fn bursts_without_symbols_have_the_same_schema_as_bursts_with() -> Result<()> {
        let day = Day::parse_compact("20250714").context("day")?;
        let mut hits = Hits::new();
        let t = SecondOfDay::from_hhmmss(93000).context("time")?;
        hits.insert(t, vec![SymbolHit { symbol: "SPY".into(), num_trades: 1, num_quotes: 2, bbo: 3 }]);
        let with = bursts(day, &[burst(93000)], &hits)?;
        let without = bursts(day, &[burst(93001)], &hits)?;
        assert_eq!(with.schema(), without.schema());
        assert_eq!(without.column("symbols")?.null_count(), 1);
        Ok(())
    }
}
