//! Column orders of hft1 and burst files. The vendor does not publish them, so they can be
//! changed in the config file without recompiling (`[columns]`, see README).

use serde::Deserialize;

/// Where each hft1 field sits in a line (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hft1Columns {
    pub symbol: usize,
    pub time: usize,
    pub num_quotes: usize,
    pub bbo: usize,
    pub num_trades: usize,
    pub dollars: usize,
    /// Fields a complete row has (ignored ones such as T1 included).
    pub width: usize,
}

impl Default for Hft1Columns {
    /// `Symbol,T1,Time,NumQuotes,BBO,NumTrades,Dollars,`
    fn default() -> Self {
        Hft1Columns { symbol: 0, time: 2, num_quotes: 3, bbo: 4, num_trades: 5, dollars: 6, width: 7 }
    }
}

/// Where each burst field sits in a line (0-based). `cu` is the optional last field.
///
/// Real files put the sell counter before the buy counter (`...,CT,CS,CB`): in the only real
/// rows we have (`shared/reference/real-rows.md`, Data_Burst 2025-07-22) the 8th field rises
/// with ProgType 0 (Sell) bursts and the 9th with ProgType 1 (Buy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurstColumns {
    pub time: usize,
    pub grade: usize,
    pub prog_type: usize,
    pub background: usize,
    pub s1: usize,
    pub s2: usize,
    pub ct: usize,
    pub cb: usize,
    pub cs: usize,
    pub cu: usize,
    /// Fields a row must have (without CU).
    pub width: usize,
}

impl Default for BurstColumns {
    /// `Time,Grade,ProgType,Bckgrnd,S1,S2,CT,CS,CB[,CU]`
    fn default() -> Self {
        BurstColumns {
            time: 0,
            grade: 1,
            prog_type: 2,
            background: 3,
            s1: 4,
            s2: 5,
            ct: 6,
            cs: 7,
            cb: 8,
            cu: 9,
            width: 9,
        }
    }
}

/// Both orders, as the config file names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColumnOrder {
    pub hft1: Hft1Columns,
    pub burst: BurstColumns,
}

/// The `[columns]` table of the config file: field names in file order; `skip` (or `t1`)
/// marks a column to ignore.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnNames {
    pub hft1: Option<Vec<String>>,
    pub burst: Option<Vec<String>>,
}

impl ColumnNames {
    pub fn resolve(&self) -> Result<ColumnOrder, String> {
        let mut order = ColumnOrder::default();
        if let Some(names) = &self.hft1 {
            let p =
                Positions::new("hft1", names, &["symbol", "time", "num_quotes", "bbo", "num_trades", "dollars"], &[])?;
            order.hft1 = Hft1Columns {
                symbol: p.get("symbol"),
                time: p.get("time"),
                num_quotes: p.get("num_quotes"),
                bbo: p.get("bbo"),
                num_trades: p.get("num_trades"),
                dollars: p.get("dollars"),
                width: names.len(),
            };
        }
        if let Some(names) = &self.burst {
            let required = ["time", "grade", "prog_type", "background", "s1", "s2", "ct", "cb", "cs"];
            let p = Positions::new("burst", names, &required, &["cu"])?;
            let cu = p.find("cu");
            if cu.is_some_and(|i| i + 1 != names.len()) {
                return Err("columns.burst: `cu` is optional and must be the last column".into());
            }
            order.burst = BurstColumns {
                time: p.get("time"),
                grade: p.get("grade"),
                prog_type: p.get("prog_type"),
                background: p.get("background"),
                s1: p.get("s1"),
                s2: p.get("s2"),
                ct: p.get("ct"),
                cb: p.get("cb"),
                cs: p.get("cs"),
                cu: cu.unwrap_or(names.len()),
                width: if cu.is_some() { names.len() - 1 } else { names.len() },
            };
        }
        Ok(order)
    }
}

/// The parsers split lines into fixed arrays of this many fields.
pub const MAX_COLUMNS: usize = 15;

struct Positions<'a>(&'a [String]);

impl<'a> Positions<'a> {
    fn new(what: &str, names: &'a [String], required: &[&str], optional: &[&str]) -> Result<Self, String> {
        if names.len() > MAX_COLUMNS {
            return Err(format!("columns.{what}: at most {MAX_COLUMNS} columns"));
        }
        for (i, n) in names.iter().enumerate() {
            let known = required.contains(&n.as_str()) || optional.contains(&n.as_str()) || n == "skip" || n == "t1";
            if !known {
                return Err(format!(
                    "columns.{what}: unknown column {n:?} (expected {}, or \"skip\")",
                    required.join(", ")
                ));
            }
            if n != "skip" && names[..i].contains(n) {
                return Err(format!("columns.{what}: {n:?} appears twice"));
            }
        }
        if let Some(missing) = required.iter().find(|r| !names.iter().any(|n| n == *r)) {
            return Err(format!("columns.{what}: {missing:?} is missing"));
        }
        Ok(Positions(names))
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|n| n == name)
    }

    fn get(&self, name: &str) -> usize {
        // `new` checked that every required name is present.
        self.find(name).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Option<Vec<String>> {
        Some(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn default_names_give_default_order() {
        let c = ColumnNames {
            hft1: names(&["symbol", "t1", "time", "num_quotes", "bbo", "num_trades", "dollars"]),
            burst: names(&["time", "grade", "prog_type", "background", "s1", "s2", "ct", "cs", "cb", "cu"]),
        };
        assert_eq!(c.resolve(), Ok(ColumnOrder::default()));
    }

    #[test]
    fn swapped_columns_move() {
        let c = ColumnNames {
            hft1: names(&["symbol", "skip", "time", "num_quotes", "num_trades", "bbo", "dollars"]),
            burst: names(&["time", "grade", "prog_type", "background", "s1", "s2", "ct", "cb", "cs"]),
        };
        let o = c.resolve().unwrap_or_default();
        assert_eq!((o.hft1.bbo, o.hft1.num_trades), (5, 4));
        assert_eq!((o.burst.cb, o.burst.cs, o.burst.cu), (7, 8, 9));
    }

    #[test]
    fn mistakes_are_named() {
        let c = ColumnNames { hft1: names(&["symbol", "time", "quotes"]), burst: None };
        assert!(c.resolve().unwrap_err().contains("unknown column \"quotes\""));
        let c = ColumnNames { hft1: names(&["symbol", "time", "num_quotes", "bbo", "num_trades"]), burst: None };
        assert!(c.resolve().unwrap_err().contains("\"dollars\" is missing"));
    }
}
