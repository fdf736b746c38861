//! Text helpers shared by the importer, the registry and search: Unicode NFC, whitespace and
//! the diacritic-free "fold" that lets "ket noi du lieu" find "Kết nối dữ liệu".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The text in Unicode NFC, as everything is stored.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Collapses every run of white space (tabs, non-breaking spaces, line breaks) to one space and
/// trims the ends.
pub fn squash_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The search key of a text: lower case, without diacritics (đ becomes d), white space squashed.
/// Both the stored search column and the user's query go through this one function, so they
/// always agree.
pub fn fold(s: &str) -> String {
    let stripped: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    squash_ws(&stripped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_drops_diacritics_case_and_d_stroke() {
        assert_eq!(
            fold("Kết nối, chia sẻ  DỮ LIỆU"),
            "ket noi, chia se du lieu"
        );
        assert_eq!(fold("Đề án 06"), "de an 06");
    }

    #[test]
    fn fold_treats_old_and_new_tone_placement_alike() {
        assert_eq!(fold("Tin học hoá"), fold("Tin học hóa"));
    }

    #[test]
    fn nfc_composes_a_combining_grave_accent() {
        let decomposed = "Va\u{300}n pho\u{300}ng";
        assert_eq!(nfc(decomposed), "Vàn phòng");
        assert_ne!(nfc(decomposed), decomposed);
    }

    #[test]
    fn squash_ws_collapses_tabs_and_nbsp() {
        assert_eq!(squash_ws(" a\t b\u{a0}\nc "), "a b c");
    }
}
