//! Word documents (.docx made by LibreOffice from the HTML beside them, in
//! `tests/fixtures/docx/`) and the same pages as HTML, read by the importer end to end.

use std::path::PathBuf;

use actionplan::domain::deadline::DeadlineKind;
use actionplan::import::{
    Overrides, ParsedPlan, parse_document, parse_document_with, read_document,
};
use chrono::NaiveDate;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docx")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> ParsedPlan {
    read_document(name, &fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_draft_in_word_is_read_with_its_number_and_date_left_open() {
    for name in ["plan-merges.docx", "plan-merges.html"] {
        let plan = read(name);
        let h = &plan.header;
        assert_eq!(h.code, "", "{name}");
        assert!(h.open_number && h.open_date, "{name}");
        assert_eq!(h.issuer, "Ủy ban nhân dân tỉnh Bắc Ninh", "{name}");
        assert_eq!(h.legal_bases.len(), 2, "{name}");
        let refused = parse_document(name, &fixture(name)).expect_err("a draft needs its code");
        assert!(refused.message.contains("--code"), "{refused}");
        let supplied = Overrides {
            code: Some("15/KH-UBND".into()),
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 2),
        };
        let plan = parse_document_with(name, &fixture(name), &supplied).expect("supplied");
        assert_eq!(plan.header.code, "15/KH-UBND");
        assert_eq!(plan.header.issued_on, NaiveDate::from_ymd_opt(2026, 3, 2));
    }
}

#[test]
fn merged_cells_in_word_give_each_row_what_it_spans() {
    let plan = read("plan-merges.docx");
    let refs: Vec<&str> = plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["I.1", "I.1 (2)", "I.2", "II.1"]);
    // A lead merged down two rows: both rows are tasks under it, each with its own partner.
    assert_eq!(plan.tasks[1].content, "Báo cáo kết quả rà soát");
    assert_eq!(plan.tasks[1].lead_text, "Sở Tư pháp");
    assert_eq!(plan.tasks[1].partner_text, "Văn phòng UBND tỉnh");
    // A two-row header: "Đơn vị thực hiện" over "Chủ trì" and "Phối hợp".
    assert_eq!(plan.tasks[0].partner_text, "Các sở, ngành");
    // One text across both unit columns names the leads.
    assert_eq!(plan.tasks[2].lead_text, "Công an tỉnh; UBND các xã, phường");
    assert_eq!(plan.tasks[2].partner_text, "");
    assert_eq!(plan.tasks[2].leads.len(), 2);
    // The product written in the content cell, with no product column.
    assert_eq!(plan.tasks[3].content, "Nâng cấp Cổng dịch vụ công");
    assert_eq!(plan.tasks[3].deliverable, "Cổng được nâng cấp");
    assert_eq!(plan.tasks[3].partners.len(), 2, "bullet lines are units");
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn appendix_tables_in_word_become_parts_with_their_columns_kept() {
    let plan = read("plan-appendices.docx");
    let codes: Vec<&str> = plan.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["PL I", "PL I.A", "PL II"]);
    let first = &plan.tasks[0];
    assert_eq!(first.reference, "PL I.A.1");
    // Lead and partner columns before the task text, merged down three rows.
    assert_eq!(first.lead_text, "Bộ Y tế (chủ trì nội dung chuyên môn)");
    assert_eq!(plan.tasks[2].partner_text, "Bộ Tài chính");
    assert_eq!(
        first.extras,
        [("Ghi chú".to_owned(), "Nguồn: ngân sách".to_owned())]
    );
    assert_eq!(first.deadline.due_on, NaiveDate::from_ymd_opt(2027, 6, 30));
    assert_eq!(plan.tasks[2].deadline.kind, DeadlineKind::Continuous);
    assert_eq!(plan.tasks[3].reference, "PL II.1");
}

#[test]
fn word_and_its_html_read_alike() {
    for stem in ["plan-merges", "plan-appendices", "plan-numbered"] {
        let word = read(&format!("{stem}.docx"));
        let html = read(&format!("{stem}.html"));
        let texts = |p: &ParsedPlan| -> Vec<(String, String, String, String)> {
            p.tasks
                .iter()
                .map(|t| {
                    (
                        t.reference.clone(),
                        t.content.clone(),
                        t.lead_text.clone(),
                        t.deadline_text.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(texts(&word), texts(&html), "{stem}");
    }
}

#[test]
fn legacy_and_scanned_formats_are_refused_with_what_to_do() {
    let cases: [(&str, &[u8]); 3] = [
        (
            "plan.doc",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest of an OLE file",
        ),
        ("plan.pdf", b"%PDF-1.7 rest"),
        ("scan.png", b"\x89PNG\r\n\x1a\n rest"),
    ];
    for (name, bytes) in cases {
        let error = read_document(name, bytes).expect_err("refused");
        assert!(error.message.contains(".docx"), "{name}: {}", error.message);
    }
}

#[test]
fn a_fault_in_a_word_table_names_the_table_and_row() {
    // A numbered row whose task cell is empty: refused, at its table and row.
    let xml = crate::parse_word_support::document_with_rows(&[
        [
            "STT",
            "Nội dung công việc",
            "Đơn vị chủ trì",
            "Thời gian hoàn thành",
        ],
        ["1", "", "Sở A", "Năm 2026"],
    ]);
    let error = read_document("x.docx", &xml).expect_err("refused");
    assert_eq!(error.place.as_deref(), Some("bảng 1, hàng 2"), "{error}");
}
