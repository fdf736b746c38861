//! `/reports`: the overdue report, the completion report and the monthly pack, as pages that
//! print on A4 landscape and as downloads (CSV, XLSX, DOCX) taking the same filters.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use sqlx::PgPool;

use super::page::{Layout, Pager, date_vi, query_string, render};
use super::params::{self, today_in_vietnam};
use super::unit_field::{UnitChoice, unit_labels};
use super::views::pct;
use crate::cache::Versions;
use crate::db::decisions;
use crate::db::overdue::{self, OverdueSummary, UnitCount};
use crate::db::reports::{self, ReportFilter};
use crate::domain::deadline::format_vi;
use crate::error::{AppError, Result};
use crate::reports::export;
use crate::reports::model::{
    CompletedReport, Figures, MonthlyPack, OverdueMilestone, OverdueReport, OverdueRow,
};
use crate::reports::period::{self, Period};
use crate::state::AppState;

fn bad(e: params::BadParam) -> AppError {
    AppError::BadRequest(format!("Tham số \"{}\": {}", e.parameter, e.message))
}

/// The filters every report takes.
fn report_filter(query: &params::Query) -> Result<ReportFilter> {
    Ok(ReportFilter {
        decision_code: params::text(query, "decision"),
        unit: params::parsed(query, "unit", "mã đơn vị", |s| {
            s.parse::<i64>().ok().filter(|n| *n > 0)
        })
        .map_err(bad)?,
        min_days_overdue: params::parsed(query, "min_days", "số ngày", |s| {
            s.parse::<i32>().ok().filter(|n| *n >= 0)
        })
        .map_err(bad)?,
        original_deadline: match params::text(query, "deadline").as_deref() {
            None | Some("extended") => false,
            Some("original") => true,
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "Tham số \"deadline\": \"{other}\" phải là extended hoặc original"
                )));
            }
        },
    })
}

/// The period of the completion report: `month`, `quarter`, `year`, or `from`–`to`; default the
/// month of the as-of date.
fn report_period(query: &params::Query) -> Result<Period> {
    let invalid = |key: &str, value: &str| {
        AppError::BadRequest(format!(
            "Tham số \"{key}\": \"{value}\" không phải kỳ báo cáo hợp lệ"
        ))
    };
    if let Some(m) = params::text(query, "month") {
        return period::month(&m).ok_or_else(|| invalid("month", &m));
    }
    if let Some(q) = params::text(query, "quarter") {
        return period::quarter(&q).ok_or_else(|| invalid("quarter", &q));
    }
    if let Some(y) = params::text(query, "year") {
        return period::year(&y).ok_or_else(|| invalid("year", &y));
    }
    let from = params::date(query, "from").map_err(bad)?;
    let to = params::date(query, "to").map_err(bad)?;
    match (from, to) {
        (Some(from), Some(to)) => period::range(from, to).ok_or_else(|| {
            AppError::BadRequest("Ngày bắt đầu phải trước ngày kết thúc.".to_owned())
        }),
        (None, None) => {
            let as_of = params::date(query, "as_of")
                .map_err(bad)?
                .unwrap_or_else(today_in_vietnam);
            period::month_of(as_of).ok_or_else(|| invalid("as_of", ""))
        }
        _ => Err(AppError::BadRequest(
            "Hãy nhập cả \"từ ngày\" và \"đến ngày\".".to_owned(),
        )),
    }
}

/// Options shared by the report forms.
struct FilterOptions {
    decisions: Vec<super::views::Choice>,
    /// The chosen unit's name, for the unit field (names are suggested from
    /// `/units/labels.json`, not listed in the page).
    unit: String,
}

