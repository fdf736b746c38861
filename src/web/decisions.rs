//! `/decisions` (Các kế hoạch: each decision with its task counts per category as of the date)
//! and `/decisions/{id}` (one decision read like the original document, with its plan table a
//! page at a time, or whole to print).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use std::sync::Arc;

use chrono::NaiveDate;
use sqlx::PgPool;

use super::page::{Layout, Pager, count, date_vi, encode, render};
use super::params;
use super::views::{CategoryOption, TaskLine};
use crate::db::decisions::{self, CategoryCountRow, DecisionRow, SectionRow};
use crate::db::tasks::{self, TaskFilter, TaskRow};
use crate::domain::ids::DecisionId;
use crate::domain::status::Category;
use crate::error::{AppError, Result};
use crate::state::AppState;

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
    pager: Pager,
    total_tasks: i64,
    totals: Vec<CategoryOption>,
    /// The six category labels, for the column headers.
    labels: Vec<&'static str>,
}

/// Plans per page of the plan list (300 plans with their counts made a 480 KB page).
const PLANS_PER_PAGE: i64 = 50;

/// Every plan with its task counts per category as of a date (the plan list, the programme
/// pages). Counting every plan's tasks scans all tasks: kept until the plans change.
pub(super) async fn plan_summaries(
    state: &AppState,
    as_of: NaiveDate,
) -> Result<Arc<(Vec<DecisionRow>, Vec<CategoryCountRow>)>> {
    let db = &state.db;
    Ok(state
        .caches
        .decision_summaries
        .get_or_compute::<sqlx::Error, _, _>(db, state.versions().await?, as_of, || async {
            tokio::try_join!(
                decisions::list_decisions(db),
                decisions::count_categories(db, as_of, None)
            )
        })
        .await?)
}

