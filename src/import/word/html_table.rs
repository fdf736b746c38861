//! An HTML table's rows laid on the column grid as Word would store them: `colspan` becomes
//! `grid_span`; `rowspan` becomes a `Restart` cell and a `Continue` cell in each row below it.

use super::ReadError;
use super::grid::MAX_GRID_COLUMNS;
use super::model::{Block, Paragraph, VMerge, WordCell, WordRow, WordTable};

/// A `<td>`/`<th>` as read, before layout.
#[derive(Debug, Default)]
pub struct RawCell {
    pub blocks: Vec<Block>,
    pub colspan: usize,
    /// Rows the cell covers; 0 means "to the end of the table" as in HTML.
    pub rowspan: usize,
}

/// A `<tr>` as read.
#[derive(Debug, Default)]
pub struct RawRow {
    pub cells: Vec<RawCell>,
    pub header: bool,
}

/// A column taken by a cell from a row above: until which row, and where that cell starts.
#[derive(Debug, Clone, Copy)]
struct Busy {
    until: usize,
    origin: usize,
    span: usize,
}

/// Lays out the rows; a table wider than `MAX_GRID_COLUMNS` is refused, so the bookkeeping
/// stays one entry per column.
pub fn layout(rows: Vec<RawRow>) -> Result<WordTable, ReadError> {
    let count = rows.len();
    let mut busy: Vec<Option<Busy>> = Vec::new();
    let mut out = Vec::with_capacity(count);
    for (r, raw) in rows.into_iter().enumerate() {
        let taken = |busy: &[Option<Busy>], x: usize| {
            busy.get(x).copied().flatten().is_some_and(|b| b.until > r)
        };
        // Place this row's cells left to right in the columns rows above leave free.
        let mut placed: Vec<(usize, WordCell)> = Vec::new();
        let mut x = 0;
        for cell in raw.cells {
            while taken(&busy, x) {
                x += 1;
            }
            let span = cell.colspan.max(1);
            if x.saturating_add(span) > MAX_GRID_COLUMNS {
                return Err(ReadError::new(format!(
                    "bảng ở hàng {} rộng hơn {MAX_GRID_COLUMNS} cột, quá giới hạn",
                    r + 1
                )));
            }
            let rows_left = count - r;
            let down = match cell.rowspan {
                0 => rows_left,
                n => n.min(rows_left),
            };
            if busy.len() < x + span {
                busy.resize(x + span, None);
            }
            for slot in busy.iter_mut().skip(x).take(span) {
                *slot = Some(Busy {
                    until: r + down,
                    origin: x,
                    span,
                });
            }
            placed.push((x, word_cell(cell.blocks, span, down > 1)));
            x += span;
        }
        // Then walk the columns, taking the placed cells and the continuations of cells above.
        let mut cells = Vec::new();
        let mut placed = placed.into_iter().peekable();
        let active = |b: &Busy| b.until > r;
        let end = busy
            .iter()
            .flatten()
            .filter(|b| active(b))
            .map(|b| b.origin + b.span)
            .max()
            .unwrap_or(0);
        let mut x = 0;
        while x < end {
            if let Some((_, cell)) = placed.next_if(|(at, _)| *at == x) {
                x += cell.grid_span;
                cells.push(cell);
                continue;
            }
            match busy.get(x).copied().flatten() {
                Some(b) if active(&b) && b.origin == x => {
                    cells.push(WordCell {
                        paragraphs: vec![Paragraph::default()],
                        grid_span: b.span,
                        v_merge: VMerge::Continue,
                        tables: Vec::new(),
                    });
                    x += b.span;
                }
                _ => {
                    // A hole the browser leaves blank, between cells of this row.
                    cells.push(word_cell(Vec::new(), 1, false));
                    x += 1;
                }
            }
        }
        out.push(WordRow {
            cells,
            repeated_header: raw.header,
            grid_before: 0,
            grid_after: 0,
        });
    }
    Ok(WordTable {
        rows: out,
        columns: 0,
    })
}

fn word_cell(blocks: Vec<Block>, span: usize, restart: bool) -> WordCell {
    let mut cell = WordCell {
        grid_span: span,
        v_merge: if restart {
            VMerge::Restart
        } else {
            VMerge::None
        },
        ..WordCell::default()
    };
    for block in blocks {
        match block {
            Block::Paragraph(paragraph) => cell.paragraphs.push(paragraph),
            Block::Table(table) => cell.tables.push(table),
        }
    }
    if cell.paragraphs.is_empty() {
        cell.paragraphs.push(Paragraph::default());
    }
    cell
}
