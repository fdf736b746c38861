//! Applying a change to a task: check the user's standing and the row version (optimistic
//! locking), write the new state and append exactly one event to the history. Notes and state
//! changes are written by the write queue, many to a statement, each only if its task is still
//! at the version judged; a change with a file or a milestone, or one that lost a race, is
//! judged and written in one transaction that locks the task row.

use std::time::Instant;

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};

use crate::db::users::UserRow;
use crate::db::write_queue::{self, PendingWrite, WriteQueue, Written};
use crate::domain::ids::TaskId;
use crate::domain::role::Standing;
use crate::domain::status::TaskState;
use crate::domain::update::{Change, Effect, Refusal, TaskNow, apply};

/// Evidence to keep with the event.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub url: Option<String>,
    /// (file name, content type, bytes) of an uploaded file.
    pub file: Option<(String, String, Vec<u8>)>,
}

/// A change as a user asked for it.
#[derive(Debug, Clone)]
pub struct Request {
    pub change: Change,
    pub note: Option<String>,
    /// The row version the user saw; None only for notes, which do not change the task.
    pub version: Option<i32>,
    pub evidence: Evidence,
}

/// Why a change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("không tìm thấy nhiệm vụ")]
    NotFound,
    #[error("không có quyền")]
    Forbidden,
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error("nhiệm vụ đã được người khác cập nhật (phiên bản {current}, bạn gửi phiên bản {sent})")]
    Stale { current: i32, sent: i32 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The task as a change finds it, and the user's standing on it.
struct Seen {
    state: String,
    completed_on: Option<NaiveDate>,
    pending_confirmation: bool,
    proposed_completed_on: Option<NaiveDate>,
    deadline_kind: String,
    version: i32,
    milestones: i64,
    leads: bool,
    partners: bool,
    two_step: bool,
}

/// A change as applied.
#[derive(Debug)]
pub struct Applied {
    /// The task's version after the change.
    pub version: i32,
    /// For a change the queue wrote: the change and what the database made of it, from which
    /// the task as it is now can be made out of a copy read before (`TaskDetail::after_write`).
    pub queued: Option<(PendingWrite, Written)>,
}

/// Applies a change for `user`.
///
/// Without a file or a milestone (most changes: notes and states), with no explicit
/// transaction: read the task, judge the change, then hand it to `queue`, which writes it with
/// the other changes waiting (`crate::db::write_queue`) only if the task is still at the
/// version read (for a note: still there). Past `give_up_at` without being written it is not
/// written. A write that lost a race with another one (the version moved in between) is judged
/// again under a lock, where the user learns that the task changed.
pub async fn apply_change(
    db: &PgPool,
    queue: &WriteQueue,
    user: &UserRow,
    task: TaskId,
    request: Request,
    today: NaiveDate,
    give_up_at: Instant,
) -> Result<Applied, UpdateError> {
    // A file and a milestone are written in statements of their own (a statement on
    // `milestones` moves the plans' counter even when it changes no row): under a lock.
    let queued =
        request.evidence.file.is_none() && !matches!(request.change, Change::Milestone { .. });
    if queued {
        let seen = read(db, user, task).await?;
        let effect = judge(user, &seen, &request, today)?;
        let pending = pending_write(task, user, &request, &seen, &effect, None, today);
        if let Some(written) = queue.write(pending.clone(), give_up_at).await? {
            return Ok(Applied {
                version: written.version,
                queued: Some((pending, written)),
            });
        }
    }
    let mut tx = db.begin().await?;
    let version = apply_change_in(&mut tx, user, task, &request, today).await?;
    tx.commit().await?;
    Ok(Applied {
        version,
        queued: None,
    })
}

/// `apply_change` inside the caller's transaction, for writes that change a task as one step
/// of something larger (a submitted round report, an accepted explanation): the same checks,
/// the same state rules and the same one event in the history, with the task locked.
pub async fn apply_change_in(
    tx: &mut PgConnection,
    user: &UserRow,
    task: TaskId,
    request: &Request,
    today: NaiveDate,
) -> Result<i32, UpdateError> {
    sqlx::query!(
        "select id from tasks where id = $1 and not retired for update",
        task as TaskId
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(UpdateError::NotFound)?;
    let seen = read(&mut *tx, user, task).await?;
    let effect = judge(user, &seen, request, today)?;
    let evidence_id = store_evidence(tx, task, user.id, &request.evidence).await?;
    if let Change::Milestone { index, done_on } = &request.change {
        sqlx::query!(
            "update milestones set done_on = $3 where task_id = $1 and position = $2",
            task as TaskId,
            i32::try_from(*index + 1).unwrap_or(i32::MAX),
            *done_on
        )
        .execute(&mut *tx)
        .await?;
    }
    // Locked: the version read is the version written over.
    let pending = pending_write(task, user, request, &seen, &effect, evidence_id, today);
    let written = write_queue::write_all(&mut *tx, std::slice::from_ref(&pending)).await?;
    let written = written
        .first()
        .copied()
        .flatten()
        .ok_or(UpdateError::NotFound)?;
    Ok(written.version)
}

async fn read(
    db: impl sqlx::PgExecutor<'_>,
    user: &UserRow,
    task: TaskId,
) -> Result<Seen, UpdateError> {
    sqlx::query_as!(
        Seen,
        r#"select t.state, t.completed_on, t.pending_confirmation, t.proposed_completed_on, t.deadline_kind, t.version,
                (select count(*) from milestones m where m.task_id = t.id) as "milestones!",
                exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                         where tu.task_id = t.id and tu.role = 'lead' and uu.user_id = $2) as "leads!",
                exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                         where tu.task_id = t.id and tu.role = 'partner' and uu.user_id = $2) as "partners!",
                coalesce((select s.value <> 'false' from settings s where s.key = 'two_step_confirmation'), true) as "two_step!"
           from tasks t where t.id = $1 and not t.retired"#,
        task as TaskId,
        user.id
    )
    .fetch_optional(db)
    .await?
    .ok_or(UpdateError::NotFound)
}

