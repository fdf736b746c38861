//! Security headers on every response: the content policy (no inline script or style, the app's
//! own assets only, no framing), nosniff, the referrer policy, HSTS behind HTTPS, and `no-store`
//! on what a signed-in caller is shown.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// The content policy: scripts, styles, images and fetches from this site only, no inline
/// script or style attribute, no plugins, no `<base>`, forms post here, no page may frame ours.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// HSTS for a year; sent only when the site is reached over HTTPS.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Middleware (outermost, so kept pages, errors, redirects and assets all get it).
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https =
        state.config.public_url.starts_with("https://") || crate::auth::is_https(request.headers());
    let mut response = next.run(request).await;
    add(response.headers_mut(), https);
    response
}

fn add(headers: &mut HeaderMap, https: bool) {
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Browsers ignore HSTS over plain HTTP, so a forged X-Forwarded-Proto on a plain-HTTP
    // request does nothing; behind a TLS-terminating proxy it pins the site to HTTPS.
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
}
