//! The report files opened back the way Excel and Word would read them: the CSV parsed, the
//! XLSX read with calamine, the DOCX unzipped, and their figures compared with the input.

mod fixtures;
pub mod read;

use actionplan::reports::export::{
    completed_csv, completed_xlsx, monthly_docx, monthly_xlsx, overdue_csv, overdue_xlsx,
};
use actionplan::reports::model::Figures;
use calamine::{Data, Reader};
use fixtures::*;
use read::*;

#[test]
fn the_overdue_csv_opens_in_excel_with_vietnamese_intact() {
    let report = overdue_report();
    let bytes = overdue_csv(&report);
    let text = std::str::from_utf8(&bytes[BOM.len()..]).expect("utf-8");
    assert_eq!(
        text.split("\r\n").next(),
        Some(
            "STT,Đơn vị chủ trì (nhóm theo),Kế hoạch,Số hiệu,Nội dung công việc,Đơn vị chủ trì,Thời gian hoàn thành,Hạn hoàn thành,Số ngày quá hạn,Sản phẩm,Tiến độ gần nhất,Ngày cập nhật tiến độ"
        )
    );
    let records = csv_records(&bytes);
    assert_eq!(
        records.len(),
        1 + 4,
        "a header and one row per (unit, task)"
    );
    assert_eq!(
        text.matches("\r\n").count(),
        records.len(),
        "every record ends in CRLF"
    );
    let expected = report
        .units
        .iter()
        .flat_map(|u| u.rows.iter().map(move |r| (u, r)));
    for (n, (record, (unit, row))) in records[1..].iter().zip(expected).enumerate() {
        assert_eq!(record[0], (n + 1).to_string());
        assert_eq!(record[1], unit.unit_name);
        assert_eq!(record[2], row.decision);
        assert_eq!(record[3], row.reference);
        assert_eq!(record[4].trim_start_matches('\''), row.content);
        assert_eq!(record[5], row.lead_text);
        assert_eq!(record[6].trim_start_matches('\''), row.deadline_text);
        assert_eq!(record[7], row.due_on.format("%d/%m/%Y").to_string());
        assert_eq!(record[8], row.days_overdue.to_string());
        assert_eq!(record[9], row.deliverable);
        assert_eq!(record[10], row.last_note.clone().unwrap_or_default());
    }
    assert_eq!(records[1][7], "30/06/2022");
    assert_eq!(records[1][10], NOTE, "the line break in the note survives");
    assert_eq!(records[1][11], "15/07/2022");
    assert_eq!(records[3][1], ODD_UNIT, "comma and quotes survive quoting");
}

#[test]
fn csv_cells_that_excel_would_run_as_formulas_start_with_an_apostrophe() {
    let records = csv_records(&overdue_csv(&overdue_report()));
    let row = &records[2];
    assert_eq!(
        row[4],
        "'- Kết nối CSDL quốc gia về dân cư với hệ thống TTHC"
    );
    assert!(row[6].starts_with("'- Kết nối trước 30/6/2022"));
}

#[test]
fn the_completed_csv_lists_each_task_with_its_dates_and_whether_it_was_on_time() {
    let report = completed_report();
    let records = csv_records(&completed_csv(&report));
    assert_eq!(
        records[0],
        [
            "STT",
            "Kế hoạch",
            "Số hiệu",
            "Nội dung công việc",
            "Đơn vị chủ trì",
            "Thời gian hoàn thành",
            "Hạn hoàn thành",
            "Ngày hoàn thành",
            "Đúng hạn",
            "Sản phẩm"
        ]
    );
    assert_eq!(records.len(), 1 + report.completed.len());
    for (record, row) in records[1..].iter().zip(&report.completed) {
        assert_eq!(record[2], row.reference);
        assert_eq!(record[3], row.content);
        assert_eq!(record[4], ODD_UNIT);
        assert_eq!(record[7], row.completed_on.format("%d/%m/%Y").to_string());
    }
    assert_eq!(records[1][6], "31/07/2022");
    assert_eq!(records[1][8], "Có");
    assert_eq!(
        records[2][8], "Không",
        "completed 05/07 against 31/05 is late"
    );
    assert_eq!(records[3][6], "", "a continuous task has no due date");
}

