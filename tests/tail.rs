//! Live tailing, with files written the way the Burst Monitor (or a person copying files)
//! writes them. Tests that depend on how changes are noticed run twice: `events` (file events
//! plus polling) and `polling` (polling only, as on a network share).

// Helpers live beside this file so that all of tail's tests link into one binary.
#[path = "tail/support.rs"]
mod support;
#[path = "tail/writes.rs"]
mod writes;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::time::{Duration, SystemTime};

use ki2::archive::{Kind, Reason};
use ki2::tail::TailMode;
use support::*;

macro_rules! both_modes {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn events() {
                super::$name(false)
            }
            #[test]
            fn polling() {
                super::$name(true)
            }
        }
    )*};
}

both_modes!(
    present_files_are_read_from_zero_then_caught_up,
    a_line_split_mid_line_and_mid_crlf_waits_for_its_end,
    many_appends_between_two_wakeups_arrive_in_order,
    wakeups_without_new_data_send_nothing,
    five_appends_in_one_second_then_silence,
    files_appearing_later_are_read_from_zero,
    truncation_resets_the_file_and_sends_it_again,
    a_replacement_that_keeps_what_was_read_continues,
    delete_and_recreate_fifty_times,
    a_vanished_file_is_reported_once_and_recovered,
    an_unreadable_file_is_reported_once_and_recovered,
    rollover_flushes_the_old_day_and_reads_the_new_one_from_zero,
    stress_100k_rows_split_mid_line_with_a_truncation_and_a_rollover,
);

fn present_files_are_read_from_zero_then_caught_up(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    // BOM, a blank line, a malformed line 5, and a last line still being written.
    let text = format!("\u{feff}{}\r\n{}QQQ,0,93001,x,1,1,1,\r\n{}DIA,0,930", quote(1), quotes(2..=3), quote(4));
    append(&q, text.as_bytes());
    append(&file(root, d, Kind::S2, None, false), (1..=3).map(series).collect::<String>().as_bytes());
    // One root may mix layouts.
    append(&file(root, d, Kind::S1, None, true), (10..=11).map(series).collect::<String>().as_bytes());
    append(&file(root, d, Kind::Bursts, None, false), (1..=2).map(burst).collect::<String>().as_bytes());
    let sym = file(root, d, Kind::BurstSymbols, Some(at(93000)), false);
    append(&sym, format!("Symbol,NumTrades,NumQuotes,BBO\r\n{}{}", hit(7), hit(8)).as_bytes());

    let mut t = Setup::new(poll_only).start(root, d);
    let seen = t.until("caught up", |s| !s.caught_up.is_empty());
    assert_eq!(seen.modes.first(), Some(if poll_only { &TailMode::Polling } else { &TailMode::Events }));
    assert_eq!(seen.caught_up, vec![d]);
    assert_eq!(seen.rows_at_caught_up, vec![4 + 3 + 2 + 2 + 2]);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4]);
    assert_eq!(seen.rows((d, Kind::S2, None)), [1, 2, 3]);
    assert_eq!(seen.rows((d, Kind::S1, None)), [10, 11]);
    assert_eq!(seen.rows((d, Kind::Bursts, None)), [1, 2]);
    assert_eq!(seen.rows((d, Kind::BurstSymbols, Some(at(93000)))), [7, 8]);
    let bad: Vec<String> = seen.malformed.iter().map(|(_, m)| m.to_string()).collect();
    assert_eq!(bad, vec![format!("{}:5: num_quotes is not a number: \"x\"", q.display())]);

    // The half-written line becomes a row once its writer finishes it.
    append(&q, b"00,5,1,1,1,\r\n");
    let seen = t.until("the finished line", |s| s.rows((d, Kind::Quotes, None)).len() == 5);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4, 5]);
    assert_eq!(seen.malformed.len(), 1);
    assert!(seen.duplicates().is_empty());
    t.stop();
}

fn a_line_split_mid_line_and_mid_crlf_waits_for_its_end(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quote(1).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("the first row", |s| s.rows((d, Kind::Quotes, None)) == [1]);

    let line = quote(4947);
    let (head, rest) = line.as_bytes().split_at(12);
    let (body, lf) = rest.split_at(rest.len() - 1);
    // Each piece waits longer than several poll intervals before the next one comes.
    for piece in [head, body] {
        append(&q, piece);
        let seen = t.settle(POLL * 4);
        assert_eq!(seen.rows((d, Kind::Quotes, None)), [1], "a row from an unfinished line");
        assert!(seen.malformed.is_empty());
    }
    assert_eq!(lf, b"\n");
    append(&q, lf);
    let seen = t.until("the completed row", |s| s.rows((d, Kind::Quotes, None)).len() == 2);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 4947]);
    assert!(seen.malformed.is_empty(), "a CR split from its LF made a blank or bad line");
    t.stop();
}

