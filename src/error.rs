//! The one error type of the web layer, mapped to a Vietnamese HTML page. Internals are logged,
//! never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Everything a page handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("không tìm thấy")]
    NotFound,
    #[error("yêu cầu không hợp lệ: {0}")]
    BadRequest(String),
    #[error("không có quyền")]
    Forbidden,
    /// The request is well formed but the data's state forbids it (409).
    #[error("xung đột: {0}")]
    Conflict(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// `Result` with `AppError`.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    asset_version: &'a str,
    heading: &'a str,
    message: String,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Renders the error page for a status with a user-safe message.
pub fn error_page(status: StatusCode, message: String) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Không tìm thấy trang",
        StatusCode::BAD_REQUEST => "Yêu cầu không hợp lệ",
        StatusCode::FORBIDDEN => "Không có quyền truy cập",
        StatusCode::CONFLICT => "Không thực hiện được",
        StatusCode::SERVICE_UNAVAILABLE => "Tạm thời gián đoạn",
        _ => "Đã có lỗi xảy ra",
    };
    let page = ErrorPage {
        status: status.as_u16(),
        asset_version: crate::web::assets::VERSION.as_str(),
        heading,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, heading.to_owned()).into_response(),
    }
}

/// The answer when the database cannot be reached: 503, in Vietnamese, try again shortly. A
/// response whose connection broke is marked, so that a read is tried once more.
pub fn unavailable_page(error: &sqlx::Error) -> Response {
    tracing::warn!(?error, "cơ sở dữ liệu tạm thời không truy cập được");
    let mut response = error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Vui lòng thử lại sau ít phút."
            .to_owned(),
    );
    mark_unavailable(&mut response, error);
    response
}

/// The API's answer when the database cannot be reached: a JSON 503.
pub fn unavailable_json(error: &sqlx::Error) -> Response {
    tracing::warn!(?error, "cơ sở dữ liệu tạm thời không truy cập được (API)");
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        axum::Json(serde_json::json!({
            "error": "unavailable",
            "message": "cơ sở dữ liệu tạm thời không truy cập được, vui lòng thử lại sau"
        })),
    )
        .into_response();
    mark_unavailable(&mut response, error);
    response
}

/// The answer for a path when the database cannot be reached: JSON under `/api/`.
pub fn unavailable_for(path: &str, error: &sqlx::Error) -> Response {
    if path.starts_with("/api/") {
        unavailable_json(error)
    } else {
        unavailable_page(error)
    }
}

/// Adds `Retry-After` and, for a broken connection, the retry marker.
pub fn mark_unavailable(response: &mut Response, error: &sqlx::Error) {
    crate::db::pool::note(error);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    if crate::db::pool::is_broken(error) {
        response
            .extensions_mut()
            .insert(crate::db::pool::BrokenConnection);
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Database(error) = &self
            && crate::db::pool::is_unavailable(error)
        {
            return unavailable_page(error);
        }
        let status = self.status();
        let message = match &self {
            AppError::NotFound => {
                "Trang hoặc mục bạn tìm không tồn tại hoặc đã bị gỡ bỏ.".to_owned()
            }
            AppError::BadRequest(why) | AppError::Conflict(why) => why.clone(),
            AppError::Forbidden => "Bạn không có quyền thực hiện thao tác này.".to_owned(),
            _ => {
                tracing::error!(error = ?self, "lỗi khi xử lý yêu cầu");
                "Hệ thống gặp sự cố khi xử lý yêu cầu. Vui lòng thử lại sau; nếu lỗi còn lặp lại, hãy báo cho quản trị viên.".to_owned()
            }
        };
        error_page(status, message)
    }
}
