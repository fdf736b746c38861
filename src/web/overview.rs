//! `/`: Tổng quan, the overview as of a date: counts per category for all plans and per plan,
//! the units with the most overdue tasks, what falls due in the next 30 days, and the completion
//! rate month by month as a server-drawn SVG chart.

use askama::Template;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::NaiveDate;

use super::page::{Layout, encode, render};
use super::params;
use super::views::CategoryOption;
use crate::cache::OverviewFigures;
use crate::db::overview::{
    self, CategoryCountRow, CompletionPointRow, DueSoon, DueSoonRow, OverdueUnitRow,
};
use crate::domain::deadline::format_vi;
use crate::domain::ids::DecisionId;
use crate::domain::status::Category;
use crate::error::Result;
use crate::index::{PageScope, Shows};
use crate::state::AppState;

const TOP_UNITS: i64 = 10;
const DUE_SOON_DAYS: i32 = 30;
const CONTENT_CHARS: usize = 140;
/// The overview shows the newest plans and the soonest deadlines; at ministry scale (300 plans,
/// a thousand deadlines a month) the full lists are one click away, not 500 KB on every visit.
const PLANS_SHOWN: usize = 25;
const DUE_SOON_SHOWN: usize = 15;

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    total: CountLink,
    plan_count: usize,
    rate: String,
    rate_completed: i64,
    rate_base: i64,
    stats: Vec<CategoryOption>,
    plans: Vec<PlanLine>,
    all_plans: PlanLine,
    units: Vec<UnitBar>,
    due_soon: Vec<DueLine>,
    /// Tasks and milestones due in the window, of which the first `DUE_SOON_SHOWN` are shown.
    due_soon_total: usize,
    due_soon_href: String,
    /// Plans beyond the newest `PLANS_SHOWN`, listed in full on `/decisions`.
    plans_hidden: usize,
    decisions_href: String,
    chart: Chart,
    series: Vec<SeriesLine>,
    /// Explanations of overdue tasks by status and by reason class (see `/explanations`).
    explanation_statuses: Vec<super::explanations::Tally>,
    explanation_reasons: Vec<super::explanations::Tally>,
}

