//! The alert log: one JSON object per line, appended, one write per batch so that lines from
//! two writers never interleave mid-line.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use super::worker::{SendError, Sink};
use crate::alerts::Alert;

pub struct JsonLines {
    path: PathBuf,
    file: Option<File>,
}

impl JsonLines {
    pub fn new(path: PathBuf) -> JsonLines {
        JsonLines { path, file: None }
    }
}

impl Sink for JsonLines {
    fn send(&mut self, batch: &[Alert]) -> Result<(), SendError> {
        let mut text = String::new();
        for a in batch {
            text.push_str(&a.to_json());
            text.push('\n');
        }
        let retry = |what: &str, e: std::io::Error| SendError::Retry { message: format!("{what}: {e}"), after: None };
        let file = match &mut self.file {
            Some(f) => f,
            None => {
                if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| retry("cannot create its folder", e))?;
                }
                let f = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)
                    .map_err(|e| retry("cannot open", e))?;
                self.file.insert(f)
            }
        };
        if let Err(e) = file.write_all(text.as_bytes()).and_then(|()| file.flush()) {
            // Reopen next time: the file may have been moved or its disk remounted.
            self.file = None;
            return Err(retry("cannot write", e));
        }
        Ok(())
    }
}
