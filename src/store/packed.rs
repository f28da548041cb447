//! hft1 columns kept in fixed chunks of `CHUNK` rows, each sealed chunk of whole numbers as
//! narrow as its own values allow: its smallest value, then every value's distance from it in
//! 1, 2 or 4 bytes (frame of reference). A chunk of 16 Ki live rows spans a few seconds and
//! the day's few thousand symbols, and a count's spread is small: an hft1 row costs the store
//! ~15 B here where polars' u32 columns cost 28 (issue 13: a heavy day and ten minutes at
//! 5,000 rows/s is four million rows). polars has no narrower integers in the features this
//! crate builds, and a column of one width would still pay for the widest value of the day.
//!
//! A row is found in O(1) (its chunk is `i / CHUNK`); sealed chunks are never copied again,
//! and each open chunk is allocated once at its full size: no buffer is ever reallocated as
//! the day grows (see `chunks` for what day-sized reallocations cost).

use std::ops::Range;

/// Rows in a sealed chunk.
pub const CHUNK: usize = 16 * 1024;

/// The chunks that the rows of `range` (of `len` rows) fall in: each chunk's number, the
/// offsets in it, and its first row.
fn spans(range: Range<usize>, len: usize) -> impl Iterator<Item = (usize, Range<usize>, usize)> {
    let end = range.end.min(len);
    let mut i = range.start;
    std::iter::from_fn(move || {
        (i < end).then(|| {
            let (c, k) = (i / CHUNK, i % CHUNK);
            let first_row = c * CHUNK;
            let stop = (end - first_row).min(CHUNK);
            i = first_row + stop;
            (c, k..stop, first_row)
        })
    })
}

/// Moves values into the open chunk, allocated once at its full size (no doubling, no copy),
/// until it is full or they run out; the chunk when full, for the caller to seal.
fn fill<T>(open: &mut Vec<T>, values: &mut impl Iterator<Item = T>) -> Option<Vec<T>> {
    if open.capacity() == 0 {
        open.reserve_exact(CHUNK);
    }
    let room = CHUNK - open.len();
    open.extend(values.take(room));
    (open.len() == CHUNK).then(|| std::mem::take(open))
}

#[derive(Debug, Clone)]
enum Narrow {
    U8(Box<[u8]>),
    U16(Box<[u16]>),
    U32(Box<[u32]>),
}

#[derive(Debug, Clone)]
struct Sealed {
    base: u32,
    values: Narrow,
}

impl Sealed {
    fn new(values: &[u32]) -> Sealed {
        let base = values.iter().copied().min().unwrap_or(0);
        let spread = values.iter().copied().max().unwrap_or(0) - base;
        let values = if spread <= u32::from(u8::MAX) {
            Narrow::U8(values.iter().map(|&v| (v - base) as u8).collect())
        } else if spread <= u32::from(u16::MAX) {
            Narrow::U16(values.iter().map(|&v| (v - base) as u16).collect())
        } else {
            Narrow::U32(values.iter().map(|&v| v - base).collect())
        };
        Sealed { base, values }
    }

    fn get(&self, k: usize) -> Option<u32> {
        fn at<T: Copy + Into<u32>>(v: &[T], k: usize) -> Option<u32> {
            v.get(k).map(|&d| d.into())
        }
        let d = match &self.values {
            Narrow::U8(v) => at(v, k),
            Narrow::U16(v) => at(v, k),
            Narrow::U32(v) => at(v, k),
        };
        Some(self.base + d?)
    }

    /// Calls `f(first_row + k, value)` for the offsets `k` of `range` in the chunk.
    fn each(&self, range: Range<usize>, first_row: usize, f: &mut impl FnMut(usize, u32)) {
        fn run<T: Copy + Into<u32>>(
            v: &[T],
            range: Range<usize>,
            row: usize,
            base: u32,
            f: &mut impl FnMut(usize, u32),
        ) {
            v[range.clone()].iter().zip(range).for_each(|(&d, k)| f(row + k, base + d.into()));
        }
        match &self.values {
            Narrow::U8(v) => run(v, range, first_row, self.base, f),
            Narrow::U16(v) => run(v, range, first_row, self.base, f),
            Narrow::U32(v) => run(v, range, first_row, self.base, f),
        }
    }

