//! Times of day as the Burst Monitor writes them: `HHMMSS` integers without zero padding.

use std::fmt;

/// Seconds since midnight, New York time (the archive carries no zone).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecondOfDay(u32);

impl SecondOfDay {
    pub const MIDNIGHT: SecondOfDay = SecondOfDay(0);

    /// `93015` → 09:30:15. `None` for an impossible time such as `250000` or `93075`.
    pub fn from_hhmmss(v: u32) -> Option<Self> {
        let (h, m, s) = (v / 10_000, v / 100 % 100, v % 100);
        Self::from_hms(h, m, s)
    }

    pub fn from_hms(h: u32, m: u32, s: u32) -> Option<Self> {
        (h < 24 && m < 60 && s < 60).then_some(SecondOfDay(h * 3600 + m * 60 + s))
    }

    /// From seconds since midnight; `None` past 23:59:59.
    pub fn from_secs(secs: u32) -> Option<Self> {
        (secs < 86_400).then_some(SecondOfDay(secs))
    }

    pub fn secs(self) -> u32 {
        self.0
    }

    pub fn hms(self) -> (u32, u32, u32) {
        (self.0 / 3600, self.0 / 60 % 60, self.0 % 60)
    }

    /// The unpadded integer the files use.
    pub fn hhmmss(self) -> u32 {
        let (h, m, s) = self.hms();
        h * 10_000 + m * 100 + s
    }

    pub fn hhmm(self) -> String {
        let (h, m, _) = self.hms();
        format!("{h:02}:{m:02}")
    }
}

impl fmt::Display for SecondOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = self.hms();
        write!(f, "{h:02}:{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpadded_times_parse() {
        assert_eq!(SecondOfDay::from_hhmmss(93015).map(|t| t.to_string()), Some("09:30:15".into()));
        assert_eq!(SecondOfDay::from_hhmmss(0).map(|t| t.secs()), Some(0));
        assert_eq!(SecondOfDay::from_hhmmss(5).map(|t| t.to_string()), Some("00:00:05".into()));
        assert_eq!(SecondOfDay::from_hhmmss(235959).map(|t| t.secs()), Some(86_399));
    }

    #[test]
    fn impossible_times_are_rejected() {
        for v in [250000, 240000, 96000, 93060, 1_000_000] {
            assert_eq!(SecondOfDay::from_hhmmss(v), None, "{v}");
        }
    }

    #[test]
    fn hhmmss_round_trips() {
        for v in [0, 1, 59, 100, 93015, 160000, 235959] {
            assert_eq!(SecondOfDay::from_hhmmss(v).map(SecondOfDay::hhmmss), Some(v));
        }
    }
}