fn many_appends_between_two_wakeups_arrive_in_order(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    let mut t = Setup::new(poll_only).poll_interval(Duration::from_millis(500)).start(root, d);
    t.until("caught up", |s| s.caught_up == [d]);
    for seq in 1..=300 {
        append(&q, quote(seq).as_bytes());
    }
    let want: Vec<u32> = (1..=300).collect();
    let seen = t.until("300 rows", |s| s.rows((d, Kind::Quotes, None)).len() >= 300);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), want);
    assert!(seen.resets.is_empty());
    t.stop();
}

fn wakeups_without_new_data_send_nothing(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quotes(1..=3).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("three rows", |s| s.rows((d, Kind::Quotes, None)).len() == 3);
    for i in 0..5 {
        // New modification times, opens for writing, zero-byte writes, and forced rescans.
        let mut f = OpenOptions::new().append(true).open(&q).unwrap();
        f.write_all(b"").unwrap();
        f.set_modified(SystemTime::now() + Duration::from_secs(i + 1)).unwrap();
        drop(f);
        t.rescan();
        std::thread::sleep(POLL);
    }
    let seen = t.settle(POLL * 5);
    assert_eq!(seen.received.len(), 3);
    assert!(seen.resets.is_empty() && seen.errors.is_empty());
    append(&q, quote(4).as_bytes());
    let seen = t.until("the fourth row", |s| s.received.len() >= 4);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4]);
    assert_eq!(seen.received.len(), 4);
    t.stop();
}

fn five_appends_in_one_second_then_silence(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("caught up on an empty day", |s| s.caught_up == [d]);
    for seq in 1..=5 {
        append(&q, quote(seq).as_bytes());
        std::thread::sleep(Duration::from_millis(200));
    }
    t.until("five rows", |s| s.rows((d, Kind::Quotes, None)).len() == 5);
    // Long enough for the tailer to back off to its idle pace.
    let seen = t.settle(Duration::from_millis(2500));
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4, 5]);
    append(&q, quote(6).as_bytes());
    let seen = t.until("the row after the silence", |s| s.received.len() >= 6);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4, 5, 6]);
    assert_eq!(seen.received.len(), 6);
    t.stop();
}

#[test]
fn a_big_file_present_at_start_comes_in_batches_before_caught_up() {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let rows = quotes(1..=250_000);
    // A blank first line sized so that a CR and its LF fall on either side of 256 KiB, a
    // likely read-buffer boundary.
    let cr = rows.as_bytes()[..=262_141].iter().rposition(|&b| b == b'\r').unwrap();
    let pad = 262_143 - cr;
    let text = format!("{}\r\n{rows}", " ".repeat(pad - 2));
    assert_eq!(&text.as_bytes()[262_143..=262_144], b"\r\n");
    append(&file(root, d, Kind::Quotes, None, false), text.as_bytes());

    let mut t = Setup::new(false).start(root, d);
    let seen = t.until("caught up", |s| !s.caught_up.is_empty());
    assert_eq!(seen.rows_at_caught_up, vec![250_000]);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), (1..=250_000).collect::<Vec<_>>());
    assert!(seen.batch_sizes.len() >= 3, "{:?}", seen.batch_sizes);
    assert!(seen.batch_sizes.iter().all(|&n| n <= 100_000), "{:?}", seen.batch_sizes);
    assert!(seen.malformed.is_empty());
    t.stop();
}

fn files_appearing_later_are_read_from_zero(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    // Not even the folders exist yet.
    let mut t = Setup::new(poll_only).start(root, d);
    let seen = t.until("caught up on nothing", |s| s.caught_up == [d]);
    assert_eq!(seen.rows_at_caught_up, vec![0]);

    // The day's first file, already full when first seen.
    let s2 = file(root, d, Kind::S2, None, false);
    fs::create_dir_all(s2.parent().unwrap()).unwrap();
    let tmp = root.join("hft2.tmp");
    fs::write(&tmp, (1..=3).map(series).collect::<String>()).unwrap();
    fs::rename(&tmp, &s2).unwrap();
    t.until("the first file", |s| s.rows((d, Kind::S2, None)) == [1, 2, 3]);

    // A late symbol file, written whole.
    let sym = file(root, d, Kind::BurstSymbols, Some(at(93512)), false);
    fs::create_dir_all(sym.parent().unwrap()).unwrap();
    fs::write(&tmp, format!("Symbol,NumTrades,NumQuotes,BBO\r\n{}{}", hit(1), hit(2))).unwrap();
    fs::rename(&tmp, &sym).unwrap();
    t.until("the late symbol file", |s| s.rows((d, Kind::BurstSymbols, Some(at(93512)))) == [1, 2]);

    // Created empty, filled 200 ms later.
    let s1 = file(root, d, Kind::S1, None, false);
    fs::File::create(&s1).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    append(&s1, (5..=6).map(series).collect::<String>().as_bytes());
    t.until("the file filled late", |s| s.rows((d, Kind::S1, None)) == [5, 6]);

    // A monthly folder that appears during the day.
    append(&file(root, d, Kind::Bursts, None, true), (1..=2).map(burst).collect::<String>().as_bytes());
    let seen = t.until("the monthly file", |s| s.rows((d, Kind::Bursts, None)) == [1, 2]);
    assert_eq!(seen.received.len(), 3 + 2 + 2 + 2);
    assert!(seen.resets.is_empty() && seen.malformed.is_empty());
    assert_eq!(seen.caught_up, vec![d]);
    t.stop();
}

