//! `actionplan import FILE...`: read plan documents and store them, each whole or not at all;
//! `--dry-run` prints what would be stored without touching a database.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;

use super::{Cli, default_bind};
use crate::db::bootstrap::{self, Database};
use crate::db::import::{ImportFailure, ImportOutcome, ImportStatus, import_document_with};
use crate::import::{Overrides, parse_document_with, preview_text, read_document};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Plan documents: text (UTF-8 or UTF-16), a portal page saved as text or Markdown.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The code of a draft that has none yet ("12/KH-UBND"); with several files, each gets it.
    #[arg(long)]
    code: Option<String>,
    /// The date of a draft that has none yet (YYYY-MM-DD or dd/mm/yyyy).
    #[arg(long, value_parser = parse_date)]
    issued_on: Option<NaiveDate>,
    /// Print what would be stored (header, warnings, every task) and write nothing.
    #[arg(long)]
    dry_run: bool,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| format!("ngày \"{text}\" không đúng dạng YYYY-MM-DD hoặc dd/mm/yyyy"))
}

pub async fn run(cli: &Cli, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let overrides = Overrides {
        code: args.code.clone(),
        issued_on: args.issued_on,
    };
    if args.dry_run {
        return Ok(dry_run(&args.files, &overrides).await);
    }
    let config = cli.config(default_bind(), None);
    let Database { pool, cluster } = bootstrap::open_with(&config, cli.local_pg_port).await?;
    let mut failed = 0;
    for file in &args.files {
        let name = file.to_string_lossy().into_owned();
        let outcome = match tokio::fs::read(file).await {
            Ok(bytes) => import_document_with(&pool, &name, &bytes, &overrides).await,
            Err(error) => {
                eprintln!("BỊ TỪ CHỐI {name}: không đọc được tệp: {error}");
                failed += 1;
                continue;
            }
        };
        match outcome {
            Ok(outcome) => report(&outcome),
            Err(ImportFailure::Rejected(error)) => {
                eprintln!("BỊ TỪ CHỐI {error}");
                failed += 1;
            }
            Err(error) => {
                eprintln!("LỖI {error}");
                failed += 1;
            }
        }
    }
    pool.close().await;
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    Ok(exit_code(failed))
}

fn exit_code(failed: usize) -> ExitCode {
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[expect(
    clippy::print_stdout,
    reason = "the dry run prints its preview for its user on stdout"
)]
async fn dry_run(files: &[PathBuf], overrides: &Overrides) -> ExitCode {
    let mut failed = 0;
    for file in files {
        let name = file.to_string_lossy().into_owned();
        let bytes = match tokio::fs::read(file).await {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("BỊ TỪ CHỐI {name}: không đọc được tệp: {error}");
                failed += 1;
                continue;
            }
        };
        match read_document(&name, &bytes) {
            Ok(plan) => {
                println!("== {name}\n{}", preview_text(&plan));
                if let Err(error) = parse_document_with(&name, &bytes, overrides) {
                    eprintln!("SẼ BỊ TỪ CHỐI {error}");
                    failed += 1;
                }
            }
            Err(error) => {
                eprintln!("BỊ TỪ CHỐI {error}");
                failed += 1;
            }
        }
    }
    exit_code(failed)
}

#[expect(
    clippy::print_stdout,
    reason = "the import command reports to its user on stdout"
)]
fn report(outcome: &ImportOutcome) {
    let status = match outcome.status {
        ImportStatus::Created => "đã nhập mới",
        ImportStatus::Updated => "đã cập nhật",
        ImportStatus::Unchanged => "không thay đổi",
    };
    println!(
        "{} ({status}): {} mục, {} nhiệm vụ, {} đơn vị",
        outcome.code, outcome.sections, outcome.tasks, outcome.units
    );
    if outcome.unparsed.is_empty() {
        println!("  thời hạn chưa hiểu được: không có");
    } else {
        println!("  thời hạn chưa hiểu được ({}):", outcome.unparsed.len());
        for (reference, text) in &outcome.unparsed {
            println!("    {reference}: \"{text}\"");
        }
    }
}
