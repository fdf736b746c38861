//! A plan uploaded in the browser (`/plans/import`), before the database: the draft's document
//! read with what the person importing supplied or corrected, and what still stops it from
//! being stored. Pure; the drafts themselves are `crate::db::intake`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::ids::UnitId;
use crate::domain::text::{nfc, squash_ws};
use crate::import::{
    DecisionHeader, ImportError, Missing, Overrides, ParsedPlan, read_document, supply,
};

/// The header fields the person importing supplied or corrected; `None`: as the document reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edits {
    pub code: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub title: Option<String>,
}

impl Edits {
    /// Whether anything changes what the document's bytes alone would store.
    pub fn changes_header(&self) -> bool {
        self.issuer.is_some() || self.title.is_some()
    }
}

/// Mentions mapped to an existing unit: the mention's registry key → the unit.
pub type Mappings = BTreeMap<String, UnitId>;

/// A draft's document as it will be stored.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The plan with the edits applied.
    pub plan: ParsedPlan,
    /// The header as the document itself reads.
    pub read: DecisionHeader,
    /// What must be supplied before the plan can be stored: (form field, message).
    pub blockers: Vec<(&'static str, String)>,
}

/// Reads a draft's document and applies the edits. A document that cannot be read at all is
/// the error; a code or date still missing is a blocker.
pub fn read(file: &str, bytes: &[u8], edits: &Edits) -> Result<Reading, ImportError> {
    Ok(complete(read_document(file, bytes)?, edits))
}

/// Applies the edits to a plan as `read_document` read it.
pub fn complete(mut plan: ParsedPlan, edits: &Edits) -> Reading {
    let read = plan.header.clone();
    if let Some(issuer) = &edits.issuer {
        plan.header.issuer.clone_from(issuer);
    }
    if let Some(title) = &edits.title {
        plan.header.title.clone_from(title);
    }
    let overrides = Overrides {
        code: edits.code.clone(),
        issued_on: edits.issued_on,
    };
    let blockers = match supply(&mut plan.header, &overrides) {
        Ok(missing) => missing
            .into_iter()
            .map(|m| blocker(m, &plan.header))
            .collect(),
        Err(message) => {
            // The code was refused before the date was looked at.
            let mut blockers = vec![("code", upper_first(&message))];
            plan.header.issued_on = edits.issued_on.or(plan.header.issued_on);
            if plan.header.issued_on.is_none() && plan.header.open_date {
                blockers.push(blocker(Missing::Date, &plan.header));
            }
            blockers
        }
    };
    Reading {
        plan,
        read,
        blockers,
    }
}

fn blocker(missing: Missing, header: &DecisionHeader) -> (&'static str, String) {
    match missing {
        Missing::Code if header.open_number => (
            "code",
            "Văn bản là bản dự thảo chưa có số hiệu (“Số: /…”): hãy nhập số hiệu, ví dụ 12/KH-UBND."
                .to_owned(),
        ),
        Missing::Code => (
            "code",
            "Không tìm thấy số hiệu văn bản: hãy nhập số hiệu, ví dụ 12/KH-UBND.".to_owned(),
        ),
        Missing::Date => (
            "issued_on",
            "Văn bản là bản dự thảo chưa ghi ngày ban hành: hãy nhập ngày (dd/mm/yyyy).".to_owned(),
        ),
    }
}

/// A typed header field as stored: NFC, white space squashed; empty is `None`.
pub fn clean_field(value: &str) -> Option<String> {
    let clean = squash_ws(&nfc(value));
    (!clean.is_empty()).then_some(clean)
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "UBND TỈNH BẮC NINH\nSố: /KH-UBND\nBắc Ninh, ngày   tháng   năm 2026\n\nKẾ HOẠCH\nTriển khai Đề án 06\n\nSTT\tNội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\tSản phẩm\n1\tRà soát văn bản\tSở Tư pháp\tSở Nội vụ\tQuý II/2026\tBáo cáo\n";

    #[test]
    fn a_draft_needs_its_code_and_date_and_gets_them_from_the_edits() {
        let reading = read("du-thao.txt", DRAFT.as_bytes(), &Edits::default()).expect("reads");
        let fields: Vec<&str> = reading.blockers.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["code", "issued_on"]);
        assert!(reading.plan.header.code.is_empty(), "never invented");
        let edits = Edits {
            code: Some("15/KH-UBND".into()),
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 2),
            issuer: Some("Ủy ban nhân dân tỉnh Bắc Ninh".into()),
            title: Some("Kế hoạch triển khai Đề án 06".into()),
        };
        let reading = read("du-thao.txt", DRAFT.as_bytes(), &edits).expect("reads");
        assert!(reading.blockers.is_empty(), "{:?}", reading.blockers);
        let h = &reading.plan.header;
        assert_eq!(h.code, "15/KH-UBND");
        assert_eq!(h.issued_on, NaiveDate::from_ymd_opt(2026, 3, 2));
        assert_eq!(h.title, "Kế hoạch triển khai Đề án 06");
        assert!(
            reading.read.code.is_empty(),
            "what the document reads is kept apart"
        );
    }

    #[test]
    fn a_code_not_in_the_form_of_one_is_a_blocker_on_its_field() {
        let edits = Edits {
            code: Some("mười lăm".into()),
            ..Edits::default()
        };
        let reading = read("du-thao.txt", DRAFT.as_bytes(), &edits).expect("reads");
        let fields: Vec<&str> = reading.blockers.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["code", "issued_on"]);
        assert!(reading.blockers[0].1.contains("không đúng dạng"));
    }

    #[test]
    fn typed_fields_are_cleaned_and_empty_means_as_read() {
        assert_eq!(clean_field("  Sở   Tư pháp \t"), Some("Sở Tư pháp".into()));
        assert_eq!(clean_field(" \n "), None);
    }
}
