//! The report a round compiles into, as a ministry sends it upward: the units that submitted
//! (and those late or missing), the results plan by plan and section by section with every
//! task's state and the units' own words, the difficulties and the proposals grouped by unit.
//! Built from the submitted lines only.

use chrono::NaiveDate;

use crate::db::rounds::{LineRow, ReportRow, RoundRow};
use crate::domain::round::{ReportStatus, is_late};
use crate::domain::status::TaskState;

/// The compiled report of a round.
#[derive(Debug, Clone)]
pub struct RoundReport {
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub due_on: NaiveDate,
    /// The day it was compiled (its figures are as of then).
    pub compiled_on: NaiveDate,
    /// "Tất cả kế hoạch" or the plans' codes.
    pub scope: String,
    pub units_total: usize,
    pub units_submitted: usize,
    /// Units that submitted after the due day, or have not and the day has passed.
    pub units_late: Vec<String>,
    /// Units that have not submitted (a returned report counts as not submitted).
    pub units_missing: Vec<String>,
    pub plans: Vec<PlanPart>,
    pub difficulties: Vec<UnitTexts>,
    pub proposals: Vec<UnitTexts>,
}

/// One plan's part of the results.
#[derive(Debug, Clone)]
pub struct PlanPart {
    pub code: String,
    pub sections: Vec<SectionPart>,
}

/// One section of a plan (or the plan's tasks outside any section).
#[derive(Debug, Clone)]
pub struct SectionPart {
    pub code: Option<String>,
    pub title: Option<String>,
    pub tasks: Vec<TaskPart>,
}

/// One task with what each of its reporting units said.
#[derive(Debug, Clone)]
pub struct TaskPart {
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    pub lines: Vec<UnitLine>,
}

/// What one unit said of one task.
#[derive(Debug, Clone)]
pub struct UnitLine {
    pub unit: String,
    pub state: TaskState,
    pub completed_on: Option<NaiveDate>,
    pub done: String,
    pub result: String,
    pub evidence_url: Option<String>,
}

/// One unit's difficulties or proposals, each with its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTexts {
    pub unit: String,
    /// "905/QĐ-BTTTT II.7: …"
    pub items: Vec<String>,
}

fn rank(state: TaskState) -> u8 {
    match state {
        TaskState::NotStarted => 0,
        TaskState::InProgress => 1,
        TaskState::Completed => 2,
    }
}

impl TaskPart {
    /// The task's state as its units report it: done only when every unit says so.
    pub fn state(&self) -> TaskState {
        self.lines
            .iter()
            .map(|l| l.state)
            .min_by_key(|s| rank(*s))
            .unwrap_or(TaskState::NotStarted)
    }

