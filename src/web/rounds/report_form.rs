//! The posts of a unit's report page: its lines saved as a draft (all or none, the page shown
//! again with the fault beside its line), the report submitted once, a manager returning it.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::report::{LINES_PER_PAGE, LineView, ids, report_page};
use crate::auth::{Caller, MaybeCaller};
use crate::db::rounds::{self, LineInput, LineRow, LineScope};
use crate::db::updates::UpdateError;
use crate::domain::ids::{RoundId, TaskId, UnitId};
use crate::domain::round::{LineFields, read_line};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::follow_up::{Fields, FormFields, after_write, refused_form, to_login};
use crate::web::page::{Layout, render};
use crate::web::params::{self, today_in_vietnam};
use crate::web::updates::MAX_EVIDENCE_BYTES;

/// The largest save of a report page (several evidence files).
pub const MAX_REPORT_BYTES: usize = 3 * MAX_EVIDENCE_BYTES + 1024 * 1024;

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
