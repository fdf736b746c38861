//! The state's central bodies by their official names: the National Assembly and its organs, the
//! Government, the ministries and ministry-level agencies (as of 2025, and the names they had
//! before the 2025 reorganisation), the courts and procuracy, and the central mass
//! organisations. A name written in capitals in a document's heading ("BỘ VĂN HÓA, THỂ THAO VÀ
//! DU LỊCH") or in another spelling ("Uỷ ban thường vụ Quốc hội") is given its official form,
//! and a unit named in another body's plan is known not to belong to that body.

use crate::domain::text::fold;

/// Official names, in their official capitalisation.
#[rustfmt::skip]
const CENTRAL_BODIES: &[&str] = &[
    "Quốc hội", "Ủy ban Thường vụ Quốc hội", "Hội đồng Dân tộc", "Văn phòng Quốc hội",
    "Chủ tịch nước", "Văn phòng Chủ tịch nước", "Chính phủ", "Thủ tướng Chính phủ",
    "Văn phòng Chính phủ", "Bộ Quốc phòng", "Bộ Công an", "Bộ Ngoại giao", "Bộ Nội vụ",
    "Bộ Tư pháp", "Bộ Tài chính", "Bộ Công Thương", "Bộ Nông nghiệp và Môi trường",
    "Bộ Xây dựng", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Khoa học và Công nghệ",
    "Bộ Giáo dục và Đào tạo", "Bộ Y tế", "Bộ Dân tộc và Tôn giáo",
    "Ngân hàng Nhà nước Việt Nam", "Thanh tra Chính phủ", "Bộ Thông tin và Truyền thông",
    "Bộ Kế hoạch và Đầu tư", "Bộ Lao động - Thương binh và Xã hội",
    "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Phát triển nông thôn",
    "Bộ Giao thông vận tải", "Ủy ban Dân tộc", "Tòa án nhân dân tối cao",
    "Viện kiểm sát nhân dân tối cao", "Kiểm toán nhà nước",
    "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "Bảo hiểm xã hội Việt Nam",
    "Thông tấn xã Việt Nam", "Đài Tiếng nói Việt Nam", "Đài Truyền hình Việt Nam",
    "Viện Hàn lâm Khoa học và Công nghệ Việt Nam", "Viện Hàn lâm Khoa học xã hội Việt Nam",
    "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp", "Đại học Quốc gia Hà Nội",
    "Đại học Quốc gia Thành phố Hồ Chí Minh", "Tổng Liên đoàn Lao động Việt Nam",
    "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Hội Liên hiệp Phụ nữ Việt Nam",
    "Hội Nông dân Việt Nam", "Hội Cựu chiến binh Việt Nam", "Kho bạc Nhà nước",
];

/// Mass organisations: they answer to no ministry, whoever's plan names them.
#[rustfmt::skip]
const MASS_ORGANISATIONS: &[&str] = &[
    "mat tran to quoc", "lien doan lao dong", "cong doan", "doan thanh nien",
    "hoi lien hiep phu nu", "hoi nong dan", "hoi cuu chien binh", "hiep hoi",
    "lien hiep cac hoi",
];

/// The official form of a central body's name, if `name` is one (diacritics, case, "Uỷ"/"Ủy"
/// and spacing around hyphens ignored).
pub fn central_body(name: &str) -> Option<&'static str> {
    let key = body_key(name);
    CENTRAL_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, body)| *body)
}

