//! Trading days, as file names carry them (`YYYYMMDD`).

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// The zone whose calendar names the archive's days: the Burst Monitor files by the New York
/// trading day, whatever zone the machine reading them is in.
pub const MARKET_ZONE: Tz = chrono_tz::America::New_York;

static ZONE: OnceLock<Tz> = OnceLock::new();

/// Sets the market zone for this process (the config's `[market] timezone`); the first call
/// wins, later calls are ignored, and without one it is New York.
pub fn set_market_zone(zone: Tz) {
    let _ = ZONE.set(zone);
}

pub fn market_zone() -> Tz {
    ZONE.get().copied().unwrap_or(MARKET_ZONE)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(NaiveDate);

impl Day {
    pub fn new(date: NaiveDate) -> Day {
        Day(date)
    }

    /// `20250714` → 2025-07-14; `None` for anything else, including dates that do not exist
    /// (`20250231`).
    pub fn parse_compact(s: &str) -> Option<Day> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        NaiveDate::parse_from_str(s, "%Y%m%d").ok().map(Day)
    }

    /// The current trading day: today's date in the market zone, not the local one (east of
    /// New York the local date runs ahead of the archive's).
    pub fn today() -> Day {
        Day::at(Utc::now(), market_zone())
    }

    /// A day before today's market date: its files are complete (the Burst Monitor writes only
    /// today's), whether or not it is the archive's newest.
    pub fn is_closed(self) -> bool {
        self < Day::today()
    }

    /// The date in `zone` at the instant `now`.
    pub fn at(now: DateTime<Utc>, zone: Tz) -> Day {
        Day(now.with_timezone(&zone).date_naive())
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// `YYYYMMDD`, as in file names.
    pub fn compact(self) -> String {
        self.0.format("%Y%m%d").to_string()
    }

    /// `YYYY`, `MM`: the monthly layout's folders.
    pub fn year_month(self) -> (String, String) {
        (format!("{:04}", self.0.year()), format!("{:02}", self.0.month()))
    }

    pub fn pred(self) -> Option<Day> {
        self.0.pred_opt().map(Day)
    }

    pub fn days_since(self, earlier: Day) -> i64 {
        (self.0 - earlier.0).num_days()
    }
}

impl fmt::Display for Day {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// What `--date` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    Day(Day),
    Today,
    Latest,
}

impl DateSpec {
    pub fn parse(s: &str) -> Result<DateSpec, String> {
        match s.to_ascii_lowercase().as_str() {
            "today" => Ok(DateSpec::Today),
            "latest" => Ok(DateSpec::Latest),
            _ => {
                let compact: String = s.chars().filter(|c| *c != '-').collect();
                Day::parse_compact(&compact)
                    .map(DateSpec::Day)
                    .ok_or_else(|| format!("invalid --date {s:?}: expected YYYYMMDD, today or latest"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        let d = Day::parse_compact("20250714").unwrap_or_else(|| panic!("valid"));
        assert_eq!(d.to_string(), "2025-07-14");
        assert_eq!(d.compact(), "20250714");
        assert_eq!(Day::parse_compact("20250231"), None);
        assert_eq!(Day::parse_compact("2025071"), None);
        assert_eq!(DateSpec::parse("latest"), Ok(DateSpec::Latest));
        assert_eq!(DateSpec::parse("2025-07-14"), Ok(DateSpec::Day(d)));
        assert!(DateSpec::parse("yesterday").is_err());
    }

    #[test]
    fn the_trading_day_is_the_new_york_date_wherever_ki2_runs() {
        // 10:00 in New York on 1 December is already 2 December in UTC+14 and still 1 December
        // in UTC-10: both must read the archive of 1 December.
        let now = DateTime::parse_from_rfc3339("2026-12-01T15:00:00Z").map(|t| t.with_timezone(&Utc));
        let now = now.unwrap_or_else(|e| panic!("valid instant: {e}"));
        assert_eq!(Day::at(now, MARKET_ZONE).compact(), "20261201");
        assert_eq!(Day::at(now, chrono_tz::Pacific::Kiritimati).compact(), "20261202");
        let late = now + chrono::Duration::hours(10);
        assert_eq!(Day::at(late, MARKET_ZONE).compact(), "20261201");
    }
}
