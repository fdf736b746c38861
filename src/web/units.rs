//! `/units` (Đơn vị: every unit with its task counts as of the date, narrowed by name) and
//! `/units/{id}` (one unit: who it is, its groups, completion rate and a page of its tasks in
//! each role).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::NaiveDate;

use super::decisions::category_options;
use super::page::{Layout, Pager, count, query_string, render};
use super::params;
use super::views::{CategoryOption, TaskLine};
use crate::db::tasks::{self, TaskFilter, TaskRow, TaskUnitRow};
use crate::db::units::{self, UnitCategoryCountRow, UnitNameRow, UnitRow, UnitSummaryRow};
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::status::Category;
use crate::domain::text::fold;
use crate::error::{AppError, Result};
use crate::state::AppState;

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
    /// The units matching the search, of which this page shows `rows`.
    pager: Pager,
}

/// Units per page of the unit list (2,000 units at ministry scale made a 1 MB page).
const UNITS_PER_PAGE: i64 = 100;

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
    let pager = Pager::new(page, count(matching.len()), UNITS_PER_PAGE, |p| {
        let mut q = query.clone();
        q.insert("page".to_owned(), p.to_string());
        q.remove("as_of");
        layout.href(&format!("/units?{}", query_string(&q)))
    });
    let view = UnitListPage {
        rows: pager
            .slice(&matching)
            .iter()
            .map(|u| UnitLine::new(u, &layout))
            .collect(),
        pager,
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

/// One of the unit's two task tables (as lead, as partner), one page of it.
struct TaskTable {
    /// "lead" or "partner", for element ids.
    role: &'static str,
    title: &'static str,
    empty: &'static str,
    /// Whether to show the lead unit column (for tasks the unit only partners on).
    with_lead: bool,
    /// The task list filtered to the unit in this role: every task, to sort and filter.
    list_href: String,
    pager: Pager,
    /// The label of the pager, for screen readers.
    pager_label: &'static str,
    rows: Vec<UnitTaskLine>,
}

/// Tasks per page of each of the unit's two tables (the busiest of 2,000 units leads about
/// 800 tasks, which made a 650 KB page).
const UNIT_TASKS_PER_PAGE: i64 = 50;

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

/// The unit's tasks in one role in one category (None: in all), from the aggregate.
fn count_in(counts: &[UnitCategoryCountRow], role: &str, category: Option<Category>) -> i64 {
    counts
        .iter()
        .filter(|c| c.role == role && category.is_none_or(|k| c.category == k.as_str()))
        .map(|c| c.count)
        .sum()
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
    tables: [TaskTable; 2],
}

impl UnitPage {
    fn new(
        unit: UnitRow,
        members: &[UnitNameRow],
        groups: &[UnitNameRow],
        counts: &[UnitCategoryCountRow],
        tables: [TaskTable; 2],
        layout: Layout,
    ) -> Self {
        let links = |rows: &[UnitNameRow]| {
            rows.iter()
                .map(|u| (layout.href(&format!("/units/{}", u.id)), u.name.clone()))
                .collect()
        };
        let lead_count = |c: Category| count_in(counts, "lead", Some(c));
        UnitPage {
            belongs_to: belongs_to(unit.parent.as_deref(), unit.body.as_deref()),
            members: links(members),
            groups: links(groups),
            rate: CompletionRate::from_counts(lead_count),
            categories: category_options(
                &format!("/tasks?lead_unit={}", unit.id),
                lead_count,
                &layout,
            ),
            tables,
            name: unit.name,
            is_group: unit.is_group,
            aliases: unit.aliases,
            layout,
        }
    }
}

/// One page of the unit's tasks in one role, as of the date.
async fn unit_task_rows(
    state: &AppState,
    seen: crate::cache::Versions,
    unit: UnitId,
    role: &'static str,
    pager: &Pager,
    as_of: NaiveDate,
) -> sqlx::Result<Vec<TaskRow>> {
    let filter = TaskFilter {
        unit: Some(unit),
        role: Some(role),
        ..TaskFilter::default()
    };
    let (db, offset, limit) = (&state.db, pager.offset(), pager.per_page);
    let listed =
        crate::index::list_page(&state.task_index, db, seen, &filter, as_of, offset, limit).await?;
    match listed {
        Some((_, rows, _)) => Ok(rows),
        None => tasks::list_task_rows(db, &filter, as_of, offset, limit).await,
    }
}

impl TaskTable {
    /// The table of the unit's tasks in `role` ("lead" or "partner"): one page of `rows`, each
    /// with the group it came through (from `links`).
    fn new(
        role: &'static str,
        unit: UnitId,
        pager: Pager,
        rows: &[TaskRow],
        links: &[TaskUnitRow],
        layout: &Layout,
    ) -> Self {
        let (title, empty, pager_label) = if role == "lead" {
            (
                "Nhiệm vụ chủ trì",
                "Đơn vị không chủ trì nhiệm vụ nào.",
                "Phân trang nhiệm vụ chủ trì",
            )
        } else {
            (
                "Nhiệm vụ phối hợp",
                "Đơn vị không phối hợp thực hiện nhiệm vụ nào.",
                "Phân trang nhiệm vụ phối hợp",
            )
        };
        TaskTable {
            role,
            title,
            empty,
            with_lead: role == "partner",
            list_href: layout.href(&format!("/tasks?{role}_unit={unit}")),
            pager,
            pager_label,
            rows: rows
                .iter()
                .map(|t| UnitTaskLine {
                    line: TaskLine::new(t, layout),
                    via_group: via_group(links, t.id, unit, role),
                })
                .collect(),
        }
    }
}

/// The parameter of the page asked for the unit's table in `role`.
fn page_key(role: &str) -> &'static str {
    if role == "lead" {
        "lead_page"
    } else {
        "partner_page"
    }
}

