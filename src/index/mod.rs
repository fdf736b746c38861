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
//!
//! A write that changed task rows alone (a state, a completion, a deadline: migration 0033 names
//! them in its notification) does not make the keeper read everything: it re-reads those rows
//! at the new version and patches a copy, in milliseconds, so the index keeps up with a steady
//! stream of writes. Anything else (an import, a unit renamed, a link) reads everything again.
//! `TASK_INDEX=off` switches the index off (every answer from SQL).

mod chunked;
mod parallel;
mod patches;
pub mod query;
mod scope;
mod snapshot;
mod texts;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use sqlx::PgPool;

pub use chunked::Chunked;
pub use patches::Changed;
pub use scope::{PageScope, Shows};
pub use snapshot::{ChangedRow, Decision, Link, Snapshot, Task, Unit};
pub use texts::{Compiled, Texts};

use crate::cache::{VersionWatch, Versions};

/// The shared handle: the latest copy, if any, and a bell to ring when it is stale.
#[derive(Clone, Default)]
pub struct TaskIndex(Arc<Inner>);

#[derive(Default)]
struct Inner {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// What each patch since the last whole read changed (for the kept pages).
    patch_log: Mutex<patches::PatchLog>,
    stale: tokio::sync::Notify,
    /// Rung whenever a copy is installed, for requests waiting on a patch.
    installed: tokio::sync::Notify,
    /// Whether the keeper is reading a whole copy (seconds: nobody waits for that).
    loading: AtomicBool,
    /// Copies read whole, and copies patched from the one before.
    loads: AtomicU64,
    patches: AtomicU64,
}

/// How often the keeper checks the data version without being asked.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// How long a request waits for the keeper to patch the copy up to the version it saw, before
/// it answers from SQL instead: a patch takes a few milliseconds, the SQL path tens to hundreds.
const PATCH_WAIT: Duration = Duration::from_millis(100);
/// How long the keeper waits for the listener to hear a bump already committed before it
/// gives up patching and reads everything.
const HEAR_BOUND: Duration = Duration::from_millis(500);

impl TaskIndex {
    /// The copy at exactly the versions `seen`, if the index holds it; else the caller answers
    /// from SQL (and the keeper is told to read a fresh copy).
    pub fn at(&self, seen: Versions) -> Option<Arc<Snapshot>> {
        let current = self.current()?;
        if current.version == seen.of(crate::cache::Track::Plans) {
            return Some(current);
        }
        self.0.stale.notify_one();
        None
    }

    /// `at` for a request: a copy ahead of `seen` answers too (the keeper reads the version in
    /// the database, which the request's memory of it may trail by a notification: the request
    /// then gets what it would have a moment later, never older); a copy behind it, while the
    /// keeper is patching rather than reading everything, is waited for (at most
    /// `PATCH_WAIT`).
    pub async fn at_or_soon(&self, seen: Versions) -> Option<Arc<Snapshot>> {
        self.at_or_soon_version(seen.of(crate::cache::Track::Plans))
            .await
    }

    /// The tasks changed by the writes after `plans` version `after` up to `upto` (at least),
    /// with a copy that includes them; None when a write since then changed more than task
    /// rows (the copy was read whole) or the copy does not reach `upto` soon.
    pub async fn changes_between(
        &self,
        after: i64,
        upto: i64,
    ) -> Option<(Arc<Snapshot>, Vec<Changed>)> {
        let snapshot = self.at_or_soon_version(upto).await?;
        let changes = self.patch_log().between(after, snapshot.version)?;
        Some((snapshot, changes))
    }

    async fn at_or_soon_version(&self, wanted: i64) -> Option<Arc<Snapshot>> {
        let deadline = tokio::time::Instant::now() + PATCH_WAIT;
        loop {
            let installed = self.0.installed.notified();
            tokio::pin!(installed);
            installed.as_mut().enable();
            let current = self.current()?;
            if current.version >= wanted {
                return Some(current);
            }
            self.0.stale.notify_one();
            if self.0.loading.load(Ordering::Acquire) {
                return None;
            }
            drop(current);
            tokio::time::timeout_at(deadline, installed).await.ok()?;
        }
    }

