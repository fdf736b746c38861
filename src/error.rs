//! The one error type of the web layer, mapped to a Vietnamese HTML page. Internals are logged,
//! never shown.

use askama::Template;
use axum::http::StatusCode;
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

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::NotFound => {
                "Trang hoặc mục bạn tìm không tồn tại hoặc đã bị gỡ bỏ.".to_owned()
            }
            AppError::BadRequest(why) => why.clone(),
            AppError::Forbidden => "Bạn không có quyền thực hiện thao tác này.".to_owned(),
            _ => {
                tracing::error!(error = ?self, "lỗi khi xử lý yêu cầu");
                "Hệ thống gặp sự cố khi xử lý yêu cầu. Vui lòng thử lại sau; nếu lỗi còn lặp lại, hãy báo cho quản trị viên.".to_owned()
            }
        };
        error_page(status, message)
    }
}