/// The keys of the central bodies, worked out once: every unit an import or a preview names is
/// looked up here, a few times each.
static CENTRAL_KEYS: std::sync::LazyLock<Vec<(String, &'static str)>> =
    std::sync::LazyLock::new(|| CENTRAL_BODIES.iter().map(|b| (body_key(b), *b)).collect());

/// True for a body that stands outside any ministry: a central body other than a ministry's
/// own units, a mass organisation, or a province's or city's body.
pub fn stands_alone(name: &str) -> bool {
    let key = body_key(name);
    central_body(name).is_some()
        || MASS_ORGANISATIONS.iter().any(|m| key.contains(m))
        || ["uy ban nhan dan", "ubnd ", "hoi dong nhan dan"]
            .iter()
            .any(|p| key.starts_with(p))
}

/// A lower-cased text with the names of central bodies (and "Việt Nam") capitalised again:
/// "… của bộ nội vụ" → "… của Bộ Nội vụ".
pub fn with_official_names(text: &str) -> String {
    let mut out = text.to_owned();
    for name in CENTRAL_BODIES.iter().chain(&["Việt Nam"]) {
        let lower = name.to_lowercase();
        let mut from = 0;
        while let Some(at) = out[from..].find(&lower).map(|i| i + from) {
            // A whole-word match only, not the middle of a longer word.
            let before = out[..at].chars().next_back();
            let after = out[at + lower.len()..].chars().next();
            if before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
            {
                out.replace_range(at..at + lower.len(), name);
                from = at + name.len();
            } else {
                from = at + lower.len();
            }
        }
    }
    out
}

/// True when a unit named (without a parent suffix) in a plan of `issuer` is one of the
/// issuer's own units. Not so for a central body, a mass organisation or a province's body,
/// whoever names it; nor, in a plan of a central body, for a local unit ("Sở Tư pháp các tỉnh",
/// "Công an cấp xã").
pub fn belongs_to_issuer(unit: &str, issuer: &str) -> bool {
    if stands_alone(unit) {
        return false;
    }
    !(central_body(issuer).is_some() && is_local(unit))
}

/// A unit of a province, a district or a commune: "Sở …", "Công an tỉnh", "UBND cấp xã",
/// "Phòng Tư pháp các huyện".
fn is_local(unit: &str) -> bool {
    let key = body_key(unit);
    let words: Vec<&str> = key
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |pair: &[&str]| words.windows(pair.len()).any(|w| w == pair);
    matches!(words.first(), Some(&"so") | Some(&"phong"))
        || ["tinh", "huyen", "xa", "phuong"]
            .iter()
            .any(|w| words.contains(w))
        || has(&["thanh", "pho"])
        || has(&["dia", "phuong"])
}

fn body_key(name: &str) -> String {
    fold(name)
        .replace(" - ", "-")
        .replace(" -", "-")
        .replace("- ", "-")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_in_capitals_find_the_official_name() {
        assert_eq!(
            central_body("BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),
            Some("Bộ Văn hóa, Thể thao và Du lịch")
        );
        assert_eq!(
            central_body("Uỷ ban thường vụ Quốc hội"),
            Some("Ủy ban Thường vụ Quốc hội")
        );
        assert_eq!(
            central_body("Bộ Lao động-Thương binh và Xã hội"),
            Some("Bộ Lao động - Thương binh và Xã hội")
        );
        assert_eq!(central_body("Cục Tin học hóa"), None);
    }

    #[test]
    fn official_names_are_capitalised_again_in_a_lowered_text() {
        assert_eq!(
            with_official_names("về việc ban hành lịch của bộ nội vụ và bộ công an"),
            "về việc ban hành lịch của Bộ Nội vụ và Bộ Công an"
        );
    }

    #[test]
    fn a_plans_own_units_are_told_from_units_elsewhere() {
        let ministry = "Bộ Khoa học và Công nghệ";
        assert!(belongs_to_issuer("Vụ Pháp chế", ministry));
        assert!(!belongs_to_issuer("Bộ Công an", ministry));
        assert!(!belongs_to_issuer(
            "Sở Khoa học và Công nghệ các tỉnh",
            ministry
        ));
        assert!(!belongs_to_issuer("Công đoàn Bộ", ministry));
        assert!(!belongs_to_issuer("Đoàn Thanh niên Bộ", ministry));
        assert!(!belongs_to_issuer("UBND cấp xã", ministry));
        let province = "Ủy ban nhân dân tỉnh Bắc Ninh";
        assert!(belongs_to_issuer("Sở Tư pháp", province));
        assert!(!belongs_to_issuer("Bộ Công an", province));
    }

    #[test]
    fn provinces_central_bodies_and_mass_organisations_stand_alone() {
        assert!(stands_alone("Bộ Công an"));
        assert!(stands_alone("Ủy ban nhân dân các tỉnh, thành phố"));
        assert!(stands_alone("Trung ương Mặt trận Tổ quốc Việt Nam"));
        assert!(stands_alone("Công đoàn Bộ"));
        assert!(!stands_alone("Vụ Pháp chế"));
    }
}