    /// How many copies were read whole and how many patched so far.
    pub fn loads_and_patches(&self) -> (u64, u64) {
        (
            self.0.loads.load(Ordering::Relaxed),
            self.0.patches.load(Ordering::Relaxed),
        )
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        self.0
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Moves the copy to the database's current version by re-reading only the tasks the
    /// writes since its version changed. Ok(false) when that cannot be done (no copy yet, a
    /// write that changed something else, bumps the listener has not heard): read everything.
    pub async fn catch_up(&self, db: &PgPool, versions: &VersionWatch) -> sqlx::Result<bool> {
        let Some(current) = self.current() else {
            return Ok(false);
        };
        let mut tx = db.begin().await?;
        sqlx::query("set transaction isolation level repeatable read, read only")
            .execute(&mut *tx)
            .await?;
        let now = sqlx::query_scalar!("select n from data_versions where name = 'plans'")
            .fetch_one(&mut *tx)
            .await?;
        if now == current.version {
            return Ok(true);
        }
        // The bumps up to `now` are committed (this snapshot sees them), so their
        // notifications are on their way; the rows are read at `now` exactly.
        let Some(ids) = versions
            .tasks_changed_between(current.version, now, HEAR_BOUND)
            .await
        else {
            tracing::debug!(
                from = current.version,
                to = now,
                "chỉ mục nhiệm vụ: thay đổi không chỉ ở dòng nhiệm vụ"
            );
            return Ok(false);
        };
        let rows = Snapshot::changed_rows(&mut tx, &ids).await?;
        tx.commit().await?;
        let Some((patched, changed)) = current.patched(now, &rows) else {
            tracing::debug!(
                tasks = ids.len(),
                "chỉ mục nhiệm vụ: thêm, bỏ hoặc chuyển nhiệm vụ"
            );
            return Ok(false);
        };
        // Logged first: a request that sees the new copy finds what it changed.
        self.patch_log().record(current.version, now, changed);
        self.put(patched);
        self.0.patches.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Replaces the copy with one read whole (the keeper, and tests): no patch before it can
    /// be followed.
    pub fn install(&self, snapshot: Snapshot) {
        self.patch_log().restart();
        self.put(snapshot);
    }

    fn put(&self, snapshot: Snapshot) {
        self.set(Some(Arc::new(snapshot)));
        self.0.installed.notify_waiters();
    }

    fn version(&self) -> Option<i64> {
        self.current().map(|s| s.version)
    }

    fn patch_log(&self) -> std::sync::MutexGuard<'_, patches::PatchLog> {
        self.0
            .patch_log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces (or, with None, drops) the copy.
    fn set(&self, snapshot: Option<Arc<Snapshot>>) {
        *self
            .0
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = snapshot;
    }

    /// Reads the first copy in the background and a new one whenever the data version moves
    /// (learnt from the listener's counters, or from a request that found the copy stale).
    pub fn spawn_keeper(&self, db: PgPool, versions: VersionWatch) -> tokio::task::JoinHandle<()> {
        let index = self.clone();
        let db = crate::db::pool::side_pool(&db, 1);
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
                // A copy ahead of memory (read after a write the listener has not heard yet) is
                // not stale: memory catches up with it.
                if index.version().is_none_or(|v| v < wanted) {
                    match index.catch_up(&db, &versions).await {
                        Ok(true) => continue,
                        Ok(false) => {}
                        Err(error) => {
                            tracing::debug!(?error, "chỉ mục nhiệm vụ: không vá được; đọc lại cả");
                        }
                    }
                    let started = Instant::now();
                    index.0.loading.store(true, Ordering::Release);
                    // The stale copy answers nobody (requests see the newer version) and
                    // would double the memory while the new one is read.
                    index.set(None);
                    let loaded = Snapshot::load(&db).await;
                    index.0.loading.store(false, Ordering::Release);
                    match loaded {
                        Ok(snapshot) => {
                            let bytes = snapshot.heap_bytes();
                            tracing::info!(
                                tasks = snapshot.tasks.len(),
                                tasks_mb = bytes.tasks >> 20,
                                texts_mb = bytes.texts >> 20,
                                links_mb = bytes.links >> 20,
                                version = snapshot.version,
                                ms = started.elapsed().as_millis(),
                                "task index loaded"
                            );
                            index.install(snapshot);
                            index.0.loads.fetch_add(1, Ordering::Relaxed);
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

/// One page of a task list from the index: its total, the shown rows (fetched by id) and the
/// version of the copy it came from, or None when the index cannot answer (not at the version
/// `seen`, or a filter it does not hold).
pub async fn list_page(
    index: &TaskIndex,
    db: &PgPool,
    seen: Versions,
    filter: &crate::db::tasks::TaskFilter,
    as_of: chrono::NaiveDate,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Option<(i64, Vec<crate::db::tasks::TaskRow>, i64)>> {
    let Some(snapshot) = index.at_or_soon(seen).await else {
        return Ok(None);
    };
    let from = usize::try_from(offset.max(0)).unwrap_or(usize::MAX);
    let to = from.saturating_add(usize::try_from(limit.max(0)).unwrap_or(usize::MAX));
    let Some((total, ids)) = query::list_ids(&snapshot, filter, as_of, from..to) else {
        return Ok(None);
    };
    let version = snapshot.version;
    drop(snapshot);
    let total = i64::try_from(total).unwrap_or(i64::MAX);
    let rows = crate::db::task_rows::rows_by_ids(db, &ids, as_of).await?;
    Ok(Some((total, rows, version)))
}
