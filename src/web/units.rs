//! `/units` (Đơn vị: every unit with its task counts as of the date, narrowed by name) and
//! `/units/{id}` (one unit: who it is, its groups, completion rate and its tasks in both roles).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use sqlx::PgPool;

use super::decisions::category_options;
use super::page::{Layout, query_string, render};
use super::params;
use super::views::{CategoryOption, TaskLine};
use crate::db::tasks::{self, TaskFilter, TaskUnitRow};
use crate::db::units::{self, UnitNameRow, UnitRow, UnitSummaryRow};
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::status::Category;
use crate::domain::text::fold;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// More rows than any unit has, so each of its task tables is one page.
const UNIT_MAX_ROWS: i64 = 10_000;

/// One unit as a line of the list.
struct UnitLine {
    id: i64,
    href: String,
    name: String,
    /// The parent body named by a suffix, or the ministry whose plan names it.
    belongs_to: String,
    is_group: bool,
    lead_count: i64,
    lead_href: String,
    partner_count: i64,
    partner_href: String,
    overdue_count: i64,
    overdue_href: String,
}

impl UnitLine {
    fn new(u: &UnitSummaryRow, layout: &Layout) -> Self {
        UnitLine {
            id: u.id.0,
            href: layout.href(&format!("/units/{}", u.id)),
            name: u.name.clone(),
            belongs_to: belongs_to(u.parent.as_deref(), u.body.as_deref()),
            is_group: u.is_group,
            lead_count: u.lead_count,
            lead_href: layout.href(&format!("/tasks?lead_unit={}", u.id)),
            partner_count: u.partner_count,
            partner_href: layout.href(&format!("/tasks?partner_unit={}", u.id)),
            overdue_count: u.overdue_count,
            overdue_href: layout.href(&format!("/tasks?lead_unit={}&category=overdue", u.id)),
        }
    }
}

