//! Command-line interface (clap derive). Parsing only: each command runs in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "ki2", version, about = "Terminal monitor for the HFTAlert Burst Monitor archive")]
pub struct Cli {
    /// Archive root; with no command, opens the TUI on it (same as `ki2 watch`).
    #[arg(long, env = "KI2_ROOT", global = false)]
    pub root: Option<PathBuf>,
    /// Day to open with the default command: YYYYMMDD, `today` or `latest`.
    #[arg(long, default_value = "latest")]
    pub date: String,
    /// Config file (column orders, polling); default: the user's config folder.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulated Burst Monitor writing a live archive into a temporary folder, with the TUI on it.
    Demo(DemoArgs),
    /// The TUI over a real archive.
    Watch(WatchArgs),
    /// Write a realistic archive (all five file kinds, with the writer's quirks).
    Simulate(SimulateArgs),
    /// Evaluate alert rules over a day (and, with --follow, over what is appended).
    Scan(ScanArgs),
    /// Per-day summary of an archive.
    Stats(StatsArgs),
    /// Write the archive as Hive-partitioned Parquet.
    Export(ExportArgs),
    /// Event study: what prices did after each kind of event (needs price bars).
    Study(StudyArgs),
    /// Recurring baskets: bursts that hit the same set of symbols again, across days.
    Baskets(BasketsArgs),
}

#[derive(Debug, Args, Clone)]
pub struct RootArgs {
    /// Archive root (flat `Data/...` or monthly `YYYY/MM/Data/...`).
    #[arg(long, env = "KI2_ROOT")]
    pub root: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Simulation speed (seconds of market time per real second).
    #[arg(long, default_value_t = 20.0)]
    pub speed: f64,
    /// Seed of the simulated market.
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Debug, Args, Clone)]
pub struct WatchArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// YYYYMMDD, `today` or `latest`.
    #[arg(long, default_value = "latest")]
    pub date: String,
    /// Rules file (default: the user's config folder, else the built-in defaults).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Poll the files instead of relying on change events (network shares).
    #[arg(long)]
    pub poll: bool,
    /// Price bars for the Edges view's study, the symbol view's price line and the selected
    /// burst's return so far (default: `[prices] dir` in config.toml).
    #[arg(long, value_name = "DIR")]
    pub prices: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// Market seconds per real second (60 = a minute per second).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Day to write: YYYYMMDD or `today`.
    #[arg(long, default_value = "today")]
    pub date: String,
    /// Seed: the same seed writes the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the whole day at once instead of live.
    #[arg(long)]
    pub instant: bool,
    /// Size of the day: `normal` or `heavy` (1,000,000 hft1 rows, for benchmarks).
    #[arg(long, default_value = "normal")]
    pub profile: String,
    /// Start the live day at this market time (HHMMSS) instead of 04:00:00.
    #[arg(long)]
    pub start: Option<String>,
    /// Also write the day's price bars (canonical minute bars, DIR/YYYYMMDD.csv).
    #[arg(long, value_name = "DIR")]
    pub prices: Option<PathBuf>,
    /// With --prices: the reversal after cappers, in basis points over 30 minutes (0: none).
    #[arg(long, value_name = "BP", requires = "prices")]
    pub edge: Option<f64>,
    /// With --instant: also write this many earlier weekdays (a history to study).
    #[arg(long, value_name = "N", default_value_t = 0, requires = "instant")]
    pub days: u32,
    /// Players: programs that fire the same basket of symbols day after day (0: random bursts only).
    #[arg(long, default_value_t = crate::sim::DEFAULT_PLAYERS)]
    pub players: usize,
}

