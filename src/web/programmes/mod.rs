//! `/programmes` and `/programmes/{id}` (Chương trình, đề án): the plans that implement one
//! national decision, every issuing body's plan with its counts per category as of the date,
//! and the bodies ranked by on-time completion; `POST /decisions/{id}/programmes`, a manager
//! setting which programmes a plan implements; `GET /api/v1/programmes`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};

mod api;
pub mod of_plan;

pub use api::api_list;
use of_plan::reference;

use super::decisions::plan_summaries;
use super::follow_up::{Fields, FormFields, after_write, refused_form};
use super::page::{Layout, date_vi, encode, render};
use super::params;
use crate::auth::MaybeCaller;
use crate::db::decisions::CategoryCountRow;
use crate::db::programmes::{self, ProgrammeEdit, ProgrammePlanRow};
use crate::domain::ids::{DecisionId, ProgrammeId};
use crate::domain::programme::parse_reference;
use crate::domain::role::{FollowUp, may_follow_up};
use crate::domain::status::Category;
use crate::error::{AppError, Result};
use crate::reports::model::Figures;
use crate::state::AppState;

/// A count linked to the task list it stands for.
pub struct CountCell {
    pub count: i64,
    pub href: String,
}

/// The six category counts and the total of some plans, linked to `/tasks` with `base`.
fn cells(layout: &Layout, base: &str, counts: &[i64; 6]) -> (Vec<CountCell>, CountCell) {
    let cells = Category::ALL
        .iter()
        .zip(counts)
        .map(|(c, n)| CountCell {
            count: *n,
            href: layout.href(&format!("{base}&category={}", c.as_str())),
        })
        .collect();
    let total = CountCell {
        count: counts.iter().sum(),
        href: layout.href(base),
    };
    (cells, total)
}

fn counts_of(rows: &[CategoryCountRow], decision: DecisionId) -> [i64; 6] {
    let mut counts = [0; 6];
    for r in rows.iter().filter(|r| r.decision_id == decision) {
        if let Some(i) = Category::ALL.iter().position(|c| c.as_str() == r.category) {
            counts[i] += r.count;
        }
    }
    counts
}

/// Completed on time, late, and overdue among the six counts.
fn figures(counts: &[i64; 6]) -> Figures {
    Figures {
        due: counts[0] + counts[1] + counts[3],
        completed_on_time: counts[0],
        completed_late: counts[1],
        overdue: counts[3],
    }
}

struct ProgrammeLine {
    href: String,
    reference: String,
    issuer: String,
    title: String,
    plan_count: i64,
}

#[derive(Template)]
#[template(path = "programmes/list.html")]
struct ProgrammeListPage {
    layout: Layout,
    rows: Vec<ProgrammeLine>,
}

/// `GET /programmes`
pub async fn list_programmes(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let layout = Layout::from_query(&query, "programmes", "/programmes")?;
    let rows = programmes::list_programmes(&state.db).await?;
    let rows = rows
        .iter()
        .map(|p| ProgrammeLine {
            href: layout.href(&format!("/programmes/{}", p.id)),
            reference: reference(p),
            issuer: p.issuer.clone(),
            title: p.title.clone(),
            plan_count: p.plan_count,
        })
        .collect();
    render(&ProgrammeListPage { layout, rows })
}

struct PlanLine {
    href: String,
    code: String,
    issuer: String,
    issued_on: String,
    title: String,
    by_manager: bool,
    cells: Vec<CountCell>,
    total: CountCell,
}

struct BodyLine {
    rank: usize,
    name: String,
    plans: usize,
    cells: Vec<CountCell>,
    total: CountCell,
    due: i64,
    on_time_rate: String,
    completed_rate: String,
}

#[derive(Template)]
#[template(path = "programmes/show.html")]
struct ProgrammePage {
    layout: Layout,
    reference: String,
    issuer: String,
    title: String,
    labels: Vec<&'static str>,
    codes: Vec<&'static str>,
    plans: Vec<PlanLine>,
    bodies: Vec<BodyLine>,
    all: Vec<CountCell>,
    all_total: CountCell,
}

