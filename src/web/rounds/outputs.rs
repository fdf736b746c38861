//! What leaves the round pages: the compiled report (.docx), every line (.xlsx), the JSON API,
//! and a user's own reports for `/my/tasks`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;

use crate::db::rounds::{self, LineScope, RoundRow};
use crate::domain::ids::{RoundId, UnitId};
use crate::domain::round::{ReportStatus, is_late};
use crate::error::{AppError, Result};
use crate::reports::export;
use crate::state::AppState;
use crate::web::page::{Layout, date_vi};
use crate::web::params::today_in_vietnam;

fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

fn export_failed(e: export::ExportError) -> AppError {
    AppError::Other(anyhow::anyhow!(e))
}

/// `GET /rounds/{id}/report.docx`: the compiled report of the submitted lines.
pub async fn report_docx(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response> {
    let id: RoundId = raw.parse().map_err(|_| AppError::NotFound)?;
    let round = rounds::fetch_round(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (reports, lines) = tokio::try_join!(
        rounds::list_reports(&state.db, Some(id)),
        rounds::compiled_lines(&state.db, id)
    )?;
    let report = crate::reports::round::compile(&round, &reports, &lines, today_in_vietnam());
    let bytes = export::round_docx(&report).map_err(export_failed)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("bao-cao-ky-{id}.docx"),
    ))
}

/// `GET /rounds/{id}/lines.xlsx`: every line of every unit.
pub async fn lines_xlsx(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response> {
    let id: RoundId = raw.parse().map_err(|_| AppError::NotFound)?;
    let round = rounds::fetch_round(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, lines) = rounds::list_lines(&state.db, id, LineScope::default(), 0, i64::MAX).await?;
    let bytes = export::round_lines_xlsx(&round, &lines).map_err(export_failed)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("cac-dong-bao-cao-ky-{id}.xlsx"),
    ))
}

/// One of the user's units' reports, for `/my/tasks`.
pub struct MyReport {
    pub href: String,
    pub title: String,
    pub period: String,
    pub unit: String,
    pub due_on: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub late: bool,
    pub lines_saved: i32,
    pub lines_total: i32,
}

/// The reports of the user's units: those still to write (not submitted) first.
pub async fn my_reports(db: &sqlx::PgPool, user: i64, layout: &Layout) -> Result<Vec<MyReport>> {
    let today = today_in_vietnam();
    let mut rows = rounds::reports_of_user(db, user).await?;
    rows.sort_by_key(|r| r.report.status == "submitted");
    Ok(rows
        .iter()
        .map(|r| {
            let status = ReportStatus::parse(&r.report.status).unwrap_or(ReportStatus::Draft);
            let on = (status == ReportStatus::Submitted)
                .then_some(r.report.submitted_on)
                .flatten();
            MyReport {
                href: layout.href(&format!(
                    "/rounds/{}/units/{}",
                    r.report.round_id, r.report.unit_id
                )),
                title: r.title.clone(),
                period: format!(
                    "{} – {}",
                    date_vi(Some(r.period_from)),
                    date_vi(Some(r.period_to))
                ),
                unit: r.report.unit_name.clone(),
                due_on: date_vi(Some(r.due_on)),
                status: status.as_str(),
                status_label: status.label_vi(),
                late: is_late(r.due_on, on, today),
                lines_saved: r.report.lines_saved,
                lines_total: r.report.lines_total,
            }
        })
        .collect())
}

/// A round in the API, with each unit's submission.
#[derive(Serialize)]
pub struct RoundJson {
    #[serde(flatten)]
    round: RoundRow,
    units: Vec<UnitJson>,
}

#[derive(Serialize)]
struct UnitJson {
    unit_id: UnitId,
    unit: String,
    /// `draft` (not submitted yet), `submitted`, `returned`.
    status: String,
    submitted_on: Option<NaiveDate>,
    late: bool,
    lines: i32,
    lines_saved: i32,
}

/// `GET /api/v1/rounds`
pub async fn api_list(
    State(state): State<AppState>,
) -> std::result::Result<Json<Vec<RoundJson>>, crate::web::api::ApiError> {
    let (list, reports) = tokio::try_join!(
        rounds::list_rounds(&state.db),
        rounds::list_reports(&state.db, None)
    )?;
    let today = today_in_vietnam();
    Ok(Json(
        list.into_iter()
            .map(|round| RoundJson {
                units: reports
                    .iter()
                    .filter(|r| r.round_id == round.id)
                    .map(|r| {
                        let on = (r.status == "submitted")
                            .then_some(r.submitted_on)
                            .flatten();
                        UnitJson {
                            unit_id: r.unit_id,
                            unit: r.unit_name.clone(),
                            status: r.status.clone(),
                            submitted_on: on,
                            late: is_late(round.due_on, on, today),
                            lines: r.lines_total,
                            lines_saved: r.lines_saved,
                        }
                    })
                    .collect(),
                round,
            })
            .collect(),
    ))
}
