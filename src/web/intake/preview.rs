//! `GET /plans/import/{id}`: the preview of a draft — the header as read (what is empty or
//! doubtful marked, editable), the warnings with their places, the difference from the stored
//! plan of the same code, every unit marked existing, new or near match, and every section
//! and task as it will be stored. Rendered again, with a message, after a refused post.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};

use super::form::FormValues;
use super::views::{Doubts, Line, UnitView, doubts, lines, unit_views};
use super::{importer, read_plan, refusal};
use crate::auth::MaybeCaller;
use crate::db::intake::{
    self as drafts, DraftRow, Revision, basis_of, check_access, plan_unit_statuses, revision_of,
};
use crate::domain::ids::DraftId;
use crate::error::{AppError, Result, error_page};
use crate::intake::{Mappings, Reading, complete};
use crate::state::AppState;
use crate::web::page::{Layout, render};
use crate::web::params;

#[derive(Template)]
#[template(path = "intake/preview.html")]
pub(super) struct PreviewPage {
    layout: Layout,
    id: DraftId,
    version: i32,
    basis: String,
    file_name: String,
    kept_until: String,
    values: FormValues,
    doubts: Doubts,
    /// What else the header says: (label, value).
    facts: Vec<(&'static str, String)>,
    /// Faults of the posted form and what must still be supplied: (field, message).
    errors: Vec<(&'static str, String)>,
    alert: String,
    notice: String,
    warnings: Vec<String>,
    revision: Option<Revision>,
    units: Vec<UnitView>,
    /// Units that exist (or were mapped before), near matches, new.
    unit_counts: (usize, usize, usize),
    lines: Vec<Line>,
    task_count: usize,
    section_count: usize,
}

impl PreviewPage {
    /// The message on a field, if any.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn field_class(&self, field: &str, doubt: &str) -> &'static str {
        if self.error(field).is_some() {
            "field invalid"
        } else if !doubt.is_empty() {
            "field doubtful"
        } else {
            "field"
        }
    }
}

/// What a render of the preview starts from besides the draft.
#[derive(Default)]
pub(super) struct Shown {
    /// The unit choices shown (the draft's own unless a post is refused).
    pub mappings: Option<Mappings>,
    /// The form's values as typed, after a refused post.
    pub typed: Option<FormValues>,
    pub errors: Vec<(&'static str, String)>,
    pub alert: String,
    pub notice: String,
}

/// `GET /plans/import/{id}`
pub async fn show_draft(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let caller = importer(caller)?;
    let id: DraftId = raw.parse().map_err(|_| AppError::NotFound)?;
    let draft = match check_access(drafts::fetch_draft(&state.db, id).await?, caller.user.id) {
        Ok(draft) => draft,
        Err(error) => return Ok(refusal(&state, id, error).await),
    };
    let notice = if query.contains_key("saved") {
        "Đã lưu các thay đổi của bản nháp; chưa có gì được ghi vào kế hoạch.".to_owned()
    } else {
        String::new()
    };
    let Some(plan) = read_plan(&draft.file_name, &draft.content).await?.ok() else {
        return Ok(unreadable(&draft));
    };
    let reading = complete(plan, &draft.edits());
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    respond(&state, &draft, reading, shown, StatusCode::OK).await
}

/// A stored draft that no longer reads (the reader changed since it was uploaded).
fn unreadable(draft: &DraftRow) -> Response {
    error_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!(
            "Tệp “{}” của bản nháp không còn đọc được. Hãy hủy bản nháp và tải tệp lên lại.",
            draft.file_name
        ),
    )
}

/// The preview page for `reading` of `draft`, with `status`.
pub(super) async fn respond(
    state: &AppState,
    draft: &DraftRow,
    reading: Reading,
    shown: Shown,
    status: StatusCode,
) -> Result<Response> {
    let page = page(state, draft, reading, shown).await?;
    Ok((status, render(&page)?).into_response())
}

async fn page(
    state: &AppState,
    draft: &DraftRow,
    reading: Reading,
    shown: Shown,
) -> Result<PreviewPage> {
    let Reading {
        plan,
        read,
        blockers,
    } = reading;
    let mappings = shown.mappings.unwrap_or_else(|| draft.mappings.0.clone());
    let mut conn = state.db.acquire().await?;
    let statuses = plan_unit_statuses(&mut conn, &plan).await?;
    let revision = revision_of(&mut conn, &plan, &draft.content).await?;
    let basis = basis_of(&mut conn, &plan.header.code).await?;
    drop(conn);
    let units = unit_views(&statuses, &mappings);
    let count = |status: &[&str]| units.iter().filter(|u| status.contains(&u.status)).count();
    let unit_counts = (
        count(&["existing", "mapped"]),
        count(&["near"]),
        count(&["new"]),
    );
    let mut errors = shown.errors;
    // Before any post, the notes on the fields say what is missing; after a refused one, what
    // stops the commit is marked as an error on its field.
    if !shown.alert.is_empty() {
        for (field, message) in blockers {
            if !errors.iter().any(|(f, _)| *f == field) {
                errors.push((field, message));
            }
        }
    }
    let path = format!("/plans/import/{}", draft.id);
    Ok(PreviewPage {
        layout: Layout::from_query(&params::Query::new(), "import", &path)?,
        id: draft.id,
        version: draft.version,
        basis,
        file_name: draft.file_name.clone(),
        kept_until: vn_time(draft.expires_at),
        values: shown.typed.unwrap_or_else(|| FormValues::of(&plan.header)),
        doubts: doubts(&read, &plan.header),
        facts: facts(&plan.header),
        errors,
        alert: shown.alert,
        notice: shown.notice,
        warnings: plan.warnings.iter().map(|w| plan.describe(w)).collect(),
        revision,
        lines: lines(&plan, &units, &mappings),
        units,
        unit_counts,
        task_count: plan.tasks.len(),
        section_count: plan.sections.len(),
    })
}

fn facts(h: &crate::import::DecisionHeader) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    if let Some(place) = &h.place {
        facts.push(("Nơi ban hành", place.clone()));
    }
    if let Some(signer) = &h.signer {
        let title = h.signer_title.as_deref().unwrap_or_default();
        facts.push(("Người ký", format!("{signer} {title}").trim().to_owned()));
    }
    if let Some(plan_title) = &h.plan_title {
        facts.push(("Tên kế hoạch", plan_title.clone()));
    }
    if !h.legal_bases.is_empty() {
        facts.push(("Căn cứ", format!("{} văn bản", h.legal_bases.len())));
    }
    if !h.replaces.is_empty() {
        facts.push(("Thay thế", h.replaces.join("; ")));
    }
    facts
}

/// dd/mm/yyyy HH:MM in Vietnam.
pub(super) fn vn_time(at: DateTime<Utc>) -> String {
    (at + TimeDelta::hours(7))
        .format("%H:%M %d/%m/%Y")
        .to_string()
}
