//! The decision around the plan: its code, issuer, place and date, title, legal bases, the
//! decisions it replaces, recipients and signer. Read from the lines outside the plan table.

use chrono::NaiveDate;

use super::error::Fault;
use super::model::DecisionHeader;
use crate::domain::text::squash_ws;

/// Text of a line without Markdown emphasis, tabs and surrounding space.
fn plain(line: &str) -> String {
    squash_ws(
        &line
            .replace("**", " ")
            .replace("<b>", " ")
            .replace("</b>", " ")
            .replace('*', " "),
    )
    .trim_matches(|c: char| c == '_' || c.is_whitespace())
    .to_owned()
}

/// A document code found in a text: ("905", "QĐ", "BTTTT").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub number: String,
    pub doc_type: String,
    pub issuer_code: String,
}

impl Code {
    pub fn render(&self) -> String {
        format!("{}/{}-{}", self.number, self.doc_type, self.issuer_code)
    }
}

/// Every "905/QĐ-BTTTT"-shaped code in `text` ("số 905 /QĐ-BTTTT" and "94/QĐ- BKHCN" too),
/// but not legal references with a year ("17/2017/NĐ-CP").
pub fn find_codes(text: &str) -> Vec<Code> {
    let chars: Vec<char> = text.chars().collect();
    let mut codes = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit()
            || (i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '/'))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let number: String = chars[start..i].iter().collect();
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if j >= chars.len() || chars[j] != '/' {
            continue;
        }
        j += 1;
        let type_start = j;
        while j < chars.len() && chars[j].is_alphabetic() && chars[j].is_uppercase() {
            j += 1;
        }
        let doc_type: String = chars[type_start..j].iter().collect();
        if doc_type.is_empty() || j >= chars.len() || chars[j] != '-' {
            continue;
        }
        j += 1;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let issuer_start = j;
        while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '-' || chars[j] == '&')
        {
            j += 1;
        }
        let issuer_code: String = chars[issuer_start..j]
            .iter()
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned();
        if issuer_code.is_empty() || !issuer_code.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        codes.push(Code {
            number,
            doc_type,
            issuer_code,
        });
        i = j;
    }
    codes
}

/// "ngày 12 tháng 5 năm 2022" or "ngày 26/01/2024" in a text.
pub fn find_date(text: &str) -> Option<NaiveDate> {
    let lower = text.to_lowercase();
    let mut from = 0;
    while let Some(rel) = lower[from..].find("ngày") {
        let at = from + rel + "ngày".len();
        let digits: Vec<u32> = lower[at..]
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .take(3)
            .filter_map(|s| s.parse().ok())
            .collect();
        let window: String = lower[at..].chars().take(30).collect();
        let shaped = window.contains("tháng")
            || window
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit());
        if shaped
            && let [d, m, y] = digits[..]
            && let Some(date) = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
        {
            return Some(date);
        }
        from = at;
    }
    None
}

