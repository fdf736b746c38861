//! Reminder digests: who gets one (enabled unit leads bound to units), which of their units'
//! tasks are overdue or due soon as of a day, and the log that keeps a digest to one a day.

use chrono::NaiveDate;
use sqlx::PgExecutor;

use crate::domain::ids::TaskId;

/// An enabled unit lead with the units they are bound to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipientRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub units: Vec<String>,
}

/// Every enabled unit lead bound to at least one unit, by e-mail.
pub async fn list_recipients(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<RecipientRow>> {
    sqlx::query_as!(
        RecipientRow,
        r#"select u.id, u.email, u.name, array_agg(un.name order by un.name) as "units!"
           from users u
           join user_units uu on uu.user_id = u.id
           join units un on un.id = uu.unit_id
          where u.role = 'unit_lead' and not u.disabled
          group by u.id
          order by u.email"#
    )
    .fetch_all(db)
    .await
}

/// A task a digest lists.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DigestTaskRow {
    pub id: TaskId,
    pub decision: String,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    pub deadline_text: String,
    /// The deadline as of the day (an extension counts from the day it was granted).
    pub due_on: NaiveDate,
    /// Days past the deadline; None when not yet due.
    pub days_overdue: Option<i32>,
    /// A unit lead reported completion that a manager has not confirmed yet.
    pub pending_confirmation: bool,
    /// The deadline is an extension granted by the day.
    pub extended: bool,
}

/// The tasks an account's units lead (directly or through a group) that, as of `on`, are
/// overdue or due within `days` days, soonest deadline first.
pub async fn digest_tasks(
    db: impl PgExecutor<'_>,
    user: i64,
    on: NaiveDate,
    days: i32,
) -> sqlx::Result<Vec<DigestTaskRow>> {
    sqlx::query_as!(
        DigestTaskRow,
        r#"select t.id as "id: TaskId", d.code as decision, t.ref as reference, t.content, t.lead_text,
                t.deadline_text, task_due_as_of(t, $2) as "due_on!",
                task_days_overdue(t, $2) as days_overdue, t.pending_confirmation,
                (t.extended_due_on is not null and t.extended_on <= $2) as "extended!"
           from tasks t
           join decisions d on d.id = t.decision_id
          where not t.retired
            and exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                         where tu.task_id = t.id and tu.role = 'lead' and uu.user_id = $1)
            and (task_category(t, $2) = 'overdue'
                 or (task_category(t, $2) = 'in_progress_on_time' and task_due_as_of(t, $2) <= $2 + $3::integer))
          order by task_due_as_of(t, $2), d.code, t.position"#,
        user,
        on,
        days
    )
    .fetch_all(db)
    .await
}

/// A report or an explanation one of an account's units owes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwedRow {
    /// "round" or "explanation".
    pub kind: String,
    /// The round's or the explanation's id.
    pub id: i64,
    pub unit_id: Option<i64>,
    /// The round's title, or the task's plan and reference.
    pub title: String,
    /// The unit's name, or the task's lead units as written.
    pub unit: String,
    pub due_on: NaiveDate,
    pub lines_saved: i32,
    pub lines_total: i32,
}

/// The round reports an account's units have not submitted, and the explanations they were
/// asked for and have not given, soonest due first.
pub async fn owed(db: impl PgExecutor<'_>, user: i64) -> sqlx::Result<Vec<OwedRow>> {
    sqlx::query_as!(
        OwedRow,
        r#"select kind as "kind!", id as "id!", unit_id as "unit_id?", title as "title!", unit as "unit!",
                  due_on as "due_on!", lines_saved as "lines_saved!", lines_total as "lines_total!"
             from (
         select 'round' as kind, r.id, x.unit_id, r.title, u.name as unit, r.due_on, x.lines_saved, x.lines_total
           from round_reports x
           join rounds r on r.id = x.round_id
           join units u on u.id = x.unit_id
           join user_units uu on uu.unit_id = x.unit_id and uu.user_id = $1
          where x.status <> 'submitted'
         union all
         select 'explanation', e.id, null, d.code || ' ' || t.ref, t.lead_text, e.due_on, 0, 0
           from explanations e
           join tasks t on t.id = e.task_id
           join decisions d on d.id = t.decision_id
          where e.answered_on is null and e.decision is null and not t.retired
            and exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                         where tu.task_id = t.id and tu.role = 'lead' and uu.user_id = $1)
             ) owed
          order by owed.due_on, owed.kind, owed.id"#,
        user
    )
    .fetch_all(db)
    .await
}

/// Claims the day's digest for an account; false when it was already sent (or is being sent).
pub async fn claim_digest(
    db: impl PgExecutor<'_>,
    user: i64,
    on: NaiveDate,
    recipient: &str,
    overdue: i32,
    due_soon: i32,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into reminder_digests (user_id, sent_on, recipient, overdue, due_soon)
         values ($1, $2, $3, $4, $5) on conflict do nothing",
        user,
        on,
        recipient,
        overdue,
        due_soon
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives up a claim after a failed send, so that a later run that day tries again.
pub async fn release_digest(db: impl PgExecutor<'_>, user: i64, on: NaiveDate) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from reminder_digests where user_id = $1 and sent_on = $2",
        user,
        on
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The accounts whose digest for the day was already sent.
pub async fn digests_sent_on(db: impl PgExecutor<'_>, on: NaiveDate) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select user_id from reminder_digests where sent_on = $1",
        on
    )
    .fetch_all(db)
    .await
}
