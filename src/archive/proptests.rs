//! Property tests: no byte sequence makes a parser panic; every valid row round-trips; how a
//! file is cut into reads never changes what is parsed.

use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;

use super::*;

fn parser(kind: Kind) -> FileParser {
    FileParser::new(Arc::from(Path::new("p.csv")), kind, SecondOfDay::from_hhmmss(93000), ColumnOrder::default())
}

fn time() -> impl Strategy<Value = SecondOfDay> {
    (0u32..86_400).prop_map(|s| SecondOfDay::from_secs(s).unwrap_or_default())
}

/// A time as the files write it: unpadded (`93015`) or, as real Data_Burst files do, padded
/// (`093015`): the same time either way.
fn written(t: SecondOfDay, padded: bool) -> String {
    if padded { format!("{:06}", t.hhmmss()) } else { t.hhmmss().to_string() }
}

fn symbol() -> impl Strategy<Value = String> {
    "[A-Z]{1,5}([./][A-Z]{1,2})?"
}

prop_compose! {
    fn quote_line()(sym in symbol(), t in time(), padded: bool, nq in any::<u32>(), bbo in any::<u32>(), nt in any::<u32>(),
                    dollars in proptest::option::of(0u64..1u64 << 52)) -> (String, String, SecondOfDay, u32, u32, u32, Option<u64>) {
        let d = dollars.map_or(String::new(), |d| d.to_string());
        (format!("{sym},0,{},{nq},{bbo},{nt},{d},", written(t, padded)), sym, t, nq, bbo, nt, dollars)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for kind in Kind::ALL {
            let mut p = parser(kind);
            let mut out = p.empty_rows();
            let mut bad = Vec::new();
            let used = p.parse(&bytes, &mut out, &mut bad);
            prop_assert!(used <= bytes.len());
            let lines = bytes[..used].iter().filter(|&&b| b == b'\n').count();
            prop_assert!(out.len() + bad.len() <= lines);
        }
    }

    #[test]
    fn csv_shaped_garbage_parses_without_panic(line in "[0-9A-Za-z,./ \\-]{0,80}") {
        for kind in Kind::ALL {
            let mut p = parser(kind);
            let mut out = p.empty_rows();
            p.parse(format!("{line}\r\n").as_bytes(), &mut out, &mut Vec::new());
        }
    }

    #[test]
    fn hft1_rows_round_trip((line, sym, t, nq, bbo, nt, dollars) in quote_line()) {
        let row = hft1::parse(line.as_bytes(), &Default::default());
        prop_assert!(row.is_ok(), "{line}: {row:?}");
        if let Ok(r) = row {
            prop_assert_eq!((r.symbol, r.time, r.num_quotes, r.bbo, r.num_trades), (sym.as_str(), t, nq, bbo, nt));
            prop_assert_eq!(r.dollars, dollars.map(|d| d as f64));
        }
    }

    #[test]
    fn burst_rows_round_trip(t in time(), padded: bool, g in 1u8..=3, pt in 0u8..3, bg in 0u8..=1, s1: u32, s2: u32, ct: u32, cb: u32, cs: u32,
                             cu in proptest::option::of(0u32..100)) {
        let cu_s = cu.map_or(String::new(), |c| format!(",{c}"));
        // The sell counter first, as real files write them.
        let line = format!("{},{g},{pt},{bg},{s1},{s2},{ct},{cs},{cb}{cu_s}", written(t, padded));
        let r = burst::parse(line.as_bytes(), &Default::default());
        prop_assert!(r.is_ok(), "{line}");
        if let Ok(r) = r {
            prop_assert_eq!((r.time, r.grade.code(), r.background.code(), r.s1, r.s2, r.ct, r.cb, r.cs), (t, g, bg, s1, s2, ct, cb, cs));
            prop_assert_eq!(r.prog_type, match pt { 1 => ProgType::Buy, 0 => ProgType::Sell, _ => ProgType::Und });
            prop_assert_eq!(r.cu, cu.map(|c| c.to_string()));
        }
    }

    #[test]
    fn series_and_symbol_rows_round_trip(t in time(), padded: bool, v: u32, sym in symbol(), nt: u32, nq: u32, bbo: u32) {
        let s = series::parse(format!("{},{v}", written(t, padded)).as_bytes());
        prop_assert_eq!(s, Ok(SeriesRow { time: t, value: v }));
        let h = burst_symbols::parse(format!("{sym},{nt},{nq},{bbo}").as_bytes());
        prop_assert_eq!(h, Ok(SymbolHit { symbol: sym, num_trades: nt, num_quotes: nq, bbo }));
    }

    /// A file read in arbitrary pieces (as a tailer sees a writer's flushes) gives exactly the
    /// rows and malformed lines of reading it whole.
    #[test]
    fn reads_split_anywhere_give_the_same_rows(lines in proptest::collection::vec(quote_line(), 1..40),
                                               junk in proptest::collection::vec(0usize..40, 0..4),
                                               cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..12)) {
        let mut text = String::new();
        for (i, (l, ..)) in lines.iter().enumerate() {
            if junk.contains(&i) {
                text.push_str("JUNK,0,1\r\n\r\n");
            }
            text.push_str(l);
            text.push_str("\r\n");
        }
        let bytes = text.as_bytes();
        let whole = {
            let mut p = parser(Kind::Quotes);
            let (mut out, mut bad) = (p.empty_rows(), Vec::new());
            Feed::default().push(&mut p, bytes, &mut out, &mut bad);
            (out, bad)
        };
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        points.sort_unstable();
        let mut p = parser(Kind::Quotes);
        let (mut out, mut bad, mut feed, mut at) = (p.empty_rows(), Vec::new(), Feed::default(), 0);
        for cut in points.into_iter().chain([bytes.len()]) {
            feed.push(&mut p, &bytes[at..cut], &mut out, &mut bad);
            at = cut;
        }
        prop_assert_eq!(&out, &whole.0);
        prop_assert_eq!(&bad, &whole.1);
        prop_assert_eq!(out.len(), lines.len());
        prop_assert_eq!(feed.pending_len(), 0);
    }
}
