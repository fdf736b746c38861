//! Calendar feeds: the dated tasks and milestones of all plans or of one unit, and the private
//! feed keys (one per account, stored as a SHA-256 hash).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

use crate::domain::ids::{TaskId, UnitId};
use crate::secret::{hash_token, new_token};

/// A task with a due date, as a feed shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedTaskRow {
    pub id: TaskId,
    pub decision: String,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    /// The lead units by their registry names, in the plan's order ("" when none resolved).
    pub lead_names: String,
    pub partner_text: String,
    pub deadline_text: String,
    /// The deadline the task is judged by (extension, else settled, else the plan's).
    pub due_on: NaiveDate,
    /// The plan's own date (None when the text was not understood and a manager settled it).
    pub plan_due_on: Option<NaiveDate>,
    pub extended_due_on: Option<NaiveDate>,
    pub deliverable: String,
    pub state: String,
    pub completed_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    /// In a unit's feed: "lead" or "partner", and the group it holds the role through.
    pub unit_role: Option<String>,
    pub via_group: Option<String>,
}

/// A milestone of a task, as a feed shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedMilestoneRow {
    pub task_id: TaskId,
    pub position: i32,
    pub label: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub decision: String,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub content: String,
    pub lead_names: String,
    pub lead_text: String,
    pub deadline_text: String,
    /// The task's state (a completed task's milestones are done too).
    pub state: String,
    pub updated_at: DateTime<Utc>,
}

/// The dated tasks that are not retired, of every plan or (with `unit`) those the unit leads or
/// partners, directly or through a group; ordered by date.
pub async fn feed_tasks(
    db: impl PgExecutor<'_>,
    unit: Option<UnitId>,
) -> sqlx::Result<Vec<FeedTaskRow>> {
    sqlx::query_as!(
        FeedTaskRow,
        r#"select t.id as "id: TaskId", d.code as decision, t.ref as reference, t.content, t.lead_text,
                coalesce((select string_agg(u.name, ', ' order by tu.position) from task_units tu
                            join units u on u.id = tu.unit_id
                           where tu.task_id = t.id and tu.role = 'lead' and tu.via_group_id is null), '') as "lead_names!",
                t.partner_text, t.deadline_text, t.due_on as "due_on!",
                t.plan_due_on, t.extended_due_on, t.deliverable, t.state, t.completed_on, t.updated_at,
                mine.role as "unit_role?", g.name as "via_group?"
           from tasks t
           join decisions d on d.id = t.decision_id
           left join lateral (select tu.role, tu.via_group_id from task_units tu
                               where tu.task_id = t.id and tu.unit_id = $1
                               order by tu.role limit 1) mine on true
           left join units g on g.id = mine.via_group_id
          where not t.retired and t.due_on is not null
            and ($1::bigint is null or mine.role is not null)
          order by t.due_on, d.code, t.position"#,
        unit as Option<UnitId>
    )
    .fetch_all(db)
    .await
}

/// The milestones of the tasks `feed_tasks` would list (retired tasks left out), by date.
pub async fn feed_milestones(
    db: impl PgExecutor<'_>,
    unit: Option<UnitId>,
) -> sqlx::Result<Vec<FeedMilestoneRow>> {
    sqlx::query_as!(
        FeedMilestoneRow,
        r#"select m.task_id as "task_id: TaskId", m.position, m.label, m.due_on, m.done_on,
                d.code as decision, t.ref as reference,
                t.content, t.lead_text, t.deadline_text, t.state, t.updated_at,
                coalesce((select string_agg(u.name, ', ' order by tu.position) from task_units tu
                            join units u on u.id = tu.unit_id
                           where tu.task_id = t.id and tu.role = 'lead' and tu.via_group_id is null), '') as "lead_names!"
           from milestones m
           join tasks t on t.id = m.task_id
           join decisions d on d.id = t.decision_id
          where not t.retired
            and ($1::bigint is null
                 or exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = $1))
          order by m.due_on, d.code, t.position, m.position"#,
        unit as Option<UnitId>
    )
    .fetch_all(db)
    .await
}

/// The name of a unit (or group), if it exists.
pub async fn unit_name(db: impl PgExecutor<'_>, unit: UnitId) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("select name from units where id = $1", unit as UnitId)
        .fetch_optional(db)
        .await
}

/// When an account's feed key was made and last used, if it has one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarKeyRow {
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The account's feed key record, if any.
pub async fn fetch_calendar_key(
    db: impl PgExecutor<'_>,
    user: i64,
) -> sqlx::Result<Option<CalendarKeyRow>> {
    sqlx::query_as!(
        CalendarKeyRow,
        "select created_at, last_used_at from calendar_keys where user_id = $1",
        user
    )
    .fetch_optional(db)
    .await
}

/// Makes a new feed key for an account, replacing (and so revoking) the old one; returns the
/// key, which is shown once and never stored.
pub async fn renew_calendar_key(db: impl PgExecutor<'_>, user: i64) -> sqlx::Result<String> {
    let key = new_token();
    sqlx::query!(
        "insert into calendar_keys (user_id, key_hash) values ($1, $2)
         on conflict (user_id) do update
            set key_hash = excluded.key_hash, created_at = now(), last_used_at = null",
        user,
        hash_token(&key)
    )
    .execute(db)
    .await?;
    Ok(key)
}

/// Revokes an account's feed key; whether there was one.
pub async fn delete_calendar_key(db: impl PgExecutor<'_>, user: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!("delete from calendar_keys where user_id = $1", user)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The enabled account a feed key belongs to (and notes the use).
pub async fn calendar_key_user(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "update calendar_keys k set last_used_at = now() from users u
          where k.key_hash = $1 and u.id = k.user_id and not u.disabled returning k.user_id",
        hash_token(key)
    )
    .fetch_optional(db)
    .await
}
