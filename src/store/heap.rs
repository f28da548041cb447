//! What a frame really holds in memory, for the store-growth and memory benchmarks.

use polars::prelude::*;

/// Heap bytes the frame's buffers hold. polars' `estimated_size` counts a string column as its
/// text (~4 B a symbol) while a view array holds a 16-byte view per value (text of up to 12
/// bytes inline) plus buffers for longer text: for hft1 that is 12 B a row it did not count.
pub fn heap_bytes(frame: &DataFrame) -> usize {
    let column = |c: &Column| {
        let s = c.as_materialized_series();
        let estimated = s.estimated_size();
        let Ok(strings) = s.str() else { return estimated };
        // The views and the buffers are held; the text `estimated_size` counted is in them.
        let (held, text) = strings.downcast_iter().fold((0, 0), |(held, text), a| {
            (held + std::mem::size_of_val(&a.views()[..]) + a.total_buffer_len(), text + a.total_bytes_len())
        });
        (estimated + held).saturating_sub(text)
    };
    frame.columns().iter().map(column).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_views_are_counted_in_heap_bytes() -> PolarsResult<()> {
        let frame = frame(1_000)?;
        // 4 B a u32, 16 B a view (the symbols are inline), no validity.
        assert_eq!(heap_bytes(&frame), 1_000 * (4 + 16));
        Ok(())
    }

    fn frame(n: u32) -> PolarsResult<DataFrame> {
        let s: Vec<String> = (0..n).map(|i| format!("S{}", i % 7)).collect();
        DataFrame::new(
            n as usize,
            vec![
                UInt32Chunked::from_vec("n".into(), (0..n).collect()).into_column(),
                StringChunked::from_iter_values("symbol".into(), s.iter()).into_column(),
            ],
        )
    }
}
