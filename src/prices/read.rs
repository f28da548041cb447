//! Reading one day's bars: the file chosen for the day, gunzipped when it is gzip (by its
//! first bytes, whatever its name), its layout from its header, bad rows counted and kept with
//! their line, duplicates resolved, the bar length settled.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono_tz::Tz;
use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};

use super::bars::{Bar, DayBars, SymbolBars};
use super::files::BarFile;
use super::parse::{CANONICAL_HEADER, Columns, Layout, VENDOR_HEADER};
use crate::archive::lines::{is_blank, lines, strip_bom};
use crate::archive::{Day, Malformed, Reason, SecondOfDay};

/// A bars file or folder that cannot be used at all (bad rows are not errors: they are counted).
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    #[error("prices folder {0}: {1}")]
    Dir(PathBuf, String),
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, String),
    #[error("{0}: header {1:?} is neither `{CANONICAL_HEADER}` nor `{VENDOR_HEADER}`")]
    Header(PathBuf, String),
}

/// The length of bars whose file gives no spacing to go by (no symbol has two bars).
const FALLBACK_BAR_S: u32 = 60;

/// Reads `day` from the first of its files (the rest are named in a warning). `bar_s`: the
/// length of canonical bars, when the spacing of their times should not decide it.
pub fn read_day(files: &[BarFile], day: Day, bar_s: Option<u32>, zone: Tz) -> Result<Option<DayBars>, PriceError> {
    let Some(file) = files.first() else { return Ok(None) };
    let mut out = DayBars { day: Some(day), source: file.path.clone(), ..DayBars::default() };
    if files.len() > 1 {
        let others: Vec<String> = files[1..].iter().map(|f| f.path.display().to_string()).collect();
        out.warnings.push(format!(
            "{day}: bars read from {}; also found, not read: {}",
            file.path.display(),
            others.join(", ")
        ));
    }
    let (rows, layout) = if file.parquet {
        parquet_rows(&file.path, &mut out.malformed)?
    } else {
        // Today's file may be written while it is read: its unterminated last line is
        // half a row (a close of 12.3 for 12.3456), left for the next read.
        csv_rows(&file.path, day, zone, day >= Day::today(), &mut out.malformed)?
    };
    let bar_s = match layout {
        Layout::Vendor => 60,
        Layout::Canonical => match bar_s.or_else(|| spacing(&rows)) {
            Some(s) => s,
            None => {
                out.warnings.push(format!(
                    "{}: no symbol has two bars to tell their length by: taken as {FALLBACK_BAR_S} s (set [prices] bar_s)",
                    file.path.display()
                ));
                FALLBACK_BAR_S
            }
        },
    };
    let path: Arc<Path> = Arc::from(file.path.as_path());
    for (symbol, mut bars) in rows {
        bars.sort_by_key(|(b, line)| (b.start, *line));
        let mut kept: Vec<Bar> = Vec::with_capacity(bars.len());
        let mut kept_line = 0;
        for (bar, line) in bars {
            if kept.last().is_some_and(|k| k.start == bar.start) {
                // Two rows for one bar: the later line stands, as a rewrite would leave it.
                let at = SecondOfDay::from_secs(bar.start).unwrap_or_default();
                out.malformed.push(Malformed {
                    file: path.clone(),
                    line: kept_line,
                    reason: Reason::Invalid(format!("{symbol} {at} again on line {line}, which is kept")),
                });
                kept.pop();
            }
            kept.push(bar);
            kept_line = line;
        }
        out.symbols.insert(symbol, SymbolBars { bar_s, bars: kept });
    }
    out.malformed.sort_by_key(|m| m.line);
    Ok(Some(out))
}

/// Each symbol's bars with the line (1-based) each came from.
type Rows = foldhash::HashMap<Box<str>, Vec<(Bar, u64)>>;

/// The smallest gap between two bars of a symbol: the bar length, as the file spaces them.
fn spacing(rows: &Rows) -> Option<u32> {
    let mut starts: Vec<u32> = Vec::new();
    let mut min: Option<u32> = None;
    for bars in rows.values() {
        starts.clear();
        starts.extend(bars.iter().map(|(b, _)| b.start));
        starts.sort_unstable();
        for w in starts.windows(2) {
            if w[1] > w[0] {
                min = Some(min.map_or(w[1] - w[0], |m| m.min(w[1] - w[0])));
            }
        }
    }
    min
}

fn bytes_of(path: &Path) -> Result<Vec<u8>, PriceError> {
    let err = |e: std::io::Error| PriceError::Read(path.to_path_buf(), e.to_string());
    let raw = std::fs::read(path).map_err(err)?;
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let mut out = Vec::with_capacity(raw.len() * 4);
    // Multi-member: concatenated gzip files are one stream to `gunzip`, and so here.
    flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out).map_err(err)?;
    Ok(out)
}

