//! Hive-partitioned Parquet: `OUT/<kind>/date=YYYY-MM-DD/part-0.parquet`, readable by polars,
//! DuckDB and Spark. Burst rows carry their symbols as a list-of-struct column.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::ChunkCompareEq;
use polars::prelude::{Column, DataFrame, IntoColumn, IntoSeries, ListChunked, PolarsResult, Series, StructChunked};

use super::DayStore;
use super::frames::{TIME, day_start_ms};

/// Files written for one day.
pub struct Exported {
    pub files: Vec<PathBuf>,
    pub rows: u64,
}

impl DayStore {
    /// Bursts with a `symbols` column: list of {symbol, num_trades, num_quotes, bbo}, null where
    /// the burst has no symbols file.
    pub fn bursts_with_symbols(&self) -> PolarsResult<DataFrame> {
        let base = day_start_ms(self.day);
        let times = self.bursts.column(TIME)?.datetime()?.physical().clone();
        let burst_times = self.symbols.column("burst_time")?.datetime()?.physical().clone();
        let fields = ["symbol", "num_trades", "num_quotes", "bbo"];
        let lists: ListChunked = times
            .iter()
            .map(|t| -> Option<Series> {
                let ms = t?;
                let secs = u32::try_from((ms - base) / 1000).ok()?;
                let sod = crate::archive::SecondOfDay::from_secs(secs)?;
                if !self.symbol_files.contains(&sod) {
                    return None;
                }
                let rows = self.symbols.filter(&burst_times.equal(ms)).ok()?;
                let cols: Vec<Column> = fields.iter().filter_map(|f| rows.column(f).ok().cloned()).collect();
                StructChunked::from_columns("hit".into(), rows.height(), &cols).ok().map(|s| s.into_series())
            })
            .collect();
        let mut out = self.bursts.clone();
        out.with_column(lists.with_name("symbols".into()).into_column())?;
        Ok(out)
    }

    /// hft1 in the layout the files and the lake have (`frames::quotes`): times, symbols and
    /// trade sizes written out. Made when asked: a heavy day's is ~50 MB for a moment.
    pub fn quotes_as_in_files(&self) -> PolarsResult<DataFrame> {
        let c = self.quote_cols();
        let (mut q, all) = (crate::archive::Quotes::default(), 0..c.len());
        c.time.each(all.clone(), |_, t| q.time.push(super::queries::second(t)));
        let mut unnamed = None;
        c.symbol.each(all.clone(), |i, id| match c.names.name(id) {
            Some(s) => q.symbol.push(s),
            None => unnamed = unnamed.or(Some(i)),
        });
        // Every number the store keeps was given by `names`: one without a name is a bug.
        if let Some(i) = unnamed {
            polars::prelude::polars_bail!(ComputeError: "hft1 row {i} has a symbol number with no name");
        }
        c.num_quotes.each(all.clone(), |_, v| q.num_quotes.push(v));
        c.bbo.each(all.clone(), |_, v| q.bbo.push(v));
        c.num_trades.each(all.clone(), |_, v| q.num_trades.push(v));
        c.dollars.each(all, |_, d| q.dollars.push(d));
        super::frames::quotes(self.day, q)
    }

    /// Writes the day under `out`; kinds without rows are skipped.
    pub fn export_parquet(&self, out: &Path) -> Result<Exported> {
        let mut result = Exported { files: Vec::new(), rows: 0 };
        let date = format!("date={}", self.day);
        let frames: [(&str, DataFrame); 5] = [
            ("hft1", self.quotes_as_in_files()?),
            ("hft2", self.s2.clone()),
            ("hft3", self.s1.clone()),
            ("bursts", self.bursts_with_symbols()?),
            ("burst_symbols", self.symbols.clone()),
        ];
        for (kind, mut df) in frames {
            if df.height() == 0 {
                continue;
            }
            let dir = out.join(kind).join(&date);
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join("part-0.parquet");
            crate::atomic_file::write_parquet(&path, &mut df, "part")?;
            result.rows += df.height() as u64;
            result.files.push(path);
        }
        Ok(result)
    }
}
