//! The command line: `serve` (default), `import FILE...`, `migrate`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::bootstrap::{self, Database};
use crate::state::AppState;

mod r#gen;
mod gen_round;
mod import;
mod users;

/// Theo dõi kế hoạch hành động của các Bộ (action plan tracking).
#[derive(Debug, Parser)]
#[command(name = "actionplan", version, about)]
pub struct Cli {
    /// PostgreSQL URL; default postgres://postgres@127.0.0.1:5432/actionplan, or a private
    /// cluster under ./data/postgres when no server answers there.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Port of the local PostgreSQL when DATABASE_URL is unset; a private cluster is started
    /// on it when none answers there.
    #[arg(long, env = "LOCAL_PG_PORT", default_value_t = 5432, global = true)]
    local_pg_port: u16,
    /// Folder of a private PostgreSQL cluster, when one is needed.
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// Maximum database connections in the pool.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 10, global = true)]
    db_max_connections: u32,
    /// Megabytes of today's task details kept to serve task pages, in a file of the temporary
    /// folder that the system's file cache holds (0: none).
    #[arg(long, env = "TASK_CACHE_MB", default_value_t = 1024, global = true)]
    task_cache_mb: usize,
    /// Let anyone read pages and the read API without signing in.
    #[arg(long, env = "PUBLIC_READ", default_value_t = false, global = true, action = clap::ArgAction::Set)]
    public_read: bool,
    /// Address of the site as users reach it, for links in e-mails and calendar feeds.
    #[arg(long, env = "PUBLIC_URL", default_value = Config::DEFAULT_PUBLIC_URL, global = true)]
    public_url: String,
    /// Minutes without a request after which a sign-in ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = crate::config::SessionPolicy::DEFAULT_IDLE_MINUTES, global = true)]
    session_idle_minutes: i64,
    /// Hours after signing in at which a sign-in ends, however active.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = crate::config::SessionPolicy::DEFAULT_MAX_HOURS, global = true)]
    session_max_hours: i64,
    #[command(flatten)]
    reminders: crate::reminders::ReminderArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web server (the default), loading the seed plans into an empty database.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "BIND_ADDR", default_value = Config::DEFAULT_BIND)]
        bind: SocketAddr,
        /// Folder of plans imported on first start.
        #[arg(long, env = "SEEDS_DIR")]
        seeds: Option<PathBuf>,
        /// Seconds requests in flight get to finish after SIGTERM or Ctrl-C.
        #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = DEFAULT_GRACE_SECS)]
        shutdown_grace_secs: u64,
    },
    /// Import plan documents (all-or-nothing per file).
    Import(import::ImportArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Send today's reminder e-mails to unit leads now (or print them with --dry-run).
    Remind {
        /// Print the digests instead of sending them.
        #[arg(long)]
        dry_run: bool,
    },
    /// Fill the database with generated data at a chosen scale (benchmarks).
    Gen(r#gen::GenArgs),
}

impl Cli {
    fn config(&self, bind: SocketAddr, seeds: Option<PathBuf>) -> Config {
        Config {
            database_url: self.database_url.clone(),
            bind,
            seeds_dir: seeds.unwrap_or_else(Config::default_seeds_dir),
            data_dir: self.data_dir.clone(),
            db_max_connections: self.db_max_connections,
            task_cache_mb: self.task_cache_mb,
            public_read: self.public_read,
            public_url: self.public_url.clone(),
            reminders: self.reminders.config(),
            sessions: crate::config::SessionPolicy::new(
                self.session_idle_minutes,
                self.session_max_hours,
            ),
        }
    }
}

/// Runs the command and returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        None => serve(&cli, default_bind(), None, default_grace()).await,
        Some(Command::Serve {
            bind,
            seeds,
            shutdown_grace_secs,
        }) => {
            serve(
                &cli,
                *bind,
                seeds.clone(),
                Duration::from_secs(*shutdown_grace_secs),
            )
            .await
        }
        Some(Command::Import(args)) => import::run(&cli, args).await,
        Some(Command::Migrate) => migrate(&cli).await,
        Some(Command::User(command)) => user(&cli, command).await,
        Some(Command::Remind { dry_run }) => remind(&cli, *dry_run).await,
        Some(Command::Gen(args)) => r#gen::run(&cli, args).await,
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("Lỗi: {error:#}");
            ExitCode::FAILURE
        }
    }
}

const DEFAULT_GRACE_SECS: u64 = 10;

fn default_grace() -> Duration {
    Duration::from_secs(
        std::env::var("SHUTDOWN_GRACE_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_GRACE_SECS),
    )
}

fn default_bind() -> SocketAddr {
    std::env::var("BIND_ADDR")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)))
}

