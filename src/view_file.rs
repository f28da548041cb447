//! `view.toml` in the config folder: how the TUI's list panes were last shown — each pane's sort
//! column and direction and its hidden columns — written by the TUI when that changes and read
//! at the next start. This module knows the file (TOML, where each value was written, atomic
//! saves), not the panes: the UI checks the names against its columns.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;
use toml::Spanned;

use crate::config::{line_col, toml_error};

/// The file's name in the config folder.
pub const FILE: &str = "view.toml";

/// A value and where the file wrote it (`line L, column C`; empty when not read from a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: String,
}

impl<T> Located<T> {
    pub fn new(value: T) -> Located<T> {
        Located { value, at: String::new() }
    }
}

/// Why a file could not be used: where it is, and what is wrong (`line L, column C: ...`).
pub type ViewError = crate::archive::FileError;

/// One pane's section: `[quotes]` with `sort`, `descending` and `hidden`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneView {
    pub pane: Located<String>,
    pub sort: Option<Located<String>>,
    pub descending: Option<bool>,
    pub hidden: Vec<Located<String>>,
}

/// The whole file, its panes in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewFile {
    pub panes: Vec<PaneView>,
    /// Where it was read from, to name it in messages.
    pub origin: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    sort: Option<Spanned<String>>,
    descending: Option<bool>,
    #[serde(default)]
    hidden: Vec<Spanned<String>>,
}

impl ViewFile {
    /// `view.toml` in this config folder.
    pub fn path_in(config_dir: &Path) -> PathBuf {
        config_dir.join(FILE)
    }

    /// The file at `path`: None when there is none; a broken one is an error naming the file
    /// and the line, for the caller to report (and then do without it).
    pub fn load(path: &Path) -> Result<Option<ViewFile>, ViewError> {
        let error = |message: String| ViewError { path: path.to_path_buf(), message };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(error(format!("cannot read it: {e}"))),
        };
        let mut file = ViewFile::parse(&text).map_err(error)?;
        file.origin = Some(path.to_path_buf());
        Ok(Some(file))
    }

    pub fn parse(text: &str) -> Result<ViewFile, String> {
        let sections: std::collections::BTreeMap<String, Spanned<Section>> =
            toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let here = |s: &Spanned<String>| Located { value: s.get_ref().clone(), at: line_col(text, s.span().start) };
        let mut panes: Vec<(usize, PaneView)> = sections
            .into_iter()
            .map(|(name, section)| {
                let start = section.span().start;
                let s = section.into_inner();
                let pane = PaneView {
                    pane: Located { value: name, at: line_col(text, start) },
                    sort: s.sort.as_ref().map(here),
                    descending: s.descending,
                    hidden: s.hidden.iter().map(here).collect(),
                };
                (start, pane)
            })
            .collect();
        // In the file's order, not by name.
        panes.sort_by_key(|(start, _)| *start);
        Ok(ViewFile { panes: panes.into_iter().map(|(_, p)| p).collect(), origin: None })
    }

    /// The file's text: a comment saying what it is, then one section per pane.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# How ki2's list panes were last shown: the sort column and direction (< > r s) and the\n\
             # hidden columns (C). ki2 writes this file whenever that changes and reads it at start.\n",
        );
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        for p in &self.panes {
            out.push_str(&format!("\n[{}]\n", p.pane.value));
            if let Some(s) = &p.sort {
                out.push_str(&format!("sort = {}\n", quote(&s.value)));
            }
            if let Some(d) = p.descending {
                out.push_str(&format!("descending = {d}\n"));
            }
            let hidden: Vec<String> = p.hidden.iter().map(|h| quote(&h.value)).collect();
            out.push_str(&format!("hidden = [{}]\n", hidden.join(", ")));
        }
        out
    }

    /// Writes the file through a temporary file in the same folder and a rename: on disk it is
    /// always the old choice or the new one, never half of each.
    pub fn save_atomic(&self, path: &Path) -> Result<()> {
        crate::atomic_file::write(path, self.to_toml(), "view")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pane(name: &str, sort: &str, descending: bool, hidden: &[&str]) -> PaneView {
        PaneView {
            pane: Located::new(name.into()),
            sort: Some(Located::new(sort.into())),
            descending: Some(descending),
            hidden: hidden.iter().map(|h| Located::new(h.to_string())).collect(),
        }
    }

    #[test]
    fn a_saved_file_reads_back_the_same_with_where_each_value_is() -> Result<(), String> {
        let file = ViewFile {
            panes: vec![pane("quotes", "count", true, &["size", "dollars"]), pane("alerts", "rule", false, &[])],
            origin: None,
        };
        let text = file.to_toml();
        let back = ViewFile::parse(&text)?;
        // The same values (the text leaves out where each was read).
        assert_eq!(back.to_toml(), text);
        // The comment takes two lines, then a blank one: [quotes] is on line 4.
        assert_eq!(back.panes[0].pane.at, "line 4, column 1");
        assert_eq!(back.panes[0].sort.as_ref().map(|s| s.at.as_str()), Some("line 5, column 8"));
        assert_eq!(back.panes[0].hidden[1].at, "line 7, column 19");
        Ok(())
    }

    #[test]
    fn a_broken_file_is_an_error_naming_its_line() {
        let err = ViewFile::parse("[quotes]\nsort = \"count\"\nhidden = [\"size\"\n").err().unwrap_or_default();
        assert!(err.starts_with("line 3") || err.starts_with("line 4"), "{err}");
        let err = ViewFile::parse("[quotes]\n\nsortt = \"count\"\n").err().unwrap_or_default();
        assert!(err.starts_with("line 3, column 1") && err.contains("sortt"), "{err}");
    }

    #[test]
    fn saving_replaces_the_file_and_leaves_no_temporary_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = ViewFile::path_in(&dir.path().join("cfg"));
        assert_eq!(ViewFile::load(&path), Ok(None));
        let file = ViewFile { panes: vec![pane("bursts", "s1", true, &["cu"])], origin: None };
        file.save_atomic(&path)?;
        file.save_atomic(&path)?;
        let back = ViewFile::load(&path).map_err(|e| anyhow::anyhow!("{e}"))?.ok_or_else(|| anyhow::anyhow!("gone"))?;
        assert_eq!(back.panes[0].hidden[0].value, "cu");
        assert_eq!(back.origin.as_deref(), Some(path.as_path()));
        assert_eq!(std::fs::read_dir(dir.path().join("cfg"))?.count(), 1);
        Ok(())
    }
}
