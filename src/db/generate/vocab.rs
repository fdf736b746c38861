//! The words generated plans are made of, taken from the seed plans (905/QĐ-BTTTT, 94/QĐ-BKHCN)
//! and documents of the same kind: issuers, units, task phrases, deadline forms, progress notes.

use chrono::{Datelike, Months, NaiveDate};

use super::rng::Rng;

/// A ministry-level issuer: (name, issuer code).
#[rustfmt::skip]
pub const MINISTRIES: &[(&str, &str)] = &[
    ("Bộ Thông tin và Truyền thông", "BTTTT"), ("Bộ Khoa học và Công nghệ", "BKHCN"),
    ("Bộ Công an", "BCA"), ("Bộ Tư pháp", "BTP"), ("Bộ Tài chính", "BTC"), ("Bộ Y tế", "BYT"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT"), ("Bộ Lao động-Thương binh và Xã hội", "BLĐTBXH"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "BNNPTNT"), ("Bộ Tài nguyên và Môi trường", "BTNMT"),
    ("Bộ Xây dựng", "BXD"), ("Bộ Giao thông vận tải", "BGTVT"), ("Bộ Công Thương", "BCT"),
    ("Bộ Kế hoạch và Đầu tư", "BKHĐT"), ("Bộ Nội vụ", "BNV"), ("Bộ Ngoại giao", "BNG"),
    ("Bộ Quốc phòng", "BQP"), ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL"),
    ("Ngân hàng Nhà nước Việt Nam", "NHNN"), ("Bảo hiểm xã hội Việt Nam", "BHXH"),
    ("Thanh tra Chính phủ", "TTCP"), ("Ủy ban Dân tộc", "UBDT"),
];

/// Provinces and centrally-run cities; their plans are issued by "UBND tỉnh/thành phố …".
#[rustfmt::skip]
pub const PROVINCES: &[&str] = &[
    "tỉnh An Giang", "tỉnh Bà Rịa - Vũng Tàu", "tỉnh Bắc Giang", "tỉnh Bắc Kạn", "tỉnh Bạc Liêu",
    "tỉnh Bắc Ninh", "tỉnh Bến Tre", "tỉnh Bình Định", "tỉnh Bình Dương", "tỉnh Bình Phước",
    "tỉnh Bình Thuận", "tỉnh Cà Mau", "thành phố Cần Thơ", "tỉnh Cao Bằng", "thành phố Đà Nẵng",
    "tỉnh Đắk Lắk", "tỉnh Đắk Nông", "tỉnh Điện Biên", "tỉnh Đồng Nai", "tỉnh Đồng Tháp",
    "tỉnh Gia Lai", "tỉnh Hà Giang", "tỉnh Hà Nam", "thành phố Hà Nội", "tỉnh Hà Tĩnh",
    "tỉnh Hải Dương", "thành phố Hải Phòng", "tỉnh Hậu Giang", "tỉnh Hòa Bình", "tỉnh Hưng Yên",
    "tỉnh Khánh Hòa", "tỉnh Kiên Giang", "tỉnh Kon Tum", "tỉnh Lai Châu", "tỉnh Lâm Đồng",
    "tỉnh Lạng Sơn", "tỉnh Lào Cai", "tỉnh Long An", "tỉnh Nam Định", "tỉnh Nghệ An",
    "tỉnh Ninh Bình", "tỉnh Ninh Thuận", "tỉnh Phú Thọ", "tỉnh Phú Yên", "tỉnh Quảng Bình",
    "tỉnh Quảng Nam", "tỉnh Quảng Ngãi", "tỉnh Quảng Ninh", "tỉnh Quảng Trị", "tỉnh Sóc Trăng",
    "tỉnh Sơn La", "tỉnh Tây Ninh", "tỉnh Thái Bình", "tỉnh Thái Nguyên", "tỉnh Thanh Hóa",
    "tỉnh Thừa Thiên Huế", "tỉnh Tiền Giang", "Thành phố Hồ Chí Minh", "tỉnh Trà Vinh",
    "tỉnh Tuyên Quang", "tỉnh Vĩnh Long", "tỉnh Vĩnh Phúc", "tỉnh Yên Bái",
];

/// Units of a ministry, named without the ministry (the plan's own units).
#[rustfmt::skip]
pub const MINISTRY_UNITS: &[&str] = &[
    "Văn phòng Bộ", "Trung tâm Công nghệ thông tin", "Vụ Pháp chế", "Vụ Kế hoạch - Tài chính",
    "Vụ Tổ chức cán bộ", "Thanh tra Bộ", "Vụ Hợp tác quốc tế", "Cục Tin học hóa",
    "Cục An toàn thông tin", "Vụ Khoa học và Công nghệ", "Trung tâm Thông tin",
    "Vụ Thi đua - Khen thưởng", "Cục Kiểm soát thủ tục hành chính", "Trung tâm Dữ liệu",
    "Vụ Đánh giá, thẩm định và giám định công nghệ", "Cục Quản lý chất lượng", "Viện Chiến lược",
    "Cục Thống kê", "Trung tâm Chứng thực điện tử", "Cục Đăng ký quốc gia", "Vụ Chính sách",
    "Cục Quản lý thị trường", "Tổng cục Tiêu chuẩn Đo lường Chất lượng", "Cục Sở hữu trí tuệ",
    "Quỹ Phát triển khoa học và công nghệ quốc gia", "Viện Công nghiệp phần mềm và nội dung số",
    "Cục Bưu điện Trung ương", "Học viện Công nghệ Bưu chính Viễn thông", "Báo điện tử",
    "Tạp chí Công nghệ thông tin", "Trung tâm Internet Việt Nam", "Cục Phát thanh, truyền hình và thông tin điện tử",
];

/// Units of a province (its departments and districts).
#[rustfmt::skip]
pub const PROVINCE_UNITS: &[&str] = &[
    "Văn phòng UBND tỉnh", "Sở Thông tin và Truyền thông", "Công an tỉnh", "Sở Tư pháp",
    "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Lao động - Thương binh và Xã hội",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường", "Sở Xây dựng",
    "Sở Giao thông vận tải", "Sở Công Thương", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ",
    "Bảo hiểm xã hội tỉnh", "Trung tâm Phục vụ hành chính công", "Cục Thuế tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Ban Dân tộc",
    "Trung tâm Giám sát, điều hành đô thị thông minh", "Kho bạc Nhà nước tỉnh", "Thanh tra tỉnh",
];

/// Groups a plan names instead of units: (name in a ministry's plan, name in a province's plan).
#[rustfmt::skip]
pub const GROUPS: &[(&str, &str)] = &[
    ("Các đơn vị thuộc Bộ", "Các sở, ban, ngành"),
    ("Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ", "UBND các huyện, thị xã, thành phố"),
    ("Các cơ quan, đơn vị thuộc Bộ", "Các cơ quan, đơn vị thuộc tỉnh"),
    ("Đơn vị quản lý, vận hành hệ thống, nền tảng", "Các đơn vị quản lý cơ sở dữ liệu chuyên ngành"),
    ("Các nhà mạng", "Các doanh nghiệp viễn thông trên địa bàn"),
];

/// Section titles (I–V) of a plan.
#[rustfmt::skip]
pub const SECTIONS: &[&str] = &[
    "XÂY DỰNG, HOÀN THIỆN THỂ CHẾ, CHÍNH SÁCH, HƯỚNG DẪN",
    "HOÀN THIỆN HỆ SINH THÁI PHỤC VỤ KẾT NỐI, KHAI THÁC, BỔ SUNG LÀM GIÀU DỮ LIỆU DÂN CƯ",
    "PHỤC VỤ XỬ LÝ THỦ TỤC HÀNH CHÍNH, CUNG CẤP DỊCH VỤ CÔNG, QUẢN TRỊ NỘI BỘ",
    "TỔ CHỨC ĐIỀU PHỐI, HƯỚNG DẪN KẾT NỐI, CHIA SẺ DỮ LIỆU",
    "TUYÊN TRUYỀN",
];

#[rustfmt::skip]
const VERBS: &[&str] = &[
    "Kết nối, chia sẻ dữ liệu giữa Cơ sở dữ liệu quốc gia về dân cư với", "Rà soát, nâng cấp, hoàn thiện",
    "Xây dựng, trình phê duyệt", "Hướng dẫn, hỗ trợ các đơn vị kết nối", "Tổ chức tuyên truyền về",
    "Đôn đốc, kiểm tra việc triển khai", "Nghiên cứu, rà soát, đề xuất sửa đổi, bổ sung quy định về",
    "Triển khai", "Tích hợp, cung cấp", "Cập nhật, chuẩn hóa", "Số hóa và tái sử dụng kết quả số hóa",
    "Tổ chức quản lý, vận hành, duy trì", "Bảo đảm an toàn, an ninh mạng cho", "Bố trí kinh phí cho",
    "Kết nối, tích hợp, chia sẻ", "Xây dựng báo cáo tình hình, kết quả thực hiện",
    "Tiếp tục triển khai", "Kết nối, chia sẻ, khai thác dữ liệu giữa CSDL quốc gia về dân cư với",
];

#[rustfmt::skip]
const OBJECTS: &[&str] = &[
    "hệ thống thông tin giải quyết thủ tục hành chính", "Nền tảng tích hợp, chia sẻ dữ liệu",
    "Hệ thống định danh và xác thực điện tử", "dịch vụ công trực tuyến toàn trình",
    "Cổng Dịch vụ công quốc gia", "cơ sở hạ tầng công nghệ thông tin", "ứng dụng VNeID",
    "mẫu đơn, tờ khai có thông tin công dân", "hồ sơ, kết quả giải quyết thủ tục hành chính",
    "danh mục tài liệu, hồ sơ thủ tục hành chính", "Trung tâm dữ liệu", "LGSP của Bộ",
    "hệ thống thông tin một cửa điện tử", "dịch vụ ký số từ xa", "tài khoản định danh điện tử",
];

/// Domains of the national and sector databases; the rarer words of a plan.
#[rustfmt::skip]
const DOMAINS: &[&str] = &[
    "bảo hiểm", "đăng ký doanh nghiệp", "đất đai", "tài chính", "khiếu nại tố cáo",
    "cán bộ, công chức, viên chức", "giấy phép lái xe", "đăng kiểm phương tiện", "hộ tịch điện tử",
    "an sinh xã hội", "giáo dục và đào tạo", "hồ sơ vụ án", "lý lịch tư pháp", "trợ giúp pháp lý",
    "thi hành án dân sự", "công chứng", "khách hàng vay", "thuế", "y tế", "tiêm chủng",
    "khám chữa bệnh", "người có công", "bảo trợ xã hội", "việc làm", "nhà ở", "xây dựng",
    "quy hoạch", "tài nguyên nước", "môi trường", "khoa học và công nghệ", "sở hữu trí tuệ",
    "tiêu chuẩn đo lường chất lượng", "cung cầu công nghệ", "văn hóa", "du lịch", "thể thao",
    "nông nghiệp", "thủy sản", "lâm nghiệp", "giao thông", "hải quan", "kho bạc", "ngân hàng",
    "chứng thực", "quốc tịch", "xuất nhập cảnh", "cư trú", "con dấu", "vũ khí", "phòng cháy chữa cháy",
];

#[rustfmt::skip]
const PURPOSES: &[&str] = &[
    "phục vụ chuyển đổi số quốc gia", "theo Đề án 06", "bảo đảm an toàn, an ninh mạng",
    "phục vụ xử lý thủ tục hành chính, cung cấp dịch vụ công", "làm giàu dữ liệu dân cư",
    "tránh gây phiền hà cho người dân, doanh nghiệp", "theo hướng dẫn của Văn phòng Chính phủ",
    "bảo đảm hoạt động thông suốt, ổn định", "theo yêu cầu của Tổ công tác triển khai Đề án 06",
    "lấy người dân, doanh nghiệp là trung tâm", "thực hiện các thủ tục hành chính trên môi trường điện tử",
];

#[rustfmt::skip]
const DELIVERABLES: &[&str] = &[
    "Kết nối được đưa vào sử dụng", "Văn bản của Bộ trưởng", "Báo cáo kết quả thực hiện",
    "Quyết định phê duyệt", "Hệ thống hoạt động ổn định, bảo đảm an toàn, an ninh mạng",
    "Dữ liệu được kết nối, chia sẻ, khai thác với CSDL quốc gia về dân cư",
    "Các mẫu đơn, tờ khai được chuẩn hóa", "Đề xuất sửa đổi, bổ sung các quy định liên quan",
    "Định danh điện tử và việc sử dụng ứng dụng VNeID được phổ cập",
    "Hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa và tái sử dụng",
    "Báo cáo gửi Tổ công tác triển khai Đề án 06", "Kế hoạch được ban hành",
];

#[rustfmt::skip]
const NOTES: &[&str] = &[
    "Đã hoàn thành dự thảo, đang lấy ý kiến các đơn vị", "Đang phối hợp với Bộ Công an kết nối thử nghiệm",
    "Đã kết nối thử nghiệm thành công, đang hoàn thiện quy trình", "Chưa bố trí được kinh phí, đề nghị bổ sung",
    "Đã gửi văn bản đề nghị các đơn vị phối hợp cung cấp thông tin", "Đang rà soát, chuẩn hóa dữ liệu",
    "Đã tổ chức hội nghị tập huấn cho cán bộ, công chức", "Vướng mắc về hạ tầng, đang xin ý kiến Lãnh đạo",
    "Đã báo cáo Tổ công tác triển khai Đề án 06", "Tiến độ đạt khoảng một nửa khối lượng công việc",
    "Đã ban hành văn bản hướng dẫn", "Đang chờ ý kiến thẩm định của Cục An toàn thông tin",
];

#[rustfmt::skip]
const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"];
#[rustfmt::skip]
const MIDDLE: &[&str] = &["Văn", "Thị", "Huy", "Thế", "Đức", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc"];
#[rustfmt::skip]
const GIVEN: &[&str] = &["Dũng", "Duy", "Hùng", "Lan", "Hương", "Sơn", "Tuấn", "Hà", "Long", "Nam", "Thảo", "Trung", "Bình", "Phương", "Quang"];

/// Unparsable deadline texts, as plans really write them.
#[rustfmt::skip]
const UNPARSED: &[&str] = &[
    "Theo tiến độ của Bộ Công an", "Sau khi Đề án được phê duyệt", "Theo kế hoạch của Bộ",
    "Giai đoạn 2", "Tùy theo tình hình thực tế", "Ngay sau khi có hướng dẫn",
];

const ROMAN: [&str; 5] = ["I", "II", "III", "IV", "V"];

/// Roman numeral of a section (1-based, up to 5).
pub fn roman(n: usize) -> &'static str {
    ROMAN[(n.max(1) - 1).min(4)]
}

/// A person's name.
pub fn person(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(FAMILY),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    )
}

