//! What the parser makes of a plan document: the decision header, sections, tasks and groups,
//! before anything touches the database.

use chrono::NaiveDate;

use super::document::Places;
use crate::domain::deadline::Deadline;
use crate::domain::units::{GroupDefinition, Mention};

/// A whole document, parsed.
#[derive(Debug, Clone)]
pub struct ParsedPlan {
    pub header: DecisionHeader,
    pub sections: Vec<ParsedSection>,
    pub tasks: Vec<ParsedTask>,
    pub groups: Vec<GroupDefinition>,
    /// What the reader noticed and the person importing should check, in document order.
    pub warnings: Vec<Warning>,
    /// How lines of this document are named in messages ("dòng 12", "bảng 2, hàng 5").
    pub places: Places,
}

impl ParsedPlan {
    /// A warning as the person importing reads it: "dòng 12: …".
    pub fn describe(&self, warning: &Warning) -> String {
        match warning.line {
            Some(line) => format!("{}: {}", self.places.describe(line), warning.message),
            None => warning.message.clone(),
        }
    }
}

/// Something to check before committing an import: a row read as the rest of the task above,
/// a column kept under its own name, a deadline not understood, a cell that looks misplaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line (or row of a Word table, see `ParsedPlan::places`), when there is one.
    pub line: Option<usize>,
    pub message: String,
}

impl Warning {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        Warning {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Self {
        Warning {
            line: None,
            message: message.into(),
        }
    }
}

/// The decision (or stand-alone plan) that issues the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionHeader {
    /// "905/QĐ-BTTTT"
    pub code: String,
    /// "905"
    pub number: String,
    /// "QĐ" for a decision, "KH" for a plan issued on its own.
    pub doc_type: String,
    /// "BTTTT"
    pub issuer_code: String,
    /// "Bộ Thông tin và Truyền thông"
    pub issuer: String,
    pub place: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub signer: Option<String>,
    pub signer_title: Option<String>,
    pub title: String,
    pub plan_title: Option<String>,
    pub legal_bases: Vec<String>,
    pub replaces: Vec<String>,
    pub recipients: Vec<String>,
    /// The document's number line is there but its number is not ("Số: /KH-UBND", a draft).
    pub open_number: bool,
    /// The date line is there but its day and month are not ("ngày  tháng  năm 2026").
    pub open_date: bool,
    /// The year of an open date line, when it has one.
    pub draft_year: Option<i32>,
}

/// A section row ("I", or a part "A", or "A.II" when Roman sections restart in each part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSection {
    pub code: String,
    pub title: String,
}

/// One task row (with its continuation rows merged in).
#[derive(Debug, Clone)]
pub struct ParsedTask {
    /// Index into `ParsedPlan::sections`, if the plan has sections.
    pub section: Option<usize>,
    /// The number as written ("7", "3.", "1.1"); empty when the table numbers no rows.
    pub number: String,
    /// Section code + number ("II.7"), or the number alone.
    pub reference: String,
    /// The sub-heading row above the task, if any.
    pub heading: Option<String>,
    pub content: String,
    pub lead_text: String,
    pub partner_text: String,
    pub deadline_text: String,
    pub deliverable: String,
    pub leads: Vec<Mention>,
    pub partners: Vec<Mention>,
    pub deadline: Deadline,
    /// Columns the importer has no meaning for, kept under their own names: (name, text).
    pub extras: Vec<(String, String)>,
    /// 1-based line of the task's row in the source.
    pub line: usize,
}
