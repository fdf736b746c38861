//! The steps of an explanation on its page: the request (one task or many), the lead unit's
//! answer, the manager's decision, and the automatic requests' setting.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::TimeDelta;

use super::{ExplanationLine, choices};
use crate::auth::MaybeCaller;
use crate::db::explanations as db;
use crate::db::overdue::overdue_task_ids;
use crate::db::reports::ReportFilter;
use crate::db::updates::UpdateError;
use crate::domain::explanation::{
    ExplanationStatus, ReasonClass, check_answer_due, read_answer, read_decision,
};
use crate::domain::ids::{ExplanationId, TaskId};
use crate::domain::role::{FollowUp, may_follow_up, may_speak_for_unit};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::follow_up::{Fields, FormFields, after_write, signed_form};
use crate::web::page::{Layout, date_vi, render};
use crate::web::params::{self, today_in_vietnam};
use crate::web::views::Choice;

#[derive(Template)]
#[template(path = "explanations/show.html")]
struct ShowPage {
    layout: Layout,
    id: ExplanationId,
    x: ExplanationLine,
    can_answer: bool,
    can_decide: bool,
    reasons: Vec<Choice>,
    /// What was typed, kept when the form was refused.
    answer: String,
    proposed: String,
    granted: String,
    note: String,
    error_field: String,
    error: String,
    saved: bool,
}

async fn show_page(
    state: &AppState,
    id: ExplanationId,
    query: &params::Query,
    fields: Option<&Fields>,
) -> Result<ShowPage> {
    let layout = Layout::from_query(query, "reports", &format!("/explanations/{id}"))?;
    let row = db::fetch(&state.db, id, layout.as_of)
        .await?
        .ok_or(AppError::NotFound)?;
    let today_status = if layout.is_today() {
        row.status.clone()
    } else {
        db::fetch(&state.db, id, today_in_vietnam())
            .await?
            .map_or_else(String::new, |r| r.status)
    };
    let open = ExplanationStatus::parse(&today_status).is_some_and(ExplanationStatus::is_open);
    let (can_answer, can_decide) = match crate::auth::current() {
        Some(caller) => {
            let (leads, _) =
                crate::db::updates::standing_on(&state.db, caller.user.id, row.task_id).await?;
            (
                open && row.answered_on.is_none() && may_speak_for_unit(caller.user.role(), leads),
                open && row.answered_on.is_some()
                    && may_follow_up(caller.user.role(), FollowUp::DecideExplanation),
            )
        }
        None => (false, false),
    };
    let kept = |k: &str| {
        fields
            .and_then(|f| f.text(k))
            .unwrap_or_default()
            .to_owned()
    };
    let reason = kept("reason_class");
    Ok(ShowPage {
        reasons: choices(
            &reason,
            ReasonClass::ALL.iter().map(|r| (r.as_str(), r.label_vi())),
        ),
        answer: kept("answer"),
        proposed: kept("proposed_due_on"),
        granted: fields.map_or_else(|| date_vi(row.proposed_due_on), |_| kept("granted_due_on")),
        note: kept("note"),
        error_field: String::new(),
        error: String::new(),
        saved: params::text(query, "saved").is_some(),
        x: ExplanationLine::new(&row, &layout),
        id,
        can_answer,
        can_decide,
        layout,
    })
}

/// `GET /explanations/{id}`
pub async fn show(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: ExplanationId = raw.parse().map_err(|_| AppError::NotFound)?;
    render(&show_page(&state, id, &query, None).await?)
}

