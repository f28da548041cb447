use std::process::ExitCode;

use anyhow::Result;

use crate::cli::StatsArgs;
use crate::config::Config;

pub fn run(_config: &Config, _args: StatsArgs) -> Result<ExitCode> {
    anyhow::bail!("`ki2 stats` is not built yet")
}
