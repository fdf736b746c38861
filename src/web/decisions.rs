//! `/decisions` (Các kế hoạch: each decision with its task counts per category as of the date)
//! and `/decisions/{id}` (one decision read like the original document, with its plan table).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use sqlx::PgPool;

use super::page::{Layout, date_vi, encode, render};
use super::params;
use super::views::{CategoryOption, TaskLine};
use crate::db::decisions::{self, CategoryCountRow, DecisionRow, SectionRow};
use crate::db::tasks::{self, TaskFilter, TaskRow};
use crate::domain::ids::DecisionId;
use crate::domain::status::Category;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// More rows than any plan has (plans run to a few hundred tasks), so the plan is one page.
const PLAN_MAX_ROWS: i64 = 10_000;

/// The six categories with their counts, each linking to the task list filtered by `base`
/// (a `/tasks?...` path) and the category; the as-of date is kept.
pub(super) fn category_options(
    base: &str,
    count: impl Fn(Category) -> i64,
    layout: &Layout,
) -> Vec<CategoryOption> {
    let sep = if base.contains('?') { '&' } else { '?' };
    Category::ALL
        .iter()
        .map(|&c| CategoryOption {
            code: c.as_str(),
            label: c.label_vi(),
            count: count(c),
            href: layout.href(&format!("{base}{sep}category={}", c.as_str())),
        })
        .collect()
}

/// The count of one decision (or of all, when `decision` is None) in one category.
fn count_of(rows: &[CategoryCountRow], decision: Option<DecisionId>, category: Category) -> i64 {
    rows.iter()
        .filter(|r| decision.is_none_or(|d| r.decision_id == d) && r.category == category.as_str())
        .map(|r| r.count)
        .sum()
}

/// One decision as a line of the list.
struct DecisionLine {
    href: String,
    code: String,
    issuer: String,
    issued_on: String,
    title: String,
    task_count: i64,
    tasks_href: String,
    categories: Vec<CategoryOption>,
}

#[derive(Template)]
#[template(path = "decisions/list.html")]
struct DecisionListPage {
    layout: Layout,
    rows: Vec<DecisionLine>,
    /// Plans in all, of which this page shows `rows`; the totals count every plan.
    plan_count: usize,
    prev: Option<String>,
    next: Option<String>,
    page: usize,
    pages: usize,
    total_tasks: i64,
    totals: Vec<CategoryOption>,
    /// The six category labels, for the column headers.
    labels: Vec<&'static str>,
}

/// Plans per page of the plan list (300 plans with their counts made a 480 KB page).
const PLANS_PER_PAGE: usize = 50;

/// `GET /decisions`
pub async fn list_decisions(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let db = &state.db;
    let layout = Layout::from_query(&query, "decisions", "/decisions")?;
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    let as_of = layout.as_of;
    // Counting every plan's tasks per category as of a date scans all tasks; kept until the
    // plans change.
    let figures = state
        .caches
        .decision_summaries
        .get_or_compute::<sqlx::Error, _, _>(db, state.versions().await?, as_of, || async {
            tokio::try_join!(
                decisions::list_decisions(db),
                decisions::count_categories(db, as_of, None)
            )
        })
        .await?;
    let (list, counts) = &*figures;
    let pages = list.len().div_ceil(PLANS_PER_PAGE).max(1);
    let page = usize::try_from(page).unwrap_or(1).min(pages);
    let link = |p: usize| layout.href(&format!("/decisions?page={p}"));
    let rows = list
        .iter()
        .skip((page - 1) * PLANS_PER_PAGE)
        .take(PLANS_PER_PAGE)
        .map(|d| {
            let base = format!("/tasks?decision={}", encode(&d.code));
            DecisionLine {
                href: layout.href(&format!("/decisions/{}", d.id)),
                code: d.code.clone(),
                issuer: d.issuer.clone(),
                issued_on: date_vi(d.issued_on),
                title: d.title.clone(),
                task_count: d.task_count,
                tasks_href: layout.href(&base),
                categories: category_options(&base, |c| count_of(counts, Some(d.id), c), &layout),
            }
        })
        .collect();
    let view = DecisionListPage {
        rows,
        plan_count: list.len(),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        page,
        pages,
        total_tasks: list.iter().map(|d| d.task_count).sum(),
        totals: category_options("/tasks", |c| count_of(counts, None, c), &layout),
        labels: Category::ALL.iter().map(|c| c.label_vi()).collect(),
        layout,
    };
    render(&view)
}

