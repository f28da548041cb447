use std::process::ExitCode;

use anyhow::Result;

use crate::cli::WatchArgs;
use crate::config::Config;

pub fn run(_config: &Config, _args: WatchArgs) -> Result<ExitCode> {
    anyhow::bail!("`ki2 watch` is not built yet")
}
