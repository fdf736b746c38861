//! Tables of a .docx: rows and cells, paragraphs and breaks in cells, nested tables, vertical
//! and horizontal merges, missing cells, header rows, and their layout on the grid.

use super::support::{first_table, grid_texts, p, read_body, tbl, tc, tr};
use crate::import::word::{Origin, VMerge};

#[test]
fn rows_and_cells_keep_paragraphs_breaks_and_tabs() {
    let header = tc(
        "",
        concat!(
            "<w:p><w:r><w:t>Đơn vị</w:t><w:br/><w:t>chủ trì</w:t></w:r></w:p>",
            "<w:p><w:r><w:t>(1)</w:t><w:tab/><w:t>x</w:t></w:r></w:p>"
        ),
    );
    let body = tbl(
        2,
        &[
            tr(&[
                tc("", &format!("{}{}", p("Thời gian"), p("hoàn thành"))),
                header,
            ]),
            tr(&[tc("", &p("Quý II/2026")), tc("", &p("Sở Nội vụ"))]),
        ],
    );
    let doc = read_body(&body);
    let table = first_table(&doc);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.columns, 2);
    let cell = &table.rows[0].cells[1];
    let texts: Vec<&str> = cell.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["Đơn vị\nchủ trì", "(1)\tx"]);
    assert_eq!(
        grid_texts(table),
        [
            ["Thời gian\nhoàn thành", "Đơn vị\nchủ trì\n(1)\tx"],
            ["Quý II/2026", "Sở Nội vụ"]
        ]
    );
}

#[test]
fn nested_tables_stay_inside_their_cell() {
    let inner = tbl(2, &[tr(&[tc("", &p("a")), tc("", &p("b"))])]);
    let body = tbl(1, &[tr(&[tc("", &format!("{}{inner}<w:p/>", p("trên")))])]);
    let doc = read_body(&body);
    assert_eq!(doc.tables().count(), 1);
    let cell = &first_table(&doc).rows[0].cells[0];
    assert_eq!(cell.tables.len(), 1);
    assert_eq!(cell.tables[0].rows[0].cells.len(), 2);
    assert_eq!(cell.paragraphs.len(), 2);
    assert_eq!(cell.text(), "trên\n\na\tb");
}

