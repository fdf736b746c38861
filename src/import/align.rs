//! Placing the cells of a short row under their columns. A text conversion drops the cells a
//! vertical merge covers, so a row may come with fewer cells than the header has columns: the
//! first cells of a row (09: "12 | Số người … | Chính thức", the rest merged from above), or a
//! pair in the middle (07: a second lead and partner under one task). Each cell goes to the
//! column whose kind of content it resembles most, keeping their order.

use super::cell::Cell;
use super::columns::{Column, ColumnMap};
use super::label::is_row_label;
use crate::domain::deadline::{DeadlineKind, parse_deadline};
use crate::domain::units::looks_like_unit;

/// The columns (indexes into the header) of each cell of a short row, in order.
pub fn align(cells: &[Cell], map: &ColumnMap) -> Vec<usize> {
    let width = map.width;
    let n = cells.len();
    if n >= width {
        return (0..n).collect();
    }
    // A monotone alignment: score[i][c] is the best for cells[..=i] with cell i at column c.
    // Columns skipped between cells cost more than columns left empty at the end: merges more
    // often take a row's last columns.
    let fits: Vec<Vec<f32>> = cells
        .iter()
        .map(|cell| (0..width).map(|c| fit(cell, map.column_at(c))).collect())
        .collect();
    let mut score = vec![vec![f32::MIN; width]; n];
    let mut from = vec![vec![0usize; width]; n];
    for c in 0..width {
        // Columns skipped before the first cell cost a little each; merges more often take the
        // right-hand columns, so the left ones cost slightly more.
        score[0][c] = fits[0][c] - 0.35 * c as f32;
    }
    for i in 1..n {
        for c in i..width {
            for p in (i - 1)..c {
                let candidate = score[i - 1][p] + fits[i][c] - 0.3 * (c - p - 1) as f32;
                if candidate > score[i][c] {
                    score[i][c] = candidate;
                    from[i][c] = p;
                }
            }
        }
    }
    let mut end = (n - 1..width)
        .max_by(|a, b| {
            let sa = score[n - 1][*a] - 0.1 * (width - 1 - a) as f32;
            let sb = score[n - 1][*b] - 0.1 * (width - 1 - b) as f32;
            sa.total_cmp(&sb).then(b.cmp(a))
        })
        .unwrap_or(n - 1);
    let mut columns = vec![0; n];
    for i in (0..n).rev() {
        columns[i] = end;
        end = from[i][end];
    }
    columns
}

/// How well a cell's content suits a column holding `column` (None: a column kept as is).
fn fit(cell: &Cell, column: Option<Column>) -> f32 {
    let text = cell.text.as_str();
    if text.is_empty() {
        return 0.0;
    }
    let label = is_row_label(text);
    let words = text.split_whitespace().count();
    let dated = parse_deadline(text).kind != DeadlineKind::Unparsed;
    let unit = looks_like_unit(text);
    match column {
        Some(Column::Number) => {
            if label {
                4.0
            } else {
                -4.0
            }
        }
        _ if label => -3.0,
        Some(Column::Task) => {
            if dated && words <= 6 {
                -1.5
            } else if unit {
                -0.5
            } else if words >= 6 {
                2.0
            } else {
                0.5
            }
        }
        Some(Column::Lead | Column::Partner) => {
            if unit {
                2.0
            } else if dated {
                -2.0
            } else {
                0.0
            }
        }
        Some(Column::Deadline) => {
            if dated {
                2.5
            } else if unit {
                -1.5
            } else {
                -0.5
            }
        }
        Some(Column::Deliverable) | None => {
            if dated && words <= 6 {
                -0.5
            } else {
                0.2
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::cell::plain_cells as cells;

    fn map(names: &[&str]) -> ColumnMap {
        ColumnMap::from_header(&cells(names)).expect("a header")
    }

    #[test]
    fn the_first_cells_of_a_row_keep_their_columns() {
        let map = map(&[
            "STT",
            "Tên thông tin thống kê",
            "Mức độ hoàn chỉnh",
            "Thời gian phổ biến",
            "Hình thức phổ biến",
            "Đơn vị chịu trách nhiệm phổ biến",
        ]);
        assert_eq!(
            align(
                &cells(&["2", "Số đại biểu Hội đồng nhân dân", "Chính thức"]),
                &map
            ),
            [0, 1, 2]
        );
        assert_eq!(
            align(
                &cells(&["12", "Số người lao động", "Chính thức", "Tháng 3/2025"]),
                &map
            ),
            [0, 1, 2, 3]
        );
    }

    #[test]
    fn a_lead_and_partner_pair_goes_under_lead_and_partner() {
        let map = map(&[
            "TT",
            "Tên đề án ưu tiên",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời hạn hoàn thành",
        ]);
        assert_eq!(
            align(
                &cells(&[
                    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
                    "Đài Truyền hình và các cơ quan thông tấn, báo chí tại địa phương"
                ]),
                &map
            ),
            [2, 3]
        );
    }

    #[test]
    fn a_row_under_a_merged_number_and_lead_keeps_content_deadline_and_product() {
        let map = map(&[
            "STT",
            "Nội dung công việc",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Thời gian hoàn thành",
            "Sản phẩm",
        ]);
        assert_eq!(
            align(
                &cells(&[
                    "Xây dựng cơ sở dữ liệu chuyên ngành và kết nối với hệ thống",
                    "Quý IV/2026",
                    "Cơ sở dữ liệu"
                ]),
                &map
            ),
            [1, 4, 5]
        );
    }
}
