//! Rows → polars DataFrames, one schema per kind. Times become `Datetime(ms)` on the day's
//! date (naive: the archive is New York time and carries no zone).

use polars::prelude::*;

use crate::archive::{BurstRow, Day, Quotes, SecondOfDay, SeriesRow, SymbolHit};

pub const TIME: &str = "time";

/// Milliseconds since the epoch of `day` at midnight.
pub fn day_start_ms(day: Day) -> i64 {
    day.date().and_hms_opt(0, 0, 0).map_or(0, |dt| dt.and_utc().timestamp_millis())
}

fn times(name: &str, day: Day, secs: impl Iterator<Item = SecondOfDay>) -> Column {
    let base = day_start_ms(day);
    let v: Vec<i64> = secs.map(|t| base + i64::from(t.secs()) * 1000).collect();
    Int64Chunked::from_vec(name.into(), v).into_datetime(TimeUnit::Milliseconds, None).into_column()
}

fn u32s(name: &str, v: Vec<u32>) -> Column {
    UInt32Chunked::from_vec(name.into(), v).into_column()
}

/// hft1 as files and the lake have it: time, symbol, num_quotes, bbo, num_trades, dollars (null when empty), trade_size.
/// Takes the batch by value: its columns move into the frame without a copy.
pub fn quotes(day: Day, q: Quotes) -> PolarsResult<DataFrame> {
    let trade_size = q.dollars.iter().zip(&q.num_trades).map(|(d, n)| crate::archive::hft1::trade_size(*d, *n));
    let trade_size = Float64Chunked::from_iter_options("trade_size".into(), trade_size).into_column();
    let symbol = StringChunked::from_iter_values("symbol".into(), q.symbol.iter()).into_column();
    DataFrame::new(
        q.len(),
        vec![
            times(TIME, day, q.time.iter().copied()),
            symbol,
            u32s("num_quotes", q.num_quotes),
            u32s("bbo", q.bbo),
            u32s("num_trades", q.num_trades),
            Float64Chunked::from_iter_options("dollars".into(), q.dollars.into_iter()).into_column(),
            trade_size,
        ],
    )
}

/// hft2 / hft3: time, value.
pub fn series(day: Day, rows: &[SeriesRow]) -> PolarsResult<DataFrame> {
    DataFrame::new(
        rows.len(),
        vec![times(TIME, day, rows.iter().map(|r| r.time)), u32s("value", rows.iter().map(|r| r.value).collect())],
    )
}

/// Bursts: time, grade, prog_type, background (labels), s1, s2, ct, cb, cs, cu.
pub fn bursts(day: Day, rows: &[BurstRow]) -> PolarsResult<DataFrame> {
    let labels = |name: &str, f: &dyn Fn(&BurstRow) -> &'static str| {
        StringChunked::from_iter_values(name.into(), rows.iter().map(f)).into_column()
    };
    let nums = |name: &str, f: &dyn Fn(&BurstRow) -> u32| u32s(name, rows.iter().map(f).collect());
    DataFrame::new(
        rows.len(),
        vec![
            times(TIME, day, rows.iter().map(|r| r.time)),
            labels("grade", &|r| r.grade.label()),
            labels("prog_type", &|r| r.prog_type.label()),
            labels("background", &|r| r.background.label()),
            nums("s1", &|r| r.s1),
            nums("s2", &|r| r.s2),
            nums("ct", &|r| r.ct),
            nums("cb", &|r| r.cb),
            nums("cs", &|r| r.cs),
            // Written, or worked out: the screen, the export and the lake show the same CU.
            StringChunked::from_iter_values("cu".into(), rows.iter().map(BurstRow::cu_shown)).into_column(),
        ],
    )
}

/// Burst symbols: burst_time (joins the burst's `time`), symbol, num_trades, num_quotes, bbo.
pub fn burst_symbols(day: Day, burst: SecondOfDay, hits: &[SymbolHit]) -> PolarsResult<DataFrame> {
    DataFrame::new(
        hits.len(),
        vec![
            times("burst_time", day, hits.iter().map(|_| burst)),
            StringChunked::from_iter_values("symbol".into(), hits.iter().map(|h| h.symbol.as_str())).into_column(),
            u32s("num_trades", hits.iter().map(|h| h.num_trades).collect()),
            u32s("num_quotes", hits.iter().map(|h| h.num_quotes).collect()),
            u32s("bbo", hits.iter().map(|h| h.bbo).collect()),
        ],
    )
}
