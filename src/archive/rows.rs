//! Complete lines of one file → typed rows of its kind, plus the lines that were not rows.
//! The whole-day reader and the tailer both go through `FileParser`, so a line means the same
//! thing whether it was read at startup or appended later.

use std::path::Path;
use std::sync::Arc;

use super::burst::{self, BurstRow};
use super::burst_symbols::{self, SymbolHit};
use super::columns::ColumnOrder;
use super::hft1::{self, Quotes};
use super::kind::Kind;
use super::lines::{self, Line};
use super::malformed::{Malformed, Reason};
use super::series::{self, SeriesRow};
use super::time::SecondOfDay;

/// Rows of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    Quotes(Quotes),
    S2(Vec<SeriesRow>),
    S1(Vec<SeriesRow>),
    Bursts(Vec<BurstRow>),
    /// The symbols one burst hit, from its own file.
    BurstSymbols {
        burst: SecondOfDay,
        hits: Vec<SymbolHit>,
    },
}

impl Rows {
    /// hft3 rows whose second and value are each of `values` (for tests of what keeps rows).
    #[cfg(test)]
    pub fn s1_of(values: &[u32]) -> Rows {
        Rows::S1(
            values
                .iter()
                .map(|v| SeriesRow { time: SecondOfDay::from_secs(*v).unwrap_or_default(), value: *v })
                .collect(),
        )
    }

