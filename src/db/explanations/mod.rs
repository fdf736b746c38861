//! Explanations of overdue tasks: requests (by a manager or automatically after N days overdue),
//! the lead unit's answer, the manager's decision (accepting grants the extension through the
//! usual extend path), each step also an event in the task's history; and the lists and counts
//! as of a date.

use chrono::NaiveDate;
use sqlx::{PgExecutor, PgPool};

use crate::domain::ids::{ExplanationId, TaskId};

mod steps;

pub use steps::{Requested, answer, decide, request, request_automatically};

/// The latest request of each task as of `$1`, with its status then (SQL, for `with`).
pub(crate) const LATEST_AS_OF: &str = "
    select distinct on (x.task_id) x.*,
           explanation_status(x.requested_on, x.due_on, x.answered_on, x.decided_on, x.decision, $1) as status
      from explanations x
     where x.requested_on <= $1
     order by x.task_id, x.requested_on desc, x.id desc";

/// One request with its task, and its status as of the date it was read for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExplanationRow {
    pub id: ExplanationId,
    pub task_id: TaskId,
    pub decision_code: String,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    pub deadline_text: String,
    /// The task's deadline today (an extension included).
    pub task_due_on: Option<NaiveDate>,
    pub task_state: String,
    pub requested_on: NaiveDate,
    pub requester: String,
    pub automatic: bool,
    pub due_on: NaiveDate,
    pub request_note: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub answerer: Option<String>,
    pub reason_class: Option<String>,
    pub answer: Option<String>,
    pub proposed_due_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decider: Option<String>,
    pub decision: Option<String>,
    pub decision_note: Option<String>,
    pub granted_due_on: Option<NaiveDate>,
    /// As of the date read for; "none" when requested after it.
    pub status: String,
}

const SELECT_ROW: &str = "
    select x.id, x.task_id, d.code as decision_code, t.ref, t.content, t.lead_text, t.deadline_text,
           t.due_on as task_due_on, t.state as task_state, x.requested_on, x.requester, x.automatic,
           x.due_on, x.request_note, x.answered_on, x.answerer, x.reason_class, x.answer,
           x.proposed_due_on, x.decided_on, x.decider, x.decision, x.decision_note, x.granted_due_on,
           coalesce(explanation_status(x.requested_on, x.due_on, x.answered_on, x.decided_on, x.decision, $1), 'none') as status
      from explanations x
      join tasks t on t.id = x.task_id
      join decisions d on d.id = t.decision_id";

/// One request, its status as of a date.
pub async fn fetch(
    db: impl PgExecutor<'_>,
    id: ExplanationId,
    as_of: NaiveDate,
) -> sqlx::Result<Option<ExplanationRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_ROW} where x.id = $2")))
        .bind(as_of)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<String>,
    pub reason: Option<String>,
    pub decision_code: Option<String>,
    /// Tasks this unit leads (groups expanded).
    pub unit: Option<i64>,
}

/// The latest request of each task as of a date, under the filter: one page and the total.
pub async fn list(
    db: &PgPool,
    filter: &ListFilter,
    as_of: NaiveDate,
    offset: i64,
    limit: i64,
) -> sqlx::Result<(i64, Vec<ExplanationRow>)> {
    let sql = format!(
        "with latest as ({LATEST_AS_OF}), rows as ({SELECT_ROW} join latest l on l.id = x.id
           where not t.retired
             and ($2::text is null or l.status = $2)
             and ($3::text is null or (x.answered_on <= $1 and x.reason_class = $3))
             and ($4::text is null or d.code = $4)
             and ($5::bigint is null or exists (select 1 from task_units tu where tu.task_id = t.id and tu.role = 'lead' and tu.unit_id = $5)))
         select rows.*, count(*) over () as total from rows
          order by rows.requested_on desc, rows.id desc offset $6 limit $7"
    );
    #[derive(sqlx::FromRow)]
    struct Counted {
        #[sqlx(flatten)]
        row: ExplanationRow,
        total: i64,
    }
    let rows: Vec<Counted> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(as_of)
        .bind(&filter.status)
        .bind(&filter.reason)
        .bind(&filter.decision_code)
        .bind(filter.unit)
        .bind(offset)
        .bind(limit)
        .fetch_all(db)
        .await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((total, rows.into_iter().map(|r| r.row).collect()))
}

/// How many tasks stand in each (status, reason class) as of a date, by their latest request;
/// only the given tasks when `tasks` is given.
pub async fn counts(
    db: impl PgExecutor<'_>,
    as_of: NaiveDate,
    tasks: Option<&[i64]>,
) -> sqlx::Result<Vec<(String, Option<String>, i64)>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "with latest as ({LATEST_AS_OF})
         select l.status, case when l.answered_on <= $1 then l.reason_class end as reason, count(*)
           from latest l join tasks t on t.id = l.task_id
          where not t.retired and ($2::bigint[] is null or l.task_id = any($2))
          group by 1, 2"
    )))
    .bind(as_of)
    .bind(tasks)
    .fetch_all(db)
    .await
}

/// Whether any explanation had been asked for by a date.
pub async fn any_requested(db: impl PgExecutor<'_>, as_of: NaiveDate) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from explanations where requested_on <= $1) as "any!""#,
        as_of
    )
    .fetch_one(db)
    .await
}

/// The status and reason class of each of these tasks as of a date (tasks never asked are left
/// out).
pub async fn statuses(
    db: impl PgExecutor<'_>,
    tasks: &[i64],
    as_of: NaiveDate,
) -> sqlx::Result<Vec<(i64, ExplanationId, String, Option<String>)>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "with latest as ({LATEST_AS_OF})
         select l.task_id, l.id, l.status, case when l.answered_on <= $1 then l.reason_class end
           from latest l where l.task_id = any($2)"
    )))
    .bind(as_of)
    .bind(tasks)
    .fetch_all(db)
    .await
}

/// Days overdue after which a request is made automatically; None when off.
pub async fn auto_days(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i32>> {
    let value: Option<String> =
        sqlx::query_scalar!("select value from settings where key = 'explanation_auto_days'")
            .fetch_optional(db)
            .await?;
    Ok(value.and_then(|v| v.parse::<i32>().ok()).filter(|n| *n > 0))
}

/// Sets the automatic requests: after `days` days overdue (0 turns them off).
pub async fn set_auto_days(db: impl PgExecutor<'_>, days: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into settings (key, value) values ('explanation_auto_days', $1)
         on conflict (key) do update set value = excluded.value",
        days.to_string()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How long the unit has to answer an automatic request.
pub const AUTO_ANSWER_DAYS: i64 = 7;

/// The open requests (not decided) of tasks the user's units lead, oldest first.
pub async fn open_for_user(
    db: impl PgExecutor<'_>,
    user: i64,
    as_of: NaiveDate,
) -> sqlx::Result<Vec<ExplanationRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_ROW}
          where x.decision is null and not t.retired
            and exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                         where tu.task_id = t.id and tu.role = 'lead' and uu.user_id = $2)
          order by x.due_on, x.id limit 200"
    )))
    .bind(as_of)
    .bind(user)
    .fetch_all(db)
    .await
}
