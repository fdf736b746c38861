//! Document codes ("905/QĐ-BTTTT") and dates ("ngày 12 tháng 5 năm 2022", "26/01/2024") found
//! in running text.

use chrono::NaiveDate;

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

/// The first "dd/mm/yyyy" in a text.
pub fn find_dmy(text: &str) -> Option<NaiveDate> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '/'))
        .filter_map(|word| {
            let parts: Vec<&str> = word.split('/').collect();
            let [d, m, y] = parts[..] else { return None };
            (y.len() == 4)
                .then(|| NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
                .flatten()
        })
        .next()
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
        assert_eq!(
            find_dmy("Ngày ban hành 16/11/2025"),
            NaiveDate::from_ymd_opt(2025, 11, 16)
        );
    }
}
