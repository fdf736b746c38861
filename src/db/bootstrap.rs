//! Finding a database at start-up: `DATABASE_URL`, else the local server on 127.0.0.1:5432, else
//! a private cluster started from the machine's PostgreSQL binaries under `./data/postgres`.
//! The database is created when missing; migrations are applied.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::config::Config;

/// A private cluster this process started; stopped by `stop`.
#[derive(Debug)]
pub struct PrivateCluster {
    pg_ctl: PathBuf,
    data: PathBuf,
    as_postgres: bool,
}

impl PrivateCluster {
    /// Stops the cluster (fast shutdown).
    pub fn stop(&self) {
        let data = self.data.to_string_lossy().into_owned();
        let status = run_pg(
            &self.pg_ctl,
            self.as_postgres,
            &["-D", &data, "-m", "fast", "-w", "stop"],
        );
        if let Err(error) = status {
            tracing::warn!(%error, "không dừng được cụm PostgreSQL riêng");
        }
    }
}

/// A ready pool, and the private cluster behind it if one had to be started.
pub struct Database {
    pub pool: PgPool,
    pub cluster: Option<PrivateCluster>,
}

/// Connects (starting a private cluster on 5432 if needed), creates the database and
/// migrates it.
pub async fn open(config: &Config) -> anyhow::Result<Database> {
    open_with(config, 5432).await
}

/// `open`, with the local server (and a private cluster, if one is needed) on `local_port`
/// when `DATABASE_URL` is unset.
pub async fn open_with(config: &Config, local_port: u16) -> anyhow::Result<Database> {
    let (url, cluster) = match &config.database_url {
        Some(url) => (url.clone(), None),
        None => {
            let url = format!("postgres://postgres@127.0.0.1:{local_port}/actionplan");
            let options: PgConnectOptions = url.parse()?;
            if server_answers(&options).await {
                (url, None)
            } else {
                let cluster = start_private_cluster(&config.data_dir, local_port)?;
                (url, Some(cluster))
            }
        }
    };
    let options: PgConnectOptions = url.parse().context("DATABASE_URL không hợp lệ")?;
    // Short OLTP queries on a small machine: JIT compilation costs more than it saves (50–75 ms
    // on the plan list at 100,000 tasks, bench/explain.sql).
    let options = options.options([("jit", "off")]);
    create_database_if_missing(&options).await?;
    let pool = super::pool::connect(options, config.db_max_connections)
        .await
        .context("không kết nối được cơ sở dữ liệu")?;
    migrate(&pool).await?;
    Ok(Database { pool, cluster })
}

/// The migrations in `migrations/`, built into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Applies the migrations in `migrations/`, then links stored plans to their programmes.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("áp dụng migration thất bại")?;
    // Decisions stored before programmes were read from their headers get them now.
    super::programmes::backfill(pool)
        .await
        .context("không gắn được chương trình, đề án cho các kế hoạch đã nhập")?;
    Ok(())
}

/// The versions of the built-in migrations the database has not applied (successfully).
pub async fn pending_migrations(pool: &PgPool) -> sqlx::Result<Vec<i64>> {
    // Unchecked: `_sqlx_migrations` is the migrator's own table, not one of the migrations'.
    let applied: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations where success")
            .fetch_all(pool)
            .await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
        .map(|m| m.version)
        .collect())
}

async fn server_answers(options: &PgConnectOptions) -> bool {
    let admin = options.clone().database("postgres");
    match tokio::time::timeout(Duration::from_secs(3), admin.connect()).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            true
        }
        Ok(Err(sqlx::Error::Io(_))) | Err(_) => false,
        // A server that answers with an error (auth, missing role) is still a server.
        Ok(Err(_)) => true,
    }
}

async fn create_database_if_missing(options: &PgConnectOptions) -> anyhow::Result<()> {
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let mut admin: PgConnection = options
        .clone()
        .database("postgres")
        .connect()
        .await
        .context("không kết nối được máy chủ PostgreSQL")?;
    let exists = sqlx::query_scalar!(
        r#"select exists (select 1 from pg_database where datname = $1) as "exists!""#,
        &name
    )
    .fetch_one(&mut admin)
    .await?;
    if !exists {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        // CREATE DATABASE takes no bind parameters; the name is quoted as an identifier.
        let created = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("create database {quoted}")))
            .execute(&mut admin)
            .await;
        match created {
            Ok(_) => tracing::info!(database = %name, "đã tạo cơ sở dữ liệu"),
            // Another process created it meanwhile.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e).context("không tạo được cơ sở dữ liệu"),
        }
    }
    admin.close().await?;
    Ok(())
}

fn find_pg_bin(name: &str) -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    from_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
            .filter(|p| p.is_file())
            .collect();
        versions.sort();
        versions.pop()
    })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn run_pg(bin: &Path, as_postgres: bool, args: &[&str]) -> anyhow::Result<()> {
    let output = if as_postgres {
        Command::new("runuser")
            .arg("-u")
            .arg("postgres")
            .arg("--")
            .arg(bin)
            .args(args)
            .output()
    } else {
        Command::new(bin).args(args).output()
    }
    .with_context(|| format!("không chạy được {}", bin.display()))?;
    if !output.status.success() {
        bail!(
            "{} thất bại: {}",
            bin.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

fn start_private_cluster(data_dir: &Path, port: u16) -> anyhow::Result<PrivateCluster> {
    let (Some(initdb), Some(pg_ctl)) = (find_pg_bin("initdb"), find_pg_bin("pg_ctl")) else {
        bail!(
            "Không có máy chủ PostgreSQL ở 127.0.0.1:5432 và không tìm thấy initdb/pg_ctl: hãy cài gói postgresql (apt-get install postgresql) hoặc đặt DATABASE_URL."
        );
    };
    let data = std::path::absolute(data_dir.join("postgres"))?;
    let as_postgres = running_as_root();
    std::fs::create_dir_all(&data)?;
    if as_postgres {
        let status = Command::new("chown")
            .arg("-R")
            .arg("postgres:postgres")
            .arg(&data)
            .status()?;
        if !status.success() {
            bail!("không đổi được chủ sở hữu {} sang postgres", data.display());
        }
    }
    let data_str = data.to_string_lossy().into_owned();
    if !data.join("PG_VERSION").exists() {
        tracing::info!(dir = %data.display(), "khởi tạo cụm PostgreSQL riêng");
        run_pg(
            &initdb,
            as_postgres,
            &[
                "-D",
                &data_str,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        )?;
    }
    let log = data.join("server.log").to_string_lossy().into_owned();
    let opts = format!(
        "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data_str}"
    );
    run_pg(
        &pg_ctl,
        as_postgres,
        &["-D", &data_str, "-l", &log, "-o", &opts, "-w", "start"],
    )?;
    tracing::info!(dir = %data.display(), port, "đã khởi động cụm PostgreSQL riêng trên 127.0.0.1");
    Ok(PrivateCluster {
        pg_ctl,
        data,
        as_postgres,
    })
}
