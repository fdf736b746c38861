//! The decision around the plan: its code, issuer, place and date, title, legal bases, the
//! decisions it replaces, recipients and signer. Read from the text outside the task tables,
//! with the portal's metadata as a second witness. Each fact is taken from the document's own
//! words first ("Số: …", "Hà Nội, ngày …"), then from the caption that attaches the plan ("Kèm
//! theo Nghị quyết số … ngày … của …"), then from the metadata. A draft's open number ("Số:
//! /KH-UBND") or date ("ngày  tháng  năm 2026") is recorded as open, never guessed.

mod lines;
mod signature;

use chrono::NaiveDate;

use super::codes::{Code, find_codes, find_date};
pub use lines::plain;
use lines::{Text, outside};
use signature::{is_all_upper, read_signature};

use super::model::DecisionHeader;
use super::portal::Metadata;
use crate::domain::bodies::{central_body, with_official_names};
use crate::domain::text::fold;

/// Reads the header from the lines outside the task tables (`skip`: the tables' line spans).
pub fn read_header(
    lines: &[String],
    skip: &[(usize, usize)],
    metadata: &Metadata,
) -> DecisionHeader {
    let text = outside(lines, skip);
    let mut header = DecisionHeader::default();
    let caption = Caption::find(&text);
    read_code(&text, caption.as_ref(), metadata, &mut header);
    read_place_and_date(&text, caption.as_ref(), metadata, &mut header);
    header.issuer = issuer_from_heading(&text)
        .or_else(|| caption.as_ref().and_then(|c| c.issuer.clone()))
        .or_else(|| metadata.issuer.as_deref().map(official_name))
        .unwrap_or_else(|| header.issuer_code.clone());
    read_titles(&text, &mut header);
    header.legal_bases = text
        .logical
        .iter()
        .filter(|(_, l)| l.starts_with("Căn cứ"))
        .map(|(_, l)| l.trim_end_matches([';', '.', ',']).trim().to_owned())
        .collect();
    header.replaces = read_replaced(&text, &header.code);
    header.recipients = read_recipients(&text);
    let (signer, title) = read_signature(&text.physical);
    header.signer = signer.or_else(|| metadata.signer.clone().filter(|_| title.is_some()));
    header.signer_title = title;
    header
}

/// The line that attaches the plan to its document: "(Ban hành) kèm theo Quyết định (Nghị
/// quyết, Công văn, Thông báo kết luận …) số 905/QĐ-BTTTT ngày 12/5/2022 của Bộ trưởng Bộ …".
struct Caption {
    code: Option<Code>,
    issued_on: Option<NaiveDate>,
    issuer: Option<String>,
}

impl Caption {
    fn find(text: &Text) -> Option<Caption> {
        let lines = &text.logical;
        lines.iter().enumerate().find_map(|(i, (_, line))| {
            if !line.to_lowercase().contains("kèm theo") {
                return None;
            }
            let caption = Caption::read(line);
            if caption.as_ref().is_some_and(|c| c.code.is_some())
                || !line.contains('(')
                || line.contains(')')
            {
                return caption;
            }
            // A caption in brackets broken over lines: read it whole.
            let mut whole: Vec<&str> = Vec::new();
            for (_, l) in &lines[i..lines.len().min(i + 3)] {
                whole.push(l);
                if l.contains(')') {
                    break;
                }
            }
            Caption::read(&whole.join(" ")).or(caption)
        })
    }

    fn read(line: &str) -> Option<Caption> {
        let lower = line.to_lowercase();
        let at = lower.find("kèm theo")? + "kèm theo".len();
        let rest = line.get(at..)?;
        let rest_lower = rest.to_lowercase();
        // "số" within the next few words, not "… này" (this decision).
        let number_at = rest_lower
            .match_indices("số")
            .map(|(i, _)| i)
            .find(|i| rest_lower[..*i].split_whitespace().count() <= 5)?;
        let after = rest.get(number_at + "số".len()..)?;
        let code = find_codes(after)
            .into_iter()
            .next()
            .filter(|_| starts_with_code(after));
        let issued_on = find_date(after);
        let issuer = issuer_after_of(after);
        Some(Caption {
            code,
            issued_on,
            issuer,
        })
    }
}

/// True when the text after "số" opens with the code (digits after ":" and spaces).
fn starts_with_code(after: &str) -> bool {
    after
        .trim_start_matches([':', ' '])
        .starts_with(|c: char| c.is_ascii_digit())
}

