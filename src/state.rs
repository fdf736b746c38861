//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;

use crate::cache::{FigureCache, Track, VersionWatch, Versions};
use crate::config::Config;
use crate::db::decisions::{CategoryCountRow, DecisionRow};
use crate::db::overdue::OverdueSummary;
use crate::db::units::UnitSummaryRow;
use crate::domain::ids::DecisionId;
use crate::reports::model::{OverdueMilestone, OverdueRow};
use crate::task_details::TaskDetails;
use crate::web::api::ListedTasks;
use crate::web::overview::OverviewFigures;
use crate::web::response_cache::ResponseCache;
use crate::web::unit_field::UnitLabels;
use chrono::NaiveDate;

/// Application state: the pool, the configuration and the figures kept between requests.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub caches: Arc<Caches>,
    /// The data versions the caches are checked against (see `crate::cache`).
    pub versions: VersionWatch,
    /// Today's task details, forgotten task by task as they change.
    pub task_details: TaskDetails,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> Self {
        let task_details = TaskDetails::new(config.task_cache_mb.saturating_mul(1 << 20));
        AppState {
            db,
            config: Arc::new(config),
            caches: Arc::new(Caches::default()),
            versions: VersionWatch::default(),
            task_details,
        }
    }

    /// The current data versions (from memory when the server follows the notifications).
    pub async fn versions(&self) -> sqlx::Result<Versions> {
        self.versions.current(&self.db).await
    }
}

/// The figures that take a scan of every task, per date (see `crate::cache`).
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
    /// Whole responses of the list pages (see `crate::web::response_cache`).
    pub plan_pages: ResponseCache,
    /// Whole responses of the pages that quote the history too.
    pub history_pages: ResponseCache,
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
            history_pages: ResponseCache::new(Track::PlansAndEvents, 8 << 20),
        }
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> PgPool {
        state.db.clone()
    }
}
