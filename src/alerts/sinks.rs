//! Where alerts go besides the screen: a JSON-lines log file and a user command. The bell and
//! the alert pane belong to the TUI.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::alert::Alert;
use crate::config::Config;

/// Appends each alert as one JSON line.
#[derive(Debug)]
pub struct AlertLog {
    path: PathBuf,
    file: Option<File>,
}

impl AlertLog {
    pub fn new(path: &Path) -> AlertLog {
        AlertLog { path: path.to_path_buf(), file: None }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&mut self, alerts: &[Alert]) -> io::Result<()> {
        if alerts.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for a in alerts {
            text.push_str(&a.to_json());
            text.push('\n');
        }
        let file = match &mut self.file {
            Some(f) => f,
            None => {
                if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                self.file.insert(OpenOptions::new().create(true).append(true).open(&self.path)?)
            }
        };
        // One write per batch: lines from concurrent writers (two ki2s) do not interleave mid-line.
        let result = file.write_all(text.as_bytes());
        if result.is_err() {
            // Reopen next time: the file may have been moved or its disk remounted.
            self.file = None;
        }
        result
    }
}

/// Runs a program for each alert with the alert's JSON on its stdin. The program is started
/// directly, never through a shell, so nothing in an alert (a symbol is whatever the file
/// says) can become a command. Each child is waited for on its own thread; evaluation never
/// waits for it.
#[derive(Debug)]
pub struct CommandHook {
    argv: Vec<String>,
    running: Arc<AtomicUsize>,
}

impl CommandHook {
    /// More children than this at once (a flood of alerts, a hook that hangs) and new alerts
    /// skip the hook, with a warning, rather than fork without bound.
    pub const MAX_RUNNING: usize = 32;

    /// `argv`: the program, then its arguments. `None` when empty.
    pub fn new(argv: Vec<String>) -> Option<CommandHook> {
        (!argv.is_empty() && !argv[0].is_empty()).then(|| CommandHook { argv, running: Arc::new(AtomicUsize::new(0)) })
    }

    /// Starts the program for `alert`. The error says why it could not start.
    pub fn fire(&self, alert: &Alert) -> Result<(), String> {
        if self.running.load(Ordering::SeqCst) >= Self::MAX_RUNNING {
            return Err(format!(
                "alert command {:?}: {} still running, alert {} at {} not sent",
                self.argv[0],
                Self::MAX_RUNNING,
                alert.rule,
                alert.timestamp()
            ));
        }
        let mut child = Command::new(&self.argv[0])
            .args(&self.argv[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("alert command {:?}: cannot start: {e}", self.argv[0]))?;
        let mut payload = alert.to_json();
        payload.push('\n');
        let stdin = child.stdin.take();
        let program = self.argv[0].clone();
        let running = self.running.clone();
        running.fetch_add(1, Ordering::SeqCst);
        let reaper = std::thread::Builder::new().name("ki2-alert-hook".into()).spawn(move || {
            if let Some(mut stdin) = stdin
                && let Err(e) = stdin.write_all(payload.as_bytes())
            {
                // A program that ignores its input and exits first is not an error of ours.
                if e.kind() != io::ErrorKind::BrokenPipe {
                    tracing::warn!("alert command {program:?}: cannot write the alert: {e}");
                }
            }
            match child.wait() {
                Ok(status) if !status.success() => tracing::warn!("alert command {program:?} failed: {status}"),
                Ok(_) => {}
                Err(e) => tracing::warn!("alert command {program:?}: cannot wait for it: {e}"),
            }
            running.fetch_sub(1, Ordering::SeqCst);
        });
        if let Err(e) = reaper {
            self.running.fetch_sub(1, Ordering::SeqCst);
            return Err(format!("alert command {:?}: cannot start a thread to wait for it: {e}", self.argv[0]));
        }
        Ok(())
    }

    /// Children started and not yet finished.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// Waits until every child has finished, up to `timeout`; false if some still run.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while self.running() > 0 {
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }
}

/// The sinks the config asks for.
#[derive(Debug, Default)]
pub struct Sinks {
    pub log: Option<AlertLog>,
    pub hook: Option<CommandHook>,
}

impl Sinks {
    pub fn from_config(config: &Config) -> Sinks {
        Sinks {
            log: config.alert_log.as_deref().map(AlertLog::new),
            hook: config.alert_command.clone().and_then(CommandHook::new),
        }
    }

    /// Sends alerts to every sink. Failures are logged and returned (one line each) for the
    /// caller to show; they never stop the caller.
    pub fn deliver(&mut self, alerts: &[Alert]) -> Vec<String> {
        let mut errors = Vec::new();
        if let Some(log) = &mut self.log
            && let Err(e) = log.append(alerts)
        {
            errors.push(format!("alert log {}: {e}", log.path().display()));
        }
        if let Some(hook) = &self.hook {
            errors.extend(alerts.iter().filter_map(|a| hook.fire(a).err()));
        }
        for e in &errors {
            tracing::warn!("{e}");
        }
        errors
    }
}
