//! CSV downloads: UTF-8 with a byte-order mark so Excel reads Vietnamese, CRLF line ends, RFC 4180
//! quoting, one flat table per file so it sorts and pivots in Excel.

use super::{COMPLETED_COLUMNS, OVERDUE_COLUMNS, date_text, on_time_text};
use crate::reports::model::{CompletedReport, OverdueReport};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// "Báo cáo nhiệm vụ quá hạn": one row per (lead unit, task), the unit first so Excel can group.
pub fn overdue_csv(report: &OverdueReport) -> Vec<u8> {
    let mut csv = Csv::new();
    csv.header(&OVERDUE_COLUMNS);
    let rows = report
        .units
        .iter()
        .flat_map(|unit| unit.rows.iter().map(move |row| (unit, row)));
    for (n, (unit, row)) in rows.enumerate() {
        csv.number(n + 1);
        csv.text(&unit.unit_name);
        csv.text(&row.decision);
        csv.text(&row.reference);
        csv.text(&row.content);
        csv.text(&row.lead_text);
        csv.text(&row.deadline_text);
        csv.text(&date_text(row.due_on));
        csv.number(row.days_overdue);
        csv.text(&row.deliverable);
        csv.text(row.last_note.as_deref().unwrap_or_default());
        csv.text(&row.last_note_on.map(date_text).unwrap_or_default());
        csv.end_row();
    }
    csv.finish()
}

/// "Báo cáo kết quả thực hiện": the tasks completed in the period, one row each.
pub fn completed_csv(report: &CompletedReport) -> Vec<u8> {
    let mut csv = Csv::new();
    csv.header(&COMPLETED_COLUMNS);
    for (n, row) in report.completed.iter().enumerate() {
        csv.number(n + 1);
        csv.text(&row.decision);
        csv.text(&row.reference);
        csv.text(&row.content);
        csv.text(&row.lead_text);
        csv.text(&row.deadline_text);
        csv.text(&row.due_on.map(date_text).unwrap_or_default());
        csv.text(&date_text(row.completed_on));
        csv.text(on_time_text(row.on_time));
        csv.text(&row.deliverable);
        csv.end_row();
    }
    csv.finish()
}

/// A CSV being written field by field.
struct Csv {
    out: Vec<u8>,
    row_started: bool,
}

impl Csv {
    fn new() -> Self {
        Self {
            out: BOM.to_vec(),
            row_started: false,
        }
    }

    fn header(&mut self, columns: &[&str]) {
        for column in columns {
            self.text(column);
        }
        self.end_row();
    }

    fn separate(&mut self) {
        if self.row_started {
            self.out.push(b',');
        }
        self.row_started = true;
    }

    fn number(&mut self, value: impl std::fmt::Display) {
        self.separate();
        self.out.extend_from_slice(value.to_string().as_bytes());
    }

    /// A text field, quoted when it holds a separator, a quote or a line break. Text that Excel
    /// would run as a formula (a plan's "- A trước 30/6/2022" bullet starts with '-') gets a
    /// leading apostrophe, the usual guard against CSV formula injection.
    fn text(&mut self, value: &str) {
        self.separate();
        let guard = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let quote = guard || value.contains([',', '"', '\r', '\n']);
        if quote {
            self.out.push(b'"');
        }
        if guard {
            self.out.push(b'\'');
        }
        self.out
            .extend_from_slice(value.replace('"', "\"\"").as_bytes());
        if quote {
            self.out.push(b'"');
        }
    }

    fn end_row(&mut self) {
        self.out.extend_from_slice(b"\r\n");
        self.row_started = false;
    }

    fn finish(self) -> Vec<u8> {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(write: impl FnOnce(&mut Csv)) -> String {
        let mut csv = Csv::new();
        write(&mut csv);
        csv.end_row();
        String::from_utf8(csv.finish()[BOM.len()..].to_vec()).expect("utf-8")
    }

    #[test]
    fn fields_with_commas_quotes_and_line_breaks_are_quoted() {
        let got = line(|c| {
            c.text("Vụ Kế hoạch, Tài chính");
            c.text("Cục \"A\"");
            c.text("dòng 1\ndòng 2");
            c.number(3);
        });
        assert_eq!(
            got,
            "\"Vụ Kế hoạch, Tài chính\",\"Cục \"\"A\"\"\",\"dòng 1\ndòng 2\",3\r\n"
        );
    }

    #[test]
    fn text_excel_would_run_as_a_formula_is_guarded() {
        let got = line(|c| {
            c.text("- A trước 30/6/2022");
            c.text("=1+1");
            c.text("Năm 2022");
        });
        assert_eq!(got, "\"'- A trước 30/6/2022\",\"'=1+1\",Năm 2022\r\n");
    }
}
