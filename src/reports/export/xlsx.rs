//! XLSX downloads: real dates and numbers (percentages as fractions with a % format), a title
//! above a bold frozen header row on every sheet, column widths and A4 landscape page setup.

mod round;
mod sheet;

pub use round::round_lines_xlsx;

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::{COMPLETED_COLUMNS, ExportError, OVERDUE_COLUMNS, date_text, on_time_text};
use crate::reports::model::{CompletedReport, MonthlyPack, OverdueReport};
use sheet::{Sheet, Styles};

/// The figure columns after the name column(s) of "Tổng hợp" and "Theo đơn vị".
const FIGURE_COLUMNS: [(&str, f64); 9] = [
    ("Số nhiệm vụ đến hạn", 12.0),
    ("Hoàn thành đúng hạn", 12.0),
    ("Hoàn thành quá hạn", 12.0),
    ("Tổng số đã hoàn thành", 12.0),
    ("Quá hạn chưa hoàn thành", 12.0),
    ("Tỷ lệ hoàn thành", 12.0),
    ("Tỷ lệ hoàn thành đúng hạn", 12.0),
    ("Tỷ lệ quá hạn", 12.0),
    ("Tỷ lệ đúng hạn trên số đã hoàn thành", 16.0),
];
const OVERDUE_WIDTHS: [f64; 12] = [
    6.0, 24.0, 15.0, 8.0, 45.0, 24.0, 16.0, 12.0, 9.0, 26.0, 32.0, 12.0,
];
const COMPLETED_WIDTHS: [f64; 10] = [6.0, 15.0, 8.0, 45.0, 26.0, 16.0, 12.0, 12.0, 9.0, 26.0];
const MILESTONE_COLUMNS: [(&str, f64); 7] = [
    ("STT", 6.0),
    ("Kế hoạch", 15.0),
    ("Số hiệu", 8.0),
    ("Mốc công việc", 50.0),
    ("Đơn vị chủ trì", 28.0),
    ("Hạn hoàn thành", 12.0),
    ("Số ngày quá hạn", 9.0),
];

/// "Báo cáo nhiệm vụ quá hạn": the list, the count per unit, the overdue milestones.
pub fn overdue_xlsx(report: &OverdueReport) -> Result<Vec<u8>, ExportError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    overdue_sheet(book.add_worksheet(), &styles, report)?;
    overdue_count_sheet(book.add_worksheet(), &styles, report)?;
    milestone_sheet(book.add_worksheet(), &styles, report)?;
    Ok(book.save_to_buffer()?)
}

/// "Báo cáo kết quả thực hiện": the figures for all and per decision, per unit ranked, the list.
pub fn completed_xlsx(report: &CompletedReport) -> Result<Vec<u8>, ExportError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    summary_sheet(book.add_worksheet(), &styles, report, None)?;
    unit_sheet(book.add_worksheet(), &styles, report)?;
    completed_sheet(book.add_worksheet(), &styles, report)?;
    Ok(book.save_to_buffer()?)
}

/// The monthly pack as one workbook: Tổng hợp, Theo đơn vị, Quá hạn, Hoàn thành trong kỳ and
/// Mốc quá hạn.
pub fn monthly_xlsx(pack: &MonthlyPack) -> Result<Vec<u8>, ExportError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    let scope = Some(pack.scope.as_str());
    summary_sheet(book.add_worksheet(), &styles, &pack.completed, scope)?;
    unit_sheet(book.add_worksheet(), &styles, &pack.completed)?;
    overdue_sheet(book.add_worksheet(), &styles, &pack.overdue)?;
    completed_sheet(book.add_worksheet(), &styles, &pack.completed)?;
    milestone_sheet(book.add_worksheet(), &styles, &pack.overdue)?;
    Ok(book.save_to_buffer()?)
}

fn with_widths<'a>(names: &[&'a str], widths: &[f64]) -> Vec<(&'a str, f64)> {
    names.iter().copied().zip(widths.iter().copied()).collect()
}

fn period_text(report: &CompletedReport) -> String {
    format!(
        "Kỳ báo cáo: {} (từ ngày {} đến ngày {})",
        report.label,
        date_text(report.from),
        date_text(report.to)
    )
}

/// "Tổng hợp": the figures and ratios for all plans, then for each decision.
fn summary_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &CompletedReport,
    scope: Option<&str>,
) -> Result<(), XlsxError> {
    let mut columns = vec![("Phạm vi", 40.0)];
    columns.extend(FIGURE_COLUMNS);
    let subtitle = match scope {
        Some(scope) => format!("Phạm vi: {scope}. {}", period_text(report)),
        None => period_text(report),
    };
    let title = "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH";
    let mut sheet = Sheet::begin(sheet, styles, "Tổng hợp", title, &subtitle, &columns)?;
    sheet.next_row()?;
    sheet.bold(0, "Tất cả kế hoạch")?;
    sheet.figures(1, &report.totals)?;
    for decision in &report.per_decision {
        sheet.next_row()?;
        sheet.text(0, &decision.name)?;
        sheet.figures(1, &decision.figures)?;
    }
    sheet.finish(false)?;
    Ok(())
}

