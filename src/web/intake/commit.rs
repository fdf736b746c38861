//! `POST /plans/import/{id}` saves what the preview's form supplied (`action=save`) or commits
//! the plan with it (`action=commit`, one transaction, then the plan page);
//! `POST /plans/import/{id}/cancel` deletes the draft and writes nothing else. A refused post
//! shows the preview again with the reason and what was typed, and writes nothing.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::{DraftForm, edits_of, mappings_of};
use super::preview::{Shown, respond};
use super::{genuine, importer, read_plan, refusal};
use crate::auth::{Caller, MaybeCaller};
use crate::db::intake::{self as drafts, DraftError, DraftRow, Seen, check_access};
use crate::domain::ids::{DecisionId, DraftId};
use crate::error::{AppError, Result, error_page};
use crate::intake::{Edits, Mappings, Reading, complete};
use crate::state::AppState;

const STALE_DRAFT: &str = "Bản nháp vừa được lưu ở một cửa sổ khác sau khi trang này được mở. Trang đã được tải lại theo nội dung mới nhất; chưa có gì được ghi. Hãy kiểm tra rồi thao tác lại.";

/// `POST /plans/import/{id}`
pub async fn post_draft(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let caller = importer(caller)?;
    let id: DraftId = raw.parse().map_err(|_| AppError::NotFound)?;
    let form = DraftForm::from_pairs(pairs);
    if let Some(refused) = genuine(&caller, &headers, &form.csrf) {
        return Ok(refused);
    }
    let draft = match check_access(drafts::fetch_draft(&state.db, id).await?, caller.user.id) {
        Ok(draft) => draft,
        Err(error) => return Ok(refusal(&state, id, error).await),
    };
    let Ok(plan) = read_plan(&draft.file_name, &draft.content).await? else {
        return Ok(error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Tệp “{}” của bản nháp không còn đọc được; chưa có gì được ghi. Hãy hủy bản nháp và tải tệp lên lại.",
                draft.file_name
            ),
        ));
    };
    if form.version.trim().parse::<i32>().ok() != Some(draft.version) {
        return stale(&state, &draft, complete(plan, &draft.edits())).await;
    }
    let edits = match edits_of(&form.values, &plan.header) {
        Ok(edits) => edits,
        Err(errors) => {
            let shown = Shown {
                typed: Some(form.values),
                errors,
                alert: "Chưa lưu: hãy sửa các trường được đánh dấu.".to_owned(),
                ..Shown::default()
            };
            let reading = complete(plan, &draft.edits());
            return respond(
                &state,
                &draft,
                reading,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let reading = complete(plan, &edits);
    let statuses = {
        let mut conn = state.db.acquire().await?;
        drafts::plan_unit_statuses(&mut conn, &reading.plan).await?
    };
    let mappings = match mappings_of(&form.maps, &statuses) {
        Ok(mappings) => mappings,
        Err(error) => {
            let shown = Shown {
                typed: Some(form.values),
                errors: vec![error],
                alert: "Chưa lưu: lựa chọn đơn vị cần chọn lại.".to_owned(),
                ..Shown::default()
            };
            return respond(
                &state,
                &draft,
                reading,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let request = Request {
        caller: &caller,
        draft: &draft,
        form: &form,
        edits,
        mappings,
    };
    match form.action.as_str() {
        "save" => save(&state, request).await,
        "commit" => commit(&state, request, reading).await,
        _ => Err(AppError::BadRequest(
            "Thao tác không hợp lệ: chỉ có lưu hoặc nhập kế hoạch.".to_owned(),
        )),
    }
}

/// A post, read and checked.
struct Request<'a> {
    caller: &'a Caller,
    draft: &'a DraftRow,
    form: &'a DraftForm,
    edits: Edits,
    mappings: Mappings,
}

async fn save(state: &AppState, r: Request<'_>) -> Result<Response> {
    let saved = drafts::save_draft(
        &state.db,
        r.draft.id,
        r.caller.user.id,
        r.draft.version,
        &r.edits,
        &r.mappings,
    )
    .await?;
    if saved.is_some() {
        return Ok(Redirect::to(&format!("/plans/import/{}?saved=1", r.draft.id)).into_response());
    }
    // Saved elsewhere, cancelled, committed or expired in between.
    reload(state, r.draft.id, r.caller.user.id).await
}

async fn commit(state: &AppState, r: Request<'_>, reading: Reading) -> Result<Response> {
    if !reading.blockers.is_empty() {
        let shown = Shown {
            mappings: Some(r.mappings),
            typed: Some(r.form.values.clone()),
            alert:
                "Chưa thể nhập kế hoạch: hãy bổ sung các trường được đánh dấu. Chưa có gì được ghi."
                    .to_owned(),
            ..Shown::default()
        };
        return respond(
            state,
            r.draft,
            reading,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let seen = Seen {
        version: r.draft.version,
        basis: &r.form.basis,
    };
    let force = r.edits.changes_header() || !r.mappings.is_empty();
    let result = drafts::commit(
        &state.db,
        r.draft,
        r.caller.user.id,
        &seen,
        &reading.plan,
        &r.mappings,
        force,
    )
    .await;
    match result {
        Ok(outcome) => {
            tracing::info!(draft.id = %r.draft.id, user.id = r.caller.user.id, code = %outcome.code,
                tasks = outcome.tasks, status = ?outcome.status, "kế hoạch đã nhập từ trang nhập");
            after_commit(state, outcome.decision_id).await;
            Ok(Redirect::to(&format!("/decisions/{}", outcome.decision_id)).into_response())
        }
        Err(DraftError::StalePlan) => {
            let shown = Shown {
                mappings: Some(r.mappings),
                typed: Some(r.form.values.clone()),
                alert: format!(
                    "Kế hoạch số {} đã được nhập hoặc sửa đổi sau khi bạn mở bản xem trước (hoặc số hiệu vừa nhập trùng một kế hoạch đã có). Phần khác biệt dưới đây đã được tính lại; chưa có gì được ghi. Hãy xem lại rồi bấm “Nhập kế hoạch”.",
                    reading.plan.header.code
                ),
                ..Shown::default()
            };
            respond(state, r.draft, reading, shown, StatusCode::CONFLICT).await
        }
        Err(DraftError::StaleDraft) => reload(state, r.draft.id, r.caller.user.id).await,
        Err(error) => Ok(refusal(state, r.draft.id, error).await),
    }
}

/// The draft as it is now, after a post found it changed: its preview with a message, or why
/// it cannot be used.
async fn reload(state: &AppState, id: DraftId, user: i64) -> Result<Response> {
    match check_access(drafts::fetch_draft(&state.db, id).await?, user) {
        Ok(draft) => {
            let Ok(plan) = read_plan(&draft.file_name, &draft.content).await? else {
                return Err(AppError::BadRequest(
                    "Tệp của bản nháp không còn đọc được.".to_owned(),
                ));
            };
            stale(state, &draft, complete(plan, &draft.edits())).await
        }
        Err(error) => Ok(refusal(state, id, error).await),
    }
}

async fn stale(state: &AppState, draft: &DraftRow, reading: Reading) -> Result<Response> {
    let shown = Shown {
        alert: STALE_DRAFT.to_owned(),
        ..Shown::default()
    };
    respond(state, draft, reading, shown, StatusCode::CONFLICT).await
}

/// Makes this process's caches know of the new plan before the plan page is asked for.
async fn after_commit(state: &AppState, decision: DecisionId) {
    if let Err(error) = state.versions.refresh(&state.db).await {
        // The notification of the write still arrives; until then a list may lag.
        tracing::warn!(
            ?error,
            "không đọc được phiên bản dữ liệu sau khi nhập kế hoạch"
        );
    }
    match drafts::task_ids(&state.db, decision).await {
        Ok(ids) => state.task_details.forget(&ids),
        Err(error) => tracing::warn!(?error, "không đọc được nhiệm vụ của kế hoạch vừa nhập"),
    }
}

/// The cancel form.
#[derive(Debug, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /plans/import/{id}/cancel`
pub async fn cancel(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CancelForm>,
) -> Result<Response> {
    let caller = importer(caller)?;
    let id: DraftId = raw.parse().map_err(|_| AppError::NotFound)?;
    if let Some(refused) = genuine(&caller, &headers, &form.csrf) {
        return Ok(refused);
    }
    match check_access(drafts::fetch_draft(&state.db, id).await?, caller.user.id) {
        Ok(_) | Err(DraftError::Expired) => {
            drafts::delete_draft(&state.db, id, caller.user.id).await?;
            tracing::info!(draft.id = %id, user.id = caller.user.id, "bản nháp nhập kế hoạch đã hủy");
            Ok(Redirect::to("/plans/import?cancelled=1").into_response())
        }
        Err(error) => Ok(refusal(&state, id, error).await),
    }
}
