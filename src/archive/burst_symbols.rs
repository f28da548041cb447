//! `Data_Burst_Symbols/Burst_YYYYMMDD_HHMMSS.csv`: the symbols one burst hit ("Syms Hit At").
//! A header line, then `Symbol,NumTrades,NumQuotes,BBO`.

use super::fields;
use super::malformed::Reason;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymbolHit {
    pub symbol: String,
    pub num_trades: u32,
    pub num_quotes: u32,
    pub bbo: u32,
}

pub fn parse(line: &[u8]) -> Result<SymbolHit, Reason> {
    let f = fields::split::<4>(line, 4, 4)?;
    Ok(SymbolHit {
        symbol: fields::symbol(f[0])?.to_owned(),
        num_trades: fields::uint(f[1], "num_trades")?,
        num_quotes: fields::uint(f[2], "num_quotes")?,
        bbo: fields::uint(f[3], "bbo")?,
    })
}

/// The first line is a header when it is not a row. Writers differ in the header they write
/// (and one may write none), so any first line that does not parse is taken as the header.
pub fn is_header(first_line: &[u8]) -> bool {
    parse(first_line).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_headers() {
        assert_eq!(
            parse(b"SPY,511,5858,1149"),
            Ok(SymbolHit { symbol: "SPY".into(), num_trades: 511, num_quotes: 5858, bbo: 1149 })
        );
        assert!(is_header(b"Symbol,NumTrades,NumQuotes,BBO"));
        assert!(is_header(b"Sym,NT,NQ,BBO"));
        assert!(!is_header(b"SPY,511,5858,1149"));
    }
}
