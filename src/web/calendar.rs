//! Calendar feeds of deadlines and milestones (`/calendar.ics`, `/units/{id}/calendar.ics`),
//! readable with an API token or a private feed link (`?key=`), and `/calendar`, where a signed-in
//! user gets, renews or revokes that link.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

use super::page::{Layout, render};
use super::params;
use crate::auth::{self, MaybeCaller};
use crate::calendar::{Calendar, Event, render as render_ics, shorten};
use crate::db::calendar::{self as db, FeedMilestoneRow, FeedTaskRow};
use crate::domain::deadline::format_vi;
use crate::domain::ids::UnitId;
use crate::domain::status::TaskState;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// How many characters of a task's content a SUMMARY keeps.
pub const SUMMARY_CHARS: usize = 90;

/// `GET /calendar.ics`: every plan's dated tasks and milestones.
pub async fn all_feed(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Query(query): Query<params::Query>,
    headers: HeaderMap,
) -> Result<Response> {
    if !may_read(&state, caller.is_some(), &query).await? {
        return Ok(unauthorized());
    }
    let calendar = feed(&state, None, "Hạn nhiệm vụ – tất cả kế hoạch".to_owned()).await?;
    Ok(ics_response(&render_ics(&calendar), &headers))
}

/// `GET /units/{id}/calendar.ics`: the tasks a unit leads or partners, directly or through a
/// group, and their milestones.
pub async fn unit_feed(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(unit): Path<UnitId>,
    Query(query): Query<params::Query>,
    headers: HeaderMap,
) -> Result<Response> {
    if !may_read(&state, caller.is_some(), &query).await? {
        return Ok(unauthorized());
    }
    let name = db::unit_name(&state.db, unit)
        .await?
        .ok_or(AppError::NotFound)?;
    let calendar = feed(
        &state,
        Some((unit, &name)),
        format!("Hạn nhiệm vụ – {name}"),
    )
    .await?;
    Ok(ics_response(&render_ics(&calendar), &headers))
}

// Calendar apps cannot send headers, so a private key in the link stands in for a token. A key
// that is given but wrong is refused even when reading is public, so a revoked link says so.
async fn may_read(state: &AppState, signed_in: bool, query: &params::Query) -> Result<bool> {
    match params::text(query, "key") {
        Some(key) => Ok(db::calendar_key_user(&state.db, &key).await?.is_some()),
        None => Ok(signed_in || state.config.public_read),
    }
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::WWW_AUTHENTICATE, "Bearer"),
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        ],
        "Cần mã truy cập (Authorization: Bearer …) hoặc liên kết lịch riêng còn hiệu lực (?key=…). Tạo liên kết tại /calendar.\n",
    )
        .into_response()
}

fn ics_response(body: &str, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", &crate::secret::hash_token(body)[..32]);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let common = [
        (header::CACHE_CONTROL, "private, no-cache".to_owned()),
        (header::ETAG, etag),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"han-nhiem-vu.ics\"",
            ),
        ],
        body.to_owned(),
    )
        .into_response()
}

async fn feed(state: &AppState, unit: Option<(UnitId, &str)>, name: String) -> Result<Calendar> {
    let unit_id = unit.map(|(id, _)| id);
    let tasks = db::feed_tasks(&state.db, unit_id).await?;
    let milestones = db::feed_milestones(&state.db, unit_id).await?;
    let base = state.config.public_url.trim_end_matches('/');
    let mut events: Vec<Event> = tasks
        .iter()
        .map(|t| task_event(t, base, unit.map(|(_, n)| n)))
        .collect();
    events.extend(milestones.iter().map(|m| milestone_event(m, base)));
    let description = match unit {
        Some((_, unit_name)) => {
            format!("Hạn các nhiệm vụ {unit_name} chủ trì hoặc phối hợp và các mốc của chúng.")
        }
        None => "Hạn các nhiệm vụ và các mốc của mọi kế hoạch đang theo dõi.".to_owned(),
    };
    Ok(Calendar {
        name,
        description,
        events,
    })
}

fn done_marker(done: bool) -> &'static str {
    if done { "(đã hoàn thành) " } else { "" }
}

