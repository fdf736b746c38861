//! Accounts, their unit bindings, sessions, API tokens and sign-in throttling. Secrets (session
//! ids, tokens) are stored as SHA-256 hashes; passwords as argon2id hashes.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};

use crate::domain::ids::UnitId;
use crate::domain::role::Role;
use crate::secret::{hash_token, new_token};

/// An account, without its password hash.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub disabled: bool,
    pub unit_ids: Vec<i64>,
    pub unit_names: Vec<String>,
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}

/// One select for every way of finding accounts; `$tail` (a string literal) filters and groups,
/// and `$head`, when given, is a `with` clause put before it.
macro_rules! user_select {
    ($tail:tt $(, $arg:expr)*) => {
        user_select!(with "", $tail $(, $arg)*)
    };
    (with $head:tt, $tail:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            UserRow,
            $head + r#"select u.id, u.email, u.name, u.role, u.disabled,
                      coalesce(array_agg(un.id order by un.name) filter (where un.id is not null), '{}') as "unit_ids!",
                      coalesce(array_agg(un.name order by un.name) filter (where un.id is not null), '{}') as "unit_names!"
                 from users u
                 left join user_units uu on uu.user_id = u.id
                 left join units un on un.id = uu.unit_id "# + $tail
            $(, $arg)*
        )
    };
}

/// Every account, by e-mail.
pub async fn list_users(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UserRow>> {
    user_select!("group by u.id order by u.email")
        .fetch_all(db)
        .await
}

/// One account by id.
pub async fn fetch_user(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<UserRow>> {
    user_select!("where u.id = $1 group by u.id", id)
        .fetch_optional(db)
        .await
}

/// One account by e-mail, with its password hash.
pub async fn fetch_login(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<(i64, String, bool)>> {
    let row = sqlx::query!(
        "select id, password_hash, disabled from users where email = $1",
        email
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.password_hash, r.disabled)))
}

/// Creates an account bound to `units`; returns its id.
pub async fn insert_user(
    tx: &mut PgConnection,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
    units: &[UnitId],
) -> sqlx::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into users (email, name, role, password_hash) values ($1, $2, $3, $4) returning id",
        email,
        name,
        role.as_str(),
        password_hash
    )
    .fetch_one(&mut *tx)
    .await?;
    set_user_units(tx, id, units).await?;
    Ok(id)
}

