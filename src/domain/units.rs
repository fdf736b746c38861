//! Unit mentions in the "Đơn vị chủ trì" / "Đơn vị phối hợp" cells: splitting a cell into units,
//! parent bodies, groups, and the canonical key that makes spelling variants one unit.

use crate::domain::text::{fold, nfc, squash_ws};

/// One unit as mentioned in a cell, cleaned but as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The piece as written (NFC, white space squashed, trailing "." ";" trimmed).
    pub written: String,
    /// The display name: abbreviations expanded, typos repaired, parent suffix removed.
    pub name: String,
    /// The parent body named by a suffix ("-Bộ Công an", "của Bảo hiểm xã hội Việt Nam").
    pub parent: Option<String>,
    /// True for a phrase naming a set of units ("Các đơn vị thuộc Bộ", "Các nhà mạng").
    pub is_group: bool,
    /// The canonical key: `fold(name)`, plus `"|" + fold(parent)` when there is a parent.
    pub key: String,
}

/// A group defined in the plan's notes ("Ghi chú"): its name and its member units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDefinition {
    /// The group's display name, abbreviations expanded.
    pub name: String,
    /// The units the group consists of.
    pub members: Vec<Mention>,
}

/// Abbreviations written in unit names and what they stand for.
pub(crate) const ABBREVIATIONS: &[(&str, &str)] = &[
    ("CNTT", "công nghệ thông tin"),
    ("KH&CN", "khoa học và công nghệ"),
    ("CSDL", "cơ sở dữ liệu"),
    ("TTHC", "thủ tục hành chính"),
    ("TTTT", "Thông tin và Truyền thông"),
];

/// Words that open the name of one unit, in their canonical spelling.
#[rustfmt::skip]
const UNIT_HEADS: &[&str] = &[
    "Tổng cục", "Chi cục", "Cục", "Vụ", "Học viện", "Viện", "Trung tâm", "Văn phòng", "Sở",
    "Bộ", "Ban", "Ủy ban", "Uỷ ban", "UBND", "Quỹ", "Thanh tra", "Tòa án", "Toà án",
    "Ngân hàng", "Bảo hiểm xã hội", "Kho bạc", "Báo", "Tạp chí", "Đài", "Tổng liên đoàn",
    "Trung ương", "Nhà xuất bản", "Công ty", "Tập đoàn", "Hội đồng",
];

/// Bodies that can be a unit's parent when named in a suffix.
#[rustfmt::skip]
const PARENT_BODIES: &[&str] = &[
    "Bộ", "Ngân hàng", "Tòa án", "Toà án", "Viện kiểm sát", "Bảo hiểm xã hội",
    "Thanh tra Chính phủ", "Văn phòng Chính phủ", "Văn phòng Quốc hội", "Văn phòng Chủ tịch nước",
    "Kiểm toán nhà nước", "Kho bạc nhà nước", "Ủy ban", "Uỷ ban", "UBND",
];

const PLURALS: &[&str] = &["các", "những"];
const GENERIC_NOUNS: &[&str] = &["cơ quan", "đơn vị", "doanh nghiệp", "tổ chức", "nhà mạng"];

/// True when a text opens like the name of a unit or a set of units ("Sở Tài chính", "Các bộ,
/// ngành", "UBND các xã"): what a lead or partner cell holds.
pub fn looks_like_unit(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    head_of(&words).is_some()
        || is_group(text)
        || opens_with_any(
            text,
            &["Thường trực", "Hiệp hội", "Liên hiệp", "Tổng Thư ký"],
        )
}

/// Splits a lead/partner cell into mentions. Never splits inside a unit name.
pub fn split_units(cell: &str) -> Vec<Mention> {
    let text = expand_shared_head(&squash_ws(&nfc(cell)));
    let pieces = merge_continuations(separated_pieces(&text));
    let mut clustered = Vec::new();
    for (cluster, piece) in pieces.iter().enumerate() {
        for part in split_on_va(piece) {
            clustered.push((part, cluster));
        }
    }
    let joined = join_generic_halves(clustered);
    let mut mentions: Vec<(Mention, usize)> = joined
        .into_iter()
        .map(|(written, cluster)| (mention(&written), cluster))
        .collect();
    share_parent_within_clusters(&mut mentions);
    mentions.into_iter().map(|(m, _)| m).collect()
}

/// "Các Cục: Di sản văn hóa, Bản quyền tác giả" → "Cục Di sản văn hóa; Cục Bản quyền tác giả":
/// the head written once for a list of units. Items are split at ";" when the list has one
/// (names may hold commas), else at ","; the list ends at a full stop.
fn expand_shared_head(text: &str) -> String {
    let Some(colon) = text.find(':') else {
        return text.to_owned();
    };
    let before = text[..colon].trim();
    let words: Vec<&str> = before.split_whitespace().collect();
    let head = match words.as_slice() {
        [plural, rest @ ..] if PLURALS.contains(&plural.to_lowercase().as_str()) => rest.join(" "),
        _ => return text.to_owned(),
    };
    let Some(canonical) =
        head_of(&head.split(' ').collect::<Vec<_>>()).filter(|h| fold(h) == fold(&head))
    else {
        return text.to_owned();
    };
    let after = &text[colon + 1..];
    let (list, rest) = match after.find(". ") {
        Some(end) => (&after[..end], after[end + 2..].trim()),
        None => (after.trim_end_matches('.'), ""),
    };
    let separator = if list.contains(';') { ';' } else { ',' };
    let mut items: Vec<String> = list
        .split(separator)
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| format!("{canonical} {i}"))
        .collect();
    if !rest.is_empty() {
        items.push(rest.to_owned());
    }
    items.join("; ")
}

