//! The data versions every kept figure and page is checked against, and the listener that
//! keeps them in memory (see the module above).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use super::plan_log::{PlanChange, PlanLog};
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
    sqlx::query_as!(
        Versions,
        r#"select (select n from data_versions where name = 'plans') as "plans!",
                  (select n from data_versions where name = 'events') as "events!""#
    )
    .fetch_one(db)
    .await
}

/// The channel the version triggers notify, with payloads like `plans:42`.
const CHANNEL: &str = "data_versions";
/// The channel naming the tasks each write touched, like `17,204` (migration 0009).
const TASK_CHANNEL: &str = "task_changes";

/// The channel of the listener's heartbeats, like `3f2a…:17` (process, count).
const HEARTBEAT_CHANNEL: &str = "actionplan_heartbeat";
/// How often the listener sends itself a heartbeat through the database.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);
/// The longest a signed-in request waits for the listener to catch up with writes that other
/// processes committed (see `catch_up`); past it the request goes on, and a listener that slow
/// is soon found deaf by its heartbeats.
const CATCH_UP_BOUND: Duration = Duration::from_secs(1);
/// A heartbeat not heard back within this is a deaf listener (frozen, half-open, or the
/// database unreachable): memory stops being trusted and the listener connects again.
const HEARTBEAT_BOUND: Duration = Duration::from_secs(4);

/// The data versions as this process knows them: kept current by PostgreSQL's notifications
/// while a listener is connected and hears its own heartbeats, otherwise read from the table on
/// every call.
#[derive(Clone)]
pub struct VersionWatch(Arc<Watched>);

struct Watched {
    live: AtomicBool,
    plans: AtomicI64,
    events: AtomicI64,
    /// Tells this process's heartbeats from other processes' on the shared channel.
    instance: String,
    /// A test hook: the listener stops reading its connection, as if it froze.
    frozen: tokio::sync::watch::Sender<bool>,
    /// Rung whenever the counters in memory rise, for requests catching up (`catch_up`).
    raised: tokio::sync::Notify,
    /// What each `plans` bump heard since the listener connected changed, and the last
    /// version it covers (for those waiting on it).
    plan_log: std::sync::Mutex<PlanLog>,
    plan_log_last: tokio::sync::watch::Sender<i64>,
    refresh_reads: RefreshReads,
}

/// The reads of the counters after writes (`VersionWatch::refresh`): tickets handed out, and
/// the highest ticket a finished read began after.
#[derive(Default)]
struct RefreshReads {
    asked: AtomicU64,
    served: AtomicU64,
    turn: tokio::sync::Mutex<()>,
}

impl Default for VersionWatch {
    fn default() -> Self {
        VersionWatch(Arc::new(Watched {
            live: AtomicBool::new(false),
            plans: AtomicI64::new(0),
            events: AtomicI64::new(0),
            instance: crate::secret::new_token()[..16].to_owned(),
            frozen: tokio::sync::watch::Sender::new(false),
            raised: tokio::sync::Notify::new(),
            plan_log: std::sync::Mutex::new(PlanLog::starting_at(0)),
            plan_log_last: tokio::sync::watch::Sender::new(0),
            refresh_reads: RefreshReads::default(),
        }))
    }
}

/// The heartbeats sent on one connection and the last one heard back.
struct Heartbeats {
    sent: u64,
    heard: u64,
    /// When the oldest heartbeat not yet heard was sent.
    waiting_since: Option<Instant>,
}

impl Heartbeats {
    /// Whether a heartbeat has gone unheard longer than the bound.
    fn missed(&self, now: Instant) -> bool {
        self.waiting_since
            .is_some_and(|since| now.duration_since(since) > HEARTBEAT_BOUND)
    }

    fn sent(&mut self, now: Instant) -> u64 {
        self.sent += 1;
        self.waiting_since.get_or_insert(now);
        self.sent
    }

    /// Notes heartbeat `n` heard back; whether it was the first on this connection.
    fn heard(&mut self, n: u64) -> bool {
        let first = self.heard == 0;
        self.heard = self.heard.max(n);
        if self.heard >= self.sent {
            self.waiting_since = None;
        }
        first
    }
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
    ///
    /// Writers answered together (one statement wrote them all, `db::write_queue`) share reads:
    /// a caller takes a ticket, and a read that began after its ticket was taken, and so after
    /// its commit, serves it; it reads itself only if none has. One read at a time.
    pub async fn refresh(&self, db: &PgPool) -> sqlx::Result<()> {
        let reads = &self.0.refresh_reads;
        let ticket = reads.asked.fetch_add(1, Ordering::AcqRel) + 1;
        let _one_at_a_time = reads.turn.lock().await;
        if reads.served.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        // Every ticket taken by now was taken after its commit, before this read begins.
        let covers = reads.asked.load(Ordering::Acquire);
        self.raise(versions(db).await?);
        reads.served.fetch_max(covers, Ordering::AcqRel);
        Ok(())
    }

