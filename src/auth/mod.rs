//! Who is asking: the signed-in user from the session cookie, or an integration from its bearer
//! token; the gate that makes reading require sign-in unless `PUBLIC_READ=true`; CSRF checks.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::users::{self, UserRow};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ap_session";

/// The header that carries the session's CSRF token on a JSON change made with the cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The acting user, if any, and how they proved it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRow,
    /// The session's CSRF token; None for bearer-token callers, who carry no cookie.
    pub csrf: Option<String>,
}

/// The value of a cookie in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Resolves the caller of a request; None when anonymous (or the credentials are no good).
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> sqlx::Result<Option<Caller>> {
    if let Some(token) = bearer(headers) {
        return Ok(users::token_user(&state.db, token)
            .await?
            .map(|user| Caller { user, csrf: None }));
    }
    match cookie(headers, SESSION_COOKIE) {
        Some(id) => Ok(
            users::session_user(&state.db, id, state.config.sessions.idle)
                .await?
                .map(|(user, csrf)| Caller {
                    user,
                    csrf: Some(csrf),
                }),
        ),
        None => Ok(None),
    }
}

/// The caller, resolved once per request by `identify` and kept in the request's extensions.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<MaybeCaller>()
            .cloned()
            .unwrap_or(MaybeCaller(None)))
    }
}

/// Middleware: resolves the caller; when reading needs sign-in, sends anonymous page requests to
/// the sign-in page and answers anonymous API requests with 401.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let caller = match resolve(&state, request.headers()).await {
        Ok(caller) => caller,
        Err(error) if crate::db::pool::is_unavailable(&error) => {
            return crate::error::unavailable_for(request.uri().path(), &error);
        }
        Err(error) => {
            tracing::error!(?error, "không xác định được người dùng");
            if request.uri().path().starts_with("/api/") {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    axum::Json(serde_json::json!({ "error": "internal", "message": "lỗi hệ thống, vui lòng thử lại sau" })),
                )
                    .into_response();
            }
            return crate::error::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Hệ thống gặp sự cố khi xử lý yêu cầu.".to_owned(),
            );
        }
    };
    let path = request.uri().path().to_owned();
    // Calendar feeds (`*.ics`) check a token or a private `?key=` themselves and answer 401.
    let open_path = path == "/login"
        || path.starts_with("/setup/")
        || path == "/healthz"
        || path == "/readyz"
        || path.starts_with("/assets/")
        || path.ends_with(".ics");
    if caller.is_none() && !state.config.public_read && !open_path {
        if path.starts_with("/api/") {
            return unauthorized_json();
        }
        let next_url = request
            .uri()
            .path_and_query()
            .map_or("/".to_owned(), |p| p.as_str().to_owned());
        let next_url: String = form_urlencoded::byte_serialize(next_url.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next_url}")).into_response();
    }
    let signed_in = caller.is_some();
    // A change through the API reads and answers from the database alone, never from memory:
    // it has nothing to catch up with (and would spend a query of every write on it).
    let api_write = path.starts_with("/api/") && !request.method().is_safe();
    if signed_in
        && !api_write
        && let Err(error) = state.versions.catch_up(&state.db).await
    {
        // Only freshness is lost: the request still gets an answer from what this process knows.
        tracing::warn!(?error, "không kiểm tra được phiên bản dữ liệu");
    }
    request.extensions_mut().insert(MaybeCaller(caller.clone()));
    // The page layout shows who is signed in without every handler passing the caller down.
    let mut response = CURRENT.scope(caller, next.run(request)).await;
    if signed_in && !path.starts_with("/static/") {
        no_store_for_signed_in(response.headers_mut());
    }
    response
}

tokio::task_local! {
    static CURRENT: Option<Caller>;
}

/// `Cache-Control: no-store` on a response to a signed-in caller (pages carry their name, CSRF
/// token and what only they may see), unless the handler chose a policy itself (the
/// content-hashed assets stay cacheable). Anonymous public pages keep the default.
fn no_store_for_signed_in(headers: &mut HeaderMap) {
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The caller of the request being handled (for the page layout).
pub fn current() -> Option<Caller> {
    CURRENT.try_with(Clone::clone).ok().flatten()
}

/// 401 for the API, with the header clients expect.
pub fn unauthorized_json() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        axum::Json(serde_json::json!({ "error": "unauthorized", "message": "cần mã truy cập hợp lệ (Authorization: Bearer …)" })),
    )
        .into_response()
}

/// A cross-site form post fails: when the browser says where the form came from (Origin, else
/// Referer), it must be this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source {
        None => true,
        Some("null") => false,
        Some(url) => {
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            rest.split('/').next() == Some(host)
        }
    }
}

/// Whether a form's CSRF token matches the session's and the post is same-origin.
pub fn form_is_genuine(caller: &Caller, headers: &HeaderMap, token: &str) -> bool {
    same_origin(headers)
        && caller
            .csrf
            .as_deref()
            .is_some_and(|csrf| crate::secret::same_secret(csrf, token))
}

/// The session cookie for a new session: HttpOnly, SameSite=Lax, Secure when served over HTTPS,
/// kept by the browser no longer than the session can last.
pub fn session_cookie(id: &str, secure: bool, max_age: chrono::TimeDelta) -> String {
    let max_age = max_age.num_seconds();
    format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A cookie that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether the request came over HTTPS (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        == Some("https")
}
