//! A Word or HTML document as the importer's `Document`. Every paragraph is a line (a line
//! break inside it starts another); every table is a `SourceTable` of its grid, cells a merge
//! covers marked as merged, and the text of its cells is given lines too, so that the header
//! reader finds what sits in the header and signature tables ("UBND TỈNH … | CỘNG HÒA …").

use super::document::{Document, Place, Places, SourceCell, SourceRow, SourceTable};
use super::word::{Block, Origin, WordDocument, WordTable};

/// The document's lines and tables.
pub fn document_of(word: &WordDocument) -> Document {
    let mut builder = Builder::default();
    let mut paragraph = 0;
    let mut table = 0;
    for block in &word.blocks {
        match block {
            Block::Paragraph(p) => {
                paragraph += 1;
                let text = p.labelled_text();
                let bold = p.bold && !text.trim().is_empty();
                for line in text.split('\n') {
                    builder.push(
                        if bold {
                            format!("**{line}**")
                        } else {
                            line.to_owned()
                        },
                        Place::Paragraph(paragraph),
                    );
                }
            }
            Block::Table(t) => {
                table += 1;
                builder.table(t, table);
            }
        }
    }
    Document {
        lines: builder.lines,
        tables: builder.tables,
        places: Places::Structured(builder.places),
    }
}

#[derive(Default)]
struct Builder {
    lines: Vec<String>,
    places: Vec<Place>,
    tables: Vec<SourceTable>,
}

impl Builder {
    fn push(&mut self, line: String, place: Place) -> usize {
        self.lines.push(line);
        self.places.push(place);
        self.lines.len()
    }

    fn table(&mut self, table: &WordTable, number: usize) {
        let mut rows = Vec::new();
        for (index, grid_row) in table.grid().into_iter().enumerate() {
            let place = Place::Row {
                table: number,
                row: index + 1,
            };
            let first = self.push(String::new(), place);
            let mut cells = Vec::with_capacity(grid_row.len());
            for cell in grid_row {
                let merged = matches!(
                    cell.origin,
                    Origin::MergedFromAbove | Origin::SpannedFromLeft
                );
                if cell.origin == Origin::Own {
                    for line in cell.text.split('\n').filter(|l| !l.trim().is_empty()) {
                        self.push(line.to_owned(), place);
                    }
                }
                // Bold is kept as the markup the text layouts use, so headings read the same.
                let raw = if cell.bold && !cell.text.trim().is_empty() {
                    format!("**{}**", cell.text)
                } else {
                    cell.text
                };
                cells.push(SourceCell {
                    raw,
                    merged,
                    spanned: cell.origin == Origin::SpannedFromLeft,
                });
            }
            rows.push(SourceRow {
                line: first,
                end: self.lines.len(),
                cells,
                loose: false,
            });
        }
        self.tables.push(SourceTable {
            rows,
            short_rows_are_merges: false,
        });
    }
}
