//! Reading the plan table: find the header in whichever layout the document uses, then walk the
//! rows — repeated headers, section and part rows, sub-headings, task rows and the continuation
//! rows that a page break or a hard wrap leaves without a number.

use super::cell::{Cell, clean_cell};
use super::columns::{Column, ColumnMap};
use super::error::Fault;
use super::layout::{Layout, RawRow};
use super::model::ParsedSection;

/// A task row as read, its text not yet interpreted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftTask {
    pub section: Option<usize>,
    pub number: String,
    pub reference: String,
    pub heading: Option<String>,
    pub content: String,
    pub lead: String,
    pub partner: String,
    pub deadline: String,
    pub deliverable: String,
    pub line: usize,
}

/// The plan table of a document.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub sections: Vec<ParsedSection>,
    pub tasks: Vec<DraftTask>,
    /// Lines the table spans (header to last row), 1-based, inclusive.
    pub lines: (usize, usize),
}

/// What the first cell of a row says the row is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    None,
    /// "I", "IV" — a section.
    Roman(String, Option<String>),
    /// "A", "B" — a part holding sections.
    Part(String, Option<String>),
    /// "1", "1.1", "5.1.1" — a task, or the heading of the tasks numbered below it.
    Number(String),
    /// "a", "b" — a lettered item.
    Letter(String),
    /// Something else (a bullet, a stray word).
    Other,
}

fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.len() <= 6 && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

fn classify(first: &str) -> Label {
    let t = first.trim();
    if t.is_empty() {
        return Label::None;
    }
    // "I. XÂY DỰNG …" in one merged cell: the label and the title together.
    let (head, rest) = match t.find(['.', ')', ' ']) {
        Some(i) => (
            &t[..i],
            t[i + 1..]
                .trim_start_matches(['.', ')', ' ', '-', ':'])
                .trim(),
        ),
        None => (t, ""),
    };
    let rest = (!rest.is_empty()).then(|| rest.to_owned());
    let head = head.trim_start_matches(['(']);
    if is_roman(head) {
        return Label::Roman(head.to_owned(), rest);
    }
    let word = t.trim_end_matches(['.', ')', ':']).trim();
    if let Some(part) = word
        .strip_prefix("Phần ")
        .or_else(|| word.strip_prefix("PHẦN "))
    {
        let part = part.trim();
        if is_roman(part) || (part.chars().count() == 1 && part.chars().all(char::is_uppercase)) {
            return Label::Part(part.to_owned(), None);
        }
    }
    if head.chars().count() == 1
        && head.chars().all(|c| c.is_uppercase() && c.is_alphabetic())
        && rest
            .as_deref()
            .is_none_or(|r| r.chars().any(char::is_alphabetic))
    {
        return Label::Part(head.to_owned(), rest);
    }
    if !word.is_empty()
        && word
            .split('.')
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Label::Number(word.to_owned());
    }
    if word.chars().count() == 1 && word.chars().all(|c| c.is_lowercase()) {
        return Label::Letter(word.to_owned());
    }
    Label::Other
}

/// Finds the plan table and reads it.
pub fn read_table(lines: &[&str]) -> Result<Table, Fault> {
    for layout in Layout::ALL {
        let rows: Vec<(usize, Vec<Cell>)> = layout
            .rows(lines)
            .into_iter()
            .map(|RawRow { line, cells }| (line, cells.iter().map(|c| clean_cell(c)).collect()))
            .collect();
        if let Some(at) = rows
            .iter()
            .position(|(_, cells)| ColumnMap::from_header(cells).is_some())
        {
            let map = ColumnMap::from_header(&rows[at].1)
                .ok_or_else(|| Fault::whole("bảng kế hoạch không đọc được"))?;
            return Walker::new(map, rows[at].0).walk(&rows[at + 1..]);
        }
    }
    Err(Fault::whole(
        "không tìm thấy bảng kế hoạch: cần một hàng tiêu đề có các cột như \"STT\", \"Nội dung công việc\" (hoặc \"Nhiệm vụ, giải pháp\"), \"Đơn vị chủ trì\", \"Thời gian hoàn thành\"",
    ))
}

