//! The packed hft1 columns answer as the rows they were given.

use super::DayStore;
use super::sort_keys::{QuoteField, QuoteRows};
use crate::archive::{Day, Kind, QuoteRow, Quotes, Rows, SecondOfDay};

const SYMBOLS: [&str; 6] = ["SPY", "QQQ", "BRK.B", "LONGSYMBOLA", "LONGSYMBOLB", "A"];

fn rows(from: usize, n: usize) -> Quotes {
    let mut q = Quotes::default();
    for i in from..from + n {
        q.push(QuoteRow {
            time: SecondOfDay::from_secs(34_200 + (i / 7) as u32).unwrap_or_default(),
            symbol: SYMBOLS[i * 7 % SYMBOLS.len()],
            num_quotes: (i * 37 % 5000) as u32,
            bbo: (i % 3) as u32,
            // Some rows without trades or dollars: no trade size.
            num_trades: (i % 5) as u32,
            dollars: (i % 4 != 0).then_some((i * 131 % 10_000) as f64 * 0.5),
        });
    }
    q
}

fn store() -> anyhow::Result<(DayStore, Quotes)> {
    let day = Day::parse_compact("20250714").ok_or_else(|| anyhow::anyhow!("day"))?;
    let mut store = DayStore::new(day)?;
    let mut all = Quotes::default();
    for (from, n) in [(0, 40_000), (40_000, 300), (40_300, 1), (40_301, 2_000)] {
        let batch = rows(from, n);
        store.append(&Rows::Quotes(batch.clone()))?;
        all.append(batch);
    }
    Ok((store, all))
}

#[test]
fn every_row_reads_back_as_it_was_given_with_its_trade_size() -> anyhow::Result<()> {
    let (store, all) = store()?;
    assert_eq!(store.quotes_len(), all.len());
    let got = store.quotes_at(0..all.len());
    for (v, r) in got.iter().zip(all.rows()) {
        assert_eq!(v.row(), r);
        assert_eq!(v.trade_size, r.trade_size());
    }
    // Files, the lake and the export have the full layout: the same as made from the rows.
    assert!(store.quotes_as_in_files()?.equals_missing(&super::frames::quotes(store.day(), all)?));
    Ok(())
}

#[test]
fn sort_keys_of_symbols_and_trade_sizes_order_as_the_values() -> anyhow::Result<()> {
    let (store, all) = store()?;
    let n = all.len();
    let check = |field: QuoteField, value: &dyn Fn(QuoteRow) -> Option<String>| {
        for rows in [QuoteRows::Range(0..n + 3), QuoteRows::At(&[n - 1, 5, 0, n + 9, 40_300])] {
            let keys = store.quote_sort_keys(field, rows.clone());
            let idx: Vec<usize> = match rows {
                QuoteRows::Range(r) => r.collect(),
                QuoteRows::At(a) => a.to_vec(),
            };
            assert_eq!(keys.len(), idx.len());
            for (k, &i) in keys.iter().zip(&idx) {
                let v = (i < n).then(|| value(all.row(i))).flatten();
                assert_eq!(k.is_some(), v.is_some(), "{field:?} row {i}");
            }
            let mut pairs: Vec<(u64, usize)> = keys.iter().zip(&idx).filter_map(|(k, &i)| Some(((*k)?, i))).collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0).then(store.quote_key_tie(field, a.0, a.1, b.1)));
            let sorted: Vec<String> = pairs.iter().filter_map(|(_, i)| value(all.row(*i))).collect();
            assert!(sorted.windows(2).all(|w| w[0] <= w[1]), "{field:?}");
        }
    };
    check(QuoteField::Symbol, &|r| Some(r.symbol.to_owned()));
    // Trade sizes as text that sorts as the number: they are non-negative.
    check(QuoteField::TradeSize, &|r| r.trade_size().map(|t| format!("{t:020.6}")));
    Ok(())
}

#[test]
fn field_values_of_a_watched_symbol_and_of_trade_size() -> anyhow::Result<()> {
    let (store, all) = store()?;
    let watch = ["brk.b".to_owned()];
    let got = store.field_values(Kind::Quotes, "trade_size", Some(&watch), &|_| None)?;
    let want: Vec<(Option<f64>, u32)> =
        all.rows().filter(|r| r.symbol == "BRK.B").map(|r| (r.trade_size(), r.time.secs())).collect();
    assert_eq!(got.values.iter().copied().zip(got.secs.iter().copied()).collect::<Vec<_>>(), want);
    let bbo = store.field_values(Kind::Quotes, "bbo", None, &|_| None)?;
    assert_eq!(bbo.values.len(), all.len());
    assert_eq!(bbo.values[40_300], Some(f64::from(all.row(40_300).bbo)));
    Ok(())
}

#[test]
fn an_hft1_row_costs_the_store_15_bytes_once_its_chunk_is_sealed() -> anyhow::Result<()> {
    let day = Day::parse_compact("20250714").ok_or_else(|| anyhow::anyhow!("day"))?;
    let mut store = DayStore::new(day)?;
    let chunk = super::packed::CHUNK;
    // Times stay within the day (34,200 + n / 7 s).
    let n = 20 * chunk;
    for from in (0..n).step_by(5_000) {
        store.append(&Rows::Quotes(rows(from, 5_000.min(n - from))))?;
    }
    assert_eq!(store.quotes_len(), n);
    // A chunk of these rows spans 2,340 s (2 B), 6 symbols (1 B), counts up to 4,999 (2 B),
    // BBO and trades under 5 (1 B each); 8 B of dollars (halves: kept as f64). Then the names, a few
    // hundred bytes, and each column's list of chunks.
    let per_row = store.estimated_bytes() as f64 / n as f64;
    assert!((15.0..15.1).contains(&per_row), "{per_row:.2} B a row");
    assert_eq!(store.quote_at(n - 1).map(|q| q.num_quotes), Some(((n - 1) * 37 % 5000) as u32));
    Ok(())
}
