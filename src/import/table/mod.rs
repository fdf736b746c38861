//! Reading one task table: walk its rows — repeated headers, column numbering, section, part and
//! sub-group rows, task rows, and the rows that carry no number: an unnumbered task, a heading,
//! or the rest of the task above (split by a page break, a hard wrap, or a second lead/partner
//! pair under one task). Cells a merge covers take the value of the row above.

mod fields;
mod row;
mod tasks;
mod walker;

pub use fields::dedupe_references;

use super::cell::{Cell, clean_cell};
use super::columns::{Column, ColumnMap, column_of};
use super::document::{SourceRow, SourceTable};
use super::error::Fault;
use super::model::{ParsedSection, Warning};
use super::status::refine_columns;
use row::Row;
use walker::Walker;

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

#[cfg(test)]
mod tests {
    use super::super::tables::{Tables, read_tables};
    use super::super::text;
    use super::Fault;

    fn read(text: &str) -> Result<Tables, Fault> {
        read_tables(&text::read(text.lines().map(str::to_owned).collect()))
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
        let table = read(text).expect("a table");
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
        let fault = read(text).expect_err("refused");
        assert_eq!(fault.line, Some(2));
        assert!(fault.message.contains("thiếu cột"), "{}", fault.message);
    }

    #[test]
    fn no_header_means_no_table() {
        let fault = read("Một văn bản\nkhông có bảng").expect_err("refused");
        assert!(
            fault.message.contains("không tìm thấy bảng"),
            "{}",
            fault.message
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
        let table = read(text).expect("a table");
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
        // The column with no meaning to the importer is kept under its name.
        assert_eq!(
            table.tasks[0].extras,
            [("Nguồn kinh phí".to_owned(), "NSNN".to_owned())]
        );
    }

    #[test]
    fn a_sub_group_heads_its_tasks_and_numbering_runs_on_through_it() {
        let text = "STT\tNội dung công việc\tĐơn vị chủ trì\tThời gian hoàn thành\n\
III\tỨNG DỤNG\t\t\n\
III.1\tNhóm quốc gia\t\t\n\
1\tCổng dịch vụ công\tBộ Công an\t2026\n\
III.2\tNhóm cấp bộ\t\t\n\
2\tHệ thống một cửa\tCác bộ\t2027\n";
        let table = read(text).expect("a table");
        let refs: Vec<&str> = table.tasks.iter().map(|t| t.reference.as_str()).collect();
        assert_eq!(refs, ["III.1", "III.2"]);
        assert_eq!(
            table.tasks[1].heading.as_deref(),
            Some("III.2. Nhóm cấp bộ")
        );
        assert_eq!(table.sections.len(), 1);
    }
}