/// The state carried down the table while walking its rows.
struct Walker {
    map: ColumnMap,
    table: Table,
    part: Option<String>,
    section: Option<usize>,
    heading: Option<String>,
}

impl Walker {
    fn new(map: ColumnMap, header_line: usize) -> Self {
        Walker {
            map,
            table: Table {
                lines: (header_line, header_line),
                ..Table::default()
            },
            part: None,
            section: None,
            heading: None,
        }
    }

    fn walk(mut self, rows: &[(usize, Vec<Cell>)]) -> Result<Table, Fault> {
        for (index, (line, cells)) in rows.iter().enumerate() {
            if cells.iter().all(Cell::is_empty)
                || self.map.is_header_again(cells)
                || is_column_numbering(cells)
            {
                continue;
            }
            let label = classify(self.cell(cells, Column::Number));
            let keep_going = match label {
                Label::Roman(code, title) => self.section_row(&code, title, cells, false),
                Label::Part(code, title) => self.section_row(&code, title, cells, true),
                Label::Number(number) => {
                    self.numbered_row(&number, *line, cells, &rows[index + 1..])?
                }
                Label::Letter(letter) => self.lettered_row(&letter, *line, cells)?,
                Label::None | Label::Other => self.unnumbered_row(cells),
            };
            if !keep_going {
                break;
            }
            self.table.lines.1 = *line;
        }
        if self.table.tasks.is_empty() {
            return Err(Fault::at(
                self.table.lines.0,
                "bảng kế hoạch không có nhiệm vụ nào",
            ));
        }
        dedupe_references(&mut self.table.tasks);
        Ok(self.table)
    }

