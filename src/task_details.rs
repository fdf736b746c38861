//! Today's task details kept in memory, compressed, and forgotten task by task as they change.
//!
//! The task page is the page asked for most, and for any of 100,000 tasks: a cache of whole
//! pages by address would need them all. This keeps instead what a task page shows as of today
//! (the row, its units, milestones and history) for every task, serialised (`pack`) and
//! deflated against a dictionary of earlier details: about 470 bytes a task, 47 MB for the
//! 100,000 tasks of the benchmark. The page
//! itself, with the caller's controls, is still rendered per request.
//!
//! A detail is trusted only while the listener of `crate::cache` is connected: migration 0009
//! notifies `task_changes` with the ids every committed statement touched, and the listener
//! forgets those tasks (everything on `*`, on connecting and on losing the connection). A detail
//! read from the database is kept only if nothing was forgotten between the start of the read and
//! its storing (the epoch), so a read that raced a write is never kept past the write's
//! notification.
//!
//! Once the cache is full (at 1,000,000 tasks it holds about a tenth of them), a task read from
//! the database is kept only when it was asked for before since it was last turned away (a
//! "doorkeeper", as in TinyLFU): a stream of tasks each read once would otherwise pack every
//! one of them (a deflate against the dictionary: a tenth of the machine under random task
//! pages) only to push out another, while a task read again and again still gets in.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use sqlx::PgPool;

use crate::db::tasks::{self, TaskDetail};
use crate::domain::ids::TaskId;

/// How many details the dictionary is made of, and its size (deflate's window).
const DICTIONARY_SAMPLES: usize = 16;
const DICTIONARY_BYTES: usize = 32 * 1024;
/// How many tasks turned away by a full cache are remembered (then forgotten all at once):
/// a task asked for again within about this many misses is kept.
const TURNED_AWAY_MAX: usize = 64 * 1024;

/// The cache of task details; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct TaskDetails(Arc<Inner>);

struct Inner {
    /// The most bytes of compressed details to keep; 0 turns the cache off.
    budget: usize,
    /// Whether the notifications are being followed (see the module comment).
    live: AtomicBool,
    /// Set once from the first details stored, then shared by every entry compressed with it.
    dictionary: OnceLock<Box<[u8]>>,
    store: Mutex<Store>,
    /// Woken when everything was forgotten, for `keep_warm` to fill the cache again.
    emptied: tokio::sync::Notify,
}

#[derive(Default)]
struct Store {
    /// Raised by every forgetting; a read started under an older epoch is not kept.
    epoch: u64,
    bytes: usize,
    entries: HashMap<TaskId, Entry>,
    /// The first details stored, gathered into the dictionary.
    samples: Vec<u8>,
    sampled: usize,
    /// Whether the cache has been full since everything was last forgotten: from then on a
    /// newcomer must be asked for twice (eviction leaves room, which would otherwise let the
    /// next tenth of the budget in unasked).
    filled: bool,
    /// Tasks not kept because the cache was full, to keep them when asked for again.
    turned_away: HashSet<TaskId>,
}

struct Entry {
    /// The date the detail's categories were computed for.
    day: NaiveDate,
    raw_len: usize,
    packed: Arc<[u8]>,
    /// False for the few details stored before the dictionary existed.
    compressed: bool,
}

