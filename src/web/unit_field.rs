//! The unit fields of the filter forms. A link carries a unit's id (`lead_unit=38`); a person
//! types a name, without diacritics if they like, and the browser suggests the 2,000 names from
//! `/units/labels.json` (fetched once and cached) instead of every page carrying them all.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::cache::Versions;
pub use crate::cache::labels::{UnitChoice, UnitLabels};
use crate::db::units;
use crate::error::Result;
use crate::state::AppState;

/// The unit labels at the current data version.
pub async fn unit_labels(state: &AppState, seen: Versions) -> Result<Arc<UnitLabels>> {
    state
        .caches
        .unit_labels
        .get_or_compute(&state.db, seen, (), || async {
            Ok(UnitLabels::new(units::list_unit_names(&state.db).await?))
        })
        .await
}

/// `GET /units/labels.json`: the names the unit fields suggest, revalidated by ETag.
pub async fn labels_json(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let labels = unit_labels(&state, state.versions().await?).await?;
    let etag = HeaderValue::from_str(labels.etag()).ok();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .zip(etag.as_ref())
        .is_some_and(|(sent, ours)| sent == ours);
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            labels.json().to_owned(),
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Some(etag) = etag {
        headers.insert(header::ETAG, etag);
    }
    Ok(response)
}