#[test]
fn an_append_between_the_first_read_and_the_watch_is_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quotes(1..=100).as_bytes());
    // More files than the channel holds events: until this test receives, the tailer is stuck
    // in its first reading pass, before it watches anything.
    for i in 0..60 {
        append(&file(root, d, Kind::BurstSymbols, Some(at(100_000 + i)), false), hit(i).as_bytes());
    }
    // Polling too slow to help: only the re-check after the watch is registered can see it.
    let mut t = Setup::new(false).poll_interval(Duration::from_secs(60)).start(root, d);
    std::thread::sleep(Duration::from_millis(300));
    append(&q, quote(101).as_bytes());
    let seen = t.until("the row appended during the first read", |s| s.rows((d, Kind::Quotes, None)).len() == 101);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), (1..=101).collect::<Vec<_>>());
    t.until("caught up", |s| s.caught_up == [d]);
    t.stop();
}

#[test]
fn file_events_wake_the_tailer_long_before_its_timers() {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quote(1).as_bytes());
    // Files checked every minute and folders listed every four: only events can be this quick.
    let mut t = Setup::new(false).poll_interval(Duration::from_secs(60)).start(root, d);
    t.until("caught up", |s| s.caught_up == [d] && s.modes == [TailMode::Events]);
    append(&q, quote(2).as_bytes());
    t.until("the appended row", |s| s.received.len() == 2);
    append(&file(root, d, Kind::BurstSymbols, Some(at(93000)), false), hit(3).as_bytes());
    let seen = t.until("the new symbol file", |s| s.received.len() == 3);
    assert_eq!(seen.rows((d, Kind::BurstSymbols, Some(at(93000)))), [3]);
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

fn truncation_resets_the_file_and_sends_it_again(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    let key = (d, Kind::Quotes, None);
    append(&q, quotes(1..=50).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("50 rows", |s| s.rows(key).len() == 50);

    let rewrite = |text: String| {
        let mut f = OpenOptions::new().write(true).truncate(true).open(&q).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    };
    rewrite(quotes(101..=110));
    let seen = t.until("the shorter content", |s| s.rows(key) == (101..=110).collect::<Vec<_>>());
    assert_eq!(seen.resets, vec![key]);
    rewrite(quotes(201..=400));
    let seen = t.until("the longer content", |s| s.rows(key) == (201..=400).collect::<Vec<_>>());
    assert_eq!(seen.resets, vec![key, key]);
    OpenOptions::new().write(true).open(&q).unwrap().set_len(0).unwrap();
    t.until("the emptied file", |s| s.resets.len() == 3 && s.rows(key).is_empty());
    append(&q, quotes(500..=501).as_bytes());
    t.until("rows of the emptied file", |s| s.rows(key) == [500, 501]);

    // A rewritten symbol file is reset by its burst time.
    let sym = file(root, d, Kind::BurstSymbols, Some(at(93000)), false);
    let sym_key = (d, Kind::BurstSymbols, Some(at(93000)));
    append(&sym, format!("Symbol,NumTrades,NumQuotes,BBO\r\n{}{}", hit(1), hit(2)).as_bytes());
    t.until("the symbol file", |s| s.rows(sym_key) == [1, 2]);
    fs::write(&sym, format!("Symbol,NumTrades,NumQuotes,BBO\r\n{}", hit(3))).unwrap();
    let seen = t.until("the rewritten symbol file", |s| s.rows(sym_key) == [3]);
    assert_eq!(seen.resets, vec![key, key, key, sym_key]);
    assert!(seen.duplicates().is_empty());
    assert!(seen.malformed.is_empty());
    t.stop();
}

fn a_replacement_that_keeps_what_was_read_continues(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quotes(1..=20).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("20 rows", |s| s.received.len() == 20);
    // A copy tool replacing the file with a longer version of itself.
    let tmp = q.with_file_name("copy.part");
    fs::write(&tmp, quotes(1..=30)).unwrap();
    fs::rename(&tmp, &q).unwrap();
    let seen = t.until("30 rows", |s| s.rows((d, Kind::Quotes, None)).len() == 30);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), (1..=30).collect::<Vec<_>>());
    assert!(seen.resets.is_empty());
    assert_eq!(seen.received.len(), 30);
    t.stop();
}