    fn cell<'a>(&self, cells: &'a [Cell], column: Column) -> &'a str {
        self.map.get(cells, column)
    }

    /// Text of the row outside the number column, for rows whose meaning is a title.
    fn title_of(&self, cells: &[Cell]) -> String {
        let number = self.map.index(Column::Number);
        let task = self.cell(cells, Column::Task);
        if !task.is_empty() {
            return task.to_owned();
        }
        cells
            .iter()
            .enumerate()
            .filter(|(i, c)| Some(*i) != number && !c.is_empty())
            .map(|(_, c)| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn section_row(
        &mut self,
        code: &str,
        title: Option<String>,
        cells: &[Cell],
        is_part: bool,
    ) -> bool {
        let title = title
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| self.title_of(cells));
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
        true
    }

    fn has_task_fields(&self, cells: &[Cell]) -> bool {
        [
            Column::Lead,
            Column::Partner,
            Column::Deadline,
            Column::Deliverable,
        ]
        .iter()
        .any(|c| !self.cell(cells, *c).is_empty())
    }

    fn numbered_row(
        &mut self,
        number: &str,
        line: usize,
        cells: &[Cell],
        below: &[(usize, Vec<Cell>)],
    ) -> Result<bool, Fault> {
        if !self.has_task_fields(cells) && heads_children(number, below, &self.map) {
            self.heading = Some(self.title_of(cells));
            return Ok(true);
        }
        self.push_task(number, line, cells)?;
        Ok(true)
    }

    fn lettered_row(&mut self, letter: &str, line: usize, cells: &[Cell]) -> Result<bool, Fault> {
        if self.has_task_fields(cells) {
            self.push_task(letter, line, cells)?;
        } else {
            self.heading = Some(self.title_of(cells));
        }
        Ok(true)
    }

    fn push_task(&mut self, number: &str, line: usize, cells: &[Cell]) -> Result<(), Fault> {
        let missing = self.map.missing(cells.len());
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|c| c.label()).collect();
            return Err(Fault::at(
                line,
                format!(
                    "hàng của nhiệm vụ {number} chỉ có {} ô, bảng có {} cột; thiếu cột: {}",
                    cells.len(),
                    self.map.width,
                    names.join(", ")
                ),
            ));
        }
        let content = self.cell(cells, Column::Task).to_owned();
        if content.is_empty() {
            return Err(Fault::at(
                line,
                format!(
                    "nhiệm vụ {number} không có nội dung (cột \"{}\" trống)",
                    Column::Task.label()
                ),
            ));
        }
        let previous = self
            .table
            .tasks
            .last()
            .filter(|t| t.section == self.section);
        // A cell merged over several rows comes out filled in the first row only.
        let inherit = |own: &str, from: Option<&str>| -> String {
            if own.is_empty() {
                from.unwrap_or_default().to_owned()
            } else {
                own.to_owned()
            }
        };
        let lead = inherit(
            self.cell(cells, Column::Lead),
            previous.map(|p| p.lead.as_str()),
        );
        let deadline = inherit(
            self.cell(cells, Column::Deadline),
            previous.map(|p| p.deadline.as_str()),
        );
        if lead.is_empty() && self.map.index(Column::Lead).is_some() {
            return Err(Fault::at(
                line,
                format!(
                    "nhiệm vụ {number} không có đơn vị chủ trì (cột \"{}\" trống)",
                    Column::Lead.label()
                ),
            ));
        }
        let reference = match self.section.and_then(|s| self.table.sections.get(s)) {
            Some(section) => format!("{}.{}", section.code, number),
            None => number.to_owned(),
        };
        self.table.tasks.push(DraftTask {
            section: self.section,
            number: number.to_owned(),
            reference,
            heading: self.heading.clone(),
            content,
            lead,
            partner: self.cell(cells, Column::Partner).to_owned(),
            deadline,
            deliverable: self.cell(cells, Column::Deliverable).to_owned(),
            line,
        });
        Ok(())
    }

    /// A row without a number: a sub-heading, the rest of the task above (split by a page break
    /// or a hard wrap), or the end of the table.
    fn unnumbered_row(&mut self, cells: &[Cell]) -> bool {
        let filled: Vec<&Cell> = cells.iter().filter(|c| !c.is_empty()).collect();
        if cells.len() < 2 && !self.table.tasks.is_empty() {
            return false;
        }
        let only_title = filled.len() == 1 && !self.has_task_fields(cells);
        let looks_like_heading = filled
            .iter()
            .all(|c| c.bold || is_upper(&c.text) || c.text.ends_with(':'));
        if only_title && (looks_like_heading || self.table.tasks.is_empty()) {
            self.heading = filled.first().map(|c| c.text.clone());
            return true;
        }
        let Some(task) = self.table.tasks.last_mut() else {
            return true;
        };
        let map = &self.map;
        for (column, field) in [
            (Column::Task, &mut task.content),
            (Column::Lead, &mut task.lead),
            (Column::Partner, &mut task.partner),
            (Column::Deadline, &mut task.deadline),
            (Column::Deliverable, &mut task.deliverable),
        ] {
            let more = map.get(cells, column);
            if !more.is_empty() {
                if !field.is_empty() {
                    field.push(' ');
                }
                field.push_str(more);
            }
        }
        true
    }
}

/// True when the next numbered row is a child of `number` ("1" heads "1.1").
fn heads_children(number: &str, below: &[(usize, Vec<Cell>)], map: &ColumnMap) -> bool {
    let prefix = format!("{number}.");
    below
        .iter()
        .find_map(
            |(_, cells)| match classify(map.get(cells, Column::Number)) {
                Label::Number(n) => Some(n.starts_with(&prefix)),
                Label::Roman(..) | Label::Part(..) => Some(false),
                _ => None,
            },
        )
        .unwrap_or(false)
}

fn is_upper(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase())
}