async fn filter_options(
    state: &AppState,
    seen: Versions,
    query: &params::Query,
) -> Result<FilterOptions> {
    let db = &state.db;
    let current = |k: &str| params::text(query, k).unwrap_or_default();
    let choice = |value: String, label: String, cur: &str| super::views::Choice {
        selected: value == cur,
        value,
        label,
    };
    let decisions = state
        .caches
        .decision_names
        .get_or_compute(db, seen, (), || decisions::list_decision_names(db))
        .await?;
    let labels = unit_labels(state, seen).await?;
    let unit = match labels.resolve(query.get("unit").map(String::as_str)) {
        UnitChoice::Unit(id) => labels.label(id).unwrap_or_default().to_owned(),
        _ => current("unit"),
    };
    Ok(FilterOptions {
        decisions: std::iter::once(choice(
            String::new(),
            "Tất cả kế hoạch".to_owned(),
            &current("decision"),
        ))
        .chain(decisions.iter().map(|(_, code, issuer)| {
            let label = format!("{code} – {issuer}");
            choice(code.clone(), label, &current("decision"))
        }))
        .collect(),
        unit,
    })
}

/// The report's `unit` as an id: a link carries the id, a person types a name.
async fn unit_as_id(state: &AppState, seen: Versions, query: &mut params::Query) -> Result<()> {
    let labels = unit_labels(state, seen).await?;
    match labels.resolve(query.get("unit").map(String::as_str)) {
        UnitChoice::Any => {
            query.remove("unit");
        }
        UnitChoice::Unit(id) => {
            query.insert("unit".to_owned(), id.to_string());
        }
        UnitChoice::NotFound(typed) => {
            return Err(AppError::BadRequest(format!(
                "Không tìm thấy đơn vị chủ trì nào có tên “{typed}”."
            )));
        }
        UnitChoice::Ambiguous {
            typed,
            count,
            first,
        } => {
            let names: Vec<&str> = first.iter().map(|(_, label)| label.as_str()).collect();
            return Err(AppError::BadRequest(format!(
                "“{typed}” khớp với {count} đơn vị; hãy gõ tên đầy đủ, ví dụ: {}.",
                names.join("; ")
            )));
        }
    }
    Ok(())
}

/// Units in the overdue report's summary table unless all are asked for (1,500 units with
/// overdue tasks at ministry scale made the page 190 KB heavier).
const UNITS_SHOWN: usize = 50;

/// Lines per page of the overdue list; one unit's list is shown whole (up to the larger bound)
/// so that it prints.
const LINES_PER_PAGE: i64 = 100;
const LINES_PER_UNIT_PAGE: i64 = 1000;
/// Overdue milestones shown on the page; the downloads hold them all.
const MILESTONES_SHOWN: i64 = 100;

/// The lines of one unit on the current page.
struct UnitSection {
    unit_id: i64,
    unit_name: String,
    is_group: bool,
    tasks: i64,
    /// Position (from 1) of the first line shown within the unit's list.
    first: i64,
    rows: Vec<OverdueRow>,
}

#[derive(Template)]
#[template(path = "reports/overdue.html")]
struct OverduePage {
    layout: Layout,
    summary: OverdueSummary,
    sections: Vec<UnitSection>,
    milestones: Vec<OverdueMilestone>,
    milestones_total: i64,
    options: FilterOptions,
    min_days: String,
    original: bool,
    unit_chosen: bool,
    downloads: String,
    lines_total: i64,
    first_line: i64,
    last_line: i64,
    pager: Pager,
    /// The query of this report without `page` and `unit`, for the links of the unit table.
    unit_query: String,
    /// Units in the summary table: the most overdue first, all of them on request.
    units_shown: usize,
    explanations: super::explanations::ReportExplanations,
    /// The report's filter, for the request of explanations of all its tasks.
    filter: ReportFilter,
}

impl OverduePage {
    fn task_href(&self, id: &i64) -> String {
        self.layout.href(&format!("/tasks/{id}"))
    }

    fn shown_units(&self) -> &[UnitCount] {
        &self.summary.units[..self.units_shown.min(self.summary.units.len())]
    }

    fn unit_href(&self, id: &i64) -> String {
        format!("/reports/overdue?{}&unit={id}", self.unit_query)
    }

    fn last_in_section(&self, s: &UnitSection) -> i64 {
        s.first + i64::try_from(s.rows.len()).unwrap_or(0) - 1
    }
}

