use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ScanArgs;
use crate::config::Config;

pub fn run(_config: &Config, _args: ScanArgs) -> Result<ExitCode> {
    anyhow::bail!("`ki2 scan` is not built yet")
}
