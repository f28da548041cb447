//! Every row parser, fed arbitrary bytes cut into two reads at a fuzzer-chosen point: no panic,
//! and the cut never changes what is parsed.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use ki2::archive::{ColumnOrder, Feed, FileParser, Kind, SecondOfDay};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, bytes)) = data.split_first() else { return };
    let cut = usize::from(cut).min(bytes.len());
    for kind in Kind::ALL {
        let parser = || FileParser::new(Arc::from(Path::new("f.csv")), kind, SecondOfDay::from_secs(1), ColumnOrder::default());
        let (mut p1, mut p2) = (parser(), parser());
        let (mut whole, mut split) = (p1.empty_rows(), p2.empty_rows());
        let (mut bad1, mut bad2) = (Vec::new(), Vec::new());
        Feed::default().push(&mut p1, bytes, &mut whole, &mut bad1);
        let mut feed = Feed::default();
        feed.push(&mut p2, &bytes[..cut], &mut split, &mut bad2);
        feed.push(&mut p2, &bytes[cut..], &mut split, &mut bad2);
        assert_eq!(whole, split);
        assert_eq!(bad1, bad2);
    }
});
