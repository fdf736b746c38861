//! A row of a task table with its cells under their columns: the row's own, a merged cell's
//! (from above or from the left), or left out of a short row by a merge in a text conversion.

use super::super::align::align;
use super::super::cell::{Cell, clean_cell};
use super::super::columns::ColumnMap;
use super::super::document::SourceRow;

/// What a row holds under one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Slot {
    /// The row's own cell.
    Own(Cell),
    /// A merged cell's value, started in a row above.
    Merged(Cell),
    /// A cell's value that spans from a column to the left.
    Spanned(Cell),
    /// Left out of a short row by a merge in a text conversion: the value above applies.
    Missing,
}

/// A row with its cells under their columns.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) line: usize,
    /// The row's last line.
    pub(super) end: usize,
    pub(super) slots: Vec<Slot>,
    pub(super) loose: bool,
    /// True when a source without merges gave the row fewer cells than the header.
    pub(super) short: bool,
    /// How many cells the source gave the row.
    pub(super) raw_len: usize,
    /// True when one cell spans the whole row (a heading across the table).
    pub(super) across: bool,
    /// True when the source leaves merged cells out of its rows.
    pub(super) merges: bool,
}

impl Row {
    pub(super) fn of(source: &SourceRow, map: &ColumnMap, short_rows_are_merges: bool) -> Row {
        let cells: Vec<(Cell, bool, bool)> = source
            .cells
            .iter()
            .map(|c| (clean_cell(&c.raw), c.merged, c.spanned))
            .collect();
        let mut slots = vec![Slot::Missing; map.width.max(cells.len())];
        let plain: Vec<Cell> = cells.iter().map(|(c, _, _)| c.clone()).collect();
        let columns: Vec<usize> = if short_rows_are_merges && !source.loose {
            align(&plain, map)
        } else {
            (0..cells.len()).collect()
        };
        for ((cell, merged, spanned), column) in cells.into_iter().zip(columns) {
            slots[column] = match (merged, spanned) {
                (_, true) => Slot::Spanned(cell),
                (true, false) => Slot::Merged(cell),
                (false, false) => Slot::Own(cell),
            };
        }
        if !short_rows_are_merges {
            for slot in slots.iter_mut().skip(source.cells.len()) {
                *slot = Slot::Own(Cell::default());
            }
        }
        Row {
            line: source.line,
            end: source.end.max(source.line),
            slots,
            loose: source.loose,
            short: !short_rows_are_merges && source.cells.len() < map.width,
            raw_len: source.cells.len(),
            merges: short_rows_are_merges,
            across: source.cells.len() > 1
                && source.cells.iter().skip(1).all(|c| c.spanned)
                && !source.cells[0].merged,
        }
    }

    /// The row's own text under a column, "" when none.
    pub(super) fn own(&self, index: Option<usize>) -> &str {
        match index.and_then(|i| self.slots.get(i)) {
            Some(Slot::Own(cell)) => cell.text.as_str(),
            _ => "",
        }
    }

    /// The text under a column: the row's own or a merged cell's.
    pub(super) fn value(&self, index: Option<usize>) -> Option<&str> {
        match index.and_then(|i| self.slots.get(i))? {
            Slot::Own(cell) | Slot::Merged(cell) | Slot::Spanned(cell) => Some(cell.text.as_str()),
            Slot::Missing => None,
        }
    }

    pub(super) fn own_cells(&self) -> impl Iterator<Item = &Cell> {
        self.slots.iter().filter_map(|s| match s {
            Slot::Own(c) if !c.is_empty() => Some(c),
            _ => None,
        })
    }

    pub(super) fn texts(&self) -> Vec<String> {
        self.slots
            .iter()
            .map(|s| match s {
                Slot::Own(c) | Slot::Merged(c) | Slot::Spanned(c) => c.text.clone(),
                Slot::Missing => String::new(),
            })
            .collect()
    }

    pub(super) fn cells(&self) -> Vec<Cell> {
        self.slots
            .iter()
            .map(|s| match s {
                Slot::Own(c) | Slot::Merged(c) | Slot::Spanned(c) => c.clone(),
                Slot::Missing => Cell::default(),
            })
            .collect()
    }
}
