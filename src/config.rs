//! Typed configuration from the command line and the environment.

pub mod reminders;

use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings the server and the commands share.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`; when unset, the local default with a private cluster as fallback.
    pub database_url: Option<String>,
    /// `BIND_ADDR`, default 127.0.0.1:8080.
    pub bind: SocketAddr,
    /// `SEEDS_DIR`: plans imported on first start with an empty database.
    pub seeds_dir: PathBuf,
    /// `DATA_DIR`: where a private PostgreSQL cluster lives when none is running.
    pub data_dir: PathBuf,
    /// `DB_MAX_CONNECTIONS`, default 10.
    pub db_max_connections: u32,
    /// `TASK_CACHE_MB`, default 1024: the most bytes of today's task details, kept in a file
    /// (`crate::task_details`); 0 reads every task page from the database.
    pub task_cache_mb: usize,
    /// `PUBLIC_READ=true`: pages and the read API need no sign-in.
    pub public_read: bool,
    /// `PUBLIC_URL`, default http://127.0.0.1:8080: the address links in e-mails and calendar
    /// feeds point to.
    pub public_url: String,
    /// `SMTP_*`, `REMINDER_DAYS`, `REMINDER_HOUR`: reminder e-mails (off without `SMTP_HOST`).
    pub reminders: reminders::ReminderConfig,
    /// `SESSION_IDLE_MINUTES`, `SESSION_MAX_HOURS`: when a sign-in ends.
    pub sessions: SessionPolicy,
}

/// When a session ends: after `idle` without a request, and `absolute` after sign-in whatever
/// happens.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle: chrono::TimeDelta,
    pub absolute: chrono::TimeDelta,
}

impl SessionPolicy {
    pub const DEFAULT_IDLE_MINUTES: i64 = 60;
    pub const DEFAULT_MAX_HOURS: i64 = 12;

    /// The policy from minutes idle and hours in all (each at least 1).
    pub fn new(idle_minutes: i64, max_hours: i64) -> SessionPolicy {
        SessionPolicy {
            idle: chrono::TimeDelta::minutes(idle_minutes.max(1)),
            absolute: chrono::TimeDelta::hours(max_hours.max(1)),
        }
    }
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy::new(Self::DEFAULT_IDLE_MINUTES, Self::DEFAULT_MAX_HOURS)
    }
}

impl Config {
    pub const DEFAULT_BIND: &'static str = "127.0.0.1:8080";
    pub const DEFAULT_PUBLIC_URL: &'static str = "http://127.0.0.1:8080";
    pub const DEFAULT_DATABASE_URL: &'static str = "postgres://postgres@127.0.0.1:5432/actionplan";

    /// The seed folder: `SEEDS_DIR`, else `seeds/` here, else the one beside the sources.
    pub fn default_seeds_dir() -> PathBuf {
        let here = PathBuf::from("seeds");
        if here.is_dir() {
            here
        } else {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")
        }
    }
}
