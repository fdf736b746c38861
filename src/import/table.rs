//! Reading one task table: walk its rows — repeated headers, column numbering, section, part and
//! sub-group rows, task rows, and the rows that carry no number: an unnumbered task, a heading,
//! or the rest of the task above (split by a page break, a hard wrap, or a second lead/partner
//! pair under one task). Cells a merge covers take the value of the row above.

use super::align::align;
use super::cell::{Cell, clean_cell};
use super::columns::{Column, ColumnMap, column_of};
use super::document::{SourceRow, SourceTable};
use super::error::Fault;
use super::label::{Label, classify, is_column_numbering};
use super::model::{ParsedSection, Warning};
use super::status::refine_columns;

/// A task row as read, its text not yet interpreted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftTask {
    pub section: Option<usize>,
    /// The number as written ("7", "3.", "1.1"); empty when the table has none.
    pub number: String,
    pub reference: String,
    pub heading: Option<String>,
    pub content: String,
    pub lead: String,
    pub partner: String,
    pub deadline: String,
    pub deliverable: String,
    /// Columns the importer has no meaning for: (column name, cell text).
    pub extras: Vec<(String, String)>,
    pub line: usize,
}

/// One task table, read.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The columns, as the header and the rows' contents say.
    pub map: ColumnMap,
    pub sections: Vec<ParsedSection>,
    pub tasks: Vec<DraftTask>,
    /// Lines the table spans (header to last row), 1-based, inclusive.
    pub lines: (usize, usize),
    pub warnings: Vec<Warning>,
}

/// Where a task table's header is and what its columns hold.
#[derive(Debug, Clone)]
pub struct Header {
    /// The header's first row.
    pub at: usize,
    /// How many rows the header takes: two when a merged cell ("Đơn vị thực hiện") heads
    /// sub-columns named in the row below ("Chủ trì", "Phối hợp").
    pub rows: usize,
    pub map: ColumnMap,
}

/// The header of a table and its column map, if the table is a task table.
pub fn header_of(source: &SourceTable) -> Option<Header> {
    source.rows.iter().enumerate().find_map(|(at, row)| {
        let cells: Vec<Cell> = row.cells.iter().map(|c| clean_cell(&c.raw)).collect();
        let map = ColumnMap::from_header(&cells)?;
        let below = source.rows.get(at + 1);
        Some(
            match below.and_then(|next| sub_header(row, &cells, next, &map)) {
                Some(map) => Header { at, rows: 2, map },
                None => Header { at, rows: 1, map },
            },
        )
    })
}

/// The columns of a two-row header: the row below names the sub-columns of a cell that spans
/// them above ("Đơn vị thực hiện" over "Chủ trì" | "Phối hợp"), and every other cell of it is
/// merged from the row above.
fn sub_header(
    row: &SourceRow,
    first: &[Cell],
    next: &SourceRow,
    map: &ColumnMap,
) -> Option<ColumnMap> {
    if next.cells.len() != first.len() {
        return None;
    }
    let merges = next.cells.iter().any(|c| c.merged);
    // Under a span above: spanned itself, or the start of a span; in a text without merges,
    // under an empty cell or the group's name.
    let spanned_above = |column: usize| {
        if merges {
            row.cells.get(column).is_some_and(|c| c.spanned)
                || row.cells.get(column + 1).is_some_and(|c| c.spanned)
        } else {
            first
                .get(column)
                .is_some_and(|c| c.is_empty() || column_of(&c.text).is_some())
        }
    };
    if !merges {
        // Without merges the row below must be nothing but column names, two or more.
        let labels: Vec<Cell> = next
            .cells
            .iter()
            .map(|c| clean_cell(&c.raw))
            .filter(|c| !c.is_empty())
            .collect();
        if labels.len() < 2 || labels.iter().any(|c| column_of(&c.text).is_none()) {
            return None;
        }
    }
    let mut combined = first.to_vec();
    for (column, cell) in next.cells.iter().enumerate() {
        if cell.merged {
            continue;
        }
        if !spanned_above(column) {
            return None;
        }
        let text = clean_cell(&cell.raw);
        if text.text.split_whitespace().count() > 8 {
            return None;
        }
        if !text.is_empty() {
            combined[column] = text;
        }
    }
    let better = ColumnMap::from_header(&combined)?;
    (better.kept().len() < map.kept().len() || better.index(Column::Partner).is_some())
        .then_some(better)
}

