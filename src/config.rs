//! The config file (`config.toml` in the user's config folder, or `--config FILE`) and the
//! folders ki2 uses. Everything has a default: no file is needed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use toml::Spanned;

use crate::archive::ColumnOrder;
use crate::archive::columns::ColumnNames;

#[derive(Debug, Clone)]
pub struct Config {
    pub columns: ColumnOrder,
    /// How often active files are checked for growth, whatever file events say.
    pub poll_interval: Duration,
    /// Ring the terminal bell on new alerts.
    pub bell: bool,
    /// Where alerts go besides the screen.
    pub sinks: SinksConfig,
    /// The TUI's data-driven redraws: at most one per `frame_interval`, and within this many
    /// bytes per second of terminal output (0: no limit). Keys are always answered at once.
    pub frame_interval: Duration,
    pub output_budget: u64,
    /// `[lake]`: write the live day as Parquet there too (`ki2 watch`), every `flush`.
    pub lake: LakeConfig,
    /// The zone whose date names the archive's days (`today`): New York unless set.
    pub market_zone: chrono_tz::Tz,
    /// `[keys]`: actions bound to other keys (checked by the TUI's keymap at start).
    pub keys: Vec<KeyBinding>,
    /// `y` / `Y` copy to the clipboard with OSC 52 (`[screen] clipboard`).
    pub clipboard: bool,
    /// `[prices]`: where price bars are, their length, the market symbol (the analyses).
    pub prices: crate::prices::PricesConfig,
    /// `[baskets] similarity`: the Jaccard similarity to a basket's core a burst needs to join it.
    pub basket_similarity: f64,
    /// Where the config came from, if a file.
    pub source: Option<PathBuf>,
    /// What to tell the user at start (a file holding a secret that others can read).
    pub warnings: Vec<String>,
}

/// `[lake]`: `dir` (none: no lake) and `flush_s`.
#[derive(Debug, Clone, PartialEq)]
pub struct LakeConfig {
    pub dir: Option<PathBuf>,
    pub flush: Duration,
}

