//! Genuine .docx files written by LibreOffice from the HTML beside them
//! (`tests/fixtures/docx/`, rebuilt by its `make.sh`): the reader sees tables, merges, header
//! rows and list numbering as a real word processor writes them, and reads each the same as
//! `read_html` reads its source.

use crate::import::word::{Block, Origin, WordDocument, WordTable, read_docx, read_html};

const MERGES_DOCX: &[u8] = include_bytes!("../../../../tests/fixtures/docx/plan-merges.docx");
const MERGES_HTML: &str = include_str!("../../../../tests/fixtures/docx/plan-merges.html");
const NUMBERED_DOCX: &[u8] = include_bytes!("../../../../tests/fixtures/docx/plan-numbered.docx");
const NUMBERED_HTML: &str = include_str!("../../../../tests/fixtures/docx/plan-numbered.html");
const APPENDICES_DOCX: &[u8] =
    include_bytes!("../../../../tests/fixtures/docx/plan-appendices.docx");
const APPENDICES_HTML: &str = include_str!("../../../../tests/fixtures/docx/plan-appendices.html");

fn docx(bytes: &[u8]) -> WordDocument {
    read_docx(bytes).expect("the fixture reads")
}

/// A table's grid as (text without blank lines, origin).
fn grid(table: &WordTable) -> Vec<Vec<(String, Origin)>> {
    table
        .grid()
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|c| {
                    let lines: Vec<&str> =
                        c.text.lines().filter(|l| !l.trim().is_empty()).collect();
                    (lines.join("\n"), c.origin)
                })
                .collect()
        })
        .collect()
}

fn texts(table: &WordTable) -> Vec<Vec<String>> {
    grid(table)
        .into_iter()
        .map(|row| row.into_iter().map(|(text, _)| text).collect())
        .collect()
}

/// Non-empty top-level paragraphs as (label, trimmed text).
fn paragraphs(doc: &WordDocument) -> Vec<(Option<String>, String)> {
    doc.paragraphs()
        .filter(|p| !p.text.trim().is_empty())
        .map(|p| (p.label.clone(), p.text.trim().to_owned()))
        .collect()
}

#[test]
fn libreoffice_plan_with_merges_reads_header_table_plan_and_signer() {
    let doc = docx(MERGES_DOCX);
    let kinds: Vec<&str> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(_) => "p",
            Block::Table(_) => "table",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "table", "p", "p", "p", "p", "p", "table", "p", "p", "p", "p"
        ]
    );
    let tables: Vec<&WordTable> = doc.tables().collect();
    assert_eq!(
        texts(tables[0]),
        [
            [
                "UBND TỈNH BẮC NINH",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
            ],
            ["Số: /KH-UBND", "Bắc Ninh, ngày tháng năm 2026"]
        ]
    );
    let plan = tables[1];
    assert_eq!(plan.columns, 5);
    let headers: Vec<bool> = plan.rows.iter().map(|r| r.repeated_header).collect();
    assert_eq!(
        headers,
        [true, true, false, false, false, false, false, false]
    );
    let g = grid(plan);
    assert_eq!(g[0][2], ("Đơn vị thực hiện".to_owned(), Origin::Own));
    assert_eq!(
        g[0][3],
        ("Đơn vị thực hiện".to_owned(), Origin::SpannedFromLeft)
    );
    assert_eq!(g[1][0], ("STT".to_owned(), Origin::MergedFromAbove));
    assert_eq!(g[1][2].0, "Chủ trì");
    // The lead unit merged over two task rows applies to both; each keeps its own content.
    assert_eq!(g[4][1].0, "Báo cáo kết quả rà soát");
    assert_eq!(g[4][2], ("Sở Tư pháp".to_owned(), Origin::MergedFromAbove));
    assert_eq!(g[4][0], ("1".to_owned(), Origin::MergedFromAbove));
    // One text under both "chủ trì" and "phối hợp".
    assert_eq!(
        g[5][3],
        (
            "Công an tỉnh; UBND các xã, phường".to_owned(),
            Origin::SpannedFromLeft
        )
    );
    assert_eq!(g[7][3].0, "- Sở Tài chính;\n- Sở Nội vụ.");
    let section = &plan.grid()[2][0];
    assert!(section.bold && section.text == "I. HOÀN THIỆN THỂ CHẾ");
    let last: Vec<String> = paragraphs(&doc).into_iter().map(|(_, t)| t).collect();
    assert_eq!(last.last().map(String::as_str), Some("KT. CHỦ TỊCH"));
    assert!(
        last.iter()
            .any(|t| t.starts_with("Căn cứ Quyết định số 06/QĐ-TTg"))
    );
}

#[test]
fn libreoffice_numbering_gives_the_labels_word_draws() {
    let doc = docx(NUMBERED_DOCX);
    let got = paragraphs(&doc);
    let expected = [
        (None, "KẾ HOẠCH"),
        (Some("I."), "MỤC ĐÍCH, YÊU CẦU"),
        (Some("1."), "Triển khai đồng bộ các nhiệm vụ của Đề án 06."),
        (Some("2."), "Phân công rõ đơn vị chủ trì, phối hợp."),
        (Some("II."), "NHIỆM VỤ"),
        (Some("1."), "Kết nối cơ sở dữ liệu."),
        (None, "Bộ Tư pháp;"),
        (None, "Bộ Nội vụ."),
    ];
    let expected: Vec<(Option<String>, String)> = expected
        .iter()
        .map(|(l, t)| (l.map(str::to_owned), (*t).to_owned()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn libreoffice_appendices_keep_each_table_and_the_nested_one() {
    let doc = docx(APPENDICES_DOCX);
    let tables: Vec<&WordTable> = doc.tables().collect();
    assert_eq!(tables.len(), 2);
    let g = grid(tables[0]);
    assert_eq!(g[0][0].0, "Cơ quan\nchủ trì");
    assert_eq!(g[0][1].0, "Cơ quan\nphối hợp");
    let lead: Vec<(String, Origin)> = g[2..].iter().map(|row| row[0].clone()).collect();
    let unit = "Bộ Y tế (chủ trì nội dung chuyên môn)".to_owned();
    assert_eq!(
        lead,
        [
            (unit.clone(), Origin::Own),
            (unit.clone(), Origin::MergedFromAbove),
            (unit, Origin::MergedFromAbove)
        ]
    );
    let nested = &tables[1].rows[1].cells[1];
    assert_eq!(nested.tables.len(), 1);
    assert_eq!(nested.tables[0].rows[0].cells.len(), 2);
}

#[test]
fn the_docx_and_its_html_source_read_the_same() {
    for (name, bytes, html) in [
        ("plan-merges", MERGES_DOCX, MERGES_HTML),
        ("plan-numbered", NUMBERED_DOCX, NUMBERED_HTML),
        ("plan-appendices", APPENDICES_DOCX, APPENDICES_HTML),
    ] {
        let from_docx = docx(bytes);
        let from_html = read_html(html).expect("the source reads");
        let docx_grids: Vec<_> = from_docx.tables().map(grid).collect();
        let html_grids: Vec<_> = from_html.tables().map(grid).collect();
        assert_eq!(docx_grids, html_grids, "{name}: tables");
        assert_eq!(
            paragraphs(&from_docx),
            paragraphs(&from_html),
            "{name}: paragraphs"
        );
    }
}
