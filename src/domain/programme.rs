//! Programme references: which national decision ("Đề án", "Chương trình") a plan implements, as
//! its title and legal bases say — "triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 …", "Căn
//! cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 … phê duyệt Đề án …". A programme is identified
//! by its number, document type, issuer code and date together: numbers restart every year, so
//! a reference without a date identifies nothing and is not taken.

use chrono::NaiveDate;

use super::text::{fold, nfc, squash_ws};

/// A national decision a plan implements, as the document refers to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeRef {
    /// "06/QĐ-TTg", as written (in mixed case when any reference wrote it so).
    pub code: String,
    /// "6": the number without leading zeros (part of the identity).
    pub number: String,
    /// "QD": the document type, folded and upper-cased (part of the identity).
    pub doc_type: String,
    /// "TTg", as written.
    pub issuer_code: String,
    /// "TTG": the issuer code folded and upper-cased (part of the identity).
    pub issuer_key: String,
    pub issued_on: NaiveDate,
    /// "Thủ tướng Chính phủ", from "… của Thủ tướng Chính phủ" or the issuer code.
    pub issuer: String,
    /// "Đề án phát triển ứng dụng dữ liệu về dân cư …", from "phê duyệt …", if given.
    pub title: String,
}

impl ProgrammeRef {
    /// The identity: number, document type, issuer and date.
    pub fn key(&self) -> (&str, &str, &str, NaiveDate) {
        (
            &self.number,
            &self.doc_type,
            &self.issuer_key,
            self.issued_on,
        )
    }

    /// "Quyết định số 06/QĐ-TTg ngày 06/01/2022", as a report names it.
    pub fn reference_vi(&self) -> String {
        format!(
            "{} số {} ngày {}",
            doc_type_name(&self.doc_type),
            self.code,
            super::deadline::format_vi(self.issued_on)
        )
    }
}

/// The Vietnamese name of a document type code ("QD" → "Quyết định").
pub fn doc_type_name(doc_type: &str) -> &'static str {
    match doc_type {
        "NQ" => "Nghị quyết",
        "CT" => "Chỉ thị",
        _ => "Quyết định",
    }
}

/// Document types a programme is approved by, as folded words, with their codes.
const DOC_TYPES: [(&str, &str); 3] = [
    ("quyet dinh", "QD"),
    ("nghi quyet", "NQ"),
    ("chi thi", "CT"),
];
/// Words before a reference that make it the thing being implemented.
const IMPLEMENTS: [&str; 3] = ["trien khai", "thuc hien", "trien khai thuc hien"];
/// What a referenced decision approves, when it is a programme.
const PROGRAMME_WORDS: [&str; 4] = ["de an", "chuong trinh", "chien luoc", "ke hoach"];

/// The programmes a decision implements, from its title, its plan's title and its legal bases,
/// each once (in order of first mention).
pub fn find_programmes(
    title: &str,
    plan_title: Option<&str>,
    legal_bases: &[String],
) -> Vec<ProgrammeRef> {
    let texts = std::iter::once(title)
        .chain(plan_title)
        .chain(legal_bases.iter().map(String::as_str));
    let mut found: Vec<ProgrammeRef> = Vec::new();
    for text in texts {
        for reference in references_in(text).into_iter().filter(|r| r.programme) {
            merge(&mut found, reference.value);
        }
    }
    found
}

/// One reference typed by a manager ("Quyết định số 06/QĐ-TTg ngày 06/01/2022" or just
/// "06/QĐ-TTg ngày 06/01/2022"); None unless it has a number, an issuer and a date.
pub fn parse_reference(text: &str) -> Option<ProgrammeRef> {
    let text = squash_ws(&nfc(text));
    let folded = fold(&text);
    let has_type = DOC_TYPES.iter().any(|(w, _)| folded.contains(w));
    let text = if has_type {
        text
    } else {
        format!(
            "Quyết định số {}",
            text.trim_start_matches(['s', 'S', 'ố', ' '])
        )
    };
    references_in(&text).into_iter().next().map(|r| r.value)
}

