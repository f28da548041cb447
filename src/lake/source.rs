//! One source file as the lake sees it: where the lake's rows of it end (checkpoints, from
//! the part names), the rows received in the tailer's current pass over it, and the rows not
//! yet written. After a restart or a rewrite (`TailEvent::Reset`) the tailer sends the file
//! from its first row again; those rows are checked by content against the checkpoints, and
//! only rows past what the lake holds are written. Rows that differ from what the lake holds
//! make the lake drop its rows of the file from the last checkpoint that still matched.

use std::time::Instant;

use super::names::Mark;
use crate::archive::ledger::FileLedger;
use crate::archive::{Kind, Quotes, Rows, SecondOfDay};

#[derive(Debug)]
pub struct Source {
    kind: Kind,
    burst: Option<SecondOfDay>,
    /// The lake's rows of this file end at the last mark; one mark per part ever written.
    marks: Vec<Mark>,
    /// The current pass's rows as fingerprints (the same ledger the live alerts keep), from
    /// the last matched mark on: rows before it are forgotten, their mark says all of them.
    pass: FileLedger,
    /// Marks before this one have been matched by this pass.
    verified: usize,
    /// While checking: the rows since the last matched mark (they become new rows if the
    /// next mark does not match).
    held: Rows,
    /// Rows past the lake's, not yet written, and when they came. They are the pass's rows
    /// from `lake_rows()` on, so their marks are the pass's.
    pending: Rows,
    pending_at: Vec<Instant>,
    /// The lake holds rows of this file past `marks` that must go (a rewrite changed them).
    pub drop_after: Option<u64>,
    /// When the current pass last brought rows.
    pub last_rows: Option<Instant>,
}

/// What a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Admitted {
    /// Rows already in the lake (matched by content).
    pub known: usize,
    /// Rows to be written.
    pub new: usize,
    /// The file no longer starts with the lake's rows: they are kept up to this row.
    pub diverged_at: Option<u64>,
}

impl Source {
    pub fn new(kind: Kind, burst: Option<SecondOfDay>, marks: Vec<Mark>) -> Source {
        let empty = Rows::empty(kind, burst);
        Source {
            kind,
            burst,
            marks,
            pass: FileLedger::default(),
            verified: 0,
            held: empty.clone(),
            pending: empty,
            pending_at: Vec::new(),
            drop_after: None,
            last_rows: None,
        }
    }

