//! `/rounds/{id}/units/{unit}`: one unit's report in a round — its lines, 50 a page, as a form
//! while the unit may write it (saved as a draft page by page, a file or link as evidence per
//! line), then read-only once submitted. The posts are in `report_form`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;

use super::RoundView;
use crate::db::rounds::{self, LineRow, LineScope};
use crate::domain::ids::{RoundId, TaskId, UnitId};
use crate::domain::role::{FollowUp, may_follow_up, may_speak_for_unit};
use crate::domain::round::{LineFields, ReportStatus};
use crate::domain::status::TaskState;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::page::{Layout, Pager, date_vi, render};
use crate::web::params::{self};
use crate::web::views::Choice;

pub(super) const LINES_PER_PAGE: i64 = 50;

/// A line on the page, with what was typed when a save was refused.
pub(super) struct LineView {
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
    pub(super) error_field: &'static str,
    pub(super) error: String,
}

impl LineView {
    pub(super) fn new(l: &LineRow, layout: &Layout, typed: Option<&LineFields>) -> Self {
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
pub(super) struct ReportPage {
    pub(super) layout: Layout,
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
    pub(super) lines: Vec<LineView>,
    pager: Pager,
    /// (time, actor, what, note) of the report's steps.
    log: Vec<(String, String, &'static str, String)>,
    pub(super) error_field: String,
    pub(super) error: String,
    notice: &'static str,
}

pub(super) async fn report_page(
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

pub(super) fn ids(round: &str, unit: &str) -> Result<(RoundId, UnitId)> {
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