    fn heap_bytes(&self) -> usize {
        match &self.values {
            Narrow::U8(v) => v.len(),
            Narrow::U16(v) => 2 * v.len(),
            Narrow::U32(v) => 4 * v.len(),
        }
    }
}

/// A column of u32 values, packed chunk by chunk.
#[derive(Debug, Clone, Default)]
pub struct PackedU32 {
    sealed: Vec<Sealed>,
    open: Vec<u32>,
}

impl PackedU32 {
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.open.len()
    }

    pub fn extend(&mut self, values: impl IntoIterator<Item = u32>) {
        let mut values = values.into_iter().peekable();
        while values.peek().is_some() {
            if let Some(full) = fill(&mut self.open, &mut values) {
                self.sealed.push(Sealed::new(&full));
            }
        }
    }

    pub fn get(&self, i: usize) -> Option<u32> {
        match self.sealed.get(i / CHUNK) {
            Some(c) => c.get(i % CHUNK),
            None => self.open.get(i - self.sealed.len() * CHUNK).copied(),
        }
    }

    /// Calls `f(row, value)` for the rows of `range` that exist, in order.
    pub fn each(&self, range: Range<usize>, mut f: impl FnMut(usize, u32)) {
        for (c, offsets, first_row) in spans(range, self.len()) {
            match self.sealed.get(c) {
                Some(chunk) => chunk.each(offsets, first_row, &mut f),
                None => self.open[offsets.clone()].iter().zip(offsets).for_each(|(&v, k)| f(first_row + k, v)),
            }
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.sealed.iter().map(Sealed::heap_bytes).sum::<usize>()
            + self.sealed.capacity() * std::mem::size_of::<Sealed>()
            + self.open.capacity() * 4
    }
}

/// A sealed chunk of amounts. The files write dollars as whole numbers: a chunk of them is
/// kept as its smallest amount plus each one's packed distance from it, exact below 2^53; a
/// chunk with any other amount keeps the f64s.
#[derive(Debug, Clone)]
enum AmountChunk {
    Whole {
        base: u64,
        offsets: Sealed,
        /// A bit a row, set where it has no amount; empty when every row has one.
        empty: Box<[u64]>,
    },
    /// NaN where a row has no amount.
    Floats(Box<[f64]>),
}

/// The largest amount kept as a whole number: every integer up to it is an exact f64.
const WHOLE_MAX: f64 = (1u64 << 53) as f64;

impl AmountChunk {
    fn new(values: Vec<f64>) -> AmountChunk {
        let whole =
            |v: f64| v.is_nan() || ((0.0..WHOLE_MAX).contains(&v) && (v as u64 as f64).to_bits() == v.to_bits());
        let present = || values.iter().filter(|v| !v.is_nan()).map(|&v| v as u64);
        let (min, max) = (present().min().unwrap_or(0), present().max().unwrap_or(0));
        if !values.iter().all(|&v| whole(v)) || max - min > u64::from(u32::MAX) {
            return AmountChunk::Floats(values.into_boxed_slice());
        }
        let offsets: Vec<u32> = values.iter().map(|&v| if v.is_nan() { 0 } else { (v as u64 - min) as u32 }).collect();
        let mut empty = Vec::new();
        if values.iter().any(|v| v.is_nan()) {
            empty = vec![0u64; values.len().div_ceil(64)];
            values.iter().enumerate().filter(|(_, v)| v.is_nan()).for_each(|(k, _)| empty[k / 64] |= 1 << (k % 64));
        }
        AmountChunk::Whole { base: min, offsets: Sealed::new(&offsets), empty: empty.into_boxed_slice() }
    }

    fn get(&self, k: usize) -> Option<Option<f64>> {
        match self {
            AmountChunk::Whole { base, offsets, empty } => {
                let off = offsets.get(k)?;
                let none = empty.get(k / 64).is_some_and(|w| w >> (k % 64) & 1 == 1);
                Some((!none).then(|| (base + u64::from(off)) as f64))
            }
            AmountChunk::Floats(v) => v.get(k).map(|&v| (!v.is_nan()).then_some(v)),
        }
    }

