//! `GET /plans/import`: the upload form and one's own drafts; `POST /plans/import`: a file is
//! read at once — a format the importer cannot read (.doc, PDF, an image) or a document
//! without a plan table is refused on the form, with the file's name — and kept as a draft.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::preview::vn_time;
use super::{MAX_UPLOAD_BYTES, genuine, importer, read_plan};
use crate::auth::{Caller, MaybeCaller};
use crate::db::intake::{self as drafts, DRAFT_HOURS};
use crate::domain::ids::DraftId;
use crate::error::Result;
use crate::state::AppState;
use crate::web::page::{Layout, render};
use crate::web::params;

#[derive(Template)]
#[template(path = "intake/index.html")]
struct IndexPage {
    layout: Layout,
    drafts: Vec<DraftLine>,
    error: String,
    notice: String,
    max_mb: usize,
    hours: i64,
}

struct DraftLine {
    id: DraftId,
    file_name: String,
    code: String,
    uploaded: String,
    kept_until: String,
}

async fn index_page(
    state: &AppState,
    caller: &Caller,
    error: String,
    notice: String,
    status: StatusCode,
) -> Result<Response> {
    drafts::sweep_expired(&state.db).await?;
    let lines = drafts::list_drafts(&state.db, caller.user.id)
        .await?
        .into_iter()
        .map(|d| DraftLine {
            id: d.id,
            file_name: d.file_name,
            code: d.code.unwrap_or_default(),
            uploaded: vn_time(d.created_at),
            kept_until: vn_time(d.expires_at),
        })
        .collect();
    let page = IndexPage {
        layout: Layout::from_query(&params::Query::new(), "import", "/plans/import")?,
        drafts: lines,
        error,
        notice,
        max_mb: MAX_UPLOAD_BYTES / 1024 / 1024,
        hours: DRAFT_HOURS,
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /plans/import`
pub async fn index(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let caller = importer(caller)?;
    let notice = if query.contains_key("cancelled") {
        "Đã hủy bản nháp; không có gì được ghi vào kế hoạch.".to_owned()
    } else {
        String::new()
    };
    index_page(&state, &caller, String::new(), notice, StatusCode::OK).await
}

/// The upload as posted.
#[derive(Default)]
struct Upload {
    csrf: String,
    /// (file name, bytes) when a file was chosen.
    file: Option<(String, Vec<u8>)>,
}

/// Why the upload could not be read: its status and message.
type UploadFault = (StatusCode, String);

fn too_large() -> UploadFault {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "Tệp quá lớn: tối đa {} MB. Kế hoạch dạng .docx thường chỉ vài trăm KB; hãy bỏ ảnh trong văn bản rồi lưu lại.",
            MAX_UPLOAD_BYTES / 1024 / 1024
        ),
    )
}

async fn read_upload(mut multipart: Multipart) -> std::result::Result<Upload, UploadFault> {
    let fault = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            (
                StatusCode::BAD_REQUEST,
                "Biểu mẫu tải lên không đọc được; hãy chọn lại tệp và gửi lại.".to_owned(),
            )
        }
    };
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(fault)? {
        match field.name().unwrap_or_default() {
            "csrf" => upload.csrf = field.text().await.map_err(fault)?,
            "file" => {
                let name = clean_file_name(field.file_name().unwrap_or_default());
                let bytes = field.bytes().await.map_err(fault)?;
                if bytes.len() > MAX_UPLOAD_BYTES {
                    return Err(too_large());
                }
                if !name.is_empty() || !bytes.is_empty() {
                    upload.file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /plans/import`
pub async fn upload(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response> {
    let caller = importer(caller)?;
    let (state, caller) = (&state, &caller);
    let refuse =
        move |status, message: String| index_page(state, caller, message, String::new(), status);
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err((status, message)) => return refuse(status, message).await,
    };
    if let Some(refused) = genuine(caller, &headers, &upload.csrf) {
        return Ok(refused);
    }
    let Some((name, bytes)) = upload.file else {
        let message = "Hãy chọn tệp kế hoạch (.docx, .html, .txt hoặc .md).".to_owned();
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, message).await;
    };
    let name = if name.is_empty() {
        "ke-hoach".to_owned()
    } else {
        name
    };
    if bytes.is_empty() {
        let message = format!("Tệp “{name}” rỗng: hãy chọn đúng tệp kế hoạch.");
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, message).await;
    }
    if let Err(error) = read_plan(&name, &bytes).await? {
        let place = error.place.map(|p| format!(" ({p})")).unwrap_or_default();
        let message = format!("Tệp “{name}” bị từ chối{place}: {}", error.message);
        tracing::info!(user.id = caller.user.id, file = %name, "tệp kế hoạch bị từ chối khi tải lên");
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, message).await;
    }
    drafts::sweep_expired(&state.db).await?;
    let id = drafts::insert_draft(&state.db, caller.user.id, &name, &bytes).await?;
    tracing::info!(draft.id = %id, user.id = caller.user.id, file = %name, bytes = bytes.len(), "bản nháp nhập kế hoạch đã tạo");
    Ok(Redirect::to(&format!("/plans/import/{id}")).into_response())
}

/// A file name as shown and stored: no path, no control characters, bounded.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Văn bản\\kế hoạch.docx"),
            "kế hoạch.docx"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\r\nb.md"), "ab.md");
        assert_eq!(clean_file_name(""), "");
    }
}