#[test]
fn the_overdue_workbook_has_real_dates_and_numbers_under_a_vietnamese_header() {
    let report = overdue_report();
    let bytes = overdue_xlsx(&report).expect("writes");
    let first = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        first.contains(r#"ySplit="3""#) && first.contains(r#"state="frozen""#),
        "frozen header"
    );
    assert!(first.contains("<col "), "column widths");
    let styles = zip_part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="dd/mm/yyyy""#) && styles.contains("<b/>"));
    let mut book = open_xlsx(bytes);
    assert_eq!(
        book.sheet_names(),
        ["Quá hạn", "Theo đơn vị", "Mốc quá hạn"]
    );

    let list = sheet(&mut book, "Quá hạn");
    assert_eq!(text(&list, 0, 0), "BÁO CÁO NHIỆM VỤ QUÁ HẠN");
    assert_eq!(
        header(&list)[..4],
        ["STT", "Đơn vị chủ trì (nhóm theo)", "Kế hoạch", "Số hiệu"]
    );
    assert_eq!(header(&list)[7], "Hạn hoàn thành");
    assert_eq!(date(&list, 3, 7), day(2022, 6, 30));
    assert_eq!(number(&list, 3, 8), 31.0);
    assert_eq!(text(&list, 3, 10), NOTE);
    assert_eq!(date(&list, 3, 11), day(2022, 7, 15));
    assert_eq!(
        text(&list, 4, 4),
        report.units[0].rows[1].content,
        "no apostrophe in xlsx"
    );
    assert_eq!(text(&list, 5, 1), ODD_UNIT);
    assert_eq!(date(&list, 5, 7), day(2022, 3, 31));
    assert_eq!(number(&list, 5, 8), 122.0);
    assert_eq!(cell(&list, 7, 0), Data::Empty, "four rows, no more");

    let counts = sheet(&mut book, "Theo đơn vị");
    assert_eq!(text(&counts, 4, 1), ODD_UNIT);
    assert_eq!(number(&counts, 4, 2), 2.0);
    assert_eq!(
        number(&counts, 5, 2),
        3.0,
        "the total counts a shared task once"
    );

    let milestones = sheet(&mut book, "Mốc quá hạn");
    assert_eq!(text(&milestones, 3, 3), "Kết nối trước 30/6/2022");
    assert_eq!(date(&milestones, 3, 5), day(2022, 6, 30));
    assert_eq!(number(&milestones, 3, 6), 31.0);
}

#[test]
fn the_completed_workbook_gives_the_figures_per_decision_and_ranks_the_units() {
    let report = completed_report();
    let mut book = open_xlsx(completed_xlsx(&report).expect("writes"));
    assert_eq!(
        book.sheet_names(),
        ["Tổng hợp", "Theo đơn vị", "Hoàn thành trong kỳ"]
    );

    let summary = sheet(&mut book, "Tổng hợp");
    assert_eq!(text(&summary, 2, 0), "Phạm vi");
    assert_eq!(text(&summary, 2, 1), "Số nhiệm vụ đến hạn");
    assert_eq!(text(&summary, 3, 0), "Tất cả kế hoạch");
    assert_figures(&summary, 3, 1, &report.totals);
    assert_eq!(
        number(&summary, 3, 6),
        9.0 / 12.0,
        "75,0% stored as a fraction"
    );
    for (row, decision) in (4..).zip(&report.per_decision) {
        assert_eq!(text(&summary, row, 0), decision.name);
        assert_figures(&summary, row, 1, &decision.figures);
    }

    let units = sheet(&mut book, "Theo đơn vị");
    for (row, (rank, unit)) in (3..).zip((1..).zip(&report.per_unit)) {
        assert_eq!(number(&units, row, 0), f64::from(rank));
        assert_eq!(text(&units, row, 1), unit.name);
        assert_figures(&units, row, 2, &unit.figures);
    }

    let list = sheet(&mut book, "Hoàn thành trong kỳ");
    assert_eq!(header(&list)[7], "Ngày hoàn thành");
    assert_eq!(date(&list, 3, 6), day(2022, 7, 31));
    assert_eq!(date(&list, 3, 7), day(2022, 7, 20));
    assert_eq!(text(&list, 4, 8), "Không");
    assert_eq!(
        cell(&list, 5, 6),
        Data::Empty,
        "a continuous task has no due date"
    );
}

#[test]
fn the_monthly_workbook_holds_the_summary_units_overdue_and_completed_sheets() {
    let pack = monthly_pack();
    let mut book = open_xlsx(monthly_xlsx(&pack).expect("writes"));
    assert_eq!(
        book.sheet_names(),
        [
            "Tổng hợp",
            "Theo đơn vị",
            "Quá hạn",
            "Hoàn thành trong kỳ",
            "Mốc quá hạn"
        ]
    );
    assert!(book.sheet_names().iter().all(|n| n.chars().count() <= 31));

    let summary = sheet(&mut book, "Tổng hợp");
    assert!(
        text(&summary, 1, 0).contains("Tất cả kế hoạch"),
        "the scope is named"
    );
    assert!(text(&summary, 1, 0).contains("Tháng 7/2022"));
    assert_figures(&summary, 3, 1, &pack.completed.totals);

    let units = sheet(&mut book, "Theo đơn vị");
    assert_eq!(text(&units, 4, 1), ODD_UNIT);
    assert_figures(&units, 4, 2, &pack.completed.per_unit[1].figures);

    let overdue = sheet(&mut book, "Quá hạn");
    assert_eq!(date(&overdue, 4, 7), day(2022, 7, 15));
    assert_eq!(number(&overdue, 4, 8), 16.0);

    let done = sheet(&mut book, "Hoàn thành trong kỳ");
    assert_eq!(text(&done, 5, 2), "V.1");
    assert_eq!(date(&done, 5, 7), day(2022, 7, 10));
}