/// The checks and the state rules: what the change makes of the task as read.
fn judge(
    user: &UserRow,
    seen: &Seen,
    request: &Request,
    today: NaiveDate,
) -> Result<Effect, UpdateError> {
    let standing = Standing {
        role: user.role(),
        leads: seen.leads,
        partners: seen.partners,
    };
    let now = task_now(seen);
    if !crate::domain::role::may(standing, request.change.action()) {
        return Err(UpdateError::Forbidden);
    }
    let changes_task = !matches!(request.change, Change::Note);
    match request.version {
        Some(sent) if sent != seen.version => {
            return Err(UpdateError::Stale {
                current: seen.version,
                sent,
            });
        }
        None if changes_task => {
            return Err(UpdateError::Invalid(
                "version",
                "Thiếu phiên bản (version) của nhiệm vụ.".to_owned(),
            ));
        }
        _ => {}
    }
    apply(
        standing,
        &now,
        &request.change,
        request.note.as_deref(),
        today,
        seen.two_step,
    )
    .map_err(|r| match r {
        Refusal::Forbidden => UpdateError::Forbidden,
        Refusal::Invalid(field, message) => UpdateError::Invalid(field, message),
    })
}

fn task_now(seen: &Seen) -> TaskNow {
    TaskNow {
        state: TaskState::parse(&seen.state).unwrap_or(TaskState::NotStarted),
        completed_on: seen.completed_on,
        pending_confirmation: seen.pending_confirmation,
        proposed_completed_on: seen.proposed_completed_on,
        milestone_count: usize::try_from(seen.milestones).unwrap_or_default(),
        deadline_unparsed: seen.deadline_kind == "unparsed",
    }
}

async fn store_evidence(
    tx: &mut PgConnection,
    task: TaskId,
    user: i64,
    evidence: &Evidence,
) -> sqlx::Result<Option<i64>> {
    let Some((name, content_type, bytes)) = &evidence.file else {
        return Ok(None);
    };
    let id = sqlx::query_scalar!(
        "insert into evidence (task_id, file_name, content_type, size_bytes, content, uploaded_by)
         values ($1, $2, $3, $4, $5, $6) returning id",
        task as TaskId,
        name,
        content_type,
        i32::try_from(bytes.len()).unwrap_or(i32::MAX),
        bytes,
        user
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Some(id))
}

/// The change as `write_queue` writes it: the task's columns after it and its one history row.
fn pending_write(
    task: TaskId,
    user: &UserRow,
    request: &Request,
    seen: &Seen,
    effect: &Effect,
    evidence_id: Option<i64>,
    today: NaiveDate,
) -> PendingWrite {
    let change = &request.change;
    let before = task_now(seen);
    let (from_state, to_state) = if before.state == effect.state {
        (None, None)
    } else {
        (Some(before.state.as_str()), Some(effect.state.as_str()))
    };
    PendingWrite {
        task,
        // A note leaves the task row alone: no version to hold it to.
        moves_from: (!matches!(change, Change::Note)).then_some(seen.version),
        after: effect.clone(),
        extension: match change {
            Change::Extend { due_on, basis } => Some((*due_on, basis.clone(), today)),
            _ => None,
        },
        settled_due_on: match change {
            Change::Settle { due_on } => Some(*due_on),
            _ => None,
        },
        actor: format!("{} <{}>", user.name, user.email),
        user_id: user.id,
        kind: change.kind(),
        from_state,
        to_state,
        data: event_data(change, effect),
        note: request
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        evidence_id,
        evidence_url: request.evidence.url.clone(),
    }
}

/// What the history keeps of a change besides its kind, states and note.
fn event_data(change: &Change, after: &Effect) -> serde_json::Value {
    match change {
        Change::State { .. } | Change::Confirm | Change::Return => serde_json::json!({
            "completed_on": after.completed_on,
            "pending_confirmation": after.pending_confirmation,
            "proposed_completed_on": after.proposed_completed_on,
        }),
        Change::Milestone { index, done_on } => {
            serde_json::json!({ "milestone": index, "done_on": done_on })
        }
        Change::Extend { due_on, basis } => serde_json::json!({ "due_on": due_on, "basis": basis }),
        Change::Settle { due_on } => serde_json::json!({ "due_on": due_on }),
        Change::Note => serde_json::json!({}),
    }
}

/// Whether one of the user's units leads / partners the task (groups expanded).
pub async fn standing_on(
    db: impl sqlx::PgExecutor<'_>,
    user: i64,
    task: TaskId,
) -> sqlx::Result<(bool, bool)> {
    let standing = sqlx::query!(
        r#"select exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                           where tu.task_id = $1 and tu.role = 'lead' and uu.user_id = $2) as "leads!",
                  exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                           where tu.task_id = $1 and tu.role = 'partner' and uu.user_id = $2) as "partners!""#,
        task as TaskId,
        user
    )
    .fetch_one(db)
    .await?;
    Ok((standing.leads, standing.partners))
}

/// An uploaded file kept as evidence.
#[derive(Debug)]
pub struct EvidenceFile {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// One evidence file.
pub async fn fetch_evidence(
    db: impl sqlx::PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<EvidenceFile>> {
    sqlx::query_as!(
        EvidenceFile,
        "select file_name, content_type, content from evidence where id = $1",
        id
    )
    .fetch_optional(db)
    .await
}
