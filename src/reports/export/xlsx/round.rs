//! A round's lines as a workbook: every line of every unit, written or not, with the unit's
//! report status, so the office can sort, filter and paste them.

use rust_xlsxwriter::Workbook;

use super::sheet::{Sheet, Styles};
use crate::db::rounds::{LineRow, RoundRow};
use crate::domain::round::ReportStatus;
use crate::domain::status::TaskState;
use crate::reports::export::{ExportError, date_text};

/// The columns of the "Các dòng báo cáo" sheet, with their widths.
pub const LINE_COLUMNS: [(&str, f64); 14] = [
    ("STT", 6.0),
    ("Đơn vị báo cáo", 28.0),
    ("Báo cáo của đơn vị", 14.0),
    ("Kế hoạch", 15.0),
    ("Số hiệu", 8.0),
    ("Nội dung nhiệm vụ", 45.0),
    ("Tình trạng", 14.0),
    ("Ngày hoàn thành", 12.0),
    ("Kết quả thực hiện trong kỳ", 40.0),
    ("Kết quả, sản phẩm", 30.0),
    ("Minh chứng", 24.0),
    ("Khó khăn, vướng mắc", 30.0),
    ("Đề xuất, kiến nghị", 30.0),
    ("Đã nhập", 9.0),
];

/// Every line of a round as an .xlsx.
pub fn round_lines_xlsx(round: &RoundRow, lines: &[LineRow]) -> Result<Vec<u8>, ExportError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    let subtitle = format!(
        "Kỳ báo cáo từ ngày {} đến ngày {}; hạn nộp {}",
        date_text(round.period_from),
        date_text(round.period_to),
        date_text(round.due_on)
    );
    let title = format!("CÁC DÒNG BÁO CÁO – {}", round.title.to_uppercase());
    let mut sheet = Sheet::begin(
        book.add_worksheet(),
        &styles,
        "Các dòng báo cáo",
        &title,
        &subtitle,
        &LINE_COLUMNS,
    )?;
    for l in lines {
        let n = sheet.next_row()?;
        sheet.number(0, n)?;
        sheet.text(1, &l.unit_name)?;
        let status = ReportStatus::parse(&l.report_status).map_or("", ReportStatus::label_vi);
        sheet.text(2, status)?;
        sheet.text(3, &l.decision)?;
        sheet.text(4, &l.reference)?;
        sheet.text(5, &l.content)?;
        let state = l.state.as_deref().and_then(TaskState::parse);
        sheet.text(6, state.map_or("", TaskState::label_vi))?;
        sheet.date(7, l.completed_on.as_ref())?;
        sheet.text(8, &l.done_text)?;
        sheet.text(9, &l.result_text)?;
        sheet.text(10, l.evidence_url.as_deref().unwrap_or_default())?;
        sheet.text(11, &l.difficulties)?;
        sheet.text(12, &l.proposal)?;
        sheet.text(13, if l.state.is_some() { "Có" } else { "Chưa" })?;
    }
    sheet.finish(true)?;
    Ok(book.save_to_buffer()?)
}
