//! Lines of a bars file into bars. The layout comes from the header, by column name, so a
//! vendor file with an extra column or another order still reads.

use chrono::{DateTime, Timelike};
use chrono_tz::Tz;

use super::bars::Bar;
use crate::archive::{Day, Reason, SecondOfDay};

/// Where each needed column is in a file's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub layout: Layout,
    symbol: usize,
    /// `time` (HHMMSS) or `window_start` (ns since the epoch).
    time: usize,
    open: usize,
    high: usize,
    low: usize,
    close: usize,
    volume: usize,
    /// Fields a row has.
    pub width: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `symbol,time,open,high,low,close,volume`, `time` the bar's start as HHMMSS.
    Canonical,
    /// `ticker,volume,open,close,high,low,window_start,transactions`: 60 s bars starting at
    /// `window_start` nanoseconds since the Unix epoch (UTC).
    Vendor,
}

pub const CANONICAL_HEADER: &str = "symbol,time,open,high,low,close,volume";
pub const VENDOR_HEADER: &str = "ticker,volume,open,close,high,low,window_start,transactions";

impl Columns {
    /// The layout a header line names, or `None` when it names neither.
    pub fn of_header(line: &str) -> Option<Columns> {
        let names: Vec<String> =
            line.trim_start_matches('\u{feff}').split(',').map(|f| f.trim().to_ascii_lowercase()).collect();
        let at = |n: &str| names.iter().position(|x| x == n);
        let width = names.len();
        let (layout, symbol, time) = match (at("symbol"), at("time"), at("ticker"), at("window_start")) {
            (Some(s), Some(t), _, _) => (Layout::Canonical, s, t),
            (_, _, Some(s), Some(t)) => (Layout::Vendor, s, t),
            _ => return None,
        };
        Some(Columns {
            layout,
            symbol,
            time,
            open: at("open")?,
            high: at("high")?,
            low: at("low")?,
            close: at("close")?,
            volume: at("volume")?,
            width,
        })
    }

    /// One row: its symbol and bar. Vendor times are put in `zone` and must fall on `day`.
    pub fn parse<'a>(&self, line: &'a [u8], day: Day, zone: Tz) -> Result<(&'a str, Bar), Reason> {
        let line = std::str::from_utf8(line).map_err(|_| Reason::NotUtf8)?;
        let mut fields = [""; 16];
        let mut n = 0;
        // Commas found with memchr: `str::split(',')` was a tenth of a 250-day study.
        let mut from = 0;
        for end in memchr::memchr_iter(b',', line.as_bytes()).chain(std::iter::once(line.len())) {
            if n < fields.len() {
                fields[n] = trim(&line[from..end]);
            }
            n += 1;
            from = end + 1;
        }
        if n < self.width {
            return Err(Reason::TooFewFields { got: n, want: self.width });
        }
        if n > self.width || n > fields.len() {
            return Err(Reason::TooManyFields { got: n, max: self.width });
        }
        let symbol = fields[self.symbol];
        if symbol.is_empty() {
            return Err(Reason::Empty { field: "symbol" });
        }
        let start = match self.layout {
            Layout::Canonical => hhmmss(fields[self.time])?,
            Layout::Vendor => window_start(fields[self.time], day, zone)?,
        };
        let bar = Bar {
            start,
            open: price(fields[self.open], "open")?,
            high: price(fields[self.high], "high")?,
            low: price(fields[self.low], "low")?,
            close: price(fields[self.close], "close")?,
            volume: price(fields[self.volume], "volume")?,
        };
        Ok((symbol, bar))
    }
}

/// Without surrounding spaces (rarely any: checked before trimming).
fn trim(f: &str) -> &str {
    match f.as_bytes() {
        [b, ..] | [.., b] if b.is_ascii_whitespace() => f.trim(),
        _ => f,
    }
}

/// A finite number (`NaN` and `inf` parse in Rust but are no price).
fn price(s: &str, field: &'static str) -> Result<f64, Reason> {
    if s.is_empty() {
        return Err(Reason::Empty { field });
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| Reason::not_a_number(field, s.as_bytes()))
}

/// `93000` or `093000`: seconds since midnight.
fn hhmmss(s: &str) -> Result<u32, Reason> {
    if s.is_empty() {
        return Err(Reason::Empty { field: "time" });
    }
    if s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Reason::not_a_number("time", s.as_bytes()));
    }
    let v: u32 = s.parse().map_err(|_| Reason::not_a_number("time", s.as_bytes()))?;
    SecondOfDay::from_hhmmss(v).map(SecondOfDay::secs).ok_or(Reason::BadTime(v))
}

