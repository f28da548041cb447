//! Live tailing, with files written the way the Burst Monitor (or a person copying files)
//! writes them. Tests that depend on how changes are noticed run twice: `events` (file events
//! plus polling) and `polling` (polling only, as on a network share).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::time::{Duration, SystemTime};

use ki2::archive::{Kind, Reason};
use ki2::tail::TailMode;
use support::*;

/// `fn name(poll_only: bool)` run as two tests, `name::events` and `name::polling`.
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

// The files beside this one: tail's tests by theme.
mod days;
pub(crate) mod rewrites;
mod stress;
mod support;

both_modes!(
    present_files_are_read_from_zero_then_caught_up,
    a_line_split_mid_line_and_mid_crlf_waits_for_its_end,
    many_appends_between_two_wakeups_arrive_in_order,
    wakeups_without_new_data_send_nothing,
    five_appends_in_one_second_then_silence,
    files_appearing_later_are_read_from_zero,
);

#[cfg(unix)]
both_modes!(a_fifo_named_like_a_symbol_file_is_reported_once_and_never_opened);

fn present_files_are_read_from_zero_then_caught_up(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    let q = file(root, d, Kind::Quotes, None, false);
    // BOM, a blank line, a malformed line 5, and a last line still being written.
    let text = format!("\u{feff}{}\r\n{}QQQ,0,93001,x,1,1,1,\r\n{}DIA,0,930", quote(1), quotes(2..=3), quote(4));
    append(&q, text.as_bytes());
    append(&file(root, d, Kind::S2, None, false), (1..=3).map(series).collect::<String>().as_bytes());
    append(&file(root, d, Kind::S1, None, false), (10..=11).map(series).collect::<String>().as_bytes());
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
    let (dir, d, q) = quotes_day(quote(1).as_bytes());
    let root = dir.path();
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
    let (_dir, d, q, mut t) = following_quotes(3, poll_only);
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

    // A burst that hit nothing listable: a header and no rows. Its file still arrives (as an
    // empty batch), so the burst shows "no symbols", not "missing".
    let empty = file(root, d, Kind::BurstSymbols, Some(at(93513)), false);
    fs::write(&tmp, "Symbol,NumTrades,NumQuotes,BBO\r\n").unwrap();
    fs::rename(&tmp, &empty).unwrap();
    let seen =
        t.until("the header-only symbol file", |s| s.view.contains_key(&(d, Kind::BurstSymbols, Some(at(93513)))));
    assert_eq!(seen.rows((d, Kind::BurstSymbols, Some(at(93513)))), [] as [u32; 0]);

    // Created empty, filled 200 ms later.
    let s1 = file(root, d, Kind::S1, None, false);
    fs::File::create(&s1).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    append(&s1, (5..=6).map(series).collect::<String>().as_bytes());
    t.until("the file filled late", |s| s.rows((d, Kind::S1, None)) == [5, 6]);

    // The day appears in the monthly layout too, written after everything flat: it is read from
    // there alone now, as `stats` reads it, and the flat files' rows are dropped. "After" by
    // mtime, whose clock ticks every few ms: written in the same tick, the tie goes to the flat
    // layout, as it should (seen once on a loaded machine).
    std::thread::sleep(Duration::from_millis(50));
    append(&file(root, d, Kind::Bursts, None, true), (1..=2).map(burst).collect::<String>().as_bytes());
    t.until("the monthly file", |s| s.rows((d, Kind::Bursts, None)) == [1, 2]);
    let seen = t.until("the flat files dropped", |s| s.view.len() == 1);
    assert_eq!(seen.received.len(), 3 + 2 + 2 + 2);
    let mut resets = seen.resets.clone();
    resets.sort();
    let flat = [
        (d, Kind::S2, None),
        (d, Kind::S1, None),
        (d, Kind::BurstSymbols, Some(at(93512))),
        (d, Kind::BurstSymbols, Some(at(93513))),
    ];
    assert_eq!(resets, flat);
    assert!(seen.malformed.is_empty());
    let seen = t.settle(POLL * 4);
    assert_eq!(seen.view.keys().copied().collect::<Vec<_>>(), [(d, Kind::Bursts, None)]);
    assert_eq!(seen.caught_up, vec![d]);
    t.stop();
}

#[test]
fn an_append_between_the_first_read_and_the_watch_is_not_lost() {
    let (dir, d, q) = quotes_day(quotes(1..=100).as_bytes());
    let root = dir.path();
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
    let (dir, d, q) = quotes_day(quote(1).as_bytes());
    let root = dir.path();
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
fn a_rescan_reads_what_no_timer_would_yet() {
    let (dir, d, q) = quotes_day(quote(1).as_bytes());
    let root = dir.path();
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
    let (dir, d, q) = quotes_day(quote(1).as_bytes());
    let root = dir.path();
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

#[cfg(unix)]
fn a_fifo_named_like_a_symbol_file_is_reported_once_and_never_opened(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (root, d) = (dir.path(), day("20250714"));
    append(&file(root, d, Kind::S2, None, false), (1..=2).map(series).collect::<String>().as_bytes());
    let fifo = file(root, d, Kind::BurstSymbols, Some(at(93000)), false);
    fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut t = Setup::new(poll_only).start(root, d);
    // Opening the FIFO would block the tailer: nothing would ever be caught up.
    t.until("caught up", |s| s.caught_up == [d]);
    append(&file(root, d, Kind::S2, None, false), series(3).as_bytes());
    t.until("a row after", |s| s.rows((d, Kind::S2, None)) == [1, 2, 3]);
    let seen = t.settle(POLL * 3);
    assert_eq!(seen.errors.len(), 1, "{:?}", seen.errors);
    assert_eq!(seen.errors[0].0, fifo);
    assert!(seen.errors[0].1.contains("not a regular file"), "{:?}", seen.errors);
    t.stop();
}
