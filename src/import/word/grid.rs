//! Lays a table out on its column grid: spans repeated under every column they cover, vertical
//! merges carrying the text of the cell that starts them. Also the size check both readers run,
//! so that laying out a hostile table cannot copy one cell's text into millions of positions.

use super::ReadError;
use super::model::{GridCell, Origin, VMerge, WordCell, WordTable};

/// More grid columns than Word can make (63); a wider table is refused rather than cut.
pub const MAX_GRID_COLUMNS: usize = 128;
/// Grid positions of one table (rows × columns).
pub const MAX_GRID_CELLS: usize = 2_000_000;
/// Bytes of text that merges and spans may copy when one table is laid out.
pub const MAX_COPIED_TEXT: usize = 64 * 1024 * 1024;

/// Which cell fills one grid position.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// (row, cell) of the cell whose text shows here; `None` for a missing position.
    source: Option<(usize, usize)>,
    origin: Origin,
}

impl WordCell {
    /// The cell's text: paragraphs joined by `'\n'` with their labels, then nested tables a row
    /// per line with cells joined by `'\t'`.
    pub fn text(&self) -> String {
        let mut lines: Vec<String> = self.paragraphs.iter().map(|p| p.labelled_text()).collect();
        for table in &self.tables {
            for row in &table.rows {
                let cells: Vec<String> = row.cells.iter().map(WordCell::text).collect();
                lines.push(cells.join("\t"));
            }
        }
        lines.join("\n")
    }

    /// An upper bound of `text().len()`, without building the text.
    fn text_len(&self) -> usize {
        let paragraphs = self
            .paragraphs
            .iter()
            .map(|p| p.label.as_ref().map_or(0, |l| l.len() + 1) + p.text.len() + 1);
        let nested = self
            .tables
            .iter()
            .flat_map(|t| &t.rows)
            .map(|row| row.cells.iter().map(|c| c.text_len() + 1).sum::<usize>() + 1);
        paragraphs.chain(nested).fold(0, usize::saturating_add)
    }

    /// Every non-blank paragraph is bold, and there is at least one.
    pub fn bold(&self) -> bool {
        let mut filled = self
            .paragraphs
            .iter()
            .filter(|p| !p.text.trim().is_empty())
            .peekable();
        filled.peek().is_some() && filled.all(|p| p.bold)
    }
}

impl WordTable {
    /// One entry per grid column in every row: gridSpan cells repeated under each column they
    /// cover, vMerge-continue cells carrying the text of the cell that starts the merge above,
    /// positions no cell covers marked `Origin::Missing` with empty text.
    pub fn grid(&self) -> Vec<Vec<GridCell>> {
        let texts: Vec<Vec<(String, bool)>> = self
            .rows
            .iter()
            .map(|row| row.cells.iter().map(|c| (c.text(), c.bold())).collect())
            .collect();
        self.layout()
            .into_iter()
            .map(|line| {
                line.into_iter()
                    .map(|slot| {
                        let (text, bold) = slot
                            .source
                            .and_then(|(r, c)| texts.get(r).and_then(|row| row.get(c)))
                            .cloned()
                            .unwrap_or_default();
                        GridCell {
                            text,
                            bold,
                            origin: slot.origin,
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Grid columns: the widest row, or the declared grid when wider.
    pub fn width(&self) -> usize {
        self.rows
            .iter()
            .map(|row| {
                row.cells.iter().map(|c| c.grid_span.max(1)).fold(
                    row.grid_before.saturating_add(row.grid_after),
                    usize::saturating_add,
                )
            })
            .fold(self.columns, usize::max)
    }

    /// Refuses a table whose layout would be wider than Word allows or would copy more text
    /// than a real plan ever needs.
    pub(super) fn check_size(&self) -> Result<(), ReadError> {
        let width = self.width();
        if width > MAX_GRID_COLUMNS {
            return Err(ReadError::new(format!(
                "bảng có {width} cột, quá giới hạn {MAX_GRID_COLUMNS} cột"
            )));
        }
        if width.saturating_mul(self.rows.len()) > MAX_GRID_CELLS {
            return Err(ReadError::new(format!(
                "bảng quá lớn: {} hàng × {width} cột",
                self.rows.len()
            )));
        }
        let lengths: Vec<Vec<usize>> = self
            .rows
            .iter()
            .map(|row| row.cells.iter().map(WordCell::text_len).collect())
            .collect();
        let mut copied = 0usize;
        for slot in self.layout().iter().flatten() {
            if matches!(slot.origin, Origin::Own | Origin::Missing) {
                continue;
            }
            if let Some((r, c)) = slot.source {
                let length = lengths.get(r).and_then(|row| row.get(c)).copied();
                copied = copied.saturating_add(length.unwrap_or(0));
            }
            if copied > MAX_COPIED_TEXT {
                return Err(ReadError::new(
                    "bảng có ô gộp chép nội dung quá lớn (nghi là tệp được tạo để phá hoại)",
                ));
            }
        }
        Ok(())
    }

    /// Which cell shows at each grid position.
    fn layout(&self) -> Vec<Vec<Slot>> {
        let width = self.width();
        let missing = Slot {
            source: None,
            origin: Origin::Missing,
        };
        let mut out: Vec<Vec<Slot>> = Vec::with_capacity(self.rows.len());
        for (r, row) in self.rows.iter().enumerate() {
            let mut line = vec![missing; row.grid_before.min(width)];
            for (c, cell) in row.cells.iter().enumerate() {
                let col = line.len();
                let above = out
                    .last()
                    .and_then(|prev| prev.get(col))
                    .filter(|slot| slot.source.is_some());
                let first = match (cell.v_merge, above) {
                    (VMerge::Continue, Some(above)) => Slot {
                        source: above.source,
                        origin: Origin::MergedFromAbove,
                    },
                    _ => Slot {
                        source: Some((r, c)),
                        origin: Origin::Own,
                    },
                };
                line.push(first);
                for _ in 1..cell.grid_span.max(1) {
                    line.push(Slot {
                        source: first.source,
                        origin: Origin::SpannedFromLeft,
                    });
                }
            }
            line.resize(width.max(line.len()), missing);
            out.push(line);
        }
        out
    }
}
