//! `/rounds` (Kỳ báo cáo): the rounds; `/rounds/new` and `POST /rounds`, a manager opening one;
//! `/rounds/{id}`, its progress per unit and per plan; `/rounds/{id}/missing`, the lines not
//! written yet; the compiled report (`report.docx`) and every line (`lines.xlsx`);
//! `GET /api/v1/rounds`. A unit's own report is in `report`.

mod open;
mod report;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;

use super::page::{Layout, Pager, count, date_vi, query_string, render};
use super::params::{self, today_in_vietnam};
use crate::db::rounds::{self, LineScope, ReportRow, RoundRow};
use crate::domain::ids::{DecisionId, RoundId, UnitId};
use crate::domain::round::{ReportStatus, is_late};
use crate::error::{AppError, Result};
use crate::reports::export;
use crate::state::AppState;

pub use open::{create_round, new_round_form};
pub use report::{MAX_REPORT_BYTES, post_lines, post_return, post_submit, show_report};

/// A round as the pages show it.
pub struct RoundView {
    pub id: RoundId,
    pub href: String,
    pub missing_href: String,
    pub title: String,
    pub period: String,
    pub due_on: String,
    pub overdue: bool,
    pub scope: String,
    pub opener: String,
    pub units_total: i64,
    pub units_submitted: i64,
    pub lines_total: i64,
    pub lines_saved: i64,
}

impl RoundView {
    pub fn new(r: &RoundRow, layout: &Layout) -> Self {
        RoundView {
            id: r.id,
            href: layout.href(&format!("/rounds/{}", r.id)),
            missing_href: layout.href(&format!("/rounds/{}/missing", r.id)),
            title: r.title.clone(),
            period: format!(
                "{} – {}",
                date_vi(Some(r.period_from)),
                date_vi(Some(r.period_to))
            ),
            due_on: date_vi(Some(r.due_on)),
            overdue: today_in_vietnam() > r.due_on,
            scope: if r.all_plans {
                "Tất cả kế hoạch".to_owned()
            } else {
                r.plan_codes.join(", ")
            },
            opener: r.opener.clone(),
            units_total: r.units_total,
            units_submitted: r.units_submitted,
            lines_total: r.lines_total,
            lines_saved: r.lines_saved,
        }
    }
}

#[derive(Template)]
#[template(path = "rounds/list.html")]
struct ListPage {
    layout: Layout,
    rounds: Vec<RoundView>,
}

/// `GET /rounds`
pub async fn list_rounds(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let layout = Layout::from_query(&query, "rounds", "/rounds")?;
    let rows = rounds::list_rounds(&state.db).await?;
    let rounds = rows.iter().map(|r| RoundView::new(r, &layout)).collect();
    render(&ListPage { layout, rounds })
}

/// A unit's report as a line of the progress page.
struct UnitLine {
    name: String,
    href: String,
    status: &'static str,
    status_label: &'static str,
    lines_total: i32,
    lines_saved: i32,
    submitted_on: String,
    late: bool,
}

struct PlanLine {
    code: String,
    issuer: String,
    href: String,
    lines: i64,
    saved: i64,
    submitted: i64,
    units: i64,
    units_submitted: i64,
    missing_href: String,
}

#[derive(Template)]
#[template(path = "rounds/show.html")]
struct ProgressPage {
    layout: Layout,
    round: RoundView,
    units: Vec<UnitLine>,
    pager: Pager,
    /// (value, label, count, selected) of the unit filter.
    filters: Vec<(&'static str, &'static str, usize, bool)>,
    plans: Vec<PlanLine>,
    submitted_late: usize,
    missing_late: usize,
    lines_submitted: i64,
}

const UNITS_PER_PAGE: i64 = 100;

/// Which reports a filter keeps: all, not submitted, submitted, late, returned.
fn keeps(filter: &str, r: &ReportRow, due_on: NaiveDate, today: NaiveDate) -> bool {
    let submitted = r.status == ReportStatus::Submitted.as_str();
    let late = is_late(due_on, submitted.then_some(r.submitted_on).flatten(), today);
    match filter {
        "missing" => !submitted,
        "submitted" => submitted,
        "late" => late,
        "returned" => r.status == ReportStatus::Returned.as_str(),
        _ => true,
    }
}

