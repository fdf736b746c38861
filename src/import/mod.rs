//! The plan importer. Parsing is pure: bytes in, a `ParsedPlan` or an `ImportError` out.
//! Writing it to the database is `crate::db::import`.
//!
//! Whatever a document came as, it is first made a `Document` — its lines of text and the
//! tables found among them (`text` for text layouts and portal pages) — then its task tables
//! are read (`tables`, `table`) and its header from the text around them (`header`).

mod align;
mod cell;
mod codes;
mod columns;
mod decode;
mod document;
mod error;
mod header;
mod label;
mod layout;
pub mod model;
mod portal;
mod preview;
mod status;
mod stream;
mod structured;
mod table;
mod tables;
mod text;
pub mod word;

use chrono::{Datelike, NaiveDate};

pub use document::{Document, Places};
pub use error::ImportError;
pub use model::{DecisionHeader, ParsedPlan, ParsedSection, ParsedTask, Warning};
pub use preview::preview_text;

use crate::domain::deadline::{DeadlineKind, parse_deadline_in};
use crate::domain::text::squash_ws;
use crate::domain::units::{GroupDefinition, parse_group_definition, split_units};
use error::Fault;
use portal::Metadata;

/// What the person importing supplies that the document leaves open (a draft's number and
/// date), or corrects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// "12/KH-UBND".
    pub code: Option<String>,
    pub issued_on: Option<NaiveDate>,
}

/// Parses one plan document and requires what a stored plan must have: a code and, for a
/// draft, its date. `file` names it in error messages.
pub fn parse_document(file: &str, bytes: &[u8]) -> Result<ParsedPlan, ImportError> {
    parse_document_with(file, bytes, &Overrides::default())
}

/// The same, with what the person importing supplied.
pub fn parse_document_with(
    file: &str,
    bytes: &[u8],
    overrides: &Overrides,
) -> Result<ParsedPlan, ImportError> {
    let mut plan = read_document(file, bytes)?;
    apply(&mut plan.header, overrides).map_err(|fault| fault.in_file(file))?;
    Ok(plan)
}

/// Reads a document as far as it goes, leaving a draft's open number and date open: what the
/// preview shows before anything is written. `file` names it, and its extension helps tell
/// its format when the bytes do not.
pub fn read_document(file: &str, bytes: &[u8]) -> Result<ParsedPlan, ImportError> {
    let (document, metadata) = document(file, bytes).map_err(|fault| fault.in_file(file))?;
    plan_of(&document, &metadata).map_err(|fault| fault.in_document(file, &document.places))
}

/// The document's lines and tables, whatever format it came in.
fn document(file: &str, bytes: &[u8]) -> Result<(Document, Metadata), Fault> {
    let unreadable = |e: word::ReadError| Fault::whole(e.message);
    match word::sniff(file, bytes) {
        word::Format::Docx => {
            let read = word::read_docx(bytes).map_err(unreadable)?;
            Ok((structured::document_of(&read), Metadata::default()))
        }
        word::Format::Html => {
            let text = decode::decode(bytes)?;
            let read = word::read_html(&text).map_err(unreadable)?;
            let mut document = structured::document_of(&read);
            // A portal's saved page carries the portal's metadata and footer too.
            let lines: Vec<&str> = document.lines.iter().map(String::as_str).collect();
            let (lines, metadata) = portal::strip(&lines);
            document.lines = lines;
            Ok((document, metadata))
        }
        // Text, or bytes of no known kind: decoding says what is wrong with them and where.
        word::Format::Text | word::Format::Unknown => {
            let text = decode::decode(bytes)?;
            let raw: Vec<&str> = text.lines().collect();
            let (lines, metadata) = portal::strip(&raw);
            Ok((text::read(lines), metadata))
        }
        other => Err(Fault::whole(other.refusal().map_or_else(
            || "không nhận ra định dạng tệp".to_owned(),
            |e| e.message,
        ))),
    }
}

