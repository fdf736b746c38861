//! Task rows fetched by id, for lists whose order and membership the task index decided
//! (`crate::index`): one index lookup per shown task instead of a filtered scan.

use chrono::NaiveDate;
use sqlx::{PgExecutor, Postgres, QueryBuilder};

use super::tasks::{TaskRow, push_select};

/// The rows of `ids` as of a date, in the order of `ids` (ids of tasks gone are skipped).
pub async fn rows_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    as_of: NaiveDate,
) -> sqlx::Result<Vec<TaskRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Postgres>::new("");
    push_select(&mut q, as_of);
    q.push(" where t.id = any(")
        .push_bind(ids.to_vec())
        .push(")");
    let mut rows: Vec<TaskRow> = q.build_query_as().fetch_all(db).await?;
    let at: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| at.get(&r.id.0).copied().unwrap_or(usize::MAX));
    Ok(rows)
}
