//! Reading the documents plans really come in: a Word .docx and a legal portal's .html page,
//! turned into one neutral structure of blocks (paragraphs and tables with their merges) for
//! the importer's table and header interpretation. Pure: bytes or text in, blocks out.

mod document;
mod docx;
mod grid;
mod html;
mod html_elements;
mod html_entities;
mod html_lex;
mod html_table;
mod model;
mod numbering;
mod package;
mod runs;
mod sniff;
mod styles;
mod xml;

#[cfg(test)]
mod tests;

use std::fmt;

pub use docx::read_docx;
pub use grid::{MAX_COPIED_TEXT, MAX_GRID_CELLS, MAX_GRID_COLUMNS};
pub use html::{MAX_HTML_BYTES, MAX_TABLE_DEPTH, read_html};
pub use model::{
    Block, GridCell, Origin, Paragraph, VMerge, WordCell, WordDocument, WordRow, WordTable,
};
pub use package::{
    MAX_DOCUMENT_BYTES, MAX_ENTRIES, MAX_OTHER_PART_BYTES, MAX_RATIO, MAX_TOTAL_BYTES,
};
pub use sniff::{Format, sniff};
pub use xml::{MAX_DEPTH as MAX_XML_DEPTH, MAX_ELEMENTS as MAX_XML_ELEMENTS};

/// Why a document could not be read, in Vietnamese, for the person who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What is wrong and, where there is one, what to do instead.
    pub message: String,
}

impl ReadError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}
