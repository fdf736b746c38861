//! The task index: every non-retired task's as-of-relevant columns (state, dates, extension,
//! plan, units, folded text) in memory, so that the figures a page needs for a date nobody
//! asked for yet (category counts, overdue tasks, filtered lists) are one pass over compact
//! rows instead of a scan of the tasks table.
//!
//! PostgreSQL stays the source of truth. A copy (`Snapshot`) is read in one repeatable-read
//! transaction together with the `plans` data version it belongs to, and it is used for a
//! request only when the request's version is that same version; otherwise the request takes
//! the SQL path, and the keeper reads a fresh copy in the background. So every answer from
//! memory is exactly the answer PostgreSQL gives at that version (`tests/it/task_index.rs`).
//! `TASK_INDEX=off` switches the index off (every answer from SQL).

pub mod query;
mod snapshot;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sqlx::PgPool;

pub use snapshot::{Decision, Link, Snapshot, Task, Unit};

use crate::cache::{VersionWatch, Versions};

/// The shared handle: the latest copy, if any, and a bell to ring when it is stale.
#[derive(Clone, Default)]
pub struct TaskIndex(Arc<Inner>);

#[derive(Default)]
struct Inner {
    current: RwLock<Option<Arc<Snapshot>>>,
    stale: tokio::sync::Notify,
}

/// How often the keeper checks the data version without being asked.
const CHECK_EVERY: Duration = Duration::from_millis(250);

impl TaskIndex {
    /// The copy at exactly the versions `seen`, if the index holds it; else the caller answers
    /// from SQL (and the keeper is told to read a fresh copy).
    pub fn at(&self, seen: Versions) -> Option<Arc<Snapshot>> {
        let current = self
            .0
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        match current {
            Some(snapshot) if snapshot.version == seen.of(crate::cache::Track::Plans) => {
                Some(snapshot)
            }
            Some(_) => {
                self.0.stale.notify_one();
                None
            }
            None => None,
        }
    }

    /// Replaces the copy (the keeper, and tests).
    pub fn install(&self, snapshot: Snapshot) {
        *self
            .0
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(snapshot));
    }

    fn version(&self) -> Option<i64> {
        self.0
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|s| s.version)
    }

    /// Reads the first copy in the background and a new one whenever the data version moves
    /// (learnt from the listener's counters, or from a request that found the copy stale).
    pub fn spawn_keeper(&self, db: PgPool, versions: VersionWatch) -> tokio::task::JoinHandle<()> {
        let index = self.clone();
        tokio::spawn(async move {
            loop {
                let wanted = match versions.current(&db).await {
                    Ok(seen) => seen.of(crate::cache::Track::Plans),
                    Err(error) => {
                        tracing::debug!(?error, "chỉ mục nhiệm vụ: không đọc được phiên bản");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                if index.version() != Some(wanted) {
                    let started = Instant::now();
                    match Snapshot::load(&db).await {
                        Ok(snapshot) => {
                            tracing::info!(
                                tasks = snapshot.tasks.len(),
                                version = snapshot.version,
                                ms = started.elapsed().as_millis(),
                                "task index loaded"
                            );
                            index.install(snapshot);
                        }
                        Err(error) => {
                            tracing::warn!(?error, "chỉ mục nhiệm vụ: nạp không được; thử lại");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                    // Read again at once if the data moved meanwhile.
                    continue;
                }
                tokio::select! {
                    () = index.0.stale.notified() => {}
                    () = tokio::time::sleep(CHECK_EVERY) => {}
                }
            }
        })
    }
}

/// Whether the index is switched on (`TASK_INDEX`, on unless `off`, `0` or `false`).
pub fn enabled_by_env() -> bool {
    !matches!(
        std::env::var("TASK_INDEX").ok().as_deref().map(str::trim),
        Some("off" | "0" | "false")
    )
}

/// One page of a task list from the index: its total and the shown rows (fetched by id), or
/// None when the index cannot answer (not at the version `seen`, or a filter it does not hold).
pub async fn list_page(
    index: &TaskIndex,
    db: &PgPool,
    seen: Versions,
    filter: &crate::db::tasks::TaskFilter,
    as_of: chrono::NaiveDate,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Option<(i64, Vec<crate::db::tasks::TaskRow>)>> {
    let Some(snapshot) = index.at(seen) else {
        return Ok(None);
    };
    let Some(ids) = query::list_ids(&snapshot, filter, as_of) else {
        return Ok(None);
    };
    drop(snapshot);
    let total = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let from = usize::try_from(offset.max(0))
        .unwrap_or(usize::MAX)
        .min(ids.len());
    let to = from
        .saturating_add(usize::try_from(limit.max(0)).unwrap_or(usize::MAX))
        .min(ids.len());
    let rows = crate::db::task_rows::rows_by_ids(db, &ids[from..to], as_of).await?;
    Ok(Some((total, rows)))
}
