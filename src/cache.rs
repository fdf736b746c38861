//! Figures that take a scan of every task (the overview's counts, the overdue report), kept in
//! memory and thrown away when the data changes.
//!
//! Every write to the plan data bumps a counter in `data_versions` inside the writing
//! transaction (migration 0007). A figure is stored under the counter read *before* computing it
//! and only when the counter has not moved by the time it is done, so a figure computed while a
//! write committed is never kept.
//!
//! The server learns the counters without asking: the triggers also `NOTIFY data_versions`
//! (migration 0008) and a listener keeps them in memory (`VersionWatch`). Writes by other
//! processes (the CLI import, a second server) are seen when their notification arrives,
//! milliseconds after they commit; the server's own writes are seen at once, because it reads
//! the counters after committing. While the listener is not connected, every request reads the
//! table instead (one index lookup).
//!
//! The same listener follows `task_changes` (migration 0009), which names the tasks each write
//! touched, for the task details kept by `crate::task_details`.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
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
                if let Err(error) = watch.follow(&db, &task_details).await {
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

/// A small map of computed figures, valid for one data version.
pub struct FigureCache<K, V> {
    track: Track,
    capacity: usize,
    entries: Mutex<Entries<K, V>>,
    /// One computation at a time per key (striped): the requests that missed wait for it and
    /// then find the figure, instead of all scanning the tasks at once.
    computing: [tokio::sync::Mutex<()>; STRIPES],
}

const STRIPES: usize = 8;

struct Entries<K, V> {
    version: i64,
    map: HashMap<K, Arc<V>>,
}

impl<K: Eq + Hash + Clone, V> FigureCache<K, V> {
    /// A cache of at most `capacity` figures (say, as many report dates as users ask for at
    /// once); when full it starts over.
    pub fn new(track: Track, capacity: usize) -> Self {
        FigureCache {
            track,
            capacity,
            entries: Mutex::new(Entries {
                version: -1,
                map: HashMap::new(),
            }),
            computing: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
        }
    }

    /// The figure for `key` at the data versions `seen` (read at the start of the request),
    /// computed by `compute` when missing.
    pub async fn get_or_compute<E, F, Fut>(
        &self,
        db: &PgPool,
        seen: Versions,
        key: K,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        E: From<sqlx::Error>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if let Some(hit) = self.lookup(seen.of(self.track), &key) {
            return Ok(hit);
        }
        let stripe = {
            let mut hasher = std::hash::DefaultHasher::new();
            key.hash(&mut hasher);
            usize::try_from(hasher.finish() % STRIPES as u64).unwrap_or_default()
        };
        let _turn = self.computing[stripe].lock().await;
        let version = versions(db).await?.of(self.track);
        if let Some(hit) = self.lookup(version, &key) {
            return Ok(hit);
        }
        let value = Arc::new(compute().await?);
        if versions(db).await?.of(self.track) == version {
            self.store(version, key, Arc::clone(&value));
        }
        Ok(value)
    }

    fn lookup(&self, version: i64, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        (entries.version == version)
            .then(|| entries.map.get(key).cloned())
            .flatten()
    }

    fn store(&self, version: i64, key: K, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.version != version || entries.map.len() >= self.capacity {
            entries.map.clear();
            entries.version = version;
        }
        entries.map.insert(key, value);
    }
}
