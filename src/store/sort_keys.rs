//! Sort keys of hft1 rows, for a list of a million rows sorted by any column (the UI's sorted
//! High Quote Counts): each row's value as a u64 that orders as the value does, what settles two
//! equal keys, and whether the day's rows came in time order.

use super::DayStore;
use super::packed::PackedU32;
use super::queries::second;
use crate::archive::SecondOfDay;

/// What a list of hft1 rows can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteField {
    Time,
    Symbol,
    NumQuotes,
    NumTrades,
    Bbo,
    Dollars,
    TradeSize,
}

/// hft1 rows asked about: a run of row numbers, or these rows.
#[derive(Debug, Clone)]
pub enum QuoteRows<'a> {
    Range(std::ops::Range<usize>),
    At(&'a [usize]),
}

/// A second of the day and a row number as one key: by time, then as written.
fn time_key(secs: u32, row: usize) -> u64 {
    ((u64::from(secs) << 40) | (row as u64 & ((1 << 40) - 1))) + 1
}

/// An f64 as a key that orders as the number does (-0 = 0; NaN is no number: None).
fn float_key(v: f64) -> Option<u64> {
    if v.is_nan() {
        return None;
    }
    let bits = if v == 0.0 { 0.0f64.to_bits() } else { v.to_bits() };
    // Positive numbers above all negative ones; negative ones in reverse of their bits.
    Some(if bits >> 63 == 0 { bits | 1 << 63 } else { !bits })
}

/// The first 7 bytes of a symbol, then its length (at most 253): shorter symbols first among
/// those sharing the bytes, as in byte order.
fn symbol_key(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut k = 0u64;
    for i in 0..7 {
        k = (k << 8) | u64::from(b.get(i).copied().unwrap_or(0));
    }
    ((k << 8) | b.len().min(253) as u64) + 1
}

impl DayStore {
    /// Sort keys of hft1 rows for `field`, one per row of `rows` (None: null, or past the end).
    /// A key orders as its value does and lies in 1..u64::MAX, so that a caller can reverse
    /// the order (`u64::MAX - k`) and keep nulls apart. Time keys carry the row number too:
    /// rows of one second order as they were written, and no two rows tie. A symbol is keyed
    /// by its first 7 bytes and its length; `quote_key_tie` settles two equal keys of symbols
    /// 8 bytes or longer (rare: a symbol is a handful of letters).
    pub fn quote_sort_keys(&self, field: QuoteField, rows: QuoteRows<'_>) -> Vec<Option<u64>> {
        let c = self.quote_cols();
        // A contiguous run is read chunk by chunk; row by row, each `get` finds its chunk.
        fn keys(
            rows: QuoteRows<'_>,
            each: impl FnOnce(std::ops::Range<usize>, &mut dyn FnMut(usize, Option<u64>)),
            get: impl Fn(usize) -> Option<u64>,
        ) -> Vec<Option<u64>> {
            match rows {
                QuoteRows::Range(r) => {
                    let mut out = Vec::with_capacity(r.len());
                    each(r.clone(), &mut |_, k| out.push(k));
                    out.resize(r.len(), None);
                    out
                }
                QuoteRows::At(rows) => rows.iter().map(|&i| get(i)).collect(),
            }
        }
        let count = |col: &PackedU32, rows| {
            keys(rows, |r, f| col.each(r, |i, v| f(i, Some(u64::from(v) + 1))), |i| Some(u64::from(col.get(i)?) + 1))
        };
        match field {
            QuoteField::Time => keys(
                rows,
                |r, f| c.time.each(r, |i, secs| f(i, Some(time_key(secs, i)))),
                |i| Some(time_key(c.time.get(i)?, i)),
            ),
            QuoteField::NumQuotes => count(&c.num_quotes, rows),
            QuoteField::NumTrades => count(&c.num_trades, rows),
            QuoteField::Bbo => count(&c.bbo, rows),
            QuoteField::Dollars => keys(
                rows,
                |r, f| c.dollars.each(r, |i, d| f(i, d.and_then(float_key))),
                |i| c.dollars.get(i)?.and_then(float_key),
            ),
            // Not kept: worked out from the row's dollars and trades, as the pane shows it.
            QuoteField::TradeSize => {
                let size = |n: u32, d: Option<f64>| crate::archive::hft1::trade_size(d, n).and_then(float_key);
                keys(
                    rows,
                    |r, f| c.each_trade(r, |i, n, d| f(i, size(n, d))),
                    |i| size(c.num_trades.get(i)?, c.dollars.get(i)?),
                )
            }
            QuoteField::Symbol => {
                let table = c.names.table(symbol_key);
                let key = |id: u32| table.get(id as usize).copied();
                keys(rows, |r, f| c.symbol.each(r, |i, id| f(i, key(id))), |i| key(c.symbol.get(i)?))
            }
        }
    }

    /// Whether the hft1 rows from `from` on come in time order — none earlier than the one
    /// before, the first none earlier than `after` (the time of row `from - 1`) — and the last
    /// one's time, to go on from. O(rows looked at), a plain scan: a day read whole is checked
    /// in about a millisecond.
    pub fn quotes_in_time_order(&self, from: usize, after: Option<SecondOfDay>) -> (bool, Option<SecondOfDay>) {
        let c = self.quote_cols();
        if from >= c.len() {
            return (true, after);
        }
        let mut prev = after.map_or(-1, |t| i64::from(t.secs()));
        let mut ordered = true;
        let mut see = |secs: u32| {
            ordered &= i64::from(secs) >= prev;
            prev = i64::from(secs);
        };
        c.time.each(from..c.len(), |_, secs| see(secs));
        (ordered, u32::try_from(prev).ok().map(second).or(after))
    }

    /// Two rows whose `quote_sort_keys` are equal (`key`), in the order of their values: only
    /// symbols of 8 bytes or more can differ behind an equal key.
    pub fn quote_key_tie(&self, field: QuoteField, key: u64, a: usize, b: usize) -> std::cmp::Ordering {
        if field != QuoteField::Symbol || (key - 1) & 0xFF < 8 {
            return std::cmp::Ordering::Equal;
        }
        let c = self.quote_cols();
        c.symbol_of(a).cmp(&c.symbol_of(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_as_their_values_do() {
        let nums = [f64::NEG_INFINITY, -1e9, -1.5, -0.0, 0.0, 1e-300, 2.5, 1e12, f64::INFINITY];
        let keys: Vec<u64> = nums.iter().map(|&v| float_key(v).unwrap_or(0)).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
        assert_eq!(float_key(-0.0), float_key(0.0));
        assert_eq!(float_key(f64::NAN), None);
        assert!(keys.iter().all(|&k| k > 0 && k < u64::MAX));
        let syms = ["", "A", "A\0", "AB", "BF/B", "BRK.B", "LONGSYM", "LONGSYMB", "LONGSYMBOL", "Z"];
        let keys: Vec<u64> = syms.iter().map(|s| symbol_key(s)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert!(keys.iter().all(|&k| k > 0 && k < u64::MAX));
        // Of two long symbols with the same 7 bytes and length, the key cannot tell.
        assert_eq!(symbol_key("LONGSYMA"), symbol_key("LONGSYMB"));
        let t = |s: u32, row| time_key(s, row);
        assert!(t(34_200, 9) < t(34_201, 0) && t(34_200, 1) < t(34_200, 2));
    }
}