/// The SUMMARY of a task's event: "[905/QĐ-BTTTT II.7] " and its content, shortened.
pub fn task_summary(decision: &str, reference: &str, content: &str, completed: bool) -> String {
    format!(
        "[{decision} {reference}] {}{}",
        done_marker(completed),
        shorten(content, SUMMARY_CHARS)
    )
}

fn leads(names: &str, written: &str) -> String {
    if names.is_empty() {
        written.to_owned()
    } else {
        names.to_owned()
    }
}

fn task_event(t: &FeedTaskRow, base: &str, unit: Option<&str>) -> Event {
    let completed = t.state == TaskState::Completed.as_str();
    let url = format!("{base}/tasks/{}", t.id);
    let mut lines = vec![
        format!("Nhiệm vụ {} {}", t.decision, t.reference),
        t.content.clone(),
        String::new(),
        format!("Đơn vị chủ trì: {}", leads(&t.lead_names, &t.lead_text)),
    ];
    if !t.partner_text.trim().is_empty() {
        lines.push(format!("Đơn vị phối hợp: {}", t.partner_text));
    }
    if let (Some(unit), Some(role)) = (unit, &t.unit_role) {
        let role = if role == "lead" {
            "chủ trì"
        } else {
            "phối hợp"
        };
        let via = t
            .via_group
            .as_ref()
            .map(|g| format!(" (thuộc nhóm “{g}”)"))
            .unwrap_or_default();
        lines.push(format!("Vai trò của {unit}: {role}{via}"));
    }
    lines.push(format!(
        "Thời gian hoàn thành: {}",
        deadline_line(&t.deadline_text, t)
    ));
    if !t.deliverable.trim().is_empty() {
        lines.push(format!("Sản phẩm: {}", t.deliverable));
    }
    lines.push(format!(
        "Tình trạng: {}",
        state_line(&t.state, t.completed_on)
    ));
    lines.push(format!("Xem nhiệm vụ: {url}"));
    Event {
        uid: format!("task-{}@actionplan", t.id),
        stamp: t.updated_at,
        date: t.due_on,
        summary: task_summary(&t.decision, &t.reference, &t.content, completed),
        description: lines.join("\n"),
        url: Some(url),
        categories: vec![t.decision.clone()],
    }
}

fn deadline_line(written: &str, t: &FeedTaskRow) -> String {
    let written = if written.trim().is_empty() {
        "(không ghi)"
    } else {
        written
    };
    let due = format_vi(t.due_on);
    match (t.extended_due_on, t.plan_due_on) {
        (Some(_), Some(plan)) => {
            format!(
                "{written} – hạn {due} (đã gia hạn; hạn theo kế hoạch {})",
                format_vi(plan)
            )
        }
        (Some(_), None) => format!("{written} – hạn {due} (đã gia hạn)"),
        (None, None) => format!("{written} – hạn {due} (do lãnh đạo Bộ xác định)"),
        (None, Some(_)) => format!("{written} – hạn {due}"),
    }
}

fn state_line(state: &str, completed_on: Option<chrono::NaiveDate>) -> String {
    match (TaskState::parse(state), completed_on) {
        (Some(TaskState::Completed), Some(on)) => format!("Hoàn thành ngày {}", format_vi(on)),
        (Some(s), _) => s.label_vi().to_owned(),
        (None, _) => state.to_owned(),
    }
}

fn milestone_event(m: &FeedMilestoneRow, base: &str) -> Event {
    let done = m.done_on.is_some() || m.state == TaskState::Completed.as_str();
    let url = format!("{base}/tasks/{}", m.task_id);
    let mut lines = vec![
        format!(
            "Mốc {} của nhiệm vụ {} {}",
            m.position, m.decision, m.reference
        ),
        format!("Mốc: {}", m.label),
        format!("Nhiệm vụ: {}", m.content),
        String::new(),
        format!("Đơn vị chủ trì: {}", leads(&m.lead_names, &m.lead_text)),
        format!(
            "Thời gian hoàn thành (cả nhiệm vụ): {} – mốc này hạn {}",
            m.deadline_text,
            format_vi(m.due_on)
        ),
    ];
    if let Some(on) = m.done_on {
        lines.push(format!("Mốc đã hoàn thành ngày {}", format_vi(on)));
    }
    lines.push(format!("Xem nhiệm vụ: {url}"));
    Event {
        uid: format!("milestone-{}-{}@actionplan", m.task_id, m.position),
        stamp: m.updated_at,
        date: m.due_on,
        summary: format!(
            "[{} {}] {}Mốc: {}",
            m.decision,
            m.reference,
            done_marker(done),
            shorten(&m.label, SUMMARY_CHARS)
        ),
        description: lines.join("\n"),
        url: Some(url),
        categories: vec![m.decision.clone()],
    }
}