async fn serve(
    cli: &Cli,
    bind: SocketAddr,
    seeds: Option<PathBuf>,
    grace: Duration,
) -> anyhow::Result<ExitCode> {
    let config = cli.config(bind, seeds);
    let Database { pool, cluster } = bootstrap::open_with(&config, cli.local_pg_port).await?;
    let served = async {
        crate::seeds::load_if_empty(&pool, &config.seeds_dir).await?;
        let listener = tokio::net::TcpListener::bind(config.bind).await?;
        tracing::info!("actionplan đang chạy tại http://{}", listener.local_addr()?);
        let state = AppState::new(pool.clone(), config.clone());
        announce_first_start(&state, listener.local_addr()?).await?;
        // Cached pages learn of writes from PostgreSQL's notifications (see `crate::cache`).
        let versions = state
            .versions
            .spawn_listener(pool.clone(), state.task_details.clone());
        // The tasks' as-of columns in memory (`crate::index`), read in the background; until
        // then, and with TASK_INDEX=off, every figure comes from SQL.
        let indexing = crate::index::enabled_by_env().then(|| {
            state
                .task_index
                .spawn_keeper(pool.clone(), state.versions.clone())
        });
        // Today's task details, read in the background so that every task page is fast.
        let warming = tokio::spawn(crate::task_details::keep_warm(
            pool.clone(),
            state.task_details.clone(),
            crate::web::params::today_in_vietnam,
        ));
        let _reminders =
            crate::reminders::schedule::start_daily(pool.clone(), state.config.clone())?;
        // Explanations asked automatically after N days overdue, when a manager set N.
        let explaining = tokio::spawn(crate::web::explanations::keep_requesting(pool.clone()));
        let (stopping, mut stop_seen) = tokio::sync::watch::channel(false);
        let server = axum::serve(
            listener,
            crate::app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stopping.send(true);
        });
        // On SIGTERM the listener closes at once; requests in flight get `grace` to finish.
        let deadline = async move {
            let _ = stop_seen.wait_for(|stop| *stop).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = server => served?,
            () = deadline => tracing::warn!(
                grace_s = grace.as_secs(),
                "còn yêu cầu chưa xong sau thời gian chờ; dừng hẳn"
            ),
        }
        versions.abort();
        warming.abort();
        explaining.abort();
        if let Some(indexing) = indexing {
            indexing.abort();
        }
        anyhow::Ok(())
    }
    .await;
    // Connections still lent out (a request cut off at the deadline) are not waited for long.
    if tokio::time::timeout(Duration::from_secs(5), pool.close())
        .await
        .is_err()
    {
        tracing::warn!("đóng kết nối cơ sở dữ liệu quá lâu; bỏ qua");
    }
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    tracing::info!("đã dừng");
    served.map(|()| ExitCode::SUCCESS)
}

/// With no account yet, prints how to create the first administrator: a one-time link, and
/// the command. Nothing is created silently.
async fn announce_first_start(state: &AppState, bound: SocketAddr) -> anyhow::Result<()> {
    let base = if state.config.public_url == Config::DEFAULT_PUBLIC_URL {
        // Listening on every address (0.0.0.0): this machine's browser reaches it on loopback.
        let mut reachable = bound;
        if reachable.ip().is_unspecified() {
            reachable.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{reachable}")
    } else {
        state.config.public_url.clone()
    };
    if let Some(link) = crate::web::setup::first_start_link(state, &base).await? {
        eprintln!(
            "\nChưa có tài khoản nào. Để tạo quản trị viên đầu tiên, mở liên kết sau trong trình duyệt (dùng được một lần, trong {} giờ):\nLiên kết thiết lập: {link}\nhoặc chạy: actionplan user add --email EMAIL --name \"HỌ TÊN\" --role admin\n",
            crate::db::setup::VALID_HOURS
        );
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("đang dừng máy chủ");
}

async fn migrate(cli: &Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config(default_bind(), None);
    let Database { pool, cluster } = bootstrap::open_with(&config, cli.local_pg_port).await?;
    pool.close().await;
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    eprintln!("Đã áp dụng migration.");
    Ok(ExitCode::SUCCESS)
}

async fn user(cli: &Cli, command: &users::UserCommand) -> anyhow::Result<ExitCode> {
    let config = cli.config(default_bind(), None);
    let Database { pool, cluster } = bootstrap::open_with(&config, cli.local_pg_port).await?;
    let result = users::run(&pool, command).await;
    pool.close().await;
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    result
}

async fn remind(cli: &Cli, dry_run: bool) -> anyhow::Result<ExitCode> {
    let config = cli.config(default_bind(), None);
    let Database { pool, cluster } = bootstrap::open_with(&config, cli.local_pg_port).await?;
    let result = crate::reminders::command(&pool, &config, dry_run).await;
    pool.close().await;
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    result
}