/// The pager of the unit's table in `role` over all its tasks in that role (from `counts`): its
/// links change that table's page and keep the other's and the date.
fn table_pager(
    query: &params::Query,
    layout: &Layout,
    unit: UnitId,
    role: &str,
    requested: i64,
    counts: &[UnitCategoryCountRow],
) -> Pager {
    let total = count_in(counts, role, None);
    Pager::new(requested, total, UNIT_TASKS_PER_PAGE, |p| {
        let mut q = query.clone();
        q.insert(page_key(role).to_owned(), p.to_string());
        q.remove("as_of");
        let path = layout.href(&format!("/units/{unit}?{}", query_string(&q)));
        format!("{path}#{role}-tasks")
    })
}

/// `GET /units/{id}`: the unit, its rate and counts over all its tasks, and one page of each
/// task table (`?lead_page=N`, `?partner_page=N`).
pub async fn show_unit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: UnitId = raw.parse().map_err(|_| AppError::NotFound)?;
    let layout = Layout::from_query(&query, "units", &format!("/units/{id}"))?;
    let requested = |role| {
        params::positive(&query, page_key(role), 1, 100_000)
            .map_err(|e| AppError::BadRequest(format!("Số trang ({}) {}", e.parameter, e.message)))
    };
    let (lead_page, partner_page) = (requested("lead")?, requested("partner")?);
    let db = state.db.clone();
    let seen = state.versions().await?;
    // The counts from the task index when it is at this data version.
    let counted = async {
        match state.task_index.at_or_soon(seen).await {
            Some(index) => Ok(crate::index::query::unit_categories(
                &index,
                id,
                layout.as_of,
            )),
            None => units::count_unit_categories(&db, id, layout.as_of).await,
        }
    };
    let (unit, members, groups, counts) = tokio::try_join!(
        units::fetch_unit(&db, id),
        units::list_group_members(&db, id),
        units::list_groups_of_unit(&db, id),
        counted,
    )?;
    let unit = unit.ok_or(AppError::NotFound)?;
    let pager = |role, page| table_pager(&query, &layout, id, role, page, &counts);
    let (lead, partner) = (pager("lead", lead_page), pager("partner", partner_page));
    let (lead_rows, partner_rows) = tokio::try_join!(
        unit_task_rows(&state, seen, id, "lead", &lead, layout.as_of),
        unit_task_rows(&state, seen, id, "partner", &partner, layout.as_of),
    )?;
    let shown: Vec<TaskId> = lead_rows
        .iter()
        .chain(&partner_rows)
        .map(|t| t.id)
        .collect();
    let links = tasks::units_of_tasks(&db, &shown).await?;
    let tables = [
        TaskTable::new("lead", id, lead, &lead_rows, &links, &layout),
        TaskTable::new("partner", id, partner, &partner_rows, &links, &layout),
    ];
    render(&UnitPage::new(
        unit, &members, &groups, &counts, tables, layout,
    ))
}
