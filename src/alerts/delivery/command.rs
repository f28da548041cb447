//! The user's command. Started directly, never through a shell, so nothing in an alert (a
//! symbol is whatever the file says) can become a command. Two ways:
//! - `each`: one process per alert with the alert's JSON on stdin, a few at a time; the queue
//!   waits for them instead of skipping alerts (a flood of alerts is queued, not lost);
//! - `stream`: one long-running process reading JSON lines on stdin (`mosquitto_pub -l`, a
//!   script with a read loop), started again if it exits.

use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use super::worker::{SendError, Sink};
use crate::alerts::Alert;

/// How many per-alert processes run at once.
const AT_ONCE: usize = 8;
/// A per-alert process that runs longer than this is left to finish on its own.
const EACH_TIMEOUT: Duration = Duration::from_secs(30);

/// The program with its input piped, its output discarded (`argv` is never empty: the config
/// checks it).
fn spawn(argv: &[String]) -> Result<Child, SendError> {
    Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| SendError::Retry { message: format!("cannot start {:?}: {e}", argv[0]), after: None })
}

pub struct EachAlert {
    argv: Vec<String>,
}

impl EachAlert {
    pub fn new(argv: Vec<String>) -> EachAlert {
        EachAlert { argv }
    }

    fn start(&self, alert: &Alert) -> Result<Child, SendError> {
        let mut child = spawn(&self.argv)?;
        if let Some(mut stdin) = child.stdin.take() {
            let mut payload = alert.to_json();
            payload.push('\n');
            // A program that ignores its input and exits first is not an error of ours.
            let _ = stdin.write_all(payload.as_bytes());
        }
        Ok(child)
    }
}

impl Sink for EachAlert {
    fn max_batch(&self) -> usize {
        64
    }

    fn send(&mut self, batch: &[Alert]) -> Result<(), SendError> {
        let mut failed = 0;
        for group in batch.chunks(AT_ONCE) {
            let mut children = Vec::new();
            for a in group {
                match self.start(a) {
                    Ok(c) => children.push(c),
                    // Nothing of this group has been lost: the children started finish alone.
                    Err(e) if children.is_empty() => return Err(e),
                    Err(_) => failed += 1,
                }
            }
            let end = Instant::now() + EACH_TIMEOUT;
            for mut c in children {
                loop {
                    match c.try_wait() {
                        Ok(Some(status)) => {
                            failed += usize::from(!status.success());
                            break;
                        }
                        Ok(None) if Instant::now() < end => std::thread::sleep(Duration::from_millis(2)),
                        _ => {
                            // Reaped by a thread so it does not linger as a zombie.
                            std::thread::spawn(move || c.wait());
                            break;
                        }
                    }
                }
            }
        }
        if failed > 0 {
            return Err(SendError::Reject(format!("{failed} run(s) of {:?} failed", self.argv[0])));
        }
        Ok(())
    }
}

pub struct Stream {
    argv: Vec<String>,
    child: Option<(Child, ChildStdin)>,
}

impl Stream {
    pub fn new(argv: Vec<String>) -> Stream {
        Stream { argv, child: None }
    }

    fn stdin(&mut self) -> Result<&mut ChildStdin, SendError> {
        if let Some((c, _)) = &mut self.child
            && !matches!(c.try_wait(), Ok(None))
        {
            tracing::warn!("alert command {:?} exited: starting it again", self.argv[0]);
            self.child = None;
        }
        if self.child.is_none() {
            let mut child = spawn(&self.argv)?;
            let stdin = child
                .stdin
                .take()
                .ok_or_else(|| SendError::Retry { message: "no stdin to write to".into(), after: None })?;
            self.child = Some((child, stdin));
        }
        match &mut self.child {
            Some((_, stdin)) => Ok(stdin),
            None => Err(SendError::Retry { message: "not running".into(), after: None }),
        }
    }
}

impl Sink for Stream {
    fn send(&mut self, batch: &[Alert]) -> Result<(), SendError> {
        let mut text = String::new();
        for a in batch {
            text.push_str(&a.to_json());
            text.push('\n');
        }
        let stdin = self.stdin()?;
        if let Err(e) = stdin.write_all(text.as_bytes()).and_then(|()| stdin.flush()) {
            // It died mid-batch: the whole batch goes again to the next one (ids tell repeats).
            self.child = None;
            return Err(SendError::Retry { message: format!("cannot write to {:?}: {e}", self.argv[0]), after: None });
        }
        Ok(())
    }

    fn close(&mut self) {
        if let Some((mut child, stdin)) = self.child.take() {
            // End of input lets it finish what it read.
            drop(stdin);
            let end = Instant::now() + Duration::from_secs(2);
            while Instant::now() < end && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(10));
            }
            if matches!(child.try_wait(), Ok(None)) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}
