//! How a frame's chunks are kept as batches arrive. Each appended batch is a chunk of its own;
//! the short chunks at the end (live batches: tens to hundreds of rows) are merged into one now
//! and then, and a chunk that is long enough is never copied again.
//!
//! Until issue 13 the store made the whole frame contiguous every 64th append instead. For the
//! heavy day that copied ~52 MB of hft1 columns each time, each column's two copies alive at
//! once, and glibc's malloc raises its mmap threshold to the largest block freed (up to 32 MB):
//! after the first few copies the day-sized buffers were carved from the heap, and every copy
//! left day-sized holes there that free() does not hand back. `cargo bench --bench memory`
//! measured 113 → 197 MB RSS in the first 5 s at 5,000 rows/s, 80–125 MB of it memory malloc
//! held free (mallinfo), while the store grew by ~1 MB; with `MALLOC_MMAP_THRESHOLD_` pinned the
//! same run stayed within 3 MB of the store's growth. Here no append copies more than the short
//! tail, under `2 × SEALED_ROWS` rows, and malloc holds 8–19 MB free over 10 minutes.

use polars::prelude::*;

/// A chunk of at least this many rows stays as it is. The tailer sends a day's existing rows
/// in batches of at least 32 Ki rows, so a day read at start is already in long chunks; a
/// million rows are ~30 chunks, which a row lookup walks from the nearer end.
pub const SEALED_ROWS: usize = 32 * 1024;
/// Short chunks allowed at the end before they are merged: lookups and scans stay cheap, and a
/// merge copies at most the short tail (amortised: with 4 appends a second, once every ~16 s).
pub const MAX_SHORT: usize = 64;

/// Appends `batch` (its columns move in without a copy), then merges the short chunks at the
/// end once there are too many of them or they hold a long chunk's worth of rows.
pub fn push(frame: &mut DataFrame, batch: DataFrame) -> PolarsResult<()> {
    frame.vstack_mut_owned(batch)?;
    let lens = chunk_lengths(frame);
    let short: Vec<usize> = lens.iter().rev().copied().take_while(|&n| n < SEALED_ROWS).collect();
    let rows: usize = short.iter().sum();
    if short.len() > MAX_SHORT || (short.len() > 1 && rows >= SEALED_ROWS) {
        merge_last(frame, rows)?;
    }
    Ok(())
}

/// Row counts of the frame's chunks (its columns are appended together, so they align).
pub fn chunk_lengths(frame: &DataFrame) -> Vec<usize> {
    frame.columns().first().map_or_else(Vec::new, |c| c.as_materialized_series().chunk_lengths().collect())
}

/// Copies the last `rows` rows into one chunk; the chunks before them are shared, not copied.
fn merge_last(frame: &mut DataFrame, rows: usize) -> PolarsResult<()> {
    let keep = frame.height() - rows;
    // Slices at chunk boundaries clone the chunks' buffers by reference.
    let mut tail = frame.slice(keep as i64, rows);
    tail.rechunk_mut();
    if keep == 0 {
        *frame = tail;
        return Ok(());
    }
    let mut head = frame.slice(0, keep);
    head.vstack_mut_owned(tail)?;
    *frame = head;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(from: u32, n: u32) -> PolarsResult<DataFrame> {
        let v: Vec<u32> = (from..from + n).collect();
        let s: Vec<String> = v.iter().map(|i| format!("S{}", i % 7)).collect();
        DataFrame::new(
            v.len(),
            vec![
                UInt32Chunked::from_vec("n".into(), v).into_column(),
                StringChunked::from_iter_values("symbol".into(), s.iter()).into_column(),
            ],
        )
    }

    fn values(frame: &DataFrame) -> PolarsResult<Vec<Option<u32>>> {
        Ok(frame.column("n")?.u32()?.iter().collect())
    }

    fn first_buffer(frame: &DataFrame) -> PolarsResult<*const u32> {
        let c = frame.column("n")?.u32()?;
        c.downcast_iter().next().map(|a| a.values().as_ptr()).ok_or_else(|| polars_err!(NoData: "no chunk"))
    }

    #[test]
    fn live_batches_are_merged_into_long_chunks_and_the_rows_stay_in_order() -> PolarsResult<()> {
        let mut frame = batch(0, 0)?;
        let mut next = 0;
        for _ in 0..2_000 {
            push(&mut frame, batch(next, 100)?)?;
            next += 100;
            assert!(chunk_lengths(&frame).iter().rev().take_while(|&&n| n < SEALED_ROWS).count() <= MAX_SHORT);
        }
        assert_eq!(values(&frame)?, (0..next).map(Some).collect::<Vec<_>>());
        let lens = chunk_lengths(&frame);
        assert_eq!(lens.iter().sum::<usize>(), next as usize);
        // 200,000 rows: long chunks of between 32 Ki and 64 Ki rows, then the short tail.
        let long: Vec<_> = lens.iter().filter(|&&n| n >= SEALED_ROWS).collect();
        assert!(long.iter().all(|&&n| n < 2 * SEALED_ROWS), "{lens:?}");
        assert!(long.len() >= 3 && lens.len() <= long.len() + MAX_SHORT, "{lens:?}");
        Ok(())
    }

    #[test]
    fn a_long_chunk_is_never_copied_again() -> PolarsResult<()> {
        let mut frame = batch(0, 100_000)?;
        let before = first_buffer(&frame)?;
        for i in 0..500 {
            push(&mut frame, batch(100_000 + i * 50, 50)?)?;
        }
        assert_eq!(first_buffer(&frame)?, before);
        assert_eq!(frame.height(), 125_000);
        assert_eq!(values(&frame)?, (0..125_000).map(Some).collect::<Vec<_>>());
        assert_eq!(frame.column("symbol")?.str()?.get(124_999), Some("S0"));
        Ok(())
    }

    #[test]
    fn big_batches_stay_as_they_came() -> PolarsResult<()> {
        let mut frame = batch(0, 0)?;
        for i in 0..5 {
            push(&mut frame, batch(i * 40_000, 40_000)?)?;
        }
        assert_eq!(chunk_lengths(&frame).iter().filter(|&&n| n > 0).count(), 5);
        Ok(())
    }
}
