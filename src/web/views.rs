//! View models shared by several pages: rows already formatted for Vietnamese readers, so the
//! templates stay dumb.

use chrono::NaiveDate;

use super::page::{Layout, date_vi};
use crate::db::tasks::{EventRow, MilestoneRow, TaskRow, TaskUnitRow};
use crate::domain::deadline::format_vi;
use crate::domain::explanation::{ExplanationStatus, ReasonClass};
use crate::domain::status::{Category, TaskState};

/// A task as one line of a list.
pub struct TaskLine {
    pub id: i64,
    pub href: String,
    pub reference: String,
    pub decision: String,
    pub content: String,
    pub lead_text: String,
    pub deadline_text: String,
    /// The due date the task is judged by as of the page's date.
    pub due_on: String,
    /// When that date is an extension: what the deadline was before it (else empty).
    pub extended_from: String,
    pub category: String,
    pub category_label: String,
    pub days_overdue: Option<i32>,
    pub state_label: String,
    pub completed_on: String,
    /// The latest request for an explanation as of the date: its status code, label, reason
    /// class label and page (empty when never asked).
    pub explanation_status: String,
    pub explanation_label: &'static str,
    pub explanation_reason: &'static str,
    pub explanation_href: String,
}

impl TaskLine {
    pub fn new(row: &TaskRow, layout: &Layout) -> Self {
        let category = Category::parse(&row.category);
        TaskLine {
            id: row.id.0,
            href: layout.href(&format!("/tasks/{}", row.id)),
            reference: row.reference.clone(),
            decision: row.decision.clone(),
            content: row.content.clone(),
            lead_text: row.lead_text.clone(),
            deadline_text: row.deadline_text.clone(),
            due_on: date_vi(row.judged_due_on),
            extended_from: if row.extended_due_on.is_some() && row.judged_due_on != row.due_on {
                date_vi(row.due_on)
            } else {
                String::new()
            },
            category: row.category.clone(),
            category_label: category.map_or("", Category::label_vi).to_owned(),
            days_overdue: row.days_overdue,
            state_label: TaskState::parse(&row.state)
                .map_or("", TaskState::label_vi)
                .to_owned(),
            completed_on: date_vi(row.completed_on),
            explanation_status: row.explanation_status.clone(),
            explanation_label: ExplanationStatus::parse(&row.explanation_status)
                .map_or("", ExplanationStatus::label_vi),
            explanation_reason: row
                .explanation_reason
                .as_deref()
                .and_then(ReasonClass::parse)
                .map_or("", ReasonClass::label_vi),
            explanation_href: row
                .explanation_id
                .map(|id| layout.href(&format!("/explanations/{id}")))
                .unwrap_or_default(),
        }
    }
}

/// A unit a task names, linked to its page.
pub struct UnitLink {
    pub href: String,
    pub name: String,
    pub written: String,
    pub is_group: bool,
    /// For members reached through a group: the group's name.
    pub via: String,
}

/// The units of one task in one role: those named first, then group members.
pub fn unit_links(links: &[TaskUnitRow], role: &str, layout: &Layout) -> Vec<UnitLink> {
    let group_name = |id| {
        links
            .iter()
            .find(|l| Some(l.id) == id)
            .map(|l| l.name.clone())
            .unwrap_or_default()
    };
    links
        .iter()
        .filter(|l| l.role == role)
        .map(|l| UnitLink {
            href: layout.href(&format!("/units/{}", l.id)),
            name: l.name.clone(),
            written: l.written.clone().unwrap_or_default(),
            is_group: l.is_group,
            via: if l.via_group_id.is_some() {
                group_name(l.via_group_id)
            } else {
                String::new()
            },
        })
        .collect()
}

/// A milestone with whether it is late as of the date.
pub struct MilestoneLine {
    pub label: String,
    pub due_on: String,
    pub done_on: String,
    pub late: bool,
}

