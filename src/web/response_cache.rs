//! The middleware that serves the read-only list and report pages from their kept copies
//! (`crate::cache::response`) and keeps what it renders.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::params::today_in_vietnam;
use crate::cache::Track;
use crate::cache::response::{
    CallerKey, Flight, Key, Lookup, MAX_BODY_BYTES, ResponseCache, Scope, Stored, accepts_gzip,
    keepable, prepare, respond,
};
use crate::index::PageScope;
use crate::state::AppState;

/// Renderings of the same page a request waits for before it renders the page itself: the
/// second began after the request came, so it answers unless its page could not be kept.
const MAX_FOLLOWS: usize = 2;

/// Middleware for the pages that show plans, tasks and units (not the history).
pub async fn plan_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    serve(&state, &state.caches.plan_pages, request, next).await
}

/// Middleware for the pages that also quote the history (the overdue report's latest notes).
pub async fn history_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    serve(&state, &state.caches.history_pages, request, next).await
}

async fn serve(state: &AppState, cache: &ResponseCache, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    // The URI as the client sent it: inside a nested router (`/api/v1`) `request.uri()` is
    // only the rest of the path, which a page of the same name shares.
    let uri = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().clone(), |original| original.0.clone());
    // Without the counters nothing can be known fresh: answer without the cache, unless the
    // database is out of reach, which the page would only find out again.
    let seen = match state.versions().await {
        Ok(seen) => seen,
        Err(error) if crate::db::pool::is_unavailable(&error) => {
            return crate::error::unavailable_for(uri.path(), &error);
        }
        Err(_) => return next.run(request).await,
    };
    let version = seen.of(cache.track());
    let key = Key {
        path_and_query: uri
            .path_and_query()
            .map_or_else(String::new, |p| p.as_str().to_owned()),
        caller: caller_key(),
        gzip: accepts_gzip(request.headers()),
        today: today_in_vietnam(),
    };
    // Many clients asking for the same new page at once: one renders it, the others wait and
    // take the kept copy. Under a stream of writes a follower may have come after the write
    // that the rendering it waited for began before: then it waits for the next rendering,
    // which began after it came (one rendering at a time, not one per client); it renders
    // alone only when a page could not be kept.
    let mut follows = 0;
    let _leading = loop {
        if let Some(hit) = still_good(state, cache, version, &key).await {
            return respond(&hit);
        }
        match cache.flight(&key) {
            Flight::Lead(leading) => break Some(leading),
            Flight::Follow(_) if follows == MAX_FOLLOWS => break None,
            Flight::Follow(turn) => {
                drop(turn.read().await);
                follows += 1;
            }
        }
    };
    let mut response = next.run(request).await;
    if !keepable(&response) {
        return response;
    }
    // Only the task rows' changes are followed (`crate::index::PageScope`): a page that also
    // quotes the history is rendered again after any write.
    let scope = response
        .extensions_mut()
        .remove::<Arc<PageScope>>()
        .filter(|_| cache.track() == Track::Plans)
        .map(|scope| (scope.at, scope as Scope));
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        tracing::error!("không đọc được nội dung trang để lưu đệm");
        return crate::error::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Hệ thống gặp sự cố khi xử lý yêu cầu.".to_owned(),
        );
    };
    let stored = Arc::new(prepare(parts.headers, bytes, key.gzip));
    cache.store(version, key, Arc::clone(&stored), scope);
    respond(&stored)
}

/// The response kept for `key` at `version`, or kept at an older version when the writes since
/// then changed only task rows its page does not show (then it is renewed).
async fn still_good(
    state: &AppState,
    cache: &ResponseCache,
    version: i64,
    key: &Key,
) -> Option<Arc<Stored>> {
    match cache.lookup(version, key) {
        Lookup::Fresh(hit) => Some(hit),
        Lookup::Older {
            version: kept,
            shows,
            stored,
            scope,
        } => {
            let scope = scope.downcast_ref::<PageScope>()?;
            let (snapshot, changes) = state.task_index.changes_between(shows, version).await?;
            if !scope.shows.untouched_by(&snapshot, &changes) {
                return None;
            }
            cache.renew(key, kept, version, snapshot.version);
            Some(stored)
        }
        Lookup::Missing => None,
    }
}

fn caller_key() -> Option<CallerKey> {
    crate::auth::current().map(|caller| {
        let mut profile = DefaultHasher::new();
        let user = &caller.user;
        (&user.email, &user.name, &user.role, user.disabled).hash(&mut profile);
        (&user.unit_ids, &user.unit_names).hash(&mut profile);
        CallerKey {
            user: user.id,
            csrf: caller.csrf,
            profile: profile.finish(),
        }
    })
}
