//! What the preview page shows, computed from the plan, its units and the revision, so that
//! the template only lays it out.

use std::collections::HashMap;

use crate::db::import::{mention_key, scope_of};
use crate::db::intake::{PlanUnit, UnitStatus};
use crate::domain::deadline::{describe, format_vi};
use crate::domain::units::Mention;
use crate::import::{DecisionHeader, ParsedPlan, ParsedTask};
use crate::intake::Mappings;

/// One unit of the plan, with its mark and, for a near match, the choice.
pub struct UnitView {
    pub key: String,
    pub label: String,
    /// Other spellings the plan uses, joined.
    pub spellings: String,
    /// "existing", "mapped", "near" or "new".
    pub status: &'static str,
    pub status_label: &'static str,
    /// The existing unit it resolves to: (link, name).
    pub target: Option<(String, String)>,
    /// For a near match: (option value, label, selected); the first creates the unit.
    pub choices: Vec<(String, String, bool)>,
    pub is_group: bool,
}

/// A unit as one task cell names it.
pub struct MentionView {
    pub written: String,
    pub status: &'static str,
    /// The status in a word: "đã có", "gần giống", "mới".
    pub mark: &'static str,
    pub href: Option<String>,
    /// What the mention resolves to, when another name: "→ Bộ Y tế".
    pub note: String,
}

/// One row of the plan as it will be stored.
pub enum Line {
    Section { code: String, title: String },
    Heading(String),
    Task(Box<TaskView>),
}

pub struct TaskView {
    pub reference: String,
    pub place: String,
    pub content: String,
    pub leads: Vec<MentionView>,
    pub partners: Vec<MentionView>,
    pub deadline_text: String,
    pub deadline_meaning: String,
    pub deadline_kind: &'static str,
    /// Each milestone of the deadline: (what is due, dd/mm/yyyy).
    pub milestones: Vec<(String, String)>,
    pub deliverable: String,
    pub extras: Vec<(String, String)>,
}

/// A header field: its note when empty or doubtful.
pub struct Doubts {
    pub code: String,
    pub issued_on: String,
    pub issuer: String,
    pub title: String,
}

/// Notes on the header fields the person importing should supply or check.
pub fn doubts(read: &DecisionHeader, now: &DecisionHeader) -> Doubts {
    let code = if !read.code.is_empty() {
        String::new()
    } else if read.open_number {
        "Để trống trong văn bản (bản dự thảo): cần nhập.".to_owned()
    } else {
        "Không tìm thấy trong văn bản: cần nhập.".to_owned()
    };
    let issued_on = match (read.issued_on, read.open_date) {
        (Some(_), _) => String::new(),
        (None, true) => "Để trống trong văn bản (bản dự thảo): cần nhập.".to_owned(),
        (None, false) => "Không tìm thấy trong văn bản: nên nhập nếu biết.".to_owned(),
    };
    let issuer = if read.issuer.is_empty() {
        "Không tìm thấy trong văn bản: nên nhập tên đầy đủ.".to_owned()
    } else if now.issuer == now.issuer_code {
        "Chỉ có ký hiệu của cơ quan: nên nhập tên đầy đủ.".to_owned()
    } else {
        String::new()
    };
    let title = if now.title.is_empty() {
        "Không tìm thấy trích yếu: nên nhập.".to_owned()
    } else if now.title == now.code {
        "Trích yếu trùng với số hiệu: nên nhập trích yếu.".to_owned()
    } else if now.title.chars().count() > 300 {
        "Trích yếu rất dài, có thể lẫn nội dung văn bản: hãy kiểm tra.".to_owned()
    } else {
        String::new()
    };
    Doubts {
        code,
        issued_on,
        issuer,
        title,
    }
}

