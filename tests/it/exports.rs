//! The report files opened back the way Excel and Word would read them: the CSV parsed, the
//! XLSX read with calamine, the DOCX unzipped, and their figures compared with the input.

use std::io::{Cursor, Read};

use actionplan::reports::export::{
    completed_csv, completed_xlsx, monthly_docx, monthly_xlsx, overdue_csv, overdue_xlsx,
};
use actionplan::reports::model::{
    CompletedReport, CompletedRow, Figures, MonthlyPack, NamedFigures, OverdueMilestone,
    OverdueReport, OverdueRow, UnitOverdue,
};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// A unit name with a comma, quotes and an ampersand, to test quoting and XML escaping.
const ODD_UNIT: &str = "Cục \"An toàn thông tin\", Bộ TT&TT";
const NOTE: &str = "Đã dự thảo Kế hoạch.\nĐang lấy ý kiến các đơn vị";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn overdue_row(reference: &str, content: &str, due_on: NaiveDate, days: i32) -> OverdueRow {
    OverdueRow {
        task_id: 0,
        decision: "905/QĐ-BTTTT".into(),
        reference: reference.into(),
        content: content.into(),
        lead_text: "Vụ Kế hoạch - Tài chính, Cục Tin học hóa".into(),
        deadline_text: "Tháng 6/2022".into(),
        due_on,
        days_overdue: days,
        deliverable: "Báo cáo Bộ trưởng".into(),
        last_note: None,
        last_note_on: None,
    }
}

fn overdue_report() -> OverdueReport {
    let shared = OverdueRow {
        last_note: Some(NOTE.into()),
        last_note_on: Some(day(2022, 7, 15)),
        ..overdue_row(
            "II.7",
            "Xây dựng, hoàn thiện \"Nền tảng\" tích hợp, chia sẻ dữ liệu (LGSP) của Bộ",
            day(2022, 6, 30),
            31,
        )
    };
    let milestone_task = OverdueRow {
        deadline_text: "- Kết nối trước 30/6/2022 - Vận hành trước 15/7/2022".into(),
        ..overdue_row(
            "III.10",
            "- Kết nối CSDL quốc gia về dân cư với hệ thống TTHC",
            day(2022, 7, 15),
            16,
        )
    };
    let most = OverdueRow {
        decision: "94/QĐ-BKHCN".into(),
        lead_text: "Trung tâm CNTT".into(),
        deadline_text: "Quý I/2022".into(),
        ..overdue_row("7", "Số hóa kết quả giải quyết TTHC", day(2022, 3, 31), 122)
    };
    OverdueReport {
        as_of: day(2022, 7, 31),
        units: vec![
            UnitOverdue {
                unit_id: 1,
                unit_name: "Vụ Kế hoạch - Tài chính".into(),
                is_group: false,
                rows: vec![shared.clone(), milestone_task],
            },
            UnitOverdue {
                unit_id: 2,
                unit_name: ODD_UNIT.into(),
                is_group: false,
                rows: vec![most, shared],
            },
        ],
        total: 3,
        milestones: vec![OverdueMilestone {
            task_id: 0,
            decision: "905/QĐ-BTTTT".into(),
            reference: "III.10".into(),
            label: "Kết nối trước 30/6/2022".into(),
            lead_text: "Vụ Kế hoạch - Tài chính".into(),
            due_on: day(2022, 6, 30),
            days_overdue: 31,
        }],
    }
}

fn completed_row(reference: &str, due_on: Option<NaiveDate>, done: NaiveDate) -> CompletedRow {
    CompletedRow {
        task_id: 0,
        decision: "905/QĐ-BTTTT".into(),
        reference: reference.into(),
        content: format!("Nhiệm vụ {reference}: rà soát, đánh giá hiện trạng"),
        lead_text: ODD_UNIT.into(),
        deadline_text: "Tháng 7/2022".into(),
        due_on,
        completed_on: done,
        on_time: due_on.is_none_or(|due| done <= due),
        deliverable: "Kế hoạch".into(),
    }
}

fn figures(due: i64, on_time: i64, late: i64, overdue: i64) -> Figures {
    Figures {
        due,
        completed_on_time: on_time,
        completed_late: late,
        overdue,
    }
}

fn named(id: i64, name: &str, figures: Figures) -> NamedFigures {
    NamedFigures {
        id,
        name: name.into(),
        figures,
    }
}

