//! iCalendar (RFC 5545) output: all-day events for deadlines, with TEXT escaping and line folding
//! at 75 octets that never splits a UTF-8 character. Pure; the feeds are built in `web::calendar`.

use chrono::{DateTime, NaiveDate, Utc};

/// A calendar to publish.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// X-WR-CALNAME: the name calendar apps show.
    pub name: String,
    /// X-WR-CALDESC.
    pub description: String,
    pub events: Vec<Event>,
}

/// One all-day event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable across feeds and fetches, so apps update the event instead of duplicating it.
    pub uid: String,
    /// When the source record last changed (DTSTAMP and LAST-MODIFIED).
    pub stamp: DateTime<Utc>,
    /// The day of the event (DTSTART; DTEND is the next day).
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
    pub url: Option<String>,
    /// CATEGORIES, e.g. the decision code.
    pub categories: Vec<String>,
}

/// The longest physical line, in octets, without its CRLF (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks; other control characters
/// (not allowed in TEXT) are dropped.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line into physical lines of at most 75 octets, each ended by CRLF;
/// continuation lines start with a space. A multi-byte character is never split.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
    out
}

/// A text shortened to at most `max` characters, cut at a word boundary when one is near, with
/// "…" when anything was cut.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if cut[..space].chars().count() * 4 >= max * 3 => &cut[..space],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        at_word.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';')
    )
}

fn date_value(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

fn stamp_value(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar as an iCalendar stream (CRLF line ends, folded lines).
pub fn render(calendar: &Calendar) -> String {
    let mut out = String::new();
    let mut line = |l: String| out.push_str(&fold_line(&l));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//actionplan//Theo doi ke hoach hanh dong//VI".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape_text(&calendar.name)));
    line(format!(
        "X-WR-CALDESC:{}",
        escape_text(&calendar.description)
    ));
    line("X-WR-TIMEZONE:Asia/Ho_Chi_Minh".into());
    line("REFRESH-INTERVAL;VALUE=DURATION:PT6H".into());
    line("X-PUBLISHED-TTL:PT6H".into());
    for event in &calendar.events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", event.uid));
        line(format!("DTSTAMP:{}", stamp_value(event.stamp)));
        line(format!("LAST-MODIFIED:{}", stamp_value(event.stamp)));
        line(format!("DTSTART;VALUE=DATE:{}", date_value(event.date)));
        let next = event.date.succ_opt().unwrap_or(event.date);
        line(format!("DTEND;VALUE=DATE:{}", date_value(next)));
        line(format!("SUMMARY:{}", escape_text(&event.summary)));
        line(format!("DESCRIPTION:{}", escape_text(&event.description)));
        if let Some(url) = &event.url {
            line(format!("URL:{url}"));
        }
        if !event.categories.is_empty() {
            let list: Vec<String> = event.categories.iter().map(|c| escape_text(c)).collect();
            line(format!("CATEGORIES:{}", list.join(",")));
        }
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn text_values_escape_backslash_semicolon_comma_and_newlines() {
        assert_eq!(
            escape_text("a\\b; c, d\ne\r\nf\rg"),
            "a\\\\b\\; c\\, d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("x\u{7}y\tz"), "xy z");
    }

    #[test]
    fn long_vietnamese_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!(
            "SUMMARY:{}",
            "Triển khai nền tảng định danh và xác thực điện tử; ".repeat(6)
        );
        let folded = fold_line(&line);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= MAX_LINE_OCTETS, "{physical:?}");
        }
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
        // A line of three-octet characters only: the fold lands between characters.
        let wide = "ữ".repeat(60);
        let folded = fold_line(&wide);
        assert!(folded.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS));
        assert_eq!(unfold(&folded), format!("{wide}\r\n"));
    }

    #[test]
    fn short_lines_are_left_alone() {
        assert_eq!(fold_line("VERSION:2.0"), "VERSION:2.0\r\n");
        let exact = "X".repeat(75);
        assert_eq!(fold_line(&exact), format!("{exact}\r\n"));
        assert_eq!(fold_line(&"X".repeat(76)), format!("{exact}\r\n X\r\n"));
    }

    #[test]
    fn long_texts_are_shortened_at_a_word_with_an_ellipsis() {
        assert_eq!(shorten("  Ngắn   gọn ", 20), "Ngắn gọn");
        let long =
            "Xây dựng, cập nhật cơ sở dữ liệu quốc gia về dân cư và kết nối với các hệ thống";
        let short = shorten(long, 40);
        assert!(short.ends_with('…'));
        assert!(short.chars().count() <= 40);
        assert!(long.starts_with(short.trim_end_matches('…')));
        assert!(!short.trim_end_matches('…').ends_with(' '));
    }

    #[test]
    fn a_calendar_has_the_properties_outlook_and_google_expect() {
        let stamp = DateTime::parse_from_rfc3339("2022-05-12T03:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .expect("date");
        let calendar = Calendar {
            name: "Hạn nhiệm vụ".into(),
            description: "Mô tả".into(),
            events: vec![Event {
                uid: "task-1@actionplan".into(),
                stamp,
                date: NaiveDate::from_ymd_opt(2022, 6, 30).expect("date"),
                summary: "[905/QĐ-BTTTT II.7] Kết nối, chia sẻ".into(),
                description: "Dòng 1\nDòng 2".into(),
                url: Some("http://127.0.0.1:8080/tasks/1".into()),
                categories: vec!["905/QĐ-BTTTT".into()],
            }],
        };
        let text = render(&calendar);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        for needle in [
            "CALSCALE:GREGORIAN\r\n",
            "METHOD:PUBLISH\r\n",
            "X-WR-CALNAME:Hạn nhiệm vụ\r\n",
            "DTSTAMP:20220512T030000Z\r\n",
            "DTSTART;VALUE=DATE:20220630\r\n",
            "DTEND;VALUE=DATE:20220701\r\n",
            "SUMMARY:[905/QĐ-BTTTT II.7] Kết nối\\, chia sẻ\r\n",
            "DESCRIPTION:Dòng 1\\nDòng 2\r\n",
        ] {
            assert!(text.contains(needle), "{needle:?} missing in {text}");
        }
    }
}
