//! Figures that take a scan of every task (the overview's counts, the overdue report), kept in
//! memory and thrown away when the data changes.
//!
//! Every write to the plan data bumps a counter in `data_versions` inside the writing
//! transaction (migration 0007). A figure is stored under the counter read *before* computing it
//! and only when the counter has not moved by the time it is done, so a figure computed while a
//! write committed is never kept.
//!
//! The server learns the counters without asking: the triggers also `NOTIFY data_versions`
//! (migration 0008) and a listener keeps them in memory (`VersionWatch`). Writes by other
//! processes (the CLI import, a second server) are seen when their notification arrives,
//! milliseconds after they commit; the server's own writes are seen at once, because it reads
//! the counters after committing. While the listener is not connected, every request reads the
//! table instead (one index lookup). Connected is not enough: a frozen or half-open connection
//! hears nothing and says nothing, so the listener sends itself a heartbeat through the database
//! every second and memory is trusted only while it hears them back (within 4 s); a missed one
//! makes it connect again, and what was missed meanwhile is forgotten.
//!
//! The same listener follows `task_changes` (migration 0009), which names the tasks each write
//! touched, for the task details kept by `crate::task_details`.

//!
//! Everything kept lives here, below the routes: the figures (`FigureCache`), the whole
//! responses of the list pages (`response`), the unit labels of the filter forms (`labels`),
//! and the data versions they are all checked against (`versions`).

mod figures;
pub mod labels;
mod plan_log;
pub mod response;
mod versions;

use chrono::NaiveDate;

pub use figures::FigureCache;
pub use labels::UnitLabels;
pub use response::ResponseCache;
pub use versions::{Track, VersionWatch, Versions, versions};

use crate::db::decisions::{CategoryCountRow, DecisionRow};
use crate::db::overdue::OverdueSummary;
use crate::db::overview::{self, CompletionPointRow, DueSoon, OverdueUnitRow};
use crate::db::tasks::{MilestoneRow, TaskRow, TaskUnitRow};
use crate::db::units::UnitSummaryRow;
use crate::domain::ids::DecisionId;
use crate::reports::model::{OverdueMilestone, OverdueRow};

/// The figures that take a scan of every task, per date, and the kept pages.
pub struct Caches {
    pub overview: FigureCache<NaiveDate, OverviewFigures>,
    pub unit_labels: FigureCache<(), UnitLabels>,
    /// (id, code, issuer) of every plan, for the plan menus.
    pub decision_names: FigureCache<(), Vec<(DecisionId, String, String)>>,
    /// Pages of task lists by filter, date and page.
    pub task_pages: FigureCache<String, ListedTasks>,
    /// Pages of the overdue report by filter, date and page (they quote the latest notes).
    pub overdue_pages: FigureCache<String, OverduePage>,
    /// Every unit with its task counts, per date, for the unit list.
    pub unit_summaries: FigureCache<NaiveDate, Vec<UnitSummaryRow>>,
    /// Every plan with its task counts per category, per date, for the plan list.
    pub decision_summaries: FigureCache<NaiveDate, (Vec<DecisionRow>, Vec<CategoryCountRow>)>,
    /// Whole responses of the list pages (see `response`).
    pub plan_pages: ResponseCache,
    /// Whole responses of the pages that quote the history too.
    pub history_pages: ResponseCache,
}

/// Everything the overview shows for one date, as the database (or the task index) gave it.
pub struct OverviewFigures {
    pub counts: Vec<overview::CategoryCountRow>,
    pub units: Vec<OverdueUnitRow>,
    /// What falls due in the next days: the first lines and how many.
    pub due: DueSoon,
    pub series: Vec<CompletionPointRow>,
    /// The version of the task index copy they came from; None when they came from SQL.
    pub copy: Option<i64>,
}

/// A page of a task list with the units and milestones of its tasks.
pub struct ListedTasks {
    /// Tasks in the whole list.
    pub total: i64,
    pub rows: Vec<TaskRow>,
    pub units: Vec<TaskUnitRow>,
    pub milestones: Vec<MilestoneRow>,
    /// The version of the task index copy the list came from; None when it came from SQL.
    pub copy: Option<i64>,
}

/// The overdue report's unit counts, one page of lines, and the overdue milestones.
pub type OverduePage = (
    OverdueSummary,
    Vec<(i64, OverdueRow)>,
    (i64, Vec<OverdueMilestone>),
);

impl Default for Caches {
    fn default() -> Self {
        Caches {
            overview: FigureCache::new(Track::Plans, 32),
            unit_labels: FigureCache::new(Track::Plans, 1),
            decision_names: FigureCache::new(Track::Plans, 1),
            task_pages: FigureCache::new(Track::Plans, 256),
            overdue_pages: FigureCache::new(Track::PlansAndEvents, 32),
            unit_summaries: FigureCache::new(Track::Plans, 8),
            decision_summaries: FigureCache::new(Track::Plans, 8),
            // Compressed list pages are 10–15 KB: a few thousand of them.
            plan_pages: ResponseCache::new(Track::Plans, 32 << 20),
            // Round and programme pages of a national installation are a few MB each.
            history_pages: ResponseCache::new(Track::PlansAndEvents, 24 << 20),
        }
    }
}
