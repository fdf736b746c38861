//! XLSX downloads: real dates and numbers (percentages as fractions with a % format), a title
//! above a bold frozen header row on every sheet, column widths and A4 landscape page setup.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{COMPLETED_COLUMNS, ExportError, OVERDUE_COLUMNS, date_text, on_time_text};
use crate::reports::model::{CompletedReport, Figures, MonthlyPack, NamedFigures, OverdueReport};

/// The header row; the title and subtitle sit above it, the data starts below it.
const HEADER_ROW: u32 = 2;
/// A4 in Excel's paper-size numbering.
const PAPER_A4: u8 = 9;

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
    ("Tỷ lệ đúng hạn trên số đã hoàn thành", 14.0),
];
const OVERDUE_WIDTHS: [f64; 12] = [
    6.0, 28.0, 16.0, 9.0, 50.0, 28.0, 18.0, 12.0, 10.0, 30.0, 36.0, 12.0,
];
const COMPLETED_WIDTHS: [f64; 10] = [6.0, 16.0, 9.0, 50.0, 28.0, 18.0, 12.0, 12.0, 10.0, 30.0];

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
    summary_sheet(
        book.add_worksheet(),
        &styles,
        &pack.completed,
        Some(&pack.scope),
    )?;
    unit_sheet(book.add_worksheet(), &styles, &pack.completed)?;
    overdue_sheet(book.add_worksheet(), &styles, &pack.overdue)?;
    completed_sheet(book.add_worksheet(), &styles, &pack.completed)?;
    milestone_sheet(book.add_worksheet(), &styles, &pack.overdue)?;
    Ok(book.save_to_buffer()?)
}

struct Styles {
    title: Format,
    header: Format,
    text: Format,
    bold_text: Format,
    date: Format,
    number: Format,
    pct: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: cell.clone().set_text_wrap(),
            bold_text: cell.clone().set_text_wrap().set_bold(),
            date: cell
                .clone()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
            number: cell.clone().set_num_format("0"),
            pct: cell.set_num_format("0.0%"),
        }
    }
}

/// Names the sheet, writes the title, subtitle and bold header, freezes below the header and
/// sets up printing on A4 landscape with the header repeated on every page.
fn begin(
    sheet: &mut Worksheet,
    styles: &Styles,
    name: &str,
    title: &str,
    subtitle: &str,
    columns: &[(&str, f64)],
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    sheet.write_with_format(0, 0, title, &styles.title)?;
    sheet.write(1, 0, subtitle)?;
    for (col, (header, width)) in (0u16..).zip(columns) {
        sheet.write_with_format(HEADER_ROW, col, *header, &styles.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_row_height(HEADER_ROW, 45)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    sheet
        .set_landscape()
        .set_paper_size(PAPER_A4)
        .set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Adds a filter on the header row over the `rows` written below it.
fn finish(sheet: &mut Worksheet, columns: usize, rows: u32) -> Result<(), XlsxError> {
    let last_col =
        u16::try_from(columns.saturating_sub(1)).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + rows, last_col)?;
    Ok(())
}

fn with_widths<'a>(names: &[&'a str], widths: &[f64]) -> Vec<(&'a str, f64)> {
    names.iter().copied().zip(widths.iter().copied()).collect()
}

/// Writes the nine figure cells of one row from column `col` on.
fn figures_row(
    sheet: &mut Worksheet,
    styles: &Styles,
    row: u32,
    col: u16,
    f: &Figures,
) -> Result<(), XlsxError> {
    let counts = [
        f.due,
        f.completed_on_time,
        f.completed_late,
        f.completed(),
        f.overdue,
    ];
    let ratios = [
        f.completed_pct(),
        f.on_time_pct(),
        f.overdue_pct(),
        f.on_time_rate(),
    ];
    for (c, count) in (col..).zip(counts) {
        sheet.write_with_format(row, c, count, &styles.number)?;
    }
    for (c, pct) in (col + 5..).zip(ratios) {
        sheet.write_with_format(row, c, pct / 100.0, &styles.pct)?;
    }
    Ok(())
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
    begin(sheet, styles, "Tổng hợp", title, &subtitle, &columns)?;
    let first = HEADER_ROW + 1;
    sheet.write_with_format(first, 0, "Tất cả kế hoạch", &styles.bold_text)?;
    figures_row(sheet, styles, first, 1, &report.totals)?;
    let mut row = first;
    for decision in &report.per_decision {
        row += 1;
        sheet.write_with_format(row, 0, &decision.name, &styles.text)?;
        figures_row(sheet, styles, row, 1, &decision.figures)?;
    }
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
    begin(
        sheet,
        styles,
        "Theo đơn vị",
        title,
        &period_text(report),
        &columns,
    )?;
    let mut row = HEADER_ROW;
    for (rank, unit) in (1u32..).zip(&report.per_unit) {
        row += 1;
        named_figures(sheet, styles, row, rank, unit)?;
    }
    finish(sheet, columns.len(), row - HEADER_ROW)
}