/// `GET /rounds/{id}`: units submitted, not yet, late; per unit and per plan.
pub async fn show_round(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: RoundId = raw.parse().map_err(|_| AppError::NotFound)?;
    let layout = Layout::from_query(&query, "rounds", &format!("/rounds/{id}"))?;
    let round = rounds::fetch_round(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (reports, plans) = tokio::try_join!(
        rounds::list_reports(&state.db, Some(id)),
        rounds::plan_progress(&state.db, id)
    )?;
    let today = today_in_vietnam();
    let filter = params::text(&query, "status").unwrap_or_default();
    let kept: Vec<&ReportRow> = reports
        .iter()
        .filter(|r| keeps(&filter, r, round.due_on, today))
        .collect();
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    let pager = Pager::new(page, count(kept.len()), UNITS_PER_PAGE, |p| {
        let mut q = query.clone();
        q.insert("page".to_owned(), p.to_string());
        q.remove("as_of");
        layout.href(&format!("/rounds/{id}?{}#units", query_string(&q)))
    });
    let units = pager
        .slice(&kept)
        .iter()
        .map(|r| {
            let status = ReportStatus::parse(&r.status).unwrap_or(ReportStatus::Draft);
            let on = (status == ReportStatus::Submitted)
                .then_some(r.submitted_on)
                .flatten();
            UnitLine {
                name: r.unit_name.clone(),
                href: layout.href(&format!("/rounds/{id}/units/{}", r.unit_id)),
                status: status.as_str(),
                status_label: status.label_vi(),
                lines_total: r.lines_total,
                lines_saved: r.lines_saved,
                submitted_on: date_vi(on),
                late: is_late(round.due_on, on, today),
            }
        })
        .collect();
    let filters = [
        ("", "Tất cả"),
        ("missing", "Chưa nộp"),
        ("submitted", "Đã nộp"),
        ("late", "Trễ hạn"),
        ("returned", "Bị trả lại"),
    ]
    .into_iter()
    .map(|(value, label)| {
        let n = reports
            .iter()
            .filter(|r| keeps(value, r, round.due_on, today))
            .count();
        (value, label, n, value == filter)
    })
    .collect();
    let submitted = |r: &&ReportRow| r.status == "submitted";
    let page_view = ProgressPage {
        submitted_late: reports
            .iter()
            .filter(submitted)
            .filter(|r| is_late(round.due_on, r.submitted_on, today))
            .count(),
        missing_late: reports
            .iter()
            .filter(|r| r.status != "submitted" && is_late(round.due_on, None, today))
            .count(),
        lines_submitted: plans.iter().map(|p| p.submitted).sum(),
        plans: plans
            .iter()
            .map(|p| PlanLine {
                code: p.code.clone(),
                issuer: p.issuer.clone(),
                href: layout.href(&format!("/decisions/{}", p.decision_id)),
                lines: p.lines,
                saved: p.saved,
                submitted: p.submitted,
                units: p.units,
                units_submitted: p.units_submitted,
                missing_href: layout
                    .href(&format!("/rounds/{id}/missing?decision={}", p.decision_id)),
            })
            .collect(),
        round: RoundView::new(&round, &layout),
        units,
        pager,
        filters,
        layout,
    };
    render(&page_view)
}

/// One unit's missing lines: its name, its report's link, and (reference, task link,
/// content) of each line.
type MissingGroup = (String, String, Vec<(String, String, String)>);

#[derive(Template)]
#[template(path = "rounds/missing.html")]
struct MissingPage {
    layout: Layout,
    round: RoundView,
    groups: Vec<MissingGroup>,
    pager: Pager,
}

const MISSING_PER_PAGE: i64 = 200;

/// `GET /rounds/{id}/missing[?unit=&decision=]`: the lines not written yet, by unit.
pub async fn missing_lines(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: RoundId = raw.parse().map_err(|_| AppError::NotFound)?;
    let layout = Layout::from_query(&query, "rounds", &format!("/rounds/{id}/missing"))?;
    let round = rounds::fetch_round(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let number = |key: &'static str| {
        params::parsed(&query, key, "mã số", |s| s.parse::<i64>().ok())
            .map_err(|e| AppError::BadRequest(e.message))
    };
    let scope = LineScope {
        unit: number("unit")?.map(UnitId),
        decision: number("decision")?.map(DecisionId),
        missing: true,
        submitted: false,
    };
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    let offset = (page - 1) * MISSING_PER_PAGE;
    let (total, lines) = rounds::list_lines(&state.db, id, scope, offset, MISSING_PER_PAGE).await?;
    let pager = Pager::new(page, total, MISSING_PER_PAGE, |p| {
        let mut q = query.clone();
        q.insert("page".to_owned(), p.to_string());
        q.remove("as_of");
        layout.href(&format!("/rounds/{id}/missing?{}", query_string(&q)))
    });
    let mut groups: Vec<MissingGroup> = Vec::new();
    for l in &lines {
        if groups.last().is_none_or(|g| g.0 != l.unit_name) {
            let href = layout.href(&format!("/rounds/{id}/units/{}", l.unit_id));
            groups.push((l.unit_name.clone(), href, Vec::new()));
        }
        if let Some(g) = groups.last_mut() {
            g.2.push((
                format!("{} {}", l.decision, l.reference),
                layout.href(&format!("/tasks/{}", l.task_id)),
                l.content.clone(),
            ));
        }
    }
    render(&MissingPage {
        round: RoundView::new(&round, &layout),
        groups,
        pager,
        layout,
    })
}

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
) -> std::result::Result<Json<Vec<RoundJson>>, super::api::ApiError> {
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
