//! Rows of one file whose alerts a remote sink had to drop (its queue was full), kept in its
//! checkpoint so that a restart sends exactly them, not every alert since the first one dropped
//! (which the sink already has): at most the batch in flight repeats, whichever way a sink
//! lost alerts.

/// Disjoint, sorted row ranges `[from, to)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps(Vec<(u64, u64)>);

impl Gaps {
    pub fn from_ranges(ranges: impl IntoIterator<Item = (u64, u64)>) -> Gaps {
        let mut g = Gaps::default();
        for (from, to) in ranges {
            g.add(from, to);
        }
        g
    }

    pub fn ranges(&self) -> &[(u64, u64)] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `[from, to)`, merged with the ranges it overlaps or touches.
    pub fn add(&mut self, from: u64, to: u64) {
        if from >= to {
            return;
        }
        let (mut from, mut to) = (from, to);
        self.0.retain(|&(f, t)| {
            let apart = t < from || f > to;
            if !apart {
                from = from.min(f);
                to = to.max(t);
            }
            apart
        });
        let at = self.0.partition_point(|&(f, _)| f < from);
        self.0.insert(at, (from, to));
    }

    pub fn union(&mut self, other: &Gaps) {
        for &(f, t) in &other.0 {
            self.add(f, t);
        }
    }

    pub fn contains(&self, row: u64) -> bool {
        self.0.iter().any(|&(f, t)| f <= row && row < t)
    }

    /// The alert of `row` has been delivered after all.
    pub fn fill(&mut self, row: u64) {
        let Some(i) = self.0.iter().position(|&(f, t)| f <= row && row < t) else { return };
        let (f, t) = self.0.remove(i);
        if row + 1 < t {
            self.0.insert(i, (row + 1, t));
        }
        if f < row {
            self.0.insert(i, (f, row));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_when_they_touch_and_split_when_a_row_is_filled() {
        let mut g = Gaps::from_ranges([(10, 12), (20, 21), (12, 15)]);
        assert_eq!(g.ranges(), [(10, 15), (20, 21)]);
        g.fill(12);
        assert_eq!(g.ranges(), [(10, 12), (13, 15), (20, 21)]);
        assert!(g.contains(11) && !g.contains(12) && g.contains(20) && !g.contains(21));
        g.fill(20);
        g.fill(10);
        assert_eq!(g.ranges(), [(11, 12), (13, 15)]);
        g.union(&Gaps::from_ranges([(0, 30)]));
        assert_eq!(g.ranges(), [(0, 30)]);
    }
}
