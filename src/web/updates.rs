//! Changing a task: the forms on the task page (`POST /tasks/{id}/events`, multipart so a file
//! can come along) and the same actions in the API (`POST /api/v1/tasks/{id}/events`, JSON with
//! a bearer token). Both read the request into one `updates::Request` and answer from one
//! `UpdateError`.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::params::{self, today_in_vietnam};
use crate::auth::{self, MaybeCaller};
use crate::db::tasks::TaskDetail;
use crate::db::updates::{self, Applied, Evidence, Request, UpdateError};
use crate::domain::ids::TaskId;
use crate::domain::limits;
use crate::domain::status::TaskState;
use crate::domain::update::Change;
use crate::state::AppState;

/// Largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// The body limit of the JSON change API (set on its route).
pub const JSON_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The fields of a change, as the form or the JSON body gives them.
#[derive(Debug, Default, Deserialize)]
pub struct ChangeFields {
    pub kind: String,
    pub state: Option<String>,
    pub completed_on: Option<String>,
    pub note: Option<String>,
    pub evidence_url: Option<String>,
    pub milestone: Option<serde_json::Value>,
    pub done_on: Option<String>,
    pub due_on: Option<String>,
    pub basis: Option<String>,
    pub version: Option<serde_json::Value>,
}

type FieldError = (&'static str, String);

fn date_field(value: Option<&str>, field: &'static str) -> Result<Option<NaiveDate>, FieldError> {
    let mut query = params::Query::new();
    if let Some(v) = value {
        query.insert(field.to_owned(), v.to_owned());
    }
    let field_name: &'static str = field;
    params::date(&query, field_name).map_err(|e| (field, format!("Ngày {}", e.message)))
}

fn required_date(value: Option<&str>, field: &'static str) -> Result<NaiveDate, FieldError> {
    date_field(value, field)?.ok_or((field, "Hãy nhập ngày (dd/mm/yyyy).".to_owned()))
}

fn number(
    value: Option<&serde_json::Value>,
    field: &'static str,
) -> Result<Option<i64>, FieldError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or((field, "phải là số nguyên".to_owned())),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| (field, "phải là số nguyên".to_owned())),
        Some(_) => Err((field, "phải là số nguyên".to_owned())),
    }
}

/// Every field's length and characters, before any parsing or folding.
fn check_lengths(fields: &ChangeFields) -> Result<(), FieldError> {
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().to_owned();
    let json = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let bounded = [
        ("kind", fields.kind.clone(), limits::SHORT, "Loại thay đổi"),
        ("state", text(&fields.state), limits::SHORT, "Trạng thái"),
        (
            "completed_on",
            text(&fields.completed_on),
            limits::SHORT,
            "Ngày hoàn thành",
        ),
        ("note", text(&fields.note), limits::NOTE, "Ghi chú"),
        (
            "evidence_url",
            text(&fields.evidence_url),
            limits::URL,
            "Đường dẫn minh chứng",
        ),
        ("milestone", json(&fields.milestone), limits::SHORT, "Mốc"),
        ("done_on", text(&fields.done_on), limits::SHORT, "Ngày xong"),
        ("due_on", text(&fields.due_on), limits::SHORT, "Thời hạn"),
        ("basis", text(&fields.basis), limits::BASIS, "Căn cứ"),
        ("version", json(&fields.version), limits::SHORT, "Phiên bản"),
    ];
    for (field, value, max, label) in bounded {
        if limits::too_long(&value, max) {
            return Err((field, format!("{label} quá dài (tối đa {max} ký tự).")));
        }
        // PostgreSQL cannot store a NUL character in text.
        if value.contains('\0') {
            return Err((field, format!("{label} chứa ký tự không hợp lệ (NUL).")));
        }
    }
    Ok(())
}

