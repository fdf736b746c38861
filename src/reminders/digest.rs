//! One account's daily digest: its units' tasks overdue and due soon as of a day, as the subject,
//! a plain-text body and an HTML body (Vietnamese, dates dd/mm/yyyy, links to the tasks).

use std::fmt::Write as _;

use askama::Template;
use chrono::NaiveDate;

use crate::calendar::shorten;
use crate::db::reminders::{DigestTaskRow, OwedRow, RecipientRow};
use crate::domain::deadline::format_vi;

/// How many characters of a task's content a digest keeps.
const CONTENT_CHARS: usize = 220;

/// A digest for one account.
#[derive(Debug, Clone)]
pub struct Digest {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub units: Vec<String>,
    /// The day the digest judges the tasks as of.
    pub on: NaiveDate,
    /// How many days ahead "due soon" looks.
    pub days: u32,
    pub overdue: Vec<DigestLine>,
    pub due_soon: Vec<DigestLine>,
    /// Where the application is reached, without a trailing slash.
    pub base_url: String,
    /// Round reports the units have not submitted and explanations they owe.
    pub owed: Vec<OwedLine>,
}

/// A report or an explanation a unit owes, in a digest.
#[derive(Debug, Clone)]
pub struct OwedLine {
    pub text: String,
    pub url: String,
}

impl OwedLine {
    fn new(row: &OwedRow, on: NaiveDate, base_url: &str) -> OwedLine {
        let late = if row.due_on < on {
            ", đã quá hạn"
        } else {
            ""
        };
        match (row.kind.as_str(), row.unit_id) {
            ("round", Some(unit)) => OwedLine {
                text: format!(
                    "Báo cáo “{}” của {}: chưa nộp, hạn {}{late} (đã nhập {}/{} dòng)",
                    row.title,
                    row.unit,
                    format_vi(row.due_on),
                    row.lines_saved,
                    row.lines_total
                ),
                url: format!("{base_url}/rounds/{}/units/{unit}", row.id),
            },
            _ => OwedLine {
                text: format!(
                    "Giải trình nhiệm vụ quá hạn {} ({}): hạn trả lời {}{late}",
                    row.title,
                    row.unit,
                    format_vi(row.due_on)
                ),
                url: format!("{base_url}/explanations/{}", row.id),
            },
        }
    }
}

/// A task in a digest.
#[derive(Debug, Clone)]
pub struct DigestLine {
    /// "905/QĐ-BTTTT II.7"
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    pub deadline_text: String,
    /// The deadline, dd/mm/yyyy.
    pub due: String,
    /// "quá hạn 3 ngày", "đến hạn hôm nay", "còn 5 ngày".
    pub standing: String,
    /// Extension or pending completion, if any.
    pub note: String,
    pub url: String,
}

impl DigestLine {
    fn new(row: &DigestTaskRow, on: NaiveDate, base_url: &str) -> DigestLine {
        let standing = match row.days_overdue {
            Some(days) => format!("quá hạn {days} ngày"),
            None => match (row.due_on - on).num_days() {
                0 => "đến hạn hôm nay".to_owned(),
                left => format!("còn {left} ngày"),
            },
        };
        let mut notes = Vec::new();
        if row.extended {
            notes.push("hạn đã được gia hạn");
        }
        if row.pending_confirmation {
            notes.push("đơn vị đã báo hoàn thành, chờ lãnh đạo Bộ xác nhận");
        }
        DigestLine {
            reference: format!("{} {}", row.decision, row.reference),
            content: shorten(&row.content, CONTENT_CHARS),
            lead_text: row.lead_text.clone(),
            deadline_text: row.deadline_text.clone(),
            due: format_vi(row.due_on),
            standing,
            note: notes.join("; "),
            url: format!("{base_url}/tasks/{}", row.id),
        }
    }
}

impl Digest {
    /// The digest of `tasks` (as `db::reminders::digest_tasks` lists them) for an account.
    pub fn new(
        recipient: &RecipientRow,
        tasks: &[DigestTaskRow],
        on: NaiveDate,
        days: u32,
        base_url: &str,
    ) -> Digest {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let (overdue, due_soon): (Vec<&DigestTaskRow>, Vec<&DigestTaskRow>) =
            tasks.iter().partition(|t| t.days_overdue.is_some());
        Digest {
            user_id: recipient.id,
            email: recipient.email.clone(),
            name: recipient.name.clone(),
            units: recipient.units.clone(),
            on,
            days,
            overdue: overdue
                .into_iter()
                .map(|t| DigestLine::new(t, on, &base_url))
                .collect(),
            due_soon: due_soon
                .into_iter()
                .map(|t| DigestLine::new(t, on, &base_url))
                .collect(),
            base_url,
            owed: Vec::new(),
        }
    }

    /// The digest with the reports and explanations the units owe.
    pub fn with_owed(mut self, rows: &[OwedRow]) -> Digest {
        self.owed = rows
            .iter()
            .map(|r| OwedLine::new(r, self.on, &self.base_url))
            .collect();
        self
    }