#[derive(Template)]
#[template(path = "calendar/index.html")]
struct CalendarPage {
    layout: Layout,
    /// (label, feed URL without key).
    feeds: Vec<(String, String)>,
    /// The key just made, shown once.
    fresh_key: Option<String>,
    /// "dd/mm/yyyy HH:MM" when the current key was made and last used.
    key_created: Option<String>,
    key_used: Option<String>,
}

impl CalendarPage {
    fn with_key(&self, url: &str, key: &str) -> String {
        format!("{url}?key={key}")
    }

    fn webcal(&self, url: &str, key: &str) -> String {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        format!("webcal://{rest}?key={key}")
    }
}

fn vn_time(at: DateTime<Utc>) -> String {
    (at + TimeDelta::hours(7))
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

async fn calendar_page(
    state: &AppState,
    caller: &auth::Caller,
    fresh_key: Option<String>,
) -> Result<CalendarPage> {
    let base = state.config.public_url.trim_end_matches('/');
    let mut feeds = vec![("Tất cả kế hoạch".to_owned(), format!("{base}/calendar.ics"))];
    for (id, name) in caller.user.unit_ids.iter().zip(&caller.user.unit_names) {
        feeds.push((
            format!("Nhiệm vụ của {name}"),
            format!("{base}/units/{id}/calendar.ics"),
        ));
    }
    let record = db::fetch_calendar_key(&state.db, caller.user.id).await?;
    Ok(CalendarPage {
        layout: Layout::from_query(&params::Query::new(), "calendar", "/calendar")?,
        feeds,
        fresh_key,
        key_created: record.as_ref().map(|r| vn_time(r.created_at)),
        key_used: record.and_then(|r| r.last_used_at).map(vn_time),
    })
}

/// `GET /calendar`
pub async fn show_calendar(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
) -> Result<Response> {
    let Some(caller) = caller else {
        return Ok(Redirect::to("/login?next=/calendar").into_response());
    };
    Ok(render(&calendar_page(&state, &caller, None).await?)?.into_response())
}

/// The form of `/calendar`: renew or revoke the private feed link.
#[derive(Debug, Deserialize)]
pub struct CalendarKeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// `POST /calendar/key`: `action=renew` makes a new link (shown once, the old one stops
/// working); `action=revoke` removes it.
pub async fn post_calendar_key(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Form(form): Form<CalendarKeyForm>,
) -> Result<Response> {
    let Some(caller) = caller else {
        return Ok(Redirect::to("/login?next=/calendar").into_response());
    };
    if !auth::form_is_genuine(&caller, &headers, &form.csrf) {
        return Err(AppError::Forbidden);
    }
    match form.action.as_str() {
        "renew" => {
            let key = db::renew_calendar_key(&state.db, caller.user.id).await?;
            tracing::info!(user.id = caller.user.id, "đã tạo liên kết lịch riêng mới");
            let page = calendar_page(&state, &caller, Some(key)).await?;
            Ok(([(header::CACHE_CONTROL, "no-store")], render(&page)?).into_response())
        }
        "revoke" => {
            db::delete_calendar_key(&state.db, caller.user.id).await?;
            tracing::info!(user.id = caller.user.id, "đã thu hồi liên kết lịch riêng");
            Ok(Redirect::to("/calendar").into_response())
        }
        _ => Err(AppError::BadRequest(
            "Thao tác không hợp lệ: chọn tạo liên kết mới hoặc thu hồi.".to_owned(),
        )),
    }
}