fn delete_and_recreate_fifty_times(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    let key = (d, Kind::Quotes, None);
    append(&q, quote(1).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("the first row", |s| s.rows(key) == [1]);
    let mut want = Vec::new();
    for i in 1..=50u32 {
        fs::remove_file(&q).unwrap();
        want = (i * 1000..=i * 1000 + i % 7).collect();
        append(&q, quotes(want.clone()).as_bytes());
        if i % 10 == 0 {
            t.until("the recreated file", |s| s.rows(key) == want);
        } else {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let seen = t.until("the last content", |s| s.rows(key) == want);
    assert!(seen.duplicates().is_empty(), "{:?}", seen.duplicates());
    assert!(seen.malformed.is_empty());
    t.stop();
}

fn a_vanished_file_is_reported_once_and_recovered(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quotes(1..=5).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("five rows", |s| s.received.len() == 5);
    let aside = root.join("moved-away.csv");
    fs::rename(&q, &aside).unwrap();
    t.until("the error", |s| !s.errors.is_empty());
    let seen = t.settle(POLL * 5);
    assert_eq!(seen.errors.len(), 1, "{:?}", seen.errors);
    assert_eq!(seen.errors[0].0, q);
    fs::rename(&aside, &q).unwrap();
    append(&q, quote(6).as_bytes());
    let seen = t.until("the row after the return", |s| s.received.len() >= 6);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4, 5, 6]);
    assert_eq!(seen.recovered, vec![q.clone()]);
    assert!(seen.resets.is_empty());
    t.stop();
}

fn an_unreadable_file_is_reported_once_and_recovered(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quotes(1..=3).as_bytes());
    let mut t = Setup::new(poll_only).start(root, d);
    t.until("three rows", |s| s.received.len() == 3);
    let blocked = writes::make_unreadable(&q);
    let seen = t.until("the error", |s| !s.errors.is_empty());
    assert_eq!(seen.errors[0].0, q);
    assert!(!seen.errors[0].1.is_empty());
    let seen = t.settle(POLL * 5);
    assert_eq!(seen.errors.len(), 1, "{:?}", seen.errors);
    writes::make_readable(&q, blocked);
    append(&q, quote(4).as_bytes());
    let seen = t.until("the row after recovery", |s| s.received.len() >= 4);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4]);
    assert_eq!(seen.recovered, vec![q.clone()]);
    assert!(seen.resets.is_empty());
    t.stop();
}

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

#[test]
fn a_rescan_reads_what_no_timer_would_yet() {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quote(1).as_bytes());
    let mut t = Setup::new(true).poll_interval(Duration::from_secs(60)).start(root, d);
    t.until("the first row", |s| s.received.len() == 1);
    append(&q, quote(2).as_bytes());
    assert_eq!(t.settle(Duration::from_millis(500)).received.len(), 1);
    t.rescan();
    let seen = t.until("the second row", |s| s.received.len() == 2);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2]);
    t.stop();
}

#[test]
fn an_overlong_line_is_skipped_between_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    append(&q, quote(1).as_bytes());
    let mut t = Setup::new(true).start(root, d);
    t.until("the first row", |s| s.received.len() == 1);
    for _ in 0..3 {
        append(&q, "A".repeat(30_000).as_bytes());
        std::thread::sleep(POLL * 2);
    }
    append(&q, format!("\r\n{}", quote(2)).as_bytes());
    let seen = t.until("the row after the long line", |s| s.received.len() == 2);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2]);
    let bad: Vec<_> = seen.malformed.iter().map(|(_, m)| (m.line, m.reason.clone())).collect();
    assert_eq!(bad, vec![(2, Reason::TooLong(64 * 1024))]);
    t.stop();
}

#[test]
fn stop_and_drop_end_the_tailer_even_when_no_one_receives() {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    // More files than the channel holds events: the tailer blocks on a full channel.
    for i in 0..60 {
        let sym = file(root, d, Kind::BurstSymbols, Some(at(93000 + i)), false);
        append(&sym, hit(i).as_bytes());
    }
    let mut t = Setup::new(false).start(root, d);
    std::thread::sleep(Duration::from_millis(300));
    t.stop();
    let mut t = Setup::new(true).start(root, d);
    std::thread::sleep(Duration::from_millis(300));
    // Dropping the handle joins the thread, which drops the sender: the channel is closed.
    drop(t.handle.take());
    assert!(!t.drain(), "the channel is still open after the handle was dropped");
}

fn stress_100k_rows_split_mid_line_with_a_truncation_and_a_rollover(poll_only: bool) {
    writes::stress(poll_only);
}

#[test]
fn model_random_writes_read_back_exactly() {
    writes::model();
}
