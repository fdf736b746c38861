//! One-time set-up links: while no account exists, the server prints a link that creates the
//! first administrator in the browser. Only the token's hash is stored; it expires and works once.

use chrono::{TimeDelta, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::secret::{hash_token, new_token};

/// How long a set-up link works.
pub const VALID_HOURS: i64 = 24;

/// Whether no account exists yet.
pub async fn no_accounts(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"select not exists (select 1 from users) as "none!""#)
        .fetch_one(db)
        .await
}

/// A new set-up token when no account exists (None otherwise).
pub async fn issue_token(db: &mut PgConnection) -> sqlx::Result<Option<String>> {
    if !no_accounts(&mut *db).await? {
        return Ok(None);
    }
    let token = new_token();
    sqlx::query!(
        "insert into setup_tokens (token_hash, expires_at) values ($1, $2)",
        hash_token(&token),
        Utc::now() + TimeDelta::hours(VALID_HOURS)
    )
    .execute(&mut *db)
    .await?;
    Ok(Some(token))
}

/// Whether a token would still work (for showing the form).
pub async fn token_usable(db: impl PgExecutor<'_> + Copy, token: &str) -> sqlx::Result<bool> {
    let live = sqlx::query_scalar!(
        r#"select exists (select 1 from setup_tokens
                           where token_hash = $1 and used_at is null and expires_at > now()) as "live!""#,
        hash_token(token)
    )
    .fetch_one(db)
    .await?;
    Ok(live && no_accounts(db).await?)
}

/// Uses a token up, inside the transaction that creates the first account: true when it was
/// live and there is still no account. Serialised by a transaction-scoped lock, so two forms
/// posted at once (or with two links from two processes) make one administrator.
pub async fn take_token(tx: &mut PgConnection, token: &str) -> sqlx::Result<bool> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('actionplan.setup'))")
        .execute(&mut *tx)
        .await?;
    if !no_accounts(&mut *tx).await? {
        return Ok(false);
    }
    let taken = sqlx::query!(
        "update setup_tokens set used_at = now()
          where token_hash = $1 and used_at is null and expires_at > now()",
        hash_token(token)
    )
    .execute(&mut *tx)
    .await?;
    Ok(taken.rows_affected() == 1)
}