    /// The state in words: one label when the units agree, else each unit's.
    pub fn state_text(&self) -> String {
        let first = self.lines.first().map(|l| l.state);
        if self.lines.iter().all(|l| Some(l.state) == first) {
            let mut text = self.state().label_vi().to_owned();
            if let Some(on) = self.lines.iter().filter_map(|l| l.completed_on).max() {
                text.push_str(&format!(" ({})", on.format("%d/%m/%Y")));
            }
            return text;
        }
        self.lines
            .iter()
            .map(|l| format!("{}: {}", l.unit, l.state.label_vi()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The units' own words: what was done and the result, each unit named when several report.
    pub fn results_text(&self) -> String {
        let several = self.lines.len() > 1;
        self.lines
            .iter()
            .map(|l| {
                let mut parts = Vec::new();
                if !l.done.is_empty() {
                    parts.push(l.done.clone());
                }
                if !l.result.is_empty() {
                    parts.push(format!("Kết quả: {}", l.result));
                }
                if let Some(url) = &l.evidence_url {
                    parts.push(format!("Minh chứng: {url}"));
                }
                let text = parts.join(" ");
                if several {
                    format!("{}: {text}", l.unit)
                } else {
                    text
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl SectionPart {
    /// Tasks not started, in progress, completed.
    pub fn counts(&self) -> [usize; 3] {
        let mut counts = [0; 3];
        for t in &self.tasks {
            counts[usize::from(rank(t.state()))] += 1;
        }
        counts
    }
}

/// Compiles the report from the round, its units' reports and the submitted lines (in plan
/// order, as `db::rounds::compiled_lines` gives them).
pub fn compile(
    round: &RoundRow,
    reports: &[ReportRow],
    lines: &[LineRow],
    today: NaiveDate,
) -> RoundReport {
    let submitted = |r: &&ReportRow| r.status == ReportStatus::Submitted.as_str();
    let mut plans: Vec<PlanPart> = Vec::new();
    let mut difficulties: Vec<UnitTexts> = Vec::new();
    let mut proposals: Vec<UnitTexts> = Vec::new();
    for l in lines {
        if plans.last().is_none_or(|p| p.code != l.decision) {
            plans.push(PlanPart {
                code: l.decision.clone(),
                sections: Vec::new(),
            });
        }
        let Some(plan) = plans.last_mut() else {
            continue;
        };
        if plan.sections.last().is_none_or(|s| s.code != l.section) {
            plan.sections.push(SectionPart {
                code: l.section.clone(),
                title: l.section_title.clone(),
                tasks: Vec::new(),
            });
        }
        let Some(section) = plan.sections.last_mut() else {
            continue;
        };
        let reference = format!("{} {}", l.decision, l.reference);
        if section
            .tasks
            .last()
            .is_none_or(|t| t.reference != reference)
        {
            section.tasks.push(TaskPart {
                reference: reference.clone(),
                content: l.content.clone(),
                lead_text: l.lead_text.clone(),
                lines: Vec::new(),
            });
        }
        if let Some(task) = section.tasks.last_mut() {
            task.lines.push(UnitLine {
                unit: l.unit_name.clone(),
                state: l
                    .state
                    .as_deref()
                    .and_then(TaskState::parse)
                    .unwrap_or(TaskState::NotStarted),
                completed_on: l.completed_on,
                done: l.done_text.clone(),
                result: l.result_text.clone(),
                evidence_url: l.evidence_url.clone(),
            });
        }
        add_text(&mut difficulties, &l.unit_name, &reference, &l.difficulties);
        add_text(&mut proposals, &l.unit_name, &reference, &l.proposal);
    }
    difficulties.sort_by(|a, b| a.unit.cmp(&b.unit));
    proposals.sort_by(|a, b| a.unit.cmp(&b.unit));
    let names = |keep: &dyn Fn(&ReportRow) -> bool| -> Vec<String> {
        reports
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.unit_name.clone())
            .collect()
    };
    RoundReport {
        title: round.title.clone(),
        period_from: round.period_from,
        period_to: round.period_to,
        due_on: round.due_on,
        compiled_on: today,
        scope: if round.all_plans {
            "Tất cả kế hoạch".to_owned()
        } else {
            round.plan_codes.join(", ")
        },
        units_total: reports.len(),
        units_submitted: reports.iter().filter(submitted).count(),
        units_late: names(&|r| {
            let on = (r.status == "submitted")
                .then_some(r.submitted_on)
                .flatten();
            is_late(round.due_on, on, today)
        }),
        units_missing: names(&|r| r.status != "submitted"),
        plans,
        difficulties,
        proposals,
    }
}

fn add_text(groups: &mut Vec<UnitTexts>, unit: &str, reference: &str, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    let item = format!("{reference}: {}", text.trim());
    match groups.iter_mut().find(|g| g.unit == unit) {
        Some(g) => g.items.push(item),
        None => groups.push(UnitTexts {
            unit: unit.to_owned(),
            items: vec![item],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit: &str, state: TaskState, done: &str) -> UnitLine {
        UnitLine {
            unit: unit.to_owned(),
            state,
            completed_on: None,
            done: done.to_owned(),
            result: String::new(),
            evidence_url: None,
        }
    }

    #[test]
    fn a_task_is_done_only_when_every_unit_says_so_and_each_unit_is_named() {
        let task = TaskPart {
            reference: "905/QĐ-BTTTT II.7".into(),
            content: "Kết nối".into(),
            lead_text: "Cục A, Cục B".into(),
            lines: vec![
                line("Cục A", TaskState::Completed, "Đã kết nối"),
                line("Cục B", TaskState::InProgress, "Đang thử nghiệm"),
            ],
        };
        assert_eq!(task.state(), TaskState::InProgress);
        assert_eq!(
            task.state_text(),
            "Cục A: Hoàn thành; Cục B: Đang thực hiện"
        );
        assert_eq!(
            task.results_text(),
            "Cục A: Đã kết nối\nCục B: Đang thử nghiệm"
        );
        let section = SectionPart {
            code: Some("II".into()),
            title: None,
            tasks: vec![task],
        };
        assert_eq!(section.counts(), [0, 1, 0]);
    }

    #[test]
    fn texts_are_grouped_by_unit() {
        let mut groups = Vec::new();
        add_text(&mut groups, "Cục A", "X 1", "Thiếu kinh phí");
        add_text(&mut groups, "Cục B", "X 2", "  ");
        add_text(&mut groups, "Cục A", "X 3", "Chờ hướng dẫn");
        assert_eq!(
            groups,
            vec![UnitTexts {
                unit: "Cục A".into(),
                items: vec!["X 1: Thiếu kinh phí".into(), "X 3: Chờ hướng dẫn".into()],
            }]
        );
    }
}
