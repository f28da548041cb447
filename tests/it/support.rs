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
/// The ki2 under test; spawn it with [`ki2_cmd`] unless it runs under another program.
pub const KI2: &str = env!("CARGO_BIN_EXE_ki2");

/// ki2 with scratch config and data folders, never the user's: indexes, checkpoints and the
/// log go to the build's scratch folder unless the test names its own (a later `.env` wins),
/// and a `KI2_ROOT` in the caller's environment does not leak in.
pub fn ki2_cmd() -> Command {
    let mut cmd = Command::new(KI2);
    cmd.env("KI2_CONFIG_DIR", "/nonexistent-ki2-config")
        .env("KI2_DATA_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/data"))
        .env_remove("KI2_ROOT");
    cmd
}

pub fn ki2(args: &[&str]) -> (i32, String, String) {
    let out = ki2_cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}
