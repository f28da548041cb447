//! A day's bars as a frame for the Parquet export (`ki2 export` with prices: `OUT/bars/`):
//! symbol, time (the bar's start, New York time, as the archive's kinds have it), bar_s, open,
//! high, low, close, volume — sorted by symbol and time.

use polars::prelude::{Column, DataFrame, Int64Chunked, IntoColumn, PolarsResult, TimeUnit};

use super::bars::DayBars;
use crate::archive::Day;

pub fn frame(day: Day, bars: &DayBars) -> PolarsResult<DataFrame> {
    let mut symbols: Vec<(&str, &super::SymbolBars)> = bars.symbols.iter().map(|(s, b)| (&**s, b)).collect();
    symbols.sort_unstable_by_key(|(s, _)| *s);
    let rows = || symbols.iter().flat_map(|(s, b)| b.bars.iter().map(move |bar| (*s, b.bar_s, bar)));
    // As `store::frames` stamps the archive's rows (a layer above this one): local midnight as
    // if it were UTC, so the lake's kinds and bars join on `time` without zones.
    let base = day.date().and_hms_opt(0, 0, 0).map_or(0, |dt| dt.and_utc().timestamp_millis());
    let ms: Vec<i64> = rows().map(|(_, _, b)| base + i64::from(b.start) * 1000).collect();
    let n = ms.len();
    let num = |name: &str, f: &dyn Fn(&super::Bar) -> f64| {
        Column::new(name.into(), rows().map(|(_, _, b)| f(b)).collect::<Vec<_>>())
    };
    DataFrame::new(
        n,
        vec![
            Column::new("symbol".into(), rows().map(|(s, _, _)| s).collect::<Vec<_>>()),
            Int64Chunked::from_vec("time".into(), ms).into_datetime(TimeUnit::Milliseconds, None).into_column(),
            Column::new("bar_s".into(), rows().map(|(_, l, _)| l).collect::<Vec<_>>()),
            num("open", &|b| b.open),
            num("high", &|b| b.high),
            num("low", &|b| b.low),
            num("close", &|b| b.close),
            num("volume", &|b| b.volume),
        ],
    )
}
