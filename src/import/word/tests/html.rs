//! `read_html` on pages shaped like a legal portal's: paragraphs, tables with rowspan and
//! colspan, line breaks, bold, entities, lists, and the sloppy markup real pages have.

use crate::import::word::{Block, Origin, VMerge, read_html};

fn grid_texts(html: &str) -> Vec<Vec<String>> {
    let doc = read_html(html).expect("reads");
    let table = doc.tables().next().expect("a table");
    table
        .grid()
        .into_iter()
        .map(|row| row.into_iter().map(|c| c.text).collect())
        .collect()
}

#[test]
fn paragraphs_tables_and_their_order() {
    let html = r#"<!DOCTYPE html><html><head><title>Kế hoạch</title>
<style>p { color: red }</style><script>var x = "<p>không</p>";</script></head>
<body><p align="center"><b>KẾ HOẠCH</b></p><p>Căn cứ   Luật
Tổ chức&nbsp;chính quyền;</p>
<table border="1"><tr><td>STT</td><td>Nội dung</td></tr></table>
<div>Nơi nhận:</div></body></html>"#;
    let doc = read_html(html).expect("reads");
    let blocks: Vec<String> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => format!("{}{}", if p.bold { "*" } else { "" }, p.text),
            Block::Table(t) => format!("<{} rows>", t.rows.len()),
        })
        .collect();
    assert_eq!(
        blocks,
        [
            "*KẾ HOẠCH",
            "Căn cứ Luật Tổ chức\u{a0}chính quyền;",
            "<1 rows>",
            "Nơi nhận:"
        ]
    );
}

#[test]
fn rowspan_and_colspan_become_word_merges() {
    let html = r#"<table>
<thead><tr><th rowspan="2">TT</th><th rowspan=2>Nội dung</th><th colspan="2">Đơn vị</th></tr>
<tr><th>Chủ trì</th><th>Phối hợp</th></tr></thead>
<tbody><tr><td rowspan="2">1</td><td>Việc a</td><td rowspan="2">Sở Nội vụ</td><td>Sở Tư pháp</td></tr>
<tr><td>Việc b</td><td>Sở Y tế</td></tr></tbody></table>"#;
    let doc = read_html(html).expect("reads");
    let table = doc.tables().next().expect("table");
    let first = &table.rows[0];
    assert!(
        first.repeated_header && table.rows[1].repeated_header && !table.rows[2].repeated_header
    );
    assert_eq!(first.cells[0].v_merge, VMerge::Restart);
    assert_eq!(first.cells[2].grid_span, 2);
    let continued: Vec<VMerge> = table.rows[1].cells.iter().map(|c| c.v_merge).collect();
    assert_eq!(
        continued,
        [
            VMerge::Continue,
            VMerge::Continue,
            VMerge::None,
            VMerge::None
        ]
    );
    assert_eq!(
        grid_texts(html),
        [
            ["TT", "Nội dung", "Đơn vị", "Đơn vị"],
            ["TT", "Nội dung", "Chủ trì", "Phối hợp"],
            ["1", "Việc a", "Sở Nội vụ", "Sở Tư pháp"],
            ["1", "Việc b", "Sở Nội vụ", "Sở Y tế"]
        ]
    );
    let grid = table.grid();
    assert_eq!(grid[0][3].origin, Origin::SpannedFromLeft);
    assert_eq!(grid[3][2].origin, Origin::MergedFromAbove);
    assert!(grid[0][0].bold, "th is bold");
}

#[test]
fn unclosed_cells_rows_and_paragraphs_are_tolerated() {
    let html =
        "<table><tr><td>1<td>Rà soát<br>văn bản<tr><td>2<td><p>Báo cáo<p>định kỳ</table><p>Sau";
    assert_eq!(
        grid_texts(html),
        [["1", "Rà soát\nvăn bản"], ["2", "Báo cáo\nđịnh kỳ"]]
    );
    let doc = read_html(html).expect("reads");
    assert_eq!(
        doc.paragraphs()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>(),
        ["Sau"]
    );
}

#[test]
fn bold_from_tags_and_styles() {
    let html = r#"<p><strong>I.</strong> <b>KẾT NỐI</b></p><p><span style="font-weight: 700">A</span></p>
<p><b>đậm <span style="font-weight:normal">thường</span></b></p><h3>Tiêu đề</h3>"#;
    let doc = read_html(html).expect("reads");
    let bold: Vec<bool> = doc.paragraphs().map(|p| p.bold).collect();
    assert_eq!(bold, [true, true, false, true]);
}