/// Nanoseconds since the epoch → seconds since midnight in `zone`, on `day`.
fn window_start(s: &str, day: Day, zone: Tz) -> Result<u32, Reason> {
    if s.is_empty() {
        return Err(Reason::Empty { field: "window_start" });
    }
    let ns: i64 = s.parse().map_err(|_| Reason::not_a_number("window_start", s.as_bytes()))?;
    let (secs, nanos) = (ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32);
    let at = DateTime::from_timestamp(secs, nanos)
        .ok_or_else(|| Reason::Invalid(format!("window_start {ns} is no instant")))?
        .with_timezone(&zone);
    if at.date_naive() != day.date() {
        return Err(Reason::Invalid(format!(
            "window_start {ns} is {} in {zone}, not on the file's day {day}",
            at.format("%Y-%m-%d %H:%M:%S")
        )));
    }
    Ok(at.time().num_seconds_from_midnight())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NY: Tz = chrono_tz::America::New_York;

    fn day() -> Day {
        Day::parse_compact("20250722").unwrap_or_else(|| panic!("day"))
    }

    #[test]
    fn canonical_rows_read_padded_and_unpadded_times() -> Result<(), Reason> {
        let c = Columns::of_header(CANONICAL_HEADER).ok_or(Reason::NotUtf8)?;
        let (s, b) = c.parse(b"BRK.B,93000,1,2,0.5,1.5,100", day(), NY)?;
        assert_eq!((s, b.start, b.close), ("BRK.B", 9 * 3600 + 30 * 60, 1.5));
        assert_eq!(c.parse(b"SPY,093000,1,2,0.5,1.5,100", day(), NY)?.1.start, 34_200);
        Ok(())
    }

    #[test]
    fn vendor_rows_are_put_in_new_york_time_summer_and_winter() -> Result<(), Reason> {
        let c = Columns::of_header(VENDOR_HEADER).ok_or(Reason::NotUtf8)?;
        assert_eq!(c.layout, Layout::Vendor);
        // 2025-07-22 13:30:00 UTC is 09:30 EDT (UTC-4).
        let (s, b) = c.parse(b"AAPL,1200,214.1,214.3,214.5,214.0,1753191000000000000,17", day(), NY)?;
        assert_eq!(
            (s, b.start, b.open, b.close, b.high, b.low, b.volume),
            ("AAPL", 34_200, 214.1, 214.3, 214.5, 214.0, 1200.0)
        );
        // 2025-01-15 14:30:00 UTC is 09:30 EST (UTC-5).
        let winter = Day::parse_compact("20250115").ok_or(Reason::NotUtf8)?;
        assert_eq!(c.parse(b"AAPL,1,1,1,1,1,1736951400000000000,1", winter, NY)?.1.start, 34_200);
        Ok(())
    }

    #[test]
    fn bad_rows_say_why() {
        let c = Columns::of_header(CANONICAL_HEADER).unwrap_or_else(|| panic!("header"));
        let why = |line: &[u8]| c.parse(line, day(), NY).err().map(|r| r.to_string()).unwrap_or_default();
        assert_eq!(why(b"SPY,93000,1,2,0.5,1.5"), "too few fields (6, expected 7)");
        assert_eq!(why(b"SPY,93000,1,2,0.5,x,1"), "close is not a number: \"x\"");
        assert_eq!(why(b"SPY,93000,1,2,0.5,NaN,1"), "close is not a number: \"NaN\"");
        assert_eq!(why(b"SPY,250000,1,2,0.5,1,1"), "impossible time 250000 (HHMMSS)");
        assert_eq!(why(b",93000,1,2,0.5,1,1"), "symbol is empty");
        let v = Columns::of_header(VENDOR_HEADER).unwrap_or_else(|| panic!("header"));
        let other_day = v.parse(b"A,1,1,1,1,1,1753277400000000000,1", day(), NY).err().map(|r| r.to_string());
        assert!(other_day.unwrap_or_default().contains("not on the file's day 2025-07-22"));
    }

    #[test]
    fn a_header_with_neither_layout_is_refused() {
        assert_eq!(Columns::of_header("date,symbol,price"), None);
        assert!(Columns::of_header("\u{feff}Symbol, Time,Open,High,Low,Close,Volume").is_some());
    }
}