/// "(1) (2) (3) …": the row of column numbers some plans put under the header.
fn is_column_numbering(cells: &[Cell]) -> bool {
    let filled: Vec<&str> = cells
        .iter()
        .map(|c| c.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    filled.len() >= 3
        && filled.iter().enumerate().all(|(i, t)| {
            let n = t.trim_matches(['(', ')']);
            n == (i + 1).to_string()
        })
}

/// References must be unique within a plan; a plan that restarts numbering under unnumbered
/// sub-headings gets " (2)", " (3)" on the repeats rather than losing a task.
fn dedupe_references(tasks: &mut [DraftTask]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for task in tasks {
        let count = seen.entry(task.reference.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            task.reference = format!("{} ({})", task.reference, count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Table, Fault> {
        let lines: Vec<&str> = text.lines().collect();
        read_table(&lines)
    }

    #[test]
    fn labels_are_classified() {
        assert_eq!(classify("IV"), Label::Roman("IV".into(), None));
        assert_eq!(
            classify("II. HOÀN THIỆN"),
            Label::Roman("II".into(), Some("HOÀN THIỆN".into()))
        );
        assert_eq!(classify("B"), Label::Part("B".into(), None));
        assert_eq!(classify("5.1.1"), Label::Number("5.1.1".into()));
        assert_eq!(classify("3."), Label::Number("3".into()));
        assert_eq!(classify("a)"), Label::Letter("a".into()));
        assert_eq!(classify(""), Label::None);
        assert_eq!(classify("-"), Label::Other);
    }

    #[test]
    fn tab_table_with_sections_page_break_and_repeated_header() {
        let text = "Tiêu đề\nSTT\tNội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\tSản phẩm\n\
<b>I</b>\t<b>THỂ CHẾ</b>\t\t\t\t\n\
1\tViệc một\tCục A\tCục B\t- Bước 1 trước 30/6/2022 - Bước 2 theo\tVăn bản\n\
\n\
STT\tNội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\tSản phẩm\n\
\t\t\t\tcấp độ trước 15/11/2022\t\n\
<b>II</b>\t<b>KẾT NỐI</b>\t\t\t\t\n\
1\tViệc hai\tCục C\t\tNăm 2022\tKết nối\n";
        let table = read(text).unwrap();
        assert_eq!(table.sections.len(), 2);
        assert_eq!(table.sections[1].code, "II");
        assert_eq!(table.tasks.len(), 2);
        assert_eq!(
            table.tasks[0].deadline,
            "- Bước 1 trước 30/6/2022 - Bước 2 theo cấp độ trước 15/11/2022"
        );
        assert_eq!(table.tasks[1].reference, "II.1");
        assert_eq!(table.tasks[0].line, 4);
    }

    #[test]
    fn a_row_with_missing_cells_is_refused_with_its_line() {
        let text = "STT\tNội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\tSản phẩm\n1\tViệc một\tCục A\n";
        let fault = read(text).unwrap_err();
        assert_eq!(fault.line, Some(2));
        assert!(fault.message.contains("thiếu cột"), "{}", fault.message);
    }

    #[test]
    fn no_header_means_no_table() {
        assert!(
            read("Một văn bản\nkhông có bảng")
                .unwrap_err()
                .message
                .contains("không tìm thấy bảng")
        );
    }

    #[test]
    fn markdown_table_with_parts_subheadings_wraps_and_merged_cells() {
        let text = "| **TT** | **Tên nhiệm vụ/dự án** | **Nguồn kinh phí** | **Đơn vị thực hiện** | **Thời gian triển khai** | **Kết quả dự kiến** |\n\
|---|---|---|---|---|---|\n\
| **A** | **NHIỆM VỤ CHUNG** | | | | |\n\
| **I** | **Thể chế** | | | | |\n\
| 1 | **Nhóm văn bản** | | | | |\n\
| 1.1 | Ban hành quy chế | NSNN | Văn phòng | Quý III/2023 | Quy chế |\n\
| | được cập nhật hằng năm | | | | |\n\
| 1.2 | Sửa đổi quy định | NSNN | | | Quyết định |\n\
| **B** | **NHIỆM VỤ RIÊNG** | | | | |\n\
| **I** | **Hạ tầng** | | | | |\n\
| 1 | Nâng cấp mạng | NSNN | Trung tâm CNTT | 2024-2025 | Mạng |\n";
        let table = read(text).unwrap();
        let codes: Vec<&str> = table.sections.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["A", "A.I", "B", "B.I"]);
        let refs: Vec<&str> = table.tasks.iter().map(|t| t.reference.as_str()).collect();
        assert_eq!(refs, ["A.I.1.1", "A.I.1.2", "B.I.1"]);
        assert_eq!(
            table.tasks[0].content,
            "Ban hành quy chế được cập nhật hằng năm"
        );
        assert_eq!(table.tasks[0].heading.as_deref(), Some("Nhóm văn bản"));
        assert_eq!(table.tasks[1].lead, "Văn phòng");
        assert_eq!(table.tasks[1].deadline, "Quý III/2023");
    }
}
