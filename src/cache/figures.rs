//! Figures that take a scan of every task, kept per data version (see the module above).

use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use sqlx::PgPool;

use super::versions::{Track, Versions, versions};

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
