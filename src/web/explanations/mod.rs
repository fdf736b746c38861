//! `/explanations` (Giải trình nhiệm vụ quá hạn): the requests as of a date with their counts by
//! status and reason class; `/explanations/{id}` with the lead unit's answer form and the
//! manager's decision form; `POST /explanations` asks for explanations of one or many overdue
//! tasks (from the task page or the overdue report); `POST /explanations/settings` sets the
//! automatic requests.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{NaiveDate, TimeDelta};

use super::page::{Layout, Pager, date_vi, query_string, render};
use super::params::{self, today_in_vietnam};
use super::unit_field::{UnitChoice, unit_labels};
use super::views::Choice;
use crate::db::explanations::{self as db, ExplanationRow, ListFilter};
use crate::db::overdue::overdue_task_ids;
use crate::db::reports::ReportFilter;
use crate::domain::explanation::{ExplanationStatus, ReasonClass};
use crate::error::{AppError, Result};
use crate::state::AppState;

mod steps;

pub use steps::{post_answer, post_decision, post_request, post_settings, show};

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
    // Listing every overdue task of the report is only worth it when something was asked.
    let (counts, lines) = if db::any_requested(&state.db, as_of).await? {
        let all = overdue_task_ids(&state.db, as_of, filter).await?;
        tokio::try_join!(
            db::counts(&state.db, as_of, Some(&all)),
            db::statuses(&state.db, page_tasks, as_of)
        )?
    } else {
        (Vec::new(), Vec::new())
    };
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
