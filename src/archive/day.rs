//! Trading days, as file names carry them (`YYYYMMDD`).

use std::fmt;

use chrono::{Datelike, NaiveDate};

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

    pub fn today() -> Day {
        Day(chrono::Local::now().date_naive())
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
}
