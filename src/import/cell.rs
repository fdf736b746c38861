//! Cleaning one table cell: bold markers (`<b>`, `**`), Word field codes (`HYPERLINK "…"`) and
//! white space go; whether the cell was bold is kept, since bold rows are headings.

use crate::domain::text::squash_ws;

/// One cleaned cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub bold: bool,
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Cells of these texts, not bold: for tests of what reads rows.
#[cfg(test)]
pub fn plain_cells(texts: &[&str]) -> Vec<Cell> {
    texts
        .iter()
        .map(|t| Cell {
            text: (*t).to_owned(),
            bold: false,
        })
        .collect()
}

/// Cleans the raw text of a cell. Emphasis markers go without leaving a space, since converters
/// split them inside words ("*văn* *hóa*", "**i**n**f**o"); line breaks become spaces.
pub fn clean_cell(raw: &str) -> Cell {
    let mut bold = false;
    let mut text = raw.to_owned();
    for tag in ["<b>", "</b>", "<strong>", "</strong>", "**", "__"] {
        if text.contains(tag) {
            bold = true;
            text = text.replace(tag, "");
        }
    }
    for tag in ["<i>", "</i>", "<u>", "</u>", "<em>", "</em>", "*"] {
        text = text.replace(tag, "");
    }
    for tag in ["<br>", "<br/>", "<br />"] {
        text = text.replace(tag, " ");
    }
    let text = strip_word_fields(&text);
    Cell {
        text: squash_ws(&text),
        bold,
    }
}

/// Removes Word field codes that converters leave in the text, e.g.
/// `Cục Thông tin  HYPERLINK "https://…" khoa học` → `Cục Thông tin khoa học`.
pub fn strip_word_fields(text: &str) -> String {
    let mut out = text.to_owned();
    for field in ["HYPERLINK", "PAGEREF", "REF", "INCLUDEPICTURE"] {
        while let Some(start) = find_field(&out, field) {
            let end = field_end(&out, start + field.len());
            out.replace_range(start..end, " ");
        }
    }
    out.replace("\\* MERGEFORMAT", " ")
}

/// The byte position of a field keyword that stands as its own word and is followed by an
/// argument, so ordinary words are never mistaken for a field.
fn find_field(text: &str, field: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = text[from..].find(field) {
        let at = from + rel;
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '{');
        let after = &text[at + field.len()..];
        let after_ok = after.starts_with(' ') && after.trim_start().starts_with(['"', '\\', '_']);
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + field.len();
    }
    None
}

/// The end of a field's arguments: switches (`\l`, `\h`, `\o`) and quoted or `_Toc` words.
fn field_end(text: &str, mut pos: usize) -> usize {
    loop {
        let rest = &text[pos..];
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        if let Some(quoted) = trimmed.strip_prefix('"') {
            match quoted.find('"') {
                Some(close) => pos += skipped + 1 + close + 1,
                None => return text.len(),
            }
        } else if trimmed.starts_with('\\')
            || trimmed.starts_with("_Toc")
            || trimmed.starts_with("_Ref")
        {
            let word = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            pos += skipped + word;
        } else {
            return pos;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_tags_are_removed_and_remembered() {
        let cell = clean_cell("<b>II</b>");
        assert_eq!(cell.text, "II");
        assert!(cell.bold);
        let cell = clean_cell("**TUYÊN TRUYỀN**");
        assert_eq!(cell.text, "TUYÊN TRUYỀN");
        assert!(cell.bold);
        assert!(!clean_cell("Cục Viễn thông").bold);
    }

    #[test]
    fn emphasis_split_inside_words_leaves_the_words_whole() {
        assert_eq!(clean_cell("*văn* *hóa*").text, "văn hóa");
        assert_eq!(
            clean_cell("**Cơ quan** **chủ trì**").text,
            "Cơ quan chủ trì"
        );
        assert_eq!(clean_cell("(Hệ* *thống)").text, "(Hệ thống)");
        assert!(clean_cell("** **").is_empty());
    }

    #[test]
    fn hyperlink_field_codes_are_dropped() {
        let raw = "Cục Thông tin\n\n HYPERLINK \"https://www.most.gov.vn/vn/pages/ChiTietToChuc.aspx?tochucID=2714\" khoa học và công nghệ quốc gia";
        assert_eq!(
            clean_cell(raw).text,
            "Cục Thông tin khoa học và công nghệ quốc gia"
        );
        assert_eq!(
            clean_cell("xem HYPERLINK \\l \"_Toc1\" mục 2").text,
            "xem mục 2"
        );
    }

    #[test]
    fn the_word_hyperlink_in_prose_is_kept() {
        assert_eq!(
            clean_cell("HYPERLINK là một trường").text,
            "HYPERLINK là một trường"
        );
    }
}
