//! The reports as files: CSV (UTF-8 with BOM, for Excel), XLSX and DOCX. Pure functions from the
//! report data in `super::model` to the bytes of a download; no database, no HTTP.

mod csv;
mod docx;
mod xlsx;

pub use csv::{completed_csv, overdue_csv};
pub use docx::{monthly_docx, round_docx};
pub use xlsx::{completed_xlsx, monthly_xlsx, overdue_xlsx, round_lines_xlsx};

use chrono::NaiveDate;

/// A report could not be written as a file. The message is safe to show; the source is for logs.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("Không tạo được tệp Excel cho báo cáo.")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("Không tạo được tệp Word cho báo cáo.")]
    Docx(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Columns of the overdue list (CSV and the "Quá hạn" sheet), named as in the plan table.
const OVERDUE_COLUMNS: [&str; 12] = [
    "STT",
    "Đơn vị chủ trì (nhóm theo)",
    "Kế hoạch",
    "Số hiệu",
    "Nội dung công việc",
    "Đơn vị chủ trì",
    "Thời gian hoàn thành",
    "Hạn hoàn thành",
    "Số ngày quá hạn",
    "Sản phẩm",
    "Tiến độ gần nhất",
    "Ngày cập nhật tiến độ",
];

/// Columns of the completed list (CSV and the "Hoàn thành trong kỳ" sheet).
const COMPLETED_COLUMNS: [&str; 10] = [
    "STT",
    "Kế hoạch",
    "Số hiệu",
    "Nội dung công việc",
    "Đơn vị chủ trì",
    "Thời gian hoàn thành",
    "Hạn hoàn thành",
    "Ngày hoàn thành",
    "Đúng hạn",
    "Sản phẩm",
];

/// A date as Vietnamese readers write it: dd/mm/yyyy.
fn date_text(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// A percentage rounded to one decimal with the Vietnamese decimal comma: "66,7%".
fn pct_text(pct: f64) -> String {
    format!("{pct:.1}%").replace('.', ",")
}

/// The "Đúng hạn" column: "Có" or "Không".
fn on_time_text(on_time: bool) -> &'static str {
    if on_time { "Có" } else { "Không" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_use_the_vietnamese_decimal_comma() {
        assert_eq!(pct_text(200.0 / 3.0), "66,7%");
        assert_eq!(pct_text(100.0), "100,0%");
        assert_eq!(pct_text(0.0), "0,0%");
    }

    #[test]
    fn dates_are_day_month_year() {
        let d = NaiveDate::from_ymd_opt(2022, 6, 5).expect("valid date");
        assert_eq!(date_text(d), "05/06/2022");
    }
}