#[test]
fn the_monthly_word_report_has_every_heading_task_unit_and_figure() {
    let pack = monthly_pack();
    let (xml, text) = docx_parts(monthly_docx(&pack).expect("writes"));
    for heading in [
        "BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH",
        "Tháng 7/2022",
        "Phạm vi: Tất cả kế hoạch",
        "I. TÌNH HÌNH CHUNG",
        "II. KẾT QUẢ THEO ĐƠN VỊ",
        "III. NHIỆM VỤ QUÁ HẠN",
        "IV. NHIỆM VỤ HOÀN THÀNH TRONG THÁNG",
        "NGƯỜI LẬP BÁO CÁO",
        "LÃNH ĐẠO ĐƠN VỊ",
    ] {
        assert!(text.contains(heading), "the report has {heading:?}");
    }
    for task in pack.overdue.units.iter().flat_map(|u| &u.rows) {
        assert!(text.contains(&task.reference), "overdue {}", task.reference);
        assert!(
            text.contains(&task.content),
            "overdue content {:?}",
            task.content
        );
    }
    assert!(text.contains(NOTE), "the note keeps its line break");
    for unit in pack.overdue.units.iter().map(|u| &u.unit_name) {
        assert!(text.contains(unit.as_str()), "overdue unit {unit}");
    }
    for unit in &pack.completed.per_unit {
        assert!(text.contains(&unit.name), "unit {}", unit.name);
    }
    for task in &pack.completed.completed {
        assert!(text.contains(&task.content), "completed {}", task.reference);
    }
    // 12 due, 9 completed (75,0%), 6 on time (50,0%), 3 late, 3 overdue (25,0%); 6 of 9 = 66,7%.
    for sentence in [
        "tổng số nhiệm vụ đến hạn là 12 nhiệm vụ",
        "đã hoàn thành 9 nhiệm vụ, đạt 75,0%",
        "hoàn thành đúng hạn 6 nhiệm vụ (50,0%)",
        "hoàn thành quá hạn 3 nhiệm vụ",
        "còn 3 nhiệm vụ quá hạn chưa hoàn thành (25,0%)",
        "đã hoàn thành là 66,7%",
        "có 3 nhiệm vụ quá hạn chưa hoàn thành",
    ] {
        assert!(text.contains(sentence), "the summary says {sentence:?}");
    }
    assert!(
        text.contains("Quá hạn chưa hoàn thành\n3\n25,0%"),
        "the figures table"
    );
    assert!(
        text.contains("Vụ Kế hoạch - Tài chính\n4\n3\n0\n1\n100,0%"),
        "unit row"
    );
    assert!(
        xml.contains(r#"w:w="11906""#) && xml.contains(r#"w:h="16838""#),
        "A4"
    );
    let bytes = monthly_docx(&pack).expect("writes");
    let styles = zip_part(&bytes, "word/styles.xml");
    assert!(
        styles.contains(r#"w:ascii="Times New Roman""#) && styles.contains(r#"<w:sz w:val="26""#),
        "Times New Roman 13 pt"
    );
    assert!(
        xml.contains("<w:b />") || xml.contains("<w:b/>"),
        "bold headers"
    );
}

#[test]
fn an_empty_month_exports_every_format_without_dividing_by_zero() {
    let mut pack = monthly_pack();
    pack.completed.completed.clear();
    pack.completed.totals = Figures::default();
    pack.completed.per_decision.clear();
    pack.completed.per_unit.clear();
    pack.overdue.units.clear();
    pack.overdue.milestones.clear();
    pack.overdue.total = 0;

    assert_eq!(csv_records(&overdue_csv(&pack.overdue)).len(), 1);
    assert_eq!(csv_records(&completed_csv(&pack.completed)).len(), 1);
    let mut book = open_xlsx(monthly_xlsx(&pack).expect("writes"));
    assert_figures(&sheet(&mut book, "Tổng hợp"), 3, 1, &Figures::default());
    let (_, text) = docx_parts(monthly_docx(&pack).expect("writes"));
    assert!(text.contains("không có nhiệm vụ quá hạn"));
    assert!(text.contains("đạt 0,0%"));
}
