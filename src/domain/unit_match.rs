//! Near matches between unit names: the "loose key" under which spelling variants that the
//! registry keeps apart ("UBND các xã/phường" and "Ủy ban nhân dân các xã, phường", "Trung tâm
//! CNTT" and "Trung tâm Công nghệ thông tin", "Bộ Y tế (chủ trì nội dung chuyên môn)" and "Bộ Y
//! tế") look alike, so that the person importing a plan can say they are one unit.

use crate::domain::text::fold;
use crate::domain::units::ABBREVIATIONS;

/// Abbreviations seen in unit cells beyond those the registry expands itself, folded.
#[rustfmt::skip]
const LOOSE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"), ("mttq", "mat tran to quoc"),
    ("khcn", "khoa hoc va cong nghe"), ("gd&dt", "giao duc va dao tao"),
    ("bhxh", "bao hiem xa hoi"), ("nhnn", "ngan hang nha nuoc"), ("tw", "trung uong"),
    ("tp", "thanh pho"), ("vn", "viet nam"), ("ttg", "thu tuong"),
];

/// Words that tell nothing apart: "và" between parts of a name, the plural "các"/"những".
const FILLERS: &[&str] = &["va", "cac", "nhung"];

/// The loose key of a unit name: folded (case and diacritics ignored), parenthesised remarks
/// dropped ("(chủ trì nội dung chuyên môn)", "(CNTT)"), abbreviations expanded, punctuation
/// and the words "và", "các", "những" left out.
pub fn loose_key(name: &str) -> String {
    let folded = fold(&without_parentheses(name));
    let mut words: Vec<String> = Vec::new();
    for token in folded.split(|c: char| !c.is_alphanumeric() && c != '&') {
        let expanded = expand(token);
        let parts = match &expanded {
            Some(full) => full.split(' ').collect::<Vec<_>>(),
            None => token.split('&').collect(),
        };
        words.extend(
            parts
                .into_iter()
                .filter(|w| !w.is_empty() && !FILLERS.contains(w))
                .map(str::to_owned),
        );
    }
    words.join(" ")
}

/// The loose key of a unit and its parent body ("Cục A" of "Bộ B"): units under different
/// parents never match.
pub fn near_key(name: &str, parent: Option<&str>) -> String {
    match parent {
        Some(parent) => format!("{}|{}", loose_key(name), loose_key(parent)),
        None => loose_key(name),
    }
}

/// The scope of a registry key: the folded issuer after "@" for a unit filed under the body
/// whose plan names it, or `None` for a unit that is the same whoever names it.
pub fn key_scope(key: &str) -> Option<&str> {
    key.rsplit_once('@').map(|(_, scope)| scope)
}

/// Whether an existing unit (`candidate_key`) may be offered for a mention filed under
/// `mention_key`: a unit filed under another issuer is that issuer's own, never this one's.
pub fn same_scope_or_none(mention_key: &str, candidate_key: &str) -> bool {
    match key_scope(candidate_key) {
        None => true,
        Some(scope) => key_scope(mention_key) == Some(scope),
    }
}

/// The folded words an abbreviation stands for.
fn expand(token: &str) -> Option<String> {
    if let Some((_, full)) = LOOSE_ABBREVIATIONS.iter().find(|(abbr, _)| *abbr == token) {
        return Some((*full).to_owned());
    }
    // The registry's own list is written as in documents ("KH&CN", "công nghệ thông tin").
    ABBREVIATIONS
        .iter()
        .find(|(abbr, _)| fold(abbr) == token)
        .map(|(_, full)| fold(full))
}

/// The text without anything between parentheses (an unclosed one runs to the end).
fn without_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alike(a: &str, b: &str) -> bool {
        loose_key(a) == loose_key(b)
    }

    #[test]
    fn case_and_tone_placement_variants_are_alike() {
        assert!(alike("Sở nội vụ", "Sở Nội vụ"));
        assert!(alike("Cục Tin học hoá", "Cục Tin học hóa"));
        assert!(alike("Uỷ ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh"));
    }

    #[test]
    fn punctuation_between_parts_of_a_name_is_ignored() {
        assert!(alike("UBND các xã/phường", "UBND các xã, phường"));
        assert!(alike("Vụ Kế hoạch - Tài chính", "Vụ Kế hoạch và Tài chính"));
        assert!(alike(
            "Sở Văn hóa, Thể thao và Du lịch",
            "Sở Văn hóa - Thể thao - Du lịch"
        ));
    }

    #[test]
    fn abbreviations_are_expanded() {
        assert!(alike(
            "UBND các xã/phường",
            "Ủy ban nhân dân các xã, phường"
        ));
        assert!(alike("HĐND tỉnh", "Hội đồng nhân dân tỉnh"));
        assert!(alike("Trung tâm CNTT", "Trung tâm Công nghệ thông tin"));
        assert!(alike("Sở KH&CN", "Sở Khoa học và Công nghệ"));
        assert!(alike("Sở KHCN", "Sở Khoa học và Công nghệ"));
        assert!(alike("Ủy ban MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"));
    }

    #[test]
    fn a_remark_in_brackets_and_the_plural_are_ignored() {
        assert!(alike("Bộ Y tế (chủ trì nội dung chuyên môn)", "Bộ Y tế"));
        assert!(alike(
            "Cơ quan Trung ương và địa phương",
            "Các cơ quan Trung ương và địa phương"
        ));
    }

    #[test]
    fn different_units_stay_apart() {
        assert!(!alike("Sở Tư pháp", "Sở Tài chính"));
        assert!(!alike("UBND tỉnh", "HĐND tỉnh"));
        assert!(!alike("Cục Tin học hóa", "Cục Tin học"));
        assert_ne!(
            near_key(
                "Trung tâm Công nghệ thông tin",
                Some("Bộ Khoa học và Công nghệ")
            ),
            near_key("Trung tâm Công nghệ thông tin", None)
        );
    }

    #[test]
    fn the_key_reads_as_folded_words() {
        assert_eq!(loose_key("UBND các xã/phường"), "uy ban nhan dan xa phuong");
        assert_eq!(loose_key("Sở KH&CN"), "so khoa hoc cong nghe");
        assert_eq!(loose_key("A&B"), "a b");
    }

    #[test]
    fn a_unit_filed_under_another_issuer_is_never_offered() {
        let mention = "so noi vu@uy ban nhan dan tinh bac ninh";
        assert!(same_scope_or_none(
            mention,
            "so noi vu@uy ban nhan dan tinh bac ninh"
        ));
        assert!(same_scope_or_none(mention, "bo noi vu"));
        assert!(!same_scope_or_none(
            mention,
            "so noi vu@uy ban nhan dan tinh dong thap"
        ));
        assert!(!same_scope_or_none("ubnd cac xa/phuong", "so noi vu@ubnd"));
        assert_eq!(key_scope("bo y te"), None);
    }

    #[test]
    fn odd_input_never_panics() {
        for text in ["", "(", ")", "((a)", "&&&", "@", "a@", "Ủy ban (", "-- / ,"] {
            let _ = loose_key(text);
            let _ = near_key(text, Some(text));
            let _ = key_scope(text);
        }
        assert_eq!(loose_key("(chỉ ghi chú)"), "");
    }
}