/// `GET /`
pub async fn overview(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<(Option<Extension<Arc<PageScope>>>, Html<String>)> {
    let layout = Layout::from_query(&query, "overview", "/")?;
    let as_of = layout.as_of;
    let db = &state.db;
    let seen = state.versions().await?;
    let figures = state
        .caches
        .overview
        .get_or_compute(db, seen, as_of, || async {
            // The counts from the task index when it is at this data version.
            if let Some(index) = state.task_index.at_or_soon(seen).await {
                let soon = crate::index::query::due_soon_ids(&index, as_of, DUE_SOON_DAYS);
                let due =
                    overview::due_soon_of(db, &soon, as_of, DUE_SOON_DAYS, DUE_SOON_SHOWN).await?;
                return Ok(OverviewFigures {
                    counts: crate::index::query::category_counts(&index, as_of),
                    units: crate::index::query::top_overdue_units(&index, as_of, TOP_UNITS),
                    due,
                    series: crate::index::query::completion_series(&index, as_of),
                    copy: Some(index.version),
                });
            }
            let (counts, units, due, series) = tokio::try_join!(
                overview::category_counts(db, as_of),
                overview::top_overdue_units(db, as_of, TOP_UNITS),
                overview::due_soon(db, as_of, DUE_SOON_DAYS, DUE_SOON_SHOWN),
                overview::completion_series(db, as_of),
            )?;
            Ok::<_, sqlx::Error>(OverviewFigures {
                counts,
                units,
                due,
                series,
                copy: None,
            })
        })
        .await?;
    let OverviewFigures {
        counts,
        units,
        due,
        series,
        copy,
    } = &*figures;
    let explained = crate::db::explanations::counts(db, as_of, None).await?;
    let (statuses, reasons) = super::explanations::tallies(&explained, &layout);
    let mut page = OverviewPage::new(layout, counts, units, due, series);
    (page.explanation_statuses, page.explanation_reasons) = (statuses, reasons);
    // The page stays good through writes that move no count and no task due soon.
    let scope = copy.map(|at| {
        Extension(Arc::new(PageScope {
            at,
            shows: Shows::Overview {
                as_of,
                due_soon_days: DUE_SOON_DAYS,
            },
        }))
    });
    Ok((scope, render(&page)?))
}

impl OverviewPage {
    fn new(
        layout: Layout,
        counts: &[CategoryCountRow],
        units: &[OverdueUnitRow],
        due: &DueSoon,
        series: &[CompletionPointRow],
    ) -> Self {
        let plans = tally(counts);
        let mut all = [0; 6];
        for plan in &plans {
            for (sum, n) in all.iter_mut().zip(plan.counts) {
                *sum += n;
            }
        }
        let (rate_completed, rate_base) = completion_rate(&all);
        let max_overdue = units.iter().map(|u| u.overdue).max().unwrap_or(0);
        OverviewPage {
            total: CountLink::new(&layout, None, None, all.iter().sum()),
            plan_count: plans.len(),
            rate: percent_vi(rate_completed, rate_base).unwrap_or_else(|| "—".to_owned()),
            rate_completed,
            rate_base,
            stats: Category::ALL
                .iter()
                .zip(all)
                .map(|(c, count)| CategoryOption {
                    code: c.as_str(),
                    label: c.label_vi(),
                    count,
                    href: CountLink::new(&layout, Some(*c), None, count).href,
                })
                .collect(),
            plans: plans
                .iter()
                .take(PLANS_SHOWN)
                .map(|p| PlanLine::new(&layout, Some(p), &p.counts))
                .collect(),
            plans_hidden: plans.len().saturating_sub(PLANS_SHOWN),
            decisions_href: layout.href("/decisions"),
            all_plans: PlanLine::new(&layout, None, &all),
            units: units
                .iter()
                .map(|u| UnitBar {
                    href: layout.href(&format!("/tasks?lead_unit={}&category=overdue", u.id)),
                    name: u.name.clone(),
                    count: u.overdue,
                    width: share(u.overdue, max_overdue),
                })
                .collect(),
            due_soon: due
                .first
                .iter()
                .take(DUE_SOON_SHOWN)
                .map(|r| DueLine::new(r, &layout))
                .collect(),
            due_soon_total: due.total,
            due_soon_href: layout.href(&format!(
                "/tasks?category=in_progress_on_time&due_from={}&due_to={}&sort=due",
                layout.as_of + chrono::Days::new(1),
                layout.as_of + chrono::Days::new(DUE_SOON_DAYS.unsigned_abs().into()),
            )),
            chart: chart(series, layout.as_of),
            series: series.iter().map(SeriesLine::new).collect(),
            explanation_statuses: Vec::new(),
            explanation_reasons: Vec::new(),
            layout,
        }
    }
}

/// One plan's counts, in `Category::ALL` order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PlanCounts {
    id: DecisionId,
    code: String,
    issuer: String,
    counts: [i64; 6],
}

/// Folds the grouped rows (ordered by plan) into one line per plan.
fn tally(rows: &[CategoryCountRow]) -> Vec<PlanCounts> {
    let mut plans: Vec<PlanCounts> = Vec::new();
    for row in rows {
        if plans.last().is_none_or(|p| p.id != row.decision_id) {
            plans.push(PlanCounts {
                id: row.decision_id,
                code: row.decision.clone(),
                issuer: row.issuer.clone(),
                counts: [0; 6],
            });
        }
        let slot = row
            .category
            .as_deref()
            .and_then(|c| Category::ALL.iter().position(|k| k.as_str() == c));
        if let (Some(plan), Some(i)) = (plans.last_mut(), slot) {
            plan.counts[i] += row.count;
        }
    }
    plans
}

/// Completed tasks, and the tasks the rate counts: those completed or past their due date.
fn completion_rate(counts: &[i64; 6]) -> (i64, i64) {
    let at = |c: Category| counts[Category::ALL.iter().position(|k| *k == c).unwrap_or(0)];
    let done = at(Category::CompletedOnTime) + at(Category::CompletedLate);
    (done, done + at(Category::Overdue))
}

/// "45,5%" (Vietnamese decimal comma; whole numbers without decimals), None when `of` is 0.
fn percent_vi(part: i64, of: i64) -> Option<String> {
    if of == 0 {
        return None;
    }
    let tenths = (part * 1000 + of / 2) / of;
    Some(if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{},{}%", tenths / 10, tenths % 10)
    })
}

