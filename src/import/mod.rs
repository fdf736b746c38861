//! The plan importer. Parsing (`parse_document`) is pure: bytes in, a `ParsedPlan` or an
//! `ImportError` out. Writing it to the database is `crate::db::import`.

mod cell;
mod columns;
mod decode;
mod error;
mod header;
mod layout;
pub mod model;
mod table;
pub mod word;

pub use error::ImportError;
pub use model::{DecisionHeader, ParsedPlan, ParsedSection, ParsedTask};

use crate::domain::deadline::parse_deadline;
use crate::domain::text::squash_ws;
use crate::domain::units::{GroupDefinition, parse_group_definition, split_units};
use error::Fault;

/// Parses one plan document. `file` names it in error messages.
pub fn parse_document(file: &str, bytes: &[u8]) -> Result<ParsedPlan, ImportError> {
    parse(bytes).map_err(|fault| fault.in_file(file))
}

fn parse(bytes: &[u8]) -> Result<ParsedPlan, Fault> {
    let text = decode::decode(bytes)?;
    let lines: Vec<&str> = text.lines().collect();
    let table = table::read_table(&lines)?;
    let header = header::read_header(&lines, table.lines)?;
    let groups = read_groups(&lines, table.lines);
    let tasks = table
        .tasks
        .into_iter()
        .map(|draft| ParsedTask {
            deadline: parse_deadline(&draft.deadline),
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
            line: draft.line,
        })
        .collect();
    Ok(ParsedPlan {
        header,
        sections: table.sections,
        tasks,
        groups,
    })
}

/// Group definitions in the plan's notes ("Ghi chú: - Các đơn vị … bao gồm: A, B, C.").
fn read_groups(lines: &[&str], table: (usize, usize)) -> Vec<GroupDefinition> {
    let mut groups: Vec<GroupDefinition> = Vec::new();
    let mut in_notes = false;
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if (table.0..=table.1).contains(&number) {
            in_notes = false;
            continue;
        }
        let clean = squash_ws(&line.replace("**", " ").replace('*', " "));
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
