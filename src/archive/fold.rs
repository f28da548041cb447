//! Reading a large file to fold its rows into something small (a day's summary), a chunk at a
//! time on as many threads as there are cores: the rows are never all held at once.

use std::io;
use std::path::Path;

use super::columns::ColumnOrder;
use super::kind::Kind;
use super::malformed::Malformed;
use super::read::{PARALLEL_MIN, check_regular, line_ranges, read_range};
use super::rows::Rows;

/// Rows are handed over in batches of about this many.
const BATCH: usize = 16_384;
const CHUNK: usize = 256 << 10;

/// What folding a file gave: one accumulator per part, in file order, and the malformed rows.
pub struct Folded<A> {
    pub parts: Vec<A>,
    pub malformed: Vec<Malformed>,
}

/// Files at least this large are read in parts, one per core.
pub const SPLIT_FROM: u64 = PARALLEL_MIN;

/// Folds every row of `path` into accumulators made by `init`, one per part of the file read
/// on its own thread (files from `split_from` bytes); `each` sees the rows of its part in
/// file order.
pub fn fold_file<A: Send>(
    path: &Path,
    kind: Kind,
    columns: ColumnOrder,
    split_from: u64,
    init: impl Fn() -> A + Sync,
    each: impl Fn(&mut A, &Rows) + Sync,
) -> io::Result<Folded<A>> {
    check_regular(path)?;
    let size = std::fs::metadata(path)?.len();
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(2, 4) as u64;
    let split = size >= split_from && kind != Kind::BurstSymbols;
    let ranges = if split { line_ranges(path, size, parts)? } else { vec![(0, None)] };
    let parts = super::read::in_parts(path, kind, columns, &ranges, |parser, start, end| {
        let mut acc = init();
        let (rest, part) = read_range(path, parser, start, end, CHUNK, |rows, parser| {
            if rows.len() >= BATCH {
                each(&mut acc, rows);
                *rows = parser.empty_rows();
            }
        })?;
        if !rest.is_empty() {
            each(&mut acc, &rest);
        }
        Ok((acc, part.malformed, part.next_line))
    })?;
    let mut out = Folded { parts: Vec::new(), malformed: Vec::new() };
    for (acc, malformed) in parts {
        out.parts.push(acc);
        out.malformed.extend(malformed);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_rows_folded_in_parts_are_numbered_as_in_the_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("20250714_hft1.csv");
        let mut text = String::new();
        for i in 0..40_000u32 {
            if i % 997 == 0 {
                text.push_str("garbage line\r\n");
            } else {
                text.push_str(&format!("S{},0,93000,{},1,1,100,\r\n", i % 50, 2000 + i % 7));
            }
        }
        std::fs::write(&path, &text)?;
        let whole = super::super::read::read_file(&path, Kind::Quotes, None, ColumnOrder::default())?;
        let rows = |_: &mut usize, r: &Rows| r.len();
        let folded = fold_file(&path, Kind::Quotes, ColumnOrder::default(), 1, || 0usize, |n, r| *n += rows(n, r))?;
        assert!(folded.parts.len() > 1, "read in parts");
        assert_eq!(folded.parts.iter().sum::<usize>(), whole.rows.len());
        let lines = |m: &[Malformed]| m.iter().map(|m| m.line).collect::<Vec<_>>();
        assert_eq!(lines(&folded.malformed), lines(&whole.malformed));
        let garbage: Vec<u64> = (0..40_000u64).filter(|i| i % 997 == 0).map(|i| i + 1).collect();
        assert_eq!(lines(&folded.malformed), garbage);
        Ok(())
    }
}
