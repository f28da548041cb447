//! A long list kept in order while rows are appended: the High Quote Counts pane sorted by a
//! column over a day of a million rows. Entries are (key, row), ordered by a comparator that no
//! two entries tie under (the row number settles equal keys), so the order is exact and stable.
//!
//! Two sorted runs: the day as it was sorted (`main`) and what came since (`tail`). A batch of
//! new rows is merged into the short `tail` (O(tail) at most, in place); `tail` is merged into
//! `main` only when it has grown to an eighth of it (O(day), every ~25 s of a 5,000 rows/s day of
//! a million rows).
//! The rows a frame shows are found by a binary search across both runs, then a walk:
//! O(log day + rows shown), however deep the list is scrolled.

use std::cmp::Ordering;

/// A key and a row number in 12 bytes, not a tuple's 16: a day's sorted list holds one per
/// row (4 million after ten minutes at 5,000 rows/s on a heavy day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C, packed(4))]
pub struct Entry {
    key: u64,
    row: u32,
}

impl Entry {
    pub fn new(key: u64, row: usize) -> Entry {
        debug_assert!(u32::try_from(row).is_ok(), "row {row}");
        Entry { key, row: row as u32 }
    }

    pub fn key(&self) -> u64 {
        self.key
    }

    pub fn row(&self) -> usize {
        self.row as usize
    }
}

/// `tail` is merged into `main` once it is longer than this and an eighth of `main`.
const MIN_TAIL: usize = 4096;

#[derive(Debug, Default)]
pub struct SortedRuns {
    main: Vec<Entry>,
    tail: Vec<Entry>,
}

