//! The config file (`config.toml` in the user's config folder, or `--config FILE`) and the
//! folders ki2 uses. Everything has a default: no file is needed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

use crate::archive::ColumnOrder;
use crate::archive::columns::ColumnNames;

#[derive(Debug, Clone)]
pub struct Config {
    pub columns: ColumnOrder,
    /// How often active files are checked for growth, whatever file events say.
    pub poll_interval: Duration,
    /// Ring the terminal bell on new alerts.
    pub bell: bool,
    /// Append every alert as one JSON line to this file.
    pub alert_log: Option<PathBuf>,
    /// Run this program (no shell) for every alert, with the alert as JSON on stdin.
    pub alert_command: Option<Vec<String>>,
    /// The TUI's data-driven redraws: at most one per `frame_interval`, and within this many
    /// bytes per second of terminal output (0: no limit). Keys are always answered at once.
    pub frame_interval: Duration,
    pub output_budget: u64,
    /// The zone whose date names the archive's days (`today`): New York unless set.
    pub market_zone: chrono_tz::Tz,
    /// Where the config came from, if a file.
    pub source: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            columns: ColumnOrder::default(),
            poll_interval: Duration::from_millis(250),
            bell: true,
            alert_log: None,
            alert_command: None,
            frame_interval: Duration::from_millis(100),
            output_budget: 24 * 1024,
            market_zone: crate::archive::day::MARKET_ZONE,
            source: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    columns: ColumnNames,
    #[serde(default)]
    tail: TailSection,
    #[serde(default)]
    alerts: AlertsSection,
    #[serde(default)]
    screen: ScreenSection,
    #[serde(default)]
    market: MarketSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketSection {
    timezone: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenSection {
    frame_ms: Option<u64>,
    max_output_kbps: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TailSection {
    poll_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertsSection {
    bell: Option<bool>,
    log_file: Option<PathBuf>,
    command: Option<Vec<String>>,
}

impl Config {
    /// `explicit` must exist; the default file may be absent.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = config_dir().join("config.toml");
                if !p.exists() {
                    return Ok(Config::default());
                }
                p
            }
        };
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("cannot read config file {}", path.display()))?;
        Config::parse(&text).map_err(|e| anyhow!("config file {}: {e}", path.display())).map(|mut c| {
            c.source = Some(path);
            c
        })
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let mut c = Config { columns: file.columns.resolve()?, ..Config::default() };
        if let Some(ms) = file.tail.poll_ms {
            if !(20..=60_000).contains(&ms) {
                return Err(format!("tail.poll_ms = {ms}: expected 20 to 60000"));
            }
            c.poll_interval = Duration::from_millis(ms);
        }
        if let Some(ms) = file.screen.frame_ms {
            if !(16..=5_000).contains(&ms) {
                return Err(format!("screen.frame_ms = {ms}: expected 16 to 5000"));
            }
            c.frame_interval = Duration::from_millis(ms);
        }
        if let Some(kb) = file.screen.max_output_kbps {
            c.output_budget = kb.saturating_mul(1024);
        }
        if let Some(name) = file.market.timezone {
            c.market_zone = name.parse().map_err(|_| {
                format!("market.timezone = {name:?}: expected an IANA zone such as \"America/New_York\"")
            })?;
        }
        c.bell = file.alerts.bell.unwrap_or(true);
        c.alert_log = file.alerts.log_file;
        if let Some(cmd) = file.alerts.command {
            if cmd.is_empty() || cmd[0].is_empty() {
                return Err("alerts.command: expected [\"program\", \"arg\", ...]".into());
            }
            c.alert_command = Some(cmd);
        }
        Ok(c)
    }
}

/// A TOML error on one line: `line L, column C: message`.
pub fn toml_error(text: &str, err: &toml::de::Error) -> String {
    let msg = err.message().trim().replace('\n', " ");
    match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {col}: {msg}")
        }
        None => msg,
    }
}

/// The user's config folder (`KI2_CONFIG_DIR` overrides it, for tests and odd setups).
pub fn config_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KI2_CONFIG_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "ki2")
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".ki2"))
}

/// Where logs go (`KI2_DATA_DIR` overrides it).
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KI2_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "ki2")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("ki2"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_pacing_is_configurable_and_checked() {
        let c = Config::parse("[screen]\nframe_ms = 250\nmax_output_kbps = 8\n").unwrap_or_default();
        assert_eq!((c.frame_interval, c.output_budget), (Duration::from_millis(250), 8 * 1024));
        let err = Config::parse("[screen]\nframe_ms = 1\n").err().unwrap_or_default();
        assert!(err.contains("screen.frame_ms = 1"), "{err}");
    }

    #[test]
    fn the_market_zone_is_new_york_unless_set() {
        assert_eq!(Config::parse("").map(|c| c.market_zone), Ok(chrono_tz::America::New_York));
        let c = Config::parse("[market]\ntimezone = \"America/Chicago\"\n").map(|c| c.market_zone);
        assert_eq!(c, Ok(chrono_tz::America::Chicago));
        let err = Config::parse("[market]\ntimezone = \"Mars/Olympus\"\n").err().unwrap_or_default();
        assert!(err.contains("market.timezone = \"Mars/Olympus\""), "{err}");
    }

    #[test]
    fn empty_config_is_the_default() {
        let c = Config::parse("").unwrap_or_default();
        assert_eq!(c.columns, ColumnOrder::default());
        assert_eq!(c.poll_interval, Duration::from_millis(250));
    }

    #[test]
    fn broken_config_names_its_line() {
        let err = Config::parse("[tail]\npoll_ms = 100\n[columns]\nhft1 = [\"symbol\",\n").err().unwrap_or_default();
        assert!(err.starts_with("line 4"), "{err}");
        let err = Config::parse("[tail]\npoll_msx = 100\n").err().unwrap_or_default();
        assert!(err.starts_with("line 2, column 1"), "{err}");
        let err = Config::parse("[columns]\nhft1 = [\"symbol\"]\n").err().unwrap_or_default();
        assert!(err.contains("missing"), "{err}");
    }
}