/// Parses one line of notes; None when it is not a group definition ("<group name> bao gồm:
/// <unit list>" or "gồm:").
pub fn parse_group_definition(line: &str) -> Option<GroupDefinition> {
    let line = squash_ws(&nfc(line));
    let body = line.trim_start_matches(['-', '–', '•', '+', '*', ' ']);
    let (at, marker_len) = find_ci(body, "bao gồm:")
        .map(|at| (at, "bao gồm:".len()))
        .or_else(|| find_ci(body, "gồm:").map(|at| (at, "gồm:".len())))?;
    let name = body.get(..at)?.trim();
    let list = body.get(at + marker_len..)?;
    if name.is_empty() || !is_group(name) {
        return None;
    }
    let members = split_units(list);
    if members.is_empty() {
        return None;
    }
    Some(GroupDefinition {
        name: repair_name(name),
        members,
    })
}

/// True when a mention written in the table (e.g. "Các đơn vị chủ trì cung cấp TTHC") refers to
/// the defined group (e.g. "Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ").
pub fn refers_to_group(mention: &Mention, group: &GroupDefinition) -> bool {
    mention.is_group
        && mention.parent.is_none()
        && group_stem(&mention.name) == group_stem(&repair_name(&group.name))
}

/// The folded group name without a trailing "của Bộ" / "thuộc Bộ" (the plan's own ministry).
fn group_stem(name: &str) -> String {
    let folded = fold(name);
    for suffix in [" cua bo", " thuoc bo"] {
        if let Some(stem) = folded.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    folded
}

/// The pieces between "," and ";", each with whether a comma (rather than ";") preceded it.
fn separated_pieces(text: &str) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    let mut after_comma = false;
    let mut current = String::new();
    for c in text.chars() {
        if c == ',' || c == ';' {
            pieces.push((clean_piece(&current), after_comma));
            current.clear();
            after_comma = c == ',';
        } else {
            current.push(c);
        }
    }
    pieces.push((clean_piece(&current), after_comma));
    pieces.retain(|(p, _)| !p.is_empty());
    pieces
}

fn clean_piece(piece: &str) -> String {
    piece
        .trim_start_matches(['-', '–', '•', '+', '*', ' '])
        .trim_end_matches(['.', ';', ',', ' '])
        .to_string()
}

/// Glues a piece that continues a name after a comma ("Vụ Đánh giá, thẩm định và giám định
/// công nghệ"): it opens with a lower-case word that names no unit and no set of units.
fn merge_continuations(pieces: Vec<(String, bool)>) -> Vec<String> {
    let mut merged: Vec<String> = Vec::new();
    for (piece, after_comma) in pieces {
        // A capitalised piece that names no unit continues one too ("Cục Xuất bản, In và Phát
        // hành", "Vụ Kế hoạch, Tài chính").
        let continues = after_comma
            && !opens_with_any(&piece, PLURALS)
            && !opens_with_any(&piece, GENERIC_NOUNS)
            && !opens_with_any(&piece, UNIT_HEADS)
            && (piece.chars().next().is_some_and(char::is_lowercase)
                || (!looks_like_unit(&piece)
                    && merged
                        .last()
                        .is_some_and(|last| opens_with_any(last, UNIT_HEADS))));
        match merged.last_mut() {
            Some(last) if continues => {
                last.push_str(", ");
                last.push_str(&piece);
            }
            _ => merged.push(piece),
        }
    }
    merged
}

/// Splits "A và B" when A is one proper unit and B opens with a unit head or "các ..."; "Bộ
/// Thông tin và Truyền thông" and "Các Vụ và các Văn phòng thuộc Bộ" stay whole.
fn split_on_va(piece: &str) -> Vec<String> {
    let words: Vec<&str> = piece.split(' ').collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..words.len() {
        if words[i] != "và" || i + 1 >= words.len() {
            continue;
        }
        let left = words[start..i].join(" ");
        let right = words[i + 1..].join(" ");
        let right_opens_unit = opens_with_any(&right, PLURALS)
            || (starts_upper(&right) && opens_with_any(&right, UNIT_HEADS));
        if right_opens_unit && !is_group(&left) && opens_with_any(&left, UNIT_HEADS) {
            parts.push(left);
            start = i + 1;
        }
    }
    parts.push(words[start..].join(" "));
    parts
}

/// Joins a bare "các cơ quan" to the next piece opening with a generic noun ("đơn vị thuộc Bộ
/// ..."), skipping proper units written between the two halves.
fn join_generic_halves(pieces: Vec<(String, usize)>) -> Vec<(String, usize)> {
    let mut used = vec![false; pieces.len()];
    let mut out = Vec::new();
    for i in 0..pieces.len() {
        if used[i] {
            continue;
        }
        let (text, cluster) = &pieces[i];
        let mut text = text.clone();
        if is_bare_generic(&text) {
            for (j, (next, _)) in pieces.iter().enumerate().skip(i + 1) {
                if used[j] {
                    continue;
                }
                if opens_with_any(next, GENERIC_NOUNS) {
                    text = format!("{text}, {next}");
                    used[j] = true;
                    break;
                }
                if is_group(next) {
                    break;
                }
            }
        }
        out.push((text, *cluster));
    }
    out
}

fn is_bare_generic(piece: &str) -> bool {
    let lower = piece.to_lowercase();
    let rest = PLURALS
        .iter()
        .find_map(|p| lower.strip_prefix(p).and_then(|r| r.strip_prefix(' ')))
        .unwrap_or(&lower);
    GENERIC_NOUNS.contains(&rest)
}

/// "Tổng cục A và Cục B của Bộ C": the parent written once at the end belongs to both.
fn share_parent_within_clusters(mentions: &mut [(Mention, usize)]) {
    for i in (1..mentions.len()).rev() {
        let cluster = mentions[i].1;
        let Some(parent) = mentions[i].0.parent.clone() else {
            continue;
        };
        for (m, c) in mentions[..i].iter_mut().rev() {
            // A unit with its own parent ends the stretch the suffix covers.
            if *c != cluster || m.parent.is_some() {
                break;
            }
            if !m.is_group {
                m.parent = Some(parent.clone());
                m.key = key_of(&m.name, m.parent.as_deref());
            }
        }
    }
}

fn mention(written: &str) -> Mention {
    let is_group = is_group(written);
    let (core, parent) = if is_group {
        (written.to_string(), None)
    } else {
        split_parent(written)
    };
    let name = repair_name(&core);
    let key = key_of(&name, parent.as_deref());
    Mention {
        written: written.to_string(),
        name,
        parent,
        is_group,
        key,
    }
}

