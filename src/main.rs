//! `actionplan`: serve the web app (default), import plans, run migrations.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = actionplan::cli::Cli::parse();
    actionplan::telemetry::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Không khởi động được tokio: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(actionplan::cli::run(cli))
}
