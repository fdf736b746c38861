//! `actionplan gen`: fills the database with a generated data set at ministry-wide scale (for
//! benchmarks), with a manager and a unit lead account; or writes a generated plan document;
//! or (`--round`) opens a reporting round over every task.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use super::{Cli, default_bind};
use crate::accounts::{self, NewAccount};
use crate::db::bootstrap::{self, Database};
use crate::db::generate::{self, Scale, Summary};
use crate::db::users;

/// The benchmark's manager account.
pub const MANAGER_EMAIL: &str = "quanly@bench.local";
/// The benchmark's unit lead account, bound to the unit leading the most tasks.
pub const LEAD_EMAIL: &str = "lanhdao@bench.local";

/// Options of `actionplan gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Decisions (plans) to generate.
    #[arg(long, default_value_t = 300)]
    decisions: usize,
    /// Tasks, spread unevenly over the decisions.
    #[arg(long, default_value_t = 100_000)]
    tasks: usize,
    /// Units, about 2% of them groups with members.
    #[arg(long, default_value_t = 2_000)]
    units: usize,
    /// History entries, about tasks × 10.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Seed of the random choices; the same seed gives the same data.
    #[arg(long, default_value_t = 6)]
    seed: u64,
    /// Empty the plan data first when the database already holds some.
    #[arg(long)]
    force: bool,
    /// Instead of filling the database, write a plan document with --tasks tasks to this file,
    /// in the format of the seeds (for timing `actionplan import`).
    #[arg(long, value_name = "FILE")]
    document: Option<PathBuf>,
    /// Instead of generating plans, open a reporting round over every task of the database
    /// (as the benchmark's manager), write the lines of about 60% of the units and submit
    /// about 40% of the reports.
    #[arg(long, conflicts_with = "document")]
    round: bool,
}

/// Runs `actionplan gen`.
pub async fn run(cli: &Cli, args: &GenArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.document {
        return write_document(path, args);
    }
    let config = cli.config(default_bind(), None);
    let Database { pool, cluster } = bootstrap::open_with(&config, cli.local_pg_port).await?;
    let result = if args.round {
        super::gen_round::run(&pool).await
    } else {
        fill(&pool, args).await
    };
    pool.close().await;
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    result
}

#[expect(
    clippy::print_stdout,
    reason = "the command reports to its user on stdout"
)]
fn write_document(path: &PathBuf, args: &GenArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let text = generate::plan_document(args.tasks, 9000 + (args.seed % 999) as u32, args.seed);
    std::fs::write(path, &text).with_context(|| format!("không ghi được {}", path.display()))?;
    println!(
        "Đã ghi kế hoạch {} nhiệm vụ vào {} ({} KB) trong {:.2} s.",
        args.tasks,
        path.display(),
        text.len() / 1024,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

async fn fill(pool: &sqlx::PgPool, args: &GenArgs) -> anyhow::Result<ExitCode> {
    let (decisions, units) = generate::existing_data(pool).await?;
    if (decisions > 0 || units > 0) && !args.force {
        eprintln!(
            "Cơ sở dữ liệu đã có dữ liệu ({decisions} quyết định, đơn vị: {}); không sinh thêm. \
             Dùng --force để xoá dữ liệu kế hoạch (giữ tài khoản) rồi sinh lại.",
            if units > 0 { "có" } else { "không" }
        );
        return Ok(ExitCode::FAILURE);
    }
    let scale = Scale {
        decisions: args.decisions.max(1),
        tasks: args.tasks,
        units: args.units,
        events: args.events.max(args.tasks),
        seed: args.seed,
    };
    let today = crate::web::params::today_in_vietnam();
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    if args.force {
        generate::clear_data(&mut tx).await?;
    }
    let summary = generate::generate(&mut tx, &scale, today).await?;
    tx.commit().await?;
    let written = started.elapsed();
    generate::vacuum_analyze(pool).await?;
    let analysed = started.elapsed();
    print_summary(&summary, written.as_secs_f64(), analysed.as_secs_f64());
    accounts_for_benchmark(pool).await?;
    Ok(ExitCode::SUCCESS)
}

#[expect(
    clippy::print_stdout,
    reason = "the command reports to its user on stdout"
)]
fn print_summary(s: &Summary, written: f64, total: f64) {
    println!(
        "Đã sinh {} quyết định, {} mục, {} đơn vị ({} nhóm), {} nhiệm vụ, {} liên kết nhiệm vụ–đơn vị, {} mốc, {} sự kiện lịch sử.",
        s.decisions, s.sections, s.units, s.groups, s.tasks, s.task_units, s.milestones, s.events
    );
    println!("Thời gian: ghi dữ liệu {written:.1} s; kèm VACUUM ANALYZE {total:.1} s.");
}

#[expect(
    clippy::print_stdout,
    reason = "the command reports to its user on stdout"
)]
async fn accounts_for_benchmark(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    generate::remove_accounts(pool, &[MANAGER_EMAIL, LEAD_EMAIL]).await?;
    let manager_password = accounts::generate_password();
    let manager = accounts::create_account(
        pool,
        &NewAccount {
            email: MANAGER_EMAIL.to_owned(),
            name: "Quản lý Đo hiệu năng".to_owned(),
            role: "manager".to_owned(),
            password: manager_password.clone(),
            units: Vec::new(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("không tạo được tài khoản quản lý: {e}"))?;
    println!("Tài khoản quản lý: {MANAGER_EMAIL} / {manager_password}");
    if let Some((unit, name, tasks)) = generate::busiest_lead_unit(pool).await? {
        let lead_password = accounts::generate_password();
        accounts::create_account(
            pool,
            &NewAccount {
                email: LEAD_EMAIL.to_owned(),
                name: "Lãnh đạo Đơn vị Đo hiệu năng".to_owned(),
                role: "unit_lead".to_owned(),
                password: lead_password.clone(),
                units: vec![unit.to_string()],
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("không tạo được tài khoản lãnh đạo đơn vị: {e}"))?;
        println!(
            "Tài khoản lãnh đạo đơn vị: {LEAD_EMAIL} / {lead_password} (đơn vị {unit}: {name}, chủ trì {tasks} nhiệm vụ)"
        );
        println!("busy_unit_id={unit}");
    }
    let token = users::create_token(pool, manager, "đo hiệu năng").await?;
    println!("Mã truy cập API của tài khoản quản lý (chỉ hiện một lần):");
    println!("{token}");
    Ok(())
}
