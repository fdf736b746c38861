//! The shapes of the reports, shared by the pages and the exports so that every format shows
//! the same figures.

use chrono::NaiveDate;
use serde::Serialize;

/// One overdue task in the overdue report.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueRow {
    pub task_id: i64,
    pub decision: String,
    pub reference: String,
    pub content: String,
    /// The lead units as the plan writes them.
    pub lead_text: String,
    pub deadline_text: String,
    pub due_on: NaiveDate,
    pub days_overdue: i32,
    pub deliverable: String,
    /// The latest progress note recorded by the report's date, if any.
    pub last_note: Option<String>,
    pub last_note_on: Option<NaiveDate>,
}

/// The overdue tasks of one lead unit.
#[derive(Debug, Clone, Serialize)]
pub struct UnitOverdue {
    pub unit_id: i64,
    pub unit_name: String,
    pub is_group: bool,
    pub rows: Vec<OverdueRow>,
}

/// A milestone past its date and not done by the report's date.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueMilestone {
    pub task_id: i64,
    pub decision: String,
    pub reference: String,
    pub label: String,
    pub lead_text: String,
    pub due_on: NaiveDate,
    pub days_overdue: i32,
}

/// "Báo cáo nhiệm vụ quá hạn" as of a date.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueReport {
    pub as_of: NaiveDate,
    /// Units in order of their overdue count, most first.
    pub units: Vec<UnitOverdue>,
    /// Distinct overdue tasks (a task led by two units is listed under both, counted once here).
    pub total: usize,
    pub milestones: Vec<OverdueMilestone>,
}

/// Headline figures for a set of tasks at the end of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Tasks due by the end of the period (or completed by then).
    pub due: i64,
    pub completed_on_time: i64,
    pub completed_late: i64,
    /// Due, not completed, past the due date at the end of the period.
    pub overdue: i64,
}

impl Figures {
    pub fn completed(&self) -> i64 {
        self.completed_on_time + self.completed_late
    }

    fn share(part: i64, whole: i64) -> f64 {
        if whole == 0 {
            0.0
        } else {
            part as f64 * 100.0 / whole as f64
        }
    }

    /// Share of due tasks completed, in percent.
    pub fn completed_pct(&self) -> f64 {
        Self::share(self.completed(), self.due)
    }

    /// Share of due tasks completed on time, in percent.
    pub fn on_time_pct(&self) -> f64 {
        Self::share(self.completed_on_time, self.due)
    }

    /// Share of due tasks overdue, in percent.
    pub fn overdue_pct(&self) -> f64 {
        Self::share(self.overdue, self.due)
    }

    /// On-time completions among completions, in percent: how units are ranked.
    pub fn on_time_rate(&self) -> f64 {
        Self::share(self.completed_on_time, self.completed())
    }
}

/// One completed task in the completion report.
#[derive(Debug, Clone, Serialize)]
pub struct CompletedRow {
    pub task_id: i64,
    pub decision: String,
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    pub deadline_text: String,
    pub due_on: Option<NaiveDate>,
    pub completed_on: NaiveDate,
    pub on_time: bool,
    pub deliverable: String,
}

/// Figures for one decision or one unit.
#[derive(Debug, Clone, Serialize)]
pub struct NamedFigures {
    pub id: i64,
    pub name: String,
    pub figures: Figures,
}

/// "Báo cáo kết quả thực hiện" for a period.
#[derive(Debug, Clone, Serialize)]
pub struct CompletedReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// How the period was chosen, in words ("Tháng 6/2022", "Quý II/2022", …).
    pub label: String,
    /// Tasks completed within the period.
    pub completed: Vec<CompletedRow>,
    /// Figures for all plans at the end of the period.
    pub totals: Figures,
    pub per_decision: Vec<NamedFigures>,
    /// Per lead unit, ranked by on-time rate (then by completions).
    pub per_unit: Vec<NamedFigures>,
}

/// The monthly report pack a ministry sends upward.
#[derive(Debug, Clone, Serialize)]
pub struct MonthlyPack {
    /// "Tháng 6/2022"
    pub label: String,
    /// The decision the pack covers, or all.
    pub scope: String,
    pub completed: CompletedReport,
    /// Overdue as of the last day of the month.
    pub overdue: OverdueReport,
}
