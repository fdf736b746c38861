//! The preview form as posted: the header fields as typed, the unit choices, and the draft
//! version and revision basis the page was rendered from; read into edits and mappings, each
//! fault named by its field.

use crate::db::intake::{PlanUnit, UnitStatus};
use crate::domain::deadline::format_vi;
use crate::domain::ids::UnitId;
use crate::domain::limits;
use crate::import::DecisionHeader;
use crate::intake::{Edits, Mappings, clean_field};
use crate::web::params;

/// Longest title accepted (a title of several lines is still far shorter).
const TITLE_MAX: usize = 2_000;

/// The header fields as shown in, or typed into, the form.
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    pub code: String,
    pub issued_on: String,
    pub issuer: String,
    pub title: String,
}

impl FormValues {
    /// The values of a header as it will be stored.
    pub fn of(header: &DecisionHeader) -> Self {
        FormValues {
            code: header.code.clone(),
            issued_on: header.issued_on.map(format_vi).unwrap_or_default(),
            issuer: header.issuer.clone(),
            title: header.title.clone(),
        }
    }
}

/// The posted form.
#[derive(Debug, Clone, Default)]
pub struct DraftForm {
    pub csrf: String,
    pub version: String,
    pub basis: String,
    /// "save" or "commit".
    pub action: String,
    pub values: FormValues,
    /// Unit choices: "<unit id>:<name key>", or "-:<name key>" to create the unit.
    pub maps: Vec<String>,
}

impl DraftForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = DraftForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "csrf" => form.csrf = value,
                "version" => form.version = value,
                "basis" => form.basis = value,
                "action" => form.action = value,
                "code" => form.values.code = value,
                "issued_on" => form.values.issued_on = value,
                "issuer" => form.values.issuer = value,
                "title" => form.values.title = value,
                "map" => form.maps.push(value),
                _ => {}
            }
        }
        form
    }
}

/// A field and what is wrong with it.
pub type FieldError = (&'static str, String);

/// The edits the typed values make to what the document reads: a value as read (or left
/// empty) is no edit.
pub fn edits_of(values: &FormValues, read: &DecisionHeader) -> Result<Edits, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut text = |field: &'static str, label: &str, value: &str, max: usize, read: &str| {
        if limits::too_long(value, max) {
            errors.push((field, format!("{label} quá dài (tối đa {max} ký tự).")));
            return None;
        }
        clean_field(value).filter(|v| v != read)
    };
    let code = text("code", "Số hiệu", &values.code, limits::SHORT, &read.code);
    let issuer = text(
        "issuer",
        "Cơ quan ban hành",
        &values.issuer,
        limits::SHORT,
        &read.issuer,
    );
    let title = text("title", "Trích yếu", &values.title, TITLE_MAX, &read.title);
    let mut query = params::Query::new();
    query.insert("issued_on".to_owned(), values.issued_on.clone());
    let issued_on = match params::date(&query, "issued_on") {
        Ok(date) => date.filter(|d| Some(*d) != read.issued_on),
        Err(_) => {
            errors.push((
                "issued_on",
                format!(
                    "Ngày ban hành “{}” không hợp lệ: hãy nhập dạng dd/mm/yyyy.",
                    limits::truncate(values.issued_on.trim(), 40)
                ),
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Edits {
        code,
        issued_on,
        issuer,
        title,
    })
}

/// The unit choices, checked against the units the plan names now (a choice names a unit by
/// its name key, and is saved under the key the unit has now): a choice may map a new unit to
/// one of its near matches, nothing else.
pub fn mappings_of(maps: &[String], units: &[PlanUnit]) -> Result<Mappings, FieldError> {
    let mut mappings = Mappings::new();
    for choice in maps {
        let stale = || {
            (
                "units",
                "Danh sách đơn vị đã được tính lại (ví dụ sau khi sửa cơ quan ban hành): hãy chọn lại các đơn vị gần giống."
                    .to_owned(),
            )
        };
        let (id, key) = choice.split_once(':').ok_or_else(stale)?;
        let unit = units.iter().find(|u| u.name_key == key).ok_or_else(stale)?;
        let UnitStatus::New { near } = &unit.status else {
            return Err(stale());
        };
        if id == "-" {
            continue;
        }
        let id: UnitId = id.parse().map_err(|_| stale())?;
        if !near.iter().any(|n| n.id == id) {
            return Err(stale());
        }
        mappings.insert(unit.key.clone(), id);
    }
    Ok(mappings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::intake::UnitRef;
    use chrono::NaiveDate;

    fn header() -> DecisionHeader {
        DecisionHeader {
            code: "12/KH-UBND".into(),
            issuer: "Ủy ban nhân dân tỉnh Bắc Ninh".into(),
            title: "Kế hoạch".into(),
            ..DecisionHeader::default()
        }
    }

    #[test]
    fn a_value_as_read_is_no_edit_and_a_changed_one_is() {
        let values = FormValues {
            code: "12/KH-UBND".into(),
            issued_on: "02/03/2026".into(),
            issuer: " Ủy ban nhân dân tỉnh  Bắc Ninh".into(),
            title: "Kế hoạch triển khai".into(),
        };
        let edits = edits_of(&values, &header()).expect("valid");
        assert_eq!(edits.code, None);
        assert_eq!(edits.issuer, None);
        assert_eq!(edits.issued_on, NaiveDate::from_ymd_opt(2026, 3, 2));
        assert_eq!(edits.title.as_deref(), Some("Kế hoạch triển khai"));
    }

    #[test]
    fn a_bad_date_and_an_over_long_title_are_named_by_field() {
        let values = FormValues {
            issued_on: "31/02/2026".into(),
            title: "x".repeat(TITLE_MAX + 1),
            ..FormValues::default()
        };
        let fields: Vec<&str> = edits_of(&values, &header())
            .expect_err("invalid")
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(fields, ["title", "issued_on"]);
    }

    #[test]
    fn only_a_near_match_of_a_new_unit_may_be_chosen() {
        let near = UnitRef {
            id: UnitId(31),
            name: "Bộ Y tế".into(),
            parent: None,
        };
        let unit = |key: &str, status| PlanUnit {
            key: format!("{key}@x"),
            name_key: key.into(),
            name: key.into(),
            parent: None,
            is_group: false,
            written: vec![key.into()],
            status,
        };
        let units = [
            unit(
                "bo y te (chu tri)",
                UnitStatus::New {
                    near: vec![near.clone()],
                },
            ),
            unit("bo tai chinh", UnitStatus::Existing(near.clone())),
        ];
        let chosen = mappings_of(&["31:bo y te (chu tri)".into()], &units).expect("valid");
        assert_eq!(
            chosen.get("bo y te (chu tri)@x"),
            Some(&UnitId(31)),
            "saved under the key the unit has now"
        );
        assert!(
            mappings_of(&["-:bo y te (chu tri)".into()], &units)
                .expect("valid")
                .is_empty()
        );
        for bad in [
            "32:bo y te (chu tri)",
            "31:bo tai chinh",
            "31:khong co",
            "31",
        ] {
            assert!(mappings_of(&[bad.into()], &units).is_err(), "{bad}");
        }
    }
}