    pub fn empty(kind: Kind, burst: Option<SecondOfDay>) -> Rows {
        match kind {
            Kind::Quotes => Rows::Quotes(Quotes::default()),
            Kind::S2 => Rows::S2(Vec::new()),
            Kind::S1 => Rows::S1(Vec::new()),
            Kind::Bursts => Rows::Bursts(Vec::new()),
            Kind::BurstSymbols => Rows::BurstSymbols { burst: burst.unwrap_or_default(), hits: Vec::new() },
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Rows::Quotes(_) => Kind::Quotes,
            Rows::S2(_) => Kind::S2,
            Rows::S1(_) => Kind::S1,
            Rows::Bursts(_) => Kind::Bursts,
            Rows::BurstSymbols { .. } => Kind::BurstSymbols,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Rows::Quotes(q) => q.len(),
            Rows::S2(v) | Rows::S1(v) => v.len(),
            Rows::Bursts(v) => v.len(),
            Rows::BurstSymbols { hits, .. } => hits.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same batch without its first `n` rows.
    pub fn without_first(self, n: usize) -> Rows {
        if n == 0 {
            return self;
        }
        match self {
            Rows::Quotes(q) => {
                let mut rest = Quotes::default();
                q.rows().skip(n).for_each(|r| rest.push(r));
                Rows::Quotes(rest)
            }
            Rows::S2(v) => Rows::S2(v.into_iter().skip(n).collect()),
            Rows::S1(v) => Rows::S1(v.into_iter().skip(n).collect()),
            Rows::Bursts(v) => Rows::Bursts(v.into_iter().skip(n).collect()),
            Rows::BurstSymbols { burst, hits } => {
                Rows::BurstSymbols { burst, hits: hits.into_iter().skip(n).collect() }
            }
        }
    }
}

/// Parses the lines of one file, remembering where it is (line numbers, header) between calls.
#[derive(Debug, Clone)]
pub struct FileParser {
    pub path: Arc<Path>,
    pub kind: Kind,
    pub burst: Option<SecondOfDay>,
    columns: ColumnOrder,
    /// 1-based number of the next line.
    next_line: u64,
}

impl FileParser {
    pub fn new(path: Arc<Path>, kind: Kind, burst: Option<SecondOfDay>, columns: ColumnOrder) -> FileParser {
        FileParser { path, kind, burst, columns, next_line: 1 }
    }

    /// A parser for a part of a file that starts at line `line` (> 1: the BOM and header rules
    /// apply only to a file's real first line).
    pub fn starting_at(mut self, line: u64) -> FileParser {
        self.next_line = line;
        self
    }

    /// Back to the start of the file (after a truncation or replacement).
    pub fn restart(&mut self) {
        self.next_line = 1;
    }

    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    pub fn empty_rows(&self) -> Rows {
        Rows::empty(self.kind, self.burst)
    }

    /// Parses every complete line of `buf` (the bytes that follow what was parsed before) into
    /// `out`; returns how many bytes that was. What follows the last `\n` is not consumed.
    pub fn parse(&mut self, buf: &[u8], out: &mut Rows, bad: &mut Vec<Malformed>) -> usize {
        let mut it = lines::lines(buf);
        for Line { text, .. } in it.by_ref() {
            let line_no = self.next_line;
            self.next_line += 1;
            // A writer that reopens the file writes its BOM again, mid-file: strip it on every
            // line, or it becomes part of the first field (the symbol).
            let text = lines::strip_bom(text);
            if lines::is_blank(text) {
                continue;
            }
            if let Err(reason) = self.parse_line(line_no, text, out) {
                bad.push(Malformed { file: self.path.clone(), line: line_no, reason });
            }
        }
        it.consumed()
    }

    /// Records a line that was too long to keep (the tailer drops its bytes as they come).
    pub fn skip_long_line(&mut self, bad: &mut Vec<Malformed>) {
        bad.push(Malformed { file: self.path.clone(), line: self.next_line, reason: Reason::TooLong(lines::MAX_LINE) });
        self.next_line += 1;
    }

    fn parse_line(&self, line_no: u64, text: &[u8], out: &mut Rows) -> Result<(), Reason> {
        if text.len() > lines::MAX_LINE {
            return Err(Reason::TooLong(lines::MAX_LINE));
        }
        match out {
            Rows::Quotes(q) => q.push(hft1::parse(text, &self.columns.hft1)?),
            Rows::S2(v) | Rows::S1(v) => v.push(series::parse(text)?),
            Rows::Bursts(v) => v.push(burst::parse(text, &self.columns.burst)?),
            Rows::BurstSymbols { hits, .. } => {
                if line_no == 1 && burst_symbols::is_header(text) {
                    return Ok(());
                }
                hits.push(burst_symbols::parse(text)?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(kind: Kind) -> FileParser {
        FileParser::new(Arc::from(Path::new("f.csv")), kind, SecondOfDay::from_hhmmss(93000), ColumnOrder::default())
    }

    #[test]
    fn quirks_of_a_windows_writer() {
        let mut p = parser(Kind::Quotes);
        let mut out = p.empty_rows();
        let mut bad = Vec::new();
        let buf = b"\xEF\xBB\xBFSPY,0,93000,2500,10,20,1000,\r\n\r\nQQQ,0,93001,x,1,1,1,\r\nIWM,0,93002,2100,1,1,,\r\nDIA,0,930";
        let used = p.parse(buf, &mut out, &mut bad);
        assert_eq!(used, buf.len() - b"DIA,0,930".len());
        assert_eq!(out.len(), 2);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        assert_eq!(bad[0].to_string(), "f.csv:3: num_quotes is not a number: \"x\"");
        // The half-written line completes in the next read and keeps its line number.
        let mut more = p.empty_rows();
        p.parse(b"DIA,0,93003,2000,1,1,5,\r\n", &mut more, &mut bad);
        assert_eq!(more.len(), 1);
        assert_eq!(p.next_line(), 6);
    }

    #[test]
    fn a_bom_at_the_start_of_a_later_line_is_not_part_of_the_symbol() {
        let mut p = parser(Kind::Quotes);
        let mut out = p.empty_rows();
        let mut bad = Vec::new();
        p.parse(b"SPY,0,93000,2500,10,20,1000,\r\n\xEF\xBB\xBFQQQ,0,93001,2100,1,1,1,\r\n", &mut out, &mut bad);
        let Rows::Quotes(q) = out else { panic!("quotes parse to quotes") };
        let symbols: Vec<String> = q.rows().map(|r| r.symbol.to_string()).collect();
        assert_eq!(symbols, vec!["SPY", "QQQ"]);
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn symbol_files_with_and_without_header() {
        for (buf, rows) in [
            (&b"Symbol,NumTrades,NumQuotes,BBO\r\nSPY,1,2,3\r\n"[..], 1),
            (b"SPY,1,2,3\r\nQQQ,4,5,6\r\n", 2),
            (b"Sym,NT,NQ\r\nSPY,1,2,3\r\n", 1),
        ] {
            let mut p = parser(Kind::BurstSymbols);
            let mut out = p.empty_rows();
            let mut bad = Vec::new();
            p.parse(buf, &mut out, &mut bad);
            assert_eq!((out.len(), bad.len()), (rows, 0));
        }
    }
}
