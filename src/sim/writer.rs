//! Files of one simulated day in the flat layout. Growing files are opened on their first
//! write and kept open (as the Burst Monitor keeps its CSVs open); symbol files are written
//! whole, one per burst.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::market::{Stream, Tick};
use crate::archive::kind::{Name, parse_name};
use crate::archive::{Day, Kind, SecondOfDay};

pub struct ArchiveWriter {
    root: PathBuf,
    day: Day,
    files: [Appender; 4],
}

struct Appender {
    path: PathBuf,
    out: Option<BufWriter<File>>,
}

impl ArchiveWriter {
    /// Makes the three folders and removes the files `day` already has there: the simulator
    /// writes the day from scratch, and a stale file would show rows it did not write.
    pub fn create(root: &Path, day: Day) -> Result<ArchiveWriter> {
        for folder in [Kind::Quotes.folder(), Kind::Bursts.folder(), Kind::BurstSymbols.folder()] {
            let dir = root.join(folder);
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let files = Stream::ALL.map(|s| {
            let kind = s.kind();
            Appender { path: root.join(kind.folder()).join(kind.file_name(day, None)), out: None }
        });
        for f in &files {
            remove_if_present(&f.path)?;
        }
        let symbols = root.join(Kind::BurstSymbols.folder());
        let listing = fs::read_dir(&symbols).with_context(|| format!("cannot list {}", symbols.display()))?;
        for entry in listing.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Name::File { day: d, kind: Kind::BurstSymbols, .. } = parse_name(Kind::BurstSymbols.folder(), name)
                && d == day
            {
                remove_if_present(&entry.path())?;
            }
        }
        Ok(ArchiveWriter { root: root.to_path_buf(), day, files })
    }

    /// Writes everything in `tick` and empties it.
    pub fn write_tick(&mut self, tick: &mut Tick) -> Result<()> {
        for s in Stream::ALL {
            let buf = tick.buf(s);
            if !buf.is_empty() {
                self.files[s as usize].append(buf)?;
                buf.clear();
            }
        }
        for (burst, bytes) in tick.symbol_files.drain(..) {
            self.symbol_file(burst, &bytes)?;
        }
        Ok(())
    }

    fn symbol_file(&self, burst: SecondOfDay, bytes: &[u8]) -> Result<()> {
        let kind = Kind::BurstSymbols;
        let path = self.root.join(kind.folder()).join(kind.file_name(self.day, Some(burst)));
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Hands what is buffered to the OS, so a reader sees it.
    pub fn flush(&mut self) -> Result<()> {
        for f in &mut self.files {
            if let Some(out) = &mut f.out {
                out.flush().with_context(|| format!("cannot write {}", f.path.display()))?;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }
}

impl Appender {
    fn append(&mut self, bytes: &[u8]) -> Result<()> {
        let out = match &mut self.out {
            Some(out) => out,
            None => {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)
                    .with_context(|| format!("cannot open {}", self.path.display()))?;
                self.out.insert(BufWriter::with_capacity(1 << 16, file))
            }
        };
        out.write_all(bytes).with_context(|| format!("cannot write {}", self.path.display()))
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot replace {}", path.display()))
        }
        _ => Ok(()),
    }
}