fn csv_rows(
    path: &Path,
    day: Day,
    zone: Tz,
    growing: bool,
    bad: &mut Vec<Malformed>,
) -> Result<(Rows, Layout), PriceError> {
    let bytes = bytes_of(path)?;
    let file: Arc<Path> = Arc::from(path);
    let mut rows = Rows::default();
    let mut columns: Option<Columns> = None;
    let mut it = lines(&bytes);
    let mut texts: Vec<&[u8]> = it.by_ref().map(|l| l.text).collect();
    // A past day's file that does not end in a line ending still has its last line (it is whole).
    let rest = &bytes[it.consumed()..];
    if !growing && !is_blank(rest) {
        texts.push(rest.strip_suffix(b"\r").unwrap_or(rest));
    }
    // Files list a symbol's bars together: the last symbol's bars are at hand without a lookup.
    let mut last: Option<(&str, Vec<(Bar, u64)>)> = None;
    for (i, text) in texts.into_iter().enumerate() {
        let line = i as u64 + 1;
        let text = strip_bom(text);
        if is_blank(text) {
            continue;
        }
        let Some(cols) = columns else {
            let header = String::from_utf8_lossy(text);
            columns = Some(
                Columns::of_header(&header)
                    .ok_or_else(|| PriceError::Header(path.to_path_buf(), header.chars().take(120).collect()))?,
            );
            continue;
        };
        match cols.parse(text, day, zone) {
            Ok((symbol, bar)) => match &mut last {
                Some((s, v)) if *s == symbol => v.push((bar, line)),
                _ => {
                    if let Some((s, v)) = last.take() {
                        rows.entry(s.into()).or_default().extend(v);
                    }
                    last = Some((symbol, vec![(bar, line)]));
                }
            },
            Err(reason) => bad.push(Malformed { file: file.clone(), line, reason }),
        }
    }
    if let Some((s, v)) = last {
        rows.entry(s.into()).or_default().extend(v);
    }
    let layout = columns.map_or(Layout::Canonical, |c| c.layout);
    Ok((rows, layout))
}

/// Canonical bars in Parquet: a null or impossible value makes its row (1-based) malformed.
fn parquet_rows(path: &Path, bad: &mut Vec<Malformed>) -> Result<(Rows, Layout), PriceError> {
    let err = |e: String| PriceError::Read(path.to_path_buf(), e);
    let f = File::open(path).map_err(|e| err(e.to_string()))?;
    let df = ParquetReader::new(f).finish().map_err(|e| err(e.to_string()))?;
    let rows = parquet_frame(&df, &Arc::from(path), bad)
        .map_err(|e| err(format!("expected columns {CANONICAL_HEADER}: {e}")))?;
    Ok((rows, Layout::Canonical))
}