    /// Rows of the file the lake holds.
    pub fn lake_rows(&self) -> u64 {
        self.marks.last().map_or(0, |m| m.rows)
    }

    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    pub fn pending(&self) -> &Rows {
        &self.pending
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// When the oldest row not yet written came.
    pub fn oldest_pending(&self) -> Option<Instant> {
        self.pending_at.first().copied()
    }

    pub fn pending_arrivals(&self) -> &[Instant] {
        &self.pending_at
    }

    /// Rows of the current pass so far.
    pub fn seen(&self) -> u64 {
        self.pass.len()
    }

    /// The current pass is still comparing rows with what the lake holds.
    pub fn checking(&self) -> bool {
        self.verified < self.marks.len()
    }

    /// The file was started over: its rows come again from the first.
    pub fn restart(&mut self) {
        self.last_rows = None;
        // A fresh pass, not `FileLedger::reset`: the rows sent again are compared with the
        // lake's marks, not with the rows of the pass before.
        self.pass = FileLedger::default();
        self.verified = 0;
        self.held = self.empty();
        self.pending = self.empty();
        self.pending_at.clear();
    }

    /// Takes a batch of the file's rows, in order.
    pub fn admit(&mut self, rows: Rows, now: Instant) -> Admitted {
        let mut out = Admitted::default();
        let n = rows.len();
        if n == 0 {
            return out;
        }
        self.last_rows = Some(now);
        let first = self.pass.len();
        self.pass.admit(&rows);
        // While checking, rows are held up to the next mark, where the pass either holds the
        // mark (the rows are the lake's) or does not (the lake's rows from there on go).
        let mut i = 0;
        while i < n && self.checking() {
            let mark = self.marks[self.verified];
            let upto = usize::try_from(mark.rows.saturating_sub(first)).unwrap_or(usize::MAX).clamp(i, n);
            (i..upto).for_each(|r| push_row(&mut self.held, &rows, r));
            i = upto;
            if first + (i as u64) < mark.rows {
                break;
            }
            if self.pass.holds(mark) {
                out.known += self.held.len();
                self.verified += 1;
                self.clear_held();
                self.pass.forget_before(mark.rows);
            } else {
                out.diverged_at = Some(self.diverge());
            }
        }
        if i < n {
            self.pending_at.extend(std::iter::repeat_n(now, n - i));
            out.new += n - i;
            append(&mut self.pending, rows.without_first(i));
        }
        out
    }

    /// The file now holds fewer rows than the lake: the rows held while checking are the
    /// file's, and the lake's rows past the last matched mark go. Returns where the lake's rows
    /// of the file end now; nothing changes if the pass brought no row (the file may be gone
    /// for a while, or being rewritten: the lake keeps what it has).
    pub fn shortened(&mut self) -> Option<u64> {
        (self.checking() && !self.pass.is_empty()).then(|| self.diverge())
    }

    /// Rows from the last matched mark on are new rows; later marks are forgotten.
    fn diverge(&mut self) -> u64 {
        self.marks.truncate(self.verified);
        let keep = self.lake_rows();
        self.drop_after = Some(self.drop_after.map_or(keep, |d| d.min(keep)));
        let mut pending = {
            let e = self.empty();
            std::mem::replace(&mut self.held, e)
        };
        let rest = {
            let e = self.empty();
            std::mem::replace(&mut self.pending, e)
        };
        append(&mut pending, rest);
        let now = self.last_rows.unwrap_or_else(Instant::now);
        self.pending_at =
            std::iter::repeat_n(now, pending.len() - self.pending_at.len()).chain(self.pending_at.drain(..)).collect();
        self.pending = pending;
        keep
    }

    fn empty(&self) -> Rows {
        Rows::empty(self.kind, self.burst)
    }

    fn clear_held(&mut self) {
        self.held = self.empty();
    }

    /// The first `n` pending rows are in the lake now (their part was renamed into place).
    pub fn committed(&mut self, n: usize) {
        let Some(mark) = self.mark_after(n) else { return };
        self.marks.push(mark);
        self.verified = self.marks.len();
        self.pass.forget_before(mark.rows);
        let pending = {
            let e = self.empty();
            std::mem::replace(&mut self.pending, e)
        };
        self.pending = pending.without_first(n);
        self.pending_at.drain(..n);
    }

    /// The mark a part of the first `n` pending rows will carry.
    pub fn mark_after(&self, n: usize) -> Option<Mark> {
        if n == 0 || n > self.pending.len() {
            return None;
        }
        self.pass.mark(self.lake_rows() + n as u64)
    }
}

/// Row `i` of `src` pushed onto `dst` (same kind).
fn push_row(dst: &mut Rows, src: &Rows, i: usize) {
    match (dst, src) {
        (Rows::Quotes(d), Rows::Quotes(s)) => d.push(s.row(i)),
        (Rows::S1(d), Rows::S1(s)) | (Rows::S2(d), Rows::S2(s)) => d.push(s[i]),
        (Rows::Bursts(d), Rows::Bursts(s)) => d.push(s[i].clone()),
        (Rows::BurstSymbols { hits: d, burst: db }, Rows::BurstSymbols { hits: s, burst }) => {
            *db = *burst;
            d.push(s[i].clone());
        }
        _ => {}
    }
}

/// `src`'s rows moved after `dst`'s (same kind).
pub fn append(dst: &mut Rows, src: Rows) {
    match (dst, src) {
        (Rows::Quotes(d), Rows::Quotes(s)) => d.append(s),
        (Rows::S1(d), Rows::S1(s)) | (Rows::S2(d), Rows::S2(s)) => d.extend(s),
        (Rows::Bursts(d), Rows::Bursts(s)) => d.extend(s),
        (Rows::BurstSymbols { hits: d, burst: db }, Rows::BurstSymbols { hits: s, burst }) => {
            *db = burst;
            d.extend(s);
        }
        _ => {}
    }
}

/// A copy of the first `n` rows.
pub fn head(rows: &Rows, n: usize) -> Rows {
    match rows {
        Rows::Quotes(q) => {
            let mut out = Quotes::default();
            q.rows().take(n).for_each(|r| out.push(r));
            Rows::Quotes(out)
        }
        Rows::S1(v) => Rows::S1(v.iter().take(n).copied().collect()),
        Rows::S2(v) => Rows::S2(v.iter().take(n).copied().collect()),
        Rows::Bursts(v) => Rows::Bursts(v.iter().take(n).cloned().collect()),
        Rows::BurstSymbols { burst, hits } => {
            Rows::BurstSymbols { burst: *burst, hits: hits.iter().take(n).cloned().collect() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(rows: &Rows) -> Vec<u32> {
        match rows {
            Rows::S1(v) => v.iter().map(|r| r.value).collect(),
            _ => Vec::new(),
        }
    }

    /// A source whose lake holds `parts` (as written by an earlier run).
    fn written(parts: &[&[u32]]) -> Source {
        let now = Instant::now();
        let mut s = Source::new(Kind::S1, None, Vec::new());
        for p in parts {
            s.admit(Rows::s1_of(p), now);
            s.committed(p.len());
        }
        Source::new(Kind::S1, None, s.marks().to_vec())
    }

    #[test]
    fn a_restart_writes_only_rows_past_the_lake() {
        let mut s = written(&[&[1, 2], &[3]]);
        let now = Instant::now();
        assert_eq!(s.admit(Rows::s1_of(&[1, 2, 3, 4]), now), Admitted { known: 3, new: 1, diverged_at: None });
        assert_eq!(values(s.pending()), vec![4]);
        assert_eq!(s.admit(Rows::s1_of(&[5]), now).new, 1);
        assert_eq!(s.mark_after(2).map(|m| m.rows), Some(5));
    }

    #[test]
    fn a_changed_row_drops_the_lake_from_the_last_matching_part() {
        let mut s = written(&[&[1, 2], &[3, 4]]);
        let a = s.admit(Rows::s1_of(&[1, 2, 3, 9, 10]), Instant::now());
        assert_eq!(a.diverged_at, Some(2));
        assert_eq!(s.drop_after, Some(2));
        assert_eq!(values(s.pending()), vec![3, 9, 10]);
        s.committed(3);
        assert_eq!(s.lake_rows(), 5);
    }

    #[test]
    fn a_file_shorter_than_the_lake_is_noticed_only_when_it_brought_rows() {
        let mut s = written(&[&[1, 2], &[3, 4]]);
        assert_eq!(s.shortened(), None);
        s.admit(Rows::s1_of(&[1, 2, 3]), Instant::now());
        assert_eq!(s.shortened(), Some(2));
        assert_eq!(values(s.pending()), vec![3]);
    }

    #[test]
    fn a_rewrite_with_the_same_rows_writes_nothing_again() {
        let now = Instant::now();
        let mut s = Source::new(Kind::S1, None, Vec::new());
        s.admit(Rows::s1_of(&[1, 2, 3]), now);
        s.committed(3);
        s.restart();
        assert_eq!(s.admit(Rows::s1_of(&[1, 2]), now), Admitted { known: 0, new: 0, diverged_at: None });
        assert_eq!(s.admit(Rows::s1_of(&[3, 4]), now), Admitted { known: 3, new: 1, diverged_at: None });
        assert_eq!(s.lake_rows(), 3);
    }

    /// The pass forgets the fingerprints of rows before each matched mark (an hft1 file has
    /// millions): marks further on, and parts after them, still get the chain they had.
    #[test]
    fn marks_past_forgotten_rows_still_match() {
        let big: Vec<u32> = (0..150_000).collect();
        let (a, b) = big.split_at(70_000);
        let mut s = written(&[a, b]);
        let now = Instant::now();
        assert_eq!(s.admit(Rows::s1_of(a), now).known, 70_000);
        assert_eq!(s.admit(Rows::s1_of(b), now).known, 80_000);
        assert_eq!(s.admit(Rows::s1_of(&[7]), now).new, 1);
        let mut whole = Source::new(Kind::S1, None, Vec::new());
        whole.admit(Rows::s1_of(&big), now);
        whole.admit(Rows::s1_of(&[7]), now);
        assert!(s.mark_after(1).is_some());
        assert_eq!(s.mark_after(1), whole.mark_after(150_001));
    }
}
