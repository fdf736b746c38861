//! The JSON API, `/api/v1`: stable shapes for other systems (documented in the README).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;

use sqlx::PgPool;

use super::params::{self, BadParam, today_in_vietnam};
use crate::cache::{ListedTasks, Versions};
use crate::db::decisions::{self, DecisionRow};
use crate::db::tasks::{self, EventRow, MilestoneRow, TaskFilter, TaskRow, TaskSort, TaskUnitRow};
use crate::db::units;
use crate::domain::ids::{DecisionId, ProgrammeId, TaskId, UnitId};
use crate::domain::status::{Category, TaskState};
use crate::index::{PageScope, Shows};
use crate::state::AppState;
use crate::task_details;

/// An API failure, answered as JSON.
#[derive(Debug)]
pub enum ApiError {
    BadParam(BadParam),
    NotFound(&'static str),
    Database(sqlx::Error),
}

impl From<BadParam> for ApiError {
    fn from(e: BadParam) -> Self {
        ApiError::BadParam(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Database(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadParam(BadParam { parameter, message }) => (
                StatusCode::BAD_REQUEST,
                Json(
                    json!({ "error": "bad_parameter", "parameter": parameter, "message": message }),
                ),
            )
                .into_response(),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": "not_found", "message": format!("không tìm thấy {what}") })),
            )
                .into_response(),
            ApiError::Database(error) if crate::db::pool::is_unavailable(&error) => {
                crate::error::unavailable_json(&error)
            }
            ApiError::Database(error) => {
                tracing::error!(?error, "lỗi cơ sở dữ liệu trong API");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({ "error": "internal", "message": "lỗi hệ thống, vui lòng thử lại sau" })),
                )
                    .into_response()
            }
        }
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Unknown API path.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("đường dẫn API")
}

fn id_param<T>(raw: &str, wrap: fn(i64) -> T) -> Result<T, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(wrap)
        .ok_or(ApiError::BadParam(BadParam {
            parameter: "id",
            message: format!("\"{raw}\" không phải mã số hợp lệ"),
        }))
}

/// A decision in the API.
#[derive(Serialize)]
pub struct DecisionJson {
    id: DecisionId,
    code: String,
    number: String,
    issuer: String,
    place: Option<String>,
    issued_on: Option<NaiveDate>,
    signer: Option<String>,
    signer_title: Option<String>,
    title: String,
    plan_title: Option<String>,
    legal_bases: Vec<String>,
    replaces: Vec<String>,
    recipients: Vec<String>,
    task_count: i64,
}

impl From<DecisionRow> for DecisionJson {
    fn from(d: DecisionRow) -> Self {
        DecisionJson {
            id: d.id,
            code: d.code,
            number: d.number,
            issuer: d.issuer,
            place: d.place,
            issued_on: d.issued_on,
            signer: d.signer,
            signer_title: d.signer_title,
            title: d.title,
            plan_title: d.plan_title,
            legal_bases: d.legal_bases,
            replaces: d.replaces,
            recipients: d.recipients,
            task_count: d.task_count,
        }
    }
}

/// `GET /api/v1/decisions`
pub async fn list_decisions(State(db): State<PgPool>) -> ApiResult<Vec<DecisionJson>> {
    let rows = decisions::list_decisions(&db).await?;
    Ok(Json(rows.into_iter().map(DecisionJson::from).collect()))
}

/// `GET /api/v1/decisions/{id}`
pub async fn show_decision(
    State(db): State<PgPool>,
    Path(raw): Path<String>,
) -> ApiResult<serde_json::Value> {
    let id = id_param(&raw, DecisionId)?;
    let decision = decisions::fetch_decision(&db, id)
        .await?
        .ok_or(ApiError::NotFound("quyết định"))?;
    let sections = decisions::list_sections(&db, id).await?;
    let mut value = serde_json::to_value(DecisionJson::from(decision)).unwrap_or_default();
    value["sections"] = json!(
        sections
            .iter()
            .map(|s| json!({ "code": s.code, "title": s.title, "task_count": s.task_count }))
            .collect::<Vec<_>>()
    );
    Ok(Json(value))
}

/// A unit in the API.
#[derive(Serialize)]
pub struct UnitJson {
    id: UnitId,
    name: String,
    parent: Option<String>,
    body: Option<String>,
    aliases: Vec<String>,
    is_group: bool,
    members: Vec<i64>,
    lead_task_count: i64,
    partner_task_count: i64,
}