/// Reads the header from the lines around the plan table. `table` is the 1-based inclusive line
/// range of the table, whose lines are skipped.
pub fn read_header(lines: &[&str], table: (usize, usize)) -> Result<DecisionHeader, Fault> {
    let outside: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i + 1 < table.0 || *i + 1 > table.1)
        .map(|(i, l)| (i + 1, plain(l)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let mut header = DecisionHeader::default();
    read_code(&outside, &mut header)?;
    read_place_and_date(&outside, &mut header);
    read_titles(&outside, &mut header);
    header.legal_bases = outside
        .iter()
        .filter(|(_, l)| l.starts_with("Căn cứ"))
        .map(|(_, l)| l.trim_end_matches([';', '.', ',']).trim().to_owned())
        .collect();
    header.replaces = read_replaced(&outside, &header.code);
    header.recipients = read_recipients(&outside);
    read_signature(&outside, &mut header);
    Ok(header)
}

fn read_code(lines: &[(usize, String)], header: &mut DecisionHeader) -> Result<(), Fault> {
    // The code of the document itself: its "Số:" line, else the line that attaches the plan
    // ("Ban hành kèm theo Quyết định số 905/QĐ-BTTTT ... của Bộ trưởng Bộ ...").
    let numbered = lines
        .iter()
        .find(|(_, l)| l.starts_with("Số:") || l.starts_with("Số :") || l.starts_with("Số "));
    let attach = lines.iter().find(|(_, l)| attached_code(l).is_some());
    let code = numbered
        .and_then(|(_, l)| find_codes(l).into_iter().next())
        .or_else(|| attach.and_then(|(_, l)| attached_code(l)))
        .ok_or_else(|| {
            Fault::whole("không tìm thấy số hiệu văn bản (dòng \"Số: …/QĐ-…\" hoặc \"Kèm theo Quyết định số …\")")
        })?;
    header.code = code.render();
    header.number = code.number.clone();
    header.doc_type = code.doc_type.clone();
    header.issuer_code = code.issuer_code.clone();
    header.issuer = attach
        .and_then(|(_, l)| issuer_from_attach(l))
        .or_else(|| issuer_from_heading(lines))
        .unwrap_or_else(|| code.issuer_code.clone());
    if header.issued_on.is_none() {
        header.issued_on = attach.and_then(|(_, l)| find_date(l));
    }
    Ok(())
}

/// The code in "(Ban hành) kèm theo Quyết định số 905 /QĐ-BTTTT …", the line that attaches the
/// plan to its decision.
fn attached_code(line: &str) -> Option<Code> {
    let lower = line.to_lowercase();
    let at = ["kèm theo quyết định số", "kèm theo quyết định"]
        .iter()
        .find_map(|p| lower.find(p).map(|i| i + p.len()))?;
    let rest = line.get(at..)?;
    find_codes(rest).into_iter().next().filter(|_| {
        rest.trim_start()
            .starts_with(|c: char| c.is_ascii_digit() || c == 's' || c == 'S')
    })
}

/// "… của Bộ trưởng Bộ Thông tin và Truyền thông)" → "Bộ Thông tin và Truyền thông".
fn issuer_from_attach(line: &str) -> Option<String> {
    let at = line.rfind(" của ")?;
    let who = line[at + " của ".len()..].trim_end_matches([')', '.', ' ']);
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
    (!body.is_empty()).then(|| body.to_owned())
}

/// The body in the heading block ("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "ỦY BAN NHÂN DÂN TỈNH …"), in
/// sentence case.
fn issuer_from_heading(lines: &[(usize, String)]) -> Option<String> {
    let head = &lines[..lines.len().min(12)];
    head.iter().enumerate().find_map(|(i, (_, l))| {
        let body = l.strip_prefix("BỘ TRƯỞNG ").unwrap_or(l);
        let starts = ["BỘ ", "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "UBND "]
            .iter()
            .any(|p| body.starts_with(p));
        if !(starts && is_all_upper(body) && !body.contains("TRƯỞNG")) {
            return None;
        }
        // "ỦY BAN NHÂN DÂN" / "TỈNH BẮC NINH" on two lines.
        let next = head.get(i + 1).map(|(_, n)| n.as_str()).unwrap_or("");
        let place =
            ["TỈNH ", "THÀNH PHỐ "].iter().any(|p| next.starts_with(p)) && is_all_upper(next);
        Some(issuer_case(&if place {
            format!("{body} {next}")
        } else {
            body.to_owned()
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
        out.push(if capital {
            capitalise(&lower)
        } else {
            lower.clone()
        });
        place = place || lower == "tỉnh" || lower == "phố";
    }
    out.join(" ")
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn read_place_and_date(lines: &[(usize, String)], header: &mut DecisionHeader) {
    for (_, line) in lines.iter().take(40) {
        if let Some(at) = line.find(", ngày ")
            && let Some(date) = find_date(line)
        {
            let place = line[..at].trim();
            if !place.is_empty() && place.chars().count() < 40 {
                header.place = Some(place.to_owned());
            }
            header.issued_on = Some(date);
            return;
        }
    }
}

fn read_titles(lines: &[(usize, String)], header: &mut DecisionHeader) {
    header.plan_title = lines
        .iter()
        .find(|(_, l)| l.starts_with("KẾ HOẠCH") && is_all_upper(l))
        .map(|(i, l)| {
            // The plan title may continue on the next line ("KẾ HOẠCH" / "THỰC HIỆN …").
            let next = lines
                .iter()
                .find(|(j, _)| j > i)
                .map(|(_, n)| n.as_str())
                .unwrap_or("");
            if l.trim() == "KẾ HOẠCH" || (l.chars().count() < 20 && is_all_upper(next)) {
                format!("{} {}", l.trim(), next)
            } else {
                l.clone()
            }
        });
    let about = lines
        .iter()
        .find(|(_, l)| l.starts_with("Về việc") || l.starts_with("V/v"));
    let quoted = lines
        .iter()
        .find(|(_, l)| l.starts_with("Điều 1"))
        .and_then(|(_, l)| between(l, '“', '”').or_else(|| between(l, '"', '"')));
    header.title = match (about, quoted, &header.plan_title) {
        (Some((_, about)), _, _) => about.clone(),
        (None, Some(quoted), _) => format!("Về việc ban hành {quoted}"),
        (None, None, Some(plan)) => plan.clone(),
        (None, None, None) => header.code.clone(),
    };
}

fn is_all_upper(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.iter().all(|c| c.is_uppercase())
}

fn between(s: &str, open: char, close: char) -> Option<String> {
    let start = s.find(open)? + open.len_utf8();
    let end = s[start..].find(close)? + start;
    Some(s[start..end].trim().to_owned()).filter(|t| !t.is_empty())
}

/// Codes named after "thay thế" (replaces) or "bãi bỏ" (repeals) in the articles.
fn read_replaced(lines: &[(usize, String)], own: &str) -> Vec<String> {
    let mut replaced = Vec::new();
    for (_, line) in lines.iter().filter(|(_, l)| l.starts_with("Điều")) {
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

fn read_recipients(lines: &[(usize, String)]) -> Vec<String> {
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

const SIGNER_TITLES: [&str; 10] = [
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "CHÁNH VĂN PHÒNG",
    "TỔNG CỤC TRƯỞNG",
    "CỤC TRƯỞNG",
    "VỤ TRƯỞNG",
];

/// The signature block: "KT. BỘ TRƯỞNG" / "THỨ TRƯỞNG" then, a few lines down, the name.
fn read_signature(lines: &[(usize, String)], header: &mut DecisionHeader) {
    let is_title_line = |l: &str| {
        let bare = l
            .trim_start_matches("KT.")
            .trim_start_matches("TM.")
            .trim_start_matches("TL.")
            .trim_start_matches("Q.")
            .trim();
        SIGNER_TITLES
            .iter()
            .any(|t| bare == *t || bare.starts_with(&format!("{t} ")))
            && is_all_upper(l)
            && !l.starts_with("BỘ TRƯỞNG BỘ")
    };
    let Some(first) = lines
        .iter()
        .position(|(_, l)| {
            is_title_line(l)
                && (l.starts_with("KT.")
                    || l.starts_with("TM.")
                    || l.starts_with("TL.")
                    || l.starts_with("Q."))
        })
        .or_else(|| lines.iter().rposition(|(_, l)| is_title_line(l)))
    else {
        return;
    };
    let mut parts = vec![lines[first].1.clone()];
    let mut next = first + 1;
    while let Some((_, l)) = lines.get(next) {
        if is_title_line(l) && parts.len() < 3 {
            parts.push(l.clone());
            next += 1;
        } else {
            break;
        }
    }
    header.signer_title = Some(parts.join(" / "));
    header.signer = lines[next..]
        .iter()
        .take(4)
        .map(|(_, l)| l.as_str())
        .find(|l| looks_like_name(l))
        .map(str::to_owned);
}

fn looks_like_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().skip(1).all(|c| c.is_lowercase())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_with_spaces_and_without_legal_references() {
        let codes = find_codes(
            "Căn cứ Nghị định số 17/2017/NĐ-CP và Quyết định số 905 /QĐ-BTTTT, 94/QĐ- BKHCN",
        );
        let rendered: Vec<String> = codes.iter().map(Code::render).collect();
        assert_eq!(rendered, ["905/QĐ-BTTTT", "94/QĐ-BKHCN"]);
    }

    #[test]
    fn dates_in_words_and_digits() {
        assert_eq!(
            find_date("Hà Nội, ngày 12 tháng 5 năm 2022"),
            NaiveDate::from_ymd_opt(2022, 5, 12)
        );
        assert_eq!(
            find_date("Quyết định số 47/QĐ-BTTTT ngày 18/01/2022 của"),
            NaiveDate::from_ymd_opt(2022, 1, 18)
        );
        assert_eq!(find_date("ngày 31 tháng 2 năm 2022"), None);
    }

    #[test]
    fn a_plan_without_a_decision_wrapper_reads_its_own_number() {
        let lines = [
            "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
            "Số: 12/KH-UBND",
            "Bắc Ninh, ngày 3 tháng 3 năm 2023",
            "KẾ HOẠCH",
            "TRIỂN KHAI ĐỀ ÁN 06 NĂM 2023",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
            "Nguyễn Văn An",
        ];
        let header = read_header(&lines, (100, 100)).unwrap();
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
    fn no_code_is_a_clear_fault() {
        assert!(
            read_header(&["Văn bản không số"], (5, 5))
                .unwrap_err()
                .message
                .contains("số hiệu")
        );
    }
}
