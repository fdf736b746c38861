//! The signature block: "KT. BỘ TRƯỞNG" / "THỨ TRƯỞNG" (or "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ
//! TỊCH" / "PHÓ CHỦ TỊCH"), then, a line or two down, the signer's name.

/// Words that make an all-capitals line a signer's title.
const TITLE_WORDS: &[&str] = &[
    "TRƯỞNG",
    "CHỦ TỊCH",
    "GIÁM ĐỐC",
    "CHỦ NHIỆM",
    "THỦ TƯỚNG",
    "TỔNG THƯ KÝ",
    "CHÁNH",
    "VIỆN TRƯỞNG",
];

/// Who acts for whom: "KT." (on behalf of), "TM." (for the collective), "TL.", "TUQ.", "Q.".
const PREFIXES: &[&str] = &["KT.", "TM.", "TL.", "TUQ.", "Q."];

/// (signer's name, signer's title as "KT. BỘ TRƯỞNG / THỨ TRƯỞNG") from the physical lines.
pub fn read_signature(lines: &[(usize, String)]) -> (Option<String>, Option<String>) {
    let prefixed = |l: &str| PREFIXES.iter().any(|p| l.starts_with(p));
    let Some(first) = lines
        .iter()
        .position(|(_, l)| prefixed(l) && is_all_upper(l))
        .or_else(|| lines.iter().rposition(|(_, l)| is_title_line(l)))
    else {
        return (None, None);
    };
    let mut parts = vec![lines[first].1.clone()];
    let mut next = first + 1;
    while let Some((_, l)) = lines.get(next) {
        if is_all_upper(l) && !looks_like_name(l) && parts.len() < 5 && l.split(' ').count() <= 6 {
            parts.push(l.clone());
            next += 1;
        } else {
            break;
        }
    }
    let title = join_title(&parts);
    let name = lines[next..]
        .iter()
        .take(4)
        .map(|(_, l)| l.as_str())
        .find(|l| looks_like_name(l))
        .map(str::to_owned);
    (name, Some(title))
}

/// "TM. ỦY BAN", "NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH" → "TM. ỦY BAN NHÂN DÂN / KT. CHỦ
/// TỊCH / PHÓ CHỦ TỊCH": a line that neither opens with a prefix nor names a title continues
/// the line above.
fn join_title(parts: &[String]) -> String {
    let mut joined: Vec<String> = Vec::new();
    for part in parts {
        let starts_new = PREFIXES.iter().any(|p| part.starts_with(p)) || is_title_line(part);
        match joined.last_mut() {
            Some(last) if !starts_new => {
                last.push(' ');
                last.push_str(part);
            }
            _ => joined.push(part.trim_end_matches(',').to_owned()),
        }
    }
    joined.join(" / ")
}

fn is_title_line(l: &str) -> bool {
    is_all_upper(l)
        && l.split(' ').count() <= 6
        && TITLE_WORDS.iter().any(|t| l.contains(t))
        && !l.starts_with("BỘ TRƯỞNG BỘ")
        && !l.contains(':')
}

pub fn is_all_upper(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.iter().all(|c| c.is_uppercase())
}

/// "Nguyễn Văn An": two to five words, each with a capital first letter and no other.
pub fn looks_like_name(s: &str) -> bool {
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

    fn lines(texts: &[&str]) -> Vec<(usize, String)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i + 1, (*t).to_owned()))
            .collect()
    }

    #[test]
    fn a_deputy_signs_on_behalf_of_the_collective() {
        let (name, title) = read_signature(&lines(&[
            "Nơi nhận:",
            "- Lưu: VT.",
            "TM. ỦY BAN",
            "NHÂN DÂN",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Huỳnh Minh Tuấn",
        ]));
        assert_eq!(name.as_deref(), Some("Huỳnh Minh Tuấn"));
        assert_eq!(
            title.as_deref(),
            Some("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
        );
    }

    #[test]
    fn a_minister_signs_alone_and_no_block_means_no_signer() {
        let (name, _) = read_signature(&lines(&["- Lưu: VT.", "BỘ TRƯỞNG", "Nguyễn Văn Hùng"]));
        assert_eq!(name.as_deref(), Some("Nguyễn Văn Hùng"));
        assert_eq!(
            read_signature(&lines(&["NGHỊ QUYẾT", "Điều 1. Ban hành"])),
            (None, None)
        );
    }

    #[test]
    fn titles_of_the_government_and_its_office_are_read() {
        let (name, title) = read_signature(&lines(&[
            "KT. BỘ TRƯỞNG,",
            "CHỦ NHIỆM",
            "PHÓ CHỦ NHIỆM",
            "Phạm Mạnh Cường",
        ]));
        assert_eq!(name.as_deref(), Some("Phạm Mạnh Cường"));
        assert_eq!(
            title.as_deref(),
            Some("KT. BỘ TRƯỞNG / CHỦ NHIỆM / PHÓ CHỦ NHIỆM")
        );
    }
}
