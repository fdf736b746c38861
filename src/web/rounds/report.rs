//! `/rounds/{id}/units/{unit}`: one unit's report in a round — its lines, 50 a page, as a form
//! while the unit may write it (saved as a draft page by page, a file or link as evidence per
//! line), then read-only once submitted; `POST …/submit` submits the whole report once;
//! `POST …/return` is a manager returning it with a reason.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::RoundView;
use crate::auth::{Caller, MaybeCaller};
use crate::db::rounds::{self, LineInput, LineRow, LineScope};
use crate::db::updates::UpdateError;
use crate::domain::ids::{RoundId, TaskId, UnitId};
use crate::domain::role::{FollowUp, may_follow_up, may_speak_for_unit};
use crate::domain::round::{LineFields, ReportStatus, read_line};
use crate::domain::status::TaskState;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::follow_up::{Fields, FormFields, after_write, refused_form, to_login};
use crate::web::page::{Layout, Pager, date_vi, render};
use crate::web::params::{self, today_in_vietnam};
use crate::web::tasks::Choice;
use crate::web::updates::MAX_EVIDENCE_BYTES;

/// The largest save of a report page (several evidence files).
pub const MAX_REPORT_BYTES: usize = 3 * MAX_EVIDENCE_BYTES + 1024 * 1024;
const LINES_PER_PAGE: i64 = 50;

/// A line on the page, with what was typed when a save was refused.
struct LineView {
    task_id: TaskId,
    task_href: String,
    reference: String,
    section: String,
    content: String,
    lead_text: String,
    deadline_text: String,
    task_state: &'static str,
    states: Vec<Choice>,
    state_label: &'static str,
    completed_on: String,
    fields: LineFields,
    evidence_href: String,
    evidence_name: String,
    saved: bool,
    error_field: &'static str,
    error: String,
}