impl TaskDetails {
    /// A cache keeping at most `budget` bytes of compressed details (0: keep nothing).
    pub fn new(budget: usize) -> Self {
        TaskDetails(Arc::new(Inner {
            budget,
            live: AtomicBool::new(false),
            dictionary: OnceLock::new(),
            store: Mutex::new(Store::default()),
            emptied: tokio::sync::Notify::new(),
        }))
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether entries are used: the cache has room and the notifications are followed.
    pub fn is_live(&self) -> bool {
        self.0.budget > 0 && self.0.live.load(Ordering::Acquire)
    }

    /// Called by the listener: on connecting (everything missed while away is forgotten) and on
    /// losing the connection (nothing kept can be trusted any more).
    pub fn set_live(&self, live: bool) {
        if !live {
            self.0.live.store(false, Ordering::Release);
        }
        self.forget_all();
        if live {
            self.0.live.store(true, Ordering::Release);
        }
    }

    /// The epoch to pass to `put` for a read starting now.
    pub fn epoch(&self) -> u64 {
        self.store().epoch
    }

    /// Number of tasks kept and their compressed bytes.
    pub fn size(&self) -> (usize, usize) {
        let store = self.store();
        (store.entries.len(), store.bytes)
    }

    /// The detail of task `id` as of `day`, if kept.
    pub fn get(&self, id: TaskId, day: NaiveDate) -> Option<TaskDetail> {
        if !self.is_live() {
            return None;
        }
        let (packed, raw_len, compressed) = {
            let store = self.store();
            let entry = store.entries.get(&id).filter(|e| e.day == day)?;
            (Arc::clone(&entry.packed), entry.raw_len, entry.compressed)
        };
        let raw = if compressed {
            inflate(&packed, raw_len, self.0.dictionary.get()?)?
        } else {
            packed.to_vec()
        };
        unpack(&raw)
    }

    /// Keeps the detail of task `id` as of `day`, read under `epoch`; false when it was not
    /// kept (a change was forgotten since, the cache is off or not following, or the cache is
    /// full and this is the task's first miss).
    pub fn put(&self, id: TaskId, day: NaiveDate, detail: &TaskDetail, epoch: u64) -> bool {
        if !self.is_live() || !self.admits(id, epoch) {
            return false;
        }
        let Ok(raw) = pack(detail) else {
            return false;
        };
        let (packed, compressed) = match self.dictionary_for(&raw) {
            Some(dictionary) => match deflate(&raw, dictionary) {
                Some(packed) => (packed, true),
                None => return false,
            },
            None => (raw.clone(), false),
        };
        let entry = Entry {
            day,
            raw_len: raw.len(),
            packed: packed.into(),
            compressed,
        };
        let mut store = self.store();
        if store.epoch != epoch {
            return false;
        }
        store.bytes += entry.packed.len();
        if let Some(old) = store.entries.insert(id, entry) {
            store.bytes -= old.packed.len();
        }
        if store.bytes > self.0.budget {
            evict(&mut store, self.full_at());
        }
        true
    }

    /// Whether a detail of task `id` read under `epoch` is to be kept: not when a change was
    /// forgotten since; when the cache is full, only on the task's second miss (module comment).
    fn admits(&self, id: TaskId, epoch: u64) -> bool {
        let mut store = self.store();
        if store.epoch != epoch {
            return false;
        }
        if store.bytes >= self.full_at() {
            store.filled = true;
        }
        if !store.filled || store.entries.contains_key(&id) {
            return true;
        }
        if store.turned_away.remove(&id) {
            return true;
        }
        if store.turned_away.len() >= TURNED_AWAY_MAX {
            store.turned_away.clear();
        }
        store.turned_away.insert(id);
        false
    }

    /// The bytes at which the cache counts as full: what an eviction leaves, and where warming
    /// stops.
    fn full_at(&self) -> usize {
        self.0.budget / 10 * 9
    }

    /// The dictionary, or None while it is still being gathered from the first details.
    fn dictionary_for(&self, raw: &[u8]) -> Option<&[u8]> {
        if let Some(dictionary) = self.0.dictionary.get() {
            return Some(dictionary);
        }
        let mut store = self.store();
        store.samples.extend_from_slice(raw);
        store.sampled += 1;
        if store.sampled >= DICTIONARY_SAMPLES {
            let start = store.samples.len().saturating_sub(DICTIONARY_BYTES);
            let dictionary = store.samples[start..].to_vec().into_boxed_slice();
            store.samples = Vec::new();
            // Losing the race to another thread is fine: the first dictionary set stays.
            let _ = self.0.dictionary.set(dictionary);
        }
        None
    }

    /// Forgets the given tasks.
    pub fn forget(&self, ids: &[TaskId]) {
        let mut store = self.store();
        store.epoch += 1;
        for id in ids {
            if let Some(old) = store.entries.remove(id) {
                store.bytes -= old.packed.len();
            }
        }
    }

    /// Forgets every task.
    pub fn forget_all(&self) {
        let mut store = self.store();
        store.epoch += 1;
        store.entries = HashMap::new();
        store.bytes = 0;
        store.filled = false;
        store.turned_away = HashSet::new();
        drop(store);
        self.0.emptied.notify_one();
    }

    /// Applies a `task_changes` notification: task ids separated by commas, or `*`.
    pub fn changed(&self, payload: &str) {
        let ids: Option<Vec<TaskId>> = payload
            .split(',')
            .map(|id| id.trim().parse::<i64>().ok().map(TaskId))
            .collect();
        match ids {
            Some(ids) if payload != "*" => self.forget(&ids),
            // `*`, or something this process does not understand: forget everything.
            _ => self.forget_all(),
        }
    }
}

/// Drops entries (in the map's arbitrary order) until at most `keep` bytes remain.
fn evict(store: &mut Store, keep: usize) {
    let mut bytes = store.bytes;
    store.entries.retain(|_, entry| {
        if bytes <= keep {
            return true;
        }
        bytes -= entry.packed.len();
        false
    });
    store.bytes = bytes;
}

/// A detail as kept, before deflating: MessagePack with structs as arrays, not JSON, because a
/// task page decodes it on every visit and decoding JSON (keys, escapes, numbers as text) was a
/// fifth of the server's time under the writers' mix.
fn pack(detail: &TaskDetail) -> Result<Vec<u8>, rmp_serde::encode::Error> {
    rmp_serde::to_vec(detail)
}

/// A detail `pack` made, back; None should it not decode (it then counts as not kept).
fn unpack(raw: &[u8]) -> Option<TaskDetail> {
    rmp_serde::from_slice(raw).ok()
}

fn deflate(raw: &[u8], dictionary: &[u8]) -> Option<Vec<u8>> {
    let mut compress = Compress::new(Compression::default(), false);
    compress.set_dictionary(dictionary).ok()?;
    let mut out = Vec::with_capacity(raw.len() / 4 + 64);
    loop {
        let read = usize::try_from(compress.total_in()).ok()?;
        let status = compress
            .compress_vec(raw.get(read..)?, &mut out, FlushCompress::Finish)
            .ok()?;
        if status == Status::StreamEnd {
            return Some(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

fn inflate(packed: &[u8], raw_len: usize, dictionary: &[u8]) -> Option<Vec<u8>> {
    // One inflater per worker thread, reset for each detail: a new one allocated and zeroed
    // its window for every task page served from memory.
    thread_local! {
        static INFLATER: RefCell<Option<Decompress>> = const { RefCell::new(None) };
    }
    INFLATER.with(|slot| {
        let mut slot = slot.borrow_mut();
        let decompress = slot.get_or_insert_with(|| Decompress::new(false));
        decompress.reset(false);
        decompress.set_dictionary(dictionary).ok()?;
        let mut out = Vec::with_capacity(raw_len);
        let status = decompress
            .decompress_vec(packed, &mut out, FlushDecompress::Finish)
            .ok()?;
        (status == Status::StreamEnd && out.len() == raw_len).then_some(out)
    })
}

/// The detail of task `id` as of `as_of`: from the cache for today, else from the database
/// (and then kept, for today).
pub async fn load(
    db: &PgPool,
    cache: &TaskDetails,
    id: TaskId,
    as_of: NaiveDate,
    today: NaiveDate,
) -> sqlx::Result<Option<TaskDetail>> {
    if as_of != today || !cache.is_live() {
        return tasks::fetch_task_detail(db, id, as_of).await;
    }
    if let Some(detail) = cache.get(id, today) {
        return Ok(Some(detail));
    }
    let epoch = cache.epoch();
    let detail = tasks::fetch_task_detail(db, id, as_of).await?;
    if let Some(detail) = &detail {
        cache.put(id, today, detail, epoch);
    }
    Ok(detail)
}

/// How many tasks one warming query reads.
const WARM_BATCH: i64 = 500;

/// Keeps the cache filled for as long as the server runs, so that the first visit of a task is
/// fast too: after start (the listener's connecting empties the cache), after every change that
/// forgot everything (an import, a renamed unit) and on a new day.
pub async fn keep_warm(db: PgPool, cache: TaskDetails, today: fn() -> NaiveDate) {
    let mut warmed_for = None;
    loop {
        let emptied = tokio::select! {
            () = cache.0.emptied.notified() => true,
            () = tokio::time::sleep(Duration::from_secs(600)) => false,
        };
        if !emptied && warmed_for == Some(today()) {
            continue;
        }
        // Changes come in bursts (an import notifies once per statement): let them settle.
        tokio::time::sleep(Duration::from_secs(1)).await;
        if !cache.is_live() {
            continue;
        }
        let day = today();
        match warm(&db, &cache, day).await {
            Ok(_) => warmed_for = Some(day),
            Err(error) => tracing::warn!(?error, "không nạp sẵn được chi tiết nhiệm vụ"),
        }
    }
}

/// Reads every task's detail as of `today` into the cache, in batches, until the cache is full
/// or stops following the changes.
pub async fn warm(db: &PgPool, cache: &TaskDetails, today: NaiveDate) -> sqlx::Result<usize> {
    let started = Instant::now();
    let mut after = 0_i64;
    let mut kept = 0_usize;
    while cache.is_live() {
        let epoch = cache.epoch();
        let batch = tasks::fetch_task_details_after(db, after, WARM_BATCH, today).await?;
        let Some(last) = batch.last() else { break };
        after = last.task.id.0;
        for detail in &batch {
            if cache.put(detail.task.id, today, detail, epoch) {
                kept += 1;
            }
        }
        let (_, bytes) = cache.size();
        if bytes >= cache.full_at() {
            break;
        }
    }
    let (entries, bytes) = cache.size();
    tracing::info!(
        kept,
        entries,
        bytes,
        seconds = started.elapsed().as_secs_f64(),
        "đã nạp sẵn chi tiết nhiệm vụ vào bộ nhớ (task details warmed)"
    );
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::tasks::{EventRow, TaskRow};

    fn detail(id: i64, note: &str) -> TaskDetail {
        TaskDetail {
            task: TaskRow {
                id: TaskId(id),
                decision: "1234/QĐ-BCA".into(),
                section: Some("II".into()),
                section_title: Some("Nhiệm vụ cụ thể".into()),
                number: id.to_string(),
                reference: format!("II.{id}"),
                heading: None,
                content: format!("Triển khai thí điểm dịch vụ công trực tuyến số {id}"),
                lead_text: "Bộ Công an".into(),
                partner_text: "Các bộ, ngành".into(),
                deadline_text: "Quý IV/2024".into(),
                deadline_kind: "quarter".into(),
                due_on: NaiveDate::from_ymd_opt(2024, 12, 31),
                extended_due_on: None,
                judged_due_on: NaiveDate::from_ymd_opt(2024, 12, 31),
                recurs_from: None,
                deliverable: "Báo cáo".into(),
                attributes: serde_json::json!([]),
                state: "in_progress".into(),
                completed_on: None,
                pending_confirmation: false,
                proposed_completed_on: None,
                version: 3,
                category: "overdue".into(),
                days_overdue: Some(12),
                explanation_status: "none".into(),
                explanation_reason: None,
                explanation_id: None,
            },
            decision_id: crate::domain::ids::DecisionId(7),
            units: Vec::new(),
            milestones: Vec::new(),
            events: vec![EventRow {
                id: id * 10,
                at: chrono::DateTime::UNIX_EPOCH,
                actor: "Nguyễn Văn A".into(),
                kind: "note".into(),
                from_state: None,
                to_state: None,
                data: serde_json::json!({}),
                note: Some(note.into()),
                evidence_id: None,
                evidence_url: None,
            }],
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn live_cache(budget: usize) -> TaskDetails {
        let cache = TaskDetails::new(budget);
        cache.set_live(true);
        cache
    }

    #[test]
    fn details_come_back_as_stored_before_and_after_the_dictionary_exists() {
        let cache = live_cache(1 << 20);
        for id in 1..=200 {
            let epoch = cache.epoch();
            assert!(cache.put(TaskId(id), day(), &detail(id, "Đã họp"), epoch));
        }
        assert!(cache.0.dictionary.get().is_some());
        for id in [1, 20, 200] {
            let kept = cache
                .get(TaskId(id), day())
                .map(|d| (d.task.content, d.events));
            let expected = detail(id, "Đã họp");
            assert_eq!(
                kept.map(|(c, e)| (c, e[0].note.clone())),
                Some((expected.task.content, expected.events[0].note.clone()))
            );
        }
        let (_, bytes) = cache.size();
        let raw: usize = (1..=200)
            .map(|id| pack(&detail(id, "Đã họp")).map_or(0, |v| v.len()))
            .sum();
        assert!(bytes * 3 < raw, "{bytes} compressed bytes of {raw}");
    }

    #[test]
    fn a_detail_of_another_day_is_not_served() {
        let cache = live_cache(1 << 20);
        assert!(cache.put(TaskId(1), day(), &detail(1, "x"), cache.epoch()));
        assert!(
            cache
                .get(TaskId(1), day().succ_opt().unwrap_or_default())
                .is_none()
        );
        assert!(cache.get(TaskId(1), day()).is_some());
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let cache = live_cache(1 << 20);
        let epoch = cache.epoch();
        cache.changed("99");
        assert!(!cache.put(TaskId(1), day(), &detail(1, "cũ"), epoch));
        assert!(cache.get(TaskId(1), day()).is_none());
    }

    #[test]
    fn notifications_forget_the_tasks_they_name_or_all() {
        let cache = live_cache(1 << 20);
        for id in 1..=3 {
            assert!(cache.put(TaskId(id), day(), &detail(id, "x"), cache.epoch()));
        }
        cache.changed("1,3");
        let kept: Vec<bool> = (1..=3)
            .map(|id| cache.get(TaskId(id), day()).is_some())
            .collect();
        assert_eq!(kept, [false, true, false]);
        cache.changed("*");
        assert_eq!(cache.size(), (0, 0));
        assert!(cache.put(TaskId(2), day(), &detail(2, "x"), cache.epoch()));
        cache.changed("không hiểu");
        assert_eq!(cache.size(), (0, 0));
    }

    #[test]
    fn nothing_is_served_or_kept_while_the_changes_are_not_followed() {
        let cache = TaskDetails::new(1 << 20);
        assert!(!cache.put(TaskId(1), day(), &detail(1, "x"), cache.epoch()));
        cache.set_live(true);
        assert!(cache.put(TaskId(1), day(), &detail(1, "x"), cache.epoch()));
        cache.set_live(false);
        assert!(cache.get(TaskId(1), day()).is_none());
        assert_eq!(cache.size(), (0, 0));
        let off = TaskDetails::new(0);
        off.set_live(true);
        assert!(!off.put(TaskId(1), day(), &detail(1, "x"), off.epoch()));
    }

    #[test]
    fn a_full_cache_keeps_a_task_on_its_second_miss_only() {
        let budget = 10_000;
        let cache = live_cache(budget);
        let mut id = 0;
        while cache.size().1 < cache.full_at() {
            id += 1;
            assert!(cache.put(TaskId(id), day(), &detail(id, "Đã họp"), cache.epoch()));
        }
        let full = cache.size();
        let newcomer = TaskId(id + 1);
        assert!(!cache.put(newcomer, day(), &detail(id + 1, "Đã họp"), cache.epoch()));
        assert_eq!(cache.size(), full, "a first miss changes nothing kept");
        assert!(cache.get(newcomer, day()).is_none());
        assert!(cache.put(newcomer, day(), &detail(id + 1, "Đã họp"), cache.epoch()));
        assert!(cache.get(newcomer, day()).is_some());
        // A task already kept is stored again (a newer read of it) without asking twice.
        let kept = (1..=id).find(|&k| cache.get(TaskId(k), day()).is_some());
        let kept = kept.unwrap_or_default();
        assert!(cache.put(TaskId(kept), day(), &detail(kept, "Đã gửi"), cache.epoch()));
        // Past evictions, which leave room, a newcomer still has to be asked for twice.
        for id in (id + 2..id + 200).flat_map(|id| [id, id]) {
            cache.put(TaskId(id), day(), &detail(id, "Đã họp"), cache.epoch());
        }
        assert!(cache.size().1 <= budget);
        let late = TaskId(id + 500);
        assert!(!cache.put(late, day(), &detail(id + 500, "Đã họp"), cache.epoch()));
        assert!(cache.put(late, day(), &detail(id + 500, "Đã họp"), cache.epoch()));
        // Forgetting everything starts over: the first miss is kept again.
        cache.changed("*");
        assert!(cache.put(
            TaskId(id + 501),
            day(),
            &detail(id + 501, "x"),
            cache.epoch()
        ));
    }

    #[test]
    fn the_cache_stays_within_its_budget() {
        let budget = 10_000;
        let cache = live_cache(budget);
        // Each task missed twice, as a full cache keeps a task on its second miss.
        for id in (1..=500).flat_map(|id| [id, id]) {
            cache.put(
                TaskId(id),
                day(),
                &detail(id, "Đã gửi báo cáo"),
                cache.epoch(),
            );
        }
        let (entries, bytes) = cache.size();
        assert!(bytes <= budget, "{bytes} bytes kept");
        assert!(entries > 10 && entries < 500, "{entries} entries kept");
    }
}
