//! Columns judged by what they hold, not only by their names. A column whose cells are task
//! states ("Đã hoàn thành", "Đang thực hiện", "Chưa hoàn thành") is a status at the time of the
//! document, not a deadline, even when headed "Tiến độ"; and in a table that reports states, the
//! "Kết quả thực hiện" column reports what was done rather than naming the product.

use super::columns::{Column, ColumnMap};
use crate::domain::text::fold;

const STATES: &[&str] = &[
    "da hoan thanh",
    "dang thuc hien",
    "chua hoan thanh",
    "chua thuc hien",
    "hoan thanh",
    "dang trien khai",
    "da thuc hien",
    "chua trien khai",
    "da trien khai",
    "tam dung",
];

/// True for a short cell that states where a task stands.
pub fn is_state(text: &str) -> bool {
    let f = fold(text);
    f.split_whitespace().count() <= 8 && STATES.iter().any(|s| f.starts_with(s))
}

/// The column map corrected by the rows' contents (`rows`: each row's text per column).
pub fn refine_columns(mut map: ColumnMap, rows: &[Vec<String>]) -> ColumnMap {
    let state_columns: Vec<usize> = (0..map.width)
        .filter(|&column| {
            let values: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get(column).map(String::as_str))
                .filter(|t| !t.is_empty())
                .collect();
            let states = values.iter().filter(|t| is_state(t)).count();
            values.len() >= 3 && states * 5 >= values.len() * 3
        })
        .collect();
    if state_columns.is_empty() {
        return map;
    }
    if map
        .index(Column::Deadline)
        .is_some_and(|i| state_columns.contains(&i))
    {
        map.demote(Column::Deadline);
    }
    let reports_results = map
        .index(Column::Deliverable)
        .and_then(|i| map.names.get(i))
        .is_some_and(|name| fold(name).starts_with("ket qua thuc hien"));
    if reports_results {
        map.demote(Column::Deliverable);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::cell::plain_cells;

    fn header(names: &[&str]) -> ColumnMap {
        ColumnMap::from_header(&plain_cells(names)).expect("a header")
    }

    fn rows(rows: &[[&str; 5]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    #[test]
    fn a_column_of_states_is_not_a_deadline() {
        let map = header(&["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Tiến độ", "Ghi chú"]);
        let rows = rows(&[
            ["1", "A", "Bộ X", "Đã hoàn thành", ""],
            ["2", "B", "Bộ Y", "Đang thực hiện", ""],
            ["3", "C", "Bộ Z", "Chưa hoàn thành", ""],
        ]);
        let map = refine_columns(map, &rows);
        assert_eq!(map.index(Column::Deadline), None);
        assert!(map.kept().contains(&(3, "Tiến độ")));
    }

    #[test]
    fn results_reported_beside_states_are_not_a_product() {
        let map = header(&[
            "STT",
            "Nhiệm vụ",
            "Thời hạn",
            "Kết quả thực hiện",
            "Tiến độ",
        ]);
        let rows = rows(&[
            ["1", "A", "10/10/2025", "Đã báo cáo", "Đã hoàn thành"],
            ["2", "B", "31/10/2025", "", "Đang thực hiện"],
            ["3", "C", "31/10/2025", "Đã trình", "Chưa hoàn thành"],
        ]);
        let map = refine_columns(map, &rows);
        assert_eq!(map.index(Column::Deadline), Some(2));
        assert_eq!(map.index(Column::Deliverable), None);
    }

    #[test]
    fn a_product_column_stays_when_no_state_is_reported() {
        let map = header(&[
            "STT",
            "Nhiệm vụ",
            "Thời hạn",
            "Kết quả thực hiện",
            "Ghi chú",
        ]);
        let rows = rows(&[
            ["1", "A", "10/10/2025", "Quyết định ban hành", ""],
            ["2", "B", "31/10/2025", "Hệ thống vận hành", ""],
            ["3", "C", "31/10/2025", "Báo cáo", ""],
        ]);
        assert_eq!(
            refine_columns(map, &rows).index(Column::Deliverable),
            Some(3)
        );
    }
}
