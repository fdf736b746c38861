//! Signing in and out. A failed sign-in says the same thing whether or not the account exists,
//! and repeated failures are throttled per account and per address.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{TimeDelta, Utc};
use serde::Deserialize;

use super::page::{Layout, render};
use super::params;
use crate::auth::{self, MaybeCaller, secret};
use crate::db::users;
use crate::error::Result;
use crate::state::AppState;

/// Failures within this window count towards throttling.
const WINDOW_MINUTES: i64 = 15;
/// Failed attempts allowed per account, and per address, within the window.
const MAX_PER_ACCOUNT: i64 = 5;
const MAX_PER_ADDRESS: i64 = 20;

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
}

fn login_page(layout: Layout, email: String, next: String, error: &str) -> Result<Html<String>> {
    render(&LoginPage {
        layout,
        email,
        next,
        error: error.to_owned(),
    })
}

/// Only local paths are followed after sign-in.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// `GET /login`
pub async fn login_form(Query(query): Query<params::Query>) -> Result<Html<String>> {
    let layout = Layout::from_query(&params::Query::new(), "", "/login")?;
    login_page(
        layout,
        String::new(),
        safe_next(&params::text(&query, "next").unwrap_or_default()),
        "",
    )
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
    let email = form.email.trim().to_lowercase();
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
    let since = Utc::now() - TimeDelta::minutes(WINDOW_MINUTES);
    let (by_account, by_address) =
        users::recent_failures(&state.db, &email, &address, since).await?;
    if by_account >= MAX_PER_ACCOUNT || by_address >= MAX_PER_ADDRESS {
        tracing::warn!(address = %address, "đăng nhập bị tạm khoá do sai nhiều lần");
        let message = format!(
            "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {WINDOW_MINUTES} phút."
        );
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
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
    // A new session id at every sign-in: an id planted before sign-in is worthless after it.
    if let Some(old) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        users::delete_session(&state.db, old).await?;
    }
    let (session, _) = users::create_session(&state.db, user).await?;
    tracing::info!(user.id = user, "đăng nhập");
    let cookie = HeaderValue::from_str(&auth::session_cookie(&session, auth::is_https(&headers)))
        .map_err(|e| crate::error::AppError::Other(e.into()))?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
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
