//! A read that failed because its pooled connection had broken (the database restarted before
//! this process noticed) is tried once more: the failure made the pool replace every connection
//! opened before it (`crate::db::pool`), so the second try runs on a fresh one. Only GET and
//! HEAD, which change nothing, are tried again.

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::db::pool::BrokenConnection;

/// Middleware: runs a read again once when its response says its connection broke.
pub async fn retry_reads(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let mut again = Request::builder()
        .method(parts.method.clone())
        .uri(parts.uri.clone())
        .version(parts.version);
    if let Some(headers) = again.headers_mut() {
        headers.extend(parts.headers.clone());
    }
    if let Some(extensions) = again.extensions_mut() {
        extensions.extend(parts.extensions.clone());
    }
    let response = next.clone().run(Request::from_parts(parts, body)).await;
    if response.extensions().get::<BrokenConnection>().is_none() {
        return response;
    }
    // A read has no body worth keeping.
    match again.body(axum::body::Body::empty()) {
        Ok(request) => {
            tracing::info!(uri = %request.uri(), "thử lại yêu cầu đọc trên kết nối mới");
            next.run(request).await
        }
        Err(_) => response,
    }
}
