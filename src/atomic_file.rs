//! Writing a file so that on disk it is always the old content or the new one, never half of
//! each, also across a power cut: a temporary file with a unique name in the same folder (two
//! writers never share one), synced, renamed over the file, and the folder synced so that the
//! rename itself is on disk (rules.toml, view.toml, the delivery checkpoints).
//!
//! Without the last step a crash soon after the rename can leave the old name pointing at
//! nothing or at an empty file on file systems that reorder metadata (ext4 with
//! `noauto_da_alloc`, XFS): the case behind a checkpoint "torn by a power cut".

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use polars::prelude::{DataFrame, ParquetWriter};

/// How hard to hold on to what was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durable {
    /// Synced before the rename, and the folder after it: checkpoints, rules, the lake.
    Synced,
    /// Renamed whole but not synced: a cache ki2 rebuilds when it finds it torn (the day
    /// index), where a sync per file would cost more than the rebuild it saves.
    Rebuildable,
}

/// Writes `bytes` to `path` (its folder created if need be); `name` starts the temporary
/// file's name (`.rules-….toml.tmp`), so that one left by a crash says whose it is.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>, name: &str) -> Result<()> {
    write_with(path, name, Durable::Synced, |w| Ok(w.write_all(bytes.as_ref())?))
}

/// `df` as Parquet (polars' default options), written as [`write`] does.
pub fn write_parquet(path: &Path, df: &mut DataFrame, name: &str) -> Result<()> {
    write_with(path, name, Durable::Synced, |w| {
        ParquetWriter::new(w).finish(df).map(|_| ()).map_err(|e| anyhow!("{e}"))
    })
}

/// As [`write`], with what the file holds written by `fill` (a Parquet writer, say). The
/// temporary file is removed when anything fails, and the old file stays.
pub fn write_with(
    path: &Path,
    name: &str,
    durable: Durable,
    fill: impl FnOnce(&mut BufWriter<&File>) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    let ext = path.extension().map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}-"))
        .suffix(&format!("{ext}.tmp"))
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let written = (|| -> Result<()> {
        let mut w = BufWriter::new(tmp.as_file());
        fill(&mut w)?;
        w.flush()?;
        drop(w);
        if durable == Durable::Synced {
            tmp.as_file().sync_all()?;
        }
        Ok(())
    })();
    written.with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path).map_err(|e| anyhow!("cannot replace {}: {}", path.display(), e.error))?;
    if durable == Durable::Synced {
        sync_dir(&dir);
    }
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

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary_one() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("pairs.parquet");
        write(&path, "old", "study")?;
        let failed = write_with(&path, "study", Durable::Synced, |w| {
            w.write_all(b"half")?;
            Err(anyhow!("the writer gave up"))
        });
        let message = format!("{:#}", failed.err().context("the write should fail")?);
        assert!(message.contains("the writer gave up"), "{message}");
        assert_eq!(std::fs::read_to_string(&path)?, "old");
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
        Ok(())
    }
}
