//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;

pub use crate::cache::{Caches, OverduePage};
use crate::cache::{VersionWatch, Versions};
use crate::config::Config;
use crate::index::TaskIndex;
use crate::task_details::TaskDetails;

/// Writes at once (`AppState::write_turns`): one commits while the next waits on the counters;
/// more only wait longer, holding connections pages need. (A writer reads and judges its task
/// before it takes a turn: the turn covers only the statements that wait on the counters.)
fn write_turns(db_max_connections: u32) -> usize {
    usize::try_from((db_max_connections / 2).clamp(1, 4)).unwrap_or(1)
}

/// Application state: the pool, the configuration and the figures kept between requests.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    /// Turns for changes to tasks, fewer than `db`'s connections. Every such write waits its turn
    /// on the data-version counters (PostgreSQL commits notifying transactions one at a time):
    /// 64 writers took all of `db`'s connections waiting there, and pages that needed one
    /// waited behind them for seconds. Writers now queue for a turn, and pages keep the rest.
    pub write_turns: Arc<tokio::sync::Semaphore>,
    pub config: Arc<Config>,
    pub caches: Arc<Caches>,
    /// The data versions the caches are checked against (see `crate::cache`).
    pub versions: VersionWatch,
    /// Today's task details, forgotten task by task as they change.
    pub task_details: TaskDetails,
    /// The tasks' as-of columns in memory, used at the data version it was read at.
    pub task_index: TaskIndex,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> Self {
        let task_details = TaskDetails::new(config.task_cache_mb.saturating_mul(1 << 20));
        AppState {
            write_turns: Arc::new(tokio::sync::Semaphore::new(write_turns(
                config.db_max_connections,
            ))),
            db,
            config: Arc::new(config),
            caches: Arc::new(Caches::default()),
            versions: VersionWatch::default(),
            task_details,
            task_index: TaskIndex::default(),
        }
    }

    /// The current data versions (from memory when the server follows the notifications).
    pub async fn versions(&self) -> sqlx::Result<Versions> {
        self.versions.current(&self.db).await
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> PgPool {
        state.db.clone()
    }
}
