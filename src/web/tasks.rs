//! `/tasks` (Danh sách nhiệm vụ: filters in the URL, sorting, pages) and `/tasks/{id}` (one task
//! as the plan states it, its status as of the date and its history).

use askama::Template;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use sqlx::PgPool;

use super::api::task_filter;
use super::page::{Layout, Pager, date_vi, query_string, render};
use super::params::{self, today_in_vietnam};
use super::unit_field::{self, UnitChoice};
use super::views::{self, Choice, TaskLine};
use crate::db::{decisions, tasks};
use crate::domain::deadline::{Deadline, DeadlineKind, Milestone, describe, format_vi};
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::role::{Action, Standing, may};
use crate::domain::status::{Category, TaskState};
use crate::error::{AppError, Result};
use crate::index::{PageScope, Shows};
use crate::state::AppState;
use crate::task_details;

const PER_PAGE: i64 = 50;

fn choice(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
    let value = value.into();
    Choice {
        selected: value == current,
        value,
        label: label.into(),
    }
}

#[derive(Template)]
#[template(path = "tasks/list.html")]
struct TaskListPage {
    layout: Layout,
    q: String,
    due_from: String,
    due_to: String,
    decisions: Vec<Choice>,
    sections: Vec<Choice>,
    /// The unit fields as the user sees them: the unit's label, or what they typed.
    lead_unit: String,
    partner_unit: String,
    unit_notices: Vec<UnitNotice>,
    categories: Vec<Choice>,
    states: Vec<Choice>,
    sorts: Vec<Choice>,
    rows: Vec<TaskLine>,
    total: i64,
    pager: Pager,
    filtered: bool,
    /// The programme and body a programme page's link narrowed the list to: kept as hidden
    /// fields of the filter form, and said above the list.
    scope: Vec<(&'static str, String)>,
    scope_note: String,
}

/// `GET /tasks`
pub async fn list_tasks(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<(Option<Extension<Arc<PageScope>>>, Html<String>)> {
    let db = &state.db;
    let layout = Layout::from_query(&query, "tasks", "/tasks")?;
    let as_of = layout.as_of;
    let seen = state.versions().await?;
    let labels = unit_field::unit_labels(&state, seen).await?;
    // The unit fields hold an id (from a link) or a typed name; the filter wants ids.
    let mut by_id = query.clone();
    let mut unit_notices = Vec::new();
    for (key, role) in [("lead_unit", "chủ trì"), ("partner_unit", "phối hợp")] {
        match labels.resolve(query.get(key).map(String::as_str)) {
            UnitChoice::Any => {}
            UnitChoice::Unit(id) => {
                by_id.insert(key.to_owned(), id.to_string());
            }
            choice => unit_notices.push(UnitNotice::new(key, role, choice, &query, &layout)),
        }
    }
    if !unit_notices.is_empty() {
        for key in ["lead_unit", "partner_unit"] {
            by_id.remove(key);
        }
    }
    let (mut filter, _) = task_filter(&by_id)
        .map_err(|e| AppError::BadRequest(format!("Bộ lọc \"{}\": {}", e.parameter, e.message)))?;
    filter.query = filter.query.map(|q| crate::domain::text::nfc(&q));
    let page = params::positive(&query, "page", 1, 100_000)
        .map_err(|e| AppError::BadRequest(e.message))?;
    // A unit name that matches no unit, or several, lists nothing until it is made precise.
    let listed = if unit_notices.is_empty() {
        Some(
            super::api::cached_task_page(&state, seen, &filter, layout.as_of, page, PER_PAGE)
                .await?,
        )
    } else {
        None
    };
    let (total, rows) = listed
        .as_deref()
        .map_or((0, &[][..]), |l| (l.total, &l.rows[..]));
    let get = |k: &str| params::text(&query, k).unwrap_or_default();
    let unit_value = |k: &str| match filter_unit(&filter, k) {
        Some(id) => labels.label(id).unwrap_or_default().to_owned(),
        None => get(k),
    };
    let decision_list = state
        .caches
        .decision_names
        .get_or_compute(db, seen, (), || decisions::list_decision_names(db))
        .await?;
    let chosen_decision = decision_list
        .iter()
        .find(|(_, code, _)| Some(code) == filter.decision_code.as_ref());
    let sections = match chosen_decision {
        Some((id, _, _)) => decisions::list_sections(db, *id).await?,
        None => Vec::new(),
    };
    let pager = Pager::new(page, total, PER_PAGE, |p| {
        let mut q = query.clone();
        q.insert("page".to_owned(), p.to_string());
        q.remove("as_of");
        layout.href(&format!("/tasks?{}", query_string(&q)))
    });
    let (scope, scope_note) = super::programmes::list_scope(db, &filter).await?;
    let page_view = TaskListPage {
        scope,
        scope_note,
        q: get("q"),
        due_from: date_vi(filter.due_from),
        due_to: date_vi(filter.due_to),
        decisions: std::iter::once(choice("", "Tất cả kế hoạch", &get("decision")))
            .chain(decision_list.iter().map(|(_, code, issuer)| {
                choice(code.clone(), format!("{code} – {issuer}"), &get("decision"))
            }))
            .collect(),
        sections: std::iter::once(choice(
            "",
            if chosen_decision.is_some() {
                "Tất cả mục"
            } else {
                "Chọn kế hoạch trước"
            },
            &get("section"),
        ))
        .chain(sections.iter().map(|s| {
            choice(
                s.code.clone(),
                format!("{}. {}", s.code, s.title),
                &get("section"),
            )
        }))
        .collect(),
        lead_unit: unit_value("lead_unit"),
        partner_unit: unit_value("partner_unit"),
        unit_notices,
        categories: std::iter::once(choice("", "Tất cả", &get("category")))
            .chain(
                Category::ALL
                    .iter()
                    .map(|c| choice(c.as_str(), c.label_vi(), &get("category"))),
            )
            .collect(),
        states: std::iter::once(choice("", "Tất cả", &get("state")))
            .chain(
                TaskState::ALL
                    .iter()
                    .map(|s| choice(s.as_str(), s.label_vi(), &get("state"))),
            )
            .collect(),
        sorts: [
            ("plan", "Theo thứ tự kế hoạch"),
            ("due", "Theo hạn hoàn thành"),
            ("unit", "Theo đơn vị chủ trì"),
        ]
        .into_iter()
        // Relevance means something only for a search.
        .chain(
            filter
                .query
                .is_some()
                .then_some(("relevance", "Phù hợp nhất với từ tìm")),
        )
        .map(|(v, l)| choice(v, l, filter.sort.as_str()))
        .collect(),
        rows: rows.iter().map(|r| TaskLine::new(r, &layout)).collect(),
        total,
        pager,
        filtered: query
            .iter()
            .any(|(k, v)| !v.is_empty() && !matches!(k.as_str(), "as_of" | "page" | "sort")),
        layout,
    };
    // The page stays good through writes to tasks it does not list (`PageScope`).
    let scope = listed.and_then(|listed| {
        let at = listed.copy?;
        Some(Extension(Arc::new(PageScope {
            at,
            shows: Shows::List {
                filter: Box::new(filter),
                as_of,
                shown: listed.rows.iter().map(|r| r.id.0).collect(),
            },
        })))
    });
    Ok((scope, render(&page_view)?))
}

fn filter_unit(filter: &tasks::TaskFilter, key: &str) -> Option<UnitId> {
    match key {
        "lead_unit" => filter.lead_unit,
        _ => filter.partner_unit,
    }
}

/// A unit field that names no unit, or several: what was typed, and links to the namesakes.
struct UnitNotice {
    message: String,
    choices: Vec<(String, String)>,
}

impl UnitNotice {
    fn new(
        key: &str,
        role: &str,
        choice: UnitChoice,
        query: &params::Query,
        layout: &Layout,
    ) -> Self {
        let link = |id: UnitId| {
            let mut chosen = query.clone();
            chosen.remove("page");
            chosen.remove("as_of");
            chosen.insert(key.to_owned(), id.to_string());
            layout.href(&format!("/tasks?{}", query_string(&chosen)))
        };
        match choice {
            UnitChoice::NotFound(typed) => UnitNotice {
                message: format!("Không tìm thấy đơn vị {role} nào có tên “{typed}”."),
                choices: Vec::new(),
            },
            UnitChoice::Ambiguous {
                typed,
                count,
                first,
            } => UnitNotice {
                message: format!(
                    "“{typed}” khớp với {count} đơn vị {role}; chọn một đơn vị{}:",
                    if count > first.len() {
                        format!(" (hiện {} đơn vị đầu, gõ thêm để thu hẹp)", first.len())
                    } else {
                        String::new()
                    }
                ),
                choices: first
                    .into_iter()
                    .map(|(id, label)| (link(id), label))
                    .collect(),
            },
            UnitChoice::Any | UnitChoice::Unit(_) => UnitNotice {
                message: String::new(),
                choices: Vec::new(),
            },
        }
    }
}

/// What the signed-in user may do on the task page, and the state of its forms.
#[derive(Default)]
pub struct Controls {
    pub can_update: bool,
    pub can_note: bool,
    pub can_review: bool,
    pub can_extend: bool,
    pub can_settle: bool,
    pub version: i32,
    pub csrf: String,
    pub pending: bool,
    pub proposed_on: String,
    pub states: Vec<Choice>,
    /// (index, label, done)
    pub milestones: Vec<(usize, String, bool)>,
    pub today: String,
    pub extended_due_on: String,
    /// The field a refused change was wrong in, and why.
    pub error_field: String,
    pub error: String,
    /// The note the user typed, kept when the change was refused.
    pub note: String,
    pub saved: bool,
    /// The default day an explanation is asked by.
    pub explain_due: String,
}

impl Controls {
    pub fn any(&self) -> bool {
        self.can_update || self.can_note || self.can_review || self.can_extend || self.can_settle
    }
}

#[derive(Template)]
#[template(path = "tasks/show.html")]
struct TaskPage {
    layout: Layout,
    task: TaskLine,
    section_title: String,
    heading: String,
    content: String,
    lead_text: String,
    partner_text: String,
    deliverable: String,
    /// The plan's other columns, by name, as written.
    attributes: Vec<(String, String)>,
    deadline_text: String,
    deadline_meaning: String,
    deadline_kind: String,
    state_label: String,
    completed_on: String,
    leads: Vec<views::UnitLink>,
    partners: Vec<views::UnitLink>,
    milestones: Vec<views::MilestoneLine>,
    events: Vec<views::EventLine>,
    decision_href: String,
    controls: Controls,
}

async fn task_page(state: &AppState, id: TaskId, query: &params::Query) -> Result<TaskPage> {
    let db = &state.db;
    let layout = Layout::from_query(query, "tasks", &format!("/tasks/{id}"))?;
    let tasks::TaskDetail {
        task: row,
        decision_id,
        units: links,
        milestones,
        events,
    } = task_details::load(
        db,
        &state.task_details,
        id,
        layout.as_of,
        today_in_vietnam(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let kind = DeadlineKind::parse(&row.deadline_kind).unwrap_or(DeadlineKind::Unparsed);
    let meaning = describe(&Deadline {
        kind,
        // What the plan's text means; an extension is shown with the status below.
        due_on: row.due_on,
        milestones: milestones
            .iter()
            .map(|m| Milestone {
                label: m.label.clone(),
                due_on: m.due_on,
            })
            .collect(),
        recurs_from: row.recurs_from,
    });
    let controls = controls_for(db, &row, &milestones).await?;
    Ok(TaskPage {
        section_title: row
            .section_title
            .clone()
            .map(|t| format!("{}. {t}", row.section.clone().unwrap_or_default()))
            .unwrap_or_default(),
        heading: row.heading.clone().unwrap_or_default(),
        content: row.content.clone(),
        lead_text: row.lead_text.clone(),
        partner_text: row.partner_text.clone(),
        deliverable: row.deliverable.clone(),
        attributes: views::attributes(&row.attributes),
        deadline_text: row.deadline_text.clone(),
        deadline_meaning: meaning,
        deadline_kind: kind.label_vi().to_owned(),
        state_label: TaskState::parse(&row.state)
            .map_or("", |s| s.label_vi())
            .to_owned(),
        completed_on: date_vi(row.completed_on),
        leads: views::unit_links(&links, "lead", &layout),
        partners: views::unit_links(&links, "partner", &layout),
        milestones: milestones
            .iter()
            .map(|m| views::MilestoneLine::new(m, layout.as_of))
            .collect(),
        events: events.iter().map(views::EventLine::new).collect(),
        decision_href: layout.href(&format!("/decisions/{decision_id}")),
        task: TaskLine::new(&row, &layout),
        controls: Controls {
            saved: params::text(query, "saved").is_some(),
            ..controls
        },
        layout,
    })
}

async fn controls_for(
    db: &PgPool,
    row: &tasks::TaskRow,
    milestones: &[tasks::MilestoneRow],
) -> Result<Controls> {
    let Some(caller) = crate::auth::current() else {
        return Ok(Controls::default());
    };
    let (leads, partners) = crate::db::updates::standing_on(db, caller.user.id, row.id).await?;
    let standing = Standing {
        role: caller.user.role(),
        leads,
        partners,
    };
    let state = TaskState::parse(&row.state).unwrap_or(TaskState::NotStarted);
    Ok(Controls {
        can_update: may(standing, Action::Update),
        can_note: may(standing, Action::Note),
        can_review: may(standing, Action::Review) && row.pending_confirmation,
        can_extend: may(standing, Action::Extend)
            && row.due_on.is_some()
            && state != TaskState::Completed,
        can_settle: may(standing, Action::Settle) && row.deadline_kind == "unparsed",
        version: row.version,
        csrf: caller.csrf.unwrap_or_default(),
        pending: row.pending_confirmation,
        proposed_on: date_vi(row.proposed_completed_on),
        states: TaskState::ALL
            .iter()
            .map(|s| {
                choice(
                    s.as_str(),
                    s.label_vi(),
                    if row.pending_confirmation {
                        "completed"
                    } else {
                        &row.state
                    },
                )
            })
            .collect(),
        milestones: milestones
            .iter()
            .map(|m| {
                (
                    usize::try_from(m.position - 1).unwrap_or_default(),
                    format!("{} (hạn {})", m.label, format_vi(m.due_on)),
                    m.done_on.is_some(),
                )
            })
            .collect(),
        today: format_vi(today_in_vietnam()),
        extended_due_on: date_vi(row.extended_due_on),
        explain_due: super::explanations::default_due(today_in_vietnam()),
        ..Controls::default()
    })
}

/// `GET /tasks/{id}`
pub async fn show_task(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let id: TaskId = raw.parse().map_err(|_| AppError::NotFound)?;
    render(&task_page(&state, id, &query).await?)
}

/// The task page again after a refused change: the reason beside the form, the user's note kept.
pub async fn task_page_with_error(
    state: &AppState,
    id: TaskId,
    query: &params::Query,
    status: StatusCode,
    field: &str,
    message: &str,
    note: Option<String>,
) -> Response {
    match task_page(state, id, query).await {
        Ok(mut page) => {
            page.controls.error_field = field.to_owned();
            page.controls.error = message.to_owned();
            page.controls.note = note.unwrap_or_default();
            page.controls.saved = false;
            match render(&page) {
                Ok(html) => (status, html).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}
