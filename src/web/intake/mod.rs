//! `/plans/import`: a manager (or an administrator) uploads a plan document, previews it as it
//! will be stored, supplies what it leaves open, maps units that nearly match existing ones,
//! and commits it — or cancels. The draft is kept in PostgreSQL (`db::intake`) and is its
//! uploader's alone; nothing of the plan is written before the commit.

mod commit;
mod form;
mod preview;
mod upload;
mod views;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub use self::commit::{cancel, post_draft};
pub use self::preview::show_draft;
pub use self::upload::{index, upload};
use crate::auth::{self, Caller};
use crate::db::intake::{self as drafts, DRAFT_HOURS, DraftError};
use crate::domain::ids::DraftId;
use crate::domain::role::may_import;
use crate::error::{AppError, Result, error_page};
use crate::import::{ImportError, ParsedPlan, read_document};
use crate::state::AppState;

/// Largest file accepted.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The body limit of the upload route: the file and the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 64 * 1024;

/// The caller, if they may import plans.
fn importer(caller: Option<Caller>) -> Result<Caller> {
    match caller {
        Some(caller) if may_import(caller.user.role()) => Ok(caller),
        _ => Err(AppError::Forbidden),
    }
}

/// A form without the session's token, or posted from elsewhere: refused, nothing written.
fn genuine(caller: &Caller, headers: &HeaderMap, token: &str) -> Option<Response> {
    if auth::form_is_genuine(caller, headers, token) {
        return None;
    }
    tracing::warn!(
        user.id = caller.user.id,
        "biểu mẫu nhập kế hoạch bị từ chối: CSRF"
    );
    Some(error_page(
        StatusCode::FORBIDDEN,
        "Biểu mẫu không hợp lệ hoặc đã hết hạn. Hãy tải lại trang và thử lại; chưa có gì được ghi."
            .to_owned(),
    ))
}

/// The page for a draft this user cannot use now; an expired draft is deleted on the way.
async fn refusal(state: &AppState, id: DraftId, error: DraftError) -> Response {
    let (status, message) = match error {
        DraftError::NotFound => (
            StatusCode::NOT_FOUND,
            format!(
                "Bản nháp này không còn: kế hoạch đã được nhập, bản nháp đã bị hủy, hoặc đã hết hạn (bản nháp được giữ {DRAFT_HOURS} giờ). Hãy tải tệp lên lại."
            ),
        ),
        DraftError::NotYours => {
            tracing::warn!(draft.id = %id, "bản nháp của người khác bị từ chối");
            (
                StatusCode::FORBIDDEN,
                "Bản nháp này do người khác tải lên: chỉ người tải lên mới xem, sửa và nhập được. Chưa có gì được ghi.".to_owned(),
            )
        }
        DraftError::Expired => {
            if let Err(error) = drafts::sweep_expired(&state.db).await {
                tracing::warn!(?error, "không xóa được bản nháp hết hạn");
            }
            (
                StatusCode::GONE,
                format!(
                    "Bản nháp đã hết hạn ({DRAFT_HOURS} giờ sau lần lưu cuối) và đã được xóa; chưa có gì được ghi. Hãy tải tệp lên lại."
                ),
            )
        }
        DraftError::StaleDraft | DraftError::StalePlan => (
            StatusCode::CONFLICT,
            "Bản nháp đã thay đổi sau khi trang được mở. Hãy mở lại bản xem trước.".to_owned(),
        ),
        DraftError::Database(error) => return AppError::Database(error).into_response(),
    };
    error_page(status, message)
}

/// Reads a document as the preview shows it, off the request threads (a large plan takes a
/// moment).
async fn read_plan(file: &str, content: &[u8]) -> Result<Result<ParsedPlan, ImportError>> {
    let (file, content) = (file.to_owned(), content.to_owned());
    tokio::task::spawn_blocking(move || read_document(&file, &content))
        .await
        .map_err(|e| AppError::Other(anyhow::anyhow!("đọc văn bản bị gián đoạn: {e}")))
}