/// The units, each with its mark and choice (`mappings` preselects a near match).
pub fn unit_views(units: &[PlanUnit], mappings: &Mappings) -> Vec<UnitView> {
    units
        .iter()
        .map(|unit| {
            let label = match &unit.parent {
                Some(parent) => format!("{} ({parent})", unit.name),
                None => unit.name.clone(),
            };
            let spellings = unit
                .written
                .iter()
                .filter(|w| **w != unit.name)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ");
            let link = |id: crate::domain::ids::UnitId| format!("/units/{id}");
            let (status, status_label, target, choices) = match &unit.status {
                UnitStatus::Existing(u) => (
                    "existing",
                    "Đã có",
                    Some((link(u.id), u.label())),
                    Vec::new(),
                ),
                UnitStatus::Mapped(u) => (
                    "mapped",
                    "Đã có (theo lựa chọn lần nhập trước)",
                    Some((link(u.id), u.label())),
                    Vec::new(),
                ),
                UnitStatus::New { near } if near.is_empty() => ("new", "Mới", None, Vec::new()),
                UnitStatus::New { near } => {
                    let chosen = mappings.get(&unit.key);
                    let mut choices = vec![(
                        format!("-:{}", unit.name_key),
                        format!("Tạo đơn vị mới “{label}”"),
                        chosen.is_none(),
                    )];
                    choices.extend(near.iter().map(|n| {
                        (
                            format!("{}:{}", n.id, unit.name_key),
                            format!("Là đơn vị đã có “{}”", n.label()),
                            chosen == Some(&n.id),
                        )
                    }));
                    ("near", "Gần giống đơn vị đã có", None, choices)
                }
            };
            UnitView {
                key: unit.key.clone(),
                label,
                spellings,
                status,
                status_label,
                target,
                choices,
                is_group: unit.is_group,
            }
        })
        .collect()
}

/// The plan as rows: sections, sub-headings and tasks, in document order.
pub fn lines(plan: &ParsedPlan, units: &[UnitView], mappings: &Mappings) -> Vec<Line> {
    let scope = scope_of(plan);
    let by_key: HashMap<&str, &UnitView> = units.iter().map(|u| (u.key.as_str(), u)).collect();
    let mention = |m: &Mention| -> MentionView {
        let key = mention_key(plan, &scope, m);
        let unit = by_key.get(key.as_str());
        let chosen = unit
            .filter(|u| u.status == "near")
            .and_then(|u| mappings.get(&u.key));
        let (status, href, note) = match (unit, chosen) {
            (Some(_), Some(id)) => (
                "existing",
                Some(format!("/units/{id}")),
                "→ đơn vị đã có (đã chọn)".to_owned(),
            ),
            (Some(u), None) => {
                let href = u.target.as_ref().map(|(href, _)| href.clone());
                let note = match &u.target {
                    Some((_, name)) if *name != m.written => format!("→ {name}"),
                    _ => String::new(),
                };
                (u.status, href, note)
            }
            (None, _) => ("new", None, String::new()),
        };
        MentionView {
            written: m.written.clone(),
            status,
            mark: match status {
                "existing" | "mapped" => "đã có",
                "near" => "gần giống",
                _ => "mới",
            },
            href,
            note,
        }
    };
    let mut out = Vec::new();
    let mut section = None;
    let mut heading: Option<&str> = None;
    for task in &plan.tasks {
        if task.section != section {
            section = task.section;
            heading = None;
            if let Some(s) = section.and_then(|i| plan.sections.get(i)) {
                out.push(Line::Section {
                    code: s.code.clone(),
                    title: s.title.clone(),
                });
            }
        }
        if task.heading.as_deref() != heading {
            heading = task.heading.as_deref();
            if let Some(text) = heading {
                out.push(Line::Heading(text.to_owned()));
            }
        }
        out.push(Line::Task(Box::new(task_view(plan, task, &mention))));
    }
    out
}

fn task_view(
    plan: &ParsedPlan,
    task: &ParsedTask,
    mention: &impl Fn(&Mention) -> MentionView,
) -> TaskView {
    TaskView {
        reference: task.reference.clone(),
        place: plan.places.describe(task.line),
        content: task.content.clone(),
        leads: task.leads.iter().map(mention).collect(),
        partners: task.partners.iter().map(mention).collect(),
        deadline_text: task.deadline_text.clone(),
        deadline_meaning: describe(&task.deadline),
        deadline_kind: task.deadline.kind.as_str(),
        milestones: task
            .deadline
            .milestones
            .iter()
            .map(|m| (m.label.clone(), format_vi(m.due_on)))
            .collect(),
        deliverable: task.deliverable.clone(),
        extras: task.extras.clone(),
    }
}
