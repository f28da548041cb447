//! Replacing a folder of Parquet files by another in one step, so that a reader listing
//! `L/<kind>/date=D/*.parquet` sees the old set or the new one, never both, never neither.
//!
//! `rename(2)` cannot replace a non-empty folder, and a symlink flip is no answer: DuckDB's
//! `**` glob does not follow symlinks (checked with DuckDB 2.0: "No files found"). Linux has
//! `renameat2(RENAME_EXCHANGE)`, which swaps two paths atomically; it is declared here rather
//! than through the `libc` crate, which ki2 does not depend on directly.

use std::io;
use std::path::Path;

/// Swaps the folders at `a` and `b` atomically (both must exist, on the same file system).
/// `Unsupported` where the platform or the file system cannot.
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    imp::exchange(a, b)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use std::ffi::{CString, c_char, c_int, c_uint};
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    unsafe extern "C" {
        fn renameat2(
            olddirfd: c_int,
            oldpath: *const c_char,
            newdirfd: c_int,
            newpath: *const c_char,
            flags: c_uint,
        ) -> c_int;
    }

    const AT_FDCWD: c_int = -100;
    const RENAME_EXCHANGE: c_uint = 1 << 1;

    pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
        let a = CString::new(a.as_os_str().as_bytes())?;
        let b = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: both pointers are NUL-terminated strings that live across the call;
        // renameat2 only reads them.
        let r = unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        // EINVAL: the file system has no exchange (some network file systems); ENOSYS: old kernel.
        match e.raw_os_error() {
            Some(22) | Some(38) => Err(io::Error::new(io::ErrorKind::Unsupported, e)),
            _ => Err(e),
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    use std::io;
    use std::path::Path;

    pub fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
        Err(io::Error::new(io::ErrorKind::Unsupported, "no atomic folder exchange on this platform"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_folders_trade_places() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a)?;
        std::fs::create_dir(&b)?;
        std::fs::write(a.join("x"), "from a")?;
        std::fs::write(b.join("y"), "from b")?;
        match exchange(&a, &b) {
            Err(e) if e.kind() == io::ErrorKind::Unsupported => return Ok(()),
            r => r?,
        }
        assert_eq!(std::fs::read_to_string(b.join("x"))?, "from a");
        assert_eq!(std::fs::read_to_string(a.join("y"))?, "from b");
        assert!(!a.join("x").exists());
        Ok(())
    }
}
