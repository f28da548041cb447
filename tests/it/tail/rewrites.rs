//! Files truncated, replaced, deleted and recreated, moved away, made unreadable.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ki2::archive::Kind;

use super::support::*;

both_modes!(
    truncation_resets_the_file_and_sends_it_again,
    a_replacement_that_keeps_what_was_read_continues,
    delete_and_recreate_fifty_times,
    a_vanished_file_is_reported_once_and_recovered,
    an_unreadable_file_is_reported_once_and_recovered,
);

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
    let (_dir, d, q, mut t) = following_quotes(20, poll_only);
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
    let (dir, d, q, mut t) = following_quotes(5, poll_only);
    let root = dir.path();
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
    let (_dir, d, q, mut t) = following_quotes(3, poll_only);
    let blocked = make_unreadable(&q);
    let seen = t.until("the error", |s| !s.errors.is_empty());
    assert_eq!(seen.errors[0].0, q);
    assert!(!seen.errors[0].1.is_empty());
    let seen = t.settle(POLL * 5);
    // As root the file is blocked by moving it aside and putting a folder in its place: between
    // the two the file is briefly gone, and a tailer that looks then says so first. Each state is
    // said once, never again while it lasts.
    let said: Vec<&str> = seen.errors.iter().map(|(_, why)| why.as_str()).collect();
    let expected: &[&[&str]] = match &blocked {
        Blocked::Folder(_) => &[&["is a folder, not a file"], &["vanished (no such file)", "is a folder, not a file"]],
        Blocked::Permissions => &[],
    };
    if expected.is_empty() {
        assert_eq!(seen.errors.len(), 1, "{:?}", seen.errors);
    } else {
        assert!(expected.contains(&said.as_slice()), "{:?}", seen.errors);
    }
    make_readable(&q, blocked);
    append(&q, quote(4).as_bytes());
    let seen = t.until("the row after recovery", |s| s.received.len() >= 4);
    assert_eq!(seen.rows((d, Kind::Quotes, None)), [1, 2, 3, 4]);
    assert_eq!(seen.recovered, vec![q.clone()]);
    assert!(seen.resets.is_empty());
    t.stop();
}

/// How a file was made unreadable, to undo it.
pub enum Blocked {
    /// Unix only: Windows has no mode bits to take away.
    #[cfg_attr(not(unix), allow(dead_code))]
    Permissions,
    /// Root reads whatever the permissions say: the file is moved aside and a folder takes its
    /// name, which no one can read as a file either.
    Folder(PathBuf),
}

pub fn make_unreadable(path: &Path) -> Blocked {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::File::open(path).is_err() {
            return Blocked::Permissions;
        }
        fs::set_permissions(path, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let aside = path.with_extension("aside");
    fs::rename(path, &aside).unwrap();
    fs::create_dir(path).unwrap();
    Blocked::Folder(aside)
}

pub fn make_readable(path: &Path, blocked: Blocked) {
    match blocked {
        Blocked::Permissions => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(path, fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
        Blocked::Folder(aside) => {
            fs::remove_dir(path).unwrap();
            fs::rename(aside, path).unwrap();
        }
    }
}
