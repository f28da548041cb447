//! `ki2 scan --follow --json` over an archive the test writes, with a config of its own: the
//! harness of the delivery tests. Every start has its own scratch config and data folders;
//! what it prints is read on a thread (as fast as it comes, or at a reader's slow pace), what it
//! says on stderr is kept.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const DAY: &str = "20250714";

pub const RULES: &str =
    "[[rule]]\nname = \"every-row\"\nsource = \"quotes\"\nfield = \"num_quotes\"\nop = \">=\"\nvalue = 0\n";

/// hft1 row `seq` of a day: its symbol names it; the time moves a second per 100 rows.
pub fn row(seq: u32) -> String {
    let s = 34_200 + seq / 100;
    format!("S{seq},0,{},{seq},5,7,1000,\r\n", (s / 3600) * 10_000 + (s / 60 % 60) * 100 + s % 60)
}

pub fn rows(range: std::ops::Range<u32>) -> String {
    range.map(row).collect()
}

pub struct Archive {
    pub dir: tempfile::TempDir,
}

impl Archive {
    pub fn new(config: &str) -> Archive {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("cfg")).unwrap();
        fs::create_dir_all(dir.path().join("root/Data")).unwrap();
        fs::write(dir.path().join("cfg/config.toml"), config).unwrap();
        fs::write(dir.path().join("rules.toml"), RULES).unwrap();
        Archive { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("cfg/config.toml")
    }

    /// An archive whose config writes every alert to `log()`, one JSON line each.
    pub fn logging_alerts() -> Archive {
        let a = Archive::new("");
        a.set_config(&format!("[alerts]\nlog_file = {:?}\n", a.log()));
        a
    }

    pub fn set_config(&self, text: &str) {
        fs::write(self.config(), text).unwrap();
    }

    /// The scratch data folder: ki2.log, the checkpoints.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn ki2_log(&self) -> String {
        fs::read_to_string(self.data().join("ki2.log")).unwrap_or_default()
    }

    pub fn hft1(&self, day: &str) -> PathBuf {
        self.root().join(format!("Data/{day}_hft1.csv"))
    }

    pub fn append(&self, day: &str, text: &str) {
        let mut f = OpenOptions::new().create(true).append(true).open(self.hft1(day)).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    pub fn log(&self) -> PathBuf {
        self.dir.path().join("alerts.jsonl")
    }

    /// Ids in the alert log, with how often each is there. A line still being written (no
    /// newline yet) is not counted; a line torn by `kill -9` is not valid JSON and fails here
    /// unless the test allows it (`torn`).
    pub fn logged(&self) -> BTreeMap<String, usize> {
        let (ids, torn) = self.logged_torn();
        assert_eq!(torn, 0, "a torn line in the alert log");
        ids
    }

    pub fn logged_torn(&self) -> (BTreeMap<String, usize>, usize) {
        let text = fs::read_to_string(self.log()).unwrap_or_default();
        let mut ids = BTreeMap::new();
        let mut torn = 0;
        for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v) => *ids.entry(v["id"].as_str().unwrap().to_owned()).or_default() += 1,
                Err(_) => torn += 1,
            }
        }
        (ids, torn)
    }

    pub fn follow(&self, date: &str, checkpoint: Option<&str>) -> Follow {
        self.follow_paced(date, checkpoint, None)
    }

    /// As `follow`, with a reader that takes `pause` after every `every` lines: a consumer
    /// slower than ki2.
    pub fn follow_paced(&self, date: &str, checkpoint: Option<&str>, pace: Option<(usize, Duration)>) -> Follow {
        let root = self.root();
        let rules = self.dir.path().join("rules.toml");
        let mut args = vec!["scan", "--root", root.to_str().unwrap(), "--date", date, "--follow", "--json"];
        args.extend(["--rules", rules.to_str().unwrap()]);
        if let Some(c) = checkpoint {
            args.extend(["--checkpoint", c]);
        }
        let mut child = crate::support::ki2_cmd()
            .args(&args)
            .env("KI2_CONFIG_DIR", self.dir.path().join("cfg"))
            .env("KI2_DATA_DIR", self.data())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let printed = Arc::new(Mutex::new(Vec::new()));
        let p = printed.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            for line in BufReader::new(out).split(b'\n') {
                let Ok(line) = line else { break };
                p.lock().unwrap().push(String::from_utf8_lossy(&line).into_owned());
                n += 1;
                if let Some((every, pause)) = pace
                    && n % every == 0
                {
                    std::thread::sleep(pause);
                }
            }
        });
        let mut err = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let e = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                e.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Follow { child, printed, stderr }
    }
}

pub struct Follow {
    pub child: Child,
    printed: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
}

impl Follow {
    /// The ids printed so far; a line that is not an alert (cut by `kill -9`) is left out.
    pub fn printed_ids(&self) -> Vec<String> {
        let lines = self.printed.lock().unwrap();
        lines
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The alerts printed so far, parsed (lines that are not whole alerts left out).
    pub fn printed(&self) -> Vec<serde_json::Value> {
        let lines = self.printed.lock().unwrap();
        lines.iter().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).collect()
    }

    /// Lines printed that are not whole alerts.
    pub fn torn_lines(&self) -> usize {
        let lines = self.printed.lock().unwrap();
        lines.iter().filter(|l| serde_json::from_str::<serde_json::Value>(l).is_err()).count()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGTERM, as a service manager stops it: exit 0.
    pub fn stop(mut self) -> Vec<String> {
        self.terminate();
        self.printed_ids()
    }

    /// SIGTERM and its exit (0), keeping what was printed readable; what it said on stderr.
    pub fn terminate(&mut self) -> String {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
        std::thread::sleep(Duration::from_millis(100));
        self.stderr()
    }

    pub fn kill9(mut self) {
        self.kill9_keep();
    }

    /// `kill -9`, keeping what it printed readable (the reader thread reads the pipe to its end).
    pub fn kill9_keep(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Appends `chunks` batches of `per` rows to `path`, one every 100 ms, on a thread.
pub fn writer(path: PathBuf, chunks: u32, per: u32) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for chunk in 0..chunks {
            let mut f = OpenOptions::new().append(true).open(&path).unwrap();
            f.write_all(rows(chunk * per..(chunk + 1) * per).as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(100));
        }
    })
}

pub fn total(ids: &BTreeMap<String, usize>) -> usize {
    ids.values().sum()
}

/// The process has not exited.
pub fn running(f: &Follow) -> bool {
    std::path::Path::new(&format!("/proc/{}", f.child.id())).exists()
        && !fs::read_to_string(format!("/proc/{}/stat", f.child.id())).unwrap_or_default().contains(") Z ")
}
