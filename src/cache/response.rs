//! Whole responses of the read-only list and report pages, compressed once and served from
//! memory until the data they show changes.
//!
//! Under load the cost of a list page is not the database (its figures are cached, see
//! `FigureCache`) but rendering 60 KB of HTML and compressing it on every request. A response
//! depends on the URL, on who is asking (the page header, the forms a role may use), on
//! today's date (the default "as of" date) and on the data; the key holds the first three and
//! the entry is kept for one data version (the middleware that fills it is
//! `crate::web::response_cache`), the same counters that invalidate the figures. Only
//! successful responses that set no cookie are kept, so nothing personal crosses from one
//! caller to another and an error is never served twice.

use std::collections::HashMap;
use std::hash::Hash;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::NaiveDate;

use super::Track;

/// Responses larger than this are not kept. At 1,000,000 tasks a round's progress, the rounds
/// API and a programme's page (3,000 plans, 7,000 unit reports) are 1–2 MB: under 1 MB they
/// were not kept, and every request computed them again (seconds each, until the pool ran
/// out and answered 503).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The responses of one group of routes, all invalidated by the same writes.
pub struct ResponseCache {
    track: Track,
    max_bytes: usize,
    entries: Mutex<Entries>,
    /// The responses being rendered, by key: a request that misses while another renders the
    /// same page waits for it (single flight) instead of rendering it again.
    flights: Mutex<HashMap<Key, Arc<tokio::sync::RwLock<()>>>>,
    /// Responses kept so far (each one rendered).
    stored: std::sync::atomic::AtomicU64,
}

/// A request's part in rendering a missed page: render it (and let the others know when done,
/// on drop), or wait for the request that does.
pub enum Flight<'a> {
    Lead(Leading<'a>),
    Follow(Arc<tokio::sync::RwLock<()>>),
}

/// The rendering request's hold on its key; dropping it (done, failed or cancelled) lets the
/// waiting requests look again.
pub struct Leading<'a> {
    cache: &'a ResponseCache,
    key: Key,
    _turn: tokio::sync::OwnedRwLockWriteGuard<()>,
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        self.cache
            .flights
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}

struct Entries {
    /// The newest version anything was kept at.
    version: i64,
    bytes: usize,
    map: HashMap<Key, Entry>,
}

/// A kept response, the data version it was rendered at, and what it shows of the data when
/// the handler said so (`Scope`).
struct Entry {
    version: i64,
    stored: Arc<Stored>,
    /// The data version the page shows (up to which its scope was judged), and its scope.
    scope: Option<(i64, Scope)>,
}

/// What a kept page depends on, when the handler knows it more narrowly than "everything its
/// track follows" (`crate::index::PageScope`, put in the response's extensions): a page whose
/// scope the writes since it was rendered leave alone is served again. Opaque here, so that
/// what is kept need not know how data is judged.
pub type Scope = Arc<dyn std::any::Any + Send + Sync>;

/// What `lookup` found.
pub enum Lookup {
    /// Kept at the version asked for.
    Fresh(Arc<Stored>),
    /// Kept at an older version, with a scope to judge whether the writes since the data
    /// version it shows (`shows`) touch it.
    Older {
        version: i64,
        shows: i64,
        stored: Arc<Stored>,
        scope: Scope,
    },
    Missing,
}

/// What a kept response depends on besides the data: the whole URI as the client sent it (not
/// the path a nested router sees: `/api/v1/decisions` and `/decisions` are different pages),
/// who asked, whether it goes out gzipped, and today's date (the default "as of" date).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub path_and_query: String,
    pub caller: Option<CallerKey>,
    pub gzip: bool,
    pub today: NaiveDate,
}

/// Who asked: the user, their session (its CSRF token is in the page's forms) and a digest of
/// what the page shows of them (name, role, units), so a changed role is a new key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallerKey {
    pub user: i64,
    pub csrf: Option<String>,
    pub profile: u64,
}

/// A kept response: its headers and (possibly gzipped) body.
pub struct Stored {
    headers: HeaderMap,
    body: Bytes,
}

impl ResponseCache {
    /// A cache for routes whose pages change with the writes `track` follows, holding at most
    /// `max_bytes` of (compressed) bodies; when full it starts over.
    pub fn new(track: Track, max_bytes: usize) -> Self {
        ResponseCache {
            track,
            max_bytes,
            entries: Mutex::new(Entries {
                version: -1,
                bytes: 0,
                map: HashMap::new(),
            }),
            flights: Mutex::new(HashMap::new()),
            stored: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Joins the rendering of `key` under way, or leads it.
    pub fn flight(&self, key: &Key) -> Flight<'_> {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(turn) = flights.get(key) {
            return Flight::Follow(Arc::clone(turn));
        }
        let turn = Arc::new(tokio::sync::RwLock::new(()));
        match Arc::clone(&turn).try_write_owned() {
            Ok(held) => {
                flights.insert(key.clone(), turn);
                Flight::Lead(Leading {
                    cache: self,
                    key: key.clone(),
                    _turn: held,
                })
            }
            // A lock nobody else has seen is always free; were it not, render alone.
            Err(_) => Flight::Follow(Arc::new(tokio::sync::RwLock::new(()))),
        }
    }