fn merge(found: &mut Vec<ProgrammeRef>, new: ProgrammeRef) {
    let Some(old) = found.iter_mut().find(|f| f.key() == new.key()) else {
        found.push(new);
        return;
    };
    // Upper-case titles ("KẾ HOẠCH … QĐ-TTG …") lose to the same words in mixed case.
    if is_upper(&old.code) && !is_upper(&new.code) {
        old.code = new.code;
        old.issuer_code = new.issuer_code;
    }
    let better = |old: &str, new: &str| {
        !new.is_empty() && (old.is_empty() || (is_upper(old) && !is_upper(new)))
    };
    if better(&old.issuer, &new.issuer) {
        old.issuer = new.issuer;
    }
    if better(&old.title, &new.title) {
        old.title = new.title;
    }
}

fn is_upper(s: &str) -> bool {
    !s.chars().any(char::is_lowercase)
}

/// A reference found in a text, and whether the text makes it a programme.
struct Found {
    value: ProgrammeRef,
    programme: bool,
}

/// The text as characters, each with its folded (lower-case, diacritic-free) form, so that
/// matching is done on folded words and values are cut from the text as written.
struct Scan {
    chars: Vec<char>,
    folded: Vec<char>,
}

impl Scan {
    fn new(text: &str) -> Scan {
        let chars: Vec<char> = squash_ws(&nfc(text)).chars().collect();
        let folded = chars
            .iter()
            .map(|c| fold(&c.to_string()).chars().next().unwrap_or(' '))
            .collect();
        Scan { chars, folded }
    }

    /// Whether the folded text at `at` starts with `word` and ends there on a word boundary.
    fn word_at(&self, at: usize, word: &str) -> bool {
        let word: Vec<char> = word.chars().collect();
        let end = at + word.len();
        end <= self.folded.len()
            && self.folded[at..end] == word[..]
            && self.folded.get(end).is_none_or(|c| !c.is_alphanumeric())
            && (at == 0 || !self.folded[at - 1].is_alphanumeric())
    }

    fn skip_spaces(&self, mut at: usize) -> usize {
        while self.chars.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        at
    }

    /// The folded text before `at`, trimmed of spaces and quotes.
    fn folded_before(&self, at: usize) -> String {
        let before: String = self.folded[..at].iter().collect();
        before
            .trim_end_matches(|c: char| c.is_whitespace() || "\"“”'‘’(".contains(c))
            .to_owned()
    }

    fn original(&self, from: usize, to: usize) -> String {
        self.chars[from..to.min(self.chars.len())].iter().collect()
    }

    /// The end of the first of `words` found from `at` on, or of the text.
    fn until(&self, at: usize, words: &[&str], stops: &str) -> usize {
        let mut i = at;
        while i < self.chars.len() {
            if stops.contains(self.chars[i]) || words.iter().any(|w| self.word_at(i, w)) {
                return i;
            }
            i += 1;
        }
        self.chars.len()
    }
}

fn references_in(text: &str) -> Vec<Found> {
    let scan = Scan::new(text);
    let mut found = Vec::new();
    let mut at = 0;
    while at < scan.chars.len() {
        let matched = DOC_TYPES
            .iter()
            .find(|(word, _)| scan.word_at(at, word) && scan.word_at(at + word.len() + 1, "so"));
        let Some((word, _)) = matched else {
            at += 1;
            continue;
        };
        let start = at;
        at += word.chars().count() + 4;
        if let Some((value, next)) = reference_at(&scan, at) {
            let before = scan.folded_before(start);
            let implements = IMPLEMENTS.iter().any(|w| before.ends_with(w));
            let approves = !value.title.is_empty();
            found.push(Found {
                value,
                programme: implements || approves,
            });
            at = next;
        }
    }
    found
}

