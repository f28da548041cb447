//! One source file as the lake sees it: where the lake's rows of it end (checkpoints, from
//! the part names), the rows received in the tailer's current pass over it, and the rows not
//! yet written. After a restart or a rewrite (`TailEvent::Reset`) the tailer sends the file
//! from its first row again; those rows are checked by content against the checkpoints, and
//! only rows past what the lake holds are written. Rows that differ from what the lake holds
//! make the lake drop its rows of the file from the last checkpoint that still matched.

use std::time::Instant;

use super::names::{Mark, SEED};
use crate::archive::fingerprint::{chain, row_fingerprints};
use crate::archive::{Kind, Quotes, Rows, SecondOfDay};

#[derive(Debug)]
pub struct Source {
    kind: Kind,
    burst: Option<SecondOfDay>,
    /// The lake's rows of this file end at the last mark; one mark per part ever written.
    marks: Vec<Mark>,
    /// Rows of the current pass so far, and their running fingerprint.
    seen: u64,
    chain: u64,
    /// Marks before this one have been matched by this pass.
    verified: usize,
    /// While checking: the rows since the last matched mark (they become new rows if the
    /// next mark does not match).
    held: Rows,
    held_chains: Vec<u64>,
    /// Rows past the lake's, not yet written, with their chains and when they came.
    pending: Rows,
    pending_chains: Vec<u64>,
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
            seen: 0,
            chain: SEED,
            verified: 0,
            held: empty.clone(),
            held_chains: Vec::new(),
            pending: empty,
            pending_chains: Vec::new(),
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
        self.seen
    }

    /// The current pass is still comparing rows with what the lake holds.
    pub fn checking(&self) -> bool {
        self.verified < self.marks.len()
    }

    /// The file was started over: its rows come again from the first.
    pub fn restart(&mut self) {
        self.last_rows = None;
        self.seen = 0;
        self.chain = SEED;
        self.verified = 0;
        self.held = self.empty();
        self.held_chains.clear();
        self.pending = self.empty();
        self.pending_chains.clear();
        self.pending_at.clear();
    }

    /// Takes a batch of the file's rows, in order.
    pub fn admit(&mut self, rows: Rows, now: Instant) -> Admitted {
        let fps = row_fingerprints(&rows);
        let mut out = Admitted::default();
        if !fps.is_empty() {
            self.last_rows = Some(now);
        }
        let mut i = 0;
        while i < fps.len() && self.checking() {
            self.chain = chain(self.chain, fps[i]);
            self.seen += 1;
            push_row(&mut self.held, &rows, i);
            self.held_chains.push(self.chain);
            let mark = self.marks[self.verified];
            if self.seen == mark.rows {
                if self.chain == mark.chain {
                    out.known += self.held_chains.len();
                    self.verified += 1;
                    self.clear_held();
                } else {
                    out.diverged_at = Some(self.diverge());
                }
            }
            i += 1;
        }
        if i < fps.len() {
            let rest = rows.without_first(i);
            for fp in &fps[i..] {
                self.chain = chain(self.chain, *fp);
                self.pending_chains.push(self.chain);
                self.pending_at.push(now);
            }
            self.seen += (fps.len() - i) as u64;
            out.new += fps.len() - i;
            append(&mut self.pending, rest);
        }
        out
    }

    /// The file now holds fewer rows than the lake: the rows held while checking are the
    /// file's, and the lake's rows past the last matched mark go. Returns where the lake's rows
    /// of the file end now; nothing changes if the pass brought no row (the file may be gone
    /// for a while, or being rewritten: the lake keeps what it has).
    pub fn shortened(&mut self) -> Option<u64> {
        (self.checking() && self.seen > 0).then(|| self.diverge())
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
        let mut chains = std::mem::take(&mut self.held_chains);
        self.pending_at = std::iter::repeat_n(now, chains.len()).chain(self.pending_at.drain(..)).collect();
        chains.append(&mut self.pending_chains);
        self.pending_chains = chains;
        self.pending = pending;
        keep
    }

    fn empty(&self) -> Rows {
        Rows::empty(self.kind, self.burst)
    }

    fn clear_held(&mut self) {
        self.held = self.empty();
        self.held_chains.clear();
    }

    /// The first `n` pending rows are in the lake now (their part was renamed into place).
    pub fn committed(&mut self, n: usize) {
        if n == 0 || n > self.pending_chains.len() {
            return;
        }
        let rows = self.lake_rows() + n as u64;
        self.marks.push(Mark { rows, chain: self.pending_chains[n - 1] });
        self.verified = self.marks.len();
        let pending = {
            let e = self.empty();
            std::mem::replace(&mut self.pending, e)
        };
        self.pending = pending.without_first(n);
        self.pending_chains.drain(..n);
        self.pending_at.drain(..n);
    }

    /// The mark a part of the first `n` pending rows will carry.
    pub fn mark_after(&self, n: usize) -> Option<Mark> {
        let chain = *self.pending_chains.get(n.checked_sub(1)?)?;
        Some(Mark { rows: self.lake_rows() + n as u64, chain })
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

    fn s1(values: &[u32]) -> Rows {
        Rows::s1_of(values)
    }

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
            s.admit(s1(p), now);
            s.committed(p.len());
        }
        Source::new(Kind::S1, None, s.marks().to_vec())
    }

    #[test]
    fn a_restart_writes_only_rows_past_the_lake() {
        let mut s = written(&[&[1, 2], &[3]]);
        let now = Instant::now();
        assert_eq!(s.admit(s1(&[1, 2, 3, 4]), now), Admitted { known: 3, new: 1, diverged_at: None });
        assert_eq!(values(s.pending()), vec![4]);
        assert_eq!(s.admit(s1(&[5]), now).new, 1);
        assert_eq!(s.mark_after(2).map(|m| m.rows), Some(5));
    }

    #[test]
    fn a_changed_row_drops_the_lake_from_the_last_matching_part() {
        let mut s = written(&[&[1, 2], &[3, 4]]);
        let a = s.admit(s1(&[1, 2, 3, 9, 10]), Instant::now());
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
        s.admit(s1(&[1, 2, 3]), Instant::now());
        assert_eq!(s.shortened(), Some(2));
        assert_eq!(values(s.pending()), vec![3]);
    }

    #[test]
    fn a_rewrite_with_the_same_rows_writes_nothing_again() {
        let now = Instant::now();
        let mut s = Source::new(Kind::S1, None, Vec::new());
        s.admit(s1(&[1, 2, 3]), now);
        s.committed(3);
        s.restart();
        assert_eq!(s.admit(s1(&[1, 2]), now), Admitted { known: 0, new: 0, diverged_at: None });
        assert_eq!(s.admit(s1(&[3, 4]), now), Admitted { known: 3, new: 1, diverged_at: None });
        assert_eq!(s.lake_rows(), 3);
    }
}
