//! `actionplan`: serve the web app (default), import plans, run migrations.

use std::process::ExitCode;

use clap::Parser;

// glibc's allocator showed up as a tenth of the time of a page under load (many small strings).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