    /// Read-your-writes across processes: a write committed through another process (behind the
    /// same proxy) reaches this one's memory as a notification, milliseconds later. A signed-in
    /// request that could follow its own write there must not read the memory of before it:
    /// when the counters in the database are ahead of memory, this waits (at most
    /// `CATCH_UP_BOUND`) until the listener has heard them. PostgreSQL delivers notifications in
    /// commit order, and within a transaction the counter's bump is the last thing it notifies
    /// (migration 0033 orders the triggers so), so by then every notification of the writes
    /// already committed (versions and task changes alike) has been applied.
    pub async fn catch_up(&self, db: &PgPool) -> sqlx::Result<()> {
        let watched = &self.0;
        if !watched.live.load(Ordering::Acquire) {
            // Memory is not used meanwhile: every request reads the table.
            return Ok(());
        }
        let truth = versions(db).await?;
        let heard = async {
            loop {
                let raised = watched.raised.notified();
                tokio::pin!(raised);
                raised.as_mut().enable();
                if truth.plans <= watched.plans.load(Ordering::Acquire)
                    && truth.events <= watched.events.load(Ordering::Acquire)
                {
                    return;
                }
                raised.await;
            }
        };
        if tokio::time::timeout(CATCH_UP_BOUND, heard).await.is_err() {
            tracing::warn!("bộ theo dõi chưa nhận kịp các thay đổi của tiến trình khác");
        }
        Ok(())
    }

    /// The tasks whose own rows the `plans` versions `after + 1 ..= upto` changed, when those
    /// bumps changed nothing else (migration 0033); None when one of them changed something
    /// else or was not heard: the caller reads everything. Waits at most `bound` for the
    /// listener to hear `upto` (committed, so on its way).
    pub async fn tasks_changed_between(
        &self,
        after: i64,
        upto: i64,
        bound: Duration,
    ) -> Option<Vec<i64>> {
        if !self.is_live() {
            return None;
        }
        let mut last = self.0.plan_log_last.subscribe();
        let heard = tokio::time::timeout(bound, last.wait_for(|&last| last >= upto)).await;
        if !matches!(heard, Ok(Ok(_))) {
            return None;
        }
        self.plan_log().tasks_changed_between(after, upto)
    }

    fn plan_log(&self) -> std::sync::MutexGuard<'_, PlanLog> {
        self.0
            .plan_log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records what bump `version` of `plans` changed, and lets those waiting for it know.
    fn log_plan_change(&self, version: i64, change: PlanChange) {
        let last = {
            let mut log = self.plan_log();
            log.record(version, change);
            log.last()
        };
        self.0.plan_log_last.send_replace(last);
    }

    /// Starts the log afresh: the bumps up to `version` were not heard.
    fn restart_plan_log(&self, version: i64) {
        *self.plan_log() = PlanLog::starting_at(version);
        self.0.plan_log_last.send_replace(version);
    }

    /// Whether the listener is connected and hears (memory is trusted).
    pub fn is_live(&self) -> bool {
        self.0.live.load(Ordering::Acquire)
    }

    /// For tests: the listener stops (or resumes) reading its connection, as a frozen or
    /// half-open connection would; the heartbeats must find it out.
    #[doc(hidden)]
    pub fn freeze_listener_for_test(&self, frozen: bool) {
        self.0.frozen.send_replace(frozen);
    }

