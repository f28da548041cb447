use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ki2::cli::Cli::parse();
    match ki2::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // One line naming what is at fault; the chain gives the file or setting.
            eprintln!("ki2: {err:#}");
            ExitCode::from(ki2::commands::exit_code(&err))
        }
    }
}
