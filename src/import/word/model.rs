//! The neutral structure both readers produce: the body of a document as paragraphs and tables,
//! in document order, with Word's merges kept as Word states them.

/// A document's body in reading order (headers, footers and notes are not part of it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordDocument {
    /// Paragraphs and tables of the body, in document order; text boxes appear where anchored.
    pub blocks: Vec<Block>,
}

impl WordDocument {
    /// The top-level tables, in document order (tables nested in cells are inside their cells).
    pub fn tables(&self) -> impl Iterator<Item = &WordTable> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Table(table) => Some(table),
            Block::Paragraph(_) => None,
        })
    }

    /// The top-level paragraphs, in document order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Paragraph> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Paragraph(paragraph) => Some(paragraph),
            Block::Table(_) => None,
        })
    }
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(WordTable),
}

/// One paragraph as Word shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph {
    /// The visible text in NFC: runs joined as they are (no space invented between runs),
    /// a tab as `'\t'`, a line break as `'\n'`; field codes, deleted text and hidden text left out.
    pub text: String,
    /// Every non-blank run is bold (false for a blank paragraph).
    pub bold: bool,
    /// The number Word draws before the paragraph from its list numbering ("1.", "II.", "a)"),
    /// which is not in `text`; `None` for bullets and unnumbered paragraphs.
    pub label: Option<String>,
}

impl Paragraph {
    /// The paragraph as a reader sees it: its label, a space, then its text.
    pub fn labelled_text(&self) -> String {
        match &self.label {
            Some(label) if self.text.is_empty() => label.clone(),
            Some(label) => format!("{label} {}", self.text),
            None => self.text.clone(),
        }
    }
}

/// A table as written: rows of cells, each cell knowing how it merges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordTable {
    /// The rows, in order; deleted rows (tracked changes) are left out.
    pub rows: Vec<WordRow>,
    /// Grid columns declared by the table (`w:tblGrid`), 0 when not declared (HTML).
    pub columns: usize,
}

/// One row of a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordRow {
    /// The cells actually present, left to right.
    pub cells: Vec<WordCell>,
    /// The row repeats as a header on each page (`w:tblHeader`; `<thead>` in HTML).
    pub repeated_header: bool,
    /// Grid columns left empty before the first cell (`w:gridBefore`).
    pub grid_before: usize,
    /// Grid columns left empty after the last cell (`w:gridAfter`).
    pub grid_after: usize,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordCell {
    /// The cell's paragraphs in order (at least one in a .docx).
    pub paragraphs: Vec<Paragraph>,
    /// How many grid columns the cell covers (`w:gridSpan`, `colspan`), at least 1.
    pub grid_span: usize,
    /// Whether the cell starts or continues a vertical merge (`w:vMerge`, `rowspan`).
    pub v_merge: VMerge,
    /// Tables nested in the cell, in order (after the paragraphs in `text`).
    pub tables: Vec<WordTable>,
}

impl Default for WordCell {
    fn default() -> Self {
        Self {
            paragraphs: Vec::new(),
            grid_span: 1,
            v_merge: VMerge::None,
            tables: Vec::new(),
        }
    }
}

/// A cell's part in a vertical merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VMerge {
    /// Not merged with the cells above or below.
    #[default]
    None,
    /// First cell of a vertical merge: its content applies to the cells that continue it.
    Restart,
    /// Continues the merge started above: Word shows the content of the cell above.
    Continue,
}

/// One grid position of a table laid out by `WordTable::grid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCell {
    /// The cell's paragraphs joined by `'\n'`, each prefixed by its label; then each row of a
    /// nested table as a line, its cells joined by `'\t'`.
    pub text: String,
    /// Every non-blank paragraph of the cell is bold.
    pub bold: bool,
    /// Where the text at this position comes from.
    pub origin: Origin,
}

/// Where a grid position's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The cell that starts at this position.
    Own,
    /// A vertically merged cell: the text of the cell that starts the merge above.
    MergedFromAbove,
    /// A column covered by a cell that starts further left (`gridSpan`, `colspan`).
    SpannedFromLeft,
    /// No cell covers this position (`w:gridBefore`/`w:gridAfter`, a row with fewer cells).
    Missing,
}