/// The plan of a document already found to be one.
fn plan_of(document: &Document, metadata: &Metadata) -> Result<ParsedPlan, Fault> {
    let tables = tables::read_tables(document)?;
    let header = header::read_header(&document.lines, &tables.spans, metadata);
    let groups = read_groups(&document.lines, &tables.spans);
    // A day and month written without a year fall in the plan's own year.
    let year = header.issued_on.map(|d| d.year()).or(header.draft_year);
    let tasks: Vec<ParsedTask> = tables
        .tasks
        .into_iter()
        .map(|draft| ParsedTask {
            deadline: parse_deadline_in(&draft.deadline, year),
            leads: split_units(&draft.lead),
            partners: split_units(&draft.partner),
            section: draft.section,
            number: draft.number,
            reference: draft.reference,
            heading: draft.heading,
            content: draft.content,
            lead_text: draft.lead,
            partner_text: draft.partner,
            deadline_text: draft.deadline,
            deliverable: draft.deliverable,
            extras: draft.extras,
            line: draft.line,
        })
        .collect();
    let mut warnings = tables.warnings;
    warnings.extend(
        tasks
            .iter()
            .filter(|t| t.deadline.kind == DeadlineKind::Unparsed && !t.deadline_text.is_empty())
            .map(|t| {
                Warning::at(
                    t.line,
                    format!(
                        "thời hạn của nhiệm vụ {} chưa hiểu được: \"{}\"",
                        t.reference, t.deadline_text
                    ),
                )
            }),
    );
    warnings.sort_by_key(|w| w.line);
    Ok(ParsedPlan {
        header,
        sections: tables.sections,
        tasks,
        groups,
        warnings,
        places: document.places.clone(),
    })
}

/// What a plan read by `read_document` still lacks before it can be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Its code ("12/KH-UBND"): a draft's open number, or none found.
    Code,
    /// A draft's open date.
    Date,
}

/// Fills what the document leaves open from `overrides` and says what is still missing; a
/// code that is not in the form of one is refused with the reason.
pub fn supply(header: &mut DecisionHeader, overrides: &Overrides) -> Result<Vec<Missing>, String> {
    if let Some(code) = &overrides.code {
        let found = codes::find_codes(code)
            .into_iter()
            .next()
            .ok_or_else(|| format!("số hiệu \"{code}\" không đúng dạng (ví dụ: 12/KH-UBND)"))?;
        header.code = found.render();
        header.number = found.number;
        header.doc_type = found.doc_type;
        header.issuer_code = found.issuer_code;
        if header.issuer.is_empty() {
            header.issuer.clone_from(&header.issuer_code);
        }
    }
    if let Some(date) = overrides.issued_on {
        header.issued_on = Some(date);
    }
    let mut missing = Vec::new();
    if header.code.is_empty() {
        missing.push(Missing::Code);
    }
    if header.issued_on.is_none() && header.open_date {
        missing.push(Missing::Date);
    }
    Ok(missing)
}

/// Fills what the document leaves open from `overrides`, and refuses a plan still without a
/// code, or a draft still without its date.
fn apply(header: &mut DecisionHeader, overrides: &Overrides) -> Result<(), Fault> {
    let missing = supply(header, overrides).map_err(Fault::whole)?;
    match missing.first() {
        Some(Missing::Code) => Err(Fault::whole(if header.open_number {
            "văn bản là bản dự thảo chưa có số hiệu (\"Số: /…\"): hãy nhập số hiệu (--code)"
        } else {
            "không tìm thấy số hiệu văn bản (dòng \"Số: …/QĐ-…\" hoặc \"Kèm theo Quyết định số …\"): hãy nhập số hiệu (--code)"
        })),
        Some(Missing::Date) => Err(Fault::whole(
            "văn bản là bản dự thảo chưa ghi ngày ban hành: hãy nhập ngày (--issued-on)",
        )),
        None => Ok(()),
    }
}

/// Group definitions in the plan's notes ("Ghi chú: - Các đơn vị … bao gồm: A, B, C.").
fn read_groups(lines: &[String], tables: &[(usize, usize)]) -> Vec<GroupDefinition> {
    let mut groups: Vec<GroupDefinition> = Vec::new();
    let mut in_notes = false;
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if tables.iter().any(|(a, b)| (*a..=*b).contains(&number)) {
            in_notes = false;
            continue;
        }
        let clean = squash_ws(&line.replace("**", " ").replace(['*', '_'], " "));
        let lower = clean.to_lowercase();
        if lower.starts_with("ghi chú") {
            in_notes = true;
        }
        if (in_notes || lower.contains("bao gồm:"))
            && let Some(group) = parse_group_definition(&clean)
            && !groups.iter().any(|g| g.name == group.name)
        {
            groups.push(group);
        }
        if clean.is_empty() {
            in_notes = false;
        }
    }
    groups
}
