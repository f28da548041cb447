//! Many writes at once: a stress test, and a model-based property test.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use ki2::archive::Kind;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::support::*;

both_modes!(stress_100k_rows_split_mid_line_with_a_truncation_and_a_rollover);

#[test]
fn model_random_writes_read_back_exactly() {
    model();
}

/// Appends `text` in random pieces that split lines anywhere, often between a CR and its LF,
/// opening the file for every piece as a writer that closes it between writes does.
fn write_split(rng: &mut fastrand::Rng, path: &Path, text: &str) {
    let b = text.as_bytes();
    let (mut i, mut n) = (0, 0u32);
    while i < b.len() {
        let mut end = (i + rng.usize(1..6000)).min(b.len());
        if n % 5 == 0
            && let Some(cr) = b[i..end].iter().rposition(|&c| c == b'\r')
        {
            end = i + cr + 1;
        }
        append(path, &b[i..end]);
        i = end;
        n += 1;
        if n % 4 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// 130,000 hft1 rows in all: 60,000 appended, the file then replaced by 30,000 others, then
/// 40,000 in the next day's file. Every row carries a unique number, so a duplicate anywhere
/// shows.
fn stress_100k_rows_split_mid_line_with_a_truncation_and_a_rollover(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d1, d2) = (dir.path().to_path_buf(), day("20250714"), day("20250715"));
    let q1 = file(&root, d1, Kind::Quotes, None, false);
    let q2 = file(&root, d2, Kind::Quotes, None, false);
    append(&q1, quotes(1..=1000).as_bytes());
    let mut t = Setup::new(poll_only).follow_days().start(&root, d1);
    t.until("the rows present at start", |s| s.caught_up == [d1] && s.received.len() == 1000);

    let writer = std::thread::spawn(move || {
        let mut rng = fastrand::Rng::with_seed(7);
        write_split(&mut rng, &q1, &quotes(1001..=60_000));
        drop(OpenOptions::new().write(true).truncate(true).open(&q1).unwrap());
        write_split(&mut rng, &q1, &quotes(60_001..=90_000));
        write_split(&mut rng, &q2, &quotes(90_001..=130_000));
    });
    writer.join().unwrap();
    let (k1, k2) = ((d1, Kind::Quotes, None), (d2, Kind::Quotes, None));
    // The new day's rows can all come in its first read, before its CaughtUp.
    let seen = t.until("every row, the new day read", |s| s.rows(k2).len() >= 40_000 && s.caught_up.len() == 2);
    assert_eq!(seen.rows(k2), (90_001..=130_000).collect::<Vec<_>>());
    assert_eq!(seen.rows(k1), (60_001..=90_000).collect::<Vec<_>>());
    assert_eq!(seen.resets, vec![k1]);
    assert!(seen.duplicates().is_empty(), "{} duplicates", seen.duplicates().len());
    // What arrived before the reset is the start of what was written before the truncation.
    let before: Vec<u32> = seen.received.iter().map(|(_, s)| *s).filter(|s| *s <= 60_000).collect();
    assert!(before.len() >= 1000);
    assert_eq!(before, (1..=before.len() as u32).collect::<Vec<_>>());
    assert_eq!(seen.received.len(), before.len() + 30_000 + 40_000);
    assert_eq!(seen.day_changes, vec![(d1, d2)]);
    assert_eq!(seen.rows_at_day_change, vec![30_000]);
    assert_eq!(seen.caught_up, vec![d1, d2]);
    assert!(seen.malformed.is_empty());
    t.stop();
}

#[derive(Debug, Clone)]
enum Op {
    Append(u8),
    /// Rows written in two pieces cut anywhere, with a pause in between.
    Split {
        rows: u8,
        cut: u16,
        pause_ms: u16,
    },
    Pause(u16),
    DeleteRecreate(u8),
    Truncate(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u8..20).prop_map(Op::Append),
        3 => (1u8..5, any::<u16>(), 0u16..250).prop_map(|(rows, cut, pause_ms)| Op::Split { rows, cut, pause_ms }),
        2 => (0u16..400).prop_map(Op::Pause),
        1 => (1u8..10).prop_map(Op::DeleteRecreate),
        1 => (1u8..10).prop_map(Op::Truncate),
    ]
}

/// Random writes to one file, with events or polling: once the writer stops, the rows held
/// are exactly the file's rows, no row ever arrived twice, and without truncation or
/// recreation nothing was reset.
fn model() {
    let config = Config { cases: 16, max_shrink_iters: 16, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&(any::<bool>(), vec(op(), 1..10)), |(poll_only, ops)| {
        run_model(poll_only, &ops);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn run_model(poll_only: bool, ops: &[Op]) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    let key = (d, Kind::Quotes, None);
    let mut next = 1u32;
    let mut take = |n: u8| {
        let rows: Vec<u32> = (next..next + u32::from(n)).collect();
        next += u32::from(n);
        rows
    };
    let mut content = take(3);
    append(&q, quotes(content.clone()).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("the first rows", |s| s.caught_up == [d]);
    let mut rewrites = false;
    for op in ops {
        match *op {
            Op::Append(n) => {
                let rows = take(n);
                append(&q, quotes(rows.clone()).as_bytes());
                content.extend(rows);
            }
            Op::Split { rows, cut, pause_ms } => {
                let rows = take(rows);
                let text = quotes(rows.clone());
                let cut = usize::from(cut) % text.len();
                append(&q, &text.as_bytes()[..cut]);
                std::thread::sleep(Duration::from_millis(pause_ms.into()));
                append(&q, &text.as_bytes()[cut..]);
                content.extend(rows);
            }
            Op::Pause(ms) => std::thread::sleep(Duration::from_millis(ms.into())),
            Op::DeleteRecreate(n) => {
                fs::remove_file(&q).unwrap();
                content = take(n);
                append(&q, quotes(content.clone()).as_bytes());
                rewrites = true;
            }
            Op::Truncate(n) => {
                let mut f = OpenOptions::new().write(true).truncate(true).open(&q).unwrap();
                content = take(n);
                f.write_all(quotes(content.clone()).as_bytes()).unwrap();
                rewrites = true;
            }
        }
    }
    let seen = t.until("the file's rows", |s| s.rows(key) == content);
    assert!(seen.duplicates().is_empty(), "{ops:?}: duplicates {:?}", seen.duplicates());
    assert!(seen.malformed.is_empty(), "{ops:?}");
    if !rewrites {
        assert!(seen.resets.is_empty(), "{ops:?}");
        assert_eq!(seen.received.len(), content.len(), "{ops:?}");
    }
    t.stop();
}
