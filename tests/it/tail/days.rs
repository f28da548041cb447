//! Following days: the old day flushed and retired, the new one read from its first byte.

use std::time::Duration;

use ki2::archive::{Kind, Reason};

use super::support::*;

both_modes!(rollover_flushes_the_old_day_and_reads_the_new_one_from_zero);

fn rollover_flushes_the_old_day_and_reads_the_new_one_from_zero(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d1, d2) = (dir.path(), day("20250731"), day("20250801"));
    let q1 = file(root, d1, Kind::Quotes, None, false);
    append(&q1, quotes(1..=100).as_bytes());
    append(&file(root, d1, Kind::Bursts, None, false), (1..=2).map(burst).collect::<String>().as_bytes());
    let mut t = Setup::new(poll_only).follow_days().start(root, d1);
    t.until("the first day", |s| s.caught_up == [d1] && s.day_rows(d1) == 102);

    // The old day's last rows (and a line its writer never finished), then the new day's first
    // file in the monthly layout, starting with the very same rows.
    append(&q1, format!("{}DIA,0,93", quotes(101..=110)).as_bytes());
    let q2 = file(root, d2, Kind::Quotes, None, true);
    append(&q2, quotes((1..=100).chain(1001..=1005)).as_bytes());
    let want2: Vec<u32> = (1..=100).chain(1001..=1005).collect();
    let seen = t.until("the new day", |s| s.caught_up == [d1, d2] && s.rows((d2, Kind::Quotes, None)) == want2);
    assert_eq!(seen.day_changes, vec![(d1, d2)]);
    assert_eq!(seen.rows_at_day_change, vec![112], "the old day was not flushed before DayChanged");
    assert_eq!(seen.rows((d1, Kind::Quotes, None)), (1..=110).collect::<Vec<_>>());
    let unfinished: Vec<_> =
        seen.malformed.iter().filter(|(d, _)| *d == d1).map(|(_, m)| (m.line, &m.reason)).collect();
    assert_eq!(unfinished, vec![(111, &Reason::Unterminated(8))]);

    // The old day is retired; the new one is live.
    append(&q1, b"00,1,1,1,1,\r\n");
    append(&q2, quote(1006).as_bytes());
    let seen = t.until("a new-day row", |s| s.rows((d2, Kind::Quotes, None)).len() == 106);
    assert_eq!(seen.rows((d2, Kind::Quotes, None)).last(), Some(&1006));
    let seen = t.settle(POLL * 3);
    assert_eq!(seen.day_rows(d1), 112);
    assert!(seen.resets.is_empty());
    t.stop();
}

#[test]
fn rolling_over_reads_the_old_days_last_rows_first() {
    // Slow polling and a rescan: the old day's last rows and the new day are seen in one go.
    let dir = tempfile::tempdir().unwrap();
    let (root, d1, d2) = (dir.path(), day("20250714"), day("20250715"));
    let q1 = file(root, d1, Kind::Quotes, None, false);
    append(&q1, quotes(1..=10).as_bytes());
    let mut t = Setup::new(true).follow_days().poll_interval(Duration::from_secs(60)).start(root, d1);
    t.until("the first day", |s| s.caught_up == [d1]);
    append(&q1, quotes(11..=12).as_bytes());
    append(&file(root, d2, Kind::Quotes, None, false), quotes(13..=14).as_bytes());
    t.rescan();
    let seen = t.until("the second day", |s| s.caught_up == [d1, d2]);
    assert_eq!(seen.rows_at_day_change, vec![12]);
    assert_eq!(seen.rows((d2, Kind::Quotes, None)), [13, 14]);
    t.stop();
}

#[test]
fn without_follow_days_a_newer_day_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let (root, d1, d2) = (dir.path(), day("20250714"), day("20250715"));
    append(&file(root, d1, Kind::Quotes, None, false), quotes(1..=3).as_bytes());
    let mut t = Setup::new(true).start(root, d1);
    t.until("the day", |s| s.caught_up == [d1]);
    append(&file(root, d2, Kind::Quotes, None, false), quotes(4..=5).as_bytes());
    // Past two listing intervals.
    let seen = t.settle(Duration::from_millis(2500));
    assert!(seen.day_changes.is_empty());
    assert_eq!(seen.day_rows(d2), 0);
    assert_eq!(seen.received.len(), 3);
    t.stop();
}