fn completed_report() -> CompletedReport {
    CompletedReport {
        from: day(2022, 7, 1),
        to: day(2022, 7, 31),
        label: "Tháng 7/2022".into(),
        completed: vec![
            completed_row("I.1", Some(day(2022, 7, 31)), day(2022, 7, 20)),
            completed_row("IV.4", Some(day(2022, 5, 31)), day(2022, 7, 5)),
            CompletedRow {
                deadline_text: "Thường xuyên".into(),
                ..completed_row("V.1", None, day(2022, 7, 10))
            },
        ],
        totals: figures(12, 6, 3, 3),
        per_decision: vec![
            named(1, "905/QĐ-BTTTT", figures(9, 5, 2, 2)),
            named(2, "94/QĐ-BKHCN", figures(3, 1, 1, 1)),
        ],
        per_unit: vec![
            named(1, "Vụ Kế hoạch - Tài chính", figures(4, 3, 0, 1)),
            named(2, ODD_UNIT, figures(5, 2, 1, 2)),
            named(3, "Trung tâm Công nghệ thông tin", figures(3, 1, 1, 1)),
        ],
    }
}

fn monthly_pack() -> MonthlyPack {
    MonthlyPack {
        label: "Tháng 7/2022".into(),
        scope: "Tất cả kế hoạch".into(),
        completed: completed_report(),
        overdue: overdue_report(),
    }
}

/// The CSV's records after the BOM, as Excel would split them.
fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "the CSV starts with a UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[BOM.len()..]).expect("the CSV is UTF-8");
    assert!(text.ends_with("\r\n"), "records end with CRLF");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.expect("a valid CSV record")
                .iter()
                .map(String::from)
                .collect()
        })
        .collect()
}

#[test]
fn the_overdue_csv_opens_in_excel_with_vietnamese_intact() {
    let report = overdue_report();
    let bytes = overdue_csv(&report);
    let text = std::str::from_utf8(&bytes[BOM.len()..]).expect("utf-8");
    assert_eq!(
        text.lines().next(),
        Some(
            "STT,Đơn vị chủ trì (nhóm theo),Kế hoạch,Số hiệu,Nội dung công việc,Đơn vị chủ trì,Thời gian hoàn thành,Hạn hoàn thành,Số ngày quá hạn,Sản phẩm,Tiến độ gần nhất,Ngày cập nhật tiến độ\r"
        )
    );
    let records = csv_records(&bytes);
    assert_eq!(
        records.len(),
        1 + 4,
        "a header and one row per (unit, task)"
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

fn open_xlsx(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens the workbook")
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> calamine::Range<Data> {
    book.worksheet_range(name).expect("the sheet exists")
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn number(range: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
    match cell(range, row, col) {
        Data::Float(f) => f,
        Data::Int(i) => i as f64,
        other => panic!("cell ({row}, {col}) is a number, got {other:?}"),
    }
}

fn date(range: &calamine::Range<Data>, row: u32, col: u32) -> NaiveDate {
    match cell(range, row, col) {
        Data::DateTime(dt) => dt.as_datetime().expect("a valid date").date(),
        Data::DateTimeIso(iso) => iso[..10].parse().expect("an ISO date"),
        other => panic!("cell ({row}, {col}) is a date, got {other:?}"),
    }
}

fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match cell(range, row, col) {
        Data::String(s) => s,
        other => panic!("cell ({row}, {col}) is text, got {other:?}"),
    }
}

fn header(range: &calamine::Range<Data>) -> Vec<String> {
    let width = range.end().expect("a non-empty sheet").1;
    (0..=width).map(|c| text(range, 2, c)).collect()
}

#[test]
fn the_overdue_workbook_has_real_dates_and_numbers_under_a_vietnamese_header() {
    let report = overdue_report();
    let mut book = open_xlsx(overdue_xlsx(&report).expect("writes"));
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

/// Checks one row of figure cells against `Figures`, percentages stored as fractions.
fn assert_figures(range: &calamine::Range<Data>, row: u32, col: u32, f: &Figures) {
    let counts = [
        f.due,
        f.completed_on_time,
        f.completed_late,
        f.completed(),
        f.overdue,
    ];
    for (c, expected) in (col..).zip(counts) {
        assert_eq!(
            number(range, row, c),
            expected as f64,
            "count at ({row}, {c})"
        );
    }
    let ratios = [
        f.completed_pct(),
        f.on_time_pct(),
        f.overdue_pct(),
        f.on_time_rate(),
    ];
    for (c, expected) in (col + 5..).zip(ratios) {
        let got = number(range, row, c) * 100.0;
        assert!(
            (got - expected).abs() < 1e-9,
            "ratio at ({row}, {c}): {got} ≠ {expected}"
        );
    }
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

/// word/document.xml of a .docx, and its text with paragraphs and line breaks as newlines.
fn docx_parts(bytes: Vec<u8>) -> (String, String) {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("the docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the docx has a document part")
        .read_to_string(&mut xml)
        .expect("the document is UTF-8");
    let mut text = String::new();
    let mut rest = xml.as_str();
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>').expect("tags close");
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if (tag == "w:t" || tag.starts_with("w:t ")) && !tag.ends_with('/') {
            let end = rest.find("</w:t>").expect("w:t closes");
            text.push_str(&unescape(&rest[..end]));
            rest = &rest[end..];
        } else if tag.starts_with("w:br") || tag == "/w:p" {
            text.push('\n');
        }
    }
    (xml, text)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
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