#[test]
fn entities_are_decoded() {
    let html = "<p>Tr&#432;&#7899;c ng&agrave;y 30/6 &ndash; &quot;KH&amp;CN&quot; &abreve;&dstrok; &#x1EA1; &#150; &unknown; &amp</p>";
    let doc = read_html(html).expect("reads");
    assert_eq!(
        doc.paragraphs().next().map(|p| p.text.as_str()),
        Some("Trước ngày 30/6 – \"KH&CN\" ăđ ạ – &unknown; &")
    );
}

#[test]
fn ordered_lists_get_labels_and_bullets_do_not() {
    let html = r#"<ol type="I"><li>Mục một</li><li>Mục hai<ol type="a" start="3"><li>con</li></ol></li></ol>
<ul><li>- Bộ Tư pháp;</li></ul><ol><li value="5">năm<li>sáu</ol>"#;
    let doc = read_html(html).expect("reads");
    let items: Vec<(Option<&str>, &str)> = doc
        .paragraphs()
        .map(|p| (p.label.as_deref(), p.text.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            (Some("I."), "Mục một"),
            (Some("II."), "Mục hai"),
            (Some("c."), "con"),
            (None, "- Bộ Tư pháp;"),
            (Some("5."), "năm"),
            (Some("6."), "sáu")
        ]
    );
}

#[test]
fn hidden_elements_comments_and_word_markers_are_dropped() {
    let html = r#"<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>X</o:Author></o:DocumentProperties></xml><![endif]-->
<p class=MsoListParagraph><![if !supportLists]><span>1.<span>&nbsp;</span></span><![endif]>Nội dung</p>
<div style="display: none">ẩn</div><p hidden>ẩn nữa</p><noscript>bật JavaScript</noscript><p>hiện</p>"#;
    let doc = read_html(html).expect("reads");
    let texts: Vec<&str> = doc.paragraphs().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["1.\u{a0}Nội dung", "hiện"]);
}

#[test]
fn nested_tables_and_text_outside_cells() {
    let html = "<table><caption>Phụ lục I</caption><tr><td>ngoài<table><tr><td>a</td><td>b</td></tr></table></td></tr></table>";
    let doc = read_html(html).expect("reads");
    assert_eq!(
        doc.paragraphs().next().map(|p| p.text.as_str()),
        Some("Phụ lục I")
    );
    let table = doc.tables().next().expect("table");
    let cell = &table.rows[0].cells[0];
    assert_eq!(cell.tables.len(), 1);
    assert_eq!(cell.text(), "ngoài\na\tb");
}

#[test]
fn holes_and_short_rows_keep_grid_positions() {
    // Row 2 has one cell; column 2 is taken by the rowspan from row 1, column 1 is a hole.
    let html = "<table><tr><td>a</td><td>b</td><td rowspan=2>c</td></tr><tr><td>d</td></tr><tr><td>e</td></tr></table>";
    assert_eq!(
        grid_texts(html),
        [["a", "b", "c"], ["d", "", "c"], ["e", "", ""]]
    );
    let doc = read_html(html).expect("reads");
    let grid = doc.tables().next().expect("table").grid();
    assert_eq!(grid[2][1].origin, Origin::Missing);
}

#[test]
fn text_is_nfc_and_oversized_or_too_nested_input_is_refused() {
    let doc = read_html("<p>Va\u{306}n pho\u{300}ng</p>").expect("reads");
    assert_eq!(
        doc.paragraphs().next().map(|p| p.text.as_str()),
        Some("Văn phòng")
    );
    let deep = "<table><tr><td>".repeat(40);
    let message = read_html(&deep).expect_err("too deep").message;
    assert!(message.contains("lồng nhau"), "{message}");
    let wide = format!("<table><tr>{}</tr></table>", "<td>x</td>".repeat(200));
    assert!(
        read_html(&wide)
            .expect_err("too wide")
            .message
            .contains("cột")
    );
    let huge_span = "<table><tr><td colspan=100000>x</td></tr></table>";
    assert!(read_html(huge_span).is_err());
}

#[test]
fn a_rowspan_of_zero_or_past_the_end_reaches_the_last_row() {
    let html = "<table><tr><td rowspan=0>a</td><td>1</td></tr><tr><td>2</td></tr><tr><td rowspan=99>b</td><td>3</td></tr></table>";
    // rowspan=0 covers every row; the cell "b" is pushed right of it.
    assert_eq!(
        grid_texts(html),
        [["a", "1", ""], ["a", "2", ""], ["a", "b", "3"]]
    );
}