/// Which units the lines `start..start + count` of the list fall in (the list runs through the
/// units in order), and how many lines of the first of them come before.
fn page_span(units: &[UnitCount], start: i64, count: i64) -> (Vec<i64>, i64) {
    let mut ids = Vec::new();
    let mut skip = 0;
    let mut at = 0;
    for unit in units {
        let next = at + unit.tasks;
        if next > start && at < start + count {
            if ids.is_empty() {
                skip = start - at;
            }
            ids.push(unit.unit_id);
        }
        at = next;
    }
    (ids, skip)
}

/// `GET /reports/overdue`: the count per lead unit, then one page of the list.
pub async fn overdue(
    State(state): State<AppState>,
    Query(mut query): Query<params::Query>,
) -> Result<Html<String>> {
    let db = state.db.clone();
    let layout = Layout::from_query(&query, "reports", "/reports/overdue")?;
    // One read of the data versions serves the unit names, the report and the menus.
    let seen = state.versions().await?;
    unit_as_id(&state, seen, &mut query).await?;
    let filter = report_filter(&query)?;
    let page = params::positive(&query, "page", 1, 100_000).map_err(bad)?;
    let as_of = layout.as_of;
    let per_page = if filter.unit.is_some() {
        LINES_PER_UNIT_PAGE
    } else {
        LINES_PER_PAGE
    };
    let start = (page - 1) * per_page;
    // Debug prints every field of the filter, so equal keys mean equal reports.
    let key = format!("{filter:?}|{as_of}|{page}");
    let figures = state
        .caches
        .overdue_pages
        .get_or_compute::<sqlx::Error, _, _>(&db, seen, key, || async {
            // The summary and the page's lines from the task index when it is at this data
            // version (the lines' texts and notes then by id).
            let index = state.task_index.at_or_soon(seen).await;
            let summary = match &index {
                Some(index) => crate::index::query::overdue_summary(index, as_of, &filter),
                None => overdue::overdue_summary(&db, as_of, &filter).await?,
            };
            let (unit_ids, skip) = page_span(&summary.units, start, per_page);
            let lines = match index {
                Some(index) => {
                    let chosen = crate::index::query::overdue_lines(
                        &index, as_of, &filter, &unit_ids, skip, per_page,
                    );
                    drop(index);
                    let original = filter.original_deadline;
                    crate::db::task_rows::overdue_lines_of(&db, as_of, original, &chosen).await?
                }
                None => {
                    overdue::overdue_lines(&db, as_of, &filter, &unit_ids, skip, per_page).await?
                }
            };
            let milestones =
                overdue::overdue_milestones(&db, as_of, &filter, Some(MILESTONES_SHOWN)).await?;
            Ok((summary, lines, milestones))
        })
        .await?;
    let (summary, lines, (milestones_total, milestones)) = (*figures).clone();
    let lines_total: i64 = summary.units.iter().map(|u| u.tasks).sum();
    let sections = sections_of(&summary.units, lines, start);
    let mut base = query.clone();
    base.remove("page");
    let downloads = with_as_of(&base, as_of);
    let pager = Pager::new(page, lines_total, per_page, |p| {
        format!("/reports/overdue?{downloads}&page={p}")
    });
    let mut without_unit = base.clone();
    without_unit.remove("unit");
    let page_tasks: Vec<i64> = sections
        .iter()
        .flat_map(|s| s.rows.iter().map(|r| r.task_id))
        .collect();
    let explanations =
        super::explanations::for_report(&state, &page_tasks, &filter, &layout).await?;
    let page_view = OverduePage {
        explanations,
        filter: filter.clone(),
        options: filter_options(&state, seen, &query).await?,
        min_days: params::text(&query, "min_days").unwrap_or_default(),
        original: filter.original_deadline,
        unit_chosen: filter.unit.is_some(),
        first_line: (start + 1).min(lines_total),
        last_line: (start + per_page).min(lines_total),
        lines_total,
        pager,
        units_shown: if params::text(&query, "all_units").is_some() {
            usize::MAX
        } else {
            UNITS_SHOWN
        },
        unit_query: with_as_of(&without_unit, as_of),
        downloads,
        summary,
        sections,
        milestones,
        milestones_total,
        layout,
    };
    render(&page_view)
}