fn key_of(name: &str, parent: Option<&str>) -> String {
    match parent {
        Some(p) => format!("{}|{}", fold(name), fold(p)),
        None => fold(name),
    }
}

/// A plural or generic noun phrase names a set of units, not one unit.
fn is_group(text: &str) -> bool {
    opens_with_any(text, PLURALS) || opens_with_any(text, GENERIC_NOUNS)
}

/// Splits a parent suffix off a proper unit: "-Bộ Công an", " - Ngân hàng nhà nước", "của Bộ
/// ...", "thuộc Bộ ...". "của Bộ"/"thuộc Bộ" alone is the plan's own ministry: no parent.
fn split_parent(text: &str) -> (String, Option<String>) {
    for (at, c) in text.char_indices() {
        let right = if c == '-' || c == '–' {
            let right = text.get(at + c.len_utf8()..).unwrap_or("").trim_start();
            is_parent_body(right).then_some(right)
        } else {
            [" của ", " thuộc "].iter().find_map(|marker| {
                let right = text.get(at..)?.strip_prefix(marker)?;
                (is_parent_body(right) || right == "Bộ").then_some(right)
            })
        };
        let Some(right) = right else { continue };
        let left = text.get(..at).unwrap_or("").trim_end();
        if !left.is_empty() {
            return (left.to_string(), (right != "Bộ").then(|| right.to_string()));
        }
    }
    (text.to_string(), None)
}

fn is_parent_body(text: &str) -> bool {
    starts_upper(text) && text != "Bộ" && opens_with_any(text, PARENT_BODIES)
}

/// The display name: parenthesised abbreviations dropped, abbreviations expanded, an
/// immediately repeated word dropped, the unit head in its canonical spelling, first letter
/// upper-cased.
fn repair_name(core: &str) -> String {
    let without_parens = drop_abbreviation_parens(core);
    let words: Vec<&str> = without_parens
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect();
    let head = head_of(&words);
    let mut expanded: Vec<String> = Vec::new();
    if let Some(canonical) = head {
        expanded.push(canonical.to_string());
    }
    let head_len = head.map_or(0, |h| h.split(' ').count());
    for (i, word) in words.iter().enumerate().skip(head_len) {
        match expand(word) {
            // The word right after the head opens the proper name: "Trung tâm Công nghệ thông tin".
            Some(full) if i == head_len && head_len > 0 => expanded.push(upper_first(full)),
            Some(full) => expanded.push(full.to_string()),
            None => expanded.push((*word).to_string()),
        }
    }
    upper_first(&drop_repeated_words(&expanded.join(" ")))
}

fn expand(word: &str) -> Option<&'static str> {
    ABBREVIATIONS
        .iter()
        .find(|(abbr, _)| *abbr == word)
        .map(|(_, full)| *full)
}

/// The canonical head whose words open `words`, longest first ("Tổng cục" before "Cục").
fn head_of(words: &[&str]) -> Option<&'static str> {
    UNIT_HEADS
        .iter()
        .filter(|head| {
            let n = head.split(' ').count();
            words.len() >= n && words[..n].join(" ").to_lowercase() == head.to_lowercase()
        })
        .max_by_key(|head| head.len())
        .copied()
}

/// Drops "(CNTT)", "(KH&CN)": a parenthesised abbreviation repeats what the name says.
fn drop_abbreviation_parens(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find(')') else { break };
        let inner = after.get(..close).unwrap_or("");
        out.push_str(rest.get(..open).unwrap_or(""));
        // "(CNTT)" repeats the name; "(chủ trì nội dung chuyên môn)" says what the unit does.
        if !is_abbreviation(inner) && !is_role(inner) {
            out.push('(');
            out.push_str(inner);
            out.push(')');
        }
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    let squashed = squash_ws(&out);
    if squashed.is_empty() {
        squash_ws(text)
    } else {
        squashed
    }
}

/// A note on a unit's part in the task, in brackets after its name.
fn is_role(text: &str) -> bool {
    text.trim().chars().next().is_some_and(char::is_lowercase)
}

fn is_abbreviation(text: &str) -> bool {
    text.chars().filter(|c| c.is_uppercase()).count() >= 2
        && text
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || "&-./".contains(c))
}

/// "thông tin tin" → "thông tin": a word typed twice. "tin tín" differ, so both stay.
fn drop_repeated_words(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for word in text.split(' ') {
        let repeated = out.last().is_some_and(|last| {
            last.to_lowercase() == word.to_lowercase() && word.chars().all(char::is_alphabetic)
        });
        if !repeated {
            out.push(word);
        }
    }
    out.join(" ")
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn starts_upper(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_uppercase)
}

/// True when `text` opens with one of `phrases` as whole words, ignoring case.
fn opens_with_any(text: &str, phrases: &[&str]) -> bool {
    let lower = text.to_lowercase();
    phrases.iter().any(|phrase| {
        lower
            .strip_prefix(&phrase.to_lowercase())
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
    })
}