    fn each(&self, range: Range<usize>, first_row: usize, f: &mut impl FnMut(usize, Option<f64>)) {
        match self {
            AmountChunk::Whole { base, offsets, empty } => offsets.each(range, first_row, &mut |row, off| {
                let k = row - first_row;
                let none = empty.get(k / 64).is_some_and(|w| w >> (k % 64) & 1 == 1);
                f(row, (!none).then(|| (base + u64::from(off)) as f64))
            }),
            AmountChunk::Floats(v) => {
                v[range.clone()].iter().zip(range).for_each(|(&v, k)| f(first_row + k, (!v.is_nan()).then_some(v)))
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            AmountChunk::Whole { offsets, empty, .. } => offsets.heap_bytes() + 8 * empty.len(),
            AmountChunk::Floats(v) => 8 * v.len(),
        }
    }
}

/// A column of optional amounts (hft1's dollars: finite and never negative, as the reader
/// takes them), in the same chunks; the open chunk keeps an empty amount as NaN, which no
/// amount is.
#[derive(Debug, Clone, Default)]
pub struct Amounts {
    sealed: Vec<AmountChunk>,
    open: Vec<f64>,
}

impl Amounts {
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.open.len()
    }

    pub fn extend(&mut self, values: impl IntoIterator<Item = Option<f64>>) {
        let mut values = values.into_iter().map(|v| v.unwrap_or(f64::NAN)).peekable();
        while values.peek().is_some() {
            if let Some(full) = fill(&mut self.open, &mut values) {
                self.sealed.push(AmountChunk::new(full));
            }
        }
    }

    /// Row `i`'s amount (`Some(None)`: the row has none).
    pub fn get(&self, i: usize) -> Option<Option<f64>> {
        match self.sealed.get(i / CHUNK) {
            Some(c) => c.get(i % CHUNK),
            None => self.open.get(i - self.sealed.len() * CHUNK).map(|&v| (!v.is_nan()).then_some(v)),
        }
    }

    pub fn each(&self, range: Range<usize>, mut f: impl FnMut(usize, Option<f64>)) {
        for (c, offsets, first_row) in spans(range, self.len()) {
            match self.sealed.get(c) {
                Some(chunk) => chunk.each(offsets, first_row, &mut f),
                None => self.open[offsets.clone()]
                    .iter()
                    .zip(offsets)
                    .for_each(|(&v, k)| f(first_row + k, (!v.is_nan()).then_some(v))),
            }
        }
    }

    /// Rows without an amount (O(chunks): a whole chunk's are its bits).
    pub fn nulls(&self) -> usize {
        let sealed: usize = self
            .sealed
            .iter()
            .map(|c| match c {
                AmountChunk::Whole { empty, .. } => empty.iter().map(|w| w.count_ones() as usize).sum(),
                AmountChunk::Floats(v) => v.iter().filter(|v| v.is_nan()).count(),
            })
            .sum();
        sealed + self.open.iter().filter(|v| v.is_nan()).count()
    }

    pub fn heap_bytes(&self) -> usize {
        self.sealed.iter().map(AmountChunk::heap_bytes).sum::<usize>()
            + self.sealed.capacity() * std::mem::size_of::<AmountChunk>()
            + self.open.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn packed(values: &[u32]) -> PackedU32 {
        let mut p = PackedU32::default();
        values.chunks(3_001).for_each(|c| p.extend(c.iter().copied()));
        p
    }

    fn read(p: &PackedU32, range: Range<usize>) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        p.each(range, |i, v| out.push((i, v)));
        out
    }

    #[test]
    fn each_chunk_is_as_narrow_as_its_spread() {
        // Seconds of a live chunk, then symbol numbers, then counts with one outlier.
        let mut v: Vec<u32> = (0..CHUNK as u32).map(|i| 50_000 + i / 5_000).collect();
        v.extend((0..CHUNK as u32).map(|i| i % 4_000));
        v.extend((0..CHUNK as u32).map(|i| if i == 9 { 4_000_000_000 } else { i % 3 }));
        v.extend([7, 8]);
        let p = packed(&v);
        assert_eq!(
            p.heap_bytes() - p.sealed.capacity() * std::mem::size_of::<Sealed>() - p.open.capacity() * 4,
            CHUNK * 7
        );
        assert_eq!(p.len(), v.len());
        assert_eq!(p.get(CHUNK * 2 + 9), Some(4_000_000_000));
        assert_eq!(p.get(v.len()), None);
        assert_eq!(read(&p, 0..v.len() + 5), v.iter().copied().enumerate().collect::<Vec<_>>());
    }

