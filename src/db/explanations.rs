//! Explanations of overdue tasks: requests (by a manager or automatically after N days overdue),
//! the lead unit's answer, the manager's decision (accepting grants the extension through the
//! usual extend path), each step also an event in the task's history; and the lists and counts
//! as of a date.

use chrono::{NaiveDate, TimeDelta};
use sqlx::{PgConnection, PgExecutor, PgPool};

use super::updates::{Evidence, Request, UpdateError, apply_change_in, standing_on};
use super::users::UserRow;
use crate::domain::deadline::format_vi;
use crate::domain::explanation::{Answer, Decision};
use crate::domain::ids::{ExplanationId, TaskId};
use crate::domain::role::{FollowUp, may_follow_up, may_speak_for_unit};
use crate::domain::update::Change;

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

/// What a request did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requested {
    pub created: Vec<TaskId>,
    /// Tasks that already had an open request.
    pub already_open: usize,
    /// Tasks not overdue today (or retired, or unknown).
    pub not_overdue: usize,
}

/// Asks the lead units of these tasks to explain by `due_on`: only tasks overdue today without
/// an open request; each request is an event in its task's history. `by` is None for the
/// automatic requests.
pub async fn request(
    tx: &mut PgConnection,
    tasks: &[TaskId],
    due_on: NaiveDate,
    note: Option<&str>,
    by: Option<&UserRow>,
    today: NaiveDate,
) -> sqlx::Result<Requested> {
    let ids: Vec<i64> = tasks.iter().map(|t| t.0).collect();
    let (actor, user_id, automatic) = match by {
        Some(u) => (format!("{} <{}>", u.name, u.email), Some(u.id), false),
        None => ("Hệ thống (yêu cầu tự động)".to_owned(), None, true),
    };
    let open: i64 = sqlx::query_scalar(
        "select count(*) from explanations where task_id = any($1) and decision is null",
    )
    .bind(&ids)
    .fetch_one(&mut *tx)
    .await?;
    let created: Vec<(i64, i64)> = sqlx::query_as(
        "insert into explanations (task_id, requested_on, requested_by, requester, automatic, due_on, request_note)
         select t.id, $2, $3, $4, $5, $6, $7 from tasks t
          where t.id = any($1) and not t.retired
            and task_overdue(t.state, t.completed_on, t.deadline_kind, task_due_as_of(t, $2), $2)
            and not exists (select 1 from explanations o where o.task_id = t.id and o.decision is null)
         on conflict do nothing
         returning task_id, id",
    )
    .bind(&ids)
    .bind(today)
    .bind(user_id)
    .bind(&actor)
    .bind(automatic)
    .bind(due_on)
    .bind(note)
    .fetch_all(&mut *tx)
    .await?;
    let (task_ids, ids_made): (Vec<i64>, Vec<i64>) = created.iter().copied().unzip();
    sqlx::query(
        "insert into task_events (task_id, actor, user_id, kind, data, note)
         select e.task_id, $3, $4, 'explain_request',
                jsonb_build_object('explanation_id', e.id, 'due_on', $5::date, 'automatic', $6::boolean), $7
           from unnest($1::bigint[], $2::bigint[]) as e(task_id, id)",
    )
    .bind(&task_ids)
    .bind(&ids_made)
    .bind(&actor)
    .bind(user_id)
    .bind(due_on)
    .bind(automatic)
    .bind(note)
    .execute(&mut *tx)
    .await?;
    let open = usize::try_from(open).unwrap_or(0);
    Ok(Requested {
        not_overdue: ids.len().saturating_sub(created.len() + open),
        already_open: open,
        created: task_ids.into_iter().map(TaskId).collect(),
    })
}

#[derive(sqlx::FromRow)]
struct Locked {
    task_id: TaskId,
    answered_on: Option<NaiveDate>,
    decision: Option<String>,
}

