//! First start: the one-time link the server prints while no account exists
//! (`GET/POST /setup/{token}`) creates the first administrator and signs them in.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::page::{Layout, render};
use super::params;
use crate::accounts::{self, AccountError, NewAccount};
use crate::auth;
use crate::db::{setup, users};
use crate::error::{AppError, Result};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account/setup.html")]
struct SetupPage {
    layout: Layout,
    token: String,
    usable: bool,
    email: String,
    name: String,
    error: String,
}

/// The form's fields.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

fn page(token: &str, usable: bool, email: &str, name: &str, error: &str) -> Result<SetupPage> {
    Ok(SetupPage {
        layout: Layout::from_query(&params::Query::new(), "", "/login")?,
        token: token.to_owned(),
        usable,
        email: email.to_owned(),
        name: name.to_owned(),
        error: error.to_owned(),
    })
}

/// A token is 43 URL-safe characters; anything else is not looked up.
fn plausible(token: &str) -> bool {
    (20..=100).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn usable(state: &AppState, token: &str) -> Result<bool> {
    Ok(plausible(token) && setup::token_usable(&state.db, token).await?)
}

/// `GET /setup/{token}`
pub async fn setup_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let live = usable(&state, &token).await?;
    let status = if live {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let error = if live { "" } else { accounts::SETUP_USED };
    let body = render(&page(&token, live, "", "", error)?)?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], body).into_response())
}

/// `POST /setup/{token}`: creates the administrator, uses the token up, signs them in.
pub async fn create_admin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> Result<Response> {
    // The token in the path is the form's secret: no other site knows it. The origin is
    // checked all the same.
    if !auth::same_origin(&headers) {
        return Err(AppError::Forbidden);
    }
    if !usable(&state, &token).await? {
        let body = render(&page(&token, false, "", "", accounts::SETUP_USED)?)?;
        return Ok((StatusCode::GONE, body).into_response());
    }
    let account = NewAccount {
        email: form.email.clone(),
        name: form.name.clone(),
        role: String::new(),
        password: form.password,
        units: Vec::new(),
    };
    let id = match accounts::create_first_admin(&state.db, &account, &token).await {
        Ok(id) => id,
        Err(AccountError::Invalid("token", message)) => {
            let body = render(&page(&token, false, "", "", message.as_str())?)?;
            return Ok((StatusCode::GONE, body).into_response());
        }
        Err(AccountError::Invalid(_, message)) => {
            let body = render(&page(&token, true, &form.email, &form.name, &message)?)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
        Err(AccountError::Database(e)) => return Err(e.into()),
        Err(other) => return Err(AppError::Other(anyhow::anyhow!(other.to_string()))),
    };
    tracing::info!(
        user.id = id,
        "đã tạo quản trị viên đầu tiên qua liên kết thiết lập"
    );
    let (session, _) = users::create_session(&state.db, id, state.config.sessions.absolute).await?;
    let cookie = HeaderValue::from_str(&auth::session_cookie(
        &session,
        auth::is_https(&headers),
        state.config.sessions.absolute,
    ))
    .map_err(|e| AppError::Other(e.into()))?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, HeaderValue::from_static("/admin/users")),
        ],
    )
        .into_response())
}

/// Issues a set-up link when no account exists; returns the link to print.
pub async fn first_start_link(state: &AppState, base: &str) -> sqlx::Result<Option<String>> {
    let mut conn = state.db.acquire().await?;
    Ok(setup::issue_token(&mut conn)
        .await?
        .map(|token| format!("{}/setup/{token}", base.trim_end_matches('/'))))
}