/// `part` as a percentage of `whole`, for a bar's width.
fn share(part: i64, whole: i64) -> u32 {
    if whole <= 0 {
        return 0;
    }
    u32::try_from((part.clamp(0, whole) * 100 + whole / 2) / whole).unwrap_or(0)
}

/// The text cut to at most `max` characters, at a word boundary when one is near, with "…".
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match head.rfind(char::is_whitespace) {
        Some(i) if head[..i].chars().count() > max / 2 => &head[..i],
        _ => head.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-".contains(c))
    )
}

/// A count linked to the task list filtered the same way.
pub struct CountLink {
    pub count: i64,
    pub href: String,
}

impl CountLink {
    fn new(
        layout: &Layout,
        category: Option<Category>,
        decision: Option<&str>,
        count: i64,
    ) -> Self {
        let mut params = Vec::new();
        if let Some(c) = category {
            params.push(format!("category={}", c.as_str()));
        }
        if let Some(d) = decision {
            params.push(format!("decision={}", encode(d)));
        }
        let path = if params.is_empty() {
            "/tasks".to_owned()
        } else {
            format!("/tasks?{}", params.join("&"))
        };
        CountLink {
            count,
            href: layout.href(&path),
        }
    }
}

/// One row of the per-plan table: the six category counts and the total.
pub struct PlanLine {
    pub code: String,
    pub issuer: String,
    pub href: String,
    pub cells: Vec<CountLink>,
    pub total: CountLink,
}

impl PlanLine {
    fn new(layout: &Layout, plan: Option<&PlanCounts>, counts: &[i64; 6]) -> Self {
        let code = plan.map(|p| p.code.as_str());
        PlanLine {
            code: code.unwrap_or("Tất cả kế hoạch").to_owned(),
            issuer: plan.map(|p| p.issuer.clone()).unwrap_or_default(),
            href: plan.map_or_else(
                || layout.href("/decisions"),
                |p| layout.href(&format!("/decisions/{}", p.id)),
            ),
            cells: Category::ALL
                .iter()
                .zip(counts)
                .map(|(c, n)| CountLink::new(layout, Some(*c), code, *n))
                .collect(),
            total: CountLink::new(layout, None, code, counts.iter().sum()),
        }
    }
}

/// A unit in the "most overdue" bar list; `width` is a percentage of the longest bar.
pub struct UnitBar {
    pub href: String,
    pub name: String,
    pub count: i64,
    pub width: u32,
}

/// A task (or one of its milestones) falling due in the next 30 days.
pub struct DueLine {
    pub href: String,
    pub reference: String,
    pub decision: String,
    pub content: String,
    pub milestone: String,
    pub lead_text: String,
    pub due_on: String,
    pub days_left: i64,
}

impl DueLine {
    fn new(row: &DueSoonRow, layout: &Layout) -> Self {
        DueLine {
            href: layout.href(&format!("/tasks/{}", row.task_id)),
            reference: row.reference.clone(),
            decision: row.decision.clone(),
            content: shorten(&row.content, CONTENT_CHARS),
            milestone: row.milestone.clone().unwrap_or_default(),
            lead_text: row.lead_text.clone(),
            due_on: format_vi(row.due_on),
            days_left: (row.due_on - layout.as_of).num_days(),
        }
    }
}

/// One point of the completion series as text.
pub struct SeriesLine {
    pub month: String,
    pub date: String,
    pub due: i64,
    pub completed: i64,
    pub rate: String,
}

impl SeriesLine {
    fn new(p: &CompletionPointRow) -> Self {
        SeriesLine {
            month: p.point.format("%m/%Y").to_string(),
            date: format_vi(p.point),
            due: p.due,
            completed: p.completed,
            rate: percent_vi(p.completed, p.due).unwrap_or_else(|| "—".to_owned()),
        }
    }
}

const VIEW_W: f64 = 640.0;
const VIEW_H: f64 = 262.0;
const LEFT: f64 = 54.0;
const RIGHT: f64 = 616.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 206.0;
/// The tallest bar fills this share of the plot, so it stays clear of the 100% line.
const BAR_SPAN: f64 = 0.85;

/// The completion chart, every coordinate computed here; the template only places elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// Baseline of the month labels and of the "tasks due" labels.
    pub month_y: f64,
    pub due_y: f64,
    pub grid: Vec<GridLine>,
    pub slots: Vec<Slot>,
    /// `points` attributes of the rate line, broken where no task was due yet.
    pub lines: Vec<String>,
    pub dots: Vec<Dot>,
    /// The chart in words, for `<desc>`.
    pub description: String,
}

