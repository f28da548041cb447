//! The words of a rule: the source it watches, the fields of that source's rows, and the
//! comparisons. Each has an `ALL` list for the editor's pickers and the name files use.

use std::fmt;

use crate::archive::Kind;

/// Which rows a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// hft1: High Quote Counts.
    Quotes,
    Bursts,
    BurstSymbols,
    /// hft3.
    S1,
    /// hft2.
    S2,
    /// A burst's symbols matched against the baskets of earlier bursts (when its symbols file
    /// comes).
    Baskets,
}

impl Source {
    pub const ALL: [Source; 6] =
        [Source::Quotes, Source::Bursts, Source::BurstSymbols, Source::S1, Source::S2, Source::Baskets];

    pub fn name(self) -> &'static str {
        match self {
            Source::Quotes => "quotes",
            Source::Bursts => "bursts",
            Source::BurstSymbols => "burst_symbols",
            Source::S1 => "s1",
            Source::S2 => "s2",
            Source::Baskets => "baskets",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|src| src.name() == s)
    }

    /// The fields a rule on this source may compare, in the order a picker shows them.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Source::Quotes => &[NumQuotes, Bbo, NumTrades, Dollars, TradeSize, NumQuotesZ, NumTradesZ, DollarsZ],
            Source::Bursts => &[Grade, ProgType, Background, S1, S2, Ct, Cb, Cs],
            Source::BurstSymbols => &[NumTrades, NumQuotes, Bbo],
            Source::S1 | Source::S2 => &[Value],
            Source::Baskets => &[Bursts, Days, Similarity],
        }
    }

    /// Rows of quotes and burst symbols name a symbol; the others are market-wide.
    pub fn has_symbol(self) -> bool {
        matches!(self, Source::Quotes | Source::BurstSymbols)
    }

    pub fn kind(self) -> Kind {
        match self {
            Source::Quotes => Kind::Quotes,
            Source::Bursts => Kind::Bursts,
            Source::BurstSymbols => Kind::BurstSymbols,
            Source::S1 => Kind::S1,
            Source::S2 => Kind::S2,
            // Evaluated on the symbols file.
            Source::Baskets => Kind::BurstSymbols,
        }
    }

    pub fn of_kind(kind: Kind) -> Source {
        match kind {
            Kind::Quotes => Source::Quotes,
            Kind::Bursts => Source::Bursts,
            Kind::BurstSymbols => Source::BurstSymbols,
            Kind::S1 => Source::S1,
            Kind::S2 => Source::S2,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A column of a source's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    NumQuotes,
    Bbo,
    NumTrades,
    Dollars,
    TradeSize,
    Grade,
    ProgType,
    Background,
    S1,
    S2,
    Ct,
    Cb,
    Cs,
    /// The one number of an S1 or S2 row.
    Value,
    /// A quotes row's count, trades or dollars as z-scores against the symbol's own recent
    /// days (see `alerts::normals`).
    NumQuotesZ,
    NumTradesZ,
    DollarsZ,
    /// Baskets: the basket's earlier bursts, the days they fell on, and the burst's Jaccard
    /// similarity to its core.
    Bursts,
    Days,
    Similarity,
}

/// What kind of threshold a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A whole number (counts and totals).
    Count,
    /// Dollars: any non-negative number.
    Amount,
    /// A z-score: any number, negative too.
    Score,
    /// A share from 0 to 1.
    Share,
    Grade,
    ProgType,
    Background,
}

impl Field {
    pub const ALL: [Field; 20] = [
        Field::NumQuotes,
        Field::Bbo,
        Field::NumTrades,
        Field::Dollars,
        Field::TradeSize,
        Field::Grade,
        Field::ProgType,
        Field::Background,
        Field::S1,
        Field::S2,
        Field::Ct,
        Field::Cb,
        Field::Cs,
        Field::Value,
        Field::NumQuotesZ,
        Field::NumTradesZ,
        Field::DollarsZ,
        Field::Bursts,
        Field::Days,
        Field::Similarity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::NumQuotes => "num_quotes",
            Field::Bbo => "bbo",
            Field::NumTrades => "num_trades",
            Field::Dollars => "dollars",
            Field::TradeSize => "trade_size",
            Field::Grade => "grade",
            Field::ProgType => "prog_type",
            Field::Background => "background",
            Field::S1 => "s1",
            Field::S2 => "s2",
            Field::Ct => "ct",
            Field::Cb => "cb",
            Field::Cs => "cs",
            Field::Value => "value",
            Field::NumQuotesZ => "num_quotes_z",
            Field::NumTradesZ => "num_trades_z",
            Field::DollarsZ => "dollars_z",
            Field::Bursts => "bursts",
            Field::Days => "days",
            Field::Similarity => "similarity",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == s)
    }

    pub fn field_type(self) -> FieldType {
        match self {
            Field::Dollars | Field::TradeSize => FieldType::Amount,
            Field::Grade => FieldType::Grade,
            Field::ProgType => FieldType::ProgType,
            Field::Background => FieldType::Background,
            Field::NumQuotesZ | Field::NumTradesZ | Field::DollarsZ => FieldType::Score,
            Field::Similarity => FieldType::Share,
            _ => FieldType::Count,
        }
    }

    /// A z-score against the symbol's own normal (needs the normals).
    pub fn is_z(self) -> bool {
        matches!(self, Field::NumQuotesZ | Field::NumTradesZ | Field::DollarsZ)
    }

    /// The comparisons that mean something for this field: labels without an order only
    /// compare for equality.
    pub fn ops(self) -> &'static [Op] {
        match self.field_type() {
            FieldType::ProgType | FieldType::Background => &[Op::Eq],
            _ => &Op::ALL,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::Gt, Op::Ge, Op::Lt, Op::Le, Op::Eq];

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "==",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.symbol() == s)
    }

    /// Whether `actual op threshold` holds, given how the two compare.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Eq => ord == Equal,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::rules::Value;

    #[test]
    fn every_source_field_and_op_has_a_name_that_parses_back() {
        for s in Source::ALL {
            assert_eq!(Source::parse(s.name()), Some(s));
            // Baskets are read from the symbols files, whose own source is burst_symbols.
            if s != Source::Baskets {
                assert_eq!(Source::of_kind(s.kind()), s);
            }
        }
        for f in Field::ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
            assert!(Value::default_for(f).fits(f), "{f}");
        }
        for op in Op::ALL {
            assert_eq!(Op::parse(op.symbol()), Some(op));
        }
        // Every field belongs to some source.
        assert!(Field::ALL.iter().all(|f| Source::ALL.iter().any(|s| s.fields().contains(f))));
    }

    #[test]
    fn ops_follow_the_ordering() {
        use std::cmp::Ordering::*;
        let table = [
            (Op::Gt, [false, false, true]),
            (Op::Ge, [false, true, true]),
            (Op::Lt, [true, false, false]),
            (Op::Le, [true, true, false]),
            (Op::Eq, [false, true, false]),
        ];
        for (op, want) in table {
            assert_eq!([op.holds(Less), op.holds(Equal), op.holds(Greater)], want, "{op}");
        }
    }
}
