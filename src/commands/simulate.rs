use std::process::ExitCode;

use anyhow::Result;

use crate::cli::SimulateArgs;
use crate::config::Config;

pub fn run(_config: &Config, _args: SimulateArgs) -> Result<ExitCode> {
    anyhow::bail!("`ki2 simulate` is not built yet")
}
