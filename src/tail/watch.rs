//! File events as early wake-ups: the day's folders watched non-recursively with notify's
//! recommended watcher. Nothing here decides what was appended; the stat and listing timers do.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::Wake;
use crate::archive::layout::{child_ci, day_folders};
use crate::archive::{Day, Kind};

pub(super) struct Watch {
    watcher: RecommendedWatcher,
    watched: BTreeSet<PathBuf>,
}

impl Watch {
    pub fn start(wake: Sender<Wake>) -> notify::Result<Watch> {
        let watcher = notify::recommended_watcher(move |res: notify::Result<Event>| {
            let message = match res {
                Ok(ev) if ev.need_rescan() || ev.paths.is_empty() => Wake::Rescan,
                Ok(ev) if is_noise(&ev.kind) => return,
                Ok(ev) => Wake::Paths(ev.paths),
                // An error from the backend may mean lost events.
                Err(_) => Wake::Rescan,
            };
            let _ = wake.send(message);
        })?;
        Ok(Watch { watcher, watched: BTreeSet::new() })
    }

    /// Watches exactly `wanted` (folders that vanished meanwhile are skipped; the next listing
    /// tries again).
    pub fn update(&mut self, wanted: BTreeSet<PathBuf>) -> notify::Result<()> {
        for gone in self.watched.difference(&wanted) {
            let _ = self.watcher.unwatch(gone);
        }
        self.watched.retain(|p| wanted.contains(p));
        for path in wanted {
            if self.watched.contains(&path) {
                continue;
            }
            match self.watcher.watch(&path, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    self.watched.insert(path);
                }
                Err(e) if matches!(e.kind, notify::ErrorKind::PathNotFound) => {}
                Err(e) if matches!(&e.kind, notify::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound) => {
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// An event named a watched folder itself (deleted, moved, replaced): its watch may be gone,
    /// so it is registered again at the next update. Returns whether it was watched.
    pub fn forget(&mut self, path: &Path) -> bool {
        if self.watched.remove(path) {
            let _ = self.watcher.unwatch(path);
            true
        } else {
            false
        }
    }
}

/// Events the tailer itself causes by opening and reading files and folders: waking up on them
/// would make it read again, forever.
fn is_noise(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(
            AccessKind::Open(_) | AccessKind::Read | AccessKind::Close(AccessMode::Read | AccessMode::Execute)
        )
    )
}

/// The folders worth watching for `day`: both layouts' bases (to see a folder created), the
/// year folder of the monthly one (to see the month created), the three archive folders, and
/// wherever followed files were found.
pub(super) fn folders_to_watch<'a>(
    root: &Path,
    day: Day,
    followed: impl Iterator<Item = &'a Path>,
) -> BTreeSet<PathBuf> {
    let mut wanted = BTreeSet::new();
    let [flat, monthly] = day_folders(root, day);
    if let Some(year) = monthly.parent().filter(|y| y.is_dir()) {
        wanted.insert(year.to_path_buf());
    }
    for base in [flat, monthly] {
        if !base.is_dir() {
            continue;
        }
        for kind in [Kind::Quotes, Kind::Bursts, Kind::BurstSymbols] {
            if let Some(folder) = child_ci(&base, kind.folder()) {
                wanted.insert(folder);
            }
        }
        wanted.insert(base);
    }
    wanted.extend(followed.map(Path::to_path_buf));
    wanted
}

/// The file system type when `path` is on a network share, where no change event arrives.
pub(super) fn network_fs(path: &Path) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let path = std::fs::canonicalize(path).ok()?;
        let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
        mount_type(&mounts, &path).filter(|t| is_network_type(t))
    }
    #[cfg(windows)]
    {
        let p = path.as_os_str().to_string_lossy();
        let unc = (p.starts_with(r"\\") && !p.starts_with(r"\\?\")) || p.starts_with(r"\\?\UNC\");
        unc.then(|| "network share".into())
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        let _ = path;
        None
    }
}

/// The type of the mount holding `path`, from `/proc/self/mounts` text (the longest mount point
/// that contains it; the last one mounted wins a tie).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn mount_type(mounts: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for line in mounts.lines() {
        let mut fields = line.split_whitespace();
        let (Some(_), Some(point), Some(fstype)) = (fields.next(), fields.next(), fields.next()) else { continue };
        let point = unescape_octal(point);
        if path.starts_with(&point) && best.is_none_or(|(len, _)| point.len() >= len) {
            best = Some((point.len(), fstype));
        }
    }
    best.map(|(_, t)| t.to_string())
}

/// Mount points escape spaces and tabs as `\040`, `\011`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn unescape_octal(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let octal = b.get(i + 1..i + 4).filter(|d| b[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                out.push(d.iter().fold(0u8, |v, c| v.wrapping_mul(8).wrapping_add(c - b'0')));
                i += 4;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn is_network_type(fstype: &str) -> bool {
    const NETWORK: &[&str] = &[
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "drvfs",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "ncpfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gvfsd-fuse",
        "davfs",
        "fuse.davfs2",
    ];
    NETWORK.contains(&fstype)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTS: &str = "\
/dev/vda / ext4 rw,relatime 0 0
server:/export /mnt/archive nfs4 rw,relatime 0 0
//nas/hft /mnt/archive/win\\040share cifs rw 0 0
C:\\134 /mnt/c 9p rw 0 0
";

    #[test]
    fn shares_are_recognised_by_their_mount() {
        let t = |p: &str| mount_type(MOUNTS, Path::new(p));
        assert_eq!(t("/mnt/archive/2025/07").as_deref(), Some("nfs4"));
        assert_eq!(t("/mnt/archive/win share/Data").as_deref(), Some("cifs"));
        assert_eq!(t("/mnt/archived").as_deref(), Some("ext4"));
        assert_eq!(t("/home/me").as_deref(), Some("ext4"));
        assert!(is_network_type("9p") && is_network_type("cifs") && !is_network_type("ext4"));
    }

    #[test]
    fn the_tailers_own_opens_are_noise_but_writes_are_not() {
        use notify::event::{CreateKind, DataChange, ModifyKind};
        assert!(is_noise(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(is_noise(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!is_noise(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(!is_noise(&EventKind::Modify(ModifyKind::Data(DataChange::Any))));
        assert!(!is_noise(&EventKind::Create(CreateKind::File)));
    }
}