/// "… của Bộ trưởng Bộ Thông tin và Truyền thông)" → "Bộ Thông tin và Truyền thông".
fn issuer_after_of(text: &str) -> Option<String> {
    let text = text.split(')').next().unwrap_or(text);
    let at = text.rfind(" của ")?;
    let who = text[at + " của ".len()..].trim_end_matches([')', '.', ' ', '*']);
    let body = [
        "Bộ trưởng ",
        "Chủ tịch ",
        "Thủ trưởng ",
        "Giám đốc ",
        "Tổng Giám đốc ",
    ]
    .iter()
    .find_map(|title| who.strip_prefix(title))
    .unwrap_or(who);
    (!body.is_empty() && body.split_whitespace().count() <= 12).then(|| official_name(body))
}

/// The official form of a body's name: a central body's own spelling, or sentence case for an
/// all-capitals heading ("ỦY BAN NHÂN DÂN TỈNH BẮC NINH" → "Ủy ban nhân dân tỉnh Bắc Ninh").
fn official_name(name: &str) -> String {
    let name = name.trim();
    if let Some(official) = central_body(name) {
        return official.to_owned();
    }
    if is_all_upper(name) {
        issuer_case(name)
    } else {
        name.to_owned()
    }
}

fn read_code(
    text: &Text,
    caption: Option<&Caption>,
    metadata: &Metadata,
    header: &mut DecisionHeader,
) {
    let numbered = text.logical.iter().find(|(_, l)| is_number_line(l));
    let own = numbered.and_then(|(_, l)| find_codes(l).into_iter().next());
    header.open_number = numbered.is_some() && own.is_none();
    let code = own
        .or_else(|| caption.and_then(|c| c.code.clone()))
        .or_else(|| {
            metadata
                .code
                .as_deref()
                .and_then(|c| find_codes(c).into_iter().next())
        })
        .filter(|_| !header.open_number);
    if let Some(code) = code {
        header.code = code.render();
        header.number = code.number.clone();
        header.doc_type = code.doc_type.clone();
        header.issuer_code = code.issuer_code;
    } else if let Some((_, line)) = numbered {
        // "Số: /KH-UBND": the type and issuer are there, the number is not.
        let shape = line.split_once('/').map(|(_, rest)| rest.trim());
        if let Some((doc_type, issuer)) = shape.and_then(|s| s.split_once('-')) {
            header.doc_type = doc_type.trim().to_owned();
            header.issuer_code = issuer.trim().to_owned();
        }
    }
}

/// "Số: 905/QĐ-BTTTT", "Số 12/KH-UBND", or a draft's "Số:      /KH-UBND".
fn is_number_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("Số") else {
        return false;
    };
    let rest = rest.trim_start();
    (rest.starts_with(':') || rest.starts_with(|c: char| c.is_ascii_digit()))
        && rest.contains('/')
        && rest.split_whitespace().count() <= 4
}

fn read_place_and_date(
    text: &Text,
    caption: Option<&Caption>,
    metadata: &Metadata,
    header: &mut DecisionHeader,
) {
    let dated = text
        .logical
        .iter()
        .take(60)
        .map(|(_, l)| l)
        .find(|l| place_date_at(l).is_some());
    if let Some(line) = dated
        && let Some(at) = place_date_at(line)
    {
        let place = line[..at].trim();
        if !place.is_empty() && place.chars().count() < 40 {
            header.place = Some(place.to_owned());
        }
        header.issued_on = find_date(line);
        header.open_date = header.issued_on.is_none();
        header.draft_year = line[at..]
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse::<i32>().ok())
            .find(|y| (1900..=2200).contains(y));
    }
    if header.issued_on.is_none() && !header.open_date {
        header.issued_on = caption.and_then(|c| c.issued_on).or(metadata.issued_on);
    }
}

/// Where ", ngày" opens the date in "Hà Nội, ngày 12 tháng 5 năm 2022" (or an open draft date).
fn place_date_at(line: &str) -> Option<usize> {
    let at = line.find(", ngày")?;
    let place = &line[..at];
    let short = place.split_whitespace().count() <= 5;
    let rest = &line[at..];
    (short && (rest.contains("tháng") || rest.contains('/')) && rest.contains("năm")
        || short && find_date(rest).is_some())
    .then_some(at)
}

