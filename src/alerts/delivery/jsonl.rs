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

fn ends_torn(path: &std::path::Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = File::open(path) else { return false };
    let mut last = [0u8; 1];
    f.seek(SeekFrom::End(-1)).is_ok() && f.read_exact(&mut last).is_ok() && last[0] != b'\n'
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
                // A ki2 killed mid-write left a line without its end: end it, so that the torn
                // line stays on its own and the next alert is a whole line.
                if ends_torn(&self.path) {
                    text.insert(0, '\n');
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_torn_by_a_kill_stays_on_its_own_and_the_next_alert_is_whole() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("alerts.jsonl");
        std::fs::write(&path, "{\"id\":\"to")?;
        let a = crate::alerts::alert::sample(0);
        let mut sink = JsonLines::new(path.clone());
        sink.send(std::slice::from_ref(&a)).map_err(|e| format!("{e:?}"))?;
        sink.send(std::slice::from_ref(&a)).map_err(|e| format!("{e:?}"))?;
        let json = a.to_json();
        assert_eq!(std::fs::read_to_string(&path)?, format!("{{\"id\":\"to\n{json}\n{json}\n"));
        Ok(())
    }
}
