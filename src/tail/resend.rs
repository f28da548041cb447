//! After a `Reset` the tailer sends a rewritten file again from its first row. Consumers that act
//! once per row (alerts, the bell, the hook) must not act again on the rows they already had:
//! `Resends` counts rows per file and says how many leading rows of a batch are repeats.

use std::collections::HashMap;

use crate::archive::{Day, Kind, Rows, SecondOfDay};

type FileKey = (Day, Kind, Option<SecondOfDay>);

#[derive(Debug, Default)]
pub struct Resends {
    held: HashMap<FileKey, usize>,
    resent: HashMap<FileKey, usize>,
}

impl Resends {
    /// The file was rewritten: the rows held so far will come again.
    pub fn reset(&mut self, day: Day, kind: Kind, burst: Option<SecondOfDay>) {
        let key = (day, kind, burst);
        let held = self.held.remove(&key).unwrap_or(0);
        *self.resent.entry(key).or_default() += held;
    }

    /// How many leading rows of this batch were already seen before a rewrite.
    pub fn repeats(&mut self, day: Day, rows: &Rows) -> usize {
        let burst = match rows {
            Rows::BurstSymbols { burst, .. } => Some(*burst),
            _ => None,
        };
        let key = (day, rows.kind(), burst);
        let owed = self.resent.get(&key).copied().unwrap_or(0);
        let skip = owed.min(rows.len());
        if owed > 0 {
            self.resent.insert(key, owed - skip);
        }
        *self.held.entry(key).or_default() += rows.len();
        skip
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::SeriesRow;

    fn s1(n: usize) -> Rows {
        Rows::S1(
            (0..n)
                .map(|i| SeriesRow { time: SecondOfDay::from_secs(i as u32).unwrap_or_default(), value: 1 })
                .collect(),
        )
    }

    #[test]
    fn rows_sent_again_after_a_rewrite_are_repeats_then_new() {
        let day = Day::today();
        let mut r = Resends::default();
        assert_eq!(r.repeats(day, &s1(5)), 0);
        r.reset(day, Kind::S1, None);
        assert_eq!(r.repeats(day, &s1(3)), 3);
        assert_eq!(r.repeats(day, &s1(4)), 2);
        assert_eq!(r.repeats(day, &s1(4)), 0);
    }
}
