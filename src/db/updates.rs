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

/// Applies a change for `user`; returns the task's new version. `turn` is awaited once the
/// task is read and the change judged, and what it gives is held while writing: the caller's
/// bound on writes at once, which then covers only the statements that wait on the counters.
///
/// Without a file or a milestone (most changes: notes and states), in two statements and no
/// explicit transaction: read the task, judge the change, then one statement that writes the
/// task only if its version is still the one read, and the history row with it. Every write moves the shared data-version counters and sends a
/// notification, which PostgreSQL serialises from the counter's update to the end of the
/// commit; in one statement nothing waits on the network inside that window (in a transaction
/// it held the counters across two more round trips, and 64 writers queued on it). A write
/// that lost a race with another one (the version moved in between) is judged again under a
/// lock, where the user learns that the task changed.
pub async fn apply_change<T>(
    db: &PgPool,
    user: &UserRow,
    task: TaskId,
    request: Request,
    today: NaiveDate,
    turn: impl Future<Output = Result<T, UpdateError>>,
) -> Result<i32, UpdateError> {
    // A file and a milestone are written in statements of their own (a statement on
    // `milestones` moves the plans' counter even when it changes no row): under a lock.
    let one_statement =
        request.evidence.file.is_none() && !matches!(request.change, Change::Milestone { .. });
    if one_statement {
        let seen = read(db, user, task).await?;
        let effect = judge(user, &seen, &request, today)?;
        let _turn = turn.await?;
        if let Some(version) = write(db, task, user, &request, &seen, &effect, None, today).await? {
            return Ok(version);
        }
        let mut tx = db.begin().await?;
        let version = apply_change_in(&mut tx, user, task, &request, today).await?;
        tx.commit().await?;
        return Ok(version);
    }
    let _turn = turn.await?;
    let mut tx = db.begin().await?;
    let version = apply_change_in(&mut tx, user, task, &request, today).await?;
    tx.commit().await?;
    Ok(version)
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
    write(
        &mut *tx,
        task,
        user,
        request,
        &seen,
        &effect,
        evidence_id,
        today,
    )
    .await?
    .ok_or(UpdateError::NotFound)
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

/// Writes the change and its one history row in a single statement, provided the task is still
/// at the version `seen` read (for a note: still there). Returns the task's version after it,
/// or None when the task moved or went meanwhile (nothing written).
#[allow(clippy::too_many_arguments)]
async fn write(
    db: impl sqlx::PgExecutor<'_>,
    task: TaskId,
    user: &UserRow,
    request: &Request,
    seen: &Seen,
    effect: &Effect,
    evidence_id: Option<i64>,
    today: NaiveDate,
) -> sqlx::Result<Option<i32>> {
    let change = &request.change;
    let data = event_data(change, effect);
    let actor = format!("{} <{}>", user.name, user.email);
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let url = request.evidence.url.as_deref();
    if matches!(change, Change::Note) {
        // A note leaves the task row alone: no statement on `tasks`, whose statement triggers
        // would run (and notify) for no row.
        let recorded = sqlx::query_scalar!(
            r#"insert into task_events (task_id, actor, user_id, kind, data, note, evidence_id, evidence_url)
               select $1, $2, $3, $4, $5, $6, $7, $8
                where exists (select 1 from tasks where id = $1 and not retired)
               returning id"#,
            task as TaskId,
            actor,
            user.id,
            change.kind(),
            data,
            note,
            evidence_id,
            url
        )
        .fetch_optional(db)
        .await?;
        return Ok(recorded.map(|_| seen.version));
    }
    let (extend, settle) = match change {
        Change::Extend { due_on, basis } => (Some((*due_on, basis.as_str())), None),
        Change::Settle { due_on } => (None, Some(*due_on)),
        _ => (None, None),
    };
    let before = task_now(seen);
    let (from, to) = if before.state == effect.state {
        (None, None)
    } else {
        (Some(before.state.as_str()), Some(effect.state.as_str()))
    };
    // The history row is inserted once for the one row moved, or not at all.
    sqlx::query_scalar!(
        r#"with moved as (
               update tasks
                  set state = $3, completed_on = $4, pending_confirmation = $5, proposed_completed_on = $6,
                      extended_due_on = case when $7 then $8 else extended_due_on end,
                      extension_basis = case when $7 then $9 else extension_basis end,
                      extended_on = case when $7 then $10 else extended_on end,
                      settled_due_on = case when $11 then $12 else settled_due_on end,
                      version = version + 1
                where id = $1 and version = $2 and not retired
               returning version
           ), recorded as (
               insert into task_events (task_id, actor, user_id, kind, from_state, to_state, data, note, evidence_id, evidence_url)
               select $1, $13, $14, $15, $16, $17, $18, $19, $20, $21 from moved
           )
           select version as "version!" from moved"#,
        task as TaskId,
        seen.version,
        effect.state.as_str(),
        effect.completed_on,
        effect.pending_confirmation,
        effect.proposed_completed_on,
        extend.is_some(),
        extend.map(|(due, _)| due),
        extend.map(|(_, basis)| basis),
        extend.map(|_| today),
        settle.is_some(),
        settle,
        actor,
        user.id,
        change.kind(),
        from,
        to,
        data,
        note,
        evidence_id,
        url
    )
    .fetch_optional(db)
    .await
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