impl SortedRuns {
    /// Entries of distinct rows, in row order, sorted. `cmp` must order by key first and by
    /// row last; `ties` says that something between settles some equal keys by value (long
    /// symbols). A stable radix sort by key gives key-then-row order at a few passes over the
    /// entries — the first frame sorted by count took 140 ms with a comparison sort of the million,
    /// 44 ms with this (trades 21 ms, symbols, six passes, 58 ms) — and with
    /// `ties`, the runs of equal keys that `cmp` orders otherwise are sorted again with it.
    pub fn new(entries: Vec<Entry>, ties: bool, cmp: &impl Fn(&Entry, &Entry) -> Ordering) -> SortedRuns {
        debug_assert!(entries.windows(2).all(|w| w[0].row() < w[1].row()), "entries in row order");
        let mut main = radix_by_key(entries);
        let mut start = 0;
        while ties && start < main.len() {
            let key = main[start].key();
            let end = start + main[start..].iter().take_while(|e| e.key() == key).count();
            let run = &mut main[start..end];
            if !run.is_sorted_by(|a, b| cmp(a, b) != Ordering::Greater) {
                run.sort_by(cmp);
            }
            start = end;
        }
        SortedRuns { main, tail: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.main.len() + self.tail.len()
    }

    /// Adds entries of rows not in the list yet.
    pub fn extend(&mut self, mut batch: Vec<Entry>, cmp: &impl Fn(&Entry, &Entry) -> Ordering) {
        if batch.is_empty() {
            return;
        }
        batch.sort_unstable_by(cmp);
        // The short run grows as a Vec does (it is merged into every batch); `main` exactly.
        self.tail.reserve(batch.len());
        merge_into(&mut self.tail, &batch, cmp);
        if self.tail.len() > MIN_TAIL.max(self.main.len() / 8) {
            let tail = std::mem::take(&mut self.tail);
            merge_into(&mut self.main, &tail, cmp);
        }
    }

    /// How many of the first `k` entries in order are in `main` (the rest are in `tail`).
    fn split(&self, k: usize, cmp: &impl Fn(&Entry, &Entry) -> Ordering) -> usize {
        let (a, b) = (&self.main, &self.tail);
        let k = k.min(self.len());
        // The answer i is the first one where a[i] does not come before b[k - i - 1]: the
        // predicate holds for small i and fails from there on.
        let (mut lo, mut hi) = (k.saturating_sub(b.len()), k.min(a.len()));
        while lo < hi {
            let i = lo + (hi - lo) / 2;
            if cmp(&a[i], &b[k - i - 1]) == Ordering::Less {
                lo = i + 1;
            } else {
                hi = i;
            }
        }
        lo
    }

    /// The rows at places `start..start + n` of the order (fewer past the end).
    pub fn rows(&self, start: usize, n: usize, cmp: &impl Fn(&Entry, &Entry) -> Ordering) -> Vec<usize> {
        let mut i = self.split(start, cmp);
        let mut j = start.min(self.len()) - i;
        let mut out = Vec::with_capacity(n.min(self.len()));
        while out.len() < n {
            let e = match (self.main.get(i), self.tail.get(j)) {
                (Some(x), Some(y)) if cmp(x, y) == Ordering::Less => {
                    i += 1;
                    x
                }
                (_, Some(y)) => {
                    j += 1;
                    y
                }
                (Some(x), None) => {
                    i += 1;
                    x
                }
                (None, None) => break,
            };
            out.push(e.row());
        }
        out
    }

    /// The place of `e` (a row in the list) in the order.
    pub fn place(&self, e: &Entry, cmp: &impl Fn(&Entry, &Entry) -> Ordering) -> usize {
        let before = |run: &[Entry]| run.partition_point(|x| cmp(x, e) == Ordering::Less);
        before(&self.main) + before(&self.tail)
    }
}

/// Bits of the key sorted by in one pass: 2,048 counters stay in the cache, and a count's 17
/// or so varying bits take two passes.
const DIGIT: u32 = 11;

/// Entries by key, equal keys in the order given: LSD radix, `DIGIT` bits at a time, skipping
/// the digits no two keys differ in.
fn radix_by_key(mut v: Vec<Entry>) -> Vec<Entry> {
    let (or, and) = v.iter().fold((0u64, u64::MAX), |(o, a), e| (o | e.key(), a & e.key()));
    let differ = or ^ and;
    let mask = (1u64 << DIGIT) - 1;
    let mut out = vec![Entry::default(); v.len()];
    for shift in (0..64).step_by(DIGIT as usize) {
        if (differ >> shift) & mask == 0 {
            continue;
        }
        let mut starts = vec![0usize; 1 << DIGIT];
        for e in &v {
            starts[((e.key() >> shift) & mask) as usize] += 1;
        }
        let mut at = 0;
        for s in starts.iter_mut() {
            let n = *s;
            *s = at;
            at += n;
        }
        for e in &v {
            let d = ((e.key() >> shift) & mask) as usize;
            out[starts[d]] = *e;
            starts[d] += 1;
        }
        std::mem::swap(&mut v, &mut out);
    }
    v
}

/// Merges sorted `b` into sorted `a`, in place from the back: only what sorts after `b`'s first
/// entry moves, and no new run is allocated (a fresh megabyte-sized one each frame cost its
/// page faults).
fn merge_into(a: &mut Vec<Entry>, b: &[Entry], cmp: &impl Fn(&Entry, &Entry) -> Ordering) {
    let (mut i, mut j) = (a.len(), b.len());
    // Exactly what is added: doubling would hold up to twice the day's entries. A large run
    // grows by mremap, without a copy.
    a.reserve_exact(j);
    a.resize(i + j, Entry::default());
    while j > 0 {
        let k = i + j - 1;
        if i > 0 && cmp(&a[i - 1], &b[j - 1]) == Ordering::Greater {
            a[k] = a[i - 1];
            i -= 1;
        } else {
            a[k] = b[j - 1];
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &Entry, b: &Entry) -> Ordering {
        a.key().cmp(&b.key()).then(a.row().cmp(&b.row()))
    }

    #[test]
    fn the_radix_sort_is_a_full_sort_and_settles_ties_as_cmp_does() {
        let key = |r: usize| ((((r as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20) % 5000) << 40) | (r as u64 % 3);
        let entries: Vec<Entry> = (0..20_000).map(|r| Entry::new(key(r), r)).collect();
        let mut want = entries.clone();
        want.sort_by(cmp);
        assert_eq!(SortedRuns::new(entries.clone(), false, &cmp).main, want);
        // Equal keys ordered by something other than the row (as long symbols are): even rows first.
        let odd_last = |a: &Entry, b: &Entry| {
            a.key().cmp(&b.key()).then((a.row() % 2).cmp(&(b.row() % 2))).then(a.row().cmp(&b.row()))
        };
        let mut want = entries.clone();
        want.sort_by(odd_last);
        assert_eq!(SortedRuns::new(entries, true, &odd_last).main, want);
    }

    #[test]
    fn every_window_and_place_is_that_of_a_full_sort_as_rows_arrive() {
        let key = |r: usize| (r as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) % 97;
        let mut runs = SortedRuns::new((0..5000).map(|r| Entry::new(key(r), r)).collect(), false, &cmp);
        let mut all: Vec<Entry> = (0..5000).map(|r| Entry::new(key(r), r)).collect();
        // Batches of 700 push the tail past MIN_TAIL and into main along the way.
        for batch in 0..10 {
            let new: Vec<Entry> = (5000 + batch * 700..5700 + batch * 700).map(|r| Entry::new(key(r), r)).collect();
            all.extend(&new);
            runs.extend(new, &cmp);
            all.sort_by(cmp);
            assert_eq!(runs.len(), all.len());
            for start in [0, 1, 17, all.len() / 2, all.len() - 3, all.len() + 5] {
                let want: Vec<usize> = all.iter().skip(start).take(40).map(|e| e.row()).collect();
                assert_eq!(runs.rows(start, 40, &cmp), want, "batch {batch}, start {start}");
            }
            for k in [0, 333, all.len() - 1] {
                assert_eq!(runs.place(&all[k], &cmp), k);
            }
        }
        assert!(runs.tail.len() < all.len() / 4, "the tail was merged into main");
        // A row's entry is 12 bytes, and the long run holds no room beyond its entries.
        assert_eq!(std::mem::size_of::<Entry>(), 12);
        assert_eq!(runs.main.capacity(), runs.main.len());
    }
}
