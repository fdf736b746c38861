//! Applying a change to a task: one transaction that locks the task row, checks the user's
//! standing and the row version (optimistic locking), writes the new state and appends exactly
//! one event to the history.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};

use crate::db::users::UserRow;
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

struct Locked {
    state: String,
    completed_on: Option<NaiveDate>,
    pending_confirmation: bool,
    proposed_completed_on: Option<NaiveDate>,
    deadline_kind: String,
    version: i32,
    milestones: i64,
    leads: bool,
    partners: bool,
}

/// Applies a change for `user`; returns the task's new version.
pub async fn apply_change(
    db: &PgPool,
    user: &UserRow,
    task: TaskId,
    request: Request,
    today: NaiveDate,
) -> Result<i32, UpdateError> {
    let mut tx = db.begin().await?;
    let version = apply_change_in(&mut tx, user, task, &request, today).await?;
    tx.commit().await?;
    Ok(version)
}

/// `apply_change` inside the caller's transaction, for writes that change a task as one step
/// of something larger (a submitted round report, an accepted explanation): the same checks,
/// the same state rules and the same one event in the history.
pub async fn apply_change_in(
    tx: &mut PgConnection,
    user: &UserRow,
    task: TaskId,
    request: &Request,
    today: NaiveDate,
) -> Result<i32, UpdateError> {
    let two_step = crate::db::users::two_step_confirmation(&mut *tx).await?;
    let locked = sqlx::query_as!(
        Locked,
        r#"select t.state, t.completed_on, t.pending_confirmation, t.proposed_completed_on, t.deadline_kind, t.version,
                (select count(*) from milestones m where m.task_id = t.id) as "milestones!",
                exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                         where tu.task_id = t.id and tu.role = 'lead' and uu.user_id = $2) as "leads!",
                exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                         where tu.task_id = t.id and tu.role = 'partner' and uu.user_id = $2) as "partners!"
           from tasks t where t.id = $1 and not t.retired
            for update of t"#,
        task as TaskId,
        user.id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(UpdateError::NotFound)?;
    let standing = Standing {
        role: user.role(),
        leads: locked.leads,
        partners: locked.partners,
    };
    let now = TaskNow {
        state: TaskState::parse(&locked.state).unwrap_or(TaskState::NotStarted),
        completed_on: locked.completed_on,
        pending_confirmation: locked.pending_confirmation,
        proposed_completed_on: locked.proposed_completed_on,
        milestone_count: usize::try_from(locked.milestones).unwrap_or_default(),
        deadline_unparsed: locked.deadline_kind == "unparsed",
    };
    if !crate::domain::role::may(standing, request.change.action()) {
        return Err(UpdateError::Forbidden);
    }
    let changes_task = !matches!(request.change, Change::Note);
    match request.version {
        Some(sent) if sent != locked.version => {
            return Err(UpdateError::Stale {
                current: locked.version,
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
    let effect = apply(
        standing,
        &now,
        &request.change,
        request.note.as_deref(),
        today,
        two_step,
    )
    .map_err(|r| match r {
        Refusal::Forbidden => UpdateError::Forbidden,
        Refusal::Invalid(field, message) => UpdateError::Invalid(field, message),
    })?;
    let evidence_id = store_evidence(tx, task, user.id, &request.evidence).await?;
    let version = if changes_task {
        write_effect(tx, task, &effect, &request.change, today).await?
    } else {
        locked.version
    };
    record(tx, task, user, request, &now, &effect, evidence_id).await?;
    Ok(version)
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

async fn write_effect(
    tx: &mut PgConnection,
    task: TaskId,
    effect: &Effect,
    change: &Change,
    today: NaiveDate,
) -> sqlx::Result<i32> {
    match change {
        Change::Milestone { index, done_on } => {
            sqlx::query!(
                "update milestones set done_on = $3 where task_id = $1 and position = $2",
                task as TaskId,
                i32::try_from(*index + 1).unwrap_or(i32::MAX),
                *done_on
            )
            .execute(&mut *tx)
            .await?;
        }
        Change::Extend { due_on, basis } => {
            sqlx::query!(
                "update tasks set extended_due_on = $2, extension_basis = $3, extended_on = $4 where id = $1",
                task as TaskId,
                *due_on,
                basis.as_str(),
                today
            )
            .execute(&mut *tx)
            .await?;
        }
        Change::Settle { due_on } => {
            sqlx::query!(
                "update tasks set settled_due_on = $2 where id = $1",
                task as TaskId,
                *due_on
            )
            .execute(&mut *tx)
            .await?;
        }
        _ => {}
    }
    sqlx::query_scalar!(
        "update tasks set state = $2, completed_on = $3, pending_confirmation = $4, proposed_completed_on = $5,
                version = version + 1
          where id = $1 returning version",
        task as TaskId,
        effect.state.as_str(),
        effect.completed_on,
        effect.pending_confirmation,
        effect.proposed_completed_on
    )
    .fetch_one(&mut *tx)
    .await
}

async fn record(
    tx: &mut PgConnection,
    task: TaskId,
    user: &UserRow,
    request: &Request,
    before: &TaskNow,
    after: &Effect,
    evidence_id: Option<i64>,
) -> sqlx::Result<()> {
    let data = match &request.change {
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
    };
    let (from, to) = if before.state == after.state {
        (None, None)
    } else {
        (Some(before.state.as_str()), Some(after.state.as_str()))
    };
    sqlx::query!(
        "insert into task_events (task_id, actor, user_id, kind, from_state, to_state, data, note, evidence_id, evidence_url)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        task as TaskId,
        format!("{} <{}>", user.name, user.email),
        user.id,
        request.change.kind(),
        from,
        to,
        data,
        request.note.as_deref().map(str::trim).filter(|n| !n.is_empty()),
        evidence_id,
        request.evidence.url.as_deref()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
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