async fn lock(tx: &mut PgConnection, id: ExplanationId) -> Result<Locked, UpdateError> {
    sqlx::query_as(
        "select task_id, answered_on, decision from explanations where id = $1 for update",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(UpdateError::NotFound)
}

fn actor(user: &UserRow) -> String {
    format!("{} <{}>", user.name, user.email)
}

/// The lead unit's answer. Only a unit lead (or manager) bound to a unit that leads the task
/// answers, once, while the request is open.
pub async fn answer(
    tx: &mut PgConnection,
    id: ExplanationId,
    user: &UserRow,
    answer: &Answer,
    today: NaiveDate,
) -> Result<TaskId, UpdateError> {
    let locked = lock(tx, id).await?;
    let (leads, _) = standing_on(&mut *tx, user.id, locked.task_id).await?;
    if !may_speak_for_unit(user.role(), leads) {
        return Err(UpdateError::Forbidden);
    }
    if locked.decision.is_some() || locked.answered_on.is_some() {
        return Err(UpdateError::Invalid(
            "answer",
            "Yêu cầu này đã được giải trình.".to_owned(),
        ));
    }
    sqlx::query(
        "update explanations set answered_on = $2, answered_at = now(), answered_by = $3, answerer = $4,
                reason_class = $5, answer = $6, proposed_due_on = $7 where id = $1",
    )
    .bind(id)
    .bind(today)
    .bind(user.id)
    .bind(actor(user))
    .bind(answer.reason.as_str())
    .bind(&answer.text)
    .bind(answer.proposed_due_on)
    .execute(&mut *tx)
    .await?;
    event(
        tx,
        locked.task_id,
        user,
        "explain_answer",
        serde_json::json!({ "explanation_id": id, "reason_class": answer.reason.as_str(), "proposed_due_on": answer.proposed_due_on }),
        Some(&answer.text),
    )
    .await?;
    Ok(locked.task_id)
}

/// A manager's decision on an answered request. Accepting extends the task's deadline through
/// the extend action (the plan's deadline stays on record; the extension counts from today).
pub async fn decide(
    tx: &mut PgConnection,
    id: ExplanationId,
    user: &UserRow,
    decision: &Decision,
    today: NaiveDate,
) -> Result<TaskId, UpdateError> {
    if !may_follow_up(user.role(), FollowUp::DecideExplanation) {
        return Err(UpdateError::Forbidden);
    }
    let locked = lock(tx, id).await?;
    if locked.decision.is_some() || locked.answered_on.is_none() {
        return Err(UpdateError::Invalid(
            "decision",
            "Chỉ xem xét được giải trình đã nộp và chưa có kết luận.".to_owned(),
        ));
    }
    let (accepted, granted, note) = match decision {
        Decision::Accept { granted_due_on } => (true, *granted_due_on, None),
        Decision::Reject { reason } => (false, None, Some(reason.as_str())),
    };
    if let Some(due_on) = granted {
        let version: i32 = sqlx::query_scalar("select version from tasks where id = $1")
            .bind(locked.task_id)
            .fetch_one(&mut *tx)
            .await?;
        let basis = format!("Chấp nhận giải trình ngày {}", format_vi(today));
        let request = Request {
            change: Change::Extend { due_on, basis },
            note: None,
            version: Some(version),
            evidence: Evidence::default(),
        };
        apply_change_in(tx, user, locked.task_id, &request, today).await?;
    }
    sqlx::query(
        "update explanations set decided_on = $2, decided_at = now(), decided_by = $3, decider = $4,
                decision = $5, decision_note = $6, granted_due_on = $7 where id = $1",
    )
    .bind(id)
    .bind(today)
    .bind(user.id)
    .bind(actor(user))
    .bind(if accepted { "accepted" } else { "rejected" })
    .bind(note)
    .bind(granted)
    .execute(&mut *tx)
    .await?;
    let kind = if accepted {
        "explain_accept"
    } else {
        "explain_reject"
    };
    let data = serde_json::json!({ "explanation_id": id, "granted_due_on": granted });
    event(tx, locked.task_id, user, kind, data, note).await?;
    Ok(locked.task_id)
}

async fn event(
    tx: &mut PgConnection,
    task: TaskId,
    user: &UserRow,
    kind: &str,
    data: serde_json::Value,
    note: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into task_events (task_id, actor, user_id, kind, data, note) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(task)
    .bind(actor(user))
    .bind(user.id)
    .bind(kind)
    .bind(data)
    .bind(note)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Days overdue after which a request is made automatically; None when off.
pub async fn auto_days(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i32>> {
    let value: Option<String> =
        sqlx::query_scalar("select value from settings where key = 'explanation_auto_days'")
            .fetch_optional(db)
            .await?;
    Ok(value.and_then(|v| v.parse::<i32>().ok()).filter(|n| *n > 0))
}

/// Sets the automatic requests: after `days` days overdue (0 turns them off).
pub async fn set_auto_days(db: impl PgExecutor<'_>, days: i32) -> sqlx::Result<()> {
    sqlx::query(
        "insert into settings (key, value) values ('explanation_auto_days', $1)
         on conflict (key) do update set value = excluded.value",
    )
    .bind(days.to_string())
    .execute(db)
    .await?;
    Ok(())
}

/// How long the unit has to answer an automatic request.
pub const AUTO_ANSWER_DAYS: i64 = 7;

/// Makes the automatic requests due today: every task overdue by at least the set number of
/// days that has no request since it fell due. Returns how many were made.
pub async fn request_automatically(db: &PgPool, today: NaiveDate) -> sqlx::Result<usize> {
    let Some(days) = auto_days(db).await? else {
        return Ok(0);
    };
    let latest_due = today - TimeDelta::days(i64::from(days));
    let due: Vec<TaskId> = sqlx::query_scalar(
        "select t.id from tasks t
          where not t.retired and t.deadline_kind not in ('continuous', 'periodic')
            and t.due_on <= $2 and t.completed_on is null
            and not exists (select 1 from explanations x where x.task_id = t.id
                             and (x.decision is null or x.requested_on >= t.due_on))",
    )
    .bind(today)
    .bind(latest_due)
    .fetch_all(db)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let done = request(
        &mut tx,
        &due,
        today + TimeDelta::days(AUTO_ANSWER_DAYS),
        Some(&format!(
            "Yêu cầu tự động: nhiệm vụ quá hạn từ {days} ngày trở lên."
        )),
        None,
        today,
    )
    .await?;
    tx.commit().await?;
    Ok(done.created.len())
}

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