impl MilestoneLine {
    pub fn new(m: &MilestoneRow, as_of: NaiveDate) -> Self {
        MilestoneLine {
            label: m.label.clone(),
            due_on: format_vi(m.due_on),
            done_on: date_vi(m.done_on),
            late: m.done_on.is_none_or(|d| d > as_of) && as_of > m.due_on,
        }
    }
}

/// One entry of a task's history.
pub struct EventLine {
    pub evidence_url: String,
    pub evidence_id: Option<i64>,
    pub at: String,
    pub actor: String,
    pub what: String,
    pub change: String,
    pub note: String,
}

impl EventLine {
    pub fn new(e: &EventRow) -> Self {
        let at = (e.at + chrono::TimeDelta::hours(7))
            .format("%d/%m/%Y %H:%M")
            .to_string();
        let what = match e.kind.as_str() {
            "imported" => "Nhập từ văn bản kế hoạch",
            "revised" => "Văn bản sửa đổi cập nhật nội dung",
            "retired" => "Không còn trong văn bản sửa đổi",
            "state" => "Cập nhật trạng thái",
            "note" => "Ghi chú tiến độ",
            "milestone" => "Hoàn thành mốc",
            "confirm" => "Xác nhận hoàn thành",
            "return" => "Trả lại đề xuất hoàn thành",
            "extend" => "Gia hạn",
            "settle" => "Xác định thời hạn",
            "explain_request" => "Yêu cầu giải trình",
            "explain_answer" => "Đơn vị giải trình",
            "explain_accept" => "Chấp nhận giải trình",
            "explain_reject" => "Không chấp nhận giải trình",
            "report" => "Báo cáo định kỳ",
            other => other,
        };
        let label = |s: &Option<String>| {
            s.as_deref()
                .and_then(TaskState::parse)
                .map_or("", TaskState::label_vi)
                .to_owned()
        };
        let change = match (&e.from_state, &e.to_state) {
            (Some(_), Some(_)) => format!("{} → {}", label(&e.from_state), label(&e.to_state)),
            (None, Some(_)) => label(&e.to_state),
            _ => follow_up_change(e),
        };
        EventLine {
            evidence_url: e.evidence_url.clone().unwrap_or_default(),
            evidence_id: e.evidence_id,
            at,
            actor: e.actor.clone(),
            what: what.to_owned(),
            change,
            note: e.note.clone().unwrap_or_default(),
        }
    }
}

/// What a follow-up event says beyond its note: the answer's reason class and proposed date,
/// the extension granted, the round and period a report covers.
fn follow_up_change(e: &EventRow) -> String {
    let date = |key: &str| {
        e.data[key]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(format_vi)
    };
    match e.kind.as_str() {
        "explain_request" => {
            date("due_on").map_or_else(String::new, |d| format!("hạn trả lời {d}"))
        }
        "explain_answer" => {
            let reason = e.data["reason_class"]
                .as_str()
                .and_then(ReasonClass::parse)
                .map_or("", ReasonClass::label_vi);
            match date("proposed_due_on") {
                Some(d) => format!("{reason}; đề xuất hạn mới {d}"),
                None => reason.to_owned(),
            }
        }
        "explain_accept" => {
            date("granted_due_on").map_or_else(String::new, |d| format!("gia hạn đến {d}"))
        }
        "report" => {
            let round = e.data["round"].as_str().unwrap_or_default();
            match (date("period_from"), date("period_to")) {
                (Some(from), Some(to)) => format!("{round} ({from} – {to})"),
                _ => round.to_owned(),
            }
        }
        _ => String::new(),
    }
}

/// A category with its count and a link to the filtered list.
pub struct CategoryOption {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
    pub href: String,
}

/// A task's kept columns (`[{"name", "value"}]` as stored) as (name, value) pairs.
pub fn attributes(stored: &serde_json::Value) -> Vec<(String, String)> {
    stored
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|a| {
                    Some((
                        a.get("name")?.as_str()?.to_owned(),
                        a.get("value")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A figure formatted for Vietnamese readers: "66,7%".
pub fn pct(value: f64) -> String {
    format!("{value:.1}%").replace('.', ",")
}
