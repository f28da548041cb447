use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ki2::platform::allocator::limit_arenas();
    let cli = ki2::cli::Cli::parse();
    ki2::logging::init();
    tracing::info!("ki2 {} started: {}", env!("CARGO_PKG_VERSION"), std::env::args().collect::<Vec<_>>().join(" "));
    match ki2::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // One line naming what is at fault; the chain gives the file or setting.
            tracing::error!("{err:#}");
            eprintln!("ki2: {err:#}");
            ExitCode::from(ki2::commands::exit_code(&err))
        }
    }
}
