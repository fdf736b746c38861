//! Every unit's label, kept per data version for the unit fields of the filter forms: an id
//! from a link, or a name typed without diacritics, resolved to a unit.

use sha2::{Digest, Sha256};

use crate::db::import::search_words;
use crate::domain::ids::UnitId;

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

    /// The JSON list of every label, as `/units/labels.json` serves it.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The validator of `json`.
    pub fn etag(&self) -> &str {
        &self.etag
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