/// A task's content, 80–400 characters like the seeds'. `place` is a province, if any.
pub fn task_content(rng: &mut Rng, place: Option<&str>) -> String {
    let verb = rng.pick(VERBS);
    let mut s = if verb.ends_with(" với") || rng.chance(0.5) {
        format!("{verb} cơ sở dữ liệu về {}", rng.pick(DOMAINS))
    } else {
        format!("{verb} {}", rng.pick(OBJECTS))
    };
    if rng.chance(0.5) {
        s.push_str(&format!(
            " và {} với {}",
            rng.pick(OBJECTS),
            rng.pick(OBJECTS)
        ));
    }
    if rng.chance(0.7) {
        s.push_str(", ");
        s.push_str(rng.pick::<&str>(PURPOSES));
    }
    if let Some(place) = place.filter(|_| rng.chance(0.4)) {
        s.push_str(" trên địa bàn ");
        s.push_str(place);
    }
    if rng.chance(0.3) {
        s.push_str("; ");
        s.push_str(&rng.pick(VERBS).to_lowercase());
        s.push(' ');
        s.push_str(rng.pick::<&str>(OBJECTS));
    }
    s
}

/// A deliverable ("Sản phẩm").
pub fn deliverable(rng: &mut Rng, year: i32) -> String {
    let d = rng.pick(DELIVERABLES);
    if rng.chance(0.05) {
        format!("Năm {year}: {d}")
    } else {
        (*d).to_owned()
    }
}