fn named_figures(
    sheet: &mut Worksheet,
    styles: &Styles,
    row: u32,
    rank: u32,
    unit: &NamedFigures,
) -> Result<(), XlsxError> {
    sheet.write_with_format(row, 0, rank, &styles.number)?;
    sheet.write_with_format(row, 1, &unit.name, &styles.text)?;
    figures_row(sheet, styles, row, 2, &unit.figures)
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
    begin(sheet, styles, "Quá hạn", title, &subtitle, &columns)?;
    let mut row = HEADER_ROW;
    for unit in &report.units {
        for task in &unit.rows {
            row += 1;
            let (t, d, n) = (&styles.text, &styles.date, &styles.number);
            sheet.write_with_format(row, 0, row - HEADER_ROW, n)?;
            sheet.write_with_format(row, 1, &unit.unit_name, t)?;
            sheet.write_with_format(row, 2, &task.decision, t)?;
            sheet.write_with_format(row, 3, &task.reference, t)?;
            sheet.write_with_format(row, 4, &task.content, t)?;
            sheet.write_with_format(row, 5, &task.lead_text, t)?;
            sheet.write_with_format(row, 6, &task.deadline_text, t)?;
            sheet.write_with_format(row, 7, &task.due_on, d)?;
            sheet.write_with_format(row, 8, task.days_overdue, n)?;
            sheet.write_with_format(row, 9, &task.deliverable, t)?;
            sheet.write_with_format(row, 10, task.last_note.as_deref(), t)?;
            sheet.write_with_format(row, 11, task.last_note_on.as_ref(), d)?;
        }
    }
    finish(sheet, columns.len(), row - HEADER_ROW)
}

/// "Theo đơn vị" of the overdue workbook: how many overdue tasks each lead unit has.
fn overdue_count_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &OverdueReport,
) -> Result<(), XlsxError> {
    let columns = [
        ("STT", 6.0),
        ("Đơn vị chủ trì", 50.0),
        ("Số nhiệm vụ quá hạn", 14.0),
    ];
    let subtitle = format!("Tính đến ngày {}", date_text(report.as_of));
    let title = "SỐ NHIỆM VỤ QUÁ HẠN THEO ĐƠN VỊ";
    begin(sheet, styles, "Theo đơn vị", title, &subtitle, &columns)?;
    let mut row = HEADER_ROW;
    for unit in &report.units {
        row += 1;
        sheet.write_with_format(row, 0, row - HEADER_ROW, &styles.number)?;
        sheet.write_with_format(row, 1, &unit.unit_name, &styles.text)?;
        let count = u32::try_from(unit.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.write_with_format(row, 2, count, &styles.number)?;
    }
    let units = row - HEADER_ROW;
    let total = u32::try_from(report.total).map_err(|_| XlsxError::RowColumnLimitError)?;
    let label = "Tổng số nhiệm vụ quá hạn (mỗi nhiệm vụ tính một lần)";
    sheet.write_with_format(row + 1, 1, label, &styles.bold_text)?;
    sheet.write_with_format(row + 1, 2, total, &styles.number)?;
    finish(sheet, columns.len(), units)
}

/// "Mốc quá hạn": milestones past their date and not done.
fn milestone_sheet(
    sheet: &mut Worksheet,
    styles: &Styles,
    report: &OverdueReport,
) -> Result<(), XlsxError> {
    let columns = [
        ("STT", 6.0),
        ("Kế hoạch", 16.0),
        ("Số hiệu", 9.0),
        ("Mốc công việc", 50.0),
        ("Đơn vị chủ trì", 28.0),
        ("Hạn hoàn thành", 12.0),
        ("Số ngày quá hạn", 10.0),
    ];
    let subtitle = format!("Tính đến ngày {}", date_text(report.as_of));
    let title = "CÁC MỐC CÔNG VIỆC QUÁ HẠN";
    begin(sheet, styles, "Mốc quá hạn", title, &subtitle, &columns)?;
    let mut row = HEADER_ROW;
    for m in &report.milestones {
        row += 1;
        let (t, d, n) = (&styles.text, &styles.date, &styles.number);
        sheet.write_with_format(row, 0, row - HEADER_ROW, n)?;
        sheet.write_with_format(row, 1, &m.decision, t)?;
        sheet.write_with_format(row, 2, &m.reference, t)?;
        sheet.write_with_format(row, 3, &m.label, t)?;
        sheet.write_with_format(row, 4, &m.lead_text, t)?;
        sheet.write_with_format(row, 5, &m.due_on, d)?;
        sheet.write_with_format(row, 6, m.days_overdue, n)?;
    }
    finish(sheet, columns.len(), row - HEADER_ROW)
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
    begin(sheet, styles, name, title, &period_text(report), &columns)?;
    let mut row = HEADER_ROW;
    for task in &report.completed {
        row += 1;
        let (t, d, n) = (&styles.text, &styles.date, &styles.number);
        sheet.write_with_format(row, 0, row - HEADER_ROW, n)?;
        sheet.write_with_format(row, 1, &task.decision, t)?;
        sheet.write_with_format(row, 2, &task.reference, t)?;
        sheet.write_with_format(row, 3, &task.content, t)?;
        sheet.write_with_format(row, 4, &task.lead_text, t)?;
        sheet.write_with_format(row, 5, &task.deadline_text, t)?;
        sheet.write_with_format(row, 6, task.due_on.as_ref(), d)?;
        sheet.write_with_format(row, 7, &task.completed_on, d)?;
        sheet.write_with_format(row, 8, on_time_text(task.on_time), t)?;
        sheet.write_with_format(row, 9, &task.deliverable, t)?;
    }
    finish(sheet, columns.len(), row - HEADER_ROW)
}
