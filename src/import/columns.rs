//! Recognising the plan table by its column names, in any order, under the names ministries
//! use for the same meaning ("Đơn vị chủ trì" / "Cơ quan chủ trì" / "Đơn vị thực hiện", …).

use super::cell::Cell;
use crate::domain::text::fold;

/// What a column of the plan table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Number,
    Task,
    Lead,
    Partner,
    Deadline,
    Deliverable,
}

impl Column {
    /// The Vietnamese name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Column::Number => "STT",
            Column::Task => "Nội dung công việc",
            Column::Lead => "Đơn vị chủ trì",
            Column::Partner => "Đơn vị phối hợp",
            Column::Deadline => "Thời gian hoàn thành",
            Column::Deliverable => "Sản phẩm",
        }
    }
}

/// The meaning of a header cell, if it is one the importer knows.
pub fn column_of(header: &str) -> Option<Column> {
    let f = fold(header);
    let f = f.trim_matches(|c: char| !c.is_alphanumeric());
    if f.is_empty() {
        return None;
    }
    if matches!(f, "stt" | "tt" | "so tt" | "so thu tu" | "so") {
        return Some(Column::Number);
    }
    if f.contains("phoi hop") {
        return Some(Column::Partner);
    }
    if f.contains("chu tri")
        || [
            "don vi thuc hien",
            "co quan thuc hien",
            "don vi thuc hien chinh",
            "don vi dau moi",
        ]
        .contains(&f)
    {
        return Some(Column::Lead);
    }
    if [
        "thoi gian",
        "thoi han",
        "tien do",
        "han hoan thanh",
        "moc thoi gian",
    ]
    .iter()
    .any(|p| f.starts_with(p))
    {
        return Some(Column::Deadline);
    }
    if ["san pham", "ket qua"].iter().any(|p| f.starts_with(p)) {
        return Some(Column::Deliverable);
    }
    if [
        "noi dung",
        "nhiem vu",
        "ten nhiem vu",
        "cong viec",
        "ten de an",
        "ten du an",
        "hoat dong",
        "giai phap",
    ]
    .iter()
    .any(|p| f.starts_with(p))
    {
        return Some(Column::Task);
    }
    None
}

/// Where each known column sits in a row; other columns ("Nguồn kinh phí", "Ghi chú") are
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// Number of cells in the header row.
    pub width: usize,
    slots: Vec<(Column, usize)>,
}

impl ColumnMap {
    /// The map of a header row, if the row is one: it must name the task column and at least
    /// two of the others, each once.
    pub fn from_header(cells: &[Cell]) -> Option<ColumnMap> {
        let mut slots: Vec<(Column, usize)> = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            if let Some(column) = column_of(&cell.text) {
                if slots.iter().any(|(c, _)| *c == column) {
                    continue;
                }
                slots.push((column, index));
            }
        }
        let has = |c: Column| slots.iter().any(|(s, _)| *s == c);
        let known = slots.len();
        (has(Column::Task)
            && has(Column::Number)
            && (has(Column::Lead) || has(Column::Deadline))
            && known >= 3)
            .then_some(ColumnMap {
                width: cells.len(),
                slots,
            })
    }

    pub fn index(&self, column: Column) -> Option<usize> {
        self.slots
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, i)| *i)
    }

    /// The cell of a row under a column ("" when the row is short or the plan lacks it).
    pub fn get<'a>(&self, cells: &'a [Cell], column: Column) -> &'a str {
        self.index(column)
            .and_then(|i| cells.get(i))
            .map_or("", |c| c.text.as_str())
    }

    /// Columns a row of `len` cells does not reach.
    pub fn missing(&self, len: usize) -> Vec<Column> {
        let mut missing: Vec<(Column, usize)> = self
            .slots
            .iter()
            .copied()
            .filter(|(_, i)| *i >= len)
            .collect();
        missing.sort_by_key(|(_, i)| *i);
        missing.into_iter().map(|(c, _)| c).collect()
    }

    /// True when the row repeats the header (as it does after every page break).
    pub fn is_header_again(&self, cells: &[Cell]) -> bool {
        ColumnMap::from_header(cells).is_some_and(|m| m.slots == self.slots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(names: &[&str]) -> Vec<Cell> {
        names
            .iter()
            .map(|n| Cell {
                text: (*n).to_owned(),
                bold: false,
            })
            .collect()
    }

    #[test]
    fn both_seed_namings_are_recognised() {
        let a = ColumnMap::from_header(&cells(&[
            "STT",
            "Nội dung công việc",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Thời gian hoàn thành",
            "Sản phẩm",
        ]))
        .unwrap();
        let b = ColumnMap::from_header(&cells(&[
            "TT",
            "Nhiệm vụ, giải pháp",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời gian hoàn thành",
            "Kết quả",
        ]))
        .unwrap();
        for map in [a, b] {
            assert_eq!(map.index(Column::Number), Some(0));
            assert_eq!(map.index(Column::Task), Some(1));
            assert_eq!(map.index(Column::Lead), Some(2));
            assert_eq!(map.index(Column::Partner), Some(3));
            assert_eq!(map.index(Column::Deadline), Some(4));
            assert_eq!(map.index(Column::Deliverable), Some(5));
        }
    }

    #[test]
    fn other_names_orders_and_extra_columns_are_recognised() {
        let map = ColumnMap::from_header(&cells(&[
            "Số TT",
            "Tên nhiệm vụ/dự án",
            "Sản phẩm đầu ra",
            "Đơn vị thực hiện",
            "Nguồn kinh phí",
            "Thời gian triển khai",
        ]))
        .unwrap();
        assert_eq!(map.index(Column::Deliverable), Some(2));
        assert_eq!(map.index(Column::Lead), Some(3));
        assert_eq!(map.index(Column::Deadline), Some(5));
        assert_eq!(map.index(Column::Partner), None);
        assert_eq!(map.width, 6);
        assert_eq!(column_of("Kết quả dự kiến"), Some(Column::Deliverable));
        assert_eq!(column_of("Thời gian thực hiện"), Some(Column::Deadline));
        assert_eq!(column_of("Nguồn kinh phí"), None);
    }

    #[test]
    fn a_task_row_is_not_a_header() {
        assert!(
            ColumnMap::from_header(&cells(&[
                "1",
                "Ban hành hướng dẫn",
                "Cục Tin học hóa",
                "",
                "Tháng 2/2022",
                "Văn bản"
            ]))
            .is_none()
        );
    }
}
