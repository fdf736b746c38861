//! Recognising a task table by its column names, in any order, under the names plans use for
//! the same meaning ("Đơn vị chủ trì" / "Cơ quan chủ trì" / "Đơn vị thực hiện" / "Cơ quan soạn
//! thảo", …). Every other column is kept under its own name, never dropped.

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
    role_of(header).map(|(column, _)| column)
}

/// The meaning of a header cell and how strongly the name says it: when two columns claim one
/// meaning ("Thời hạn" and "Tiến độ"), the stronger name has it and the other is kept as is.
fn role_of(header: &str) -> Option<(Column, u8)> {
    let f = fold(header);
    let f = f.trim_matches(|c: char| !c.is_alphanumeric());
    // A column's name is a few words; a longer text is a cell or a caption.
    if f.is_empty() || f.split_whitespace().count() > 10 {
        return None;
    }
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| f.starts_with(p));
    let has = |parts: &[&str]| parts.iter().any(|p| f.contains(p));
    if matches!(f, "stt" | "tt" | "so tt" | "so thu tu" | "so") {
        return Some((Column::Number, 3));
    }
    // A person's title ("Người đứng đầu chịu trách nhiệm") is not the unit that leads.
    if starts(&["nguoi "]) {
        return None;
    }
    if starts(&[
        "noi dung",
        "nhiem vu",
        "ten nhiem vu",
        "cong viec",
        "ten de an",
        "ten du an",
        "hoat dong",
        "giai phap",
        "ten van ban",
    ]) {
        return Some((Column::Task, 3));
    }
    if has(&["phoi hop"]) {
        return Some((Column::Partner, 3));
    }
    if has(&["tham tra", "chuan bi y kien", "tham gia"]) {
        return Some((Column::Partner, 2));
    }
    if has(&["chu tri"]) {
        return Some((Column::Lead, 3));
    }
    let body = starts(&["don vi", "co quan", "bo phan", "to chuc"]);
    if body
        && has(&[
            "thuc hien",
            "chiu trach nhiem",
            "soan thao",
            "dau moi",
            "trien khai",
            "phu trach",
            "duoc giao",
        ])
    {
        return Some((Column::Lead, 2));
    }
    if matches!(f, "don vi" | "co quan") {
        return Some((Column::Lead, 1));
    }
    if starts(&["thoi gian", "thoi han", "han hoan thanh", "moc thoi gian"]) {
        return Some((Column::Deadline, 3));
    }
    if starts(&["tien do"]) {
        return Some((Column::Deadline, 1));
    }
    if starts(&["san pham"]) {
        return Some((Column::Deliverable, 3));
    }
    if starts(&["ket qua", "ho so", "dau ra"]) {
        return Some((Column::Deliverable, 2));
    }
    // The name of what is to be done ("Tên thông tin thống kê", "Tên chương trình").
    if starts(&["ten "]) {
        return Some((Column::Task, 1));
    }
    None
}

/// Where each known column sits in a row, and the names of all columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// Number of cells in the header row.
    pub width: usize,
    slots: Vec<(Column, usize)>,
    /// The header's text for every column, as written.
    pub names: Vec<String>,
}

impl ColumnMap {
    /// The map of a header row, if the row is one: it must name the task column and the lead
    /// or the deadline column, and at least three known columns in all.
    pub fn from_header(cells: &[Cell]) -> Option<ColumnMap> {
        let mut best: Vec<(Column, usize, u8)> = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            let Some((column, strength)) = role_of(&cell.text) else {
                continue;
            };
            match best.iter_mut().find(|(c, _, _)| *c == column) {
                Some(slot) if slot.2 < strength => *slot = (column, index, strength),
                Some(_) => {}
                None => best.push((column, index, strength)),
            }
        }
        let has = |c: Column| best.iter().any(|(s, _, _)| *s == c);
        let known = best.len();
        (has(Column::Task) && (has(Column::Lead) || has(Column::Deadline)) && known >= 3).then(
            || ColumnMap {
                width: cells.len(),
                slots: best.into_iter().map(|(c, i, _)| (c, i)).collect(),
                names: cells.iter().map(|c| c.text.clone()).collect(),
            },
        )
    }

    pub fn index(&self, column: Column) -> Option<usize> {
        self.slots
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, i)| *i)
    }

    /// What the column at `index` holds; None for a column kept under its own name.
    pub fn column_at(&self, index: usize) -> Option<Column> {
        self.slots
            .iter()
            .find(|(_, i)| *i == index)
            .map(|(c, _)| *c)
    }

    /// The columns the importer has no meaning for, with their names (unnamed ones left out).
    pub fn kept(&self) -> Vec<(usize, &str)> {
        self.names
            .iter()
            .enumerate()
            .filter(|(i, name)| self.column_at(*i).is_none() && !name.is_empty())
            .map(|(i, name)| (i, name.as_str()))
            .collect()
    }

    /// Takes a meaning away from its column, which is then kept under its own name.
    pub fn demote(&mut self, column: Column) {
        self.slots.retain(|(c, _)| *c != column);
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

    /// True when both maps give every meaning the same column.
    pub fn same_columns(&self, other: &ColumnMap) -> bool {
        self.slots == other.slots && self.width == other.width
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::cell::plain_cells as cells;

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
            assert!(map.kept().is_empty());
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
        assert_eq!(map.kept(), [(4, "Nguồn kinh phí")]);
        assert_eq!(column_of("Kết quả dự kiến"), Some(Column::Deliverable));
        assert_eq!(column_of("Thời gian thực hiện"), Some(Column::Deadline));
        assert_eq!(column_of("Nguồn kinh phí"), None);
    }

    #[test]
    fn a_law_making_plan_maps_drafting_and_review_bodies() {
        let map = ColumnMap::from_header(&cells(&[
            "TT",
            "Tên văn bản",
            "Cơ quan trình",
            "Cơ quan soạn thảo",
            "Cơ quan thẩm tra/chuẩn bị ý kiến",
            "Tiến độ",
            "Hồ sơ",
        ]))
        .unwrap();
        assert_eq!(map.index(Column::Task), Some(1));
        assert_eq!(map.index(Column::Lead), Some(3));
        assert_eq!(map.index(Column::Partner), Some(4));
        assert_eq!(map.index(Column::Deadline), Some(5));
        assert_eq!(map.index(Column::Deliverable), Some(6));
        assert_eq!(map.kept(), [(2, "Cơ quan trình")]);
    }

    #[test]
    fn the_stronger_name_wins_a_meaning_and_a_person_is_not_a_unit() {
        let map = ColumnMap::from_header(&cells(&[
            "STT",
            "Tên nhiệm vụ",
            "Người đứng đầu chịu trách nhiệm",
            "Đơn vị chủ trì",
            "Thời hạn",
            "Kết quả thực hiện",
            "Tiến độ",
        ]))
        .unwrap();
        assert_eq!(map.index(Column::Lead), Some(3));
        assert_eq!(map.index(Column::Deadline), Some(4));
        assert_eq!(
            map.kept(),
            [(2, "Người đứng đầu chịu trách nhiệm"), (6, "Tiến độ")]
        );
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
