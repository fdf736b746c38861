//! The unit fields of the filter forms. A link carries a unit's id (`lead_unit=38`); a person
//! types a name, without diacritics if they like, and the browser suggests the 2,000 names from
//! `/units/labels.json` (fetched once and cached) instead of every page carrying them all.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::cache::Versions;
use crate::db::import::search_words;
use crate::db::units;
use crate::domain::ids::UnitId;
use crate::error::Result;
use crate::state::AppState;

/// Every unit's label ("Cục Công nghệ thông tin – Bộ Tư pháp"), as the filter lists show it.
pub struct UnitLabels {
    labels: Vec<UnitLabel>,
    /// The JSON list the browser caches, and its validator.
    json: String,
    etag: String,
}

struct UnitLabel {
    id: UnitId,
    label: String,
    /// `search_words` of the label: " cuc cong nghe thong tin bo tu phap ".
    folded: String,
}

impl UnitLabels {
    pub fn new(rows: Vec<(UnitId, String)>) -> Self {
        let labels: Vec<UnitLabel> = rows
            .into_iter()
            .map(|(id, label)| UnitLabel {
                folded: search_words(&label),
                id,
                label,
            })
            .collect();
        let names: Vec<&str> = labels.iter().map(|l| l.label.as_str()).collect();
        let json = serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned());
        let digest = Sha256::digest(json.as_bytes());
        let etag = format!(
            "\"{}\"",
            digest[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        UnitLabels { labels, json, etag }
    }

    /// The label of a unit.
    pub fn label(&self, id: UnitId) -> Option<&str> {
        self.labels
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.label.as_str())
    }

    /// What a unit field holds: nothing, an id, or a typed name matched without diacritics or
    /// case (an exact label first, else the labels containing every word typed).
    pub fn resolve(&self, raw: Option<&str>) -> UnitChoice {
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return UnitChoice::Any;
        };
        if let Ok(id) = raw.parse::<i64>() {
            return match self.label(UnitId(id)) {
                Some(_) => UnitChoice::Unit(UnitId(id)),
                None => UnitChoice::NotFound(raw.to_owned()),
            };
        }
        let wanted = search_words(raw);
        let exact: Vec<&UnitLabel> = self.labels.iter().filter(|l| l.folded == wanted).collect();
        let matches = if exact.is_empty() {
            let words: Vec<String> = wanted.split_whitespace().map(|w| format!(" {w}")).collect();
            self.labels
                .iter()
                .filter(|l| words.iter().all(|w| l.folded.contains(w.as_str())))
                .collect()
        } else {
            exact
        };
        match matches.as_slice() {
            [] => UnitChoice::NotFound(raw.to_owned()),
            [one] => UnitChoice::Unit(one.id),
            many => UnitChoice::Ambiguous {
                typed: raw.to_owned(),
                count: many.len(),
                first: many
                    .iter()
                    .take(AMBIGUOUS_SHOWN)
                    .map(|l| (l.id, l.label.clone()))
                    .collect(),
            },
        }
    }
}

/// How many namesakes an ambiguous name lists to pick from.
const AMBIGUOUS_SHOWN: usize = 12;

/// The meaning of a unit field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitChoice {
    Any,
    Unit(UnitId),
    NotFound(String),
    Ambiguous {
        typed: String,
        count: usize,
        first: Vec<(UnitId, String)>,
    },
}

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
    let etag = HeaderValue::from_str(&labels.etag).ok();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .zip(etag.as_ref())
        .is_some_and(|(sent, ours)| sent == ours);
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            labels.json.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> UnitLabels {
        UnitLabels::new(vec![
            (UnitId(1), "Cục Tin học hóa".to_owned()),
            (UnitId(2), "Văn phòng Bộ – Bộ Tư pháp".to_owned()),
            (UnitId(3), "Văn phòng Bộ – Bộ Y tế".to_owned()),
            (UnitId(4), "Cục Tin học hóa và Thống kê".to_owned()),
        ])
    }

    #[test]
    fn an_id_from_a_link_is_kept_when_the_unit_exists() {
        assert_eq!(labels().resolve(Some("2")), UnitChoice::Unit(UnitId(2)));
        assert_eq!(
            labels().resolve(Some("99")),
            UnitChoice::NotFound("99".to_owned())
        );
    }

    #[test]
    fn a_typed_name_matches_without_diacritics_and_prefers_the_exact_label() {
        assert_eq!(
            labels().resolve(Some("cuc tin hoc hoa")),
            UnitChoice::Unit(UnitId(1))
        );
        assert_eq!(
            labels().resolve(Some("van phong bo y te")),
            UnitChoice::Unit(UnitId(3))
        );
        assert_eq!(labels().resolve(Some("  ")), UnitChoice::Any);
    }

    #[test]
    fn namesakes_are_offered_to_choose_from() {
        let UnitChoice::Ambiguous { count, first, .. } = labels().resolve(Some("Văn phòng Bộ"))
        else {
            panic!("expected a choice between namesakes");
        };
        assert_eq!(count, 2);
        assert_eq!(first[0].0, UnitId(2));
        assert_eq!(
            labels().resolve(Some("Vụ Pháp chế")),
            UnitChoice::NotFound("Vụ Pháp chế".to_owned())
        );
    }
}
