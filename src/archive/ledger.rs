//! One file's rows as fingerprints: the running fingerprint after every row of the current pass
//! over the file (`chain` in `fingerprint`), what a checkpoint calls a `Mark`, and, after the
//! writer starts the file over, which of the rows sent again repeat the rows had before.
//!
//! The live alerts (`alerts::ledger`, one per file of the day) and the lake (`lake::source`)
//! both answer "are these the rows I already had?" by content, never by count; both keep their
//! checkpoints on disk as `Mark`s, so the seed and the chaining here are pinned by
//! `fingerprint::row_fingerprints_are_pinned` and must never change.

use super::fingerprint::{chain, row_fingerprints};
use super::rows::Rows;

/// A file's rows up to some row: how many, and the running fingerprint of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub rows: u64,
    pub chain: u64,
}

/// The fingerprint chain of no rows (on disk in checkpoints and the lake's part names).
pub const SEED: u64 = 0;

impl Mark {
    pub const NONE: Mark = Mark { rows: 0, chain: SEED };
}

/// Where a batch of rows stands in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admitted {
    /// Index of the batch's first row in the file.
    pub first: u64,
    /// Leading rows of the batch that the file held before it was rewritten.
    pub repeats: usize,
}

/// One file's running fingerprints, from its first row in the current pass.
#[derive(Debug, Default)]
pub struct FileLedger {
    /// `chains.get(i)`: the fingerprint of rows 0..=i.
    chains: Chains,
    /// After a rewrite: the rows held before it, while the rows sent again still match them.
    before: Option<Chains>,
}

impl FileLedger {
    /// The file was started over: its rows will come again from the first, and those that
    /// repeat the rows held now are told apart (`Admitted::repeats`).
    pub fn reset(&mut self) {
        // Rows sent again that all matched so far are a prefix of `before`: keep comparing with
        // the longer, older content, which is what was alerted.
        if self.before.is_none() {
            self.before = Some(std::mem::take(&mut self.chains));
        } else {
            self.chains.clear();
        }
    }

    /// Takes note of a batch of the file's rows, in order.
    pub fn admit(&mut self, rows: &Rows) -> Admitted {
        let first = self.len();
        let mut repeats = 0;
        for fp in row_fingerprints(rows) {
            let i = self.chains.len();
            let c = chain(self.chains.last().unwrap_or(SEED), fp);
            match &self.before {
                Some(b) if b.get(i) == Some(&c) => repeats += 1,
                // Different from here on, or longer than before: every further row is new.
                Some(_) => self.before = None,
                None => {}
            }
            self.chains.push(c);
        }
        Admitted { first, repeats }
    }

    /// Rows of the current pass so far.
    pub fn len(&self) -> u64 {
        self.chains.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.chains.len() == 0
    }

    /// The file's first `rows` rows, as held now (None: it holds fewer, or they were forgotten).
    pub fn mark(&self, rows: u64) -> Option<Mark> {
        if rows == 0 {
            return Some(Mark::NONE);
        }
        let chain = *self.chains.get(usize::try_from(rows - 1).ok()?)?;
        Some(Mark { rows, chain })
    }

    /// Every row held now (None: none yet).
    pub fn last(&self) -> Option<Mark> {
        Some(Mark { rows: self.len(), chain: self.chains.last()? })
    }

    /// Whether a checkpoint's mark still describes the file's first rows.
    pub fn holds(&self, mark: Mark) -> bool {
        self.mark(mark.rows) == Some(mark)
    }

    /// The fingerprints of rows before `rows` will not be asked for again (the lake keeps its
    /// own checkpoints and needs only what is past them): their memory goes, a block at a time.
    /// The file's last row is always kept, so the chain goes on.
    pub fn forget_before(&mut self, rows: u64) {
        self.chains.forget_before(usize::try_from(rows).unwrap_or(usize::MAX));
    }
}

/// A file's running fingerprints, in blocks of a fixed size: a Vec that doubles would hold up
/// to twice the rows' 8 bytes (an hft1 file grows to millions of rows) and copy them as it grows.
#[derive(Debug, Default)]
struct Chains {
    blocks: Vec<Vec<u64>>,
    len: usize,
}

