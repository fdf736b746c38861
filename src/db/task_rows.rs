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

/// The overdue report's lines for (unit, task) pairs the task index chose, in that order, with
/// each task's latest note by the date (`crate::db::overdue::overdue_lines` by id).
pub async fn overdue_lines_of(
    db: impl PgExecutor<'_>,
    as_of: NaiveDate,
    original_deadline: bool,
    lines: &[(i64, i64)],
) -> sqlx::Result<Vec<(i64, crate::reports::model::OverdueRow)>> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let due = if original_deadline {
        "coalesce(t.settled_due_on, t.plan_due_on)".to_owned()
    } else {
        super::due_as_of_sql("t.", "$1")
    };
    let sql = format!(
        "select p.unit_id, t.id as task_id, d.code as decision, t.ref as reference, t.content, t.lead_text,
                t.deadline_text, {due} as due_on, ($1::date - {due})::int as days_overdue, t.deliverable,
                n.note as last_note, n.on_date as last_note_on
           from unnest($2::bigint[], $3::bigint[]) with ordinality as p (unit_id, task_id, rank)
           join tasks t on t.id = p.task_id
           join decisions d on d.id = t.decision_id
           left join lateral (
                select e.note, (e.at at time zone 'Asia/Ho_Chi_Minh')::date as on_date from task_events e
                 where e.task_id = t.id and e.note is not null
                   and e.kind in ('note', 'state', 'milestone', 'confirm', 'return', 'extend', 'report')
                   and e.at < (($1::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh')
                 order by e.at desc, e.id desc limit 1) n on true
          order by p.rank"
    );
    let (units, tasks): (Vec<i64>, Vec<i64>) = lines.iter().copied().unzip();
    let rows: Vec<super::overdue::OverdueLine> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(as_of)
        .bind(units)
        .bind(tasks)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(super::overdue::OverdueLine::row)
        .collect())
}