/// Reads the fields into a request (evidence file added by the caller).
pub fn read_request(fields: &ChangeFields) -> Result<Request, FieldError> {
    check_lengths(fields)?;
    let change = match fields.kind.as_str() {
        "state" => {
            let state = fields.state.as_deref().and_then(TaskState::parse).ok_or((
                "state",
                "Trạng thái phải là not_started, in_progress hoặc completed.".to_owned(),
            ))?;
            let completed_on = date_field(
                fields
                    .completed_on
                    .as_deref()
                    .filter(|s| !s.trim().is_empty()),
                "completed_on",
            )?;
            Change::State {
                state,
                completed_on,
            }
        }
        "note" => Change::Note,
        "milestone" => {
            let index = number(fields.milestone.as_ref(), "milestone")?
                .ok_or(("milestone", "Hãy chọn mốc.".to_owned()))?;
            let index = usize::try_from(index)
                .map_err(|_| ("milestone", "Mốc không hợp lệ.".to_owned()))?;
            let done_on = date_field(
                fields.done_on.as_deref().filter(|s| !s.trim().is_empty()),
                "done_on",
            )?
            .unwrap_or_else(today_in_vietnam);
            Change::Milestone { index, done_on }
        }
        "confirm" => Change::Confirm,
        "return" => Change::Return,
        "extend" => Change::Extend {
            due_on: required_date(fields.due_on.as_deref(), "due_on")?,
            basis: fields.basis.clone().unwrap_or_default().trim().to_owned(),
        },
        "settle" => Change::Settle {
            due_on: required_date(fields.due_on.as_deref(), "due_on")?,
        },
        _ => return Err((
            "kind",
            "Loại thay đổi phải là state, note, milestone, confirm, return, extend hoặc settle."
                .to_owned(),
        )),
    };
    let version = number(fields.version.as_ref(), "version")?
        .map(|v| i32::try_from(v).map_err(|_| ("version", "không hợp lệ".to_owned())))
        .transpose()?;
    let url = fields
        .evidence_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    if let Some(url) = url
        && (!(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000)
    {
        return Err((
            "evidence_url",
            "Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://.".to_owned(),
        ));
    }
    let note = fields
        .note
        .as_deref()
        .map(|n| crate::domain::text::nfc(n.trim()))
        .filter(|n| !n.is_empty());
    Ok(Request {
        change,
        note,
        version,
        evidence: Evidence {
            url: url.map(str::to_owned),
            file: None,
        },
    })
}

fn api_error(status: StatusCode, error: &str, field: Option<&str>, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "field": field, "message": message })),
    )
        .into_response()
}

/// `POST /api/v1/tasks/{id}/events`
pub async fn post_event_json(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Result<Json<ChangeFields>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Some(caller) = caller else {
        return auth::unauthorized_json();
    };
    // A session cookie rides along with any cross-site request; it counts here only with the
    // session's CSRF token in a header (which another site cannot read) from this origin.
    // Bearer tokens are never sent by a browser on its own.
    if caller.csrf.is_some() {
        let token = headers
            .get(auth::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !auth::form_is_genuine(&caller, &headers, token) {
            return api_error(
                StatusCode::FORBIDDEN,
                "csrf",
                Some(auth::CSRF_HEADER),
                "yêu cầu dùng cookie phiên phải kèm mã chống giả mạo (X-CSRF-Token) và đến từ chính trang này; ứng dụng khác hãy dùng Authorization: Bearer",
            );
        }
    }
    let Ok(id) = raw.parse::<TaskId>() else {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            None,
            "không tìm thấy nhiệm vụ",
        );
    };
    let Json(fields) = match body {
        Ok(body) => body,
        Err(rejection) => {
            // The rejection knows its status: 413 for a body over the limit, 415 without
            // the JSON content type, 422 for a well-formed body of the wrong shape, else 400.
            let status = rejection.status();
            let (error, message) = if status == StatusCode::PAYLOAD_TOO_LARGE {
                (
                    "too_large",
                    format!(
                        "nội dung quá lớn (tối đa {} MB)",
                        JSON_BODY_LIMIT / 1024 / 1024
                    ),
                )
            } else {
                ("bad_request", rejection.body_text())
            };
            return api_error(status, error, Some("body"), &message);
        }
    };
    let request = match read_request(&fields) {
        Ok(request) => request,
        Err((field, message)) => {
            return api_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Some(field),
                &message,
            );
        }
    };
    tracing::info!(task.id = %id, user.id = caller.user.id, kind = request.change.kind(), version = ?request.version, "yêu cầu cập nhật nhiệm vụ (API)");
    let today = today_in_vietnam();
    // The task as its page keeps it: the answer is made from it and the change when nothing
    // else changed the task in between (`TaskDetail::after_write`), else read again.
    let kept = state.task_details.get(id, today);
    match apply(&state, &caller.user, id, request, today).await {
        Ok(applied) => {
            let now = kept
                .zip(applied.queued.as_ref())
                .and_then(|(kept, (write, written))| kept.after_write(write, written, today));
            written_answer(&state, id, today, now, applied.version).await
        }
        Err(error) => update_error_json(id, &error),
    }
}

