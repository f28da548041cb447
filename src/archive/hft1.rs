//! `YYYYMMDD_hft1.csv`: High Quote Counts (quote stuffing), one symbol-second per row.
//! `Symbol,T1,Time,NumQuotes,BBO,NumTrades,Dollars,` (order configurable, see `columns`).

use super::columns::Hft1Columns;
use super::fields;
use super::malformed::Reason;
use super::time::SecondOfDay;

/// One hft1 row, borrowing its symbol from the batch that holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteRow<'a> {
    pub time: SecondOfDay,
    pub symbol: &'a str,
    pub num_quotes: u32,
    pub bbo: u32,
    pub num_trades: u32,
    pub dollars: Option<f64>,
}

impl QuoteRow<'_> {
    /// Dollars per trade; unknown when either side is missing or zero.
    pub fn trade_size(&self) -> Option<f64> {
        trade_size(self.dollars, self.num_trades)
    }
}

pub fn trade_size(dollars: Option<f64>, num_trades: u32) -> Option<f64> {
    match dollars {
        Some(d) if d != 0.0 && num_trades != 0 => Some(d / f64::from(num_trades)),
        _ => None,
    }
}

/// Symbols stored end to end in one string: a batch of a million rows makes two allocations,
/// not a million.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Symbols {
    bytes: String,
    ends: Vec<u32>,
}

impl Symbols {
    pub fn push(&mut self, s: &str) {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len() as u32);
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Moves `other`'s symbols after these.
    pub fn append(&mut self, other: Symbols) {
        let base = self.bytes.len() as u32;
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }
}

/// A batch of hft1 rows, column by column (what the store turns into a DataFrame).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quotes {
    pub time: Vec<SecondOfDay>,
    pub symbol: Symbols,
    pub num_quotes: Vec<u32>,
    pub bbo: Vec<u32>,
    pub num_trades: Vec<u32>,
    pub dollars: Vec<Option<f64>>,
}

impl Quotes {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    pub fn row(&self, i: usize) -> QuoteRow<'_> {
        QuoteRow {
            time: self.time[i],
            symbol: self.symbol.get(i),
            num_quotes: self.num_quotes[i],
            bbo: self.bbo[i],
            num_trades: self.num_trades[i],
            dollars: self.dollars[i],
        }
    }

    pub fn rows(&self) -> impl ExactSizeIterator<Item = QuoteRow<'_>> + '_ {
        (0..self.len()).map(|i| self.row(i))
    }

    pub fn push(&mut self, r: QuoteRow<'_>) {
        self.time.push(r.time);
        self.symbol.push(r.symbol);
        self.num_quotes.push(r.num_quotes);
        self.bbo.push(r.bbo);
        self.num_trades.push(r.num_trades);
        self.dollars.push(r.dollars);
    }

    /// Moves `other`'s rows after these, column by column.
    pub fn append(&mut self, other: Quotes) {
        if self.is_empty() {
            *self = other;
            return;
        }
        self.time.extend(other.time);
        self.symbol.append(other.symbol);
        self.num_quotes.extend(other.num_quotes);
        self.bbo.extend(other.bbo);
        self.num_trades.extend(other.num_trades);
        self.dollars.extend(other.dollars);
    }
}

/// Fields an hft1 line may carry at most: the configured width plus the trailing comma.
const MAX_FIELDS: usize = super::columns::MAX_COLUMNS + 1;

pub fn parse<'a>(line: &'a [u8], cols: &Hft1Columns) -> Result<QuoteRow<'a>, Reason> {
    let f = fields::split::<MAX_FIELDS>(line, cols.width, cols.width)?;
    let raw_time = fields::uint(f[cols.time], "time")?;
    Ok(QuoteRow {
        time: SecondOfDay::from_hhmmss(raw_time).ok_or(Reason::BadTime(raw_time))?,
        symbol: fields::symbol(f[cols.symbol])?,
        num_quotes: fields::uint(f[cols.num_quotes], "num_quotes")?,
        bbo: fields::uint(f[cols.bbo], "bbo")?,
        num_trades: fields::uint(f[cols.num_trades], "num_trades")?,
        dollars: fields::opt_amount(f[cols.dollars], "dollars")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Result<QuoteRow<'_>, Reason> {
        parse(line.as_bytes(), &Hft1Columns::default())
    }

    #[test]
    fn the_spec_example() {
        let r = p("QQQ,0,93000,4947,812,316,64284132,").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.symbol, "QQQ");
        assert_eq!(r.time.to_string(), "09:30:00");
        assert_eq!((r.num_quotes, r.bbo, r.num_trades), (4947, 812, 316));
        assert_eq!(r.dollars, Some(64284132.0));
        assert_eq!(r.trade_size(), Some(64284132.0 / 316.0));
    }

    #[test]
    fn empty_dollars_keep_the_row() {
        let r = p("BRK.B,0,40001,2100,5,0,,").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.symbol, r.dollars, r.trade_size()), ("BRK.B", None, None));
        assert_eq!(p("BF/B,0,160000,2100,5,7,100").map(|r| r.symbol), Ok("BF/B"));
    }

    #[test]
    fn malformed_rows_say_why() {
        assert_eq!(p("SPY,0,93000,12"), Err(Reason::TooFewFields { got: 4, want: 7 }));
        assert_eq!(p("SPY,0,250000,1,2,3,4,"), Err(Reason::BadTime(250000)));
        assert!(matches!(p("SPY,0,93000,x,2,3,4,"), Err(Reason::NotANumber { field: "num_quotes", .. })));
        assert_eq!(p(",0,93000,1,2,3,4,"), Err(Reason::Empty { field: "symbol" }));
        assert_eq!(p("SPY,0,93000,1,2,3,4,5"), Err(Reason::TooManyFields { got: 8, max: 7 }));
    }

    #[test]
    fn symbols_column_round_trips() {
        let mut q = Quotes::default();
        for s in ["SPY", "", "BRK.B", "BF/B"] {
            q.symbol.push(s);
        }
        assert_eq!(q.symbol.iter().collect::<Vec<_>>(), vec!["SPY", "", "BRK.B", "BF/B"]);
        let mut more = Symbols::default();
        more.push("QQQ");
        q.symbol.append(more);
        assert_eq!(q.symbol.iter().collect::<Vec<_>>(), vec!["SPY", "", "BRK.B", "BF/B", "QQQ"]);
    }
}
