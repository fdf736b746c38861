//! The sign-in throttle's counts (migration 0011), shared by every server process on the
//! database. The rules are in `crate::domain::throttle`.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::throttle::{WINDOW, block_for, keys};

/// Whether an attempt may go on to the password check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    Blocked { until: DateTime<Utc> },
}

/// A key's count as the attempt left it.
struct Counted {
    key: String,
    attempts: i32,
    strikes: i32,
    blocked_until: Option<DateTime<Utc>>,
    blocked: bool,
}

/// Counts an attempt on `account` from `address` and says whether it may be checked. The
/// count and the read are one statement per key set, so of many racing attempts only as many
/// as the limit are let through; an attempt over a limit blocks its key with back-off.
pub async fn claim(
    db: impl PgExecutor<'_> + Copy,
    account: &str,
    address: &str,
) -> sqlx::Result<Verdict> {
    let (names, limits): (Vec<String>, Vec<i32>) = keys(account, address).into_iter().unzip();
    let window = WINDOW.as_secs_f64();
    let rows = sqlx::query_as!(
        Counted,
        r#"insert into login_throttle as t (key, attempts, window_start)
         select key, 1, now() from unnest($1::text[]) as key order by key
         on conflict (key) do update set
           attempts = case when t.blocked_until > now() then t.attempts
                           when t.window_start <= now() - make_interval(secs => $2)
                                or t.blocked_until <= now() then 1
                           else t.attempts + 1 end,
           blocked_until = case when t.blocked_until > now() then t.blocked_until end,
           window_start = case when t.blocked_until > now() then t.window_start
                               when t.window_start <= now() - make_interval(secs => $2)
                                    or t.blocked_until <= now() then now()
                               else t.window_start end
         returning key, attempts, strikes, blocked_until,
                   coalesce(blocked_until > now(), false) as "blocked!""#,
        &names,
        window
    )
    .fetch_all(db)
    .await?;
    for Counted {
        key,
        attempts,
        strikes,
        blocked_until,
        blocked,
    } in rows
    {
        if blocked && let Some(until) = blocked_until {
            return Ok(Verdict::Blocked { until });
        }
        let limit = names
            .iter()
            .zip(&limits)
            .find(|(name, _)| **name == key)
            .map_or(0, |(_, limit)| *limit);
        if attempts > limit {
            return Ok(Verdict::Blocked {
                until: block(db, &key, strikes).await?,
            });
        }
    }
    Ok(Verdict::Allowed)
}

/// Blocks a key that went over its limit (once, however many attempts race past it).
async fn block(db: impl PgExecutor<'_>, key: &str, strikes: i32) -> sqlx::Result<DateTime<Utc>> {
    let seconds = block_for(strikes).as_secs_f64();
    sqlx::query_scalar!(
        r#"update login_throttle
            set strikes = strikes + case when coalesce(blocked_until > now(), false) then 0 else 1 end,
                blocked_until = case when coalesce(blocked_until > now(), false) then blocked_until
                                     else now() + make_interval(secs => $2) end
          where key = $1
         returning blocked_until as "blocked_until!""#,
        key,
        seconds
    )
    .fetch_one(db)
    .await
}

/// After a successful sign-in: the (account, address) count starts over, the address's count
/// takes back this attempt, and long-idle keys are forgotten.
pub async fn release(
    db: impl PgExecutor<'_> + Copy,
    account: &str,
    address: &str,
) -> sqlx::Result<()> {
    let [(pair, _), (addr, _)] = keys(account, address);
    sqlx::query!(
        "with gone as (delete from login_throttle where key = $1),
              old as (delete from login_throttle
                       where window_start < now() - interval '2 days'
                         and coalesce(blocked_until < now(), true))
         update login_throttle set attempts = greatest(attempts - 1, 0) where key = $2",
        pair,
        addr
    )
    .execute(db)
    .await?;
    Ok(())
}
