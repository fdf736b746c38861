//! One worksheet of a report: a title and subtitle above a bold frozen header row, A4 landscape
//! printing, and data rows that grow to fit their wrapped text.

use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, IntoExcelData, Worksheet, XlsxError,
};

use crate::reports::model::Figures;

/// The header row; the title and subtitle sit above it, the data starts below it.
pub const HEADER_ROW: u32 = 2;
/// A4 in Excel's paper-size numbering.
const PAPER_A4: u8 = 9;
/// The height of one line of text in the default 11 pt font, in points.
const LINE_HEIGHT: f64 = 15.0;

pub struct Styles {
    title: Format,
    header: Format,
    text: Format,
    bold: Format,
    date: Format,
    number: Format,
    pct: Format,
}

impl Styles {
    pub fn new() -> Self {
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
            bold: cell.clone().set_text_wrap().set_bold(),
            date: cell
                .clone()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
            number: cell.clone().set_num_format("0"),
            pct: cell.set_num_format("0.0%"),
        }
    }
}

/// A sheet being written row by row below its header.
pub struct Sheet<'a> {
    sheet: &'a mut Worksheet,
    styles: &'a Styles,
    widths: Vec<f64>,
    row: u32,
    lines: usize,
}

impl<'a> Sheet<'a> {
    /// Names the sheet, writes the title, subtitle and header (`columns` are header and width),
    /// freezes the panes below the header, and sets up printing on A4 landscape, one page wide,
    /// with the header repeated on every page.
    pub fn begin(
        sheet: &'a mut Worksheet,
        styles: &'a Styles,
        name: &str,
        title: &str,
        subtitle: &str,
        columns: &[(&str, f64)],
    ) -> Result<Self, XlsxError> {
        sheet.set_name(name)?;
        sheet.write_with_format(0, 0, title, &styles.title)?;
        sheet.write(1, 0, subtitle)?;
        for (col, (header, width)) in (0u16..).zip(columns) {
            sheet.write_with_format(HEADER_ROW, col, *header, &styles.header)?;
            sheet.set_column_width(col, *width)?;
        }
        sheet.set_row_height(HEADER_ROW, 3.0 * LINE_HEIGHT)?;
        sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
        sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
        sheet
            .set_landscape()
            .set_paper_size(PAPER_A4)
            .set_print_fit_to_pages(1, 0);
        Ok(Self {
            sheet,
            styles,
            widths: columns.iter().map(|(_, w)| *w).collect(),
            row: HEADER_ROW,
            lines: 1,
        })
    }

    /// Moves to the next data row and returns its number, counting from 1.
    pub fn next_row(&mut self) -> Result<u32, XlsxError> {
        self.fit()?;
        self.row += 1;
        self.lines = 1;
        Ok(self.row - HEADER_ROW)
    }

    /// Makes the current row tall enough for its wrapped text: Excel does not grow a row for
    /// text written by a program, so a long task would otherwise show one line.
    fn fit(&mut self) -> Result<(), XlsxError> {
        if self.lines > 1 {
            let lines = u32::try_from(self.lines).unwrap_or(u32::MAX).min(20);
            self.sheet
                .set_row_height(self.row, f64::from(lines) * LINE_HEIGHT)?;
        }
        Ok(())
    }

    fn note_lines(&mut self, col: u16, text: &str) {
        let width = self.widths.get(usize::from(col)).copied().unwrap_or(10.0);
        let per_line = width.max(2.0).floor();
        let lines: usize = text
            .lines()
            .map(|line| {
                let chars = line.chars().count() as f64;
                ((chars / per_line).ceil() as usize).max(1)
            })
            .sum();
        self.lines = self.lines.max(lines);
    }

    /// Wrapped text.
    pub fn text(&mut self, col: u16, value: &str) -> Result<(), XlsxError> {
        self.note_lines(col, value);
        self.sheet
            .write_with_format(self.row, col, value, &self.styles.text)?;
        Ok(())
    }

    /// Wrapped bold text.
    pub fn bold(&mut self, col: u16, value: &str) -> Result<(), XlsxError> {
        self.note_lines(col, value);
        self.sheet
            .write_with_format(self.row, col, value, &self.styles.bold)?;
        Ok(())
    }

    /// A whole number.
    pub fn number(&mut self, col: u16, value: impl IntoExcelData) -> Result<(), XlsxError> {
        self.sheet
            .write_with_format(self.row, col, value, &self.styles.number)?;
        Ok(())
    }

    /// A date cell shown as dd/mm/yyyy; a bordered blank cell for `None`.
    pub fn date(&mut self, col: u16, value: Option<&NaiveDate>) -> Result<(), XlsxError> {
        self.sheet
            .write_with_format(self.row, col, value, &self.styles.date)?;
        Ok(())
    }

    /// The five counts then the four ratios of `f` from column `col` on; ratios are stored as
    /// fractions with a % format, so 66.67 % is the number 0.6667.
    pub fn figures(&mut self, col: u16, f: &Figures) -> Result<(), XlsxError> {
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
            self.number(c, count)?;
        }
        for (c, pct) in (col + 5..).zip(ratios) {
            self.sheet
                .write_with_format(self.row, c, pct / 100.0, &self.styles.pct)?;
        }
        Ok(())
    }

    /// Fits the last row and puts a filter on the header over the rows written; returns the
    /// number of data rows.
    pub fn finish(mut self, filter: bool) -> Result<u32, XlsxError> {
        self.fit()?;
        let rows = self.row - HEADER_ROW;
        if filter {
            let last_col = u16::try_from(self.widths.len().saturating_sub(1))
                .map_err(|_| XlsxError::RowColumnLimitError)?;
            self.sheet.autofilter(HEADER_ROW, 0, self.row, last_col)?;
        }
        Ok(rows)
    }

    /// Writes a bold label and a number in the row below the data (a total line).
    pub fn total(&mut self, label_col: u16, label: &str, value: u32) -> Result<(), XlsxError> {
        let row = self.row + 1;
        self.sheet
            .write_with_format(row, label_col, label, &self.styles.bold)?;
        self.sheet
            .write_with_format(row, label_col + 1, value, &self.styles.number)?;
        Ok(())
    }
}
