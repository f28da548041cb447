//! One writer per lake: two `export --follow` (or a `watch` with `[lake]` beside one) on the
//! same folder would each write parts for the same rows and compact over each other. The
//! writer holds `L/.ki2-lake/lock` (an OS file lock, released by the system when the process
//! ends however it ends, so a lock left by a crash is simply taken) with its process id in it,
//! which the one refused is told.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::folder::WORK;

/// Held for as long as the lake is written.
#[derive(Debug)]
pub struct LakeLock {
    _file: File,
}

/// Takes the lake `out`, or says which process holds it.
pub fn take(out: &Path) -> Result<LakeLock> {
    let work = out.join(WORK);
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let path = work.join("lock");
    // Not truncated before the lock is ours: the pid in it is the holder's.
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let holder = match text.trim().parse::<u32>() {
                Ok(pid) => format!("process {pid}"),
                Err(_) => "another process".to_owned(),
            };
            bail!(
                "the lake {} is being written by another ki2 ({holder}, holding {}): one writer per lake",
                out.display(),
                path.display()
            );
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    let said = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| writeln!(file, "{}", std::process::id()))
        .and_then(|()| file.sync_all());
    if let Err(e) = said {
        // The lock holds without it; only the message to a second writer is poorer.
        tracing::warn!("cannot write the process id into {}: {e}", path.display());
    }
    Ok(LakeLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_told_the_holders_pid_and_a_stale_file_is_taken() -> Result<()> {
        let dir = tempfile::tempdir()?;
        // Left by a writer that died: its pid is still in the file, its lock is not.
        std::fs::create_dir_all(dir.path().join(WORK))?;
        std::fs::write(dir.path().join(WORK).join("lock"), "4194304\n")?;
        let held = take(dir.path())?;
        let err = take(dir.path()).err().map(|e| format!("{e:#}")).unwrap_or_default();
        assert!(err.contains(&format!("process {}", std::process::id())), "{err}");
        drop(held);
        take(dir.path())?;
        Ok(())
    }
}