impl Default for LakeConfig {
    fn default() -> Self {
        LakeConfig { dir: None, flush: Duration::from_secs(2) }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            columns: ColumnOrder::default(),
            poll_interval: Duration::from_millis(250),
            bell: true,
            sinks: SinksConfig::default(),
            frame_interval: Duration::from_millis(100),
            output_budget: 24 * 1024,
            lake: LakeConfig::default(),
            market_zone: crate::archive::day::MARKET_ZONE,
            keys: Vec::new(),
            clipboard: true,
            prices: crate::prices::PricesConfig::default(),
            basket_similarity: crate::analysis::baskets::DEFAULT_SIMILARITY,
            source: None,
            warnings: Vec::new(),
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
    lake: LakeSection,
    #[serde(default)]
    keys: std::collections::BTreeMap<String, Spanned<KeySpec>>,
    #[serde(default)]
    market: MarketSection,
    #[serde(default)]
    prices: PricesSection,
    #[serde(default)]
    baskets: BasketsSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PricesSection {
    dir: Option<PathBuf>,
    bar_s: Option<Spanned<i64>>,
    market: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BasketsSection {
    similarity: Option<Spanned<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LakeSection {
    dir: Option<PathBuf>,
    flush_s: Option<f64>,
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
    clipboard: Option<bool>,
}

/// `action = "key"` or `action = ["key", ...]` under `[keys]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum KeySpec {
    One(String),
    Many(Vec<String>),
}

/// An action of the TUI bound to other keys in config.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyBinding {
    pub action: String,
    pub keys: Vec<String>,
    /// `line L, column C` in config.toml.
    pub at: String,
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
    command_mode: Option<Spanned<String>>,
    queue: Option<usize>,
    mqtt: Option<MqttSection>,
    #[serde(default)]
    webhook: Vec<WebhookSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MqttSection {
    url: Spanned<String>,
    user: Option<String>,
    password: Option<Spanned<String>>,
    /// The password from this environment variable.
    password_env: Option<Spanned<String>>,
    /// The password from the first line of this file.
    password_file: Option<Spanned<PathBuf>>,
    topic: Option<String>,
    status_topic: Option<String>,
    qos: Option<Spanned<u8>>,
    client_id: Option<String>,
    ca_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookSection {
    url: Option<Spanned<String>>,
    /// The URL from this environment variable (a webhook URL is its token).
    url_env: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
    max_per_minute: Option<u32>,
    timeout_s: Option<u64>,
}

/// The alert sinks of `[alerts]`, `[alerts.mqtt]` and `[[alerts.webhook]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SinksConfig {
    /// Append every alert as one JSON line to this file.
    pub log_file: Option<PathBuf>,
    /// Run this program (no shell) with alerts as JSON on stdin.
    pub command: Option<Vec<String>>,
    pub command_mode: CommandMode,
    /// Alerts each sink holds while it is down, at most (about 0.5 KB each).
    pub queue: usize,
    pub mqtt: Option<MqttConfig>,
    pub webhooks: Vec<WebhookConfig>,
    /// A secret written in the config file itself (`an MQTT password`, `a webhook URL`).
    pub inline_secret: Option<&'static str>,
    /// Files the MQTT password is read from.
    pub secret_files: Vec<PathBuf>,
}

impl Default for SinksConfig {
    fn default() -> Self {
        SinksConfig {
            log_file: None,
            command: None,
            command_mode: CommandMode::Each,
            queue: 100_000,
            mqtt: None,
            webhooks: Vec::new(),
            inline_secret: None,
            secret_files: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandMode {
    /// One process per alert, the alert's JSON on its stdin.
    Each,
    /// One long-running process reading one alert JSON per line on stdin.
    Stream,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MqttConfig {
    pub url: String,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    /// `{rule}`, `{symbol}` and `{source}` are filled in (escaped).
    pub topic: String,
    pub status_topic: String,
    pub qos: u8,
    pub client_id: Option<String>,
    /// `mqtts://`: TLS, checked against the system's roots or `ca_file` (PEM).
    pub tls: bool,
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    Json,
    Discord,
    Slack,
    Ntfy,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    pub url: String,
    pub format: WebhookFormat,
    pub max_per_minute: u32,
    pub timeout_s: u64,
}

/// `mqtt://host[:port]` (or `tcp://`), `mqtts://host[:port]` (or `ssl://`): host, port, TLS.
fn mqtt_address(url: &str) -> Result<(String, u16, bool), String> {
    let plain = url.strip_prefix("mqtt://").or_else(|| url.strip_prefix("tcp://")).map(|r| (r, false));
    let tls = url.strip_prefix("mqtts://").or_else(|| url.strip_prefix("ssl://")).map(|r| (r, true));
    let shown = crate::secrets::redact_url(url);
    let Some((rest, tls)) = plain.or(tls) else {
        return Err(format!("{shown:?}: expected mqtt://HOST:PORT or mqtts://HOST:PORT"));
    };
    if rest.contains('@') {
        return Err(format!("{shown:?}: give the user and password as user and password_env (or password_file)"));
    }
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
            (h, p.parse::<u16>().map_err(|_| format!("{shown:?}: {p:?} is not a port"))?)
        }
        _ => (rest, if tls { 8883 } else { 1883 }),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains('/') {
        return Err(format!("{shown:?}: expected mqtt://HOST:PORT"));
    }
    Ok((host.to_owned(), port, tls))
}

impl SinksConfig {
    fn parse(text: &str, a: AlertsSection) -> Result<SinksConfig, String> {
        let at = |span: std::ops::Range<usize>, msg: String| format!("{}: {msg}", line_col(text, span.start));
        let mut c = SinksConfig { log_file: a.log_file, ..SinksConfig::default() };
        if let Some(cmd) = a.command {
            if cmd.is_empty() || cmd[0].is_empty() {
                return Err("alerts.command: expected [\"program\", \"arg\", ...]".into());
            }
            c.command = Some(cmd);
        }
        if let Some(mode) = a.command_mode {
            c.command_mode = match mode.get_ref().as_str() {
                "each" => CommandMode::Each,
                "stream" => CommandMode::Stream,
                other => {
                    return Err(at(
                        mode.span(),
                        format!("alerts.command_mode = {other:?}: expected \"each\" or \"stream\""),
                    ));
                }
            };
        }
        if let Some(q) = a.queue {
            c.queue = q.clamp(1, 10_000_000);
        }
        if let Some(m) = a.mqtt {
            let (host, port, tls) =
                mqtt_address(m.url.get_ref()).map_err(|e| at(m.url.span(), format!("alerts.mqtt.url {e}")))?;
            let qos = match m.qos {
                Some(q) if *q.get_ref() > 2 => {
                    return Err(at(q.span(), format!("alerts.mqtt.qos = {}: expected 0, 1 or 2", q.get_ref())));
                }
                Some(q) => *q.get_ref(),
                None => 1,
            };
            let given = usize::from(m.password.is_some())
                + usize::from(m.password_env.is_some())
                + usize::from(m.password_file.is_some());
            if given > 1 {
                let span = m.password_env.as_ref().or(m.password.as_ref()).map_or(m.url.span(), Spanned::span);
                return Err(at(span, "alerts.mqtt: give one of password, password_env and password_file".into()));
            }
            let password = if let Some(p) = m.password {
                c.inline_secret = Some("an MQTT password");
                Some(p.into_inner())
            } else if let Some(var) = m.password_env {
                Some(
                    crate::secrets::from_env("alerts.mqtt.password_env", var.get_ref())
                        .map_err(|e| at(var.span(), e))?,
                )
            } else if let Some(file) = m.password_file {
                let p = crate::secrets::from_file("alerts.mqtt.password_file", file.get_ref())
                    .map_err(|e| at(file.span(), e))?;
                c.secret_files.push(file.into_inner());
                Some(p)
            } else {
                None
            };
            c.mqtt = Some(MqttConfig {
                url: m.url.into_inner(),
                host,
                port,
                user: m.user,
                password,
                topic: m.topic.unwrap_or_else(|| "ki2/alert/{rule}/{symbol}".into()),
                status_topic: m.status_topic.unwrap_or_else(|| "ki2/status".into()),
                qos,
                client_id: m.client_id,
                tls,
                ca_file: m.ca_file,
            });
        }
        for w in a.webhook {
            let (url, span) = match (w.url, w.url_env) {
                (Some(u), None) => {
                    c.inline_secret = Some("a webhook URL");
                    let span = u.span();
                    (u.into_inner(), span)
                }
                (None, Some(var)) => {
                    let span = var.span();
                    (
                        crate::secrets::from_env("alerts.webhook.url_env", var.get_ref())
                            .map_err(|e| at(span.clone(), e))?,
                        span,
                    )
                }
                (Some(u), Some(_)) => {
                    return Err(at(u.span(), "alerts.webhook: give url or url_env, not both".into()));
                }
                (None, None) => return Err("alerts.webhook: url or url_env is missing".into()),
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                let shown = crate::secrets::redact_url(&url);
                return Err(at(span, format!("alerts.webhook.url {shown:?}: expected http:// or https://")));
            }
            let format = match &w.format {
                None => WebhookFormat::Json,
                Some(f) => match f.get_ref().as_str() {
                    "json" => WebhookFormat::Json,
                    "discord" => WebhookFormat::Discord,
                    "slack" => WebhookFormat::Slack,
                    "ntfy" => WebhookFormat::Ntfy,
                    other => {
                        return Err(at(
                            f.span(),
                            format!(
                                "alerts.webhook.format = {other:?}: expected \"json\", \"discord\", \"slack\" or \"ntfy\""
                            ),
                        ));
                    }
                },
            };
            // Discord and Slack allow about one message a second per hook; stay below.
            let default_rate = if format == WebhookFormat::Json { 600 } else { 30 };
            c.webhooks.push(WebhookConfig {
                url,
                format,
                max_per_minute: w.max_per_minute.unwrap_or(default_rate).max(1),
                timeout_s: w.timeout_s.unwrap_or(10).clamp(1, 300),
            });
        }
        Ok(c)
    }
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
        let mut c = Config::parse(&text).map_err(|e| anyhow!("config file {}: {e}", path.display()))?;
        if let Some(what) = c.sinks.inline_secret {
            c.warnings.extend(crate::secrets::check_private(&path, what));
        }
        for file in &c.sinks.secret_files {
            c.warnings.extend(crate::secrets::check_private(file, "the MQTT password"));
        }
        c.source = Some(path);
        Ok(c)
    }

    /// The config in `text`; an error names its line and column, as `line L, column C: …`.
    pub fn parse(text: &str) -> Result<Config, String> {
        Config::parse_fields(text).map_err(|e| with_line(text, e))
    }

    fn parse_fields(text: &str) -> Result<Config, String> {
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
        if let Some(secs) = file.lake.flush_s {
            if !(0.1..=3600.0).contains(&secs) {
                return Err(format!("lake.flush_s = {secs}: expected 0.1 to 3600"));
            }
            c.lake.flush = Duration::from_secs_f64(secs);
        }
        c.lake.dir = file.lake.dir;
        c.clipboard = file.screen.clipboard.unwrap_or(true);
        c.keys = file
            .keys
            .into_iter()
            .map(|(action, spec)| {
                let at = line_col(text, spec.span().start);
                let keys = match spec.into_inner() {
                    KeySpec::One(k) => vec![k],
                    KeySpec::Many(v) => v,
                };
                KeyBinding { action, keys, at }
            })
            .collect();
        if let Some(name) = file.market.timezone {
            c.market_zone = name.parse().map_err(|_| {
                format!("market.timezone = {name:?}: expected an IANA zone such as \"America/New_York\"")
            })?;
        }
        if let Some(sim) = file.baskets.similarity {
            let v = *sim.get_ref();
            if !(v > 0.0 && v <= 1.0) {
                let at = line_col(text, sim.span().start);
                return Err(format!("{at}: baskets.similarity = {v}: expected more than 0, at most 1"));
            }
            c.basket_similarity = v;
        }
        c.bell = file.alerts.bell.unwrap_or(true);
        c.sinks = SinksConfig::parse(text, file.alerts)?;
        c.prices = prices(text, file.prices)?;
        Ok(c)
    }
}

fn prices(text: &str, p: PricesSection) -> Result<crate::prices::PricesConfig, String> {
    let mut c = crate::prices::PricesConfig { dir: p.dir, ..Default::default() };
    if let Some(b) = p.bar_s {
        let v = *b.get_ref();
        // A bar of a second up to a day: anything else is a typo, not a bar.
        c.bar_s = Some(u32::try_from(v).ok().filter(|v| (1..=86_400).contains(v)).ok_or_else(|| {
            format!("{}: prices.bar_s = {v}: expected seconds from 1 to 86400", line_col(text, b.span().start))
        })?);
    }
    if let Some(m) = p.market {
        let name = m.get_ref().trim();
        if name.is_empty() || name.contains(',') {
            return Err(format!(
                "{}: prices.market = {:?}: expected a symbol such as \"SPY\"",
                line_col(text, m.span().start),
                m.get_ref()
            ));
        }
        c.market = name.to_owned();
    }
    Ok(c)
}

/// A TOML error on one line: `line L, column C: message`.
pub fn toml_error(text: &str, err: &toml::de::Error) -> String {
    let msg = err.message().trim().replace('\n', " ");
    match err.span() {
        Some(span) => format!("{}: {msg}", line_col(text, span.start)),
        None => msg,
    }
}

/// An error about a value found valid TOML but not a valid setting (`lake.flush_s = 0: …`,
/// `columns.hft1: "num_quotes" is missing`) is told with the line of that key, as syntax and
/// type errors are: the message starts with the key's dotted name, which is looked up in the
/// text. A message that already has its line keeps it.
fn with_line(text: &str, message: String) -> String {
    if message.starts_with("line ") {
        return message;
    }
    let key = message.split([':', ' ']).next().unwrap_or_default();
    match key_offset(text, key) {
        Some(at) => format!("{}: {message}", line_col(text, at)),
        None => message,
    }
}

/// Where the value of the dotted `key` starts in `text` (tables only, not arrays of them).
fn key_offset(text: &str, key: &str) -> Option<usize> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        let (_, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == part)?;
        if parts.peek().is_none() {
            return Some(value.span().start);
        }
        match value.get_ref() {
            toml::de::DeValue::Table(t) => table = t,
            _ => return None,
        }
    }
    None
}

/// `line L, column C` of a byte offset.
pub fn line_col(text: &str, at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("line {line}, column {col}")
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
    fn the_lake_section_is_read_and_checked() -> Result<(), String> {
        let c = Config::parse("[lake]\ndir = \"/data/lake\"\nflush_s = 0.5\n")?;
        assert_eq!(c.lake, LakeConfig { dir: Some(PathBuf::from("/data/lake")), flush: Duration::from_millis(500) });
        assert_eq!(Config::parse("")?.lake.flush, Duration::from_secs(2));
        let err = Config::parse("[lake]\nflush_s = 0\n").err().ok_or("accepted")?;
        assert!(err.contains("lake.flush_s = 0"), "{err}");
        Ok(())
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
    fn the_prices_section_is_read_and_a_bad_value_is_named_with_its_line() -> Result<(), String> {
        let c = Config::parse("[prices]\ndir = \"/data/bars\"\nbar_s = 1\nmarket = \"QQQ\"\n")?;
        assert_eq!(
            (c.prices.dir, c.prices.bar_s, c.prices.market.as_str()),
            (Some(PathBuf::from("/data/bars")), Some(1), "QQQ")
        );
        assert_eq!(Config::parse("")?.prices.market, "SPY");
        let err = Config::parse("[prices]\n\nbar_s = 0\n").err().ok_or("accepted")?;
        assert!(err.starts_with("line 3, column 9: prices.bar_s = 0"), "{err}");
        let err = Config::parse("[prices]\nmarket = \"\"\n").err().ok_or("accepted")?;
        assert!(err.starts_with("line 2") && err.contains("prices.market"), "{err}");
        Ok(())
    }

    #[test]
    fn basket_similarity_is_read_and_a_bad_one_named_with_its_line() -> Result<(), String> {
        assert_eq!(Config::parse("")?.basket_similarity, 0.6);
        assert_eq!(Config::parse("[baskets]\nsimilarity = 0.75\n")?.basket_similarity, 0.75);
        let err = Config::parse("[baskets]\nsimilarity = 1.5\n").err().ok_or("accepted")?;
        assert!(err.starts_with("line 2, column 14: baskets.similarity = 1.5"), "{err}");
        Ok(())
    }

    #[test]
    fn empty_config_is_the_default() -> Result<(), String> {
        let c = Config::parse("")?;
        assert_eq!(c.columns, ColumnOrder::default());
        assert_eq!(c.poll_interval, Duration::from_millis(250));
        assert_eq!(c.sinks, SinksConfig::default());
        Ok(())
    }

    #[test]
    fn sinks_are_read_and_a_bad_one_is_named_with_its_line() -> Result<(), String> {
        let c = Config::parse(
            "[alerts]\ncommand = [\"mosquitto_pub\", \"-l\"]\ncommand_mode = \"stream\"\n\
             [alerts.mqtt]\nurl = \"mqtt://127.0.0.1:1884\"\n\
             [[alerts.webhook]]\nurl = \"https://discord.com/api/webhooks/1/x\"\nformat = \"discord\"\n",
        )?;
        assert_eq!(c.sinks.command_mode, CommandMode::Stream);
        let m = c.sinks.mqtt.ok_or("no mqtt")?;
        assert_eq!(
            (m.host.as_str(), m.port, m.qos, m.topic.as_str()),
            ("127.0.0.1", 1884, 1, "ki2/alert/{rule}/{symbol}")
        );
        assert_eq!(c.sinks.webhooks[0].format, WebhookFormat::Discord);
        assert_eq!(c.sinks.webhooks[0].max_per_minute, 30);
        let err = Config::parse("[alerts]\n\n[alerts.mqtt]\nurl = \"http://x\"\n").err().ok_or("accepted")?;
        assert!(err.starts_with("line 4, column 7: alerts.mqtt.url"), "{err}");
        let err =
            Config::parse("[[alerts.webhook]]\nurl = \"http://x\"\nformat = \"teams\"\n").err().ok_or("accepted")?;
        assert!(err.starts_with("line 3") && err.contains("\"teams\""), "{err}");
        let m = Config::parse("[alerts.mqtt]\nurl = \"mqtts://broker.example\"\n")?.sinks.mqtt.ok_or("no mqtt")?;
        assert_eq!((m.port, m.tls), (8883, true));
        Ok(())
    }

    #[test]
    fn a_setting_toml_accepts_but_ki2_does_not_is_named_with_its_line() {
        let cases = [
            (
                "[tail]\npoll_ms = 100\n\n[columns]\nhft1 = [\"symbol\", \"t1\", \"time\", \"bbo\", \"num_trades\", \"dollars\"]\n",
                "line 5, column 8: columns.hft1: \"num_quotes\" is missing",
            ),
            ("[lake]\ndir = \"/tmp/l\"\nflush_s = 0\n", "line 3, column 11: lake.flush_s = 0: expected 0.1 to 3600"),
            (
                "# where\n[market]\ntimezone = \"Mars/Olympus\"\n",
                "line 3, column 12: market.timezone = \"Mars/Olympus\": expected an IANA zone",
            ),
            ("[alerts]\nbell = false\ncommand = []\n", "line 3, column 11: alerts.command: expected [\"program\""),
            ("[screen]\nframe_ms = 1\n", "line 2, column 12: screen.frame_ms = 1"),
        ];
        for (text, want) in cases {
            let err = Config::parse(text).err().unwrap_or_default();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
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
