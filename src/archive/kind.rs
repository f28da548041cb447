//! The five file kinds of a Burst Monitor day and their file names.

use std::fmt;

use super::day::Day;
use super::time::SecondOfDay;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `Data/YYYYMMDD_hft1.csv`: High Quote Counts.
    Quotes,
    /// `Data/YYYYMMDD_hft2.csv`: S2 per second.
    S2,
    /// `Data/YYYYMMDD_hft3.csv`: S1 per second.
    S1,
    /// `Data_Burst/YYYYMMDD.csv`: burst signals.
    Bursts,
    /// `Data_Burst_Symbols/Burst_YYYYMMDD_HHMMSS.csv`: one burst's symbols.
    BurstSymbols,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Quotes, Kind::S2, Kind::S1, Kind::Bursts, Kind::BurstSymbols];

    /// Short name used in exports, logs and messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Quotes => "hft1",
            Kind::S2 => "hft2",
            Kind::S1 => "hft3",
            Kind::Bursts => "bursts",
            Kind::BurstSymbols => "burst_symbols",
        }
    }

    pub fn folder(self) -> &'static str {
        match self {
            Kind::Quotes | Kind::S2 | Kind::S1 => "Data",
            Kind::Bursts => "Data_Burst",
            Kind::BurstSymbols => "Data_Burst_Symbols",
        }
    }

    /// The file name of this kind for `day` (`burst` only for symbol files).
    pub fn file_name(self, day: Day, burst: Option<SecondOfDay>) -> String {
        let d = day.compact();
        match self {
            Kind::Quotes => format!("{d}_hft1.csv"),
            Kind::S2 => format!("{d}_hft2.csv"),
            Kind::S1 => format!("{d}_hft3.csv"),
            Kind::Bursts => format!("{d}.csv"),
            Kind::BurstSymbols => {
                let (h, m, s) = burst.unwrap_or_default().hms();
                format!("Burst_{d}_{h:02}{m:02}{s:02}.csv")
            }
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a file name in one of the three folders says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    File {
        day: Day,
        kind: Kind,
        burst: Option<SecondOfDay>,
    },
    /// Looks like an archive file, but its date or time does not exist (`20250231_hft1.csv`).
    BadDate,
    /// Not an archive file: ignored.
    Other,
}

/// What a path's file name says, read in the folder it sits in.
pub fn name_of(path: &std::path::Path) -> Name {
    let part = |p: Option<&std::ffi::OsStr>| p.and_then(|s| s.to_str()).map(str::to_owned);
    match (part(path.parent().and_then(|p| p.file_name())), part(path.file_name())) {
        (Some(folder), Some(file)) => parse_name(&folder, &file),
        _ => Name::Other,
    }
}

/// Reads a file name found in `folder` (`Data`, `Data_Burst` or `Data_Burst_Symbols`).
pub fn parse_name(folder: &str, file: &str) -> Name {
    let Some(stem) = strip_suffix_ci(file, ".csv") else { return Name::Other };
    let dated = |d: &str, kind: Kind, burst| match Day::parse_compact(d) {
        Some(day) => Name::File { day, kind, burst },
        None => Name::BadDate,
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if folder.eq_ignore_ascii_case("Data") {
        let Some((d, suffix)) = stem.split_once('_') else { return Name::Other };
        if !digits(d, 8) {
            return Name::Other;
        }
        match suffix.to_ascii_lowercase().as_str() {
            "hft1" => dated(d, Kind::Quotes, None),
            "hft2" => dated(d, Kind::S2, None),
            "hft3" => dated(d, Kind::S1, None),
            _ => Name::Other,
        }
    } else if folder.eq_ignore_ascii_case("Data_Burst") {
        if digits(stem, 8) { dated(stem, Kind::Bursts, None) } else { Name::Other }
    } else if folder.eq_ignore_ascii_case("Data_Burst_Symbols") {
        let Some(rest) = strip_prefix_ci(stem, "Burst_") else { return Name::Other };
        let Some((d, t)) = rest.split_once('_') else { return Name::Other };
        if !digits(d, 8) || !(digits(t, 6) || digits(t, 5)) {
            return Name::Other;
        }
        match t.parse::<u32>().ok().and_then(SecondOfDay::from_hhmmss) {
            Some(time) => dated(d, Kind::BurstSymbols, Some(time)),
            None => Name::BadDate,
        }
    } else {
        Name::Other
    }
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse_compact(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn names_round_trip() {
        let d = day("20200306");
        let t = SecondOfDay::from_hhmmss(93015);
        for kind in Kind::ALL {
            let burst = (kind == Kind::BurstSymbols).then_some(t).flatten();
            let name = kind.file_name(d, burst);
            assert_eq!(parse_name(kind.folder(), &name), Name::File { day: d, kind, burst }, "{name}");
        }
        assert_eq!(Kind::BurstSymbols.file_name(d, t), "Burst_20200306_093015.csv");
    }

    #[test]
    fn odd_names() {
        assert_eq!(parse_name("Data", "20250231_hft1.csv"), Name::BadDate);
        assert_eq!(
            parse_name("Data", "20250101_hft1.CSV"),
            Name::File { day: day("20250101"), kind: Kind::Quotes, burst: None }
        );
        assert_eq!(parse_name("Data", "notes.txt"), Name::Other);
        assert_eq!(parse_name("Data", "20250101_hft9.csv"), Name::Other);
        assert_eq!(
            parse_name("Data_Burst_Symbols", "Burst_20250101_93015.csv"),
            Name::File { day: day("20250101"), kind: Kind::BurstSymbols, burst: SecondOfDay::from_hhmmss(93015) }
        );
        assert_eq!(parse_name("Data_Burst_Symbols", "Burst_20250101_250000.csv"), Name::BadDate);
        assert_eq!(parse_name("Data_Burst", "é.csv"), Name::Other);
    }
}