/// The code and date of a reference whose number starts at `at`, then its issuer and title;
/// with where scanning goes on.
fn reference_at(scan: &Scan, at: usize) -> Option<(ProgrammeRef, usize)> {
    let start = scan.skip_spaces(at);
    let mut end = start;
    while end < scan.chars.len() {
        let c = scan.chars[end];
        // "905 /QĐ-BTTTT": a space before the slash is a typing slip, not the end of the code.
        let slip = c == ' ' && scan.chars.get(end + 1) == Some(&'/');
        if (c.is_whitespace() && !slip) || ",;:()“”\"".contains(c) {
            break;
        }
        end += 1;
    }
    let code: String = scan.original(start, end).replace(' ', "");
    let code = code.trim_end_matches(['.', '/']).to_owned();
    let (number, doc_type, issuer_code) = split_code(&code)?;
    let after = scan.skip_spaces(end);
    if !scan.word_at(after, "ngay") {
        return None;
    }
    let (issued_on, after_date) = date_at(scan, after + 4)?;
    let mut next = scan.skip_spaces(after_date);
    let mut issuer = String::new();
    if scan.word_at(next, "cua") {
        let from = scan.skip_spaces(next + 3);
        let to = scan.until(from, &["phe duyet", "ve", "ban hanh", "nam"], ",;.”\"");
        issuer = scan.original(from, to).trim().to_owned();
        next = scan.skip_spaces(to);
    }
    let mut title = String::new();
    if scan.word_at(next, "phe duyet") {
        let from = scan.skip_spaces(next + 9);
        if PROGRAMME_WORDS.iter().any(|w| scan.word_at(from, w)) {
            let to = scan.until(from, &[], ";”\"");
            title = scan
                .original(from, to)
                .trim()
                .trim_end_matches(['.', ','])
                .to_owned();
            next = to;
        }
    }
    if issuer.is_empty() {
        issuer = issuer_of_code(&issuer_code).to_owned();
    }
    let value = ProgrammeRef {
        issuer_key: fold(&issuer_code).to_uppercase(),
        doc_type: fold(&doc_type).to_uppercase(),
        number,
        code,
        issuer_code,
        issued_on,
        issuer,
        title,
    };
    Some((value, next.max(at + 1)))
}

/// "06/QĐ-TTg" → ("6", "QĐ", "TTg"); "17/2017/NĐ-CP" → ("17", "NĐ", "CP").
fn split_code(code: &str) -> Option<(String, String, String)> {
    let mut parts = code.split('/');
    let number = parts.next()?.trim();
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let kind = parts.next_back()?;
    let (doc_type, issuer) = kind.split_once('-')?;
    if doc_type.is_empty() || issuer.is_empty() || !issuer.chars().all(char::is_alphanumeric) {
        return None;
    }
    let number = number.trim_start_matches('0');
    let number = if number.is_empty() { "0" } else { number };
    Some((number.to_owned(), doc_type.to_owned(), issuer.to_owned()))
}

/// "06/01/2022", "6/1/2022", "06-01-2022" or "06 tháng 01 năm 2022" at `at`; with its end.
fn date_at(scan: &Scan, at: usize) -> Option<(NaiveDate, usize)> {
    let mut i = scan.skip_spaces(at);
    let mut numbers: Vec<u32> = Vec::new();
    while numbers.len() < 3 {
        let start = i;
        while scan.chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
        if start == i {
            return None;
        }
        numbers.push(scan.original(start, i).parse().ok()?);
        if numbers.len() == 3 {
            break;
        }
        match scan.chars.get(i) {
            Some('/' | '-' | '.') => i += 1,
            _ => {
                let j = scan.skip_spaces(i);
                let word = if numbers.len() == 1 { "thang" } else { "nam" };
                if !scan.word_at(j, word) {
                    return None;
                }
                i = scan.skip_spaces(j + word.len());
            }
        }
    }
    let year = i32::try_from(numbers[2]).ok()?;
    NaiveDate::from_ymd_opt(year, numbers[1], numbers[0]).map(|d| (d, i))
}

