//! A PostgreSQL cluster of a test's own, on its own free port, that the test may stop, start
//! and restart (the shared test server must never be restarted). Started with the installed
//! initdb/pg_ctl, as the `postgres` user when the tests run as root; removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use actionplan::config::Config;
use actionplan::{AppState, app};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

pub struct PrivatePg {
    dir: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

/// The newest installed PostgreSQL's binary `name`.
pub fn pg_bin(name: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed under /usr/lib/postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("{name} not found: install postgresql"))
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl PrivatePg {
    /// Initialises and starts a cluster.
    pub fn start() -> PrivatePg {
        let dir = std::env::temp_dir().join(format!(
            "actionplan-pg-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("cluster dir");
        let as_postgres = running_as_root();
        if as_postgres {
            let chowned = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(chowned.success());
        }
        let pg = PrivatePg {
            port: free_port(),
            dir,
            as_postgres,
        };
        let data = pg.data();
        pg.run(
            &pg_bin("initdb"),
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        pg.pg_ctl("start");
        pg
    }

    fn data(&self) -> String {
        self.dir.join("data").to_string_lossy().into_owned()
    }

    fn run(&self, bin: &Path, args: &[&str]) {
        let output = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(bin)
                .args(args)
                .output()
        } else {
            Command::new(bin).args(args).output()
        }
        .expect("runs");
        assert!(
            output.status.success(),
            "{} {args:?}: {}",
            bin.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl(&self, action: &str) {
        let data = self.data();
        let log = self.dir.join("server.log").to_string_lossy().into_owned();
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={}",
            self.port, data
        );
        let args: Vec<&str> = match action {
            "stop" => vec!["-D", &data, "-m", "fast", "-w", "stop"],
            other => vec!["-D", &data, "-l", &log, "-o", &opts, "-w", other],
        };
        self.run(&pg_bin("pg_ctl"), &args);
    }

    /// Stops the server (fast shutdown: sessions are ended).
    pub fn stop(&self) {
        self.pg_ctl("stop");
    }

    /// Starts it again after `stop`.
    pub fn resume(&self) {
        self.pg_ctl("start");
    }

    /// A quick restart: every connection to it is ended.
    pub fn restart(&self) {
        self.pg_ctl("restart");
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A pool as the server makes it (`actionplan::db::pool`), migrated.
    pub async fn pool(&self) -> PgPool {
        let options: PgConnectOptions = self.url().parse().expect("url");
        let pool = actionplan::db::pool::connect(options, 5)
            .await
            .expect("connects to the private cluster");
        actionplan::db::bootstrap::migrate(&pool)
            .await
            .expect("migrates");
        pool
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let data = self.data();
        let stop = |bin: PathBuf| {
            let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
            if self.as_postgres {
                Command::new("runuser")
                    .args(["-u", "postgres", "--"])
                    .arg(bin)
                    .args(args)
                    .output()
            } else {
                Command::new(bin).args(args).output()
            }
        };
        let _ = stop(pg_bin("pg_ctl"));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The app over `pool` as `serve` runs it: reading open, with the notification listener (and so
/// the kept pages and task details) running.
pub fn serving_app(pool: &PgPool) -> (axum::Router, AppState) {
    let config = Config {
        database_url: None,
        bind: ([127, 0, 0, 1], 0).into(),
        seeds_dir: "seeds".into(),
        data_dir: "data".into(),
        db_max_connections: 5,
        task_cache_mb: 64,
        public_read: true,
        public_url: Config::DEFAULT_PUBLIC_URL.to_owned(),
        reminders: Default::default(),
        sessions: Default::default(),
    };
    let state = AppState::new(pool.clone(), config);
    state
        .versions
        .spawn_listener(pool.clone(), state.task_details.clone());
    (app(state.clone()), state)
}

/// Waits (up to 10 s) until the versions are followed from memory again.
pub async fn until_live(state: &AppState) {
    for _ in 0..200 {
        if state.versions.is_live() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the listener did not connect within 10 s");
}
