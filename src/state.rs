//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;

pub use crate::cache::{Caches, OverduePage};
use crate::cache::{VersionWatch, Versions};
use crate::config::Config;
use crate::index::TaskIndex;
use crate::task_details::TaskDetails;

/// Connections for task changes (`AppState::writes`): one commits while the next waits on the
/// counters and another is read; more only wait longer.
const WRITE_CONNECTIONS: u32 = 4;

/// Application state: the pool, the configuration and the figures kept between requests.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    /// A few connections of their own for changes to tasks. Every such write waits its turn on
    /// the data-version counters (and PostgreSQL commits notifying transactions one at a time):
    /// 64 writers took all of `db`'s connections waiting there, and pages that needed one
    /// waited behind them for seconds. Writers now queue here; pages keep `db`.
    pub writes: PgPool,
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
            writes: crate::db::pool::side_pool(&db, WRITE_CONNECTIONS),
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