/// The detail page again after a refused answer or decision: the reason beside the form, what
/// was typed kept.
async fn refused(
    state: &AppState,
    id: ExplanationId,
    fields: &Fields,
    field: &str,
    message: String,
) -> Result<Response> {
    let mut page = show_page(state, id, &params::Query::new(), Some(fields)).await?;
    page.error_field = field.to_owned();
    page.error = message;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// `POST /explanations/{id}/answer`
pub async fn post_answer(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let id: ExplanationId = raw.parse().map_err(|_| AppError::NotFound)?;
    let (caller, fields) = match signed_form(caller, &headers, form, &format!("/explanations/{id}"))
    {
        Ok(signed) => signed,
        Err(refused) => return Ok(*refused),
    };
    let today = today_in_vietnam();
    let answer = fields
        .date("proposed_due_on", "Thời hạn đề xuất")
        .and_then(|proposed| {
            read_answer(
                fields.text("reason_class"),
                fields.text("answer"),
                proposed,
                today,
            )
        });
    let answer = match answer {
        Ok(a) => a,
        Err((field, message)) => return refused(&state, id, &fields, field, message).await,
    };
    let mut tx = state.db.begin().await?;
    let outcome = db::answer(&mut tx, id, &caller.user, &answer, today).await;
    finish(&state, tx, id, &fields, outcome).await
}

/// `POST /explanations/{id}/decide`: `decision=accept` with `granted_due_on`, or
/// `decision=reject` with a `note`.
pub async fn post_decision(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let id: ExplanationId = raw.parse().map_err(|_| AppError::NotFound)?;
    let (caller, fields) = match signed_form(caller, &headers, form, &format!("/explanations/{id}"))
    {
        Ok(signed) => signed,
        Err(refused) => return Ok(*refused),
    };
    if !may_follow_up(caller.user.role(), FollowUp::DecideExplanation) {
        return Err(AppError::Forbidden);
    }
    let today = today_in_vietnam();
    let row = db::fetch(&state.db, id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    let accept = match fields.text("decision") {
        Some("accept") => true,
        Some("reject") => false,
        _ => {
            return refused(
                &state,
                id,
                &fields,
                "decision",
                "Hãy chọn chấp nhận hoặc không chấp nhận.".to_owned(),
            )
            .await;
        }
    };
    let decision = fields
        .date("granted_due_on", "Thời hạn mới")
        .and_then(|granted| {
            read_decision(
                accept,
                granted,
                fields.text("note").unwrap_or_default(),
                row.task_due_on,
                row.task_state == "completed",
                today,
            )
        });
    let decision = match decision {
        Ok(d) => d,
        Err((field, message)) => return refused(&state, id, &fields, field, message).await,
    };
    let mut tx = state.db.begin().await?;
    let outcome = db::decide(&mut tx, id, &caller.user, &decision, today).await;
    finish(&state, tx, id, &fields, outcome).await
}

/// Commits a step that went through, or shows why it did not (nothing written).
async fn finish(
    state: &AppState,
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    id: ExplanationId,
    fields: &Fields,
    outcome: std::result::Result<TaskId, UpdateError>,
) -> Result<Response> {
    match outcome {
        Ok(task) => {
            tx.commit().await?;
            after_write(state, &[task]).await;
            Ok(Redirect::to(&format!("/explanations/{id}?saved=1")).into_response())
        }
        Err(UpdateError::NotFound) => Err(AppError::NotFound),
        Err(UpdateError::Forbidden) => Err(AppError::Forbidden),
        Err(UpdateError::Invalid(field, message)) => {
            refused(state, id, fields, field, message).await
        }
        Err(e @ UpdateError::Stale { .. }) => {
            refused(state, id, fields, "decision", e.to_string()).await
        }
        Err(UpdateError::Database(e)) => Err(AppError::Database(e)),
    }
}

/// `POST /explanations`: asks the lead units of the tasks (`task`, repeated) — or of every task
/// of the overdue report's filter today (`scope=overdue` with `decision`, `unit`, `min_days`) —
/// to explain by `due_on`.
pub async fn post_request(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let (caller, fields) = match signed_form(caller, &headers, form, "/reports/overdue") {
        Ok(signed) => signed,
        Err(refused) => return Ok(*refused),
    };
    if !may_follow_up(caller.user.role(), FollowUp::RequestExplanation) {
        return Err(AppError::Forbidden);
    }
    let today = today_in_vietnam();
    let bad = |(_, message): (&'static str, String)| {
        AppError::BadRequest(format!("Hạn giải trình: {message}"))
    };
    let due_on = fields
        .date("due_on", "Hạn giải trình")
        .map_err(bad)?
        .unwrap_or(today + TimeDelta::days(db::AUTO_ANSWER_DAYS));
    check_answer_due(due_on, today).map_err(bad)?;
    let tasks: Vec<TaskId> = if fields.text("scope") == Some("overdue") {
        let filter = ReportFilter {
            decision_code: fields.text("decision").map(str::to_owned),
            unit: fields.text("unit").and_then(|u| u.parse().ok()),
            min_days_overdue: fields.text("min_days").and_then(|d| d.parse().ok()),
            original_deadline: false,
        };
        overdue_task_ids(&state.db, today, &filter)
            .await?
            .into_iter()
            .map(TaskId)
            .collect()
    } else {
        fields
            .all("task")
            .filter_map(|t| t.trim().parse().ok())
            .collect()
    };
    if tasks.is_empty() {
        return Err(AppError::BadRequest(
            "Hãy chọn ít nhất một nhiệm vụ quá hạn cần giải trình.".to_owned(),
        ));
    }
    let note = fields.text("note").map(crate::domain::text::nfc);
    let mut tx = state.db.begin().await?;
    let done = db::request(
        &mut tx,
        &tasks,
        due_on,
        note.as_deref(),
        Some(&caller.user),
        today,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user.id = caller.user.id,
        created = done.created.len(),
        "yêu cầu giải trình"
    );
    after_write(&state, &done.created).await;
    let skipped = done.already_open + done.not_overdue;
    if let [one] = done.created[..]
        && tasks.len() == 1
    {
        return Ok(Redirect::to(&format!("/tasks/{one}?saved=1")).into_response());
    }
    Ok(Redirect::to(&format!(
        "/explanations?status=requested&created={}&skipped={skipped}",
        done.created.len()
    ))
    .into_response())
}

/// `POST /explanations/settings`: `auto_days` (blank or 0 turns the automatic requests off).
pub async fn post_settings(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let (caller, fields) = match signed_form(caller, &headers, form, "/explanations") {
        Ok(signed) => signed,
        Err(refused) => return Ok(*refused),
    };
    if !may_follow_up(caller.user.role(), FollowUp::RequestExplanation) {
        return Err(AppError::Forbidden);
    }
    let days = match fields.text("auto_days") {
        None => 0,
        Some(d) => d
            .parse::<i32>()
            .ok()
            .filter(|n| (0..=3650).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest("Số ngày quá hạn phải là số nguyên từ 0 đến 3650.".to_owned())
            })?,
    };
    db::set_auto_days(&state.db, days).await?;
    let made = db::request_automatically(&state.db, today_in_vietnam()).await?;
    after_write(&state, &[]).await;
    tracing::info!(
        user.id = caller.user.id,
        days,
        made,
        "đặt yêu cầu giải trình tự động"
    );
    Ok(Redirect::to(&format!("/explanations?created={made}")).into_response())
}
