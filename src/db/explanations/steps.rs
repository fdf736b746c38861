//! The steps of an explanation, each in the caller's transaction and each also an event in the
//! task's history: the request (by a manager or automatic), the answer, the decision.

use chrono::{NaiveDate, TimeDelta};
use sqlx::{PgConnection, PgPool};

use super::{AUTO_ANSWER_DAYS, auto_days};
use crate::db::updates::{Evidence, Request, UpdateError, apply_change_in, standing_on};
use crate::db::users::UserRow;
use crate::domain::deadline::format_vi;
use crate::domain::explanation::{Answer, Decision};
use crate::domain::ids::{ExplanationId, TaskId};
use crate::domain::role::{FollowUp, may_follow_up, may_speak_for_unit};
use crate::domain::update::Change;

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
    let open = sqlx::query_scalar!(
        r#"select count(*) as "open!" from explanations where task_id = any($1) and decision is null"#,
        &ids
    )
    .fetch_one(&mut *tx)
    .await?;
    let created: Vec<(i64, i64)> = sqlx::query!(
        "insert into explanations (task_id, requested_on, requested_by, requester, automatic, due_on, request_note)
         select t.id, $2, $3, $4, $5, $6, $7 from tasks t
          where t.id = any($1) and not t.retired
            and task_overdue(t.state, t.completed_on, t.deadline_kind, task_due_as_of(t, $2), $2)
            and not exists (select 1 from explanations o where o.task_id = t.id and o.decision is null)
         on conflict do nothing
         returning task_id, id",
        &ids,
        today,
        user_id,
        &actor,
        automatic,
        due_on,
        note
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|made| (made.task_id, made.id))
    .collect();
    let (task_ids, ids_made): (Vec<i64>, Vec<i64>) = created.iter().copied().unzip();
    sqlx::query!(
        "insert into task_events (task_id, actor, user_id, kind, data, note)
         select e.task_id, $3, $4, 'explain_request',
                jsonb_build_object('explanation_id', e.id, 'due_on', $5::date, 'automatic', $6::boolean), $7
           from unnest($1::bigint[], $2::bigint[]) as e(task_id, id)",
        &task_ids,
        &ids_made,
        &actor,
        user_id,
        due_on,
        automatic,
        note
    )
    .execute(&mut *tx)
    .await?;
    let open = usize::try_from(open).unwrap_or(0);
    Ok(Requested {
        not_overdue: ids.len().saturating_sub(created.len() + open),
        already_open: open,
        created: task_ids.into_iter().map(TaskId).collect(),
    })
}

struct Locked {
    task_id: TaskId,
    answered_on: Option<NaiveDate>,
    decision: Option<String>,
}

async fn lock(tx: &mut PgConnection, id: ExplanationId) -> Result<Locked, UpdateError> {
    sqlx::query_as!(
        Locked,
        r#"select task_id as "task_id: TaskId", answered_on, decision
             from explanations where id = $1 for update"#,
        id as ExplanationId
    )
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
    sqlx::query!(
        "update explanations set answered_on = $2, answered_at = now(), answered_by = $3, answerer = $4,
                reason_class = $5, answer = $6, proposed_due_on = $7 where id = $1",
        id as ExplanationId,
        today,
        user.id,
        actor(user),
        answer.reason.as_str(),
        &answer.text,
        answer.proposed_due_on
    )
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
        let version = sqlx::query_scalar!(
            "select version from tasks where id = $1",
            locked.task_id as TaskId
        )
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
    sqlx::query!(
        "update explanations set decided_on = $2, decided_at = now(), decided_by = $3, decider = $4,
                decision = $5, decision_note = $6, granted_due_on = $7 where id = $1",
        id as ExplanationId,
        today,
        user.id,
        actor(user),
        if accepted { "accepted" } else { "rejected" },
        note,
        granted
    )
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
    sqlx::query!(
        "insert into task_events (task_id, actor, user_id, kind, data, note) values ($1, $2, $3, $4, $5, $6)",
        task as TaskId,
        actor(user),
        user.id,
        kind,
        data,
        note
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Makes the automatic requests due today: every task overdue by at least the set number of
/// days that has no request since it fell due. Returns how many were made.
pub async fn request_automatically(db: &PgPool, today: NaiveDate) -> sqlx::Result<usize> {
    let Some(days) = auto_days(db).await? else {
        return Ok(0);
    };
    let latest_due = today - TimeDelta::days(i64::from(days));
    let due = sqlx::query_scalar!(
        r#"select t.id as "id: TaskId" from tasks t
          where not t.retired and t.deadline_kind not in ('continuous', 'periodic')
            and t.due_on <= $1 and t.completed_on is null
            and not exists (select 1 from explanations x where x.task_id = t.id
                             and (x.decision is null or x.requested_on >= t.due_on))"#,
        latest_due
    )
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
