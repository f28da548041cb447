//! Rows → the DataFrames `ki2 export` writes (same functions, so the same schema), and Parquet
//! files written under a hidden name, synced, then renamed into place.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use polars::prelude::{DataFrame, DataType, Field, ParquetReader, ParquetWriter, PolarsResult, SerReader};

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

/// Rows a row group of `write_files` holds at most: polars' own default for a whole frame.
const ROW_GROUP: usize = 512 * 512;

/// The rows of `files`, in order, as one Parquet file at `path` (written as `write_parquet`
/// writes), one input file at a time, each as it is (a part its own row group, a compacted
/// file in row groups of at most `ROW_GROUP`). Merging them into one frame first held a
/// compaction's rows twice over: 100+ MB at the first big compaction of a heavy day, several
/// times that at its end; regrouping them into full row groups left the lake's heap 17–20 MB
/// larger after each compaction, against 10 MB this way (benches/FIGURES.md). Returns the rows
/// written.
pub fn write_files(path: &Path, files: &[PathBuf]) -> Result<u64> {
    write_files_in_groups(path, files, ROW_GROUP)
}

fn write_files_in_groups(path: &Path, files: &[PathBuf], row_group: usize) -> Result<u64> {
    let mut rows = 0u64;
    crate::atomic_file::write_with(path, "chunk", crate::atomic_file::Durable::Synced, |w| {
        let mut out = Some(w);
        let mut writer = None;
        let mut schema = None;
        for f in files {
            let mut df = read_parquet(f)?;
            match &schema {
                None => schema = Some(df.schema().clone()),
                Some(s) if s != df.schema() => bail!("{} does not match the folder's schema", f.display()),
                Some(_) => {}
            }
            // The batched writer needs the columns' chunks aligned (as read, they are).
            df.align_chunks();
            let mut offset = 0;
            while offset < df.height() {
                let take = row_group.min(df.height() - offset);
                // Each chunk of the slice (aligned, as the frame's) becomes a row group: nothing
                // is copied into new row groups.
                let slice = df.slice(offset as i64, take);
                if writer.is_none() {
                    let out = out.take().ok_or_else(|| anyhow!("the Parquet writer was made already"))?;
                    // On this thread: compaction is background work for one core.
                    let made = ParquetWriter::new(out).set_parallel(false).batched(slice.schema());
                    writer = Some(made.map_err(|e| anyhow!("{e}"))?);
                }
                if let Some(bw) = writer.as_mut() {
                    bw.write_batch(&slice).map_err(|e| anyhow!("{e}"))?;
                }
                rows += take as u64;
                offset += take;
            }
        }
        match writer {
            Some(bw) => bw.finish().map(|_| ()).map_err(|e| anyhow!("{e}")),
            None => bail!("no rows to write"),
        }
    })?;
    Ok(rows)
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

    fn s1_file(dir: &Path, name: &str, values: &[u32]) -> Result<PathBuf> {
        let day = Day::parse_compact("20250714").context("day")?;
        let mut df = frame(day, Rows::s1_of(values), &Hits::new())?;
        write_parquet(dir, name, &mut df)
    }

    fn values(df: &DataFrame) -> Result<Vec<u32>> {
        Ok(df.column("value")?.u32()?.into_no_null_iter().collect())
    }

    #[test]
    fn files_streamed_into_one_hold_their_rows_in_order_each_cut_at_the_row_group_size() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let files = vec![
            s1_file(dir.path(), "a.parquet", &[34_200, 34_201, 34_202, 34_203])?,
            s1_file(dir.path(), "b.parquet", &[34_204])?,
            s1_file(dir.path(), "c.parquet", &[34_205, 34_206, 34_207, 34_208, 34_209])?,
        ];
        let out = dir.path().join("chunk.parquet");
        assert_eq!(write_files_in_groups(&out, &files, 3)?, 10);
        let mut reader = ParquetReader::new(File::open(&out)?);
        let groups: Vec<usize> = reader.get_metadata()?.row_groups.iter().map(|g| g.num_rows()).collect();
        assert_eq!(groups, [3, 1, 1, 3, 2], "each file as it is, cut at 3 rows");
        let df = reader.finish()?;
        assert_eq!(values(&df)?, (34_200..34_210).collect::<Vec<_>>());
        // Any files at all: the same rows as one frame written whole.
        assert_eq!(write_files(&out, &files)?, 10);
        assert_eq!(values(&read_parquet(&out)?)?, (34_200..34_210).collect::<Vec<_>>());
        Ok(())
    }

    #[test]
    fn a_file_of_another_schema_is_named_and_nothing_is_written() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = s1_file(dir.path(), "a.parquet", &[34_200])?;
        let day = Day::parse_compact("20250714").context("day")?;
        let mut other = bursts(day, &[burst(93000)], &Hits::new())?;
        let b = write_parquet(dir.path(), "b.parquet", &mut other)?;
        let out = dir.path().join("chunk.parquet");
        let err = format!("{:#}", write_files(&out, &[a, b.clone()]).err().context("no error")?);
        assert!(err.contains(&format!("{} does not match the folder's schema", b.display())), "{err}");
        assert!(!out.exists());
        Ok(())
    }
}