impl From<units::UnitRow> for UnitJson {
    fn from(u: units::UnitRow) -> Self {
        UnitJson {
            id: u.id,
            name: u.name,
            parent: u.parent,
            body: u.body,
            aliases: u.aliases,
            is_group: u.is_group,
            members: u.member_ids,
            lead_task_count: u.lead_task_count,
            partner_task_count: u.partner_task_count,
        }
    }
}

/// `GET /api/v1/units`
pub async fn list_units(State(db): State<PgPool>) -> ApiResult<Vec<UnitJson>> {
    let rows = units::list_units(&db).await?;
    Ok(Json(rows.into_iter().map(UnitJson::from).collect()))
}

/// `GET /api/v1/units/{id}`
pub async fn show_unit(State(db): State<PgPool>, Path(raw): Path<String>) -> ApiResult<UnitJson> {
    let id = id_param(&raw, UnitId)?;
    let unit = units::fetch_unit(&db, id)
        .await?
        .ok_or(ApiError::NotFound("đơn vị"))?;
    Ok(Json(unit.into()))
}

#[derive(Serialize)]
struct UnitRef {
    id: UnitId,
    name: String,
    written: Option<String>,
    is_group: bool,
}

#[derive(Serialize)]
struct MilestoneJson {
    label: String,
    due_on: NaiveDate,
    done_on: Option<NaiveDate>,
}

/// A task in the API.
#[derive(Serialize)]
pub struct TaskJson {
    #[serde(flatten)]
    row: TaskRow,
    lead_units: Vec<UnitRef>,
    partner_units: Vec<UnitRef>,
    milestones: Vec<MilestoneJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<EventRow>>,
}

fn assemble(
    rows: Vec<TaskRow>,
    links: &[TaskUnitRow],
    milestones: &[MilestoneRow],
) -> Vec<TaskJson> {
    rows.into_iter()
        .map(|row| {
            let direct = |role: &str| {
                links
                    .iter()
                    .filter(|l| l.task_id == row.id && l.role == role && l.via_group_id.is_none())
                    .map(|l| UnitRef {
                        id: l.id,
                        name: l.name.clone(),
                        written: l.written.clone(),
                        is_group: l.is_group,
                    })
                    .collect()
            };
            TaskJson {
                lead_units: direct("lead"),
                partner_units: direct("partner"),
                milestones: milestones
                    .iter()
                    .filter(|m| m.task_id == row.id)
                    .map(|m| MilestoneJson {
                        label: m.label.clone(),
                        due_on: m.due_on,
                        done_on: m.done_on,
                    })
                    .collect(),
                events: None,
                row,
            }
        })
        .collect()
}

/// The page of tasks the API answers.
#[derive(Serialize)]
pub struct TaskPage {
    as_of: NaiveDate,
    total: i64,
    page: i64,
    per_page: i64,
    tasks: Vec<TaskJson>,
}

fn unit_id(s: &str) -> Option<UnitId> {
    s.parse::<i64>().ok().filter(|n| *n > 0).map(UnitId)
}

/// Reads the task filters shared by the API and the pages.
pub fn task_filter(query: &params::Query) -> Result<(TaskFilter, NaiveDate), BadParam> {
    let as_of = params::date(query, "as_of")?.unwrap_or_else(today_in_vietnam);
    let filter = TaskFilter {
        decision_code: params::text(query, "decision"),
        unit: params::parsed(query, "unit", "mã đơn vị", |s| {
            s.parse::<i64>().ok().filter(|n| *n > 0).map(UnitId)
        })?,
        role: params::parsed(query, "role", "vai trò (lead hoặc partner)", |s| match s {
            "lead" => Some("lead"),
            "partner" => Some("partner"),
            _ => None,
        })?,
        lead_unit: params::parsed(query, "lead_unit", "mã đơn vị", unit_id)?,
        partner_unit: params::parsed(query, "partner_unit", "mã đơn vị", unit_id)?,
        of_user: None,
        programme: params::parsed(query, "programme", "mã chương trình", |s| {
            s.parse::<i64>().ok().filter(|n| *n > 0).map(ProgrammeId)
        })?,
        issuer: params::text(query, "body"),
        section: params::text(query, "section"),
        category: params::parsed(query, "category", "nhóm trạng thái", Category::parse)?,
        state: params::parsed(query, "state", "trạng thái", TaskState::parse)?,
        due_from: params::date(query, "due_from")?,
        due_to: params::date(query, "due_to")?,
        query: params::text(query, "q"),
        sort: TaskSort::or_default_for(
            params::parsed(
                query,
                "sort",
                "cách sắp xếp (plan, due, unit, relevance)",
                TaskSort::parse,
            )?,
            params::text(query, "q").as_deref(),
        ),
    };
    Ok((filter, as_of))
}