#[test]
fn vertical_merges_carry_the_text_of_the_first_cell_down() {
    let restart = r#"<w:vMerge w:val="restart"/>"#;
    let body = tbl(
        3,
        &[
            tr(&[
                tc("", &p("1")),
                tc(restart, &p("Sở Tư pháp")),
                tc("", &p("Nội dung a")),
            ]),
            tr(&[
                tc("", &p("2")),
                tc("<w:vMerge/>", "<w:p/>"),
                tc("", &p("Nội dung b")),
            ]),
            tr(&[
                tc("", &p("3")),
                tc(r#"<w:vMerge w:val="continue"/>"#, "<w:p/>"),
                tc("", &p("Nội dung c")),
            ]),
            tr(&[
                tc("", &p("4")),
                tc("", &p("Sở Y tế")),
                tc("", &p("Nội dung d")),
            ]),
        ],
    );
    let doc = read_body(&body);
    let table = first_table(&doc);
    let merges: Vec<VMerge> = table.rows.iter().map(|r| r.cells[1].v_merge).collect();
    assert_eq!(
        merges,
        [
            VMerge::Restart,
            VMerge::Continue,
            VMerge::Continue,
            VMerge::None
        ]
    );
    let grid = table.grid();
    let column: Vec<(&str, Origin)> = grid
        .iter()
        .map(|r| (r[1].text.as_str(), r[1].origin))
        .collect();
    assert_eq!(
        column,
        [
            ("Sở Tư pháp", Origin::Own),
            ("Sở Tư pháp", Origin::MergedFromAbove),
            ("Sở Tư pháp", Origin::MergedFromAbove),
            ("Sở Y tế", Origin::Own)
        ]
    );
}

#[test]
fn a_cell_spanning_columns_is_repeated_under_each() {
    let body = tbl(
        4,
        &[
            tr(&[
                tc("", &p("TT")),
                tc("", &p("Nội dung")),
                tc("", &p("Chủ trì")),
                tc("", &p("Phối hợp")),
            ]),
            tr(&[
                tc("", &p("1")),
                tc("", &p("Rà soát")),
                tc(r#"<w:gridSpan w:val="2"/>"#, &p("Các sở, ngành")),
            ]),
        ],
    );
    let doc = read_body(&body);
    let table = first_table(&doc);
    assert_eq!(table.rows[1].cells[2].grid_span, 2);
    let grid = table.grid();
    assert_eq!(grid[1][2].text, "Các sở, ngành");
    assert_eq!(grid[1][3].text, "Các sở, ngành");
    assert_eq!(grid[1][3].origin, Origin::SpannedFromLeft);
}

#[test]
fn grid_before_and_after_and_short_rows_leave_missing_positions() {
    let before = r#"<w:tr><w:trPr><w:gridBefore w:val="1"/><w:gridAfter w:val="1"/></w:trPr>"#;
    let body = tbl(
        3,
        &[
            tr(&[tc("", &p("a")), tc("", &p("b")), tc("", &p("c"))]),
            format!("{before}{}</w:tr>", tc("", &p("giữa"))),
            tr(&[tc("", &p("chỉ một"))]),
        ],
    );
    let doc = read_body(&body);
    let table = first_table(&doc);
    assert_eq!(
        (table.rows[1].grid_before, table.rows[1].grid_after),
        (1, 1)
    );
    let origins: Vec<Vec<Origin>> = table
        .grid()
        .iter()
        .map(|r| r.iter().map(|c| c.origin).collect())
        .collect();
    use Origin::{Missing, Own};
    assert_eq!(
        origins,
        [
            [Own, Own, Own],
            [Missing, Own, Missing],
            [Own, Missing, Missing]
        ]
    );
    assert_eq!(grid_texts(table)[1], ["", "giữa", ""]);
}

#[test]
fn header_rows_deleted_rows_and_wrapped_rows() {
    let header = format!(
        r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>{}</w:tr>"#,
        tc("", &p("STT"))
    );
    let deleted = format!(
        r#"<w:tr><w:trPr><w:del w:id="1" w:author="A"/></w:trPr>{}</w:tr>"#,
        tc("", &p("đã xoá"))
    );
    let wrapped = format!(
        "<w:sdt><w:sdtPr/><w:sdtContent>{}</w:sdtContent></w:sdt>",
        tr(&[format!(
            "<w:customXml w:element=\"x\">{}</w:customXml>",
            tc("", &p("trong điều khiển"))
        )])
    );
    let body = tbl(1, &[header, deleted, wrapped]);
    let doc = read_body(&body);
    let table = first_table(&doc);
    let rows: Vec<(bool, String)> = table
        .rows
        .iter()
        .map(|r| (r.repeated_header, r.cells[0].text()))
        .collect();
    assert_eq!(
        rows,
        [
            (true, "STT".to_owned()),
            (false, "trong điều khiển".to_owned())
        ]
    );
}

#[test]
fn legacy_horizontal_merges_widen_the_first_cell() {
    let body = tbl(
        3,
        &[tr(&[
            tc(r#"<w:hMerge w:val="restart"/>"#, &p("Chủ trì và phối hợp")),
            tc("<w:hMerge/>", "<w:p/>"),
            tc("", &p("Quý I")),
        ])],
    );
    let doc = read_body(&body);
    let table = first_table(&doc);
    assert_eq!(table.rows[0].cells.len(), 2);
    assert_eq!(
        grid_texts(table),
        [["Chủ trì và phối hợp", "Chủ trì và phối hợp", "Quý I"]]
    );
}

#[test]
fn a_merge_continued_with_a_span_carries_every_covered_column() {
    let restart = r#"<w:vMerge w:val="restart"/><w:gridSpan w:val="2"/>"#;
    let cont = r#"<w:gridSpan w:val="2"/><w:vMerge/>"#;
    let body = tbl(
        3,
        &[
            tr(&[tc(restart, &p("Bộ Công an")), tc("", &p("x"))]),
            tr(&[tc(cont, "<w:p/>"), tc("", &p("y"))]),
        ],
    );
    let doc = read_body(&body);
    assert_eq!(
        grid_texts(first_table(&doc)),
        [
            ["Bộ Công an", "Bộ Công an", "x"],
            ["Bộ Công an", "Bộ Công an", "y"]
        ]
    );
}

#[test]
fn a_continue_without_a_cell_above_keeps_its_own_text() {
    let body = tbl(1, &[tr(&[tc("<w:vMerge/>", &p("mồ côi"))])]);
    let doc = read_body(&body);
    let grid = first_table(&doc).grid();
    assert_eq!(
        (grid[0][0].text.as_str(), grid[0][0].origin),
        ("mồ côi", Origin::Own)
    );
}

#[test]
fn bold_cells_are_bold_in_the_grid() {
    let bold = "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>I</w:t></w:r></w:p>";
    let body = tbl(2, &[tr(&[tc("", bold), tc("", &p("thường"))])]);
    let doc = read_body(&body);
    let grid = first_table(&doc).grid();
    assert_eq!((grid[0][0].bold, grid[0][1].bold), (true, false));
}