impl LineView {
    fn new(l: &LineRow, layout: &Layout, typed: Option<&LineFields>) -> Self {
        let stored = LineFields {
            state: l.state.clone().unwrap_or_default(),
            completed_on: l.completed_on,
            done: l.done_text.clone(),
            result: l.result_text.clone(),
            evidence_url: l.evidence_url.clone().unwrap_or_default(),
            difficulties: l.difficulties.clone(),
            proposal: l.proposal.clone(),
            has_file: false,
        };
        let fields = typed.cloned().unwrap_or(stored);
        let states = std::iter::once(("", "— Chọn tình trạng —"))
            .chain(TaskState::ALL.iter().map(|s| (s.as_str(), s.label_vi())))
            .map(|(value, label)| Choice {
                selected: value == fields.state,
                value: value.to_owned(),
                label: label.to_owned(),
            })
            .collect();
        LineView {
            task_id: l.task_id,
            task_href: layout.href(&format!("/tasks/{}", l.task_id)),
            reference: format!("{} {}", l.decision, l.reference),
            section: l.section_title.clone().unwrap_or_default(),
            content: l.content.clone(),
            lead_text: l.lead_text.clone(),
            deadline_text: l.deadline_text.clone(),
            task_state: TaskState::parse(&l.task_state).map_or("", TaskState::label_vi),
            states,
            state_label: TaskState::parse(&fields.state).map_or("", TaskState::label_vi),
            completed_on: date_vi(fields.completed_on),
            evidence_href: l
                .evidence_id
                .map(|id| format!("/evidence/{id}"))
                .unwrap_or_default(),
            evidence_name: l.evidence_name.clone().unwrap_or_default(),
            saved: l.state.is_some(),
            fields,
            error_field: "",
            error: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "rounds/report.html")]
struct ReportPage {
    layout: Layout,
    round: RoundView,
    unit_id: UnitId,
    unit_name: String,
    status: &'static str,
    status_label: &'static str,
    return_reason: String,
    submitted_on: String,
    submitter: String,
    lines_total: i32,
    lines_saved: i32,
    can_edit: bool,
    can_return: bool,
    lines: Vec<LineView>,
    pager: Pager,
    /// (time, actor, what, note) of the report's steps.
    log: Vec<(String, String, &'static str, String)>,
    error_field: String,
    error: String,
    notice: &'static str,
}

async fn report_page(
    state: &AppState,
    round_id: RoundId,
    unit: UnitId,
    page: i64,
    layout: Layout,
) -> Result<ReportPage> {
    let round = rounds::fetch_round(&state.db, round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let report = rounds::fetch_report(&state.db, round_id, unit)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = LineScope {
        unit: Some(unit),
        ..LineScope::default()
    };
    let offset = (page - 1).max(0) * LINES_PER_PAGE;
    let (total, lines) =
        rounds::list_lines(&state.db, round_id, scope, offset, LINES_PER_PAGE).await?;
    let log = rounds::report_log(&state.db, round_id, unit).await?;
    let status = ReportStatus::parse(&report.status).unwrap_or(ReportStatus::Draft);
    let caller = crate::auth::current();
    let speaks = caller
        .as_ref()
        .is_some_and(|c| may_speak_for_unit(c.user.role(), c.user.unit_ids.contains(&unit.0)));
    let base = format!("/rounds/{round_id}/units/{unit}");
    let pager = Pager::new(page, total, LINES_PER_PAGE, |p| {
        layout.href(&format!("{base}?page={p}"))
    });
    Ok(ReportPage {
        round: RoundView::new(&round, &layout),
        unit_id: unit,
        unit_name: report.unit_name.clone(),
        status: status.as_str(),
        status_label: status.label_vi(),
        return_reason: report.return_reason.clone().unwrap_or_default(),
        submitted_on: date_vi(report.submitted_on),
        submitter: report.submitter.clone().unwrap_or_default(),
        lines_total: report.lines_total,
        lines_saved: report.lines_saved,
        can_edit: speaks && status.is_editable(),
        can_return: status == ReportStatus::Submitted
            && caller.is_some_and(|c| may_follow_up(c.user.role(), FollowUp::ReturnReport)),
        lines: lines
            .iter()
            .map(|l| LineView::new(l, &layout, None))
            .collect(),
        pager,
        log: log
            .into_iter()
            .map(|e| {
                let at = (e.at + chrono::TimeDelta::hours(7))
                    .format("%d/%m/%Y %H:%M")
                    .to_string();
                let what = if e.kind == "returned" {
                    "Trả lại báo cáo"
                } else {
                    "Nộp báo cáo"
                };
                (at, e.actor, what, e.note.unwrap_or_default())
            })
            .collect(),
        error_field: String::new(),
        error: String::new(),
        notice: "",
        layout,
    })
}

fn ids(round: &str, unit: &str) -> Result<(RoundId, UnitId)> {
    Ok((
        round.parse().map_err(|_| AppError::NotFound)?,
        unit.parse().map_err(|_| AppError::NotFound)?,
    ))
}

/// `GET /rounds/{id}/units/{unit}[?page=N]`
pub async fn show_report(
    State(state): State<AppState>,
    Path((round, unit)): Path<(String, String)>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let (round, unit) = ids(&round, &unit)?;
    let layout = Layout::from_query(&query, "rounds", &format!("/rounds/{round}/units/{unit}"))?;
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    let mut view = report_page(&state, round, unit, page, layout).await?;
    view.notice = match params::text(&query, "done").as_deref() {
        Some("saved") => "Đã lưu nháp các dòng của trang này.",
        Some("submitted") => "Đã nộp báo cáo.",
        Some("returned") => "Đã trả lại báo cáo cho đơn vị.",
        _ => "",
    };
    render(&view)
}

/// What a report page's form sent: the lines shown, each line's fields and file.
struct Posted {
    csrf: String,
    page: i64,
    lines: Vec<TaskId>,
    fields: HashMap<TaskId, LineFields>,
    files: HashMap<TaskId, (String, String, Vec<u8>)>,
    /// A date that could not be read: (task, field, message).
    bad_date: Option<(TaskId, &'static str, String)>,
}

impl Posted {
    fn empty() -> Posted {
        Posted {
            csrf: String::new(),
            page: 1,
            lines: Vec::new(),
            fields: HashMap::new(),
            files: HashMap::new(),
            bad_date: None,
        }
    }
}

async fn read_posted(mut multipart: Multipart) -> std::result::Result<Posted, String> {
    let too_big = || {
        format!(
            "Tệp quá lớn (tối đa {} MB mỗi tệp).",
            MAX_EVIDENCE_BYTES >> 20
        )
    };
    let mut posted = Posted::empty();
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        let (key, task) = match name.split_once('-') {
            Some((key, id)) => (key.to_owned(), id.parse::<TaskId>().ok()),
            None => (name.clone(), None),
        };
        if key == "evidence" {
            let file_name =
                crate::web::updates::clean_file_name(field.file_name().unwrap_or_default());
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            if bytes.len() > MAX_EVIDENCE_BYTES {
                return Err(too_big());
            }
            if let (Some(task), false) = (task, bytes.is_empty()) {
                let content_type = crate::web::updates::safe_content_type(&file_name);
                posted
                    .files
                    .insert(task, (file_name, content_type, bytes.to_vec()));
                posted.fields.entry(task).or_default().has_file = true;
            }
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|_| "Biểu mẫu không đọc được.".to_owned())?;
        let Some(task) = task else {
            match key.as_str() {
                "csrf" => posted.csrf = text,
                "page" => posted.page = text.trim().parse().unwrap_or(1),
                "line" => posted.lines.extend(text.trim().parse::<TaskId>().ok()),
                _ => {}
            }
            continue;
        };
        let f = posted.fields.entry(task).or_default();
        match key.as_str() {
            "state" => f.state = text,
            "done" => f.done = text,
            "result" => f.result = text,
            "evidence_url" => f.evidence_url = text,
            "difficulties" => f.difficulties = text,
            "proposal" => f.proposal = text,
            "completed_on" => {
                let mut q = params::Query::new();
                q.insert("completed_on".to_owned(), text);
                match params::date(&q, "completed_on") {
                    Ok(d) => f.completed_on = d,
                    Err(e) => {
                        posted.bad_date = Some((
                            task,
                            "completed_on",
                            format!("Ngày hoàn thành {}", e.message),
                        ))
                    }
                }
            }
            _ => {}
        }
    }
    Ok(posted)
}

/// The page again with what was typed and the fault beside its line; nothing was saved.
async fn refused_lines(
    state: &AppState,
    round: RoundId,
    unit: UnitId,
    posted: &Posted,
    fault: Option<(TaskId, &'static str, String)>,
    message: String,
    status: StatusCode,
) -> Result<Response> {
    let layout = Layout::from_query(
        &params::Query::new(),
        "rounds",
        &format!("/rounds/{round}/units/{unit}"),
    )?;
    let mut page = report_page(state, round, unit, posted.page, layout).await?;
    let stored: Vec<LineRow> = rounds::list_lines(
        &state.db,
        round,
        LineScope {
            unit: Some(unit),
            ..LineScope::default()
        },
        (posted.page - 1).max(0) * LINES_PER_PAGE,
        LINES_PER_PAGE,
    )
    .await?
    .1;
    page.lines = stored
        .iter()
        .map(|l| {
            let mut view = LineView::new(l, &page.layout, posted.fields.get(&l.task_id));
            if let Some((task, field, why)) = &fault
                && *task == l.task_id
            {
                view.error_field = field;
                view.error = why.clone();
            }
            view
        })
        .collect();
    page.error = message;
    page.error_field = "lines".to_owned();
    Ok((status, render(&page)?).into_response())
}

fn speaker(caller: Option<Caller>, path: &str) -> std::result::Result<Caller, Box<Response>> {
    caller.ok_or_else(|| Box::new(to_login(path)))
}

/// `POST /rounds/{id}/units/{unit}/lines`: saves the page's lines as a draft, all or none.
pub async fn post_lines(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path((round, unit)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response> {
    let (round, unit) = ids(&round, &unit)?;
    let path = format!("/rounds/{round}/units/{unit}");
    let caller = match speaker(caller, &path) {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    let posted = match read_posted(multipart).await {
        Ok(p) => p,
        Err(message) => return Err(AppError::BadRequest(message)),
    };
    if !crate::auth::form_is_genuine(&caller, &headers, &posted.csrf) {
        return Ok(refused_form());
    }
    if let Some(fault) = posted.bad_date.clone() {
        let message = format!("Chưa lưu: {}", fault.2);
        return refused_lines(
            &state,
            round,
            unit,
            &posted,
            Some(fault),
            message,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let today = today_in_vietnam();
    let mut inputs = Vec::new();
    for task in &posted.lines {
        let Some(fields) = posted.fields.get(task) else {
            continue;
        };
        match read_line(fields, today) {
            Ok(Some(line)) => inputs.push(LineInput {
                task: *task,
                line,
                file: posted.files.get(task).cloned(),
            }),
            Ok(None) => {}
            Err((field, message)) => {
                let text = format!("Chưa lưu: một dòng chưa hợp lệ — {message}");
                return refused_lines(
                    &state,
                    round,
                    unit,
                    &posted,
                    Some((*task, field, message)),
                    text,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    }
    let mut tx = state.db.begin().await?;
    match rounds::save_lines(&mut tx, round, unit, &caller.user, &inputs).await {
        Ok(()) => {
            tx.commit().await?;
            after_write(&state, &[]).await;
            Ok(
                Redirect::to(&format!("{path}?page={}&done=saved#lines", posted.page))
                    .into_response(),
            )
        }
        Err(e) => failed(&state, round, unit, &posted, e).await,
    }
}

async fn failed(
    state: &AppState,
    round: RoundId,
    unit: UnitId,
    posted: &Posted,
    e: UpdateError,
) -> Result<Response> {
    match e {
        UpdateError::NotFound => Err(AppError::NotFound),
        UpdateError::Forbidden => Err(AppError::Forbidden),
        UpdateError::Database(e) => Err(AppError::Database(e)),
        other => {
            let status = match other {
                UpdateError::Stale { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            refused_lines(state, round, unit, posted, None, other.to_string(), status).await
        }
    }
}

/// `POST /rounds/{id}/units/{unit}/submit`: the whole report, once every line is written.
pub async fn post_submit(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path((round, unit)): Path<(String, String)>,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let (round, unit) = ids(&round, &unit)?;
    let path = format!("/rounds/{round}/units/{unit}");
    let caller = match speaker(caller, &path) {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    if !Fields::new(form).is_genuine(&caller, &headers) {
        return Ok(refused_form());
    }
    let mut tx = state.db.begin().await?;
    match rounds::submit_report(&mut tx, round, unit, &caller.user, today_in_vietnam()).await {
        Ok(lines) => {
            tx.commit().await?;
            let scope = LineScope {
                unit: Some(unit),
                ..LineScope::default()
            };
            let (_, rows) = rounds::list_lines(&state.db, round, scope, 0, i64::MAX).await?;
            let tasks: Vec<TaskId> = rows.iter().map(|l| l.task_id).collect();
            tracing::info!(round.id = %round, unit.id = %unit, user.id = caller.user.id, lines, "nộp báo cáo kỳ");
            after_write(&state, &tasks).await;
            Ok(Redirect::to(&format!("{path}?done=submitted")).into_response())
        }
        Err(e) => failed(&state, round, unit, &Posted::empty(), e).await,
    }
}

/// `POST /rounds/{id}/units/{unit}/return`: a manager returns a submitted report (`reason`).
pub async fn post_return(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path((round, unit)): Path<(String, String)>,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let (round, unit) = ids(&round, &unit)?;
    let path = format!("/rounds/{round}/units/{unit}");
    let caller = match speaker(caller, &path) {
        Ok(c) => c,
        Err(r) => return Ok(*r),
    };
    let fields = Fields::new(form);
    if !fields.is_genuine(&caller, &headers) {
        return Ok(refused_form());
    }
    let mut tx = state.db.begin().await?;
    let reason = fields.text("reason").unwrap_or_default();
    match rounds::return_report(&mut tx, round, unit, &caller.user, reason).await {
        Ok(()) => {
            tx.commit().await?;
            after_write(&state, &[]).await;
            Ok(Redirect::to(&format!("{path}?done=returned")).into_response())
        }
        Err(e) => failed(&state, round, unit, &Posted::empty(), e).await,
    }
}
