//! `ki2 scan --follow --json`: every row appended while it runs raises its alert exactly once,
//! whatever way the writer splits its writes; SIGTERM ends it with exit 0 after flushing.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const RULES: &str =
    "[[rule]]\nname = \"every-row\"\nsource = \"quotes\"\nfield = \"num_quotes\"\nop = \">=\"\nvalue = 0\n";

/// Row `seq`: NumQuotes carries its identity, the time advances a second per 100 rows.
fn row(seq: u32) -> String {
    let s = 34_200 + seq / 100;
    format!("R{:03},0,{},{seq},5,7,1000,\r\n", seq % 997, (s / 3600) * 10_000 + (s / 60 % 60) * 100 + s % 60)
}

fn run_follow(poll: bool) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let hft1 = root.join("Data/20250714_hft1.csv");
    fs::create_dir_all(hft1.parent().unwrap()).unwrap();
    let existing = 300u32;
    fs::write(&hft1, (0..existing).map(row).collect::<String>()).unwrap();
    let rules = root.join("rules.toml");
    fs::write(&rules, RULES).unwrap();

    let mut args = vec!["scan", "--root", root.to_str().unwrap(), "--date", "20250714", "--follow", "--json"];
    args.extend(["--rules", rules.to_str().unwrap()]);
    if poll {
        args.push("--poll");
    }
    let mut child = crate::support::ki2_cmd()
        .args(&args)
        .env("KI2_CONFIG_DIR", root.join("cfg"))
        .env("KI2_DATA_DIR", root.join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let wait_for = |lines: &mut Vec<String>, n: usize, what: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while lines.len() < n {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(l) => lines.push(l),
                Err(_) if Instant::now() < deadline => {}
                Err(_) => panic!("{what}: {} of {n} alerts after 60 s", lines.len()),
            }
        }
    };
    wait_for(&mut lines, existing as usize, "existing rows");

    // 2,000 rows/s for 3 s, written in pieces cut anywhere (mid-line, between \r and \n).
    let total = existing + 6_000;
    let text: String = (existing..total).map(row).collect();
    let bytes = text.as_bytes();
    let mut f = OpenOptions::new().append(true).open(&hft1).unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    let start = Instant::now();
    let mut at = 0usize;
    while at < bytes.len() {
        let elapsed = start.elapsed().as_secs_f64();
        let due = ((elapsed * 2_000.0 / 6_000.0) * bytes.len() as f64) as usize;
        let cut = (due.max(at + 1) + rng.usize(0..40)).min(bytes.len());
        f.write_all(&bytes[at..cut]).unwrap();
        f.flush().unwrap();
        at = cut;
        std::thread::sleep(Duration::from_millis(rng.u64(1..25)));
    }
    wait_for(&mut lines, total as usize, "appended rows");
    // Anything more would be a duplicate: give it a moment to show up.
    std::thread::sleep(Duration::from_millis(800));
    while let Ok(l) = rx.try_recv() {
        lines.push(l);
    }

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");

    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert_eq!(v["rule"], "every-row");
        *seen.entry(v["value"].as_u64().unwrap()).or_default() += 1;
    }
    let dupes: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dupes.is_empty(), "alerted twice: {dupes:?}");
    assert_eq!(seen.len(), total as usize);
    assert_eq!(seen.keys().copied().collect::<Vec<_>>(), (0..u64::from(total)).collect::<Vec<_>>());
    // The rows already there come first, in time order.
    let first: Vec<u64> = lines[..existing as usize]
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["value"].as_u64().unwrap())
        .collect();
    assert_eq!(first, (0..u64::from(existing)).collect::<Vec<_>>());
}

#[test]
fn every_appended_row_alerts_exactly_once_with_events() {
    run_follow(false);
}

#[test]
fn every_appended_row_alerts_exactly_once_polling() {
    run_follow(true);
}

#[test]
fn sigint_flushes_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let hft1 = dir.path().join("Data/20250714_hft1.csv");
    fs::create_dir_all(hft1.parent().unwrap()).unwrap();
    fs::write(&hft1, (0..50).map(row).collect::<String>()).unwrap();
    let rules = dir.path().join("rules.toml");
    fs::write(&rules, RULES).unwrap();
    let root: &Path = dir.path();
    let mut child = crate::support::ki2_cmd()
        .args(["scan", "--root", root.to_str().unwrap(), "--follow", "--json", "--rules", rules.to_str().unwrap()])
        .env("KI2_CONFIG_DIR", root.join("cfg"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(1 + rest.lines().count(), 50);
}

#[test]
fn sigterm_leaves_a_line_in_the_log() {
    let a = crate::follow_support::Archive::new("");
    a.append(crate::follow_support::DAY, &crate::follow_support::rows(0..10));
    let f = a.follow(crate::follow_support::DAY, None);
    assert!(crate::sinks_support::wait_until(20, || f.printed_ids().len() == 10));
    f.stop();
    let log = a.ki2_log();
    let line = log.lines().find(|l| l.contains("scan --follow") && l.contains("SIGTERM"));
    assert!(line.is_some(), "no line about the SIGTERM in ki2.log:\n{log}");
}

#[test]
fn an_empty_root_is_waited_for_and_said_then_followed_when_the_files_come() {
    let a = crate::follow_support::Archive::new("");
    // No archive file at all, not even a Data folder.
    fs::remove_dir_all(a.root().join("Data")).unwrap();
    let f = a.follow("latest", None);
    let want = format!("ki2: waiting for the Burst Monitor's files under {}", a.root().display());
    assert!(crate::sinks_support::wait_until(10, || f.stderr().contains(&want)), "{:?}", f.stderr());
    assert!(crate::follow_support::running(&f), "it waits instead of exiting");
    // The Burst Monitor starts: today's file (New York's date) appears.
    let today = ki2::archive::Day::today().compact();
    fs::create_dir_all(a.root().join("Data")).unwrap();
    a.append(&today, &crate::follow_support::rows(0..30));
    assert!(crate::sinks_support::wait_until(20, || f.printed_ids().len() == 30), "{}", f.stderr());
    let said = f.stderr();
    assert_eq!(said.matches("waiting for the Burst Monitor's files").count(), 1, "{said}");
    assert!(said.contains("files of ") && said.contains("are there: following them"), "{said}");
    f.stop();
}

#[test]
fn following_today_before_its_files_exist_says_it_waits() {
    let a = crate::follow_support::Archive::new("");
    a.append("20250714", &crate::follow_support::rows(0..5));
    let f = a.follow("today", None);
    let want = format!("waiting for the Burst Monitor's files under {}", a.root().display());
    assert!(crate::sinks_support::wait_until(10, || f.stderr().contains(&want)), "{:?}", f.stderr());
    assert!(f.printed_ids().is_empty());
    f.stop();
}
