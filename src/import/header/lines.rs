//! The text outside the task tables, as the header reader sees it: physical lines without
//! markup, and logical lines. A portal page hard-wraps its paragraphs at about 80 columns, so
//! lines are joined back: a paragraph ends at a blank line, a cell border or a table, after a line
//! that closes a clause (". ; :") with no bracket left open, after a line in bold on its own, and
//! before a line that opens with emphasis, a dash, a number, "Căn cứ" or "Điều".

use crate::domain::text::squash_ws;
use crate::import::label::{Label, classify};

/// Lines of text outside the tables.
#[derive(Debug, Clone, Default)]
pub struct Text {
    /// (1-based line, text without markup), blank lines left out.
    pub physical: Vec<(usize, String)>,
    /// (line where it starts, joined text).
    pub logical: Vec<(usize, String)>,
}

/// Text of a line without Markdown emphasis, tags, headings markers and surrounding space.
pub fn plain(line: &str) -> String {
    squash_ws(
        &line
            .replace("**", " ")
            .replace("<b>", " ")
            .replace("</b>", " ")
            .replace(['*', '#'], " "),
    )
    .trim_matches(|c: char| c == '_' || c.is_whitespace())
    .to_owned()
}

/// A ruler under a heading ("-------", "___").
fn is_rule(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '–' | ' '))
}

/// True when a text is hard-wrapped: most of its long lines stop in the middle of a sentence
/// (a portal page), rather than each line being a paragraph (Word's plain text).
fn is_hard_wrapped(lines: &[String], skip: &[(usize, usize)]) -> bool {
    let long: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !skip.iter().any(|(a, b)| (*a..=*b).contains(&(i + 1))))
        .map(|(_, l)| l.trim())
        .filter(|l| l.chars().count() >= 40 && !l.contains('|') && !l.contains('\t'))
        .collect();
    let unfinished = long
        .iter()
        .filter(|l| l.chars().last().is_some_and(char::is_alphanumeric))
        .count();
    long.len() >= 5 && unfinished * 10 >= long.len() * 4
}

/// The lines of `lines` outside the spans in `skip` (1-based, inclusive).
pub fn outside(lines: &[String], skip: &[(usize, usize)]) -> Text {
    let wrapped = is_hard_wrapped(lines, skip);
    let mut text = Text::default();
    let mut previous: Option<(usize, &str)> = None;
    for (index, raw) in lines.iter().enumerate() {
        let number = index + 1;
        if skip.iter().any(|(a, b)| (*a..=*b).contains(&number)) || raw.trim() == "|" {
            continue;
        }
        let clean = plain(raw);
        if clean.is_empty() || is_rule(&clean) {
            continue;
        }
        let joins = wrapped
            && previous.is_some_and(|(at, before)| {
                at + 1 == number && !ends_paragraph(before, &text) && !opens_paragraph(raw, &clean)
            });
        match text.logical.last_mut() {
            Some((_, line)) if joins => {
                line.push(' ');
                line.push_str(&clean);
            }
            _ => text.logical.push((number, clean.clone())),
        }
        text.physical.push((number, clean));
        previous = Some((number, raw.as_str()));
    }
    text
}

fn ends_paragraph(raw: &str, text: &Text) -> bool {
    let t = raw.trim();
    let bold_alone = t.len() > 4 && t.starts_with("**") && t.ends_with("**");
    let end = t.trim_end_matches(['*', '_', ' ']);
    let closes = end.ends_with(['.', ';', ':']);
    let open_bracket = text
        .logical
        .last()
        .is_some_and(|(_, l)| l.matches('(').count() > l.matches(')').count());
    bold_alone || (closes && !open_bracket)
}

fn opens_paragraph(raw: &str, clean: &str) -> bool {
    let t = raw.trim_start();
    if t.starts_with(['*', '-', '+', '#', '•']) || t.starts_with("<b>") {
        return true;
    }
    if ["Căn cứ", "Điều ", "Nơi nhận", "Kính gửi"]
        .iter()
        .any(|p| clean.starts_with(p))
    {
        return true;
    }
    let first = clean.split_whitespace().next().unwrap_or("");
    first.ends_with(['.', ')'])
        && matches!(
            classify(first),
            Label::Number(_) | Label::Roman(..) | Label::Letter(_)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines under test on a hard-wrapped page: enough wrapped prose follows them to tell.
    fn text(source: &str) -> Text {
        let prose = "Căn cứ Luật Tổ chức Chính phủ và các văn bản hướng dẫn thi hành có liên\nquan";
        let count = source.lines().count();
        let lines: Vec<String> = source
            .lines()
            .chain(std::iter::once(""))
            .chain(std::iter::repeat_n(prose, 5).flat_map(|p| p.lines()))
            .map(str::to_owned)
            .collect();
        let mut text = outside(&lines, &[]);
        text.logical.retain(|(line, _)| *line <= count);
        text
    }

    #[test]
    fn hard_wrapped_lines_join_into_paragraphs() {
        let t = text(
            "*Hà Nội, ngày 01\ntháng 12 năm 2025*\n|\n**QUYẾT ĐỊNH**\nVỀ\nVIỆC PHÊ DUYỆT CHƯƠNG TRÌNH\n*Căn cứ Luật A ngày 18 tháng 02\nnăm 2025;*\n*Căn cứ Luật B;*",
        );
        let logical: Vec<&str> = t.logical.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            logical,
            [
                "Hà Nội, ngày 01 tháng 12 năm 2025",
                "QUYẾT ĐỊNH",
                "VỀ VIỆC PHÊ DUYỆT CHƯƠNG TRÌNH",
                "Căn cứ Luật A ngày 18 tháng 02 năm 2025;",
                "Căn cứ Luật B;"
            ]
        );
    }

    #[test]
    fn an_open_bracket_keeps_a_caption_together() {
        let t = text("*(Kèm theo Kế hoạch số:\n/KH-UBND ngày / /2025 của\nUBND thành phố Hà Nội)*");
        assert_eq!(t.logical.len(), 1);
        assert!(t.logical[0].1.ends_with("Hà Nội)"));
    }

    #[test]
    fn skipped_spans_and_rulers_are_left_out() {
        let lines: Vec<String> = ["BỘ NỘI VỤ", "-------", "1\tViệc", "Số: 5/QĐ-BNV"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let t = outside(&lines, &[(3, 3)]);
        let physical: Vec<&str> = t.physical.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(physical, ["BỘ NỘI VỤ", "Số: 5/QĐ-BNV"]);
    }
}
