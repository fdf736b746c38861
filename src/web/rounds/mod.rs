//! `/rounds` (Kỳ báo cáo): the rounds; `/rounds/new` and `POST /rounds`, a manager opening one;
//! `/rounds/{id}`, its progress per unit and per plan; `/rounds/{id}/missing`, the lines not
//! written yet; the compiled report (`report.docx`) and every line (`lines.xlsx`);
//! `GET /api/v1/rounds`. A unit's own report is in `report`.

mod open;
mod outputs;
mod report;
mod report_form;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::NaiveDate;

use super::page::{Layout, Pager, count, date_vi, query_string, render};
use super::params::{self, today_in_vietnam};
use crate::db::rounds::{self, LineScope, ReportRow, RoundRow};
use crate::domain::ids::{DecisionId, RoundId, UnitId};
use crate::domain::round::{ReportStatus, is_late};
use crate::error::{AppError, Result};
use crate::state::AppState;

pub use open::{create_round, new_round_form};
pub use outputs::{MyReport, api_list, lines_xlsx, my_reports, report_docx};
pub use report::show_report;
pub use report_form::{MAX_REPORT_BYTES, post_lines, post_return, post_submit};

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
