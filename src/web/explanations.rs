//! `/explanations` (Giải trình nhiệm vụ quá hạn): the requests as of a date with their counts by
//! status and reason class; `/explanations/{id}` with the lead unit's answer form and the
//! manager's decision form; `POST /explanations` asks for explanations of one or many overdue
//! tasks (from the task page or the overdue report); `POST /explanations/settings` sets the
//! automatic requests.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeDelta};

use super::follow_up::{Fields, FormFields, after_write, refused_form, to_login};
use super::page::{Layout, Pager, date_vi, query_string, render};
use super::params::{self, today_in_vietnam};
use super::tasks::Choice;
use super::unit_field::{UnitChoice, unit_labels};
use crate::auth::MaybeCaller;
use crate::db::explanations::{self as db, ExplanationRow, ListFilter};
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

const PER_PAGE: i64 = 100;

fn status_label(code: &str) -> &'static str {
    ExplanationStatus::parse(code).map_or("", ExplanationStatus::label_vi)
}

fn reason_label(code: Option<&str>) -> &'static str {
    code.and_then(ReasonClass::parse)
        .map_or("", ReasonClass::label_vi)
}

/// A request formatted for the pages.
pub struct ExplanationLine {
    pub href: String,
    pub task_href: String,
    pub decision: String,
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    pub task_due_on: String,
    pub requested_on: String,
    pub requester: String,
    pub automatic: bool,
    pub due_on: String,
    pub request_note: String,
    pub status: String,
    pub status_label: &'static str,
    pub reason: &'static str,
    pub answer: String,
    pub answered_on: String,
    pub answerer: String,
    pub proposed_due_on: String,
    pub decided_on: String,
    pub decider: String,
    pub decision_note: String,
    pub granted_due_on: String,
}

impl ExplanationLine {
    pub fn new(x: &ExplanationRow, layout: &Layout) -> Self {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        ExplanationLine {
            href: layout.href(&format!("/explanations/{}", x.id)),
            task_href: layout.href(&format!("/tasks/{}", x.task_id)),
            decision: x.decision_code.clone(),
            reference: x.reference.clone(),
            content: x.content.clone(),
            lead_text: x.lead_text.clone(),
            task_due_on: date_vi(x.task_due_on),
            requested_on: date_vi(Some(x.requested_on)),
            requester: x.requester.clone(),
            automatic: x.automatic,
            due_on: date_vi(Some(x.due_on)),
            request_note: text(&x.request_note),
            status: x.status.clone(),
            status_label: status_label(&x.status),
            reason: reason_label(x.reason_class.as_deref()),
            answer: text(&x.answer),
            answered_on: date_vi(x.answered_on),
            answerer: text(&x.answerer),
            proposed_due_on: date_vi(x.proposed_due_on),
            decided_on: date_vi(x.decided_on),
            decider: text(&x.decider),
            decision_note: text(&x.decision_note),
            granted_due_on: date_vi(x.granted_due_on),
        }
    }
}

/// A count with its label and a link to the list it stands for.
pub struct Tally {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
    pub href: String,
}

/// Counts by status (every status but "none") and by reason class, each linked to the list.
pub fn tallies(
    rows: &[(String, Option<String>, i64)],
    layout: &Layout,
) -> (Vec<Tally>, Vec<Tally>) {
    let statuses = ExplanationStatus::ALL[1..]
        .iter()
        .map(|s| Tally {
            code: s.as_str(),
            label: s.label_vi(),
            count: rows.iter().filter(|r| r.0 == s.as_str()).map(|r| r.2).sum(),
            href: layout.href(&format!("/explanations?status={}", s.as_str())),
        })
        .collect();
    let reasons = ReasonClass::ALL
        .iter()
        .map(|r| Tally {
            code: r.as_str(),
            label: r.label_vi(),
            count: rows
                .iter()
                .filter(|x| x.1.as_deref() == Some(r.as_str()))
                .map(|x| x.2)
                .sum(),
            href: layout.href(&format!("/explanations?reason={}", r.as_str())),
        })
        .collect();
    (statuses, reasons)
}

