//! Small rules of the walk: joining a continued field, the product written in the content,
//! what carries down, unique references.

use super::super::columns::{Column, ColumnMap};
use super::super::label::{Label, classify};
use super::DraftTask;
use super::row::Row;

/// "Nâng cấp Cổng dịch vụ công - Sản phẩm: Cổng được nâng cấp" → the content and the product.
pub(super) fn split_product(content: &str) -> (String, Option<String>) {
    let folded = crate::domain::text::fold(content);
    let marker = [
        "san pham:",
        "san pham dau ra:",
        "ket qua:",
        "san pham du kien:",
    ]
    .iter()
    .filter_map(|m| folded.find(m).map(|at| (at, m.len())))
    .min();
    // `fold` keeps one character per character of the NFC text, so positions map back by
    // counting characters.
    let Some((at, len)) = marker else {
        return (content.to_owned(), None);
    };
    let start = folded[..at].chars().count();
    let end = start + folded[at..at + len].chars().count();
    let chars: Vec<char> = content.chars().collect();
    let before: String = chars[..start.min(chars.len())].iter().collect();
    let after: String = chars[end.min(chars.len())..].iter().collect();
    let before = before
        .trim_end_matches(['-', '–', ' ', '\n', ';', ','])
        .trim()
        .to_owned();
    let after = after.trim().trim_end_matches(['.', ';']).trim().to_owned();
    if before.is_empty() || after.is_empty() {
        return (content.to_owned(), None);
    }
    (before, Some(after))
}

/// Word's text leaves the cells under a merged lead or deadline blank in the rows below.
pub(super) fn inherits_blank(column: Column) -> bool {
    matches!(column, Column::Lead | Column::Deadline)
}

pub(super) fn field(task: &DraftTask, column: Column) -> &str {
    match column {
        Column::Task => &task.content,
        Column::Lead => &task.lead,
        Column::Partner => &task.partner,
        Column::Deadline => &task.deadline,
        Column::Deliverable => &task.deliverable,
        Column::Number => &task.number,
    }
}

/// Adds the rest of a field. A unit list continued by a second unit starting with a capital
/// ("Trung ương Mặt trận …" then "Ủy ban nhân dân các tỉnh …") is a second entry; anything else
/// is the same text broken in two.
pub(super) fn join(field: &mut String, more: &str, units: bool) {
    if more.is_empty() {
        return;
    }
    if !field.is_empty() {
        let open_ended = field.ends_with([',', ';', '-', ':']) || field.ends_with(" và");
        let second_entry =
            units && !open_ended && more.chars().next().is_some_and(char::is_uppercase);
        field.push_str(if second_entry { "; " } else { " " });
    }
    field.push_str(more);
}

/// True when the next numbered row is a child of `number` ("1" heads "1.1").
pub(super) fn heads_children(number: &str, below: &[Row], map: &ColumnMap) -> bool {
    let prefix = format!("{number}.");
    below
        .iter()
        .find_map(|row| match classify(row.own(map.index(Column::Number))) {
            Label::Number(n) => Some(n.starts_with(&prefix)),
            Label::Roman(..) | Label::Part(..) | Label::SubGroup(..) => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

pub(super) fn is_upper(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase())
}

/// References must be unique within a plan; a plan that restarts numbering under unnumbered
/// sub-headings, or repeats a number, gets " (2)", " (3)" on the repeats rather than losing a
/// task.
pub fn dedupe_references(tasks: &mut [DraftTask]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for task in tasks {
        let count = seen.entry(task.reference.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            task.reference = format!("{} ({})", task.reference, count);
        }
    }
}
