//! The writes of a unit's report, each in the caller's transaction: saving lines as a draft,
//! submitting the report (the lines enter the tasks' history; a changed state goes through the
//! usual change path, so a unit's completion waits for a manager's confirmation), a manager
//! returning it.

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::db::updates::{Evidence, Request, UpdateError, apply_change_in};
use crate::db::users::UserRow;
use crate::domain::ids::{RoundId, TaskId, UnitId};
use crate::domain::role::{FollowUp, may_follow_up, may_speak_for_unit};
use crate::domain::round::{Line, ReportStatus, state_change};
use crate::domain::status::TaskState;
use crate::domain::update::TaskNow;

pub(super) fn actor(user: &UserRow) -> String {
    format!("{} <{}>", user.name, user.email)
}

/// Locks a unit's report and checks that `user` may write it now.
async fn writable(
    tx: &mut PgConnection,
    round: RoundId,
    unit: UnitId,
    user: &UserRow,
) -> Result<ReportStatus, UpdateError> {
    let status = sqlx::query_scalar!(
        "select status from round_reports where round_id = $1 and unit_id = $2 for update",
        round as RoundId,
        unit as UnitId
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(UpdateError::NotFound)?;
    if !may_speak_for_unit(user.role(), user.unit_ids.contains(&unit.0)) {
        return Err(UpdateError::Forbidden);
    }
    let status = ReportStatus::parse(&status).unwrap_or(ReportStatus::Draft);
    if !status.is_editable() {
        return Err(UpdateError::Invalid(
            "report",
            "Báo cáo đã nộp; chỉ sửa được khi lãnh đạo Bộ trả lại.".to_owned(),
        ));
    }
    Ok(status)
}

/// A line to save, with an uploaded file: (file name, content type, bytes).
pub struct LineInput {
    pub task: TaskId,
    pub line: Line,
    pub file: Option<(String, String, Vec<u8>)>,
}

/// Saves lines of a unit's report as a draft (the report stays editable).
pub async fn save_lines(
    tx: &mut PgConnection,
    round: RoundId,
    unit: UnitId,
    user: &UserRow,
    lines: &[LineInput],
) -> Result<(), UpdateError> {
    writable(tx, round, unit, user).await?;
    for input in lines {
        let evidence: Option<i64> = match &input.file {
            None => None,
            Some((name, content_type, bytes)) => Some(
                sqlx::query_scalar!(
                    "insert into evidence (task_id, file_name, content_type, size_bytes, content, uploaded_by)
                     values ($1, $2, $3, $4, $5, $6) returning id",
                    input.task as TaskId,
                    name,
                    content_type,
                    i32::try_from(bytes.len()).unwrap_or(i32::MAX),
                    bytes,
                    user.id
                )
                .fetch_one(&mut *tx)
                .await?,
            ),
        };
        let l = &input.line;
        let updated = sqlx::query!(
            "update round_lines set state = $4, completed_on = $5, done_text = $6, result_text = $7,
                    evidence_url = $8, evidence_id = coalesce($9, evidence_id), difficulties = $10,
                    proposal = $11, saved_at = now(), saved_by = $12
              where round_id = $1 and unit_id = $2 and task_id = $3",
            round as RoundId,
            unit as UnitId,
            input.task as TaskId,
            l.state.as_str(),
            l.completed_on,
            &l.done,
            &l.result,
            l.evidence_url.as_deref(),
            evidence,
            &l.difficulties,
            &l.proposal,
            user.id
        )
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(UpdateError::Invalid(
                "line",
                "Nhiệm vụ này không thuộc báo cáo của đơn vị trong kỳ.".to_owned(),
            ));
        }
    }
    sqlx::query!(
        "update round_reports set lines_saved = (select count(*) from round_lines l
                where l.round_id = $1 and l.unit_id = $2 and l.state is not null)
          where round_id = $1 and unit_id = $2",
        round as RoundId,
        unit as UnitId
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

struct Submitted {
    task_id: TaskId,
    reference: String,
    line_state: Option<String>,
    line_completed_on: Option<NaiveDate>,
    state: String,
    completed_on: Option<NaiveDate>,
    pending_confirmation: bool,
    proposed_completed_on: Option<NaiveDate>,
    deadline_kind: String,
    version: i32,
}

/// Submits a unit's report: every line must be written. Each line enters its task's history
/// (a `report` event with the round and its period); a line whose state differs from the
/// task's changes it through the usual path (a unit lead's completion is proposed, for a
/// manager to confirm). Returns the number of lines.
pub async fn submit_report(
    tx: &mut PgConnection,
    round: RoundId,
    unit: UnitId,
    user: &UserRow,
    today: NaiveDate,
) -> Result<usize, UpdateError> {
    writable(tx, round, unit, user).await?;
    let lines = sqlx::query_as!(
        Submitted,
        r#"select l.task_id as "task_id: TaskId", d.code || ' ' || t.ref as "reference!", l.state as line_state,
                l.completed_on as line_completed_on, t.state, t.completed_on, t.pending_confirmation,
                t.proposed_completed_on, t.deadline_kind, t.version
           from round_lines l join tasks t on t.id = l.task_id join decisions d on d.id = t.decision_id
          where l.round_id = $1 and l.unit_id = $2
          order by d.code, t.position"#,
        round as RoundId,
        unit as UnitId
    )
    .fetch_all(&mut *tx)
    .await?;
    let missing: Vec<&str> = lines
        .iter()
        .filter(|l| l.line_state.is_none())
        .map(|l| l.reference.as_str())
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).copied().collect();
        return Err(UpdateError::Invalid(
            "submit",
            format!(
                "Còn {} dòng chưa nhập tình trạng: {}{}. Hãy nhập đủ rồi nộp báo cáo.",
                missing.len(),
                shown.join(", "),
                if missing.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ),
        ));
    }
    let title = sqlx::query_scalar!("select title from rounds where id = $1", round as RoundId)
        .fetch_one(&mut *tx)
        .await?;
    for l in &lines {
        let state = l.line_state.as_deref().and_then(TaskState::parse);
        let now = TaskNow {
            state: TaskState::parse(&l.state).unwrap_or(TaskState::NotStarted),
            completed_on: l.completed_on,
            pending_confirmation: l.pending_confirmation,
            proposed_completed_on: l.proposed_completed_on,
            milestone_count: 0,
            deadline_unparsed: l.deadline_kind == "unparsed",
        };
        let Some(change) = state.and_then(|s| state_change(s, l.line_completed_on, &now)) else {
            continue;
        };
        let request = Request {
            change,
            note: Some(format!("Theo báo cáo {title}")),
            version: Some(l.version),
            evidence: Evidence::default(),
        };
        apply_change_in(tx, user, l.task_id, &request, today)
            .await
            .map_err(|e| match e {
                UpdateError::Invalid(_, message) => {
                    UpdateError::Invalid("submit", format!("Nhiệm vụ {}: {message}", l.reference))
                }
                other => other,
            })?;
    }
    record_lines(tx, round, unit, user).await?;
    sqlx::query!(
        "update round_reports set status = 'submitted', submitted_on = $3, submitted_at = now(),
                submitted_by = $4, submitter = $5
          where round_id = $1 and unit_id = $2",
        round as RoundId,
        unit as UnitId,
        today,
        user.id,
        actor(user)
    )
    .execute(&mut *tx)
    .await?;
    log(tx, round, unit, user, "submitted", None).await?;
    Ok(lines.len())
}