/// The body in the heading block ("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "ỦY BAN NHÂN DÂN TỈNH …"), or the
/// authority that issues a text without one ("CHÍNH PHỦ" above "Căn cứ …").
fn issuer_from_heading(text: &Text) -> Option<String> {
    let head: Vec<&str> = text
        .logical
        .iter()
        .take(16)
        .map(|(_, l)| l.as_str())
        .take_while(|l| !l.starts_with("Điều"))
        .collect();
    head.iter().enumerate().find_map(|(i, line)| {
        let line = line.trim_end_matches(['-', ' ']);
        if !is_all_upper(line) || line.contains("TRƯỞNG") || line.contains("CỘNG HÒA") {
            return None;
        }
        if let Some(official) = central_body(line) {
            return Some(official.to_owned());
        }
        let body = [
            "BỘ ",
            "ỦY BAN NHÂN DÂN",
            "UỶ BAN NHÂN DÂN",
            "UBND ",
            "SỞ ",
            "HỘI ĐỒNG NHÂN DÂN",
        ]
        .iter()
        .any(|p| line.starts_with(p));
        if !body || line.split_whitespace().count() > 12 {
            return None;
        }
        // "ỦY BAN NHÂN DÂN" / "TỈNH BẮC NINH" on two lines.
        let next = head
            .get(i + 1)
            .map_or("", |n| n.trim_end_matches(['-', ' ']));
        let place = ["TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "QUẬN ", "XÃ ", "PHƯỜNG "]
            .iter()
            .any(|p| next.starts_with(p))
            && is_all_upper(next)
            && !line.contains(" TỈNH ")
            && !line.contains(" THÀNH PHỐ ");
        Some(issuer_case(&if place {
            format!("{line} {next}")
        } else {
            line.to_owned()
        }))
    })
}

/// "ỦY BAN NHÂN DÂN TỈNH BẮC NINH" → "Ủy ban nhân dân tỉnh Bắc Ninh": sentence case, with the
/// place name after "tỉnh"/"thành phố" capitalised.
fn issuer_case(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut place = false;
    for (i, word) in s.split_whitespace().enumerate() {
        let lower = word.to_lowercase();
        let capital = i == 0 || place;
        // "UBND TỈNH …": the abbreviation written out.
        let lower = if lower == "ubnd" {
            "ủy ban nhân dân".to_owned()
        } else {
            lower
        };
        out.push(if capital {
            capitalise(&lower)
        } else {
            lower.clone()
        });
        place = place || lower == "tỉnh" || lower == "phố";
    }
    out.join(" ").replace("Uỷ ban", "Ủy ban")
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn read_titles(text: &Text, header: &mut DecisionHeader) {
    let lines = &text.logical;
    header.plan_title = lines.iter().enumerate().find_map(|(i, (_, l))| {
        if !(l.starts_with("KẾ HOẠCH") && is_all_upper(l)) {
            return None;
        }
        // The plan title may continue on the next line ("KẾ HOẠCH" / "THỰC HIỆN …"), in
        // capitals or not when "KẾ HOẠCH" stands alone.
        let next = lines.get(i + 1).map(|(_, n)| n.as_str()).unwrap_or("");
        let alone = l.trim() == "KẾ HOẠCH" && !next.is_empty() && !next.starts_with("Căn cứ");
        Some(if alone || l.chars().count() < 20 && is_all_upper(next) {
            format!("{} {}", l.trim(), next)
        } else {
            l.clone()
        })
    });
    let about = lines.iter().find_map(|(_, l)| {
        let f = fold(l);
        (f.starts_with("ve viec ")
            || f.starts_with("v/v ")
            || f.starts_with("ve ") && is_all_upper(l))
        .then(|| sentence_case(l))
    });
    let quoted = lines
        .iter()
        .find(|(_, l)| l.starts_with("Điều 1"))
        .and_then(|(_, l)| between(l, '“', '”').or_else(|| between(l, '"', '"')));
    header.title = about
        .or_else(|| quoted.map(|q| format!("Về việc ban hành {q}")))
        .or_else(|| header.plan_title.clone())
        .unwrap_or_else(|| header.code.clone());
}

/// "VỀ VIỆC BAN HÀNH … CỦA BỘ NỘI VỤ" → "Về việc ban hành … của Bộ Nội vụ"; text not in
/// capitals is kept.
fn sentence_case(line: &str) -> String {
    if is_all_upper(line) {
        with_official_names(&capitalise(&line.to_lowercase()))
    } else {
        line.to_owned()
    }
}

fn between(s: &str, open: char, close: char) -> Option<String> {
    let start = s.find(open)? + open.len_utf8();
    let end = s[start..].find(close)? + start;
    Some(s[start..end].trim().to_owned()).filter(|t| !t.is_empty())
}

/// Codes named after "thay thế" (replaces) or "bãi bỏ" (repeals) in the articles.
fn read_replaced(text: &Text, own: &str) -> Vec<String> {
    let mut replaced = Vec::new();
    for (_, line) in text.logical.iter().filter(|(_, l)| l.starts_with("Điều")) {
        for keyword in ["thay thế", "bãi bỏ"] {
            // Only the first code after the keyword: later ones are what that decision was about.
            let named = line
                .find(keyword)
                .and_then(|at| find_codes(&line[at..]).into_iter().next());
            if let Some(code) = named.map(|c| c.render())
                && code != own
                && !replaced.contains(&code)
            {
                replaced.push(code);
            }
        }
    }
    replaced
}

fn read_recipients(text: &Text) -> Vec<String> {
    let lines = &text.logical;
    let Some(start) = lines.iter().position(|(_, l)| l.starts_with("Nơi nhận")) else {
        return Vec::new();
    };
    lines[start + 1..]
        .iter()
        .take_while(|(_, l)| l.starts_with('-') || l.starts_with('+'))
        .map(|(_, l)| {
            l.trim_start_matches(['-', '+', ' '])
                .trim_end_matches([';', '.'])
                .trim()
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> DecisionHeader {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        read_header(&lines, &[], &Metadata::default())
    }

    #[test]
    fn a_plan_without_a_decision_wrapper_reads_its_own_number() {
        let header = header(
            "ỦY BAN NHÂN DÂN TỈNH BẮC NINH\nSố: 12/KH-UBND\nBắc Ninh, ngày 3 tháng 3 năm 2023\nKẾ HOẠCH\nTRIỂN KHAI ĐỀ ÁN 06 NĂM 2023\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An",
        );
        assert_eq!(header.code, "12/KH-UBND");
        assert_eq!(header.doc_type, "KH");
        assert_eq!(header.issuer, "Ủy ban nhân dân tỉnh Bắc Ninh");
        assert_eq!(header.place.as_deref(), Some("Bắc Ninh"));
        assert_eq!(
            header.plan_title.as_deref(),
            Some("KẾ HOẠCH TRIỂN KHAI ĐỀ ÁN 06 NĂM 2023")
        );
        assert_eq!(header.signer.as_deref(), Some("Nguyễn Văn An"));
    }

    #[test]
    fn the_caption_gives_code_date_and_issuer_when_the_body_has_none() {
        let header = header(
            "NGHỊ QUYẾT\n\nCHÍNH PHỦ\n\n*(Kèm theo\nNghị quyết số 394/NQ-CP ngày 03 tháng 12 năm 2025 của Chính phủ)*",
        );
        assert_eq!(header.code, "394/NQ-CP");
        assert_eq!(header.issued_on, NaiveDate::from_ymd_opt(2025, 12, 3));
        assert_eq!(header.issuer, "Chính phủ");
    }

    #[test]
    fn a_draft_leaves_number_and_date_open() {
        let header = header(
            "ỦY BAN NHÂN DÂN TỈNH BẮC NINH\nSố:      /KH-UBND\nBắc Ninh, ngày    tháng    năm 2026\nKẾ HOẠCH",
        );
        assert_eq!(header.code, "");
        assert!(header.open_number);
        assert!(header.open_date);
        assert_eq!(header.issued_on, None);
        assert_eq!(header.draft_year, Some(2026));
        assert_eq!(header.doc_type, "KH");
        assert_eq!(header.issuer_code, "UBND");
    }

    #[test]
    fn a_heading_in_capitals_takes_the_official_name() {
        let header = header(
            "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH\nSố: 5/QĐ-BVHTTDL\nHà Nội, ngày 2 tháng 1 năm 2025",
        );
        assert_eq!(header.issuer, "Bộ Văn hóa, Thể thao và Du lịch");
    }

    #[test]
    fn no_code_leaves_the_code_empty() {
        assert_eq!(header("Văn bản không số").code, "");
    }
}