#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// YYYYMMDD, `today` or `latest`.
    #[arg(long, default_value = "latest")]
    pub date: String,
    /// Rules file (default: the user's config folder, else the built-in defaults).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Keep running and evaluate appended rows as they arrive.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: resume after the last alert printed under this name instead of printing
    /// the day again (kept per archive root in the data folder).
    #[arg(long, value_name = "NAME", requires = "follow")]
    pub checkpoint: Option<String>,
    /// One JSON object per alert.
    #[arg(long)]
    pub json: bool,
    /// Poll the files instead of relying on change events (with --follow).
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Args, Clone)]
pub struct StatsArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// YYYYMMDD, `today`, `latest` (default) or `all`.
    #[arg(long, default_value = "latest")]
    pub date: String,
    /// One JSON object per day.
    #[arg(long)]
    pub json: bool,
    /// List every malformed row (file:line: reason).
    #[arg(long)]
    pub malformed: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// Output folder: OUT/<kind>/date=YYYY-MM-DD/part-0.parquet
    #[arg(long)]
    pub out: PathBuf,
    /// First day (YYYYMMDD), inclusive.
    #[arg(long, conflicts_with = "follow")]
    pub from: Option<String>,
    /// Last day (YYYYMMDD), inclusive.
    #[arg(long, conflicts_with = "follow")]
    pub to: Option<String>,
    /// Price bars to export beside the archive, as OUT/bars/date=YYYY-MM-DD/ (default:
    /// `[prices] dir` in config.toml); with --follow, each archive day's bars whenever its bars
    /// file changes (today's as it grows).
    #[arg(long, value_name = "DIR")]
    pub prices: Option<PathBuf>,
    /// Keep running: every row appended lands in OUT within `[lake] flush_s` (default 2 s),
    /// exactly once across restarts; parts are compacted as the day grows and when it ends.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: YYYYMMDD, `today` or `latest` (`latest` and `today` move on to the next
    /// day when its files appear).
    #[arg(long, default_value = "latest", requires = "follow")]
    pub date: String,
    /// With --follow: poll the files instead of relying on change events (network shares).
    #[arg(long, requires = "follow")]
    pub poll: bool,
    /// With --follow: parts of a kind and day merged into one file past this many.
    #[arg(long, default_value_t = 64, hide = true)]
    pub compact_parts: usize,
}

#[derive(Debug, Args, Clone)]
pub struct StudyArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// Price bars: canonical YYYYMMDD.csv|.parquet or vendor YYYY-MM-DD.csv[.gz] (default:
    /// `[prices] dir` in config.toml).
    #[arg(long, value_name = "DIR")]
    pub prices: Option<PathBuf>,
    /// First day (YYYYMMDD), inclusive.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYYMMDD), inclusive.
    #[arg(long)]
    pub to: Option<String>,
    /// burst, capper, first_seen or rule:NAME; repeat for several (default: burst, capper, first_seen).
    #[arg(long = "event", value_name = "KIND")]
    pub events: Vec<String>,
    /// Forward horizons: seconds or with a unit, comma-separated.
    #[arg(long, default_value = "1m,5m,15m,30m")]
    pub horizons: String,
    /// One JSON object per (event group, subject, horizon).
    #[arg(long)]
    pub json: bool,
    /// Also write OUT/pairs.parquet (every event-symbol pair) and OUT/summary.parquet.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also draw each group's mean cumulative return, -30 to +30 min, as an SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// List every malformed bar row skipped (file:line: reason) on stderr, not only the first few.
    #[arg(long)]
    pub malformed: bool,
    /// Rules file, for `capper` and `rule:NAME` (default: the user's config folder, else the built-in defaults).
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct BasketsArgs {
    #[command(flatten)]
    pub root: RootArgs,
    /// First day (YYYYMMDD), inclusive: only bursts from then on are counted.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYYMMDD), inclusive.
    #[arg(long)]
    pub to: Option<String>,
    /// Baskets seen at least this many times (the TUI's Baskets view lists the same).
    #[arg(long, default_value_t = crate::analysis::baskets::table::MIN_BURSTS)]
    pub min: u32,
    /// One JSON object per basket.
    #[arg(long)]
    pub json: bool,
    /// Also write Parquet for notebooks: OUT/bursts.parquet (each burst with its basket) and
    /// OUT/baskets.parquet (the baskets listed).
    #[arg(long)]
    pub out: Option<PathBuf>,
}