/// One page of a task list and the count of the whole list, kept until the plan data changes
/// (the busy lists, a unit's overdue tasks, are asked for over and over; counting thousands of
/// matches each time is the expensive part).
pub async fn cached_task_page(
    state: &AppState,
    seen: Versions,
    filter: &TaskFilter,
    as_of: NaiveDate,
    page: i64,
    per_page: i64,
) -> sqlx::Result<Arc<ListedTasks>> {
    // Debug prints every field of the filter, so equal keys mean equal lists.
    let key = format!("{filter:?}|{as_of}|{page}|{per_page}");
    let db = &state.db;
    state
        .caches
        .task_pages
        .get_or_compute(db, seen, key, || async {
            let offset = (page - 1).saturating_mul(per_page);
            let listed = crate::index::list_page(
                &state.task_index,
                db,
                seen,
                filter,
                as_of,
                offset,
                per_page,
            )
            .await?;
            let (total, rows, copy) = match listed {
                Some((total, rows, version)) => (total, rows, Some(version)),
                None => {
                    let (total, rows) =
                        tasks::list_tasks(db, filter, as_of, page, per_page).await?;
                    (total, rows, None)
                }
            };
            let ids: Vec<TaskId> = rows.iter().map(|r| r.id).collect();
            let (units, milestones) = tokio::try_join!(
                tasks::units_of_tasks(db, &ids),
                tasks::milestones_of_tasks(db, &ids)
            )?;
            Ok(ListedTasks {
                total,
                rows,
                units,
                milestones,
                copy,
            })
        })
        .await
}

/// `GET /api/v1/tasks`
pub async fn list_tasks(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<(Option<Extension<Arc<PageScope>>>, Json<TaskPage>), ApiError> {
    let (filter, as_of) = task_filter(&query)?;
    let page = params::positive(&query, "page", 1, 1_000_000)?;
    let per_page = params::positive(&query, "per_page", 50, 500)?;
    let listed = cached_task_page(
        &state,
        state.versions().await?,
        &filter,
        as_of,
        page,
        per_page,
    )
    .await?;
    // The answer stays good through writes to tasks it does not list (`PageScope`).
    let scope = listed.copy.map(|at| {
        Extension(Arc::new(PageScope {
            at,
            shows: Shows::List {
                filter: Box::new(filter),
                as_of,
                shown: listed.rows.iter().map(|r| r.id.0).collect(),
            },
        }))
    });
    Ok((
        scope,
        Json(TaskPage {
            as_of,
            total: listed.total,
            page,
            per_page,
            tasks: assemble(listed.rows.clone(), &listed.units, &listed.milestones),
        }),
    ))
}

/// One task with its units, milestones and history, as the API answers it.
pub async fn task_json(
    state: &AppState,
    id: TaskId,
    as_of: NaiveDate,
) -> Result<TaskJson, ApiError> {
    let detail = task_details::load(
        &state.db,
        &state.task_details,
        id,
        as_of,
        today_in_vietnam(),
    )
    .await?;
    as_json(detail)
}

/// `task_json` of a task just written: `now` when the caller made it from the kept copy and
/// the change (`TaskDetail::after_write`), else read from the database and not kept in memory:
/// the write's own notification is about to forget it again, and packing a task's detail
/// (deflate against a 32 KB dictionary) was a third of the server's time under many writers.
pub async fn written_task_json(
    state: &AppState,
    id: TaskId,
    as_of: NaiveDate,
    now: Option<tasks::TaskDetail>,
) -> Result<TaskJson, ApiError> {
    match now {
        Some(detail) => as_json(Some(detail)),
        None => as_json(tasks::fetch_task_detail(&state.db, id, as_of).await?),
    }
}

fn as_json(detail: Option<tasks::TaskDetail>) -> Result<TaskJson, ApiError> {
    let tasks::TaskDetail {
        task: row,
        units: links,
        milestones,
        events,
        ..
    } = detail.ok_or(ApiError::NotFound("nhiệm vụ"))?;
    let mut task = assemble(vec![row], &links, &milestones)
        .pop()
        .ok_or(ApiError::NotFound("nhiệm vụ"))?;
    task.events = Some(events);
    Ok(task)
}

/// `GET /api/v1/tasks/{id}`
pub async fn show_task(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> ApiResult<TaskJson> {
    let id = id_param(&raw, TaskId)?;
    let as_of = params::date(&query, "as_of")?.unwrap_or_else(today_in_vietnam);
    Ok(Json(task_json(&state, id, as_of).await?))
}
