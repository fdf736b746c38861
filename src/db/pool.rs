//! The connection pool, and what it does about a database that went away and came back.
//!
//! sqlx can ping every connection before handing it out, a second round trip per query that
//! cost a third of a task page's database time under load. Instead, this process notes each
//! time it sees a connection lost — the notification listener's connection dropping
//! (`crate::cache`), or a query failing on one — and the pool then replaces every connection
//! opened before that moment instead of handing it out. A read that ran on a connection broken
//! before the loss was noticed is tried once more (`crate::web::retry`), on a fresh connection:
//! after a database restart no request fails on a connection the pool could have replaced.
//! A connection idle for a while is pinged as before.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// How long a request waits for a connection before it is told the database is unavailable.
/// Short: during an outage a page should say so quickly, not hang.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// A connection idle longer than this is pinged before use.
const IDLE_PING: Duration = Duration::from_secs(30);

/// When this process last saw a connection lost, in milliseconds after `origin()` (0: never).
static LOST_AT_MS: AtomicU64 = AtomicU64::new(0);

fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

/// Notes that a connection to the database was found dead: every connection opened before
/// now is replaced rather than used.
pub fn connection_lost() {
    let ms = u64::try_from(origin().elapsed().as_millis()).unwrap_or(u64::MAX);
    LOST_AT_MS.fetch_max(ms.saturating_add(1), Ordering::AcqRel);
}

/// Whether a connection of age `age` was opened before the last loss this process saw.
fn opened_before_loss(age: Duration) -> bool {
    let lost = LOST_AT_MS.load(Ordering::Acquire);
    if lost == 0 {
        return false;
    }
    let now = origin().elapsed();
    let since_loss = now.saturating_sub(Duration::from_millis(lost - 1));
    age >= since_loss
}

/// Whether an error means the connection in use broke (the server restarted or went away),
/// as opposed to a fault of the query or no connection to be had.
pub fn is_broken(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        // 08: connection exceptions; 57P01/57P02: the server shutting down.
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|code| code.starts_with("08") || code == "57P01" || code == "57P02"),
        _ => false,
    }
}

/// Whether an error means the database could not be reached: a broken connection, none to be
/// had in time, or a server starting up.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    is_broken(error)
        || matches!(error, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed)
        || matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("57P03"))
}

/// Notes a connection loss if `error` was one (see `connection_lost`).
pub fn note(error: &sqlx::Error) {
    if is_broken(error) {
        connection_lost();
    }
}

/// Marks a response that failed because its connection broke: a read may be tried again on a
/// fresh connection (`crate::web` does so once).
#[derive(Debug, Clone, Copy)]
pub struct BrokenConnection;

/// The pool the server and the commands use, of at most `max_connections`.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> sqlx::Result<PgPool> {
    pool_options(max_connections).connect_with(options).await
}

/// A pool of its own, on the same server with the same settings, for background work that must
/// not queue behind requests for a connection: the task index's keeper, whose patch is what
/// lets the requests waiting on it off the slow SQL path.
pub fn side_pool(db: &PgPool, max_connections: u32) -> PgPool {
    pool_options(max_connections).connect_lazy_with((*db.connect_options()).clone())
}

/// The pool's settings (see the module comment).
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if opened_before_loss(meta.age) {
                    // Possibly dead since the loss: close it and open a fresh one.
                    return Ok(false);
                }
                if meta.idle_for > IDLE_PING {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_opened_before_a_loss_are_replaced_and_later_ones_kept() {
        let _ = origin();
        std::thread::sleep(Duration::from_millis(30));
        connection_lost();
        std::thread::sleep(Duration::from_millis(30));
        assert!(
            opened_before_loss(Duration::from_millis(50)),
            "opened before"
        );
        assert!(
            !opened_before_loss(Duration::from_millis(10)),
            "opened after"
        );
    }

    #[test]
    fn outages_are_told_from_faults_of_the_query() {
        let reset = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(is_broken(&reset) && is_unavailable(&reset));
        assert!(is_unavailable(&sqlx::Error::PoolTimedOut));
        assert!(!is_broken(&sqlx::Error::PoolTimedOut));
        assert!(!is_unavailable(&sqlx::Error::RowNotFound));
    }
}