/// A task as a row of the plan table.
struct PlanTask {
    line: TaskLine,
    number: String,
    partner_text: String,
    deliverable: String,
}

/// One row of the plan table, in document order.
enum PlanLine {
    Section { code: String, title: String },
    Heading(String),
    Task(Box<PlanTask>),
}

/// The plan table: each section before its tasks (empty sections too), and a task's sub-heading
/// once where it changes.
fn plan_lines(sections: &[SectionRow], rows: &[TaskRow], layout: &Layout) -> Vec<PlanLine> {
    let section_line = |s: &SectionRow| PlanLine::Section {
        code: s.code.clone(),
        title: s.title.clone(),
    };
    let mut lines = Vec::with_capacity(rows.len() + sections.len());
    let mut shown = 0;
    let mut current_section: Option<&str> = None;
    let mut heading = "";
    for row in rows {
        if row.section.as_deref() != current_section {
            current_section = row.section.as_deref();
            heading = "";
            if let Some(at) = sections[shown..]
                .iter()
                .position(|s| Some(s.code.as_str()) == current_section)
            {
                lines.extend(sections[shown..=shown + at].iter().map(section_line));
                shown += at + 1;
            }
        }
        let row_heading = row.heading.as_deref().unwrap_or("").trim();
        if !row_heading.is_empty() && row_heading != heading {
            lines.push(PlanLine::Heading(row_heading.to_owned()));
        }
        heading = row_heading;
        lines.push(PlanLine::Task(Box::new(PlanTask {
            line: TaskLine::new(row, layout),
            number: row.number.clone(),
            partner_text: row.partner_text.clone(),
            deliverable: row.deliverable.clone(),
        })));
    }
    lines.extend(sections[shown..].iter().map(section_line));
    lines
}

/// "Hà Nội, ngày 12/05/2022", or "Ngày 26/01/2024" without a place, or nothing.
fn place_and_date(d: &DecisionRow) -> String {
    let place = d.place.as_deref().map(str::trim).unwrap_or("");
    match (place, d.issued_on) {
        ("", Some(on)) => format!("Ngày {}", date_vi(Some(on))),
        (place, Some(on)) => format!("{place}, ngày {}", date_vi(Some(on))),
        (place, None) => place.to_owned(),
    }
}

#[derive(Template)]
#[template(path = "decisions/show.html")]
struct DecisionPage {
    layout: Layout,
    d: DecisionRow,
    place_and_date: String,
    issued_on: String,
    categories: Vec<CategoryOption>,
    tasks_href: String,
    lines: Vec<PlanLine>,
}

/// `GET /decisions/{id}`
pub async fn show_decision(
    State(db): State<PgPool>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: DecisionId = raw.parse().map_err(|_| AppError::NotFound)?;
    let layout = Layout::from_query(&query, "decisions", &format!("/decisions/{id}"))?;
    let d = decisions::fetch_decision(&db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let counts = decisions::count_categories(&db, layout.as_of, Some(id)).await?;
    let sections = decisions::list_sections(&db, id).await?;
    let filter = TaskFilter {
        decision_code: Some(d.code.clone()),
        ..TaskFilter::default()
    };
    let (_, rows) = tasks::list_tasks(&db, &filter, layout.as_of, 1, PLAN_MAX_ROWS).await?;
    let base = format!("/tasks?decision={}", encode(&d.code));
    let page = DecisionPage {
        place_and_date: place_and_date(&d),
        issued_on: date_vi(d.issued_on),
        categories: category_options(&base, |c| count_of(&counts, Some(id), c), &layout),
        tasks_href: layout.href(&base),
        lines: plan_lines(&sections, &rows, &layout),
        d,
        layout,
    };
    render(&page)
}