/// A progress note.
pub fn note(rng: &mut Rng, at: NaiveDate) -> String {
    if rng.chance(0.3) {
        format!(
            "Báo cáo tiến độ tháng {}/{}: {}",
            at.month(),
            at.year(),
            rng.pick(NOTES).to_lowercase()
        )
    } else {
        (*rng.pick(NOTES)).to_owned()
    }
}

/// A deadline text for a plan issued on `issued`, in the seeds' proportions: ~55% month or
/// year, ~30% continuous or periodic, ~10% quarter, half-year or exact day, ~3% milestones,
/// ~2% not understood. Dates fall between the issue date and the end of 2026.
pub fn deadline_text(rng: &mut Rng, issued: NaiveDate, issuer: &str) -> String {
    let last = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or(issued);
    let span_months = months_between(issued, last).max(1);
    // Most plans are for a year: their dates fall within 18 months, a few up to three years.
    let later = |rng: &mut Rng| {
        let horizon = if rng.chance(0.85) { 18 } else { 36 };
        let m = 1 + rng.below(span_months.min(horizon) as usize) as u32;
        issued
            .checked_add_months(Months::new(m))
            .unwrap_or(last)
            .min(last)
    };
    let roll = rng.unit();
    if roll < 0.40 {
        let d = later(rng);
        match rng.below(3) {
            0 => format!("{:02}/{}", d.month(), d.year()),
            1 => format!("tháng {}/{}", d.month(), d.year()),
            _ => format!("Tháng {}/{}", d.month(), d.year()),
        }
    } else if roll < 0.55 {
        let y = later(rng).year();
        match rng.below(5) {
            0 => format!("Năm {y}"),
            1 => format!("Trong năm {y}"),
            2 => format!("{y}"),
            3 if y > issued.year() => format!("{}-{y}", y - 1),
            _ => format!("Năm {} - {y}", issued.year()),
        }
    } else if roll < 0.85 {
        match rng.below(10) {
            0..=2 => "Thường xuyên".to_owned(),
            3 => "Việc thường xuyên".to_owned(),
            4 => "Hằng năm".to_owned(),
            5 => "Khi có phát sinh".to_owned(),
            6 | 7 => format!("Năm {} và các năm tiếp theo", issued.year()),
            _ => format!("Định kỳ và đột xuất theo yêu cầu của {issuer}"),
        }
    } else if roll < 0.95 {
        let d = later(rng);
        let (y, m) = (d.year(), d.month());
        match rng.below(6) {
            0 => format!("Quý {}/{y}", roman(m.div_ceil(3) as usize)),
            1 => format!("Quý {}/{y}", m.div_ceil(3)),
            2 => format!("6 tháng {} năm {y}", if m <= 6 { "đầu" } else { "cuối" }),
            3 => format!("trước {}/{m}/{y}", day_in(rng, d)),
            4 => format!("Trước ngày {:02}/{m:02}/{y}", day_in(rng, d)),
            _ => format!("{}/{m}/{y}", day_in(rng, d)),
        }
    } else if roll < 0.98 {
        let a = later(rng);
        let b = later(rng).max(a);
        format!(
            "- {} trước {}/{}/{} - {} trước {}/{}/{}",
            rng.pick(&[
                "Hồ sơ đề xuất cấp độ được thẩm định, duyệt",
                "Hoàn thành dự thảo",
                "Kết nối thử nghiệm"
            ]),
            day_in(rng, a),
            a.month(),
            a.year(),
            rng.pick(&[
                "Triển khai đầy đủ phương án bảo đảm",
                "Đưa vào vận hành chính thức",
                "Báo cáo kết quả"
            ]),
            day_in(rng, b),
            b.month(),
            b.year()
        )
    } else {
        (*rng.pick(UNPARSED)).to_owned()
    }
}

/// A day that exists in every month.
fn day_in(rng: &mut Rng, _month: NaiveDate) -> u32 {
    *rng.pick(&[5, 10, 15, 20, 25, 28])
}

fn months_between(a: NaiveDate, b: NaiveDate) -> u32 {
    let n = (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32;
    u32::try_from(n).unwrap_or(0)
}
