//! `/account`: the signed-in user's API tokens — each with its label, when it was made and
//! last used, and its expiry — made (shown once) and revoked one by one. Only hashes are kept.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

use super::page::{Layout, render};
use super::params;
use crate::auth::{self, Caller, MaybeCaller};
use crate::db::users::{self, TokenRow};
use crate::domain::limits;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// The longest a token made on the page may last.
const MAX_DAYS: i64 = 3650;

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<TokenView>,
    /// A token just made: (label, token), shown this once.
    fresh: Option<(String, String)>,
    error: String,
}

struct TokenView {
    id: i64,
    label: String,
    created: String,
    used: String,
    expiry: String,
}

fn vn_time(at: DateTime<Utc>) -> String {
    (at + TimeDelta::hours(7))
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

impl From<TokenRow> for TokenView {
    fn from(t: TokenRow) -> Self {
        let expiry = match t.expires_at {
            None => "Không hết hạn".to_owned(),
            Some(at) if t.expired => format!("Đã hết hạn lúc {}", vn_time(at)),
            Some(at) => vn_time(at),
        };
        TokenView {
            id: t.id,
            label: if t.label.is_empty() {
                "(không nhãn)".to_owned()
            } else {
                t.label
            },
            created: vn_time(t.created_at),
            used: t
                .last_used_at
                .map_or_else(|| "Chưa dùng".to_owned(), vn_time),
            expiry,
        }
    }
}

async fn page(
    state: &AppState,
    caller: &Caller,
    fresh: Option<(String, String)>,
    error: String,
) -> Result<TokensPage> {
    Ok(TokensPage {
        layout: Layout::from_query(&params::Query::new(), "account", "/account")?,
        tokens: users::list_tokens(&state.db, caller.user.id)
            .await?
            .into_iter()
            .map(TokenView::from)
            .collect(),
        fresh,
        error,
    })
}

fn to_login() -> Response {
    Redirect::to("/login?next=/account").into_response()
}

/// `GET /account`
pub async fn show(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
) -> Result<Response> {
    let Some(caller) = caller else {
        return Ok(to_login());
    };
    Ok(render(&page(&state, &caller, None, String::new()).await?)?.into_response())
}

/// The form that makes a token.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    label: String,
    /// Days until it expires; empty for never.
    #[serde(default)]
    expires_days: String,
}

/// `POST /account/tokens`: makes a token and shows it once.
pub async fn create(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Form(form): Form<NewTokenForm>,
) -> Result<Response> {
    let Some(caller) = caller else {
        return Ok(to_login());
    };
    if !auth::form_is_genuine(&caller, &headers, &form.csrf) {
        return Err(AppError::Forbidden);
    }
    let refuse = |message: String| async {
        let page = page(&state, &caller, None, message).await?;
        Ok::<_, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
    };
    if limits::too_long(&form.label, limits::LABEL) {
        return refuse(format!("Nhãn quá dài (tối đa {} ký tự).", limits::LABEL)).await;
    }
    let days = form.expires_days.trim();
    let expires_at = if days.is_empty() {
        None
    } else {
        match days.parse::<i64>() {
            Ok(n) if (1..=MAX_DAYS).contains(&n) => Some(Utc::now() + TimeDelta::days(n)),
            _ => {
                return refuse(format!(
                    "Số ngày hiệu lực phải là số nguyên từ 1 đến {MAX_DAYS}, hoặc để trống."
                ))
                .await;
            }
        }
    };
    let label = crate::domain::text::nfc(form.label.trim());
    let token = users::create_token_until(&state.db, caller.user.id, &label, expires_at).await?;
    tracing::info!(user.id = caller.user.id, "đã tạo mã truy cập API");
    let page = page(&state, &caller, Some((label, token)), String::new()).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], render(&page)?).into_response())
}

/// The revoke button's form.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /account/tokens/{id}/revoke`: revokes one of the caller's tokens.
pub async fn revoke(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<RevokeForm>,
) -> Result<Response> {
    let Some(caller) = caller else {
        return Ok(to_login());
    };
    if !auth::form_is_genuine(&caller, &headers, &form.csrf) {
        return Err(AppError::Forbidden);
    }
    if !users::revoke_token(&state.db, caller.user.id, id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(
        user.id = caller.user.id,
        token.id = id,
        "đã thu hồi mã truy cập API"
    );
    Ok(Redirect::to("/account").into_response())
}