/// Replaces the units an account is bound to.
pub async fn set_user_units(
    tx: &mut PgConnection,
    user: i64,
    units: &[UnitId],
) -> sqlx::Result<()> {
    sqlx::query!("delete from user_units where user_id = $1", user)
        .execute(&mut *tx)
        .await?;
    for unit in units {
        sqlx::query!(
            "insert into user_units (user_id, unit_id) values ($1, $2) on conflict do nothing",
            user,
            unit.0
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Sets a new password hash and ends the account's sessions, API tokens and calendar key.
pub async fn set_password(
    tx: &mut PgConnection,
    user: i64,
    password_hash: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update users set password_hash = $2 where id = $1",
        user,
        password_hash
    )
    .execute(&mut *tx)
    .await?;
    end_credentials(tx, user).await?;
    Ok(done.rows_affected() == 1)
}

/// Ends everything that stands in for the password: sessions, API tokens and the calendar
/// key. Nothing of them comes back, whatever happens to the account later.
async fn end_credentials(tx: &mut PgConnection, user: i64) -> sqlx::Result<()> {
    sqlx::query!("delete from sessions where user_id = $1", user)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from api_tokens where user_id = $1", user)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from calendar_keys where user_id = $1", user)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Disables or re-enables an account; disabling ends its sessions, tokens and calendar key.
pub async fn set_disabled(tx: &mut PgConnection, user: i64, disabled: bool) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update users set disabled = $2 where id = $1",
        user,
        disabled
    )
    .execute(&mut *tx)
    .await?;
    if disabled {
        end_credentials(tx, user).await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Whether `user` is the only active administrator. Locks the active administrators' rows
/// until the transaction ends, so two admins demoting each other at once cannot both succeed
/// (the second one re-reads after the first commits).
pub async fn is_last_admin(tx: &mut PgConnection, user: i64) -> sqlx::Result<bool> {
    let admins: Vec<i64> = sqlx::query_scalar!(
        "select id from users where role = 'admin' and not disabled order by id for update",
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(admins == [user])
}

/// Changes an account's role.
pub async fn set_role(db: impl PgExecutor<'_>, user: i64, role: Role) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update users set role = $2 where id = $1",
        user,
        role.as_str()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The id of an account by e-mail.
pub async fn user_id_by_email(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select id from users where email = $1", email)
        .fetch_optional(db)
        .await
}

/// How often a session's last use is written (idle expiry is this precise), so that a busy
/// session does not write on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// Starts a session that ends `absolute` after now at the latest; returns (session id for the
/// cookie, CSRF token).
pub async fn create_session(
    db: impl PgExecutor<'_>,
    user: i64,
    absolute: TimeDelta,
) -> sqlx::Result<(String, String)> {
    let id = new_token();
    let csrf = new_token();
    sqlx::query!(
        "insert into sessions (id_hash, user_id, csrf_token, expires_at) values ($1, $2, $3, $4)",
        hash_token(&id),
        user,
        &csrf,
        Utc::now() + absolute
    )
    .execute(db)
    .await?;
    Ok((id, csrf))
}

/// The signed-in user of a live session, with the session's CSRF token: before its absolute
/// expiry and used within `idle`. Notes the use (at most once a minute) in the same statement.
pub async fn session_user(
    db: impl PgExecutor<'_> + Copy,
    session_id: &str,
    idle: TimeDelta,
) -> sqlx::Result<Option<(UserRow, String)>> {
    let found = sqlx::query!(
        "with live as (
             select s.id_hash, s.user_id, s.csrf_token, s.last_seen_at
               from sessions s join users u on u.id = s.user_id
              where s.id_hash = $1 and s.expires_at > now() and not u.disabled
                and s.last_seen_at > now() - make_interval(secs => $2)
         ), touched as (
             update sessions set last_seen_at = now()
               from live
              where sessions.id_hash = live.id_hash
                and live.last_seen_at < now() - make_interval(secs => $3)
         )
         select user_id, csrf_token from live",
        hash_token(session_id),
        idle.num_seconds() as f64,
        TOUCH_EVERY_SECS as f64
    )
    .fetch_optional(db)
    .await?;
    let Some(live) = found else {
        return Ok(None);
    };
    Ok(fetch_user(db, live.user_id)
        .await?
        .map(|u| (u, live.csrf_token)))
}

/// Ends a session.
pub async fn delete_session(db: impl PgExecutor<'_>, session_id: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from sessions where id_hash = $1",
        hash_token(session_id)
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Creates an API token for an account that does not expire; returns the token (shown once).
pub async fn create_token(db: impl PgExecutor<'_>, user: i64, label: &str) -> sqlx::Result<String> {
    create_token_until(db, user, label, None).await
}

/// Creates an API token for an account, valid until `expires_at` when given; returns the
/// token (shown once: only its hash is kept).
pub async fn create_token_until(
    db: impl PgExecutor<'_>,
    user: i64,
    label: &str,
    expires_at: Option<DateTime<Utc>>,
) -> sqlx::Result<String> {
    let token = new_token();
    sqlx::query!(
        "insert into api_tokens (user_id, token_hash, label, expires_at) values ($1, $2, $3, $4)",
        user,
        hash_token(&token),
        label,
        expires_at
    )
    .execute(db)
    .await?;
    Ok(token)
}

/// An API token as its owner sees it (never the token itself).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub expired: bool,
}

/// An account's API tokens, newest first.
pub async fn list_tokens(db: impl PgExecutor<'_>, user: i64) -> sqlx::Result<Vec<TokenRow>> {
    sqlx::query_as!(
        TokenRow,
        r#"select id, label, created_at, last_used_at, expires_at,
                  coalesce(expires_at <= now(), false) as "expired!"
             from api_tokens where user_id = $1 order by created_at desc, id desc"#,
        user
    )
    .fetch_all(db)
    .await
}

/// Revokes one of an account's tokens; whether it had it.
pub async fn revoke_token(db: impl PgExecutor<'_>, user: i64, token: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from api_tokens where id = $1 and user_id = $2",
        token,
        user
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The enabled account an API token belongs to.
///
/// The token's last use is recorded to the minute: writing it on every request would make
/// every request of one busy client a write, all queued on that token's row.
pub async fn token_user(db: impl PgExecutor<'_>, token: &str) -> sqlx::Result<Option<UserRow>> {
    // One round trip: the token, its last use noted (once a minute, not on every request), and
    // its account.
    user_select!(
        with "with token as (
                  select t.token_hash, t.user_id,
                         (t.last_used_at is null or t.last_used_at < now() - interval '1 minute') as stale
                    from api_tokens t join users u on u.id = t.user_id
                   where t.token_hash = $1 and not u.disabled
                     and (t.expires_at is null or t.expires_at > now())
              ), touched as (
                  update api_tokens a set last_used_at = now()
                    from token where a.token_hash = token.token_hash and token.stale
              ) ",
        "where u.id = (select user_id from token) group by u.id",
        hash_token(token)
    )
    .fetch_optional(db)
    .await
}

/// Records a failed sign-in (a log for the administrators; the throttle counts elsewhere).
pub async fn record_failure(
    db: impl PgExecutor<'_>,
    account: &str,
    address: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into login_failures (account, address) values ($1, $2)",
        account,
        address
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether two-step confirmation of completions is on (default on).
pub async fn two_step_confirmation(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    let value: Option<String> =
        sqlx::query_scalar!("select value from settings where key = 'two_step_confirmation'")
            .fetch_optional(db)
            .await?;
    Ok(value.is_none_or(|v| v != "false"))
}

/// Turns two-step confirmation on or off.
pub async fn set_two_step_confirmation(db: impl PgExecutor<'_>, on: bool) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into settings (key, value) values ('two_step_confirmation', $1)
         on conflict (key) do update set value = excluded.value",
        if on { "true" } else { "false" }
    )
    .execute(db)
    .await?;
    Ok(())
}