/// The 201 to a change: the task as it is now (`now`, or read again).
async fn written_answer(
    state: &AppState,
    id: TaskId,
    today: NaiveDate,
    now: Option<TaskDetail>,
    version: i32,
) -> Response {
    match super::api::written_task_json(state, id, today, now).await {
        Ok(task) => (StatusCode::CREATED, Json(task)).into_response(),
        // The change is committed: say so, even if the task cannot be read back now
        // (the database went away in between). A 5xx here would make the client retry a
        // write that was made.
        Err(error) => {
            tracing::warn!(task.id = %id, ?error, "đã lưu thay đổi nhưng không đọc lại được nhiệm vụ");
            (
                StatusCode::CREATED,
                Json(json!({
                    "id": id,
                    "version": version,
                    "reread": false,
                    "message": "đã lưu thay đổi; chưa đọc lại được nhiệm vụ, hãy tải lại sau"
                })),
            )
                .into_response()
        }
    }
}

/// Applies a change, then makes sure this process's caches know of it before answering: the
/// page the user is sent to next must show what they just saved.
async fn apply(
    state: &AppState,
    user: &crate::db::users::UserRow,
    id: TaskId,
    request: Request,
    today: NaiveDate,
) -> std::result::Result<Applied, UpdateError> {
    // Not written within the time a connection would be waited for: answered as the pool would
    // (503), not after the changes ahead have each waited for a database that is away.
    let give_up_at = std::time::Instant::now() + crate::db::pool::ACQUIRE_TIMEOUT;
    let applied = updates::apply_change(
        &state.db,
        &state.writes,
        user,
        id,
        request,
        today,
        give_up_at,
    )
    .await?;
    // The notification of the change forgets the task too, but may arrive after the next page.
    state.task_details.forget(&[id]);
    if let Err(error) = state.versions.refresh(&state.db).await {
        // The notification of the write still arrives; until then a list may lag.
        tracing::warn!(?error, "không đọc được phiên bản dữ liệu sau khi ghi");
    }
    Ok(applied)
}

fn update_error_json(id: TaskId, error: &UpdateError) -> Response {
    match error {
        UpdateError::NotFound => api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            None,
            "không tìm thấy nhiệm vụ",
        ),
        UpdateError::Forbidden => {
            tracing::warn!(task.id = %id, "cập nhật bị từ chối: không có quyền");
            api_error(
                StatusCode::FORBIDDEN,
                "forbidden",
                None,
                "bạn không có quyền thực hiện thay đổi này trên nhiệm vụ này",
            )
        }
        UpdateError::Invalid(field, message) => api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some(field),
            message,
        ),
        UpdateError::Stale { .. } => {
            tracing::warn!(task.id = %id, %error, "cập nhật bị từ chối: phiên bản cũ");
            api_error(
                StatusCode::CONFLICT,
                "stale_version",
                Some("version"),
                &error.to_string(),
            )
        }
        UpdateError::Database(e) if crate::db::pool::is_unavailable(e) => {
            crate::error::unavailable_json(e)
        }
        UpdateError::Database(e) => {
            tracing::error!(?e, "lỗi cơ sở dữ liệu khi cập nhật nhiệm vụ");
            api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                None,
                "lỗi hệ thống, vui lòng thử lại sau",
            )
        }
    }
}