/// "Theo đơn vị": each lead unit's figures, in the report's ranking by on-time rate.
fn unit_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &CompletedReport,
) -> Result<(), XlsxError> {
    let mut columns = vec![("Xếp hạng", 8.0), ("Đơn vị chủ trì", 40.0)];
    columns.extend(FIGURE_COLUMNS);
    let title = "KẾT QUẢ THỰC HIỆN THEO ĐƠN VỊ (xếp hạng theo tỷ lệ đúng hạn)";
    let subtitle = period_text(report);
    let mut sheet = Sheet::begin(sheet, styles, "Theo đơn vị", title, &subtitle, &columns)?;
    for unit in &report.per_unit {
        let rank = sheet.next_row()?;
        sheet.number(0, rank)?;
        sheet.text(1, &unit.name)?;
        sheet.figures(2, &unit.figures)?;
    }
    sheet.finish(true)?;
    Ok(())
}

/// "Quá hạn": one row per (lead unit, task), as in the overdue CSV.
fn overdue_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &OverdueReport,
) -> Result<(), XlsxError> {
    let columns = with_widths(&OVERDUE_COLUMNS, &OVERDUE_WIDTHS);
    let subtitle = format!(
        "Tính đến ngày {}: {} nhiệm vụ quá hạn",
        date_text(report.as_of),
        report.total
    );
    let title = "BÁO CÁO NHIỆM VỤ QUÁ HẠN";
    let mut sheet = Sheet::begin(sheet, styles, "Quá hạn", title, &subtitle, &columns)?;
    for unit in &report.units {
        for task in &unit.rows {
            let n = sheet.next_row()?;
            sheet.number(0, n)?;
            sheet.text(1, &unit.unit_name)?;
            sheet.text(2, &task.decision)?;
            sheet.text(3, &task.reference)?;
            sheet.text(4, &task.content)?;
            sheet.text(5, &task.lead_text)?;
            sheet.text(6, &task.deadline_text)?;
            sheet.date(7, Some(&task.due_on))?;
            sheet.number(8, task.days_overdue)?;
            sheet.text(9, &task.deliverable)?;
            sheet.text(10, task.last_note.as_deref().unwrap_or_default())?;
            sheet.date(11, task.last_note_on.as_ref())?;
        }
    }
    sheet.finish(true)?;
    Ok(())
}

/// "Theo đơn vị" of the overdue workbook: how many overdue tasks each lead unit has.
fn overdue_count_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &OverdueReport,
) -> Result<(), XlsxError> {
    let too_many = |_| XlsxError::RowColumnLimitError;
    let columns = [
        ("STT", 6.0),
        ("Đơn vị chủ trì", 50.0),
        ("Số nhiệm vụ quá hạn", 14.0),
    ];
    let subtitle = format!("Tính đến ngày {}", date_text(report.as_of));
    let title = "SỐ NHIỆM VỤ QUÁ HẠN THEO ĐƠN VỊ";
    let mut sheet = Sheet::begin(sheet, styles, "Theo đơn vị", title, &subtitle, &columns)?;
    for unit in &report.units {
        let n = sheet.next_row()?;
        sheet.number(0, n)?;
        sheet.text(1, &unit.unit_name)?;
        sheet.number(2, u32::try_from(unit.rows.len()).map_err(too_many)?)?;
    }
    let label = "Tổng số nhiệm vụ quá hạn (mỗi nhiệm vụ tính một lần)";
    sheet.total(1, label, u32::try_from(report.total).map_err(too_many)?)?;
    sheet.finish(true)?;
    Ok(())
}

/// "Mốc quá hạn": milestones past their date and not done.
fn milestone_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &OverdueReport,
) -> Result<(), XlsxError> {
    let subtitle = format!("Tính đến ngày {}", date_text(report.as_of));
    let title = "CÁC MỐC CÔNG VIỆC QUÁ HẠN";
    let columns = MILESTONE_COLUMNS;
    let mut sheet = Sheet::begin(sheet, styles, "Mốc quá hạn", title, &subtitle, &columns)?;
    for m in &report.milestones {
        let n = sheet.next_row()?;
        sheet.number(0, n)?;
        sheet.text(1, &m.decision)?;
        sheet.text(2, &m.reference)?;
        sheet.text(3, &m.label)?;
        sheet.text(4, &m.lead_text)?;
        sheet.date(5, Some(&m.due_on))?;
        sheet.number(6, m.days_overdue)?;
    }
    sheet.finish(true)?;
    Ok(())
}

/// "Hoàn thành trong kỳ": the tasks completed within the period.
fn completed_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &CompletedReport,
) -> Result<(), XlsxError> {
    let columns = with_widths(&COMPLETED_COLUMNS, &COMPLETED_WIDTHS);
    let title = "NHIỆM VỤ HOÀN THÀNH TRONG KỲ";
    let name = "Hoàn thành trong kỳ";
    let subtitle = period_text(report);
    let mut sheet = Sheet::begin(sheet, styles, name, title, &subtitle, &columns)?;
    for task in &report.completed {
        let n = sheet.next_row()?;
        sheet.number(0, n)?;
        sheet.text(1, &task.decision)?;
        sheet.text(2, &task.reference)?;
        sheet.text(3, &task.content)?;
        sheet.text(4, &task.lead_text)?;
        sheet.text(5, &task.deadline_text)?;
        sheet.date(6, task.due_on.as_ref())?;
        sheet.date(7, Some(&task.completed_on))?;
        sheet.text(8, on_time_text(task.on_time))?;
        sheet.text(9, &task.deliverable)?;
    }
    sheet.finish(true)?;
    Ok(())
}
