//! The data versions every kept figure and page is checked against, and the listener that
//! keeps them in memory (see the module above).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use crate::task_details::TaskDetails;

/// Which writes make a figure stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    /// Plans, tasks, units, milestones and their links.
    Plans,
    /// The above and the history of every task (a new note).
    PlansAndEvents,
}

/// The data version counters, read once per request and shared by every figure it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    plans: i64,
    events: i64,
}

impl Versions {
    pub fn of(self, track: Track) -> i64 {
        match track {
            Track::Plans => self.plans,
            // Both counters only grow, so their sum changes when either does.
            Track::PlansAndEvents => self.plans + self.events,
        }
    }
}

/// The current data versions.
pub async fn versions(db: &PgPool) -> sqlx::Result<Versions> {
    let (plans, events) = sqlx::query_as(
        "select (select n from data_versions where name = 'plans'),
                (select n from data_versions where name = 'events')",
    )
    .fetch_one(db)
    .await?;
    Ok(Versions { plans, events })
}

/// The channel the version triggers notify, with payloads like `plans:42`.
const CHANNEL: &str = "data_versions";
/// The channel naming the tasks each write touched, like `17,204` (migration 0009).
const TASK_CHANNEL: &str = "task_changes";

/// The data versions as this process knows them: kept current by PostgreSQL's notifications
/// while a listener is connected, otherwise read from the table on every call.
#[derive(Clone, Default)]
pub struct VersionWatch(Arc<Watched>);

#[derive(Default)]
struct Watched {
    live: AtomicBool,
    plans: AtomicI64,
    events: AtomicI64,
}

impl VersionWatch {
    /// The current versions: from memory while following the notifications, else from the
    /// database.
    pub async fn current(&self, db: &PgPool) -> sqlx::Result<Versions> {
        let watched = &self.0;
        if watched.live.load(Ordering::Acquire) {
            return Ok(Versions {
                plans: watched.plans.load(Ordering::Acquire),
                events: watched.events.load(Ordering::Acquire),
            });
        }
        versions(db).await
    }

    /// Reads the counters after a write of this process committed, so the very next request
    /// sees it even if the notification is still on its way.
    pub async fn refresh(&self, db: &PgPool) -> sqlx::Result<()> {
        self.raise(versions(db).await?);
        Ok(())
    }

    /// Whether the listener is connected (memory is trusted).
    pub fn is_live(&self) -> bool {
        self.0.live.load(Ordering::Acquire)
    }

    fn raise(&self, seen: Versions) {
        self.0.plans.fetch_max(seen.plans, Ordering::AcqRel);
        self.0.events.fetch_max(seen.events, Ordering::AcqRel);
    }

    /// Follows the notifications for as long as the process runs, connecting again (and
    /// reading the table meanwhile) when the connection drops.
    /// Also forwards the `task_changes` notifications (migration 0009) to `task_details`.
    pub fn spawn_listener(
        &self,
        db: PgPool,
        task_details: TaskDetails,
    ) -> tokio::task::JoinHandle<()> {
        let watch = self.clone();
        tokio::spawn(async move {
            loop {
                let followed = watch.follow(&db, &task_details).await;
                // Following ends only when the connection is lost: the other pooled
                // connections may be as dead as this one.
                crate::db::pool::connection_lost();
                if let Err(error) = followed {
                    tracing::warn!(
                        ?error,
                        "mất kết nối theo dõi phiên bản dữ liệu; thử lại sau 1 s"
                    );
                }
                watch.0.live.store(false, Ordering::Release);
                task_details.set_live(false);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    }

    async fn follow(&self, db: &PgPool, task_details: &TaskDetails) -> sqlx::Result<()> {
        let mut listener = PgListener::connect_with(db).await?;
        listener.listen_all([CHANNEL, TASK_CHANNEL]).await?;
        // Listening first, then reading: a write between the two is in both, never in neither.
        self.raise(versions(db).await?);
        self.0.live.store(true, Ordering::Release);
        task_details.set_live(true);
        while let Some(notification) = listener.try_recv().await? {
            if notification.channel() == TASK_CHANNEL {
                task_details.changed(notification.payload());
                continue;
            }
            let counter = notification
                .payload()
                .split_once(':')
                .and_then(|(name, n)| Some((name, n.parse::<i64>().ok()?)));
            match counter {
                Some(("plans", n)) => _ = self.0.plans.fetch_max(n, Ordering::AcqRel),
                Some(("events", n)) => _ = self.0.events.fetch_max(n, Ordering::AcqRel),
                _ => {
                    // Something else notified on our channel: read the truth.
                    self.raise(versions(db).await?);
                }
            }
        }
        Ok(())
    }
}