    fn raise(&self, seen: Versions) {
        self.0.plans.fetch_max(seen.plans, Ordering::AcqRel);
        self.0.events.fetch_max(seen.events, Ordering::AcqRel);
        self.0.raised.notify_waiters();
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
        // The server drops a session whose client vanished (keepalive on its side); this
        // side learns of a dead or frozen connection from the heartbeats below.
        sqlx::query!(
            "select set_config('tcp_keepalives_idle', '10', false) as idle,
                    set_config('tcp_keepalives_interval', '5', false) as interval,
                    set_config('tcp_keepalives_count', '3', false) as count",
        )
        .fetch_one(&mut listener)
        .await?;
        listener
            .listen_all([CHANNEL, TASK_CHANNEL, HEARTBEAT_CHANNEL])
            .await?;
        // Listening first, then reading: a write between the two is in both, never in neither.
        let seen = versions(db).await?;
        self.raise(seen);
        self.restart_plan_log(seen.plans);
        let mut beats = Heartbeats {
            sent: 0,
            heard: 0,
            waiting_since: None,
        };
        let mut tick = tokio::time::interval(HEARTBEAT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut freezing = self.0.frozen.subscribe();
        loop {
            let frozen = *freezing.borrow_and_update();
            tokio::select! {
                // The test hook takes effect at once, not at the next tick.
                _ = freezing.changed() => {}
                _ = tick.tick() => {
                    let now = Instant::now();
                    if beats.missed(now) {
                        return Err(sqlx::Error::Protocol(format!(
                            "no heartbeat heard back within {} s",
                            HEARTBEAT_BOUND.as_secs()
                        )));
                    }
                    let n = beats.sent(now);
                    // Sent from a task of its own: the loop keeps reading meanwhile.
                    tokio::spawn(send_heartbeat(db.clone(), self.0.instance.clone(), n));
                }
                received = listener.try_recv(), if !frozen => {
                    let Some(notification) = received? else {
                        return Ok(());
                    };
                    self.apply(db, task_details, &notification, &mut beats).await?;
                }
            }
        }
    }

    /// Applies one notification.
    async fn apply(
        &self,
        db: &PgPool,
        task_details: &TaskDetails,
        notification: &sqlx::postgres::PgNotification,
        beats: &mut Heartbeats,
    ) -> sqlx::Result<()> {
        match notification.channel() {
            HEARTBEAT_CHANNEL => {
                let ours = notification
                    .payload()
                    .split_once(':')
                    .filter(|(instance, _)| *instance == self.0.instance)
                    .map(|(_, rest)| rest);
                if let Some(n) = ours.and_then(|n| n.parse::<u64>().ok())
                    && beats.heard(n)
                {
                    // Hearing itself through the database proves the connection carries
                    // notifications: from now on memory is trusted (what was missed while
                    // away is forgotten: the versions were read after LISTEN, and the task
                    // details are emptied by `set_live`).
                    self.0.live.store(true, Ordering::Release);
                    task_details.set_live(true);
                }
            }
            TASK_CHANNEL => task_details.changed(notification.payload()),
            _ => {
                // `name:n`, and for plans perhaps `:tasks:ids` after it (migration 0033).
                let counter = notification
                    .payload()
                    .split_once(':')
                    .and_then(|(name, rest)| {
                        let digits = rest
                            .find(|c: char| !c.is_ascii_digit())
                            .unwrap_or(rest.len());
                        let n = rest[..digits].parse::<i64>().ok()?;
                        Some((name, n, &rest[digits..]))
                    });
                match counter {
                    Some(("plans", n, rest)) => {
                        self.log_plan_change(n, PlanChange::parse(rest));
                        self.0.plans.fetch_max(n, Ordering::AcqRel);
                        self.0.raised.notify_waiters();
                    }
                    Some(("events", n, "")) => {
                        self.0.events.fetch_max(n, Ordering::AcqRel);
                        self.0.raised.notify_waiters();
                    }
                    _ => {
                        // Something else notified on our channel: read the truth.
                        self.raise(versions(db).await?);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Notifies the heartbeat channel.
async fn notify_heartbeat_channel(db: &PgPool, payload: &str) -> sqlx::Result<()> {
    sqlx::query!("select pg_notify($1, $2)", HEARTBEAT_CHANNEL, payload)
        .fetch_one(db)
        .await?;
    Ok(())
}

/// Sends heartbeat `n` of `instance` through a connection of the pool (not the listener's); a
/// failure to send is a heartbeat that will not be heard.
async fn send_heartbeat(db: PgPool, instance: String, n: u64) {
    let payload = format!("{instance}:{n}");
    let sent = tokio::time::timeout(HEARTBEAT_BOUND, notify_heartbeat_channel(&db, &payload)).await;
    if !matches!(sent, Ok(Ok(_))) {
        tracing::debug!("không gửi được nhịp kiểm tra của bộ theo dõi");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unheard_heartbeat_is_missed_after_the_bound_and_a_heard_one_clears_it() {
        let start = Instant::now();
        let mut beats = Heartbeats {
            sent: 0,
            heard: 0,
            waiting_since: None,
        };
        assert!(
            !beats.missed(start + HEARTBEAT_BOUND * 10),
            "nothing sent yet"
        );
        let first = beats.sent(start);
        assert!(!beats.missed(start + HEARTBEAT_BOUND));
        assert!(beats.missed(start + HEARTBEAT_BOUND + Duration::from_millis(1)));
        assert!(beats.heard(first), "the first heard on this connection");
        assert!(!beats.missed(start + HEARTBEAT_BOUND * 10));
        beats.sent(start + Duration::from_secs(1));
        let third = beats.sent(start + Duration::from_secs(2));
        assert!(
            beats.missed(
                start + Duration::from_secs(1) + HEARTBEAT_BOUND + Duration::from_millis(1)
            ),
            "counted from the oldest unheard"
        );
        assert!(!beats.heard(third));
        assert!(!beats.missed(start + HEARTBEAT_BOUND * 10));
    }
}
