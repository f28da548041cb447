//! The log file (tracing), never the screen: `ki2.log` in the data folder (`KI2_DATA_DIR`, or
//! the platform's, from `directories`). `KI2_LOG` sets the level (`info` by default).

use std::fs::{self, OpenOptions};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// A log larger than this is moved to `ki2.log.1` at start: the log stays bounded.
const ROTATE_AT: u64 = 10 << 20;

static PATH: OnceLock<PathBuf> = OnceLock::new();

/// The log file, once logging has started.
pub fn path() -> Option<&'static PathBuf> {
    PATH.get()
}

/// Starts logging to the file; returns its path, or `None` when the folder cannot be written
/// (ki2 then runs without a log rather than not at all).
pub fn init() -> Option<PathBuf> {
    let dir = crate::config::data_dir();
    fs::create_dir_all(&dir).ok()?;
    let path = dir.join("ki2.log");
    if fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_AT) {
        let _ = fs::rename(&path, dir.join("ki2.log.1"));
    }
    let file = OpenOptions::new().create(true).append(true).open(&path).ok()?;
    let level =
        std::env::var("KI2_LOG").ok().and_then(|l| l.parse::<tracing::Level>().ok()).unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt().with_writer(Mutex::new(file)).with_ansi(false).with_max_level(level).try_init().ok()?;
    let _ = PATH.set(path.clone());
    Some(path)
}
