//! The files read back as Excel and Word would: the CSV split into records, the workbook read
//! with calamine, the document's XML unzipped and its text pulled out.

use std::io::{Cursor, Read};

use actionplan::reports::model::Figures;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The CSV's records after the BOM, as Excel would split them.
pub fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
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

pub fn open_xlsx(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens the workbook")
}

pub fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> calamine::Range<Data> {
    book.worksheet_range(name).expect("the sheet exists")
}

pub fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

pub fn number(range: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
    match cell(range, row, col) {
        Data::Float(f) => f,
        Data::Int(i) => i as f64,
        other => panic!("cell ({row}, {col}) is a number, got {other:?}"),
    }
}

pub fn date(range: &calamine::Range<Data>, row: u32, col: u32) -> NaiveDate {
    match cell(range, row, col) {
        Data::DateTime(dt) => dt.as_datetime().expect("a valid date").date(),
        Data::DateTimeIso(iso) => iso[..10].parse().expect("an ISO date"),
        other => panic!("cell ({row}, {col}) is a date, got {other:?}"),
    }
}

pub fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match cell(range, row, col) {
        Data::String(s) => s,
        other => panic!("cell ({row}, {col}) is text, got {other:?}"),
    }
}

pub fn header(range: &calamine::Range<Data>) -> Vec<String> {
    let width = range.end().expect("a non-empty sheet").1;
    (0..=width).map(|c| text(range, 2, c)).collect()
}

/// Checks one row of figure cells against `Figures`, percentages stored as fractions.
pub fn assert_figures(range: &calamine::Range<Data>, row: u32, col: u32, f: &Figures) {
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

/// One part of an Office file (a zip), as text.
pub fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("an Office file is a zip");
    let mut xml = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("the file has {name}"))
        .read_to_string(&mut xml)
        .expect("the part is UTF-8");
    xml
}

/// word/document.xml of a .docx, and its text with paragraphs and line breaks as newlines.
pub fn docx_parts(bytes: Vec<u8>) -> (String, String) {
    let xml = zip_part(&bytes, "word/document.xml");
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

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
