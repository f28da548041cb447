//! What the live path knows of each file of the day: the running fingerprint after every row.
//! It answers two questions by content, never by count: after the writer starts a file over,
//! which of the rows sent again are rows already had (they must not alert twice); and after a
//! restart, whether the rows a checkpoint says were delivered are still the file's first rows.

use std::collections::HashMap;

use super::alert::FileKey;
use crate::archive::Rows;
use crate::archive::fingerprint::{chain, row_fingerprints};

/// A file's rows up to some row: how many, and the running fingerprint of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub rows: u64,
    pub chain: u64,
}

impl Mark {
    pub const NONE: Mark = Mark { rows: 0, chain: SEED };
}

const SEED: u64 = 0;

#[derive(Debug, Default)]
struct FileRows {
    /// `chains.get(i)`: the fingerprint of rows 0..=i.
    chains: Chains,
    /// After a rewrite: the rows held before it, while the rows sent again still match them.
    before: Option<Chains>,
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

    fn clear(&mut self) {
        *self = Chains::default();
    }
}

/// Where a batch of rows stands in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admitted {
    /// Index of the batch's first row in the file.
    pub first: u64,
    /// Leading rows of the batch that the file held before it was rewritten.
    pub repeats: usize,
}

#[derive(Debug, Default)]
pub struct Ledger {
    files: HashMap<FileKey, FileRows>,
}

impl Ledger {
    /// The file was started over: its rows will come again from the first.
    pub fn reset(&mut self, file: FileKey) {
        let f = self.files.entry(file).or_default();
        // Rows sent again that all matched so far are a prefix of `before`: keep comparing with
        // the longer, older content, which is what was alerted.
        if f.before.is_none() {
            f.before = Some(std::mem::take(&mut f.chains));
        } else {
            f.chains.clear();
        }
    }

    /// Takes note of a batch of the file's rows, in order.
    pub fn admit(&mut self, file: FileKey, rows: &Rows) -> Admitted {
        let f = self.files.entry(file).or_default();
        let first = f.chains.len() as u64;
        let mut repeats = 0;
        for fp in row_fingerprints(rows) {
            let i = f.chains.len();
            let c = chain(f.chains.last().unwrap_or(SEED), fp);
            match &f.before {
                Some(b) if b.get(i) == Some(&c) => repeats += 1,
                // Different from here on, or longer than before: every further row is new.
                Some(_) => f.before = None,
                None => {}
            }
            f.chains.push(c);
        }
        Admitted { first, repeats }
    }

    /// The file's first `rows` rows, as held now (None: it holds fewer).
    pub fn mark(&self, file: FileKey, rows: u64) -> Option<Mark> {
        if rows == 0 {
            return Some(Mark::NONE);
        }
        let chains = &self.files.get(&file)?.chains;
        let chain = *chains.get(usize::try_from(rows - 1).ok()?)?;
        Some(Mark { rows, chain })
    }

    /// Every file's rows as held now.
    pub fn marks(&self) -> Vec<(FileKey, Mark)> {
        let mut v: Vec<_> = self
            .files
            .iter()
            .filter_map(|(k, f)| Some((*k, Mark { rows: f.chains.len() as u64, chain: f.chains.last()? })))
            .collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// Whether a checkpoint's mark still describes the file's first rows.
    pub fn holds(&self, file: FileKey, mark: Mark) -> bool {
        self.mark(file, mark.rows) == Some(mark)
    }

    pub fn clear(&mut self) {
        self.files.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Kind;

    fn s1(values: &[u32]) -> Rows {
        Rows::s1_of(values)
    }

    const F: FileKey = FileKey { kind: Kind::S1, burst: None };

    #[test]
    fn rows_sent_again_are_repeats_only_while_they_are_the_same_rows() {
        let mut l = Ledger::default();
        assert_eq!(l.admit(F, &s1(&[1, 2, 3, 4])), Admitted { first: 0, repeats: 0 });
        // Rewritten with the same first two rows, then other ones: only the first two repeat.
        l.reset(F);
        assert_eq!(l.admit(F, &s1(&[1, 2, 9])), Admitted { first: 0, repeats: 2 });
        assert_eq!(l.admit(F, &s1(&[4])), Admitted { first: 3, repeats: 0 });
        // Started over with new rows: nothing repeats, whatever the count.
        l.reset(F);
        assert_eq!(l.admit(F, &s1(&[7, 7, 7, 7, 7])), Admitted { first: 0, repeats: 0 });
        // Old rows plus new ones, in two batches: the old ones repeat, the new ones do not.
        l.reset(F);
        assert_eq!(l.admit(F, &s1(&[7, 7])), Admitted { first: 0, repeats: 2 });
        assert_eq!(l.admit(F, &s1(&[7, 7, 7, 8])), Admitted { first: 2, repeats: 3 });
    }

    #[test]
    fn a_second_rewrite_mid_way_compares_with_what_was_alerted() {
        let mut l = Ledger::default();
        l.admit(F, &s1(&[1, 2, 3]));
        l.reset(F);
        assert_eq!(l.admit(F, &s1(&[1])).repeats, 1);
        l.reset(F);
        assert_eq!(l.admit(F, &s1(&[1, 2, 3, 5])).repeats, 3);
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
    fn marks_hold_only_for_the_same_first_rows() {
        let mut l = Ledger::default();
        l.admit(F, &s1(&[1, 2, 3]));
        let m = l.mark(F, 2).unwrap_or(Mark::NONE);
        assert_eq!(m.rows, 2);
        assert!(l.holds(F, m));
        assert!(!l.holds(F, Mark { rows: 4, chain: m.chain }));
        let mut other = Ledger::default();
        other.admit(F, &s1(&[1, 5, 3]));
        assert!(!other.holds(F, m));
        assert!(other.holds(F, Mark::NONE));
    }
}
