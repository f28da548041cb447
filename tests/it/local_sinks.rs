//! Sinks that write to a local pipe or file never drop an alert: a reader slower than ki2
//! slows ki2 down (the rows wait in the files), and with `--checkpoint` a `kill -9` and a
//! restart repeat at most the batch that was being written. A checkpoint that cannot be read
//! is said, and the day is delivered again rather than skipped.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::follow_support::{Archive, DAY, Follow, rows, total};
use crate::sinks_support::wait_until;

/// Alerts `scan --follow` writes to standard output in one batch at most: what a kill in the
/// middle of a write may repeat.
const BATCH: usize = 500;

/// `value` (the row's NumQuotes, its number here) → how many times its alert was printed.
fn values(runs: &[&Follow]) -> BTreeMap<u64, usize> {
    let mut seen = BTreeMap::new();
    for f in runs {
        for v in f.printed() {
            *seen.entry(v["value"].as_u64().unwrap()).or_default() += 1;
        }
    }
    seen
}

#[test]
fn a_slow_reader_of_150000_alerts_gets_each_once_across_a_kill_9_and_a_restart() {
    // A small queue, so that the reader's pace and not memory decides how far ki2 runs ahead.
    let a = Archive::new("[alerts]\nqueue = 2000\n");
    a.append(DAY, &rows(0..50_000));
    // About 40,000 lines a second at most: slower than ki2 reads them.
    let pace = Some((200, Duration::from_millis(5)));
    let mut first = a.follow_paced(DAY, Some("slow"), pace);
    let writer = {
        let path = a.hft1(DAY);
        std::thread::spawn(move || {
            for chunk in 0..20u32 {
                let from = 50_000 + chunk * 5_000;
                let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
                std::io::Write::write_all(&mut f, rows(from..from + 5_000).as_bytes()).unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    assert!(wait_until(120, || first.printed().len() >= 75_000), "{} printed", first.printed().len());
    let before_kill = first.printed().len();
    let said = first.stderr();
    first.kill9_keep();
    writer.join().unwrap();
    // The reader goes on reading what ki2 had written into the pipe before it was killed.
    std::thread::sleep(Duration::from_millis(500));
    let mut second = a.follow_paced(DAY, Some("slow"), pace);
    let done = || values(&[&first, &second]).len() == 150_000;
    assert!(wait_until(180, done), "{} of 150000 alerts", values(&[&first, &second]).len());
    std::thread::sleep(Duration::from_millis(500));
    let torn = first.torn_lines() + second.torn_lines();
    let said_second = second.terminate();
    let seen = values(&[&first, &second]);
    assert_eq!(seen.keys().copied().collect::<Vec<_>>(), (0..150_000u64).collect::<Vec<_>>(), "every row's alert");
    let repeats = seen.values().sum::<usize>() - seen.len();
    assert!(repeats <= BATCH, "{repeats} alerts printed twice: at most the batch in flight ({BATCH}) may repeat");
    assert!(torn <= 1, "{torn} lines cut by the kill");
    assert!(before_kill >= 75_000);
    assert!(!said.contains("dropped") && !said_second.contains("dropped"), "{said}\n{said_second}");
}

/// Every checkpoint file of the sinks of `data` for DAY.
fn checkpoints(data: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(roots) = fs::read_dir(data.join("delivery")) else { return found };
    for root in roots.flatten() {
        for sink in fs::read_dir(root.path()).into_iter().flatten().flatten() {
            let p = sink.path().join(format!("{DAY}.json"));
            if p.is_file() {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_checkpoint_replaced_by_an_empty_file_delivers_the_day_again_and_says_so_once() {
    let a = Archive::new("");
    fs::write(a.config(), format!("[alerts]\nlog_file = {:?}\n", a.log())).unwrap();
    a.append(DAY, &rows(0..100));
    let f = a.follow(DAY, Some("svc"));
    assert!(wait_until(20, || f.printed_ids().len() == 100));
    std::thread::sleep(Duration::from_millis(500));
    a.append(DAY, &rows(100..200));
    assert!(wait_until(20, || total(&a.logged()) == 100), "the log starts where the files were");
    assert!(wait_until(20, || f.printed_ids().len() == 200));
    std::thread::sleep(Duration::from_millis(500));
    f.stop();
    let files = checkpoints(&a.data());
    assert_eq!(files.len(), 2, "standard output's and the log's: {files:?}");
    // As a power cut can leave them.
    for p in &files {
        fs::write(p, "").unwrap();
    }
    let mut f = a.follow(DAY, Some("svc"));
    assert!(wait_until(20, || f.printed_ids().len() == 200), "{}", f.printed_ids().len());
    assert!(wait_until(20, || total(&a.logged()) == 300), "{}", total(&a.logged()));
    std::thread::sleep(Duration::from_millis(500));
    let said = f.terminate();
    let printed = f.printed_ids();
    assert_eq!(printed.len(), 200, "the whole day printed again, not 'from now on'");
    let logged = a.logged();
    assert_eq!((logged.len(), total(&logged)), (200, 300), "the log's 100 repeated with their ids, 100 more");
    for sink in ["standard output", "alert log"] {
        let lines: Vec<&str> = said.lines().filter(|l| l.contains(sink) && l.contains("cannot be read")).collect();
        assert_eq!(lines.len(), 1, "said once for the {sink}: {said}");
        assert!(lines[0].contains("delivering the day again"), "{}", lines[0]);
    }
}