/// Reads a task table under its header.
pub fn read_table(source: &SourceTable, header: Header) -> Result<Table, Fault> {
    let Header { at, rows, map } = header;
    let header_line = source.rows[at].line;
    let rows: Vec<Row> = source.rows[at + rows..]
        .iter()
        .map(|row| Row::of(row, &map, source.short_rows_are_merges))
        .collect();
    let map = refine_columns(map, &rows.iter().map(|r| r.texts()).collect::<Vec<_>>());
    Walker::new(map, header_line).walk(&rows)
}

/// What a row holds under one column.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
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
struct Row {
    line: usize,
    slots: Vec<Slot>,
    loose: bool,
    /// True when a source without merges gave the row fewer cells than the header.
    short: bool,
    /// How many cells the source gave the row.
    raw_len: usize,
    /// True when one cell spans the whole row (a heading across the table).
    across: bool,
    /// True when the source leaves merged cells out of its rows.
    merges: bool,
}

impl Row {
    fn of(source: &SourceRow, map: &ColumnMap, short_rows_are_merges: bool) -> Row {
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
    fn own(&self, index: Option<usize>) -> &str {
        match index.and_then(|i| self.slots.get(i)) {
            Some(Slot::Own(cell)) => cell.text.as_str(),
            _ => "",
        }
    }

    /// The text under a column: the row's own or a merged cell's.
    fn value(&self, index: Option<usize>) -> Option<&str> {
        match index.and_then(|i| self.slots.get(i))? {
            Slot::Own(cell) | Slot::Merged(cell) | Slot::Spanned(cell) => Some(cell.text.as_str()),
            Slot::Missing => None,
        }
    }

    fn own_cells(&self) -> impl Iterator<Item = &Cell> {
        self.slots.iter().filter_map(|s| match s {
            Slot::Own(c) if !c.is_empty() => Some(c),
            _ => None,
        })
    }

    fn texts(&self) -> Vec<String> {
        self.slots
            .iter()
            .map(|s| match s {
                Slot::Own(c) | Slot::Merged(c) | Slot::Spanned(c) => c.text.clone(),
                Slot::Missing => String::new(),
            })
            .collect()
    }

    fn cells(&self) -> Vec<Cell> {
        self.slots
            .iter()
            .map(|s| match s {
                Slot::Own(c) | Slot::Merged(c) | Slot::Spanned(c) => c.clone(),
                Slot::Missing => Cell::default(),
            })
            .collect()
    }
}

/// The state carried down the table while walking its rows.
struct Walker {
    map: ColumnMap,
    table: Table,
    part: Option<String>,
    section: Option<usize>,
    heading: Option<String>,
    /// Unnumbered tasks so far in the current section, for their references.
    unnumbered: usize,
}

impl Walker {
    fn new(map: ColumnMap, header_line: usize) -> Self {
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

    fn at(&self, column: Column) -> Option<usize> {
        self.map.index(column)
    }

    fn walk(mut self, rows: &[Row]) -> Result<Table, Fault> {
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
            self.table.lines.1 = row.line;
        }
        dedupe_references(&mut self.table.tasks);
        Ok(self.table)
    }