/// A horizontal rule of the rate axis.
#[derive(Debug, Clone, PartialEq)]
pub struct GridLine {
    pub y: f64,
    pub label: String,
}

/// One month: its bar (tasks due by then) and its labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub center: f64,
    pub bar_x: f64,
    pub bar_y: f64,
    pub bar_width: f64,
    pub bar_height: f64,
    pub month: String,
    pub due: i64,
    /// Labels that small screens skip (every other month, counting back from the last).
    pub alternate: bool,
}

/// One point of the rate line.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub title: String,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn chart(points: &[CompletionPointRow], as_of: NaiveDate) -> Chart {
    let plot_h = BOTTOM - TOP;
    let slot_w = (RIGHT - LEFT) / points.len().max(1) as f64;
    let max_due = points.iter().map(|p| p.due).max().unwrap_or(0).max(1) as f64;
    let mut slots = Vec::new();
    let mut dots = Vec::new();
    let mut lines = Vec::new();
    let mut line: Vec<String> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let center = LEFT + slot_w * (i as f64 + 0.5);
        let bar_height = plot_h * BAR_SPAN * p.due as f64 / max_due;
        let month = p.point.format("%m/%Y").to_string();
        slots.push(Slot {
            center: round1(center),
            bar_x: round1(center - slot_w * 0.3),
            bar_y: round1(BOTTOM - bar_height),
            bar_width: round1(slot_w * 0.6),
            bar_height: round1(bar_height),
            due: p.due,
            alternate: (points.len() - 1 - i) % 2 == 1,
            month: month.clone(),
        });
        if p.due == 0 {
            if line.len() > 1 {
                lines.push(line.join(" "));
            }
            line.clear();
            continue;
        }
        let y = round1(BOTTOM - plot_h * p.completed as f64 / p.due as f64);
        line.push(format!("{},{y}", round1(center)));
        dots.push(Dot {
            x: round1(center),
            y,
            title: format!(
                "{month}: {} ({}/{} nhiệm vụ)",
                percent_vi(p.completed, p.due).unwrap_or_default(),
                p.completed,
                p.due
            ),
        });
    }
    if line.len() > 1 {
        lines.push(line.join(" "));
    }
    let description = match (points.first(), points.last()) {
        (Some(first), Some(last)) => format!(
            "Cột: số nhiệm vụ đã đến hạn; đường: tỷ lệ hoàn thành trong số đó, tại cuối mỗi tháng \
             từ {} đến {} (tháng cuối tính đến ngày {}). Tại ngày {}: {} nhiệm vụ đã đến hạn, \
             {} đã hoàn thành, tỷ lệ {}.",
            first.point.format("%m/%Y"),
            last.point.format("%m/%Y"),
            format_vi(as_of),
            format_vi(last.point),
            last.due,
            last.completed,
            percent_vi(last.completed, last.due).unwrap_or_else(|| "chưa tính được".to_owned()),
        ),
        _ => "Chưa có số liệu.".to_owned(),
    };
    Chart {
        width: VIEW_W,
        height: VIEW_H,
        left: LEFT,
        right: RIGHT,
        top: TOP,
        bottom: BOTTOM,
        month_y: BOTTOM + 18.0,
        due_y: BOTTOM + 40.0,
        grid: (0..=4)
            .map(|k| GridLine {
                y: round1(BOTTOM - plot_h * f64::from(k) / 4.0),
                label: format!("{}%", k * 25),
            })
            .collect(),
        slots,
        lines,
        dots,
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn point(m: u32, due: i64, completed: i64) -> CompletionPointRow {
        CompletionPointRow {
            point: d(2022, m, 28),
            due,
            completed,
        }
    }

    #[test]
    fn percentages_use_a_decimal_comma_and_drop_a_zero_decimal() {
        assert_eq!(percent_vi(2, 11).as_deref(), Some("18,2%"));
        assert_eq!(percent_vi(1, 2).as_deref(), Some("50%"));
        assert_eq!(percent_vi(0, 8).as_deref(), Some("0%"));
        assert_eq!(percent_vi(3, 3).as_deref(), Some("100%"));
        assert_eq!(percent_vi(1, 0), None);
    }

    #[test]
    fn long_content_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(shorten("  Kết nối dữ liệu ", 140), "Kết nối dữ liệu");
        let long = "Kết nối, chia sẻ dữ liệu giữa Cơ sở dữ liệu quốc gia về dân cư ".repeat(4);
        let short = shorten(&long, 140);
        assert!(short.chars().count() <= 140);
        assert!(short.ends_with('…'));
        assert!(!short.ends_with(" …") && !short.ends_with(",…"));
        assert!(long.starts_with(short.trim_end_matches('…')));
        assert_eq!(shorten(&"x".repeat(200), 10), format!("{}…", "x".repeat(9)));
    }

    #[test]
    fn bar_widths_are_shares_of_the_longest_bar() {
        assert_eq!(share(7, 7), 100);
        assert_eq!(share(1, 7), 14);
        assert_eq!(share(0, 0), 0);
    }

    #[test]
    fn grouped_counts_fold_into_one_line_per_plan_in_category_order() {
        let row = |id, code: &str, category: Option<&str>, count| CategoryCountRow {
            decision_id: DecisionId(id),
            decision: code.to_owned(),
            issuer: String::new(),
            category: category.map(str::to_owned),
            count,
        };
        let plans = tally(&[
            row(2, "94", Some("continuous"), 6),
            row(2, "94", Some("completed_late"), 1),
            row(1, "905", Some("overdue"), 11),
            row(3, "empty", None, 0),
        ]);
        assert_eq!(plans.len(), 3);
        assert_eq!(plans[0].counts, [0, 1, 0, 0, 6, 0]);
        assert_eq!(plans[1].counts, [0, 0, 0, 11, 0, 0]);
        assert_eq!(plans[2].counts, [0; 6]);
        assert_eq!(completion_rate(&[1, 1, 31, 9, 20, 0]), (2, 11));
    }

    #[test]
    fn the_chart_scales_bars_to_the_busiest_month_and_the_line_to_percent() {
        let c = chart(
            &[
                point(1, 0, 0),
                point(2, 4, 0),
                point(3, 8, 2),
                point(4, 8, 8),
            ],
            d(2022, 4, 28),
        );
        let plot = BOTTOM - TOP;
        assert_eq!(c.slots.len(), 4);
        assert_eq!(c.slots[0].bar_height, 0.0);
        assert_eq!(c.slots[2].bar_height, round1(plot * BAR_SPAN));
        assert_eq!(c.slots[1].bar_height, round1(plot * BAR_SPAN / 2.0));
        assert_eq!(c.slots[2].bar_y, round1(BOTTOM - plot * BAR_SPAN));
        let slot_w = (RIGHT - LEFT) / 4.0;
        assert_eq!(c.slots[0].center, round1(LEFT + slot_w / 2.0));
        assert_eq!(c.slots[3].center, round1(RIGHT - slot_w / 2.0));
        // A month with nothing due has no rate: no dot, and the line starts after it.
        assert_eq!(c.dots.len(), 3);
        assert_eq!(c.dots[0].y, BOTTOM);
        assert_eq!(c.dots[1].y, round1(BOTTOM - plot / 4.0));
        assert_eq!(c.dots[2].y, TOP);
        assert_eq!(c.dots[1].title, "03/2022: 25% (2/8 nhiệm vụ)");
        assert_eq!(c.lines.len(), 1);
        assert_eq!(c.lines[0].split(' ').count(), 3);
        assert!(!c.slots[3].alternate && c.slots[2].alternate);
        assert_eq!(c.grid.first().map(|g| g.y), Some(BOTTOM));
        assert_eq!(c.grid.last().map(|g| g.label.as_str()), Some("100%"));
        assert!(
            c.description
                .contains("8 nhiệm vụ đã đến hạn, 8 đã hoàn thành, tỷ lệ 100%")
        );
    }

    #[test]
    fn the_rate_line_breaks_where_nothing_was_due() {
        let c = chart(
            &[
                point(1, 2, 1),
                point(2, 0, 0),
                point(3, 2, 2),
                point(4, 2, 2),
            ],
            d(2022, 4, 28),
        );
        assert_eq!(c.dots.len(), 3);
        assert_eq!(c.lines.len(), 1, "a lone point is a dot, not a line");
        assert_eq!(c.lines[0].split(' ').count(), 2);
        let empty = chart(&[], d(2022, 4, 28));
        assert!(empty.slots.is_empty() && empty.lines.is_empty());
    }
}
