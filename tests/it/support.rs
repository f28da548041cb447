//! Helpers every part of the suite uses: writing archive files and running the ki2 binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `bytes` at `root/rel`, creating its folders.
pub fn write(root: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, bytes).unwrap();
    p
}

/// Runs ki2 with no user config: exit code, stdout, stderr.
pub fn ki2(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ki2"))
        .args(args)
        .env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
        // Indexes of the tests' archives go to the build's scratch folder, not the user's.
        .env("KI2_DATA_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/data"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}