/// Groups a page's lines by unit, numbering each unit's lines from its first in the full list.
fn sections_of(units: &[UnitCount], lines: Vec<(i64, OverdueRow)>, start: i64) -> Vec<UnitSection> {
    let mut sections: Vec<UnitSection> = Vec::new();
    let mut at = 0;
    let mut unit_start = 0;
    for (unit_id, row) in lines {
        if let Some(section) = sections.last_mut().filter(|s| s.unit_id == unit_id) {
            section.rows.push(row);
            continue;
        }
        while let Some(unit) = units.get(at).filter(|u| u.unit_id != unit_id) {
            unit_start += unit.tasks;
            at += 1;
        }
        let Some(unit) = units.get(at) else { break };
        sections.push(UnitSection {
            unit_id,
            unit_name: unit.unit_name.clone(),
            is_group: unit.is_group,
            tasks: unit.tasks,
            first: (start - unit_start).max(0) + 1,
            rows: vec![row],
        });
    }
    sections
}

fn with_as_of(query: &params::Query, as_of: NaiveDate) -> String {
    let mut q = query.clone();
    q.insert("as_of".to_owned(), as_of.format("%Y-%m-%d").to_string());
    query_string(&q)
}

fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn export_failed(e: export::ExportError) -> AppError {
    AppError::Other(anyhow::anyhow!(e))
}

async fn overdue_for(db: &PgPool, query: &params::Query) -> Result<OverdueReport> {
    let as_of = params::date(query, "as_of")
        .map_err(bad)?
        .unwrap_or_else(today_in_vietnam);
    Ok(overdue::overdue_report(db, as_of, &report_filter(query)?).await?)
}

/// `GET /reports/overdue.csv`
pub async fn overdue_csv(
    State(db): State<PgPool>,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let report = overdue_for(&db, &query).await?;
    Ok(download(
        export::overdue_csv(&report),
        CSV,
        &format!("bao-cao-qua-han-{}.csv", report.as_of),
    ))
}

/// `GET /reports/overdue.xlsx`
pub async fn overdue_xlsx(
    State(db): State<PgPool>,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let report = overdue_for(&db, &query).await?;
    let bytes = export::overdue_xlsx(&report).map_err(export_failed)?;
    Ok(download(
        bytes,
        XLSX,
        &format!("bao-cao-qua-han-{}.xlsx", report.as_of),
    ))
}

#[derive(Template)]
#[template(path = "reports/completed.html")]
struct CompletedPage {
    layout: Layout,
    report: CompletedReport,
    options: FilterOptions,
    month: String,
    quarter: String,
    year: String,
    from: String,
    to: String,
    downloads: String,
}

impl CompletedPage {
    fn pct(&self, value: f64) -> String {
        pct(value)
    }

    fn figures_row(&self, f: &Figures) -> [String; 8] {
        [
            f.due.to_string(),
            f.completed().to_string(),
            f.completed_on_time.to_string(),
            f.completed_late.to_string(),
            f.overdue.to_string(),
            pct(f.completed_pct()),
            pct(f.on_time_pct()),
            pct(f.overdue_pct()),
        ]
    }
}

/// `GET /reports/completed`
pub async fn completed(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let db = state.db.clone();
    let layout = Layout::from_query(&query, "reports", "/reports/completed")?;
    let period = report_period(&query)?;
    let report = reports::completed_report(&db, &period, &report_filter(&query)?).await?;
    let get = |k: &str| params::text(&query, k).unwrap_or_default();
    let page = CompletedPage {
        options: filter_options(&state, state.versions().await?, &query).await?,
        month: get("month"),
        quarter: get("quarter"),
        year: get("year"),
        from: get("from"),
        to: get("to"),
        downloads: query_string(&query),
        report,
        layout,
    };
    render(&page)
}

