//! Reading task details from the database: one on a miss (`load`), all of them after start,
//! after everything was forgotten and on a new day (`keep_warm`).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sqlx::PgPool;

use super::TaskDetails;
use crate::db::tasks::{self, TaskDetail};
use crate::domain::ids::TaskId;

/// The detail of task `id` as of `as_of`: from the cache for today, else from the database
/// (and then kept, for today).
pub async fn load(
    db: &PgPool,
    cache: &TaskDetails,
    id: TaskId,
    as_of: NaiveDate,
    today: NaiveDate,
) -> sqlx::Result<Option<TaskDetail>> {
    if as_of != today || !cache.is_live() {
        return tasks::fetch_task_detail(db, id, as_of).await;
    }
    if let Some(detail) = cache.get(id, today) {
        return Ok(Some(detail));
    }
    let epoch = cache.epoch();
    let detail = tasks::fetch_task_detail(db, id, as_of).await?;
    if let Some(detail) = &detail {
        cache.put(id, today, detail, epoch);
    }
    Ok(detail)
}

/// How many tasks one warming query reads.
const WARM_BATCH: i64 = 500;

/// Keeps the cache filled for as long as the server runs, so that the first visit of a task is
/// fast too: after start (the listener's connecting empties the cache), after every change that
/// forgot everything (an import, a renamed unit) and on a new day.
pub async fn keep_warm(db: PgPool, cache: TaskDetails, today: fn() -> NaiveDate) {
    let mut warmed_for = None;
    loop {
        let emptied = tokio::select! {
            () = cache.0.emptied.notified() => true,
            () = tokio::time::sleep(Duration::from_secs(600)) => false,
        };
        if !emptied && warmed_for == Some(today()) {
            continue;
        }
        // Changes come in bursts (an import notifies once per statement): let them settle.
        tokio::time::sleep(Duration::from_secs(1)).await;
        if !cache.is_live() {
            continue;
        }
        let day = today();
        match warm(&db, &cache, day).await {
            Ok(_) => warmed_for = Some(day),
            Err(error) => tracing::warn!(?error, "không nạp sẵn được chi tiết nhiệm vụ"),
        }
    }
}

/// Reads every task's detail as of `today` into the cache, in batches, until the cache is full
/// or stops following the changes.
pub async fn warm(db: &PgPool, cache: &TaskDetails, today: NaiveDate) -> sqlx::Result<usize> {
    let started = Instant::now();
    let mut after = 0_i64;
    let mut kept = 0_usize;
    while cache.is_live() {
        let epoch = cache.epoch();
        let batch = tasks::fetch_task_details_after(db, after, WARM_BATCH, today).await?;
        let Some(last) = batch.last() else { break };
        after = last.task.id.0;
        for detail in &batch {
            if cache.put(detail.task.id, today, detail, epoch) {
                kept += 1;
            }
        }
        if cache.is_full(&cache.store()) {
            break;
        }
    }
    let (entries, bytes) = cache.size();
    tracing::info!(
        kept,
        entries,
        bytes,
        seconds = started.elapsed().as_secs_f64(),
        "đã nạp sẵn chi tiết nhiệm vụ (task details warmed)"
    );
    Ok(kept)
}