    /// Which writes make these responses stale.
    pub fn track(&self) -> Track {
        self.track
    }

    /// The response kept for `key` at data version `version`, or at an older one with the
    /// scope that may still vouch for it.
    pub fn lookup(&self, version: i64, key: &Key) -> Lookup {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.map.get(key) {
            Some(entry) if entry.version == version => Lookup::Fresh(Arc::clone(&entry.stored)),
            // Rendered after a write the asker had not heard of yet: it holds every write the
            // asker knew of, and is what it would get a moment later. (Not for the sum of two
            // counters: a larger sum may still miss a bump of one of them.)
            Some(entry) if entry.version > version && self.track == Track::Plans => {
                Lookup::Fresh(Arc::clone(&entry.stored))
            }
            Some(Entry {
                version: older,
                stored,
                scope: Some((shows, scope)),
            }) if *older < version => Lookup::Older {
                version: *older,
                shows: *shows,
                stored: Arc::clone(stored),
                scope: Arc::clone(scope),
            },
            _ => Lookup::Missing,
        }
    }

    /// The entry kept for `key` at version `from` holds at version `to` too: the writes up to
    /// data version `shows` left its scope alone.
    pub fn renew(&self, key: &Key, from: i64, to: i64, shows: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.map.get_mut(key)
            && entry.version == from
            && let Some((at, _)) = &mut entry.scope
        {
            entry.version = to;
            *at = shows;
        }
    }

    /// Keeps a response rendered at data version `version`, with its scope if it has one (and
    /// the data version the page shows).
    pub fn store(&self, version: i64, key: Key, value: Arc<Stored>, scope: Option<(i64, Scope)>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // Counters only grow: a response rendered before a write finished late is not kept
        // over the fresher ones.
        if version < entries.version {
            return;
        }
        let size = value.weight(&key);
        if entries.bytes + size > self.max_bytes {
            entries.map.clear();
            entries.bytes = 0;
        }
        if version > entries.version {
            // Responses of older versions without a scope can never be served again.
            entries.version = version;
            let mut freed = 0;
            entries.map.retain(|key, entry| {
                let keep = entry.version == version || entry.scope.is_some();
                if !keep {
                    freed += entry.stored.weight(key);
                }
                keep
            });
            entries.bytes -= freed;
        }
        entries.bytes += size;
        let entry = Entry {
            version,
            stored: value,
            scope,
        };
        if let Some(old) = entries.map.insert(key.clone(), entry) {
            entries.bytes -= old.stored.weight(&key);
        }
        self.stored
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many responses were kept so far: each was rendered once.
    pub fn stored_count(&self) -> u64 {
        self.stored.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A 200 that sets no cookie, is not already encoded, and is small enough to keep.
pub fn keepable(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && response
            .body()
            .size_hint()
            .upper()
            .is_some_and(|n| n <= MAX_BODY_BYTES as u64)
}

/// Whether the client takes gzip (`Accept-Encoding: gzip`, not refused with `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case("gzip"))
                && parts.all(|p| {
                    p.strip_prefix("q=")
                        .is_none_or(|q| q.parse::<f32>().is_ok_and(|q| q > 0.0))
                })
        })
}

/// The response as it will be served: gzip at the default level once (served many times, so
/// the smaller body is worth the time), or as is when the client did not ask for it.
pub fn prepare(mut headers: HeaderMap, body: Bytes, gzip: bool) -> Stored {
    headers.remove(header::CONTENT_LENGTH);
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 4),
            flate2::Compression::default(),
        );
        // Writing to a Vec cannot fail; should it, the body goes out uncompressed.
        if encoder.write_all(&body).is_ok()
            && let Ok(compressed) = encoder.finish()
        {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            return Stored {
                headers,
                body: Bytes::from(compressed),
            };
        }
    }
    Stored { headers, body }
}

impl Stored {
    /// The bytes an entry holds, roughly: its body and its URL.
    fn weight(&self, key: &Key) -> usize {
        self.body.len() + key.path_and_query.len()
    }
}

