//! Each symbol against its own normal: the z-fields of quotes rows (`num_quotes_z`,
//! `num_trades_z`, `dollars_z`) compare a row's figure with the mean and standard deviation of
//! that symbol's rows on its recent days, which the analysis layer works out from the day index.

use std::collections::HashMap;

use super::rules::Field;
use crate::archive::{Day, QuoteRow};

/// Mean and sample standard deviation (n − 1) of a field over a symbol's recent rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normal {
    pub mean: f64,
    pub sd: f64,
}

impl Normal {
    /// `(x − mean) / sd`; None without a spread (a symbol always quoted alike has no z).
    pub fn z(&self, x: f64) -> Option<f64> {
        let z = (x - self.mean) / self.sd;
        (self.sd > 0.0 && self.sd.is_finite() && z.is_finite()).then_some(z)
    }
}

/// A symbol's normals; a field without one (too few days, no spread) has no z.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SymbolNormals {
    pub num_quotes: Option<Normal>,
    pub num_trades: Option<Normal>,
    pub dollars: Option<Normal>,
}

/// The normals of every symbol for one day's rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Normals {
    pub by_symbol: HashMap<String, SymbolNormals>,
}

impl Normals {
    /// A quotes row's z-field; None for another field, a symbol without a normal, or a row
    /// without dollars.
    pub fn z(&self, row: &QuoteRow, field: Field) -> Option<f64> {
        let n = self.by_symbol.get(row.symbol)?;
        match field {
            Field::NumQuotesZ => n.num_quotes?.z(f64::from(row.num_quotes)),
            Field::NumTradesZ => n.num_trades?.z(f64::from(row.num_trades)),
            Field::DollarsZ => n.dollars?.z(row.dollars?),
            _ => None,
        }
    }
}

/// Where the normals come from (the analysis layer, over the day index).
pub trait NormalsSource: Send + Sync {
    /// The normals of the symbols for `day`'s rows, from the indexed days before it.
    fn normals(&self, day: Day) -> Result<Normals, String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_spread_no_z() {
        assert_eq!(Normal { mean: 10.0, sd: 0.0 }.z(12.0), None);
        assert_eq!(Normal { mean: 10.0, sd: f64::NAN }.z(12.0), None);
        assert_eq!(Normal { mean: 10.0, sd: 2.0 }.z(16.0), Some(3.0));
        assert_eq!(Normal { mean: 10.0, sd: 2.0 }.z(4.0), Some(-3.0));
    }
}
