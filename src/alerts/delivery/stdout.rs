//! `ki2 scan --follow` prints alerts as a sink does: in order, from the same queue, so that
//! with `--checkpoint` a restart prints only what it had not printed.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::worker::{SendError, Sink};
use crate::alerts::{Alert, HumanFormat};

pub struct Stdout {
    json: bool,
    human: HumanFormat,
    /// Set when the reader went away (`| head`): the command then ends quietly.
    closed: Arc<AtomicBool>,
}

impl Stdout {
    pub fn new(json: bool, human: HumanFormat, closed: Arc<AtomicBool>) -> Stdout {
        Stdout { json, human, closed }
    }
}

impl Sink for Stdout {
    fn send(&mut self, batch: &[Alert]) -> Result<(), SendError> {
        let mut text = String::new();
        for a in batch {
            text.push_str(&if self.json { a.to_json() } else { self.human.line(a) });
            text.push('\n');
        }
        let mut out = io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::SeqCst);
                Err(SendError::Retry { message: "standard output closed".into(), after: None })
            }
            Err(e) => Err(SendError::Retry { message: format!("cannot write to standard output: {e}"), after: None }),
        }
    }
}