#[derive(Template)]
#[template(path = "explanations/list.html")]
struct ListPage {
    layout: Layout,
    statuses: Vec<Tally>,
    reasons: Vec<Tally>,
    status_choices: Vec<Choice>,
    reason_choices: Vec<Choice>,
    decision: String,
    unit: String,
    rows: Vec<ExplanationLine>,
    pager: Pager,
    auto_days: String,
    notice: String,
}

fn choices(current: &str, all: impl Iterator<Item = (&'static str, &'static str)>) -> Vec<Choice> {
    std::iter::once(("", "Tất cả"))
        .chain(all)
        .map(|(value, label)| Choice {
            selected: value == current,
            value: value.to_owned(),
            label: label.to_owned(),
        })
        .collect()
}

/// `GET /explanations`
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let layout = Layout::from_query(&query, "reports", "/explanations")?;
    let get = |k: &str| params::text(&query, k).unwrap_or_default();
    let bad = |k: &str| AppError::BadRequest(format!("Tham số \"{k}\" không hợp lệ."));
    let status = params::text(&query, "status");
    if status
        .as_deref()
        .is_some_and(|s| ExplanationStatus::parse(s).is_none())
    {
        return Err(bad("status"));
    }
    let reason = params::text(&query, "reason");
    if reason
        .as_deref()
        .is_some_and(|s| ReasonClass::parse(s).is_none())
    {
        return Err(bad("reason"));
    }
    let labels = unit_labels(&state, state.versions().await?).await?;
    let unit = match labels.resolve(query.get("unit").map(String::as_str)) {
        UnitChoice::Any => None,
        UnitChoice::Unit(id) => Some(id.0),
        _ => {
            return Err(AppError::BadRequest(format!(
                "Không xác định được đơn vị “{}”; hãy gõ tên đầy đủ.",
                get("unit")
            )));
        }
    };
    let filter = ListFilter {
        status,
        reason,
        decision_code: params::text(&query, "decision"),
        unit,
    };
    let page = params::positive(&query, "page", 1, 100_000).map_err(|_| bad("page"))?;
    let offset = (page - 1) * PER_PAGE;
    let (total, rows) = db::list(&state.db, &filter, layout.as_of, offset, PER_PAGE).await?;
    let counts = db::counts(&state.db, layout.as_of, None).await?;
    let (statuses, reasons) = tallies(&counts, &layout);
    let pager = Pager::new(page, total, PER_PAGE, |p| {
        let mut q = query.clone();
        q.insert("page".to_owned(), p.to_string());
        q.remove("as_of");
        layout.href(&format!("/explanations?{}", query_string(&q)))
    });
    let notice = match (
        params::text(&query, "created"),
        params::text(&query, "skipped"),
    ) {
        (Some(created), skipped) => format!(
            "Đã gửi yêu cầu giải trình {created} nhiệm vụ.{}",
            skipped.map_or(String::new(), |s| format!(
                " {s} nhiệm vụ không gửi: đã có yêu cầu đang mở hoặc không còn quá hạn."
            ))
        ),
        _ => String::new(),
    };
    render(&ListPage {
        status_choices: choices(
            &get("status"),
            ExplanationStatus::ALL[1..]
                .iter()
                .map(|s| (s.as_str(), s.label_vi())),
        ),
        reason_choices: choices(
            &get("reason"),
            ReasonClass::ALL.iter().map(|r| (r.as_str(), r.label_vi())),
        ),
        decision: get("decision"),
        unit: unit
            .and_then(|id| labels.label(crate::domain::ids::UnitId(id)))
            .map_or_else(|| get("unit"), str::to_owned),
        rows: rows
            .iter()
            .map(|r| ExplanationLine::new(r, &layout))
            .collect(),
        pager,
        auto_days: db::auto_days(&state.db)
            .await?
            .map_or(String::new(), |d| d.to_string()),
        statuses,
        reasons,
        notice,
        layout,
    })
}

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
    let Some(caller) = caller else {
        return Ok(to_login(&format!("/explanations/{id}")));
    };
    let fields = Fields::new(form);
    if !fields.is_genuine(&caller, &headers) {
        return Ok(refused_form());
    }
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
    let Some(caller) = caller else {
        return Ok(to_login(&format!("/explanations/{id}")));
    };
    let fields = Fields::new(form);
    if !fields.is_genuine(&caller, &headers) {
        return Ok(refused_form());
    }
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
    let Some(caller) = caller else {
        return Ok(to_login("/reports/overdue"));
    };
    let fields = Fields::new(form);
    if !fields.is_genuine(&caller, &headers) {
        return Ok(refused_form());
    }
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
    let Some(caller) = caller else {
        return Ok(to_login("/explanations"));
    };
    let fields = Fields::new(form);
    if !fields.is_genuine(&caller, &headers) {
        return Ok(refused_form());
    }
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

