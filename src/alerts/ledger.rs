//! What the live path knows of each file of the day: the running fingerprint after every row
//! (`archive::ledger::FileLedger`, one per file). It answers two questions by content, never by
//! count: after the writer starts a file over, which of the rows sent again are rows already had
//! (they must not alert twice); and after a restart, whether the rows a checkpoint says were
//! delivered are still the file's first rows.

use std::collections::HashMap;

use crate::archive::FileKey;
use crate::archive::Rows;
use crate::archive::ledger::{Admitted, FileLedger, Mark};

#[derive(Debug, Default)]
pub struct Ledger {
    files: HashMap<FileKey, FileLedger>,
}

impl Ledger {
    /// The file was started over: its rows will come again from the first.
    pub fn reset(&mut self, file: FileKey) {
        self.files.entry(file).or_default().reset();
    }

    /// Takes note of a batch of the file's rows, in order.
    pub fn admit(&mut self, file: FileKey, rows: &Rows) -> Admitted {
        self.files.entry(file).or_default().admit(rows)
    }

    /// The file's first `rows` rows, as held now (None: it holds fewer).
    pub fn mark(&self, file: FileKey, rows: u64) -> Option<Mark> {
        if rows == 0 {
            return Some(Mark::NONE);
        }
        self.files.get(&file)?.mark(rows)
    }

    /// Every file's rows as held now.
    pub fn marks(&self) -> Vec<(FileKey, Mark)> {
        let mut v: Vec<_> = self.files.iter().filter_map(|(k, f)| Some((*k, f.last()?))).collect();
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

    const F: FileKey = FileKey { kind: Kind::S1, burst: None };
    const G: FileKey = FileKey { kind: Kind::S2, burst: None };

    /// The rows themselves are `FileLedger`'s to compare (its tests); here, that each file keeps
    /// its own and that a file never seen holds no rows but the empty mark.
    #[test]
    fn each_file_keeps_its_own_rows() {
        let mut l = Ledger::default();
        l.admit(F, &Rows::s1_of(&[1, 2, 3]));
        l.admit(G, &Rows::s1_of(&[1, 2]));
        let m = l.mark(F, 2).unwrap_or(Mark::NONE);
        assert!(l.holds(F, m) && l.holds(G, m));
        l.reset(G);
        assert_eq!(l.admit(G, &Rows::s1_of(&[1, 9])), Admitted { first: 0, repeats: 1 });
        assert!(l.holds(F, m) && !l.holds(G, m));
        let never = FileKey { kind: Kind::Bursts, burst: None };
        assert_eq!((l.mark(never, 0), l.mark(never, 1)), (Some(Mark::NONE), None));
        // In the order of their keys, whatever the order they came in.
        let mut want = vec![(F, 3), (G, 2)];
        want.sort_by_key(|(k, _)| *k);
        assert_eq!(l.marks().iter().map(|(k, m)| (*k, m.rows)).collect::<Vec<_>>(), want);
    }
}
