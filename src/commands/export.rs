use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ExportArgs;
use crate::config::Config;

pub fn run(_config: &Config, _args: ExportArgs) -> Result<ExitCode> {
    anyhow::bail!("`ki2 export` is not built yet")
}