/// The issuer an issuer code stands for, when the text does not name it.
fn issuer_of_code(code: &str) -> &'static str {
    match fold(code).to_uppercase().as_str() {
        "TTG" => "Thủ tướng Chính phủ",
        "CP" => "Chính phủ",
        "QH" | "QH15" | "QH14" => "Quốc hội",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const BASIS_06: &str = "Căn cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025 tầm nhìn đến năm 2030;";

    #[test]
    fn the_905_header_implements_decision_06_of_the_prime_minister() {
        let bases = vec![
            "Căn cứ Nghị định số 17/2017/NĐ-CP ngày 17 tháng 02 năm 2017 của Chính phủ quy định chức năng, nhiệm vụ;".to_owned(),
            BASIS_06.to_owned(),
            "Căn cứ Quyết định số 47/QĐ-BTTTT ngày 18/01/2022 của Bộ trưởng Bộ Thông tin và Truyền thông về việc ban hành kế hoạch hành động triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển;".to_owned(),
            "Căn cứ Văn bản số 104/KH-TCTTKĐA ngày 09/3/2022 của Tổ công tác triển khai Đề án phát triển ứng dụng dữ liệu;".to_owned(),
        ];
        let found = find_programmes(
            "Về việc ban hành hành động của Bộ Thông tin và Truyền thông triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ",
            Some(
                "KẾ HOẠCH HÀNH ĐỘNG TRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 06/01/2022 CỦA THỦ TƯỚNG CHÍNH PHỦ PHÊ DUYỆT ĐỀ ÁN PHÁT TRIỂN",
            ),
            &bases,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        let p = &found[0];
        assert_eq!(p.code, "06/QĐ-TTg");
        assert_eq!(p.key(), ("6", "QD", "TTG", d(2022, 1, 6)));
        assert_eq!(p.issuer, "Thủ tướng Chính phủ");
        assert!(
            p.title
                .starts_with("Đề án phát triển ứng dụng dữ liệu về dân cư"),
            "{}",
            p.title
        );
        assert!(p.title.ends_with("tầm nhìn đến năm 2030"), "{}", p.title);
        assert_eq!(p.reference_vi(), "Quyết định số 06/QĐ-TTg ngày 06/01/2022");
    }

    #[test]
    fn an_upper_case_title_alone_is_enough_and_reads_like_the_mixed_case_one() {
        let found = find_programmes(
            "BAN HÀNH “KẾ HOẠCH THỰC HIỆN QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 06/01/2022 CỦA THỦ TƯỚNG CHÍNH PHỦ PHÊ DUYỆT ĐỀ ÁN PHÁT TRIỂN”",
            None,
            &[],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key(), ("6", "QD", "TTG", d(2022, 1, 6)));
        assert_eq!(found[0].code, "06/QĐ-TTG");
    }

    #[test]
    fn the_same_number_of_another_year_is_another_programme() {
        let found = find_programmes(
            "Triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 và thực hiện Quyết định số 06/QĐ-TTg ngày 05 tháng 01 năm 2021",
            None,
            &[],
        );
        assert_eq!(found.len(), 2);
        assert_ne!(found[0].key(), found[1].key());
        assert_eq!(found[1].issued_on, d(2021, 1, 5));
    }

    #[test]
    fn a_reference_without_a_date_or_outside_a_programme_context_is_not_taken() {
        assert!(find_programmes("Triển khai Quyết định số 06/QĐ-TTg", None, &[]).is_empty());
        let bases = vec![
            "Căn cứ Nghị định số 47/2020/NĐ-CP ngày 09/4/2020 của Chính phủ về quản lý dữ liệu;"
                .to_owned(),
            "Căn cứ Quyết định số 1/QĐ-BKHCN ngày 02/01/2024 của Bộ trưởng về việc giao nhiệm vụ;"
                .to_owned(),
        ];
        assert!(find_programmes("Về việc ban hành kế hoạch", None, &bases).is_empty());
    }

    #[test]
    fn a_manager_types_a_reference_with_or_without_its_document_type() {
        let typed = parse_reference("Quyết định số 749/QĐ-TTg ngày 03/6/2020").unwrap();
        assert_eq!(typed.key(), ("749", "QD", "TTG", d(2020, 6, 3)));
        assert_eq!(typed.issuer, "Thủ tướng Chính phủ");
        let bare = parse_reference("  06/QĐ-TTg ngày 06/01/2022 ").unwrap();
        assert_eq!(bare.key(), ("6", "QD", "TTG", d(2022, 1, 6)));
        assert!(parse_reference("06/QĐ-TTg").is_none());
        assert!(parse_reference("Quyết định số 06 ngày 06/01/2022").is_none());
        assert!(parse_reference("Quyết định số 06/QĐ-TTg ngày 31/02/2022").is_none());
    }
}