/// Makes the automatic requests once an hour for as long as the server runs (idempotent: a
/// task gets one request per time it falls due).
pub async fn keep_requesting(db: sqlx::PgPool) {
    loop {
        match db::request_automatically(&db, today_in_vietnam()).await {
            Ok(0) => {}
            Ok(made) => tracing::info!(made, "đã gửi yêu cầu giải trình tự động"),
            Err(error) => tracing::warn!(?error, "không gửi được yêu cầu giải trình tự động"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

/// The day an explanation is due by default: in a week.
pub fn default_due(today: NaiveDate) -> String {
    date_vi(Some(today + TimeDelta::days(db::AUTO_ANSWER_DAYS)))
}

/// The explanations part of the overdue report: each line's status, the counts over the whole
/// report, and the request form's defaults.
pub struct ReportExplanations {
    by_task: std::collections::HashMap<i64, (String, &'static str, &'static str, String)>,
    pub statuses: Vec<Tally>,
    pub reasons: Vec<Tally>,
    /// Managers asking on today's report.
    pub can_request: bool,
    pub default_due: String,
}

impl ReportExplanations {
    /// (status code, status label, reason label, page) of a task asked to explain.
    pub fn of(&self, task: &i64) -> Option<&(String, &'static str, &'static str, String)> {
        self.by_task.get(task)
    }

    /// Whether a line may be ticked for a new request (no request open).
    pub fn askable(&self, task: &i64) -> bool {
        self.by_task
            .get(task)
            .and_then(|x| ExplanationStatus::parse(&x.0))
            .is_none_or(|s| !s.is_open())
    }
}

/// The explanations of the overdue report's lines (`page_tasks`) and of all its tasks.
pub async fn for_report(
    state: &AppState,
    page_tasks: &[i64],
    filter: &ReportFilter,
    layout: &Layout,
) -> Result<ReportExplanations> {
    let as_of = layout.as_of;
    let all = overdue_task_ids(&state.db, as_of, filter).await?;
    let (counts, lines) = tokio::try_join!(
        db::counts(&state.db, as_of, Some(&all)),
        db::statuses(&state.db, page_tasks, as_of)
    )?;
    let (statuses, reasons) = tallies(&counts, layout);
    let by_task = lines
        .into_iter()
        .map(|(task, id, status, reason)| {
            let href = layout.href(&format!("/explanations/{id}"));
            let label = status_label(&status);
            (task, (status, label, reason_label(reason.as_deref()), href))
        })
        .collect();
    Ok(ReportExplanations {
        by_task,
        statuses,
        reasons,
        can_request: layout.is_manager && layout.is_today(),
        default_due: default_due(today_in_vietnam()),
    })
}