/// `GET /programmes/{id}`
pub async fn show_programme(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: ProgrammeId = raw.parse().map_err(|_| AppError::NotFound)?;
    let layout = Layout::from_query(&query, "programmes", &format!("/programmes/{id}"))?;
    let programme = programmes::fetch_programme(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let plans = programmes::list_plans(&state.db, Some(id)).await?;
    let summaries = plan_summaries(&state, layout.as_of).await?;
    let (_, counts) = &*summaries;
    let base = format!("/tasks?programme={id}");
    let mut all = [0; 6];
    let mut by_body: Vec<(String, usize, [i64; 6])> = Vec::new();
    let plan_lines = plans
        .iter()
        .map(|p: &ProgrammePlanRow| {
            let c = counts_of(counts, p.decision_id);
            for (sum, n) in all.iter_mut().zip(c) {
                *sum += n;
            }
            match by_body.iter_mut().find(|(name, _, _)| *name == p.issuer) {
                Some((_, n, sums)) => {
                    *n += 1;
                    for (sum, k) in sums.iter_mut().zip(c) {
                        *sum += k;
                    }
                }
                None => by_body.push((p.issuer.clone(), 1, c)),
            }
            let (cells, total) =
                cells(&layout, &format!("/tasks?decision={}", encode(&p.code)), &c);
            PlanLine {
                href: layout.href(&format!("/decisions/{}", p.decision_id)),
                code: p.code.clone(),
                issuer: p.issuer.clone(),
                issued_on: date_vi(p.issued_on),
                title: p.title.clone(),
                by_manager: p.source == "manager",
                cells,
                total,
            }
        })
        .collect();
    let (all_cells, all_total) = cells(&layout, &base, &all);
    render(&ProgrammePage {
        reference: reference(&programme),
        issuer: programme.issuer.clone(),
        title: programme.title.clone(),
        labels: Category::ALL.iter().map(|c| c.label_vi()).collect(),
        codes: Category::ALL.iter().map(|c| c.as_str()).collect(),
        plans: plan_lines,
        bodies: ranked_bodies(&layout, &base, by_body),
        all: all_cells,
        all_total,
        layout,
    })
}

/// Bodies by on-time completion: the share of their due tasks completed on time, then the
/// number completed on time, then the name.
fn ranked_bodies(
    layout: &Layout,
    base: &str,
    bodies: Vec<(String, usize, [i64; 6])>,
) -> Vec<BodyLine> {
    let mut bodies: Vec<(String, usize, [i64; 6], Figures)> = bodies
        .into_iter()
        .map(|(name, plans, counts)| (name, plans, counts, figures(&counts)))
        .collect();
    bodies.sort_by(|a, b| {
        b.3.on_time_pct()
            .total_cmp(&a.3.on_time_pct())
            .then(b.3.completed_on_time.cmp(&a.3.completed_on_time))
            .then(a.0.cmp(&b.0))
    });
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, (name, plans, counts, f))| {
            let (cells, total) = cells(layout, &format!("{base}&body={}", encode(&name)), &counts);
            BodyLine {
                rank: i + 1,
                plans,
                cells,
                total,
                due: f.due,
                on_time_rate: super::views::pct(f.on_time_pct()),
                completed_rate: super::views::pct(f.completed_pct()),
                name,
            }
        })
        .collect()
}

/// `POST /decisions/{id}/programmes`: `reference` to add, or `remove` a programme id.
pub async fn edit_decision_programmes(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let id: DecisionId = raw.parse().map_err(|_| AppError::NotFound)?;
    let Some(caller) = caller else {
        return Ok(Redirect::to(&format!("/login?next=/decisions/{id}")).into_response());
    };
    let fields = Fields::new(form);
    if !fields.is_genuine(&caller, &headers) {
        return Ok(refused_form());
    }
    if !may_follow_up(caller.user.role(), FollowUp::EditProgrammes) {
        return Err(AppError::Forbidden);
    }
    let edit = match (fields.text("remove"), fields.text("reference")) {
        (Some(remove), _) => ProgrammeEdit::Remove(
            remove
                .parse()
                .map_err(|_| AppError::BadRequest("Chương trình không hợp lệ.".to_owned()))?,
        ),
        (None, Some(text)) => ProgrammeEdit::Add(parse_reference(text).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Không đọc được “{text}”: hãy ghi đủ số, ký hiệu và ngày ban hành, ví dụ “Quyết định số 06/QĐ-TTg ngày 06/01/2022”."
            ))
        })?),
        (None, None) => {
            return Err(AppError::BadRequest(
                "Hãy nhập số, ký hiệu và ngày của quyết định.".to_owned(),
            ));
        }
    };
    if !programmes::edit_decision_programmes(&state.db, id, &edit, caller.user.id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(decision.id = %id, user.id = caller.user.id, ?edit, "sửa chương trình của kế hoạch");
    after_write(&state, &[]).await;
    Ok(Redirect::to(&format!("/decisions/{id}?saved=1#programmes")).into_response())
}

/// The hidden fields and the sentence of a task list narrowed to a programme (and a body).
pub async fn list_scope(
    db: &sqlx::PgPool,
    filter: &crate::db::tasks::TaskFilter,
) -> Result<(Vec<(&'static str, String)>, String)> {
    let mut fields = Vec::new();
    let mut note = String::new();
    if let Some(id) = filter.programme {
        fields.push(("programme", id.to_string()));
        let p = programmes::fetch_programme(db, id).await?;
        note = format!(
            "Chỉ các kế hoạch thực hiện {}",
            p.as_ref()
                .map_or_else(|| "chương trình đã chọn".to_owned(), reference)
        );
    }
    if let Some(body) = &filter.issuer {
        fields.push(("body", body.clone()));
        if note.is_empty() {
            note = format!("Chỉ các kế hoạch của {body}");
        } else {
            note = format!("{note}, của {body}");
        }
    }
    if !note.is_empty() {
        note.push('.');
    }
    Ok((fields, note))
}
