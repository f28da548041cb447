//! Hostile and broken input through the public commands: ki2 reports it, skips it, keeps going,
//! and never loses the good rows around it.

use std::fs;
use std::path::Path;

use crate::support::{ki2, write};

fn stats(root: &Path) -> serde_json::Value {
    let (code, out, err) = ki2(&["stats", "--root", root.to_str().unwrap(), "--json"]);
    assert!(code == 0 || code == 1, "{err}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out:?} {err}"))
}

const GOOD: &[u8] = b"SPY,0,93000,2500,10,20,1000,\r\n";

#[test]
fn nul_bytes_and_invalid_utf8_are_malformed_rows_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = GOOD.to_vec();
    f.extend_from_slice(b"\0\0\0\0\0\0\0\0\r\n"); // a crashed writer's preallocated zeros
    f.extend_from_slice(b"S\xffY,0,93001,1,1,1,1,\r\n"); // invalid UTF-8 in the symbol
    f.extend_from_slice(b"QQQ,0,93\x0002,1,1,1,1,\r\n"); // a NUL inside a number
    f.extend_from_slice(GOOD);
    write(dir.path(), "Data/20250714_hft1.csv", &f);
    let s = stats(dir.path());
    assert_eq!((s["hft1_rows"].as_u64(), s["malformed"].as_u64()), (Some(2), Some(3)));
}

