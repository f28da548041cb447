//! Do a day's running counters CB and CS move with the Buy/Sell labels ki2 shows? The vendor
//! publishes no column order, and the only real rows we have showed ki2 reading them the wrong
//! way round: every day is checked, and a day that mostly disagrees is said, with the config
//! line that reads it the other way.

use super::burst::{BurstRow, ProgType};
use super::columns::BurstColumns;
use super::day::Day;

/// Steps between consecutive burst rows on which exactly one of CB and CS moved, by one, under
/// a Buy or Sell label: whether that counter was the label's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CounterCheck {
    pub agree: u32,
    pub disagree: u32,
}

/// Disagreeing steps it takes before a day is called the wrong way round.
const AT_LEAST: u32 = 3;

/// The check as a day's burst rows come, in file order (the day's counters start at zero).
#[derive(Debug, Clone, Copy, Default)]
pub struct CounterWalk {
    pub check: CounterCheck,
    /// CB and CS of the last row.
    prev: (u32, u32),
}

impl CounterWalk {
    pub fn push(&mut self, r: &BurstRow) {
        self.check.step(self.prev, r);
        self.prev = (r.cb, r.cs);
    }
}

impl CounterCheck {
    /// Over a day's burst rows in file order.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a BurstRow>) -> CounterCheck {
        let mut walk = CounterWalk::default();
        rows.into_iter().for_each(|r| walk.push(r));
        walk.check
    }

    /// One row after the counters (CB, CS) of the row before it.
    fn step(&mut self, (cb, cs): (u32, u32), r: &BurstRow) {
        let moved = (r.cb.checked_sub(cb), r.cs.checked_sub(cs));
        let buy_counter_moved = match moved {
            (Some(1), Some(0)) => true,
            (Some(0), Some(1)) => false,
            // Rows skipped, a counter reset, both or neither moving: says nothing.
            _ => return,
        };
        match (r.prog_type, buy_counter_moved) {
            (ProgType::Buy, true) | (ProgType::Sell, false) => self.agree += 1,
            (ProgType::Buy, false) | (ProgType::Sell, true) => self.disagree += 1,
            (ProgType::Und, _) => {}
        }
    }

    /// Most of the day's telling steps moved the other label's counter.
    pub fn mostly_disagrees(&self) -> bool {
        self.disagree >= AT_LEAST && self.disagree > self.agree
    }

    /// What to tell the user about `day` read with `order`, when it mostly disagrees: how
    /// often, and the `[columns]` line that reads the counters the other way round.
    pub fn warning(&self, day: Day, order: &BurstColumns) -> Option<String> {
        self.mostly_disagrees().then(|| {
            format!(
                "{day}: the burst counters disagree with the Buy/Sell labels ({} of {} steps moved \
                 the other side's counter): if your Burst Monitor writes them the other way round, \
                 put `burst = {}` under [columns] in config.toml",
                self.disagree,
                self.agree + self.disagree,
                swapped_line(order)
            )
        })
    }
}

impl CounterCheck {
    /// The status line's form of `warning`.
    pub fn short(&self, order: &BurstColumns) -> Option<String> {
        self.mostly_disagrees().then(|| {
            format!(
                "CB/CS disagree with Buy/Sell ({} of {}): [columns] burst = {}",
                self.disagree,
                self.agree + self.disagree,
                swapped_line(order)
            )
        })
    }
}

/// The burst column names in file order with CB and CS trading places, as config.toml takes them.
fn swapped_line(order: &BurstColumns) -> String {
    let mut names: Vec<(usize, &str)> = vec![
        (order.time, "time"),
        (order.grade, "grade"),
        (order.prog_type, "prog_type"),
        (order.background, "background"),
        (order.s1, "s1"),
        (order.s2, "s2"),
        (order.ct, "ct"),
        (order.cs, "cb"),
        (order.cb, "cs"),
        // Optional, and always the last: named whether or not the files have it.
        (order.cu, "cu"),
    ];
    names.sort_by_key(|(i, _)| *i);
    // Positions the order skips (a `skip` column) keep their place.
    let mut out = Vec::new();
    let mut next = 0;
    for (i, name) in names {
        while next < i {
            out.push("\"skip\"".to_owned());
            next += 1;
        }
        out.push(format!("\"{name}\""));
        next = i + 1;
    }
    format!("[{}]", out.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::burst::parse;
    use crate::archive::columns::ColumnNames;

    /// The ten real rows of Data_Burst/20250722.csv (shared/reference/real-rows.md).
    const REAL: &str = "093001,2,0,0,149,296,1,0,0\n093011,3,0,0,105,172,5,1,1\n093014,3,0,0,79,107,6,2,1\n\
        093031,3,1,0,89,222,7,2,2\n093105,3,1,0,84,216,8,2,3\n155920,3,0,0,79,273,366,213,150\n\
        155956,3,0,0,138,292,367,214,150\n155958,3,1,0,76,247,368,214,151\n155959,3,1,0,80,262,369,214,152\n\
        160000,2,0,0,144,343,370,215,152";

    fn rows(order: &BurstColumns) -> Vec<BurstRow> {
        REAL.lines().map(|l| parse(l.as_bytes(), order).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
    }

    #[test]
    fn the_real_rows_agree_with_the_default_order_and_not_with_the_other() {
        let default = BurstColumns::default();
        let check = CounterCheck::of(&rows(&default));
        // 09:30:14 Sell, 09:30:31 and 09:31:05 Buy, then 15:59:56 Sell, :58 and :59 Buy, 16:00 Sell.
        assert_eq!(check, CounterCheck { agree: 7, disagree: 0 });
        assert_eq!(check.warning(Day::parse_compact("20250722").unwrap_or_else(|| panic!()), &default), None);

        let names = ["time", "grade", "prog_type", "background", "s1", "s2", "ct", "cb", "cs"].map(String::from);
        let other = ColumnNames { hft1: None, burst: Some(names.to_vec()) }.resolve().unwrap_or_else(|e| panic!("{e}"));
        let check = CounterCheck::of(&rows(&other.burst));
        assert_eq!(check, CounterCheck { agree: 0, disagree: 7 });
        let day = Day::parse_compact("20250722").unwrap_or_else(|| panic!());
        let w = check.warning(day, &other.burst).unwrap_or_default();
        assert!(w.starts_with("2025-07-22: the burst counters disagree with the Buy/Sell labels (7 of 7 steps"), "{w}");
        assert!(
            w.ends_with(
                r#"put `burst = ["time", "grade", "prog_type", "background", "s1", "s2", "ct", "cs", "cb", "cu"]` under [columns] in config.toml"#
            ),
            "{w}"
        );
    }

    #[test]
    fn the_line_keeps_skipped_columns_and_cu() {
        let names = ["time", "grade", "prog_type", "skip", "background", "s1", "s2", "ct", "cs", "cb", "cu"];
        let order = ColumnNames { hft1: None, burst: Some(names.map(String::from).to_vec()) }
            .resolve()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            swapped_line(&order.burst),
            r#"["time", "grade", "prog_type", "skip", "background", "s1", "s2", "ct", "cb", "cs", "cu"]"#
        );
    }

    #[test]
    fn a_few_disagreeing_steps_among_many_agreeing_are_no_warning() {
        let mut check = CounterCheck { agree: 40, disagree: 3 };
        assert!(!check.mostly_disagrees());
        check = CounterCheck { agree: 1, disagree: 2 };
        assert!(!check.mostly_disagrees(), "too few to tell");
    }
}
