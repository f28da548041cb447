use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DemoArgs;
use crate::config::Config;

pub fn run(_config: &Config, _args: DemoArgs) -> Result<ExitCode> {
    anyhow::bail!("`ki2 demo` is not built yet")
}