#[test]
fn a_10_mb_line_is_skipped_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = GOOD.to_vec();
    f.extend(std::iter::repeat_n(b'A', 10 << 20));
    f.extend_from_slice(b"\r\n");
    f.extend_from_slice(GOOD);
    // And a file that ends in a 10 MB line with no newline at all.
    write(dir.path(), "Data/20250714_hft1.csv", &f);
    let mut g = b"93000,1\r\n".to_vec();
    g.extend(std::iter::repeat_n(b'7', 10 << 20));
    write(dir.path(), "Data/20250714_hft2.csv", &g);
    let s = stats(dir.path());
    assert_eq!(
        (s["hft1_rows"].as_u64(), s["malformed"].as_u64(), s["hft2_rows"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    let (_, out, _) = ki2(&["stats", "--root", dir.path().to_str().unwrap(), "--malformed"]);
    assert!(out.contains("20250714_hft1.csv:2: line longer than 65536 bytes"), "{out}");
}

#[test]
fn a_file_of_commas_and_odd_symbol_headers() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Data/20250714_hft1.csv", b",,,,,,,\r\n,,,,,,,\r\n,,\r\n");
    write(dir.path(), "Data_Burst/20250714.csv", b",,,,,,,,,\r\n93000,1,1,0,1,1,1,0,1\r\n");
    // Wrong header, no header, header only, empty file.
    write(dir.path(), "Data_Burst_Symbols/Burst_20250714_093000.csv", b"Ticker;Trades;Quotes\r\nSPY,1,2,3\r\n");
    write(dir.path(), "Data_Burst_Symbols/Burst_20250714_093001.csv", b"SPY,1,2,3\r\nQQQ,1,2,3\r\n");
    write(dir.path(), "Data_Burst_Symbols/Burst_20250714_093002.csv", b"Symbol,NumTrades,NumQuotes,BBO\r\n");
    write(dir.path(), "Data_Burst_Symbols/Burst_20250714_093003.csv", b"");
    let s = stats(dir.path());
    assert_eq!((s["hft1_rows"].as_u64(), s["bursts"].as_u64()), (Some(0), Some(1)));
    assert_eq!((s["symbol_files"].as_u64(), s["symbol_rows"].as_u64()), (Some(4), Some(3)));
    assert_eq!(s["malformed"].as_u64(), Some(4));
}

#[test]
fn impossible_dates_in_names_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Data/20250231_hft1.csv", GOOD);
    write(dir.path(), "Data_Burst_Symbols/Burst_20250714_256000.csv", b"SPY,1,2,3\r\n");
    write(dir.path(), "Data/20250714_hft1.csv", GOOD);
    let (code, out, err) = ki2(&["stats", "--root", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    assert!(out.contains(r#""date":"2025-07-14""#) && out.contains(r#""symbol_files":0"#), "{out}");
    assert!(err.contains("20250231_hft1.csv: no such date") && err.contains("Burst_20250714_256000.csv"), "{err}");
}

#[test]
fn an_hft1_path_that_is_a_folder_is_named_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("Data/20250714_hft1.csv")).unwrap();
    write(dir.path(), "Data/20250714_hft2.csv", b"93000,1\r\n93001,2\r\n");
    let (code, out, err) = ki2(&["stats", "--root", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(code, 1, "a file that cannot be read is an error");
    assert!(out.contains(r#""hft2_rows":2"#), "the other files are still read: {out}");
    assert!(err.contains("20250714_hft1.csv: is a folder, not a file"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// ki2 with no user config, killed if it has not ended within `secs`: exit code (None when it
/// had to be killed), stdout, stderr.
#[cfg(unix)]
fn ki2_within(args: &[&str], secs: u64) -> std::io::Result<(Option<i32>, String, String)> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = crate::support::ki2_cmd()
        .args(args)
        .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let code = loop {
        if let Some(status) = child.try_wait()? {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            child.kill()?;
            child.wait()?;
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let (mut out, mut err) = (String::new(), String::new());
    if let Some(mut s) = child.stdout.take() {
        s.read_to_string(&mut out)?;
    }
    if let Some(mut s) = child.stderr.take() {
        s.read_to_string(&mut err)?;
    }
    Ok((code, out, err))
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_to_dev_zero_named_like_an_archive_file_is_skipped_not_read_forever()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    write(root, "Data/20250714_hft1.csv", GOOD);
    let fifo = root.join("Data/20250714_hft2.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status()?;
    assert!(made.success(), "mkfifo failed");
    std::os::unix::fs::symlink("/dev/zero", root.join("Data/20250714_hft3.csv"))?;
    let r = root.to_str().ok_or("temp path is not UTF-8")?;
    let out_dir = tempfile::tempdir()?;
    let o = out_dir.path().to_str().ok_or("temp path is not UTF-8")?;
    for args in [
        vec!["stats", "--root", r, "--json"],
        vec!["scan", "--root", r, "--json"],
        vec!["export", "--root", r, "--out", o],
    ] {
        let (code, out, err) = ki2_within(&args, 60)?;
        assert_eq!(code, Some(0), "{args:?} did not end cleanly: {err}");
        if args[0] == "stats" {
            assert!(out.contains(r#""hft1_rows":1,"hft2_rows":0,"hft3_rows":0,"#), "{out}");
        }
        if args[0] != "scan" {
            // scan's warnings are its own (see src/commands/scan.rs); the others name each entry.
            let warned: Vec<&str> = err.lines().filter(|l| l.contains("not a regular file")).collect();
            assert_eq!(warned.len(), 2, "{args:?}: {err}");
            assert!(warned[0].contains("20250714_hft2.csv") && warned[1].contains("20250714_hft3.csv"), "{err}");
        }
    }
    Ok(())
}

#[test]
fn a_closed_stdout_ends_quietly_with_success() -> Result<(), Box<dyn std::error::Error>> {
    use std::process::Stdio;
    let dir = tempfile::tempdir()?;
    // Enough days that the output outgrows what a pipe buffers, whenever the reader leaves.
    for d in 1..=28 {
        write(dir.path(), &format!("Data/202502{d:02}_hft1.csv"), GOOD);
    }
    let r = dir.path().to_str().ok_or("temp path is not UTF-8")?;
    let out_dir = tempfile::tempdir()?;
    let o = out_dir.path().to_str().ok_or("temp path is not UTF-8")?;
    for args in [vec!["stats", "--root", r, "--date", "all"], vec!["export", "--root", r, "--out", o]] {
        // `ki2 ... | head -0`: the reader is gone before the first line.
        let mut child = crate::support::ki2_cmd()
            .args(&args)
            .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        drop(child.stdout.take());
        let out = child.wait_with_output()?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
    Ok(())
}