pub fn respond(stored: &Stored) -> Response {
    let mut response = Response::new(Body::from(stored.body.clone()));
    *response.headers_mut() = stored.headers.clone();
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn gzip_is_taken_when_listed_and_not_refused() {
        assert!(accepts_gzip(&with_accept("gzip, deflate, br")));
        assert!(accepts_gzip(&with_accept("br;q=1.0, gzip;q=0.8")));
        assert!(!accepts_gzip(&with_accept("gzip;q=0")));
        assert!(!accepts_gzip(&with_accept("br, deflate")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn pages_of_a_few_megabytes_are_kept_and_larger_ones_not() {
        let page = |bytes: usize| Response::new(Body::from(vec![b'x'; bytes]));
        // A round's progress over 3,000 plans at 1,000,000 tasks: 1.4 MB.
        assert!(keepable(&page(1_400_000)));
        assert!(keepable(&page(MAX_BODY_BYTES)));
        assert!(!keepable(&page(MAX_BODY_BYTES + 1)));
        let mut failed = page(10);
        *failed.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        assert!(!keepable(&failed));
    }

    #[test]
    fn a_kept_page_is_gzipped_once_and_says_so() {
        let body = Bytes::from("<p>Nhiệm vụ quá hạn</p>".repeat(200));
        let stored = prepare(HeaderMap::new(), body.clone(), true);
        assert_eq!(stored.headers[header::CONTENT_ENCODING], "gzip");
        assert!(stored.body.len() < body.len() / 10);
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&stored.body[..]),
            &mut plain,
        )
        .expect("gunzip");
        assert_eq!(plain, body);
        let unencoded = prepare(HeaderMap::new(), body.clone(), false);
        assert!(!unencoded.headers.contains_key(header::CONTENT_ENCODING));
        assert_eq!(unencoded.body, body);
    }

    /// An anonymous, plain request for `path` on one day.
    fn key(path: &str) -> Key {
        Key {
            path_and_query: path.to_owned(),
            caller: None,
            gzip: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
        }
    }

    fn page(body: &'static str) -> Arc<Stored> {
        Arc::new(Stored {
            headers: HeaderMap::new(),
            body: Bytes::from(body),
        })
    }

    #[test]
    fn a_response_of_an_older_version_does_not_replace_newer_ones() {
        let cache = ResponseCache::new(Track::Plans, 1 << 20);
        let body = |found: Lookup| match found {
            Lookup::Fresh(stored) => Some(stored.body.clone()),
            _ => None,
        };
        cache.store(5, key("/tasks"), page("v5"), None);
        cache.store(4, key("/"), page("v4"), None);
        assert_eq!(
            body(cache.lookup(5, &key("/tasks"))),
            Some(Bytes::from("v5"))
        );
        assert!(matches!(cache.lookup(4, &key("/")), Lookup::Missing));
        cache.store(6, key("/"), page("v6"), None);
        assert!(matches!(cache.lookup(6, &key("/tasks")), Lookup::Missing));
        assert_eq!(body(cache.lookup(6, &key("/"))), Some(Bytes::from("v6")));
    }

    #[test]
    fn a_page_with_a_scope_is_offered_at_later_versions_until_renewed_or_replaced() {
        let cache = ResponseCache::new(Track::Plans, 1 << 20);
        let scope: Scope = Arc::new("tasks of unit 38");
        cache.store(
            5,
            key("/tasks?lead_unit=38"),
            page("list"),
            Some((4, scope)),
        );
        cache.store(5, key("/"), page("overview"), None);
        cache.store(7, key("/units"), page("units"), None);
        // The page without a scope is gone with its version; the one with a scope is offered.
        assert!(matches!(cache.lookup(7, &key("/")), Lookup::Missing));
        match cache.lookup(7, &key("/tasks?lead_unit=38")) {
            Lookup::Older {
                version,
                shows,
                scope,
                ..
            } => {
                assert_eq!((version, shows), (5, 4));
                assert_eq!(scope.downcast_ref::<&str>(), Some(&"tasks of unit 38"));
            }
            _ => panic!("the scoped page should be offered"),
        }
        // Renewed only from the version it was seen at.
        cache.renew(&key("/tasks?lead_unit=38"), 6, 7, 7);
        assert!(matches!(
            cache.lookup(7, &key("/tasks?lead_unit=38")),
            Lookup::Older { version: 5, .. }
        ));
        cache.renew(&key("/tasks?lead_unit=38"), 5, 7, 6);
        assert!(matches!(
            cache.lookup(7, &key("/tasks?lead_unit=38")),
            Lookup::Fresh(_)
        ));
        // Asked at an older version than kept: the newer page answers.
        assert!(matches!(
            cache.lookup(6, &key("/tasks?lead_unit=38")),
            Lookup::Fresh(_)
        ));
    }

    #[test]
    fn a_page_following_two_counters_answers_only_at_its_own_version() {
        let cache = ResponseCache::new(Track::PlansAndEvents, 1 << 20);
        cache.store(7, key("/reports/overdue"), page("report"), None);
        assert!(matches!(
            cache.lookup(7, &key("/reports/overdue")),
            Lookup::Fresh(_)
        ));
        for asked in [6, 8] {
            assert!(matches!(
                cache.lookup(asked, &key("/reports/overdue")),
                Lookup::Missing
            ));
        }
    }
}