fn parquet_frame(df: &DataFrame, file: &Arc<Path>, bad: &mut Vec<Malformed>) -> polars::prelude::PolarsResult<Rows> {
    let col = |n: &str, t: &DataType| df.column(n).and_then(|c| c.cast(t));
    let symbol = col("symbol", &DataType::String)?;
    let time = col("time", &DataType::Int64)?;
    let num = |n: &str| col(n, &DataType::Float64);
    let (open, high, low, close, volume) = (num("open")?, num("high")?, num("low")?, num("close")?, num("volume")?);
    let (symbol, time) = (symbol.str()?, time.i64()?);
    let (open, high, low, close, volume) = (open.f64()?, high.f64()?, low.f64()?, close.f64()?, volume.f64()?);
    let mut rows = Rows::default();
    for i in 0..df.height() {
        let start = time.get(i).and_then(|t| u32::try_from(t).ok()).and_then(SecondOfDay::from_hhmmss);
        let values = (symbol.get(i), start, open.get(i), high.get(i), low.get(i), close.get(i), volume.get(i));
        let line = i as u64 + 1;
        match values {
            (Some(s), Some(t), Some(o), Some(h), Some(l), Some(c), Some(v))
                if !s.is_empty() && [o, h, l, c, v].iter().all(|x| x.is_finite()) =>
            {
                let bar = Bar { start: t.secs(), open: o, high: h, low: l, close: c, volume: v };
                rows.entry(s.into()).or_default().push((bar, line));
            }
            _ => {
                let why = "a null, empty or impossible value (row of the Parquet file)".to_owned();
                bad.push(Malformed { file: file.clone(), line, reason: Reason::Invalid(why) });
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const NY: Tz = chrono_tz::America::New_York;

    fn day() -> Day {
        Day::parse_compact("20250722").unwrap_or_else(|| panic!("day"))
    }

    fn one(path: &Path, parquet: bool, bar_s: Option<u32>) -> Result<DayBars, Box<dyn std::error::Error>> {
        let files = [BarFile { day: day(), path: path.to_path_buf(), parquet }];
        Ok(read_day(&files, day(), bar_s, NY)?.ok_or("no bars")?)
    }

    #[test]
    fn canonical_second_bars_take_their_length_from_their_spacing() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("20250722.csv");
        std::fs::write(
            &p,
            "symbol,time,open,high,low,close,volume\r\nSPY,93000,1,1,1,1,5\r\nSPY,93001,1,1,1,2,5\r\n\r\nQQQ,93005,1,1,1,3,5",
        )?;
        let bars = one(&p, false, None)?;
        assert_eq!(bars.get("SPY").map(|s| (s.bar_s, s.bars.len())), Some((1, 2)));
        assert_eq!(
            bars.get("QQQ").and_then(|s| s.known_at(34_206)).map(|b| b.close),
            Some(3.0),
            "the unterminated last line is a row"
        );
        assert_eq!(one(&p, false, Some(60))?.get("SPY").map(|s| s.bar_s), Some(60), "[prices] bar_s wins");
        Ok(())
    }

    #[test]
    fn todays_file_being_written_is_read_to_its_last_whole_line() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let today = Day::today();
        let p = dir.path().join(format!("{}.csv", today.compact()));
        std::fs::write(&p, "symbol,time,open,high,low,close,volume\nSPY,93000,1,1,1,12.3456,5\nSPY,93100,1,1,1,12.3")?;
        let files = [BarFile { day: today, path: p.clone(), parquet: false }];
        let bars = read_day(&files, today, Some(60), NY)?.ok_or("no bars")?;
        let spy: Vec<f64> = bars.get("SPY").map(|s| s.bars.iter().map(|b| b.close).collect()).unwrap_or_default();
        assert_eq!(spy, [12.3456], "the half-written 09:31 bar waits for its line ending");
        assert!(bars.malformed.is_empty(), "{:?}", bars.malformed);
        Ok(())
    }

    #[test]
    fn a_gzipped_vendor_file_reads_and_its_bad_rows_are_counted_with_their_line()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("2025-07-22.csv.gz");
        let text = format!(
            "{VENDOR_HEADER}\nAAPL,10,1,2,2,1,1753191000000000000,3\nAAPL,10,1,x,2,1,1753191060000000000,3\nAAPL,10,1,3,3,1,1753191060000000000,3\n"
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes())?;
        std::fs::write(&p, gz.finish()?)?;
        let bars = one(&p, false, Some(1))?;
        let aapl = bars.get("AAPL").ok_or("no AAPL")?;
        assert_eq!((aapl.bar_s, aapl.bars.len()), (60, 2), "vendor bars are 60 s whatever bar_s says");
        assert_eq!(bars.malformed.len(), 1);
        let m = bars.malformed[0].to_string();
        assert!(m.ends_with("2025-07-22.csv.gz:3: close is not a number: \"x\""), "{m}");
        Ok(())
    }

    #[test]
    fn a_bar_written_twice_keeps_the_later_line_and_says_so() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("20250722.csv");
        std::fs::write(
            &p,
            "symbol,time,open,high,low,close,volume\nSPY,93000,1,1,1,1,5\nSPY,93100,1,1,1,2,5\nSPY,93000,1,1,1,7,5\n",
        )?;
        let bars = one(&p, false, None)?;
        let spy = bars.get("SPY").ok_or("no SPY")?;
        assert_eq!(spy.bars.iter().map(|b| b.close).collect::<Vec<_>>(), [7.0, 2.0]);
        assert_eq!(bars.malformed.len(), 1);
        assert!(bars.malformed[0].to_string().ends_with(":2: SPY 09:30:00 again on line 4, which is kept"));
        Ok(())
    }

    #[test]
    fn a_file_of_another_layout_is_named_with_its_header() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("20250722.csv");
        std::fs::write(&p, "date,sym,px\n1,2,3\n")?;
        let files = [BarFile { day: day(), path: p, parquet: false }];
        let err = read_day(&files, day(), None, NY).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("20250722.csv: header \"date,sym,px\" is neither"), "{err}");
        Ok(())
    }

    #[test]
    fn canonical_parquet_reads_and_a_null_close_is_counted() -> Result<(), Box<dyn std::error::Error>> {
        use polars::prelude::{Column, ParquetWriter};
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("20250722.parquet");
        let mut df = DataFrame::new(
            3,
            vec![
                Column::new("symbol".into(), ["SPY", "SPY", "SPY"]),
                Column::new("time".into(), [93000i64, 93100, 93200]),
                Column::new("open".into(), [1.0, 1.0, 1.0]),
                Column::new("high".into(), [1.0, 1.0, 1.0]),
                Column::new("low".into(), [1.0, 1.0, 1.0]),
                Column::new("close".into(), [Some(1.0), None, Some(3.0)]),
                Column::new("volume".into(), [1i64, 2, 3]),
            ],
        )?;
        ParquetWriter::new(std::fs::File::create(&p)?).finish(&mut df)?;
        let bars = one(&p, true, None)?;
        assert_eq!(bars.get("SPY").map(|s| (s.bar_s, s.bars.len())), Some((120, 2)));
        assert_eq!(bars.malformed.iter().map(|m| m.line).collect::<Vec<_>>(), [2]);
        Ok(())
    }
}
