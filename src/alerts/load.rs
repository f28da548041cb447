//! Rules files: where a command's rules come from, and saving without losing the old file
//! when something fails.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use super::ruleset::RuleSet;

/// Where a command's rules came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesOrigin {
    File(PathBuf),
    Defaults,
}

impl RuleSet {
    /// Reads a rules file; the error names the file and the line.
    pub fn load(path: &Path) -> Result<RuleSet> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read rules file {}", path.display()))?;
        RuleSet::parse(&text).map_err(|e| anyhow!("rules file {}: {e}", path.display()))
    }

    /// Where the TUI saves rules and every command looks for them.
    pub fn user_path() -> PathBuf {
        crate::config::config_dir().join("rules.toml")
    }

    /// `--rules FILE` (which must exist), else the user's rules file if there is one, else the
    /// defaults.
    pub fn resolve(explicit: Option<&Path>) -> Result<(RuleSet, RulesOrigin)> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = RuleSet::user_path();
                if !p.exists() {
                    return Ok((RuleSet::defaults(), RulesOrigin::Defaults));
                }
                p
            }
        };
        Ok((RuleSet::load(&path)?, RulesOrigin::File(path)))
    }

    /// Writes the rules to `path` through a temporary file in the same folder and a rename, so
    /// the file on disk is always either the old rules or the new ones. A symlinked file is
    /// written where the link points (the rename would otherwise replace the link with a plain
    /// file), and the user's comments and layout are kept (`rewrite`).
    pub fn save_atomic(&self, path: &Path) -> Result<()> {
        let target = link_target(path);
        let path = target.as_path();
        let fresh = self.to_toml();
        let text = match std::fs::read_to_string(path) {
            Ok(old) => super::rewrite::merge(&old, &fresh).unwrap_or_else(|e| {
                // The file on disk no longer parses: the rules in effect are written afresh.
                tracing::warn!("rules file {}: cannot keep its layout ({e}); writing it afresh", path.display());
                fresh
            }),
            Err(_) => fresh,
        };
        crate::atomic_file::write(path, &text, "rules")
    }
}

/// Where a chain of symlinks at `path` ends (the path itself when it is no link); a dangling
/// link gives the path it points to, so the save creates the file there.
fn link_target(path: &Path) -> PathBuf {
    let mut at = path.to_path_buf();
    // A loop of links is cut short: writing the last one reached then fails with its name.
    for _ in 0..32 {
        match std::fs::read_link(&at) {
            Ok(next) => at = at.parent().map_or_else(|| next.clone(), |dir| dir.join(&next)),
            Err(_) => break,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::Value;

    #[test]
    fn saving_replaces_the_file_atomically_and_creates_its_folder() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("config").join("rules.toml");
        let mut set = RuleSet::defaults();
        set.save_atomic(&path)?;
        assert_eq!(RuleSet::load(&path)?, set);
        set.update(0, |r| r.step(true)).map_err(anyhow::Error::msg)?;
        set.save_atomic(&path)?;
        assert_eq!(RuleSet::load(&path)?.rules()[0].value, Value::Count(2100));
        // Only the rules file is left behind: no temporary files.
        assert_eq!(std::fs::read_dir(path.parent().unwrap_or(dir.path()))?.count(), 1);
        Ok(())
    }

    #[test]
    fn a_failed_save_says_what_failed_and_keeps_the_old_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        // The target is a folder: the rename cannot replace it.
        let path = dir.path().join("rules.toml");
        std::fs::create_dir(&path)?;
        std::fs::write(path.join("keep"), "x")?;
        let msg = RuleSet::defaults().save_atomic(&path).err().map(|e| format!("{e:#}")).unwrap_or_default();
        assert!(msg.starts_with(&format!("cannot replace {}", path.display())), "{msg}");
        assert_eq!(std::fs::read_to_string(path.join("keep"))?, "x");
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1, "the temporary file is cleaned up");
        // A folder that cannot be created.
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "")?;
        let msg = RuleSet::defaults().save_atomic(&blocked.join("rules.toml")).err().map(|e| format!("{e:#}"));
        assert!(msg.unwrap_or_default().starts_with(&format!("cannot create folder {}", blocked.display())));
        Ok(())
    }

    // Unix only: creating a symlink on Windows needs a privilege CI does not have.
    #[cfg(unix)]
    #[test]
    fn a_symlinked_rules_file_stays_a_link_and_keeps_its_comments() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let real = dir.path().join("dotfiles");
        std::fs::create_dir(&real)?;
        let mut set = RuleSet::defaults();
        let text = format!("# mine, from my dotfiles\n{}", set.to_toml());
        std::fs::write(real.join("rules.toml"), text)?;
        let link = dir.path().join("rules.toml");
        std::os::unix::fs::symlink("dotfiles/rules.toml", &link)?;
        set.update(0, |r| r.step(true)).map_err(anyhow::Error::msg)?;
        set.save_atomic(&link)?;
        assert!(std::fs::symlink_metadata(&link)?.file_type().is_symlink(), "the link was replaced");
        let saved = std::fs::read_to_string(real.join("rules.toml"))?;
        assert!(saved.starts_with("# mine, from my dotfiles\n"), "{saved}");
        assert_eq!(RuleSet::load(&link)?, set);
        // The temporary file was made beside the target, and is gone.
        assert_eq!(std::fs::read_dir(&real)?.count(), 1);
        Ok(())
    }

    #[test]
    fn a_missing_rules_file_is_named() {
        let msg = RuleSet::load(Path::new("/no/such/rules.toml")).err().map(|e| format!("{e:#}")).unwrap_or_default();
        assert!(msg.starts_with("cannot read rules file /no/such/rules.toml: "), "{msg}");
    }
}