/// Content types evidence is served back with; anything else is served as a download of bytes.
pub(crate) fn safe_content_type(name: &str) -> String {
    let lower = name.to_lowercase();
    let by_extension = [
        (".pdf", "application/pdf"),
        (".png", "image/png"),
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".txt", "text/plain; charset=utf-8"),
        (
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (".doc", "application/msword"),
        (".xls", "application/vnd.ms-excel"),
        (".zip", "application/zip"),
    ];
    by_extension
        .iter()
        .find(|(ext, _)| lower.ends_with(ext))
        .map_or_else(
            || "application/octet-stream".to_owned(),
            |(_, t)| (*t).to_owned(),
        )
}

/// A file name safe to store and to put in a header.
pub(crate) fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .take(200)
        .collect();
    if cleaned.trim().is_empty() {
        "minh-chung".to_owned()
    } else {
        cleaned
    }
}

/// The outcome of reading a multipart form.
struct FormPost {
    fields: ChangeFields,
    csrf: String,
    file: Option<(String, String, Vec<u8>)>,
}

async fn read_multipart(mut multipart: Multipart) -> Result<FormPost, FieldError> {
    let mut post = FormPost {
        fields: ChangeFields::default(),
        csrf: String::new(),
        file: None,
    };
    let too_big = || {
        (
            "evidence",
            format!(
                "Tệp minh chứng quá lớn (tối đa {} MB).",
                MAX_EVIDENCE_BYTES / 1024 / 1024
            ),
        )
    };
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "evidence" {
            let file_name = clean_file_name(field.file_name().unwrap_or_default());
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            if bytes.len() > MAX_EVIDENCE_BYTES {
                return Err(too_big());
            }
            if !bytes.is_empty() {
                let content_type = safe_content_type(&file_name);
                post.file = Some((file_name, content_type, bytes.to_vec()));
            }
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|_| ("form", "Biểu mẫu không đọc được.".to_owned()))?;
        let f = &mut post.fields;
        match name.as_str() {
            "csrf" => post.csrf = text,
            "kind" => f.kind = text,
            "state" => f.state = Some(text),
            "completed_on" => f.completed_on = Some(text),
            "note" => f.note = Some(text),
            "evidence_url" => f.evidence_url = Some(text),
            "milestone" => f.milestone = Some(serde_json::Value::String(text)),
            "done_on" => f.done_on = Some(text),
            "due_on" => f.due_on = Some(text),
            "basis" => f.basis = Some(text),
            "version" => f.version = Some(serde_json::Value::String(text)),
            _ => {}
        }
    }
    Ok(post)
}

