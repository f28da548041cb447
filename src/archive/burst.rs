//! `Data_Burst/YYYYMMDD.csv`: one program burst signal per row, with running daily totals.
//! `Time,Grade,ProgType,Bckgrnd,S1,S2,CT,CB,CS[,CU]` (order configurable, see `columns`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::columns::{BurstColumns, MAX_COLUMNS};
use super::fields;
use super::malformed::Reason;
use super::time::SecondOfDay;

/// Burst grade, ordered by severity: `Low < Mod < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Grade {
    Low,
    Mod,
    High,
}

impl Grade {
    /// The file's code: 1=HIGH, 2=MOD, 3=LOW.
    pub fn from_code(code: &[u8]) -> Option<Grade> {
        match code {
            b"1" => Some(Grade::High),
            b"2" => Some(Grade::Mod),
            b"3" => Some(Grade::Low),
            _ => None,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Grade::High => 1,
            Grade::Mod => 2,
            Grade::Low => 3,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::High => "HIGH",
            Grade::Mod => "MOD",
            Grade::Low => "LOW",
        }
    }

    pub fn parse_label(s: &str) -> Option<Grade> {
        match s.to_ascii_uppercase().as_str() {
            "HIGH" => Some(Grade::High),
            "MOD" => Some(Grade::Mod),
            "LOW" => Some(Grade::Low),
            _ => None,
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Direction of a program burst: 1=Buy, 0=Sell, anything else undetermined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ProgType {
    Buy,
    Sell,
    Und,
}

impl ProgType {
    pub fn from_code(code: &[u8]) -> ProgType {
        match code {
            b"1" => ProgType::Buy,
            b"0" => ProgType::Sell,
            _ => ProgType::Und,
        }
    }

    pub fn code(self) -> i8 {
        match self {
            ProgType::Buy => 1,
            ProgType::Sell => 0,
            ProgType::Und => -1,
        }
    }

    /// As the Burst Monitor shows it.
    pub fn label(self) -> &'static str {
        match self {
            ProgType::Buy => "Buy",
            ProgType::Sell => "Sell",
            ProgType::Und => "UND",
        }
    }

    pub fn parse_label(s: &str) -> Option<ProgType> {
        match s.to_ascii_uppercase().as_str() {
            "BUY" => Some(ProgType::Buy),
            "SELL" => Some(ProgType::Sell),
            "UND" => Some(ProgType::Und),
            _ => None,
        }
    }
}

/// Background of a burst: 0=Port (portfolio), 1=Aggr (aggressive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Background {
    Port,
    Aggr,
}

impl Background {
    pub fn from_code(code: &[u8]) -> Option<Background> {
        match code {
            b"0" => Some(Background::Port),
            b"1" => Some(Background::Aggr),
            _ => None,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Background::Port => 0,
            Background::Aggr => 1,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Background::Port => "Port",
            Background::Aggr => "Aggr",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurstRow {
    pub time: SecondOfDay,
    pub grade: Grade,
    pub prog_type: ProgType,
    pub background: Background,
    pub s1: u32,
    pub s2: u32,
    /// Running daily totals: all burst signals, buy signals, sell signals.
    pub ct: u32,
    pub cb: u32,
    pub cs: u32,
    /// Only some Burst Monitor versions write it; shown as written.
    pub cu: Option<String>,
}

impl BurstRow {
    /// CU as the Burst Monitor's screen shows it: as written when the file has it, else
    /// CT − CB − CS (the bursts counted as neither buy nor sell).
    pub fn cu_shown(&self) -> String {
        match &self.cu {
            Some(cu) => cu.clone(),
            None => (i64::from(self.ct) - i64::from(self.cb) - i64::from(self.cs)).to_string(),
        }
    }
}

const MAX_FIELDS: usize = MAX_COLUMNS + 1;

pub fn parse(line: &[u8], cols: &BurstColumns) -> Result<BurstRow, Reason> {
    // One optional CU column, then only empty fields (a trailing comma).
    let f = fields::split::<MAX_FIELDS>(line, cols.width, cols.width + 1)?;
    let raw_time = fields::uint(f[cols.time], "time")?;
    let cu = f.get(cols.cu).copied().filter(|v| !v.is_empty());
    Ok(BurstRow {
        time: SecondOfDay::from_hhmmss(raw_time).ok_or(Reason::BadTime(raw_time))?,
        grade: Grade::from_code(f[cols.grade]).ok_or_else(|| Reason::BadGrade(lossy(f[cols.grade])))?,
        prog_type: ProgType::from_code(f[cols.prog_type]),
        background: Background::from_code(f[cols.background])
            .ok_or_else(|| Reason::BadBackground(lossy(f[cols.background])))?,
        s1: fields::uint(f[cols.s1], "s1")?,
        s2: fields::uint(f[cols.s2], "s2")?,
        ct: fields::uint(f[cols.ct], "ct")?,
        cb: fields::uint(f[cols.cb], "cb")?,
        cs: fields::uint(f[cols.cs], "cs")?,
        cu: match cu {
            Some(v) => Some(std::str::from_utf8(v).map_err(|_| Reason::NotUtf8)?.to_owned()),
            None => None,
        },
    })
}

fn lossy(v: &[u8]) -> String {
    String::from_utf8_lossy(&v[..v.len().min(24)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Result<BurstRow, Reason> {
        parse(line.as_bytes(), &BurstColumns::default())
    }

    #[test]
    fn nine_and_ten_fields() {
        // Real files write the sell counter (CS) before the buy counter (CB).
        let r = p("155956,2,1,0,214,520,434,196,236").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.grade, r.prog_type, r.background), (Grade::Mod, ProgType::Buy, Background::Port));
        assert_eq!((r.s1, r.s2, r.ct, r.cb, r.cs, r.cu.as_deref()), (214, 520, 434, 236, 196, None));
        assert_eq!(r.cu_shown(), "2", "CU = CT - CB - CS when the file has none");
        let r = p("155956,3,0,1,214,520,434,236,196,2").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (r.grade, r.prog_type, r.background, r.cu.as_deref()),
            (Grade::Low, ProgType::Sell, Background::Aggr, Some("2"))
        );
        assert_eq!(p("93000,1,7,0,1,2,3,4,5").map(|r| r.prog_type), Ok(ProgType::Und));
        assert_eq!(p("93000,1,,0,1,2,3,4,5,").map(|r| r.prog_type), Ok(ProgType::Und));
    }

    #[test]
    fn grade_orders_by_severity() {
        assert!(Grade::High > Grade::Mod && Grade::Mod > Grade::Low);
    }

    #[test]
    fn malformed_bursts() {
        assert_eq!(p("93000,4,1,0,1,2,3,4,5"), Err(Reason::BadGrade("4".into())));
        assert_eq!(p("93000,1,1,2,1,2,3,4,5"), Err(Reason::BadBackground("2".into())));
        assert_eq!(p("93000,1,1,0,1,2,3,4"), Err(Reason::TooFewFields { got: 8, want: 9 }));
        assert!(matches!(p("93000,1,1,0,1,2,3,4,5,6,7"), Err(Reason::TooManyFields { .. })));
    }
}