/// `GET /decisions`
pub async fn list_decisions(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let layout = Layout::from_query(&query, "decisions", "/decisions")?;
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    let figures = plan_summaries(&state, layout.as_of).await?;
    let (list, counts) = &*figures;
    let pager = Pager::new(page, count(list.len()), PLANS_PER_PAGE, |p| {
        layout.href(&format!("/decisions?page={p}"))
    });
    let rows = pager
        .slice(list)
        .iter()
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
        pager,
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

/// One row of the plan table, in document order. A section or sub-heading that a page starts
/// in the middle of is repeated at its top, `continued`.
enum PlanLine {
    Section {
        code: String,
        title: String,
        continued: bool,
    },
    Heading {
        text: String,
        continued: bool,
    },
    Task(Box<PlanTask>),
}

/// One page of the plan table: each section before its tasks (empty sections too, before the
/// next section that has tasks, or at the end of the last page), and a task's sub-heading once
/// where it changes. `before` is the task just before the page (the last of the page before),
/// which tells where the page starts; tasks outside any section come before the first section.
fn plan_lines(
    sections: &[SectionRow],
    before: Option<&TaskRow>,
    rows: &[TaskRow],
    last_page: bool,
    layout: &Layout,
) -> Vec<PlanLine> {
    let section_line = |s: &SectionRow, continued| PlanLine::Section {
        code: s.code.clone(),
        title: s.title.clone(),
        continued,
    };
    let heading_of = |row: &TaskRow| row.heading.as_deref().unwrap_or("").trim().to_owned();
    let mut lines = Vec::with_capacity(rows.len() + sections.len() + 2);
    let mut current_section: Option<&str> = before.and_then(|b| b.section.as_deref());
    let mut shown = current_section
        .and_then(|code| sections.iter().position(|s| s.code == code))
        .map_or(0, |at| at + 1);
    let mut heading = before.map(heading_of).unwrap_or_default();
    if let Some(first) = rows
        .first()
        .filter(|r| r.section.as_deref() == current_section)
    {
        if let Some(s) = shown.checked_sub(1).and_then(|at| sections.get(at)) {
            lines.push(section_line(s, true));
        }
        if !heading.is_empty() && heading_of(first) == heading {
            lines.push(PlanLine::Heading {
                text: heading.clone(),
                continued: true,
            });
        }
    }
    for row in rows {
        if row.section.as_deref() != current_section {
            current_section = row.section.as_deref();
            heading.clear();
            if let Some(at) = sections[shown..]
                .iter()
                .position(|s| Some(s.code.as_str()) == current_section)
            {
                lines.extend(
                    sections[shown..=shown + at]
                        .iter()
                        .map(|s| section_line(s, false)),
                );
                shown += at + 1;
            }
        }
        let row_heading = heading_of(row);
        if !row_heading.is_empty() && row_heading != heading {
            lines.push(PlanLine::Heading {
                text: row_heading.clone(),
                continued: false,
            });
        }
        heading = row_heading;
        lines.push(PlanLine::Task(Box::new(PlanTask {
            line: TaskLine::new(row, layout),
            number: row.number.clone(),
            partner_text: row.partner_text.clone(),
            deliverable: row.deliverable.clone(),
        })));
    }
    if last_page {
        lines.extend(sections[shown..].iter().map(|s| section_line(s, false)));
    }
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

/// Tasks per page of the plan table (the largest of 300 generated plans made a 368 KB page).
const PLAN_TASKS_PER_PAGE: i64 = 100;
/// Tasks per page of the full plan for printing: more than any plan has (an imported plan of
/// 10,000 tasks is the largest tried), so it is one page.
const FULL_PLAN_TASKS: i64 = 10_000;

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
    pager: Pager,
    /// Whether this is the full plan for printing (`?all=1`).
    full: bool,
    /// The full plan, or the first page of the paged one from the full plan.
    other_view_href: String,
    /// The programmes the plan implements (and, for managers, the form to change them).
    programmes: Vec<super::programmes::of_plan::DecisionProgramme>,
    saved: bool,
}

/// The tasks of one page of a plan, and the task just before the page, which tells which
/// section and sub-heading the page continues.
async fn plan_page_rows(
    db: &PgPool,
    code: &str,
    pager: &Pager,
    as_of: NaiveDate,
) -> sqlx::Result<(Option<TaskRow>, Vec<TaskRow>)> {
    let filter = TaskFilter {
        decision_code: Some(code.to_owned()),
        ..TaskFilter::default()
    };
    let offset = pager.offset();
    if offset == 0 {
        let rows = tasks::list_task_rows(db, &filter, as_of, 0, pager.per_page).await?;
        return Ok((None, rows));
    }
    let mut rows =
        tasks::list_task_rows(db, &filter, as_of, offset - 1, pager.per_page + 1).await?;
    let before = (!rows.is_empty()).then(|| rows.remove(0));
    Ok((before, rows))
}

/// `GET /decisions/{id}`: the header, the counts over the whole plan and one page of the plan
/// (`?page=N`), or the whole plan to print (`?all=1`).
pub async fn show_decision(
    State(db): State<PgPool>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: DecisionId = raw.parse().map_err(|_| AppError::NotFound)?;
    let path = format!("/decisions/{id}");
    let layout = Layout::from_query(&query, "decisions", &path)?;
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    let full = params::text(&query, "all").is_some();
    let (d, counts, sections) = tokio::try_join!(
        decisions::fetch_decision(&db, id),
        decisions::count_categories(&db, layout.as_of, Some(id)),
        decisions::list_sections(&db, id),
    )?;
    let programmes = super::programmes::of_plan::of_decision(&db, id, &layout).await?;
    let d = d.ok_or(AppError::NotFound)?;
    let (per_page, view) = if full {
        (FULL_PLAN_TASKS, "all=1&")
    } else {
        (PLAN_TASKS_PER_PAGE, "")
    };
    let pager = Pager::new(page, d.task_count, per_page, |p| {
        format!(
            "{}#plan-title",
            layout.href(&format!("{path}?{view}page={p}"))
        )
    });
    let (before, rows) = plan_page_rows(&db, &d.code, &pager, layout.as_of).await?;
    let base = format!("/tasks?decision={}", encode(&d.code));
    let page = DecisionPage {
        place_and_date: place_and_date(&d),
        issued_on: date_vi(d.issued_on),
        categories: category_options(&base, |c| count_of(&counts, Some(id), c), &layout),
        tasks_href: layout.href(&base),
        lines: plan_lines(
            &sections,
            before.as_ref(),
            &rows,
            pager.page == pager.count,
            &layout,
        ),
        other_view_href: layout.href(&if full { path } else { format!("{path}?all=1") }),
        programmes,
        saved: params::text(&query, "saved").is_some(),
        full,
        pager,
        d,
        layout,
    };
    render(&page)
}
