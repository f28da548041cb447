//! One writer per lake, and a lake left by a crash at a day's end is finished by the next
//! start: a second `export --follow` on the same folder is refused naming the process that
//! holds it; the parts of a day whose compaction a `kill -9` prevented are compacted.

use std::fs;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::lake::{follow, kill_9, lake_rows, parquet_files, same, series, stop, wait_for};

fn hft2(root: &Path, day: &str) -> std::path::PathBuf {
    let p = root.join(format!("Data/{day}_hft2.csv"));
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    p
}

/// A writer that is killed if the test fails before stopping it.
struct Running(Option<Child>);

impl Running {
    fn id(&self) -> u32 {
        self.0.as_ref().map_or(0, Child::id)
    }

    fn take(mut self) -> Child {
        self.0.take().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Runs ki2 to its end, which must come within 20 s: exit code and stderr.
fn ki2_within_20_s(args: &[&str], data: &Path) -> (Option<i32>, String) {
    let mut child = crate::support::ki2_cmd()
        .args(args)
        .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
        .env("KI2_DATA_DIR", data)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let end = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after 20 s: a second writer was not refused");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut f = fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn a_second_lake_writer_is_refused_naming_the_process_that_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let (root, lake) = (dir.path().join("root"), dir.path().join("lake"));
    append(&hft2(&root, "20250714"), &series(0..100, same));
    let first = Running(Some(follow(&root, &lake, 0.2, 64)));
    let day = lake.join("hft2/date=2025-07-14");
    wait_for("the first writer's rows", Duration::from_secs(30), || lake_rows(&day).len() == 100);
    let (r, o) = (root.to_str().unwrap(), lake.to_str().unwrap());
    let (code, err) = ki2_within_20_s(&["export", "--follow", "--root", r, "--out", o], &dir.path().join("data2"));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(&format!("process {}", first.id())), "{err}");
    assert!(err.contains("one writer per lake"), "{err}");
    // The refused one touched nothing: the first goes on writing.
    append(&hft2(&root, "20250714"), &series(100..150, same));
    wait_for("rows after the refusal", Duration::from_secs(30), || lake_rows(&day).len() == 150);
    stop(first.take());
}

#[test]
fn the_parts_of_a_day_a_crash_left_uncompacted_are_compacted_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let (root, lake) = (dir.path().join("root"), dir.path().join("lake"));
    let day1 = hft2(&root, "20250714");
    append(&day1, &series(0..100, same));
    // Parts are merged only past 1,000 of them: this run leaves several.
    let first = Running(Some(follow(&root, &lake, 0.2, 1000)));
    let folder = lake.join("hft2/date=2025-07-14");
    for n in 1..4u32 {
        wait_for("a part", Duration::from_secs(30), || lake_rows(&folder).len() == 100 * n as usize);
        append(&day1, &series(100 * n..100 * (n + 1), same));
    }
    wait_for("every row", Duration::from_secs(30), || lake_rows(&folder).len() == 400);
    let parts = parquet_files(&folder);
    assert!(parts.len() >= 2 && parts.iter().all(|p| p.starts_with("part-")), "{parts:?}");
    // Killed at the day's end, before it could compact; the next day begins.
    kill_9(first.take());
    append(&hft2(&root, "20250715"), &series(0..10, same));
    let second = Running(Some(follow(&root, &lake, 0.2, 1000)));
    wait_for("the day compacted", Duration::from_secs(30), || parquet_files(&folder).len() == 1);
    let files = parquet_files(&folder);
    assert!(files[0].starts_with("chunk-"), "{files:?}");
    assert_eq!(lake_rows(&folder), (0..400).collect::<Vec<u32>>(), "every row once, in order");
    wait_for("the new day", Duration::from_secs(30), || lake_rows(&lake.join("hft2/date=2025-07-15")).len() == 10);
    stop(second.take());
}