impl Chains {
    const BLOCK: usize = 64 * 1024;

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, i: usize) -> Option<&u64> {
        self.blocks.get(i / Self::BLOCK)?.get(i % Self::BLOCK)
    }

    fn last(&self) -> Option<u64> {
        self.len.checked_sub(1).and_then(|i| self.get(i).copied())
    }

    fn push(&mut self, c: u64) {
        match self.blocks.last_mut() {
            Some(b) if b.len() < Self::BLOCK => b.push(c),
            _ => {
                // The first block grows as a Vec does (most files are short), to exactly BLOCK.
                let mut b = if self.blocks.is_empty() { Vec::new() } else { Vec::with_capacity(Self::BLOCK) };
                b.push(c);
                self.blocks.push(b);
            }
        }
        self.len += 1;
    }

    /// Frees the full blocks wholly before row `i`; never the last block, which `push` fills
    /// (an emptied last block would take the next row at the wrong index).
    fn forget_before(&mut self, i: usize) {
        let whole = (i / Self::BLOCK).min(self.blocks.len().saturating_sub(1));
        for b in &mut self.blocks[..whole] {
            *b = Vec::new();
        }
    }

    fn clear(&mut self) {
        *self = Chains::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sent_again_are_repeats_only_while_they_are_the_same_rows() {
        let mut l = FileLedger::default();
        assert_eq!(l.admit(&Rows::s1_of(&[1, 2, 3, 4])), Admitted { first: 0, repeats: 0 });
        // Rewritten with the same first two rows, then other ones: only the first two repeat.
        l.reset();
        assert_eq!(l.admit(&Rows::s1_of(&[1, 2, 9])), Admitted { first: 0, repeats: 2 });
        assert_eq!(l.admit(&Rows::s1_of(&[4])), Admitted { first: 3, repeats: 0 });
        // Started over with new rows: nothing repeats, whatever the count.
        l.reset();
        assert_eq!(l.admit(&Rows::s1_of(&[7, 7, 7, 7, 7])), Admitted { first: 0, repeats: 0 });
        // Old rows plus new ones, in two batches: the old ones repeat, the new ones do not.
        l.reset();
        assert_eq!(l.admit(&Rows::s1_of(&[7, 7])), Admitted { first: 0, repeats: 2 });
        assert_eq!(l.admit(&Rows::s1_of(&[7, 7, 7, 8])), Admitted { first: 2, repeats: 3 });
    }

    #[test]
    fn a_second_rewrite_mid_way_compares_with_what_was_alerted() {
        let mut l = FileLedger::default();
        l.admit(&Rows::s1_of(&[1, 2, 3]));
        l.reset();
        assert_eq!(l.admit(&Rows::s1_of(&[1])).repeats, 1);
        l.reset();
        assert_eq!(l.admit(&Rows::s1_of(&[1, 2, 3, 5])).repeats, 3);
    }

    #[test]
    fn chains_read_back_across_blocks() {
        let mut c = Chains::default();
        let n = 2 * Chains::BLOCK + 5;
        (0..n as u64).for_each(|i| c.push(i * 3));
        assert_eq!((c.len(), c.last()), (n, Some((n as u64 - 1) * 3)));
        assert_eq!(c.get(Chains::BLOCK).copied(), Some(Chains::BLOCK as u64 * 3));
        assert_eq!(c.get(n), None);
        assert!(c.blocks.iter().all(|b| b.capacity() == Chains::BLOCK));
    }

    #[test]
    fn forgotten_rows_free_whole_blocks_and_the_chain_goes_on() {
        let mut c = Chains::default();
        let n = 2 * Chains::BLOCK + 5;
        (0..n as u64).for_each(|i| c.push(i * 3));
        c.forget_before(Chains::BLOCK + 1);
        assert_eq!(c.get(0), None);
        assert_eq!(c.get(Chains::BLOCK).copied(), Some(Chains::BLOCK as u64 * 3));
        // Even past every row: the last block stays, so the next row lands in its place.
        c.forget_before(usize::MAX);
        assert_eq!(c.last(), Some((n as u64 - 1) * 3));
        c.push(1);
        assert_eq!((c.len(), c.get(n).copied()), (n + 1, Some(1)));
    }

    #[test]
    fn marks_hold_only_for_the_same_first_rows() {
        let mut l = FileLedger::default();
        l.admit(&Rows::s1_of(&[1, 2, 3]));
        let m = l.mark(2).unwrap_or(Mark::NONE);
        assert_eq!(m.rows, 2);
        assert!(l.holds(m));
        assert!(!l.holds(Mark { rows: 4, chain: m.chain }));
        let mut other = FileLedger::default();
        other.admit(&Rows::s1_of(&[1, 5, 3]));
        assert!(!other.holds(m));
        assert!(other.holds(Mark::NONE));
    }
}