    /// Text of the row outside the number column, for rows whose meaning is a title.
    fn title_of(&self, row: &Row) -> String {
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

    fn section_row(&mut self, code: &str, title: Option<String>, row: &Row, is_part: bool) {
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
    fn sub_group_row(&mut self, code: &str, title: Option<String>, row: &Row) {
        let title = title
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| self.title_of(row));
        self.heading = Some(format!("{code}. {title}"));
    }

    /// Text between rows: a heading, or an omission mark ("…………") after which the section
    /// the rows belong to is unknown.
    fn loose_row(&mut self, row: &Row) {
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

    fn has_task_fields(&self, row: &Row) -> bool {
        [
            Column::Lead,
            Column::Partner,
            Column::Deadline,
            Column::Deliverable,
        ]
        .iter()
        .any(|c| !row.own(self.at(*c)).is_empty())
    }

    fn numbered_row(
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

    fn lettered_row(&mut self, written: &str, letter: &str, row: &Row) -> Result<(), Fault> {
        if self.has_task_fields(row) {
            self.push_task(written, letter, row)
        } else {
            self.heading = Some(self.title_of(row));
            Ok(())
        }
    }

    /// A row without a number of its own: a heading, a task whose number is merged from above
    /// or that the table does not number, or the rest of the task above.
    fn unnumbered_row(&mut self, row: &Row) -> Result<(), Fault> {
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

    fn continue_task(&mut self, row: &Row) {
        let columns: Vec<(Column, Option<usize>)> = [
            Column::Task,
            Column::Lead,
            Column::Partner,
            Column::Deadline,
            Column::Deliverable,
        ]
        .iter()
        .map(|c| (*c, self.at(*c)))
        .collect();
        let kept = self.map.kept();
        let Some(above) = self.table.tasks.last().map(|t| t.number.clone()) else {
            return;
        };
        let what = if above.is_empty() {
            "phần tiếp của nhiệm vụ ở trên".to_owned()
        } else {
            format!("phần tiếp của nhiệm vụ {above}")
        };
        self.table.warnings.push(Warning::at(
            row.line,
            format!("hàng không số được đọc là {what}"),
        ));
        let Some(task) = self.table.tasks.last_mut() else {
            return;
        };
        for (column, index) in columns {
            let more = row.own(index);
            let field = match column {
                Column::Task => &mut task.content,
                Column::Lead => &mut task.lead,
                Column::Partner => &mut task.partner,
                Column::Deadline => &mut task.deadline,
                Column::Deliverable => &mut task.deliverable,
                Column::Number => continue,
            };
            let units = matches!(column, Column::Lead | Column::Partner);
            join(field, more, units);
        }
        for (index, name) in kept {
            let more = row.own(Some(index));
            if more.is_empty() {
                continue;
            }
            match task.extras.iter_mut().find(|(n, _)| n == name) {
                Some((_, value)) => join(value, more, false),
                None => task.extras.push((name.to_owned(), more.to_owned())),
            }
        }
    }

    fn push_task(&mut self, written: &str, number: &str, row: &Row) -> Result<(), Fault> {
        if row.short {
            let missing = self.map.missing(row.raw_len);
            let names: Vec<&str> = missing.iter().map(|c| c.label()).collect();
            return Err(Fault::at(
                row.line,
                format!(
                    "hàng của nhiệm vụ {number} chỉ có {} ô, bảng có {} cột; thiếu cột: {}",
                    row.raw_len,
                    self.map.width,
                    names.join(", ")
                ),
            ));
        }
        let previous = self.table.tasks.last();
        // A cell a merge covers, or left blank under a merged cell in Word's text, takes the
        // value of the row above.
        let carried = |column: Column, own: Option<&str>| -> String {
            match own {
                Some(text) if !text.is_empty() => text.to_owned(),
                _ => previous
                    .map(|p| field(p, column).to_owned())
                    .unwrap_or_default(),
            }
        };
        let value = |column: Column| row.value(self.at(column));
        let content = match value(Column::Task) {
            Some(text) if !text.is_empty() => text.to_owned(),
            Some(_) => String::new(),
            None => carried(Column::Task, None),
        };
        if content.is_empty() {
            return Err(Fault::at(
                row.line,
                format!(
                    "nhiệm vụ {written} không có nội dung (cột \"{}\" trống)",
                    self.map
                        .index(Column::Task)
                        .and_then(|i| self.map.names.get(i))
                        .map_or(Column::Task.label(), String::as_str)
                ),
            ));
        }
        let same_section = previous.is_some_and(|p| p.section == self.section);
        let inherit = |column: Column| -> String {
            match value(column) {
                None => carried(column, None),
                Some(text) if text.is_empty() && same_section && inherits_blank(column) => {
                    carried(column, None)
                }
                Some(text) => text.to_owned(),
            }
        };
        // With no product column, a plan may write the product inside the content cell
        // ("… - Sản phẩm: Cổng được nâng cấp").
        let (content, product) = match self.at(Column::Deliverable) {
            None => split_product(&content),
            Some(_) => (content, None),
        };
        let lead = inherit(Column::Lead);
        // One text across "chủ trì" and "phối hợp" names the leads, not leads and partners.
        let partner = match self.at(Column::Partner).and_then(|i| row.slots.get(i)) {
            Some(Slot::Spanned(_)) => String::new(),
            _ => inherit(Column::Partner),
        };
        let deadline = inherit(Column::Deadline);
        let deliverable = product.unwrap_or_else(|| inherit(Column::Deliverable));
        let extras = self
            .map
            .kept()
            .into_iter()
            .filter_map(|(index, name)| {
                let text = match row.value(Some(index)) {
                    Some(text) => text.to_owned(),
                    None => previous
                        .and_then(|p| p.extras.iter().find(|(n, _)| n == name))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default(),
                };
                (!text.is_empty()).then(|| (name.to_owned(), text))
            })
            .collect();
        if lead.is_empty() && self.at(Column::Lead).is_some() {
            self.table.warnings.push(Warning::at(
                row.line,
                format!("nhiệm vụ {written} không có đơn vị chủ trì"),
            ));
        }
        let reference = match self.section.and_then(|s| self.table.sections.get(s)) {
            Some(section) => format!("{}.{}", section.code, number),
            None => number.to_owned(),
        };
        self.table.tasks.push(DraftTask {
            section: self.section,
            number: written.to_owned(),
            reference,
            heading: self.heading.clone(),
            content,
            lead,
            partner,
            deadline,
            deliverable,
            extras,
            line: row.line,
        });
        Ok(())
    }
}

/// "Nâng cấp Cổng dịch vụ công - Sản phẩm: Cổng được nâng cấp" → the content and the product.
fn split_product(content: &str) -> (String, Option<String>) {
    let folded = crate::domain::text::fold(content);
    let marker = [
        "san pham:",
        "san pham dau ra:",
        "ket qua:",
        "san pham du kien:",
    ]
    .iter()
    .filter_map(|m| folded.find(m).map(|at| (at, m.len())))
    .min();
    // `fold` keeps one character per character of the NFC text, so positions map back by
    // counting characters.
    let Some((at, len)) = marker else {
        return (content.to_owned(), None);
    };
    let start = folded[..at].chars().count();
    let end = start + folded[at..at + len].chars().count();
    let chars: Vec<char> = content.chars().collect();
    let before: String = chars[..start.min(chars.len())].iter().collect();
    let after: String = chars[end.min(chars.len())..].iter().collect();
    let before = before
        .trim_end_matches(['-', '–', ' ', '\n', ';', ','])
        .trim()
        .to_owned();
    let after = after.trim().trim_end_matches(['.', ';']).trim().to_owned();
    if before.is_empty() || after.is_empty() {
        return (content.to_owned(), None);
    }
    (before, Some(after))
}

/// Word's text leaves the cells under a merged lead or deadline blank in the rows below.
fn inherits_blank(column: Column) -> bool {
    matches!(column, Column::Lead | Column::Deadline)
}

fn field(task: &DraftTask, column: Column) -> &str {
    match column {
        Column::Task => &task.content,
        Column::Lead => &task.lead,
        Column::Partner => &task.partner,
        Column::Deadline => &task.deadline,
        Column::Deliverable => &task.deliverable,
        Column::Number => &task.number,
    }
}

/// Adds the rest of a field. A unit list continued by a second unit starting with a capital
/// ("Trung ương Mặt trận …" then "Ủy ban nhân dân các tỉnh …") is a second entry; anything else
/// is the same text broken in two.
fn join(field: &mut String, more: &str, units: bool) {
    if more.is_empty() {
        return;
    }
    if !field.is_empty() {
        let open_ended = field.ends_with([',', ';', '-', ':']) || field.ends_with(" và");
        let second_entry =
            units && !open_ended && more.chars().next().is_some_and(char::is_uppercase);
        field.push_str(if second_entry { "; " } else { " " });
    }
    field.push_str(more);
}

/// True when the next numbered row is a child of `number` ("1" heads "1.1").
fn heads_children(number: &str, below: &[Row], map: &ColumnMap) -> bool {
    let prefix = format!("{number}.");
    below
        .iter()
        .find_map(|row| match classify(row.own(map.index(Column::Number))) {
            Label::Number(n) => Some(n.starts_with(&prefix)),
            Label::Roman(..) | Label::Part(..) | Label::SubGroup(..) => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

fn is_upper(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase())
}

/// References must be unique within a plan; a plan that restarts numbering under unnumbered
/// sub-headings, or repeats a number, gets " (2)", " (3)" on the repeats rather than losing a
/// task.
pub fn dedupe_references(tasks: &mut [DraftTask]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for task in tasks {
        let count = seen.entry(task.reference.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            task.reference = format!("{} ({})", task.reference, count);
        }
    }
}
