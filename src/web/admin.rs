//! `/admin/users`: accounts, roles and unit bindings, password resets and the two-step
//! confirmation setting. Admins only; every form carries the session's CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::page::{Layout, render};
use super::params;
use crate::accounts::{self, AccountError, NewAccount};
use crate::auth::{self, Caller, MaybeCaller};
use crate::db::users::{self, UserRow};
use crate::domain::role::Role;
use crate::error::{AppError, Result};
use crate::state::AppState;

fn admin(caller: Option<Caller>) -> Result<Caller> {
    match caller {
        Some(c) if c.user.role() == Role::Admin => Ok(c),
        _ => Err(AppError::Forbidden),
    }
}

fn genuine(caller: &Caller, headers: &HeaderMap, token: &str) -> Result<()> {
    if auth::form_is_genuine(caller, headers, token) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<(i64, String)>,
    two_step: bool,
    form: NewUserForm,
    error_field: String,
    error: String,
    /// A password shown once after creation or reset: (email, password).
    shown: Option<(String, String)>,
}

async fn users_page(
    state: &AppState,
    form: NewUserForm,
    error: Option<(&str, String)>,
    shown: Option<(String, String)>,
) -> Result<UsersPage> {
    let (error_field, error) = error.map(|(f, m)| (f.to_owned(), m)).unwrap_or_default();
    Ok(UsersPage {
        layout: Layout::from_query(&params::Query::new(), "admin", "/admin/users")?,
        users: users::list_users(&state.db).await?,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_vi()))
            .collect(),
        units: crate::db::units::list_unit_names(&state.db)
            .await?
            .into_iter()
            .map(|(id, name)| (id.0, name))
            .collect(),
        two_step: users::two_step_confirmation(&state.db).await?,
        form,
        error_field,
        error,
        shown,
    })
}

/// `GET /admin/users`
pub async fn list_users(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
) -> Result<Response> {
    admin(caller)?;
    Ok(render(&users_page(&state, NewUserForm::default(), None, None).await?)?.into_response())
}

/// The new-account form.
#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    /// Unit ids, comma-separated (from a multi-select, joined by the form).
    #[serde(default)]
    pub units: String,
}

/// `POST /admin/users`: creates an account with a generated password, shown once.
pub async fn create_user(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    body: String,
) -> Result<Response> {
    let caller = admin(caller)?;
    let form = parse_new_user(&body);
    genuine(&caller, &headers, &form.csrf)?;
    let password = accounts::generate_password();
    let account = NewAccount {
        email: form.email.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
        password: password.clone(),
        units: form.units.split(',').map(str::to_owned).collect(),
    };
    match accounts::create_account(&state.db, &account).await {
        Ok(_) => {
            let shown = Some((form.email.trim().to_lowercase(), password));
            Ok(
                render(&users_page(&state, NewUserForm::default(), None, shown).await?)?
                    .into_response(),
            )
        }
        Err(AccountError::Invalid(field, message)) => {
            let page = users_page(&state, form, Some((field, message)), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(AccountError::Database(e)) => Err(e.into()),
        Err(AccountError::Hash) => Err(AppError::Other(anyhow::anyhow!("password hashing failed"))),
    }
}

/// A form body may repeat `units`; collect them all.
fn parse_new_user(body: &str) -> NewUserForm {
    let mut form = NewUserForm::default();
    let mut units = Vec::new();
    for (key, value) in form_pairs(body) {
        match key.as_str() {
            "csrf" => form.csrf = value,
            "email" => form.email = value,
            "name" => form.name = value,
            "role" => form.role = value,
            "units" => units.push(value),
            _ => {}
        }
    }
    form.units = units.join(",");
    form
}

fn form_pairs(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The per-account actions.
#[derive(Debug, Deserialize)]
pub struct AccountAction {
    #[serde(default)]
    csrf: String,
    action: String,
    #[serde(default)]
    role: String,
}

/// `POST /admin/users/{id}`: disable, enable, reset the password, change the role.
pub async fn update_user(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<AccountAction>,
) -> Result<Response> {
    let caller = admin(caller)?;
    genuine(&caller, &headers, &form.csrf)?;
    let user = users::fetch_user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut shown = None;
    match form.action.as_str() {
        "disable" | "enable" => {
            if id == caller.user.id {
                return Err(AppError::BadRequest(
                    "Không thể tự khoá tài khoản của mình.".to_owned(),
                ));
            }
            accounts::set_disabled(&state.db, id, form.action == "disable")
                .await
                .map_err(account_error)?;
        }
        "reset" => {
            let password = accounts::generate_password();
            accounts::change_password(&state.db, id, &password)
                .await
                .map_err(|e| AppError::Other(anyhow::anyhow!(e.to_string())))?;
            shown = Some((user.email.clone(), password));
        }
        "role" => {
            let role = Role::parse(&form.role)
                .ok_or_else(|| AppError::BadRequest("Vai trò không hợp lệ.".to_owned()))?;
            accounts::set_role(&state.db, id, role)
                .await
                .map_err(account_error)?;
        }
        _ => return Err(AppError::BadRequest("Thao tác không hợp lệ.".to_owned())),
    }
    tracing::info!(admin.id = caller.user.id, user.id = id, action = %form.action, "quản trị tài khoản");
    match shown {
        Some(shown) => Ok(render(
            &users_page(&state, NewUserForm::default(), None, Some(shown)).await?,
        )?
        .into_response()),
        None => Ok(Redirect::to("/admin/users").into_response()),
    }
}

fn account_error(error: accounts::AccountError) -> AppError {
    match error {
        accounts::AccountError::Invalid(_, message) => AppError::Conflict(message),
        accounts::AccountError::Database(e) => AppError::Database(e),
        other => AppError::Other(anyhow::anyhow!(other.to_string())),
    }
}

/// `POST /admin/users/{id}/units`: replaces the units an account is bound to.
pub async fn set_units(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: String,
) -> Result<Response> {
    let caller = admin(caller)?;
    let pairs = form_pairs(&body);
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    genuine(&caller, &headers, &csrf)?;
    let refs: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "units")
        .map(|(_, v)| v)
        .collect();
    let units = accounts::resolve_units(&state.db, &refs)
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    users::fetch_user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    users::set_user_units(&mut tx, id, &units).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// The two-step confirmation setting.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    two_step: String,
}

/// `POST /admin/settings`
pub async fn settings(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    let caller = admin(caller)?;
    genuine(&caller, &headers, &form.csrf)?;
    users::set_two_step_confirmation(&state.db, form.two_step == "on").await?;
    Ok(Redirect::to("/admin/users").into_response())
}
