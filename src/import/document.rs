//! A document as the importer sees it, whatever it came as: its lines of text in reading order
//! (the header is read from them) and the tables found among them, each a list of rows of raw
//! cells. Text layouts, Word and HTML all come down to this.

/// A whole document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Every line of text, 1-based by position (`lines[n - 1]` is line `n`). For a Word or HTML
    /// document: its paragraphs and the paragraphs of its table cells, in reading order.
    pub lines: Vec<String>,
    pub tables: Vec<SourceTable>,
    /// How to name a place in the document in messages.
    pub places: Places,
}

/// How positions are named to the person importing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Places {
    /// A text file: "dòng N".
    #[default]
    Lines,
    /// A Word or HTML document: rows of tables ("bảng T, hàng R"), paragraphs ("đoạn N").
    Structured(Vec<Place>),
}

/// Where a line of a structured document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Paragraph(usize),
    Row { table: usize, row: usize },
}

impl Places {
    /// "dòng 12", "bảng 2, hàng 5" or "đoạn 7" for line `line` (1-based).
    pub fn describe(&self, line: usize) -> String {
        match self {
            Places::Lines => format!("dòng {line}"),
            Places::Structured(places) => match places.get(line.wrapping_sub(1)) {
                Some(Place::Row { table, row }) => format!("bảng {table}, hàng {row}"),
                Some(Place::Paragraph(n)) => format!("đoạn {n}"),
                None => format!("dòng {line}"),
            },
        }
    }
}

/// A table as found: rows of raw cell text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceTable {
    pub rows: Vec<SourceRow>,
    /// True when the source leaves merged cells out of a row (text conversions of a portal
    /// page): a short row is then aligned to the columns by what its cells hold. False when
    /// every row has every cell and a short row is a fault (tab rows, Word, HTML).
    pub short_rows_are_merges: bool,
}

/// One row as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceRow {
    /// Line of `Document::lines` where the row starts.
    pub line: usize,
    /// Line where it ends (its cells may span several).
    pub end: usize,
    pub cells: Vec<SourceCell>,
    /// Text that sat between rows rather than in one: a caption, a heading, an omission mark.
    pub loose: bool,
}

/// One cell as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceCell {
    /// The text with its markup (bold markers, field codes), lines joined by '\n'.
    pub raw: String,
    /// True when the cell's value belongs to a merged cell that starts above (Word's vertical
    /// merge, HTML's rowspan) or to the left (gridSpan, colspan): not the row's own text.
    pub merged: bool,
    /// True when the merged cell starts to the left: one text across several columns.
    pub spanned: bool,
}

impl SourceCell {
    pub fn own(raw: impl Into<String>) -> Self {
        SourceCell {
            raw: raw.into(),
            merged: false,
            spanned: false,
        }
    }
}

impl SourceRow {
    /// A row of cells of the row's own, on lines `line..=end`.
    pub fn of(line: usize, end: usize, cells: Vec<String>) -> Self {
        SourceRow {
            line,
            end,
            cells: cells.into_iter().map(SourceCell::own).collect(),
            loose: false,
        }
    }
}
