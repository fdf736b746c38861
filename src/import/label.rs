//! What the first cell of a row says the row is: a section ("II"), a part ("A", "Phần I"), a
//! sub-group ("III.1", "III.1.2"), a task number ("7", "3.", "1.1"), a lettered item ("a)"),
//! or nothing.

use super::cell::Cell;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    None,
    /// "I", "IV" — a section, with the title when it shares the cell ("I. XÂY DỰNG …").
    Roman(String, Option<String>),
    /// "A", "B", "Phần II" — a part holding sections.
    Part(String, Option<String>),
    /// "III.1", "III.1.2" — a group of tasks inside a section.
    SubGroup(String, Option<String>),
    /// "1", "1.1", "5.1.1" — a task, or the heading of the tasks numbered below it.
    Number(String),
    /// "a", "b" — a lettered item.
    Letter(String),
    /// Something else (a bullet, a stray word).
    Other,
}

pub fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.len() <= 6 && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

fn is_number(word: &str) -> bool {
    !word.is_empty()
        && word
            .split('.')
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// "III.1.2" (with an optional final dot): a Roman section number followed by numbers.
fn sub_group(head: &str) -> bool {
    let parts: Vec<&str> = head.trim_end_matches('.').split('.').collect();
    parts.len() >= 2
        && is_roman(parts[0])
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// Reads the label of a row from its first cell's text.
pub fn classify(first: &str) -> Label {
    let t = first.trim();
    if t.is_empty() {
        return Label::None;
    }
    let first_word = t.split_whitespace().next().unwrap_or("");
    if sub_group(first_word.trim_end_matches([':', ')'])) {
        let rest = t[first_word.len()..].trim();
        let rest = (!rest.is_empty()).then(|| rest.to_owned());
        return Label::SubGroup(
            first_word.trim_end_matches(['.', ':', ')']).to_owned(),
            rest,
        );
    }
    // "I. XÂY DỰNG …" in one merged cell: the label and the title together.
    let (head, rest) = match t.find(['.', ')', ' ']) {
        Some(i) => (
            &t[..i],
            t[i + 1..]
                .trim_start_matches(['.', ')', ' ', '-', ':'])
                .trim(),
        ),
        None => (t, ""),
    };
    let rest = (!rest.is_empty()).then(|| rest.to_owned());
    let head = head.trim_start_matches(['(']);
    if is_roman(head) {
        return Label::Roman(head.to_owned(), rest);
    }
    let word = t.trim_end_matches(['.', ')', ':']).trim();
    if let Some(part) = word
        .strip_prefix("Phần ")
        .or_else(|| word.strip_prefix("PHẦN "))
    {
        let part = part.trim();
        if is_roman(part) || (part.chars().count() == 1 && part.chars().all(char::is_uppercase)) {
            return Label::Part(part.to_owned(), None);
        }
    }
    if head.chars().count() == 1
        && head.chars().all(|c| c.is_uppercase() && c.is_alphabetic())
        && rest
            .as_deref()
            .is_none_or(|r| r.chars().any(char::is_alphabetic))
    {
        return Label::Part(head.to_owned(), rest);
    }
    let word = word.trim_start_matches('(');
    if is_number(word) {
        return Label::Number(word.to_owned());
    }
    if word.chars().count() == 1 && word.chars().all(|c| c.is_lowercase()) {
        return Label::Letter(word.to_owned());
    }
    Label::Other
}

/// True when a cell's text can open a row: a number, a section, a part or a lettered item.
pub fn is_row_label(text: &str) -> bool {
    !matches!(classify(text), Label::None | Label::Other)
}

/// "(1) (2) (3) …" or "A | B | 1 | 2 | 3": the row of column numbers some plans put under the
/// header.
pub fn is_column_numbering(cells: &[Cell]) -> bool {
    let filled: Vec<&str> = cells
        .iter()
        .map(|c| c.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    if filled.len() < 3 || filled.len() * 2 < cells.len() {
        return false;
    }
    let tags: Vec<&str> = filled.iter().map(|t| t.trim_matches(['(', ')'])).collect();
    let short = tags.iter().all(|t| {
        t.chars().count() <= 2 && t.chars().all(|c| c.is_ascii_digit() || c.is_uppercase())
    });
    let numbers: Vec<u32> = tags.iter().filter_map(|t| t.parse().ok()).collect();
    short && numbers.len() >= 2 && numbers.windows(2).all(|w| w[1] == w[0] + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::cell::plain_cells as cells;

    #[test]
    fn labels_are_classified() {
        assert_eq!(classify("IV"), Label::Roman("IV".into(), None));
        assert_eq!(
            classify("II. HOÀN THIỆN"),
            Label::Roman("II".into(), Some("HOÀN THIỆN".into()))
        );
        assert_eq!(classify("B"), Label::Part("B".into(), None));
        assert_eq!(
            classify("I. Văn bản"),
            Label::Roman("I".into(), Some("Văn bản".into()))
        );
        assert_eq!(classify("5.1.1"), Label::Number("5.1.1".into()));
        assert_eq!(classify("3."), Label::Number("3".into()));
        assert_eq!(classify("a)"), Label::Letter("a".into()));
        assert_eq!(classify(""), Label::None);
        assert_eq!(classify("-"), Label::Other);
        assert_eq!(classify("2025"), Label::Other, "a year is not a row number");
    }

    #[test]
    fn a_roman_number_with_numbers_after_it_is_a_sub_group() {
        assert_eq!(classify("III.1"), Label::SubGroup("III.1".into(), None));
        assert_eq!(
            classify("III.1.2. Nhóm nền tảng"),
            Label::SubGroup("III.1.2".into(), Some("Nhóm nền tảng".into()))
        );
    }

    #[test]
    fn column_numbering_rows_are_recognised() {
        assert!(is_column_numbering(&cells(&["(1)", "(2)", "(3)", "(4)"])));
        assert!(is_column_numbering(&cells(&["A", "B", "1", "2", "3", "4"])));
        assert!(!is_column_numbering(&cells(&["1", "Việc", "Sở A", "2025"])));
    }
}
