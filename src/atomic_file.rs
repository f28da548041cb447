//! Writing a file so that on disk it is always the old content or the new one, never half of
//! each, also across a power cut: a temporary file with a unique name in the same folder (two
//! writers never share one), synced, renamed over the file, and the folder synced so that the
//! rename itself is on disk (rules.toml, view.toml, the delivery checkpoints).
//!
//! Without the last step a crash soon after the rename can leave the old name pointing at
//! nothing or at an empty file on file systems that reorder metadata (ext4 with
//! `noauto_da_alloc`, XFS): the case behind a checkpoint "torn by a power cut".

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

/// Writes `bytes` to `path` (its folder created if need be); `name` starts the temporary
/// file's name (`.rules-….toml.tmp`), so that one left by a crash says whose it is.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>, name: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    let ext = path.extension().map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}-"))
        .suffix(&format!("{ext}.tmp"))
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes.as_ref())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path).map_err(|e| anyhow!("cannot replace {}: {}", path.display(), e.error))?;
    sync_dir(&dir);
    Ok(())
}

/// Makes a folder's entries (a rename into it) durable. Best effort: Windows cannot open a
/// folder as a file, and there the rename is durable by itself (NTFS journals it).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_replaced_whole_and_no_temporary_file_is_left() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("sub/20250714.json");
        write(&path, "{\"a\":1}", "checkpoint")?;
        write(&path, b"{\"a\":2}", "checkpoint")?;
        assert_eq!(std::fs::read_to_string(&path)?, "{\"a\":2}");
        let names: Vec<String> = std::fs::read_dir(dir.path().join("sub"))?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<std::io::Result<_>>()?;
        assert_eq!(names, ["20250714.json"]);
        Ok(())
    }
}
