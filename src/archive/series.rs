//! `YYYYMMDD_hft2.csv` (S2: stocks with HFT quote bursts) and `YYYYMMDD_hft3.csv` (S1: stocks
//! with HFT program bursts): one `Time,Value` row per second.

use super::fields;
use super::malformed::Reason;
use super::time::SecondOfDay;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesRow {
    pub time: SecondOfDay,
    pub value: u32,
}

pub fn parse(line: &[u8]) -> Result<SeriesRow, Reason> {
    let f = fields::split::<2>(line, 2, 2)?;
    let raw_time = fields::uint(f[0], "time")?;
    Ok(SeriesRow {
        time: SecondOfDay::from_hhmmss(raw_time).ok_or(Reason::BadTime(raw_time))?,
        value: fields::uint(f[1], "value")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows() {
        assert_eq!(parse(b"93015,42").map(|r| (r.time.secs(), r.value)), Ok((9 * 3600 + 30 * 60 + 15, 42)));
        assert!(parse(b"93015,42,").is_ok());
        assert_eq!(parse(b"93015"), Err(Reason::TooFewFields { got: 1, want: 2 }));
        assert!(parse(b"93015,4.2").is_err());
    }
}