    /// `len` values from `seed`, their spread changing every few thousand rows: chunks of
    /// every width, and chunks that mix them.
    fn values(len: usize, seed: u64, base: u32) -> Vec<u32> {
        let mut x = seed | 1;
        (0..len)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let spread = [200u64, 60_000, 1 << 32][(i / 5_000 + seed as usize) % 3];
                base.saturating_add((x % spread) as u32)
            })
            .collect()
    }

    /// Amounts of every kind a chunk can hold: whole, with empty ones, with fractions, spread
    /// wider than 4 bytes, past 2^53.
    fn amount(i: usize, v: u32, seed: u64) -> Option<f64> {
        match (i / 7_000 + seed as usize) % 5 {
            0 => (!v.is_multiple_of(3)).then_some(f64::from(v)),
            1 => (!v.is_multiple_of(5)).then_some(f64::from(v) * 0.25),
            2 => Some(f64::from(v) * 1e4),
            3 => Some(if v.is_multiple_of(1_000) { 2f64.powi(60) } else { f64::from(v) }),
            _ => Some(f64::from(v)),
        }
    }

    #[test]
    fn whole_amounts_are_kept_as_packed_offsets_and_others_as_they_are() {
        let mut a = Amounts::default();
        // Dollars as the files have them, some empty; then a chunk with one cent in it.
        a.extend((0..CHUNK).map(|k| (k % 10 != 0).then_some(1_000.0 + (k * 6_007 % 90_000) as f64)));
        a.extend((0..CHUNK).map(|k| Some(if k == 5 { 0.5 } else { 64_284_132.0 })));
        assert_eq!(
            a.sealed.iter().map(AmountChunk::heap_bytes).collect::<Vec<_>>(),
            [CHUNK * 4 + CHUNK / 8, CHUNK * 8]
        );
        assert_eq!(
            (a.get(0), a.get(1), a.get(CHUNK + 5), a.get(CHUNK + 6)),
            (Some(None), Some(Some(7_007.0)), Some(Some(0.5)), Some(Some(64_284_132.0)))
        );
        assert_eq!(a.nulls(), CHUNK.div_ceil(10));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn rows_read_back_as_pushed(
            len in 0usize..3 * CHUNK,
            seed in any::<u64>(),
            base in prop_oneof![Just(0u32), any::<u32>()],
            from in 0usize..4 * CHUNK,
            n in 0usize..2 * CHUNK,
        ) {
            let values = values(len, seed, base);
            let p = packed(&values);
            prop_assert_eq!(p.len(), values.len());
            let want: Vec<(usize, u32)> = values.iter().copied().enumerate().skip(from).take(n).collect();
            prop_assert_eq!(read(&p, from..from + n), want);
            for i in [0, from, from + n, values.len().saturating_sub(1), values.len()] {
                prop_assert_eq!(p.get(i), values.get(i).copied());
            }
            let amounts: Vec<Option<f64>> = values.iter().enumerate().map(|(i, &v)| amount(i, v, seed)).collect();
            let mut a = Amounts::default();
            amounts.chunks(5_000).for_each(|c| a.extend(c.iter().copied()));
            prop_assert_eq!(a.len(), amounts.len());
            let bits = |d: Option<f64>| d.map(f64::to_bits);
            let mut got = Vec::new();
            a.each(from..from + n, |i, d| got.push((i, bits(d))));
            let want: Vec<(usize, Option<u64>)> = amounts.iter().map(|&d| bits(d)).enumerate().skip(from).take(n).collect();
            prop_assert_eq!(got, want);
            prop_assert_eq!(a.nulls(), amounts.iter().filter(|d| d.is_none()).count());
            for i in [0, from, from + n, values.len().saturating_sub(1), values.len()] {
                prop_assert_eq!(a.get(i).map(bits), amounts.get(i).map(|&d| bits(d)));
            }
        }
    }
}
