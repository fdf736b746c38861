//! The one error an import can end with: which file, which line, what was wrong.

use std::fmt;

use super::document::Places;

/// A document was rejected; nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// 1-based line in the source, when the fault has one.
    pub line: Option<usize>,
    /// Where, as the person importing finds it: "dòng 70", "bảng 2, hàng 5".
    pub place: Option<String>,
    pub message: String,
}

impl ImportError {
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            place: line.map(|l| format!("dòng {l}")),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{}, {}: {}", self.file, place, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// A fault found while parsing, before the file name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub line: Option<usize>,
    pub message: String,
}

impl Fault {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Self {
        Self {
            line: None,
            message: message.into(),
        }
    }

    pub fn in_file(self, file: &str) -> ImportError {
        ImportError::new(file, self.line, self.message)
    }

    /// The fault with its place named as in `places` ("bảng 2, hàng 5" in a Word document).
    pub fn in_document(self, file: &str, places: &Places) -> ImportError {
        ImportError {
            place: self.line.map(|l| places.describe(l)),
            ..ImportError::new(file, self.line, self.message)
        }
    }
}