/// Every line of the report as a `report` event in its task's history, in one statement.
async fn record_lines(
    tx: &mut PgConnection,
    round: RoundId,
    unit: UnitId,
    user: &UserRow,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into task_events (task_id, actor, user_id, kind, data, note, evidence_id, evidence_url)
         select l.task_id, $3, $4, 'report',
                jsonb_build_object('round_id', r.id, 'round', r.title, 'period_from', r.period_from,
                                   'period_to', r.period_to, 'unit_id', l.unit_id, 'unit', u.name,
                                   'state', l.state, 'completed_on', l.completed_on),
                coalesce(nullif(concat_ws(E'\\n', nullif(l.done_text, ''),
                    'Kết quả, sản phẩm: ' || nullif(l.result_text, ''),
                    'Khó khăn, vướng mắc: ' || nullif(l.difficulties, ''),
                    'Đề xuất, kiến nghị: ' || nullif(l.proposal, '')), ''), 'Chưa thực hiện.'),
                l.evidence_id, l.evidence_url
           from round_lines l join rounds r on r.id = l.round_id join units u on u.id = l.unit_id
          where l.round_id = $1 and l.unit_id = $2",
        round as RoundId,
        unit as UnitId,
        actor(user),
        user.id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn log(
    tx: &mut PgConnection,
    round: RoundId,
    unit: UnitId,
    user: &UserRow,
    kind: &str,
    note: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into round_report_log (round_id, unit_id, actor, user_id, kind, note)
         values ($1, $2, $3, $4, $5, $6)",
        round as RoundId,
        unit as UnitId,
        actor(user),
        user.id,
        kind,
        note
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A manager returns a submitted report with a reason; the unit can edit and submit again.
pub async fn return_report(
    tx: &mut PgConnection,
    round: RoundId,
    unit: UnitId,
    user: &UserRow,
    reason: &str,
) -> Result<(), UpdateError> {
    if !may_follow_up(user.role(), FollowUp::ReturnReport) {
        return Err(UpdateError::Forbidden);
    }
    let status = sqlx::query_scalar!(
        "select status from round_reports where round_id = $1 and unit_id = $2 for update",
        round as RoundId,
        unit as UnitId
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(UpdateError::NotFound)?;
    if status != ReportStatus::Submitted.as_str() {
        return Err(UpdateError::Invalid(
            "reason",
            "Chỉ trả lại được báo cáo đã nộp.".to_owned(),
        ));
    }
    let reason = crate::domain::text::nfc(reason.trim());
    if reason.is_empty() {
        return Err(UpdateError::Invalid(
            "reason",
            "Hãy ghi lý do trả lại báo cáo.".to_owned(),
        ));
    }
    sqlx::query!(
        "update round_reports set status = 'returned', returned_at = now(), return_reason = $3
          where round_id = $1 and unit_id = $2",
        round as RoundId,
        unit as UnitId,
        &reason
    )
    .execute(&mut *tx)
    .await?;
    log(tx, round, unit, user, "returned", Some(&reason))
        .await
        .map_err(UpdateError::from)
}
