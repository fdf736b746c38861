//! What the parser makes of a plan document: the decision header, sections, tasks and groups,
//! before anything touches the database.

use chrono::NaiveDate;

use crate::domain::deadline::Deadline;
use crate::domain::units::{GroupDefinition, Mention};

/// A whole document, parsed.
#[derive(Debug, Clone)]
pub struct ParsedPlan {
    pub header: DecisionHeader,
    pub sections: Vec<ParsedSection>,
    pub tasks: Vec<ParsedTask>,
    pub groups: Vec<GroupDefinition>,
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
    /// The number as written ("7", "1.1", "5.1.1").
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
    /// 1-based line of the task's row in the source.
    pub line: usize,
}
