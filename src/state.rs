//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;

pub use crate::cache::{Caches, OverduePage};
use crate::cache::{VersionWatch, Versions};
use crate::config::Config;
use crate::db::write_queue::WriteQueue;
use crate::index::TaskIndex;
use crate::task_details::TaskDetails;

/// Application state: the pool, the configuration and the figures kept between requests.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    /// Changes to tasks, written many to a statement by one connection of `db` (every such
    /// write moves the data-version counters, which PostgreSQL lets one transaction at a time
    /// do): 64 writers each in a transaction of its own took all of `db`'s connections waiting
    /// there, and queued on it at a few hundred writes a second.
    pub writes: Arc<WriteQueue>,
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
            writes: Arc::new(WriteQueue::new(db.clone())),
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
