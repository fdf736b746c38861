//! Signing in and out. A failed sign-in says the same thing whether or not the account exists,
//! and attempts are throttled per (account, address) and per address (`crate::db::throttle`):
//! counted in the database, so every server process on it shares the counts.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;

use super::page::{Layout, render};
use super::params;
use crate::auth::{self, MaybeCaller};
use crate::db::throttle::{self, Verdict};
use crate::db::users;
use crate::domain::limits;
use crate::error::Result;
use crate::secret;
use crate::state::AppState;

/// The client's address (the peer of the connection).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "không rõ".to_owned(), |c| c.0.ip().to_string());
        Ok(ClientAddr(ip))
    }
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: String,
    /// No account exists yet: say how to create the first administrator.
    first_start: bool,
}

fn login_page(layout: Layout, email: String, next: String, error: &str) -> Result<Html<String>> {
    render(&LoginPage {
        layout,
        email,
        next,
        error: error.to_owned(),
        first_start: false,
    })
}

/// Only a path of this site is followed after sign-in; anything else goes to `/`.
///
/// Browsers drop tabs and newlines from a URL, so `/\t/evil.example` would become the
/// protocol-relative `//evil.example`; a backslash is read as a slash. So the value must be
/// printable ASCII with no space or backslash, start with one `/` not followed by another, and
/// stay so once percent-decoded (`/%0A…` is refused too). What passes is a valid `Location`.
fn safe_next(next: &str) -> String {
    fn plain_path(path: &[u8]) -> bool {
        path.first() == Some(&b'/')
            && path.get(1) != Some(&b'/')
            && path.iter().all(|b| b.is_ascii_graphic() && *b != b'\\')
    }
    let decoded: Vec<u8> = percent_decode(next.as_bytes());
    if plain_path(next.as_bytes()) && plain_path(&decoded) {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// `%XX` decoded (an incomplete escape is left as it is).
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%'
            && let (Some(h), Some(l)) = (
                input.get(i + 1).copied().and_then(hex),
                input.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'%'));
            i += 3;
            continue;
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// `GET /login`
pub async fn login_form(
    State(state): State<AppState>,
    Query(query): Query<params::Query>,
) -> Result<Html<String>> {
    let layout = Layout::from_query(&params::Query::new(), "", "/login")?;
    render(&LoginPage {
        layout,
        email: String::new(),
        next: safe_next(&params::text(&query, "next").unwrap_or_default()),
        error: String::new(),
        first_start: crate::db::setup::no_accounts(&state.db).await?,
    })
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let layout = Layout::from_query(&params::Query::new(), "", "/login")?;
    // Bounded before anything else: an e-mail of megabytes is neither folded, nor stored, nor
    // followed by a password check, but it still counts as a failed attempt.
    let over_long = if limits::too_long(&form.email, limits::EMAIL) {
        Some(format!("Email quá dài (tối đa {} ký tự).", limits::EMAIL))
    } else if limits::too_long(&form.password, limits::PASSWORD) {
        Some(format!(
            "Mật khẩu quá dài (tối đa {} ký tự).",
            limits::PASSWORD
        ))
    } else {
        None
    };
    let email = limits::truncate(&form.email, limits::EMAIL)
        .trim()
        .to_lowercase();
    let next = safe_next(&form.next);
    if !auth::same_origin(&headers) {
        return Ok((
            StatusCode::FORBIDDEN,
            login_page(
                layout,
                email,
                next,
                "Yêu cầu đăng nhập không hợp lệ (khác nguồn gốc).",
            )?,
        )
            .into_response());
    }
    // Counted before the (slow, deliberately) password check, in one statement: racing
    // guesses cannot all slip under the limit.
    if let Verdict::Blocked { until } = throttle::claim(&state.db, &email, &address).await? {
        tracing::warn!(address = %address, "đăng nhập bị tạm khoá do sai nhiều lần");
        let minutes = (until - Utc::now()).num_minutes().max(0) + 1;
        let message =
            format!("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.");
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            login_page(layout, email, next, &message)?,
        )
            .into_response());
    }
    if let Some(message) = over_long {
        users::record_failure(&state.db, &email, &address).await?;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            login_page(layout, email, next, &message)?,
        )
            .into_response());
    }
    let account = users::fetch_login(&state.db, &email).await?;
    let password = form.password;
    let stored = account.as_ref().map_or_else(
        || secret::decoy_hash().to_owned(),
        |(_, hash, _)| hash.clone(),
    );
    // Verifying is deliberately slow (argon2); keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || secret::verify_password(&password, &stored))
        .await
        .unwrap_or(false);
    let user = match account {
        Some((id, _, false)) if matches => id,
        _ => {
            users::record_failure(&state.db, &email, &address).await?;
            let message = "Email hoặc mật khẩu không đúng, hoặc tài khoản đã bị khoá.";
            return Ok((
                StatusCode::UNAUTHORIZED,
                login_page(layout, email, next, message)?,
            )
                .into_response());
        }
    };
    throttle::release(&state.db, &email, &address).await?;
    // `safe_next` lets through only what a header may carry; should that ever fail, go home
    // rather than fail after the session is written.
    let location = HeaderValue::from_str(&next).unwrap_or(HeaderValue::from_static("/"));
    let (session, _) =
        users::create_session(&state.db, user, state.config.sessions.absolute).await?;
    tracing::info!(user.id = user, "đăng nhập");
    let cookie = HeaderValue::from_str(&auth::session_cookie(
        &session,
        auth::is_https(&headers),
        state.config.sessions.absolute,
    ))
    .map_err(|e| crate::error::AppError::Other(e.into()))?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, cookie), (header::LOCATION, location)],
    )
        .into_response())
}

/// The sign-out form.
#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`
pub async fn logout(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response> {
    if let Some(caller) = caller {
        if !auth::form_is_genuine(&caller, &headers, &form.csrf) {
            return Err(crate::error::AppError::Forbidden);
        }
        if let Some(id) = auth::cookie(&headers, auth::SESSION_COOKIE) {
            users::delete_session(&state.db, id).await?;
        }
    }
    let cookie = HeaderValue::from_str(&auth::clear_cookie(auth::is_https(&headers)))
        .map_err(|e| crate::error::AppError::Other(e.into()))?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_local_path_is_followed() {
        assert_eq!(
            safe_next("/tasks?q=du+lieu&page=2"),
            "/tasks?q=du+lieu&page=2"
        );
        assert_eq!(safe_next("/"), "/");
        for bad in [
            "",
            "tasks",
            "//evil.example",
            "/\\evil",
            "\\/evil",
            "/\t/evil.example",
            "/\n/x",
            "/ x",
            "/%09/evil.example",
            "/%2f/evil.example",
            "/%5cevil",
            "/%00",
            "/tìm",
            "https://evil.example",
            "/\u{7f}",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn percent_escapes_decode_and_broken_ones_stay() {
        assert_eq!(percent_decode(b"/%0Ax%2F"), b"/\nx/");
        assert_eq!(percent_decode(b"/100%"), b"/100%");
        assert_eq!(percent_decode(b"/%zz"), b"/%zz");
    }
}
