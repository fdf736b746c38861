//! Walking a task table's rows: what each row is (section, part, sub-group, heading, task, the
//! rest of a task) and the state carried down the table.

use super::super::cell::Cell;
use super::super::columns::{Column, ColumnMap};
use super::super::error::Fault;
use super::super::label::{Label, classify, is_column_numbering};
use super::super::model::{ParsedSection, Warning};
use super::Table;
use super::fields::{dedupe_references, heads_children, is_upper};
use super::row::{Row, Slot};

/// The state carried down the table while walking its rows.
pub(super) struct Walker {
    pub(super) map: ColumnMap,
    pub(super) table: Table,
    pub(super) part: Option<String>,
    pub(super) section: Option<usize>,
    pub(super) heading: Option<String>,
    /// Unnumbered tasks so far in the current section, for their references.
    pub(super) unnumbered: usize,
}

impl Walker {
    pub(super) fn new(map: ColumnMap, header_line: usize) -> Self {
        let warnings = map
            .kept()
            .into_iter()
            .map(|(_, name)| {
                Warning::at(
                    header_line,
                    format!("cột \"{name}\" được giữ nguyên làm thuộc tính của nhiệm vụ"),
                )
            })
            .collect();
        Walker {
            table: Table {
                map: map.clone(),
                lines: (header_line, header_line),
                warnings,
                ..Table::default()
            },
            map,
            part: None,
            section: None,
            heading: None,
            unnumbered: 0,
        }
    }

    pub(super) fn at(&self, column: Column) -> Option<usize> {
        self.map.index(column)
    }

    pub(super) fn walk(mut self, rows: &[Row]) -> Result<Table, Fault> {
        for (index, row) in rows.iter().enumerate() {
            let cells = row.cells();
            if cells.iter().all(Cell::is_empty)
                || self.map.is_header_again(&cells)
                || is_column_numbering(&cells)
            {
                continue;
            }
            // In a source that keeps every cell (tab rows, records), a line of fewer than two
            // cells after the tasks is the text that follows the table.
            if row.raw_len < 2 && !row.merges && !self.table.tasks.is_empty() {
                break;
            }
            // A heading across the whole table is read from its one cell, wherever the number
            // column is.
            let first = if row.across {
                row.own_cells().next().map_or("", |c| c.text.as_str())
            } else {
                row.own(self.at(Column::Number))
            };
            let label = classify(first);
            let section = matches!(
                label,
                Label::Roman(..) | Label::Part(..) | Label::SubGroup(..)
            );
            if row.loose || (row.across && !section) {
                self.loose_row(row);
            } else {
                match label {
                    Label::Roman(code, title) => self.section_row(&code, title, row, false),
                    Label::Part(code, title) => self.section_row(&code, title, row, true),
                    Label::SubGroup(code, title) => self.sub_group_row(&code, title, row),
                    Label::Number(number) => {
                        self.numbered_row(first, &number, row, &rows[index + 1..])?
                    }
                    Label::Letter(letter) => self.lettered_row(first, &letter, row)?,
                    Label::None | Label::Other => self.unnumbered_row(row)?,
                }
            }
            self.table.lines.1 = row.end;
        }
        dedupe_references(&mut self.table.tasks);
        Ok(self.table)
    }

    /// Text of the row outside the number column, for rows whose meaning is a title.
    pub(super) fn title_of(&self, row: &Row) -> String {
        let task = row.own(self.at(Column::Task));
        if !task.is_empty() {
            return task.to_owned();
        }
        let number = self.at(Column::Number);
        row.slots
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != number)
            .filter_map(|(_, s)| match s {
                Slot::Own(c) if !c.is_empty() => Some(c.text.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(super) fn section_row(
        &mut self,
        code: &str,
        title: Option<String>,
        row: &Row,
        is_part: bool,
    ) {
        let title = title
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| self.title_of(row));
        let code = if is_part {
            self.part = Some(code.to_owned());
            code.to_owned()
        } else {
            match &self.part {
                Some(part) => format!("{part}.{code}"),
                None => code.to_owned(),
            }
        };
        self.table.sections.push(ParsedSection { code, title });
        self.section = Some(self.table.sections.len() - 1);
        self.heading = None;
        self.unnumbered = 0;
    }

    /// "III.1 Nhóm …": a group of tasks inside a section; numbering goes on through it.
    pub(super) fn sub_group_row(&mut self, code: &str, title: Option<String>, row: &Row) {
        let title = title
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| self.title_of(row));
        self.heading = Some(format!("{code}. {title}"));
    }

    /// Text between rows: a heading, or an omission mark ("…………") after which the section
    /// the rows belong to is unknown.
    pub(super) fn loose_row(&mut self, row: &Row) {
        let text = row
            .own_cells()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if text.chars().any(char::is_alphabetic) {
            self.heading = Some(text);
        } else {
            self.section = None;
            self.part = None;
            self.heading = None;
            self.table.warnings.push(Warning::at(
                row.line,
                "một phần bảng đã bị lược bỏ (dòng chỉ có dấu chấm); các hàng sau đó không rõ thuộc mục nào",
            ));
        }
    }

    pub(super) fn has_task_fields(&self, row: &Row) -> bool {
        [
            Column::Lead,
            Column::Partner,
            Column::Deadline,
            Column::Deliverable,
        ]
        .iter()
        .any(|c| !row.own(self.at(*c)).is_empty())
    }

    pub(super) fn numbered_row(
        &mut self,
        written: &str,
        number: &str,
        row: &Row,
        below: &[Row],
    ) -> Result<(), Fault> {
        if !self.has_task_fields(row) && heads_children(number, below, &self.map) {
            self.heading = Some(self.title_of(row));
            return Ok(());
        }
        self.push_task(written, number, row)
    }

    pub(super) fn lettered_row(
        &mut self,
        written: &str,
        letter: &str,
        row: &Row,
    ) -> Result<(), Fault> {
        if self.has_task_fields(row) {
            self.push_task(written, letter, row)
        } else {
            self.heading = Some(self.title_of(row));
            Ok(())
        }
    }

    /// A row without a number of its own: a heading, a task whose number is merged from above
    /// or that the table does not number, or the rest of the task above.
    pub(super) fn unnumbered_row(&mut self, row: &Row) -> Result<(), Fault> {
        let filled: Vec<&Cell> = row.own_cells().collect();
        let only_title = filled.len() == 1 && !self.has_task_fields(row);
        let looks_like_heading = filled
            .iter()
            .all(|c| c.bold || is_upper(&c.text) || c.text.ends_with(':'));
        if only_title && (looks_like_heading || self.table.tasks.is_empty()) {
            self.heading = filled.first().map(|c| c.text.clone());
            return Ok(());
        }
        let own_content = !row.own(self.at(Column::Task)).is_empty();
        let own_deadline =
            !row.own(self.at(Column::Deadline)).is_empty() || self.at(Column::Deadline).is_none();
        if own_content && own_deadline {
            let merged_number = row
                .value(self.at(Column::Number))
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .or_else(|| {
                    matches!(
                        self.at(Column::Number).and_then(|i| row.slots.get(i)),
                        Some(Slot::Missing)
                    )
                    .then(|| self.table.tasks.last().map(|t| t.number.clone()))
                    .flatten()
                });
            return match merged_number {
                Some(number) => {
                    let normal = number.trim_end_matches(['.', ')']).to_owned();
                    self.push_task(&number, &normal, row)
                }
                None => {
                    self.unnumbered += 1;
                    let ordinal = self.unnumbered.to_string();
                    self.push_task("", &ordinal, row)
                }
            };
        }
        self.continue_task(row);
        Ok(())
    }
}