async fn completed_for(db: &PgPool, query: &params::Query) -> Result<CompletedReport> {
    Ok(reports::completed_report(db, &report_period(query)?, &report_filter(query)?).await?)
}

/// `GET /reports/completed.csv`
pub async fn completed_csv(
    State(db): State<PgPool>,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let report = completed_for(&db, &query).await?;
    Ok(download(
        export::completed_csv(&report),
        CSV,
        &format!("bao-cao-hoan-thanh-{}-{}.csv", report.from, report.to),
    ))
}

/// `GET /reports/completed.xlsx`
pub async fn completed_xlsx(
    State(db): State<PgPool>,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let report = completed_for(&db, &query).await?;
    let bytes = export::completed_xlsx(&report).map_err(export_failed)?;
    Ok(download(
        bytes,
        XLSX,
        &format!("bao-cao-hoan-thanh-{}-{}.xlsx", report.from, report.to),
    ))
}

/// The monthly pack for `month=YYYY-MM` (default: the previous month).
async fn monthly_for(db: &PgPool, query: &params::Query) -> Result<MonthlyPack> {
    let period = match params::text(query, "month") {
        Some(m) => period::month(&m).ok_or_else(|| {
            AppError::BadRequest(format!("Tham số \"month\": \"{m}\" phải có dạng YYYY-MM"))
        })?,
        None => previous_month(today_in_vietnam())
            .ok_or_else(|| AppError::BadRequest("Không xác định được tháng".to_owned()))?,
    };
    let filter = report_filter(query)?;
    let completed = reports::completed_report(db, &period, &filter).await?;
    let overdue = overdue::overdue_report(db, period.to, &filter).await?;
    let scope = filter
        .decision_code
        .clone()
        .unwrap_or_else(|| "Tất cả kế hoạch".to_owned());
    Ok(MonthlyPack {
        label: period.label,
        scope,
        completed,
        overdue,
    })
}

fn previous_month(today: NaiveDate) -> Option<Period> {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?;
    period::month_of(first.pred_opt()?)
}

/// `GET /reports/monthly.docx`
pub async fn monthly_docx(
    State(db): State<PgPool>,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let pack = monthly_for(&db, &query).await?;
    let bytes = export::monthly_docx(&pack).map_err(export_failed)?;
    Ok(download(
        bytes,
        DOCX,
        &format!("bao-cao-thang-{}.docx", pack.completed.from.format("%Y-%m")),
    ))
}

/// `GET /reports/monthly.xlsx`
pub async fn monthly_xlsx(
    State(db): State<PgPool>,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let pack = monthly_for(&db, &query).await?;
    let bytes = export::monthly_xlsx(&pack).map_err(export_failed)?;
    Ok(download(
        bytes,
        XLSX,
        &format!("bao-cao-thang-{}.xlsx", pack.completed.from.format("%Y-%m")),
    ))
}

#[derive(Template)]
#[template(path = "reports/index.html")]
struct IndexPage {
    layout: Layout,
    months: Vec<(String, String)>,
    options: FilterOptions,
}

/// `GET /reports`: the reports, and the monthly pack in one click per format.
pub async fn index(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let layout = Layout::from_query(&query, "reports", "/reports")?;
    let mut months = Vec::new();
    let mut day = today_in_vietnam();
    for _ in 0..24 {
        let Some(p) = previous_month(day) else { break };
        months.push((p.from.format("%Y-%m").to_string(), p.label.clone()));
        day = p.from;
    }
    render(&IndexPage {
        options: filter_options(&state, state.versions().await?, &query).await?,
        months,
        layout,
    })
}

/// dd/mm/yyyy for templates.
pub fn vi(date: &NaiveDate) -> String {
    format_vi(*date)
}

/// dd/mm/yyyy of an optional date.
pub fn vi_opt(date: &Option<NaiveDate>) -> String {
    date_vi(*date)
}