/// The body a unit belongs to: the parent named by a suffix first, else the plan's ministry.
fn belongs_to(parent: Option<&str>, body: Option<&str>) -> String {
    [parent, body]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// Whether the folded query occurs in the unit's name or in one of its spellings in the plans.
fn matches(unit: &UnitSummaryRow, folded_query: &str) -> bool {
    std::iter::once(&unit.name)
        .chain(&unit.aliases)
        .any(|name| fold(name).contains(folded_query))
}

#[derive(Template)]
#[template(path = "units/list.html")]
struct UnitListPage {
    layout: Layout,
    q: String,
    rows: Vec<UnitLine>,
    total: usize,
    /// Units matching the search, of which this page shows `rows`.
    matching: usize,
    prev: Option<String>,
    next: Option<String>,
    page: usize,
    pages: usize,
}

/// Units per page of the unit list (2,000 units at ministry scale made a 1 MB page).
const UNITS_PER_PAGE: usize = 100;

/// `GET /units`
pub async fn list_units(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let db = &state.db;
    let layout = Layout::from_query(&query, "units", "/units")?;
    let q = params::text(&query, "q").unwrap_or_default();
    let folded = fold(&q);
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    let as_of = layout.as_of;
    // Counting every unit's tasks as of a date scans the links; kept until the plans change.
    let all = state
        .caches
        .unit_summaries
        .get_or_compute::<sqlx::Error, _, _>(db, state.versions().await?, as_of, || async {
            let mut all = units::list_unit_summaries(db, as_of).await?;
            // Sorting on the folded name puts "Đ" with "D" and ignores case, as readers expect.
            all.sort_by_cached_key(|u| (u.is_group, fold(&u.name)));
            Ok(all)
        })
        .await?;
    let matching: Vec<&units::UnitSummaryRow> =
        all.iter().filter(|u| matches(u, &folded)).collect();
    let pages = matching.len().div_ceil(UNITS_PER_PAGE).max(1);
    let page = usize::try_from(page).unwrap_or(1).min(pages);
    let link = |p: usize| {
        let mut q = query.clone();
        q.insert("page".to_owned(), p.to_string());
        q.remove("as_of");
        layout.href(&format!("/units?{}", query_string(&q)))
    };
    let view = UnitListPage {
        rows: matching
            .iter()
            .skip((page - 1) * UNITS_PER_PAGE)
            .take(UNITS_PER_PAGE)
            .map(|u| UnitLine::new(u, &layout))
            .collect(),
        matching: matching.len(),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        page,
        pages,
        q,
        total: all.len(),
        layout,
    };
    render(&view)
}

/// A task of the unit as a row of one of its two tables.
struct UnitTaskLine {
    line: TaskLine,
    /// The group it reaches the unit through, or empty.
    via_group: String,
}

/// One of the unit's two task tables (as lead, as partner).
struct TaskTable {
    /// "lead" or "partner", for element ids.
    role: &'static str,
    title: &'static str,
    empty: &'static str,
    /// Whether to show the lead unit column (for tasks the unit only partners on).
    with_lead: bool,
    list_href: String,
    rows: Vec<UnitTaskLine>,
}

/// The name of the group through which a task reaches a unit in a role, or empty when the task
/// names the unit itself.
fn via_group(links: &[TaskUnitRow], task: TaskId, unit: UnitId, role: &str) -> String {
    links
        .iter()
        .find(|l| l.task_id == task && l.id == unit && l.role == role)
        .and_then(|l| l.via_group_id)
        .and_then(|group| links.iter().find(|l| l.task_id == task && l.id == group))
        .map(|g| g.name.clone())
        .unwrap_or_default()
}

/// Completed / (completed + overdue) among the unit's lead tasks as of the date.
struct CompletionRate {
    completed: i64,
    counted: i64,
}

impl CompletionRate {
    fn from_counts(count: impl Fn(Category) -> i64) -> Self {
        let completed = count(Category::CompletedOnTime) + count(Category::CompletedLate);
        CompletionRate {
            completed,
            counted: completed + count(Category::Overdue),
        }
    }

    /// "75%" (rounded to a whole percent), or empty when no task counts yet.
    fn percent(&self) -> String {
        if self.counted == 0 {
            return String::new();
        }
        let rounded = (self.completed * 100 + self.counted / 2) / self.counted;
        format!("{rounded}%")
    }
}

#[derive(Template)]
#[template(path = "units/show.html")]
struct UnitPage {
    layout: Layout,
    name: String,
    is_group: bool,
    belongs_to: String,
    aliases: Vec<String>,
    members: Vec<(String, String)>,
    groups: Vec<(String, String)>,
    rate: CompletionRate,
    categories: Vec<CategoryOption>,
    tables: Vec<TaskTable>,
}

impl UnitPage {
    fn new(
        unit: UnitRow,
        members: &[UnitNameRow],
        groups: &[UnitNameRow],
        leads: Vec<UnitTaskLine>,
        partners: Vec<UnitTaskLine>,
        layout: Layout,
    ) -> Self {
        let links = |rows: &[UnitNameRow]| {
            rows.iter()
                .map(|u| (layout.href(&format!("/units/{}", u.id)), u.name.clone()))
                .collect()
        };
        let lead_count = |c: Category| {
            let n = leads
                .iter()
                .filter(|t| t.line.category == c.as_str())
                .count();
            i64::try_from(n).unwrap_or_default()
        };
        let lead_base = format!("/tasks?lead_unit={}", unit.id);
        UnitPage {
            belongs_to: belongs_to(unit.parent.as_deref(), unit.body.as_deref()),
            members: links(members),
            groups: links(groups),
            rate: CompletionRate::from_counts(lead_count),
            categories: category_options(&lead_base, lead_count, &layout),
            tables: vec![
                TaskTable {
                    role: "lead",
                    title: "Nhiệm vụ chủ trì",
                    empty: "Đơn vị không chủ trì nhiệm vụ nào.",
                    with_lead: false,
                    list_href: layout.href(&lead_base),
                    rows: leads,
                },
                TaskTable {
                    role: "partner",
                    title: "Nhiệm vụ phối hợp",
                    empty: "Đơn vị không phối hợp thực hiện nhiệm vụ nào.",
                    with_lead: true,
                    list_href: layout.href(&format!("/tasks?partner_unit={}", unit.id)),
                    rows: partners,
                },
            ],
            name: unit.name,
            is_group: unit.is_group,
            aliases: unit.aliases,
            layout,
        }
    }
}

/// The tasks of a unit in one role, as of the date, each with the group it came through.
async fn unit_tasks(
    db: &PgPool,
    unit: UnitId,
    role: &'static str,
    layout: &Layout,
) -> Result<Vec<UnitTaskLine>> {
    let filter = TaskFilter {
        unit: Some(unit),
        role: Some(role),
        ..TaskFilter::default()
    };
    let (_, rows) = tasks::list_tasks(db, &filter, layout.as_of, 1, UNIT_MAX_ROWS).await?;
    let ids: Vec<TaskId> = rows.iter().map(|t| t.id).collect();
    let links = tasks::units_of_tasks(db, &ids).await?;
    Ok(rows
        .iter()
        .map(|t| UnitTaskLine {
            line: TaskLine::new(t, layout),
            via_group: via_group(&links, t.id, unit, role),
        })
        .collect())
}

/// `GET /units/{id}`
pub async fn show_unit(
    State(db): State<PgPool>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: UnitId = raw.parse().map_err(|_| AppError::NotFound)?;
    let layout = Layout::from_query(&query, "units", &format!("/units/{id}"))?;
    let unit = units::fetch_unit(&db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = units::list_group_members(&db, id).await?;
    let groups = units::list_groups_of_unit(&db, id).await?;
    let leads = unit_tasks(&db, id, "lead", &layout).await?;
    let partners = unit_tasks(&db, id, "partner", &layout).await?;
    let page = UnitPage::new(unit, &members, &groups, leads, partners, layout);
    render(&page)
}