/// `POST /tasks/{id}/events`: the task page's forms.
pub async fn post_event_form(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(raw): Path<String>,
    Query(query): Query<params::Query>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let Ok(id) = raw.parse::<TaskId>() else {
        return crate::error::AppError::NotFound.into_response();
    };
    let Some(caller) = caller else {
        return Redirect::to(&format!("/login?next=/tasks/{id}")).into_response();
    };
    let post = match read_multipart(multipart).await {
        Ok(post) => post,
        Err((field, message)) => {
            return super::tasks::task_page_with_error(
                &state,
                id,
                &query,
                StatusCode::UNPROCESSABLE_ENTITY,
                field,
                &message,
                None,
            )
            .await;
        }
    };
    if !auth::form_is_genuine(&caller, &headers, &post.csrf) {
        tracing::warn!(task.id = %id, user.id = caller.user.id, "biểu mẫu bị từ chối: CSRF");
        return (
            StatusCode::FORBIDDEN,
            crate::error::error_page(
                StatusCode::FORBIDDEN,
                "Biểu mẫu không hợp lệ hoặc đã hết hạn. Hãy tải lại trang và thử lại.".to_owned(),
            ),
        )
            .into_response();
    }
    let note = post.fields.note.clone();
    let mut request = match read_request(&post.fields) {
        Ok(request) => request,
        Err((field, message)) => {
            return super::tasks::task_page_with_error(
                &state,
                id,
                &query,
                StatusCode::UNPROCESSABLE_ENTITY,
                field,
                &message,
                note,
            )
            .await;
        }
    };
    request.evidence.file = post.file;
    tracing::info!(task.id = %id, user.id = caller.user.id, kind = request.change.kind(), version = ?request.version, "yêu cầu cập nhật nhiệm vụ");
    match apply(&state, &caller.user, id, request, today_in_vietnam()).await {
        Ok(_) => Redirect::to(&format!("/tasks/{id}?saved=1")).into_response(),
        Err(UpdateError::NotFound) => crate::error::AppError::NotFound.into_response(),
        Err(UpdateError::Forbidden) => {
            tracing::warn!(task.id = %id, user.id = caller.user.id, "cập nhật bị từ chối: không có quyền");
            crate::error::AppError::Forbidden.into_response()
        }
        Err(UpdateError::Invalid(field, message)) => {
            super::tasks::task_page_with_error(
                &state,
                id,
                &query,
                StatusCode::UNPROCESSABLE_ENTITY,
                field,
                &message,
                note,
            )
            .await
        }
        Err(error @ UpdateError::Stale { .. }) => {
            tracing::warn!(task.id = %id, %error, "cập nhật bị từ chối: phiên bản cũ");
            let message = "Nhiệm vụ vừa được người khác cập nhật trong lúc bạn nhập. Thông tin mới nhất đã được tải lại bên dưới; nội dung bạn nhập vẫn được giữ, hãy kiểm tra và gửi lại.";
            super::tasks::task_page_with_error(
                &state,
                id,
                &query,
                StatusCode::CONFLICT,
                "version",
                message,
                note,
            )
            .await
        }
        Err(UpdateError::Database(e)) => crate::error::AppError::Database(e).into_response(),
    }
}

/// `GET /evidence/{id}`: an uploaded file, always as a download with a safe content type.
pub async fn evidence(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return crate::error::AppError::NotFound.into_response();
    };
    match updates::fetch_evidence(&state.db, id).await {
        Ok(Some(file)) => {
            let encoded: String = super::page::encode(&file.file_name).replace('+', "%20");
            let disposition =
                format!("attachment; filename=\"minh-chung-{id}\"; filename*=UTF-8''{encoded}");
            (
                [
                    (header::CONTENT_TYPE, file.content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                file.content,
            )
                .into_response()
        }
        Ok(None) => crate::error::AppError::NotFound.into_response(),
        Err(e) => crate::error::AppError::Database(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_header_breaking_characters() {
        assert_eq!(clean_file_name("C:\\tmp\\báo cáo.pdf"), "báo cáo.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b;c\r\n.txt"), "abc.txt");
        assert_eq!(clean_file_name(""), "minh-chung");
    }

    #[test]
    fn only_known_types_are_served_as_themselves() {
        assert_eq!(safe_content_type("x.pdf"), "application/pdf");
        assert_eq!(safe_content_type("x.html"), "application/octet-stream");
        assert_eq!(safe_content_type("x.svg"), "application/octet-stream");
    }

    #[test]
    fn requests_name_the_field_at_fault() {
        let fields = |kind: &str| ChangeFields {
            kind: kind.to_owned(),
            ..ChangeFields::default()
        };
        assert_eq!(read_request(&fields("dance")).unwrap_err().0, "kind");
        assert_eq!(read_request(&fields("state")).unwrap_err().0, "state");
        assert_eq!(read_request(&fields("extend")).unwrap_err().0, "due_on");
        let bad_date = ChangeFields {
            state: Some("completed".into()),
            completed_on: Some("2022-02-30".into()),
            ..fields("state")
        };
        assert_eq!(read_request(&bad_date).unwrap_err().0, "completed_on");
        let bad_url = ChangeFields {
            evidence_url: Some("javascript:alert(1)".into()),
            ..fields("note")
        };
        assert_eq!(read_request(&bad_url).unwrap_err().0, "evidence_url");
    }
}