/// The byte offset in `hay` where `needle` (lower case) starts, ignoring case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.char_indices().map(|(at, _)| at).find(|&at| {
        let mut hay_chars = hay.get(at..).unwrap_or("").chars();
        needle.chars().all(|n| {
            hay_chars
                .next()
                .is_some_and(|h| h.to_lowercase().eq(std::iter::once(n)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "name", "name @ parent" or "[g] name": one line per mention, to compare whole cells.
    fn render(cell: &str) -> Vec<String> {
        split_units(cell)
            .iter()
            .map(|m| {
                let group = if m.is_group { "[g] " } else { "" };
                match &m.parent {
                    Some(p) => format!("{group}{} @ {p}", m.name),
                    None => format!("{group}{}", m.name),
                }
            })
            .collect()
    }

    fn one(cell: &str) -> Mention {
        let mentions = split_units(cell);
        assert_eq!(mentions.len(), 1, "{cell:?} gave {mentions:?}");
        mentions[0].clone()
    }

    const NOTES_94: &str = "- Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ bao gồm: Văn phòng Bộ, Vụ Đánh giá, thẩm định và giám định công nghệ, Vụ hợp tác quốc tế, Vụ Kế hoạch - Tài chính, Vụ Khoa học và công nghệ các ngành kinh tế - kỹ thuật, Vụ Thi đua - Khen thưởng, Vụ tổ chức cán bộ, Cục An toàn bức xạ và hạt nhân, Cục Năng lượng nguyên tử, Cục Phát triển thị trường và doanh nghiệp khoa học và công nghệ, Cục Sở hữu trí tuệ, Cục Thông tin khoa học và công nghệ quốc gia, Quỹ Phát triển khoa học và công nghệ quốc gia, Tổng cục Tiêu chuẩn Đo lường Chất lượng, Văn phòng Đăng ký hoạt động khoa học và công nghệ.";

    #[test]
    fn a_head_written_once_for_a_list_names_each_unit() {
        let names =
            |cell: &str| -> Vec<String> { split_units(cell).into_iter().map(|m| m.name).collect() };
        assert_eq!(
            names("Các Cục: Di sản văn hóa, Bản quyền tác giả"),
            ["Cục Di sản văn hóa", "Cục Bản quyền tác giả"]
        );
        assert_eq!(
            names("Các Cục: Báo chí; Xuất bản, In và Phát hành. Vụ Pháp chế"),
            [
                "Cục Báo chí",
                "Cục Xuất bản, In và Phát hành",
                "Vụ Pháp chế"
            ]
        );
        assert_eq!(
            names("các Sở: Tư pháp, Nội vụ"),
            ["Sở Tư pháp", "Sở Nội vụ"]
        );
    }

    #[test]
    fn a_role_in_brackets_is_not_part_of_the_name() {
        let mentions =
            split_units("Bộ Y tế (chủ trì nội dung chuyên môn), Bộ Tài chính (phối hợp)");
        let names: Vec<&str> = mentions.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Bộ Y tế", "Bộ Tài chính"]);
        assert_eq!(mentions[0].written, "Bộ Y tế (chủ trì nội dung chuyên môn)");
    }

    #[test]
    fn a_lower_case_piece_after_a_comma_continues_the_unit_name() {
        assert_eq!(
            render(
                "Văn phòng Bộ, Vụ Đánh giá, thẩm định và giám định công nghệ, Vụ hợp tác quốc tế"
            ),
            [
                "Văn phòng Bộ",
                "Vụ Đánh giá, thẩm định và giám định công nghệ",
                "Vụ hợp tác quốc tế"
            ]
        );
        assert_eq!(
            render("Đơn vị quản lý, vận hành hệ thống, nền tảng"),
            ["[g] Đơn vị quản lý, vận hành hệ thống, nền tảng"]
        );
    }

    #[test]
    fn a_bare_generic_piece_joins_the_following_generic_piece() {
        assert_eq!(
            render("Vụ Pháp chế, các cơ quan, đơn vị thuộc Bộ"),
            ["Vụ Pháp chế", "[g] Các cơ quan, đơn vị thuộc Bộ"]
        );
        assert_eq!(
            render(
                "Sở Thông tin và Truyền thông, cơ quan, đơn vị quản lý các cơ sở dữ liệu, hệ thống thông tin"
            ),
            [
                "Sở Thông tin và Truyền thông",
                "[g] Cơ quan, đơn vị quản lý các cơ sở dữ liệu, hệ thống thông tin"
            ]
        );
    }

    #[test]
    fn a_proper_unit_between_two_generic_halves_stays_a_unit_of_its_own() {
        let mentions = split_units(
            "Các cơ quan, Trung tâm thông tin, đơn vị thuộc Bộ Thông tin và Truyền thông",
        );
        assert_eq!(mentions.len(), 2);
        assert_eq!(
            mentions[0].name,
            "Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông"
        );
        assert!(mentions[0].is_group);
        assert_eq!(mentions[1].name, "Trung tâm thông tin");
        assert!(!mentions[1].is_group);
    }

    #[test]
    fn va_before_a_unit_head_or_cac_splits_two_units_and_shares_a_trailing_parent() {
        assert_eq!(
            render(
                "Trung tâm Internet Việt Nam và các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông"
            ),
            [
                "Trung tâm Internet Việt Nam",
                "[g] Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông"
            ]
        );
        assert_eq!(
            render(
                "Tổng Cục Quản lý đất đai và Cục Công nghệ thông tin và Dữ liệu tài nguyên môi trường của Bộ Tài nguyên và Môi trường"
            ),
            [
                "Tổng cục Quản lý đất đai @ Bộ Tài nguyên và Môi trường",
                "Cục Công nghệ thông tin và Dữ liệu tài nguyên môi trường @ Bộ Tài nguyên và Môi trường"
            ]
        );
    }

    #[test]
    fn va_before_a_lower_case_or_non_head_word_stays_inside_the_name() {
        for name in [
            "Bộ Thông tin và Truyền thông",
            "Vụ Kế hoạch và Tài chính",
            "Cục Phát triển thị trường và doanh nghiệp khoa học và công nghệ",
            "Bộ Lao động-Thương binh và Xã hội",
            "Cục Công nghệ thông tin và Dữ liệu tài nguyên môi trường",
            "Cục Phát thanh Truyền hình và Thông tin điện tử",
        ] {
            assert_eq!(render(name), [name]);
        }
        assert_eq!(
            render("Các Vụ và các Văn phòng thuộc Bộ"),
            ["[g] Các Vụ và các Văn phòng thuộc Bộ"]
        );
    }

    #[test]
    fn a_hyphen_inside_a_name_stays_inside_it() {
        for name in [
            "Vụ Kế hoạch - Tài chính",
            "Vụ Thi đua - Khen thưởng",
            "Vụ Khoa học và công nghệ các ngành kinh tế - kỹ thuật",
            "Bộ Lao động-Thương binh và Xã hội",
        ] {
            assert_eq!(render(name), [name]);
        }
    }

    #[test]
    fn a_hyphen_before_a_body_starts_the_parent_suffix() {
        let cases = [
            (
                "Trung tâm thông tin-Bộ Lao động-Thương binh và Xã hội",
                "Trung tâm thông tin",
                "Bộ Lao động-Thương binh và Xã hội",
            ),
            (
                "Bộ Tư lệnh tác chiến không gian mạng-Bộ Quốc phòng",
                "Bộ Tư lệnh tác chiến không gian mạng",
                "Bộ Quốc phòng",
            ),
            (
                "Cục thống kê tội phạm-Viện kiểm sát nhân dân tối cao",
                "Cục thống kê tội phạm",
                "Viện kiểm sát nhân dân tối cao",
            ),
            (
                "Văn phòng-Tòa án nhân dân tối cao",
                "Văn phòng",
                "Tòa án nhân dân tối cao",
            ),
            (
                "Trung tâm thông tin tín dụng quốc gia-Ngân hàng nhà nước",
                "Trung tâm thông tin tín dụng quốc gia",
                "Ngân hàng nhà nước",
            ),
            (
                "Trung tâm thông tin tín dụng quốc gia - Ngân hàng nhà nước",
                "Trung tâm thông tin tín dụng quốc gia",
                "Ngân hàng nhà nước",
            ),
        ];
        for (cell, name, parent) in cases {
            let m = one(cell);
            assert_eq!(
                (m.name.as_str(), m.parent.as_deref()),
                (name, Some(parent)),
                "{cell}"
            );
            assert_eq!(m.written, cell);
        }
    }

    #[test]
    fn cua_and_thuoc_name_the_parent_of_a_proper_unit_but_not_of_a_group() {
        let m = one("Trung tâm Công nghệ thông tin của Bảo hiểm xã hội Việt Nam");
        assert_eq!(m.parent.as_deref(), Some("Bảo hiểm xã hội Việt Nam"));
        let m = one("Trung tâm tin học thuộc Bộ Nội vụ");
        assert_eq!(
            (m.name.as_str(), m.parent.as_deref()),
            ("Trung tâm tin học", Some("Bộ Nội vụ"))
        );
        let m = one("các đơn vị thuộc Bộ Công an");
        assert_eq!(
            (m.name.as_str(), m.parent, m.is_group),
            ("Các đơn vị thuộc Bộ Công an", None, true)
        );
        // "của Bộ" alone is the plan's own ministry, which is no parent.
        assert_eq!(one("Vụ Pháp chế thuộc Bộ").key, one("Vụ Pháp chế").key);
    }

    #[test]
    fn cleaning_squashes_white_space_trims_trailing_punctuation_and_drops_empty_pieces() {
        let mentions = split_units("  Trung tâm CNTT ,\t Văn pho\u{300}ng  Bộ. ;; , ");
        assert_eq!(mentions.len(), 2);
        assert_eq!(mentions[0].written, "Trung tâm CNTT");
        assert_eq!(mentions[1].written, "Văn phòng Bộ");
        assert_eq!(mentions[1].key, "van phong bo");
        assert!(split_units(" ; , . ").is_empty());
    }

    #[test]
    fn spelling_variants_of_one_unit_get_the_same_key() {
        let variants: [&[&str]; 9] = [
            &["Cục Tin học hoá", "Cục Tin học hóa"],
            &["Vụ pháp chế", "Vụ Pháp chế"],
            &[
                "Trung tâm chứng thực điện tử quốc gia",
                "Trung tâm Chứng thực điện tử Quốc gia",
            ],
            &["Cục An toàn thông tin tin", "Cục An toàn thông tin"],
            &[
                "Trung tâm CNTT",
                "Trung tâm Công nghệ thông tin (CNTT)",
                "Trung tâm Công nghệ thông tin",
            ],
            &[
                "Cục Thông tin khoa học và công nghệ (KH&CN) Quốc gia",
                "Cục Thông tin khoa học và công nghệ Quốc gia",
                "Cục Thông tin khoa học và công nghệ quốc gia",
            ],
            &[
                "Cục Phát triển thị trường và doanh nghiệp KH&CN",
                "Cục Phát triển thị trường và doanh nghiệp khoa học và công nghệ",
            ],
            &["Vụ hợp tác quốc tế", "Vụ Hợp tác quốc tế"],
            &["Tổng Cục Quản lý đất đai", "Tổng cục Quản lý đất đai"],
        ];
        for group in variants {
            let keys: Vec<String> = group.iter().map(|v| one(v).key).collect();
            assert!(
                keys.iter().all(|k| *k == keys[0]),
                "{group:?} gave {keys:?}"
            );
        }
    }

    #[test]
    fn the_same_name_under_another_parent_is_another_unit() {
        let other = one("Trung tâm Công nghệ thông tin-Bộ Khoa học và Công nghệ");
        let own = one("Trung tâm Công nghệ thông tin");
        assert_eq!(other.name, own.name);
        assert_ne!(other.key, own.key);
        assert_eq!(
            other.key,
            "trung tam cong nghe thong tin|bo khoa hoc va cong nghe"
        );
    }

    #[test]
    fn only_an_immediately_repeated_identical_word_is_dropped() {
        assert_eq!(
            one("Cục An toàn thông tin tin").name,
            "Cục An toàn thông tin"
        );
        assert_eq!(
            one("Cục An toàn thông tin Tin").name,
            "Cục An toàn thông tin"
        );
        assert_eq!(
            one("Cục An toàn thông tin tin").written,
            "Cục An toàn thông tin tin"
        );
        let credit = "Trung tâm thông tin tín dụng quốc gia";
        assert_eq!(one(credit).name, credit);
    }

    #[test]
    fn abbreviations_are_expanded_and_parenthesised_abbreviations_dropped() {
        assert_eq!(one("Trung tâm CNTT").name, "Trung tâm Công nghệ thông tin");
        assert_eq!(
            one("Trung tâm Công nghệ thông tin (CNTT)").name,
            "Trung tâm Công nghệ thông tin"
        );
        assert_eq!(one("Vụ CSDL").name, "Vụ Cơ sở dữ liệu");
        assert_eq!(one("Sở TTTT").name, "Sở Thông tin và Truyền thông");
        assert_eq!(
            one("Các đơn vị chủ trì cung cấp TTHC").name,
            "Các đơn vị chủ trì cung cấp thủ tục hành chính"
        );
        assert_eq!(one("Tạp chí CNTT&TT").name, "Tạp chí CNTT&TT");
    }

    #[test]
    fn plural_and_generic_phrases_are_groups_and_proper_units_are_not() {
        for group in [
            "Các đơn vị thuộc Bộ",
            "Các nhà mạng",
            "những cơ quan liên quan",
            "Đơn vị chuyên trách về Công nghệ thông tin",
            "các doanh nghiệp viễn thông di động",
            "Các Vụ và các Văn phòng thuộc Bộ",
            "Các đơn vị có liên quan thực hiện đề án",
        ] {
            assert!(one(group).is_group, "{group}");
        }
        for unit in [
            "Văn phòng Bộ",
            "Trung tâm thông tin",
            "Sở Thông tin và Truyền thông",
            "Vụ Khoa học và công nghệ các ngành kinh tế - kỹ thuật",
        ] {
            assert!(!one(unit).is_group, "{unit}");
        }
    }

    #[test]
    fn every_lead_and_partner_cell_of_both_seeds_splits_correctly() {
        let cells: &[(&str, &[&str])] = &[
            ("Cục Tin học hóa", &["Cục Tin học hóa"]),
            (
                "Cục An toàn thông tin, Cục Bưu điện Trung ương, Viện Chiến lược Thông tin và Truyền thông, Viện Công nghiệp phần mềm và nội dung số Việt Nam",
                &[
                    "Cục An toàn thông tin",
                    "Cục Bưu điện Trung ương",
                    "Viện Chiến lược Thông tin và Truyền thông",
                    "Viện Công nghiệp phần mềm và nội dung số Việt Nam",
                ],
            ),
            ("Văn phòng Bộ", &["Văn phòng Bộ"]),
            (
                "Vụ Pháp chế, các cơ quan, đơn vị thuộc Bộ",
                &["Vụ Pháp chế", "[g] Các cơ quan, đơn vị thuộc Bộ"],
            ),
            (
                "Vụ Pháp chế, Cục An toàn thông tin, Cục Bưu điện Trung ương, Trung tâm Chứng thực điện tử Quốc gia",
                &[
                    "Vụ Pháp chế",
                    "Cục An toàn thông tin",
                    "Cục Bưu điện Trung ương",
                    "Trung tâm Chứng thực điện tử Quốc gia",
                ],
            ),
            (
                "Trung tâm chứng thực điện tử quốc gia",
                &["Trung tâm chứng thực điện tử quốc gia"],
            ),
            (
                "Cục Tin học hóa, Cục An toàn thông tin tin, Viện Chiến lược Thông tin và Truyền thông, Viện Công nghiệp phần mềm và nội dung số Việt Nam",
                &[
                    "Cục Tin học hóa",
                    "Cục An toàn thông tin",
                    "Viện Chiến lược Thông tin và Truyền thông",
                    "Viện Công nghiệp phần mềm và nội dung số Việt Nam",
                ],
            ),
            (
                "Vụ pháp chế, Cục Tin học hóa, Cục An toàn thông tin tin, Viện Chiến lược Thông tin và Truyền thông, Viện Công nghiệp phần mềm và nội dung số Việt Nam",
                &[
                    "Vụ pháp chế",
                    "Cục Tin học hóa",
                    "Cục An toàn thông tin",
                    "Viện Chiến lược Thông tin và Truyền thông",
                    "Viện Công nghiệp phần mềm và nội dung số Việt Nam",
                ],
            ),
            ("Cục Viễn thông", &["Cục Viễn thông"]),
            (
                "Cục Tin học hóa, Cục Bưu điện Trung ương, các đơn vị thuộc Bộ Công an, các doanh nghiệp viễn thông di động",
                &[
                    "Cục Tin học hóa",
                    "Cục Bưu điện Trung ương",
                    "[g] Các đơn vị thuộc Bộ Công an",
                    "[g] Các doanh nghiệp viễn thông di động",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Trung tâm Công nghệ thông tin của Bảo hiểm xã hội Việt Nam",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Trung tâm Công nghệ thông tin @ Bảo hiểm xã hội Việt Nam",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Cục Quản lý và đăng ký kinh doanh-Bộ Kế hoạch và Đầu tư",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Cục Quản lý và đăng ký kinh doanh @ Bộ Kế hoạch và Đầu tư",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Tổng Cục Quản lý đất đai và Cục Công nghệ thông tin và Dữ liệu tài nguyên môi trường của Bộ Tài nguyên và Môi trường",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Tổng cục Quản lý đất đai @ Bộ Tài nguyên và Môi trường",
                    "Cục Công nghệ thông tin và Dữ liệu tài nguyên môi trường @ Bộ Tài nguyên và Môi trường",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Cục Tin học và Thống kê tài chính-Bộ Tài chính",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Cục Tin học và Thống kê tài chính @ Bộ Tài chính",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Trung tâm thông tin của Thanh tra Chính phủ",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Trung tâm thông tin @ Thanh tra Chính phủ",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Trung tâm Công nghệ thông tin-Bộ Khoa học và Công nghệ",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Trung tâm Công nghệ thông tin @ Bộ Khoa học và Công nghệ",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Trung tâm tin học-Bộ Nội vụ",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Trung tâm tin học @ Bộ Nội vụ",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Trung tâm Công nghệ thông tin-Bộ Giao thông vận tải",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Trung tâm Công nghệ thông tin @ Bộ Giao thông vận tải",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Cục Công nghệ thông tin-Bộ Tư pháp",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Cục Công nghệ thông tin @ Bộ Tư pháp",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Trung tâm thông tin-Bộ Lao động-Thương binh và Xã hội",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Trung tâm thông tin @ Bộ Lao động-Thương binh và Xã hội",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Văn phòng-Tòa án nhân dân tối cao",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Văn phòng @ Tòa án nhân dân tối cao",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Cục Công nghệ thông tin-Bộ Giáo dục và Đào tạo",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Cục Công nghệ thông tin @ Bộ Giáo dục và Đào tạo",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Cục thống kê tội phạm-Viện kiểm sát nhân dân tối cao",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Cục thống kê tội phạm @ Viện kiểm sát nhân dân tối cao",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Văn phòng-Bộ Nông nghiệp và Phát triển nông thôn",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Văn phòng @ Bộ Nông nghiệp và Phát triển nông thôn",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Bộ Tư lệnh tác chiến không gian mạng-Bộ Quốc phòng, Cục Công nghệ thông tin-Bộ Tư pháp",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Bộ Tư lệnh tác chiến không gian mạng @ Bộ Quốc phòng",
                    "Cục Công nghệ thông tin @ Bộ Tư pháp",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Tổng liên đoàn lao động Việt Nam",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Tổng liên đoàn lao động Việt Nam",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Trung ương Đoàn thanh niên cộng sản Hồ Chí Minh",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Trung ương Đoàn thanh niên cộng sản Hồ Chí Minh",
                ],
            ),
            (
                "Cục Cảnh sát quản lý hành chính về trật tự xã hội-Bộ Công an, Cục Công nghệ thông tin, Trung tâm thông tin tín dụng quốc gia-Ngân hàng nhà nước",
                &[
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội @ Bộ Công an",
                    "Cục Công nghệ thông tin",
                    "Trung tâm thông tin tín dụng quốc gia @ Ngân hàng nhà nước",
                ],
            ),
            (
                "Trung tâm thông tin, Cục An toàn thông tin, Cục Bưu điện Trung ương, Trung tâm Internet Việt Nam và các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                &[
                    "Trung tâm thông tin",
                    "Cục An toàn thông tin",
                    "Cục Bưu điện Trung ương",
                    "Trung tâm Internet Việt Nam",
                    "[g] Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                ],
            ),
            (
                "Cục Tin học hóa, Trung tâm thông tin và các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                &[
                    "Cục Tin học hóa",
                    "Trung tâm thông tin",
                    "[g] Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                ],
            ),
            (
                "Cục Tin học hóa, Trung tâm thông tin, các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                &[
                    "Cục Tin học hóa",
                    "Trung tâm thông tin",
                    "[g] Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                ],
            ),
            (
                "Cục Tin học hoá, Trung tâm thông tin, các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                &[
                    "Cục Tin học hoá",
                    "Trung tâm thông tin",
                    "[g] Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                ],
            ),
            (
                "Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                &["[g] Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông"],
            ),
            (
                "Các cơ quan, Trung tâm thông tin, đơn vị thuộc Bộ Thông tin và Truyền thông",
                &[
                    "[g] Các cơ quan, đơn vị thuộc Bộ Thông tin và Truyền thông",
                    "Trung tâm thông tin",
                ],
            ),
            ("Vụ Kế hoạch và Tài chính", &["Vụ Kế hoạch và Tài chính"]),
            ("Cục An toàn thông tin", &["Cục An toàn thông tin"]),
            (
                "Đơn vị quản lý, vận hành hệ thống, nền tảng",
                &["[g] Đơn vị quản lý, vận hành hệ thống, nền tảng"],
            ),
            (
                "Đơn vị chuyên trách về Công nghệ thông tin, Sở Thông tin và Truyền thông, cơ quan, đơn vị quản lý hệ thống thông tin giải quyết thủ tục hành chính",
                &[
                    "[g] Đơn vị chuyên trách về Công nghệ thông tin",
                    "Sở Thông tin và Truyền thông",
                    "[g] Cơ quan, đơn vị quản lý hệ thống thông tin giải quyết thủ tục hành chính",
                ],
            ),
            (
                "Đơn vị chuyên trách về Công nghệ thông tin, Sở Thông tin và Truyền thông, cơ quan, đơn vị quản lý các cơ sở dữ liệu, hệ thống thông tin",
                &[
                    "[g] Đơn vị chuyên trách về Công nghệ thông tin",
                    "Sở Thông tin và Truyền thông",
                    "[g] Cơ quan, đơn vị quản lý các cơ sở dữ liệu, hệ thống thông tin",
                ],
            ),
            (
                "Cục An toàn thông tin, Cục Bưu điện Trung ương",
                &["Cục An toàn thông tin", "Cục Bưu điện Trung ương"],
            ),
            (
                "Cục Phát thanh Truyền hình và Thông tin điện tử",
                &["Cục Phát thanh Truyền hình và Thông tin điện tử"],
            ),
            (
                "Cục Báo chí, Cục Thông tin cơ sở, Cục Tin học hoá, Trung tâm thông tin, Báo Vietnamnet, Tạp chí CNTT&TT",
                &[
                    "Cục Báo chí",
                    "Cục Thông tin cơ sở",
                    "Cục Tin học hoá",
                    "Trung tâm thông tin",
                    "Báo Vietnamnet",
                    "Tạp chí CNTT&TT",
                ],
            ),
            ("Các nhà mạng", &["[g] Các nhà mạng"]),
            (
                "Trung tâm Công nghệ thông tin (CNTT)",
                &["Trung tâm Công nghệ thông tin"],
            ),
            (
                "Văn pho\u{300}ng Bộ, các đơn vị có liên quan thực hiện đề án",
                &[
                    "Văn phòng Bộ",
                    "[g] Các đơn vị có liên quan thực hiện đề án",
                ],
            ),
            ("Trung tâm CNTT", &["Trung tâm Công nghệ thông tin"]),
            (
                "Vụ Công nghệ cao; Cục An toàn bức xạ và hạt nhân; Cục Thông tin khoa học và công nghệ (KH&CN) Quốc gia; Cục Sở hữu trí tuệ; Tổng cục Tiêu chuẩn Đo lường Chất lượng",
                &[
                    "Vụ Công nghệ cao",
                    "Cục An toàn bức xạ và hạt nhân",
                    "Cục Thông tin khoa học và công nghệ Quốc gia",
                    "Cục Sở hữu trí tuệ",
                    "Tổng cục Tiêu chuẩn Đo lường Chất lượng",
                ],
            ),
            ("Vụ Pháp chế", &["Vụ Pháp chế"]),
            ("Các đơn vị thuộc Bộ", &["[g] Các đơn vị thuộc Bộ"]),
            (
                "Các đơn vị chủ trì cung cấp TTHC",
                &["[g] Các đơn vị chủ trì cung cấp thủ tục hành chính"],
            ),
            ("Văn pho\u{300}ng Bộ", &["Văn phòng Bộ"]),
            (
                "Trung tâm CNTT; Văn pho\u{300}ng Bộ",
                &["Trung tâm Công nghệ thông tin", "Văn phòng Bộ"],
            ),
            (
                "Các Vụ và các Văn pho\u{300}ng thuộc Bộ",
                &["[g] Các Vụ và các Văn phòng thuộc Bộ"],
            ),
            (
                "Cục Thông tin khoa học và công nghệ Quốc gia",
                &["Cục Thông tin khoa học và công nghệ Quốc gia"],
            ),
            (
                "Trung tâm CNTT, Văn pho\u{300}ng Bộ.",
                &["Trung tâm Công nghệ thông tin", "Văn phòng Bộ"],
            ),
            (
                "Văn pho\u{300}ng Bộ, Trung tâm CNTT",
                &["Văn phòng Bộ", "Trung tâm Công nghệ thông tin"],
            ),
            ("Cục Thông tin", &["Cục Thông tin"]),
            (
                "Cục Phát triển thị trường và doanh nghiệp KH&CN",
                &["Cục Phát triển thị trường và doanh nghiệp khoa học và công nghệ"],
            ),
            ("Cục Sở hữu trí tuệ", &["Cục Sở hữu trí tuệ"]),
            (
                "Tổng cục Tiêu chuẩn Đo lường Chất lượng",
                &["Tổng cục Tiêu chuẩn Đo lường Chất lượng"],
            ),
            (
                "Các đơn vị có liên quan thực hiện đề án",
                &["[g] Các đơn vị có liên quan thực hiện đề án"],
            ),
            (
                "Cục Thông tin khoa học và công nghệ quốc gia",
                &["Cục Thông tin khoa học và công nghệ quốc gia"],
            ),
            (
                "Trung tâm CNTT, Cục Phát triển công nghệ và Đổi mới sáng tạo, Cục Phát triển thị trường và doanh nghiệp KH&CN, Viện Đánh giá khoa học và Định giá công nghệ, Quỹ Phát triển khoa học và công nghệ quốc gia",
                &[
                    "Trung tâm Công nghệ thông tin",
                    "Cục Phát triển công nghệ và Đổi mới sáng tạo",
                    "Cục Phát triển thị trường và doanh nghiệp khoa học và công nghệ",
                    "Viện Đánh giá khoa học và Định giá công nghệ",
                    "Quỹ Phát triển khoa học và công nghệ quốc gia",
                ],
            ),
        ];
        for (cell, expected) in cells {
            assert_eq!(render(cell), *expected, "{cell}");
        }
    }

    #[test]
    fn the_94_notes_line_defines_a_group_of_fifteen_units() {
        let group = parse_group_definition(NOTES_94).expect("the notes line defines a group");
        assert_eq!(
            group.name,
            "Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ"
        );
        assert_eq!(group.members.len(), 15);
        let names: Vec<&str> = group.members.iter().map(|m| m.name.as_str()).collect();
        assert!(names.contains(&"Vụ Đánh giá, thẩm định và giám định công nghệ"));
        assert!(names.contains(&"Vụ Kế hoạch - Tài chính"));
        assert!(names.contains(&"Vụ Khoa học và công nghệ các ngành kinh tế - kỹ thuật"));
        assert_eq!(
            names.last(),
            Some(&"Văn phòng Đăng ký hoạt động khoa học và công nghệ")
        );
        assert!(
            group
                .members
                .iter()
                .all(|m| !m.is_group && m.parent.is_none())
        );
    }

    #[test]
    fn a_notes_line_without_a_group_and_a_member_list_is_no_definition() {
        assert_eq!(
            parse_group_definition("- Kinh phí thực hiện từ ngân sách nhà nước."),
            None
        );
        assert_eq!(parse_group_definition("Kế hoạch gồm: ba phần"), None);
        assert_eq!(parse_group_definition("Các đơn vị gồm:"), None);
        let short = parse_group_definition("Các nhà mạng gồm: Viettel; Tập đoàn VNPT");
        assert_eq!(short.map(|g| g.members.len()), Some(2));
    }

    #[test]
    fn the_table_abbreviation_refers_to_the_group_defined_in_the_notes() {
        let group = parse_group_definition(NOTES_94).expect("the notes line defines a group");
        assert!(refers_to_group(
            &one("Các đơn vị chủ trì cung cấp TTHC"),
            &group
        ));
        assert!(refers_to_group(
            &one("các đơn vị chủ trì cung cấp thủ tục hành chính thuộc Bộ"),
            &group
        ));
        assert!(!refers_to_group(&one("Các đơn vị thuộc Bộ"), &group));
        assert!(!refers_to_group(&one("Văn phòng Bộ"), &group));
    }

    #[test]
    fn odd_input_never_panics() {
        let odd = [
            "",
            "-",
            "–",
            "và",
            " và ",
            "của",
            "của Bộ",
            "Cục A của",
            "(",
            ")",
            "()",
            "(CNTT",
            "CNTT)",
            "\u{300}",
            "Cục\u{300}-\u{300}Bộ",
            "İİ-Bộ X",
            ",,,;;;",
            "các",
            "cơ quan, ",
            "- gồm:",
            "bao gồm:",
            "Các đơn vị bao gồm: -",
            "Cục A và",
            "và Cục A",
            "Cục A-",
            "-Bộ Công an",
        ];
        for text in odd {
            let _ = split_units(text);
            let _ = parse_group_definition(text);
        }
        for cell in [
            NOTES_94,
            "Trung tâm thông tin-Bộ Lao động-Thương binh và Xã hội của Bộ",
        ] {
            for (at, _) in cell.char_indices() {
                let _ = split_units(&cell[..at]);
                let _ = split_units(&cell[at..]);
                let _ = parse_group_definition(&cell[at..]);
            }
        }
    }
}