    /// Whether there is anything to tell (an empty digest is not sent).
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty() && self.due_soon.is_empty() && self.owed.is_empty()
    }

    /// dd/mm/yyyy of the day.
    pub fn on_vi(&self) -> String {
        format_vi(self.on)
    }

    /// The units, as a phrase.
    pub fn units_text(&self) -> String {
        self.units.join(", ")
    }

    /// The subject line.
    pub fn subject(&self) -> String {
        let owed = if self.owed.is_empty() {
            String::new()
        } else {
            format!("; {} báo cáo, giải trình cần gửi", self.owed.len())
        };
        format!(
            "Nhắc việc ngày {}: {} nhiệm vụ quá hạn, {} nhiệm vụ đến hạn trong {} ngày tới{owed}",
            self.on_vi(),
            self.overdue.len(),
            self.due_soon.len(),
            self.days
        )
    }

    /// The plain-text body.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Kính gửi {},\n", self.name);
        let _ = writeln!(
            out,
            "Tình hình các nhiệm vụ do {} chủ trì, tính đến ngày {}:\n",
            self.units_text(),
            self.on_vi()
        );
        let sections = [
            (
                format!("NHIỆM VỤ QUÁ HẠN ({})", self.overdue.len()),
                &self.overdue,
            ),
            (
                format!(
                    "NHIỆM VỤ ĐẾN HẠN TRONG {} NGÀY TỚI ({})",
                    self.days,
                    self.due_soon.len()
                ),
                &self.due_soon,
            ),
        ];
        if !self.owed.is_empty() {
            let _ = writeln!(out, "BÁO CÁO, GIẢI TRÌNH CẦN GỬI ({})\n", self.owed.len());
            for (i, o) in self.owed.iter().enumerate() {
                let _ = writeln!(out, "{}. {}\n   Nhập và gửi: {}\n", i + 1, o.text, o.url);
            }
        }
        for (title, lines) in sections {
            if lines.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title}\n");
            for (i, l) in lines.iter().enumerate() {
                let _ = writeln!(out, "{}. [{}] {}", i + 1, l.reference, l.content);
                let _ = writeln!(out, "   Hạn: {} ({})", l.due, l.standing);
                let _ = writeln!(out, "   Thời gian hoàn thành: {}", l.deadline_text);
                let _ = writeln!(out, "   Đơn vị chủ trì: {}", l.lead_text);
                if !l.note.is_empty() {
                    let _ = writeln!(out, "   Ghi chú: {}", l.note);
                }
                let _ = writeln!(out, "   Xem và cập nhật: {}\n", l.url);
            }
        }
        let _ = writeln!(
            out,
            "Danh sách đầy đủ nhiệm vụ của đơn vị: {}/my/tasks\n",
            self.base_url
        );
        let _ = writeln!(
            out,
            "--\nThư gửi tự động mỗi ngày một lần từ hệ thống Theo dõi kế hoạch hành động, chỉ khi có nhiệm vụ quá hạn hoặc sắp đến hạn."
        );
        out
    }

    /// (title, tasks, colour) of the two parts of the digest, for the HTML body.
    pub fn sections(&self) -> [(String, &[DigestLine], &'static str); 2] {
        [
            (
                format!("Nhiệm vụ quá hạn ({})", self.overdue.len()),
                &self.overdue,
                "#b42318",
            ),
            (
                format!(
                    "Nhiệm vụ đến hạn trong {} ngày tới ({})",
                    self.days,
                    self.due_soon.len()
                ),
                &self.due_soon,
                "#8a5a00",
            ),
        ]
    }

    /// The HTML body.
    pub fn html(&self) -> Result<String, askama::Error> {
        DigestHtml { d: self }.render()
    }
}

#[derive(Template)]
#[template(path = "reminders/digest.html")]
struct DigestHtml<'a> {
    d: &'a Digest,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::TaskId;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn row(id: i64, due: NaiveDate, overdue: Option<i32>) -> DigestTaskRow {
        DigestTaskRow {
            id: TaskId(id),
            decision: "905/QĐ-BTTTT".into(),
            reference: format!("I.{id}"),
            content: "Kết nối, chia sẻ dữ liệu <dân cư> & định danh".into(),
            lead_text: "Cục Tin học hóa".into(),
            deadline_text: "Tháng 6/2022".into(),
            due_on: due,
            days_overdue: overdue,
            pending_confirmation: id == 2,
            extended: false,
        }
    }

    #[test]
    fn a_digest_splits_overdue_from_due_soon_and_writes_vietnamese_dates() {
        let recipient = RecipientRow {
            id: 1,
            email: "a@b.vn".into(),
            name: "Nguyễn Văn A".into(),
            units: vec!["Cục Tin học hóa".into()],
        };
        let on = day(2022, 7, 1);
        let tasks = [
            row(1, day(2022, 6, 30), Some(1)),
            row(2, day(2022, 7, 1), None),
            row(3, day(2022, 7, 5), None),
        ];
        let d = Digest::new(&recipient, &tasks, on, 7, "http://x.vn/");
        assert_eq!(d.overdue.len(), 1);
        assert_eq!(d.due_soon.len(), 2);
        assert_eq!(
            d.subject(),
            "Nhắc việc ngày 01/07/2022: 1 nhiệm vụ quá hạn, 2 nhiệm vụ đến hạn trong 7 ngày tới"
        );
        let text = d.text();
        assert!(
            text.contains("1. [905/QĐ-BTTTT I.1] Kết nối, chia sẻ dữ liệu <dân cư> & định danh")
        );
        assert!(text.contains("Hạn: 30/06/2022 (quá hạn 1 ngày)"));
        assert!(text.contains("Hạn: 01/07/2022 (đến hạn hôm nay)"));
        assert!(text.contains("Hạn: 05/07/2022 (còn 4 ngày)"));
        assert!(text.contains("chờ lãnh đạo Bộ xác nhận"));
        assert!(text.contains("http://x.vn/tasks/3"));
        let html = d.html().expect("renders");
        assert!(html.contains("&#60;dân cư&#62; &#38; định danh"), "{html}");
        assert!(html.contains("href=\"http://x.vn/tasks/1\""));
        assert!(Digest::new(&recipient, &[], on, 7, "http://x.vn").is_empty());
    }
}
