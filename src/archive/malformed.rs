//! Rows that could not be read: counted, skipped, and kept with where they are and why.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Why a line is not a row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("too few fields ({got}, expected {want})")]
    TooFewFields { got: usize, want: usize },
    #[error("too many fields ({got}, expected at most {max})")]
    TooManyFields { got: usize, max: usize },
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("{field} is not a number: {value:?}")]
    NotANumber { field: &'static str, value: String },
    #[error("impossible time {0} (HHMMSS)")]
    BadTime(u32),
    #[error("unknown grade {0:?} (1=HIGH, 2=MOD, 3=LOW)")]
    BadGrade(String),
    #[error("unknown background {0:?} (0=Port, 1=Aggr)")]
    BadBackground(String),
    #[error("not valid UTF-8")]
    NotUtf8,
    #[error("line longer than {0} bytes")]
    TooLong(usize),
    /// The file's last line never got its line ending (reported when the tailer leaves the day).
    #[error("last line never ended ({0} bytes)")]
    Unterminated(usize),
    /// A value that parses but cannot be right (a price bar on another day than its file's).
    #[error("{0}")]
    Invalid(String),
}

impl Reason {
    /// Keeps a short, printable excerpt of the offending value.
    pub fn not_a_number(field: &'static str, value: &[u8]) -> Reason {
        let mut v: String = String::from_utf8_lossy(&value[..value.len().min(24)]).into_owned();
        if value.len() > 24 {
            v.push('…');
        }
        Reason::NotANumber { field, value: v }
    }
}

/// One skipped line: file, 1-based line number, reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub file: Arc<Path>,
    pub line: u64,
    pub reason: Reason,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}
