//! A generated plan document in the layout of seed 905 (decision text, then a tab-separated
//! table with sections I–V), for timing the importer on a large plan.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::rng::Rng;
use super::vocab::{self, MINISTRY_UNITS, SECTIONS};

const ISSUER: &str = "Bộ Thông tin và Truyền thông";
const OTHER_BODIES: &[&str] = &["Bộ Công an", "Bộ Tư pháp", "Bộ Tài chính", "Bộ Y tế"];

/// The text of a plan with `tasks` tasks, decision `number`/QĐ-BTTTT of 15/3/2024.
pub fn plan_document(tasks: usize, number: u32, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let issued = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap_or_default();
    let mut s = String::with_capacity(tasks * 400 + 8_000);
    let _ = write!(
        s,
        "\n\nSố: **{number}**/QĐ-BTTTT\n\nHà Nội, ngày **15** tháng **3** năm 2024\n\n**QUYẾT ĐỊNH**\n\n\
         **Về việc ban hành Kế hoạch hành động của {ISSUER} triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ năm 2024**\n\n\
         **BỘ TRƯỞNG BỘ THÔNG TIN VÀ TRUYỀN THÔNG**\n\n\
         *Căn cứ Nghị định số 17/2017/NĐ-CP ngày 17 tháng 02 năm 2017 của Chính phủ quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {ISSUER};*\n\n\
         *Căn cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025 tầm nhìn đến năm 2030;*\n\n\
         *Theo đề nghị của Cục trưởng Cục Tin học hóa,*\n\n**QUYẾT ĐỊNH:**\n\n\
         **Điều 1.** Ban hành kèm theo Quyết định này Kế hoạch hành động của {ISSUER} triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ năm 2024.\n\n\
         **Điều 2.** Kinh phí thực hiện Kế hoạch được trích từ nguồn kinh phí Ngân sách nhà nước và các nguồn kinh phí hợp pháp khác.\n\n\
         **Điều 3.** Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.\n\n\
         **Điều 4.** Chánh Văn phòng, Cục trưởng Cục Tin học hóa và Thủ trưởng các đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.\n\n\
         **Nơi nhận:**\n\n- Như Điều 4;\n- Thủ tướng Chính phủ (để b/c);\n- Các Thứ trưởng;\n- Lưu: VT, THH.\n\n\
         **KT. BỘ TRƯỞNG  \nTHỨ TRƯỞNG**\n\n\n\n**Nguyễn Văn An**\n\n**PHỤ LỤC:**\n\n\
         **KẾ HOẠCH HÀNH ĐỘNG TRIỂN KHAI QUYẾT ĐỊNH SỐ 06/QĐ-TTG NĂM 2024**\n\n\
         *(Ban hành kèm theo Quyết định số {number} /QĐ-BTTTT ngày 15 tháng 3 năm 2024 của Bộ trưởng {ISSUER})*\n\n"
    );
    let header = "STT\tNội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\tSản phẩm\n";
    s.push_str(header);
    let sections = SECTIONS.len();
    let mut written = 0;
    for (k, title) in SECTIONS.iter().enumerate() {
        let _ = writeln!(s, "<b>{}</b>\t<b>{title}</b>\t\t\t\t", vocab::roman(k + 1));
        let count = (tasks * (k + 1)).div_ceil(sections) - written;
        for n in 1..=count {
            let lead = MINISTRY_UNITS[rng.skewed(MINISTRY_UNITS.len())];
            let partners: Vec<String> = (0..rng.below(4))
                .map(|_| {
                    if rng.chance(0.3) {
                        format!(
                            "{}-{}",
                            rng.pick(&[
                                "Cục Công nghệ thông tin",
                                "Trung tâm Dữ liệu",
                                "Văn phòng"
                            ]),
                            rng.pick(OTHER_BODIES)
                        )
                    } else {
                        (*rng.pick(MINISTRY_UNITS)).to_owned()
                    }
                })
                .collect();
            let _ = writeln!(
                s,
                "{n}\t{}\t{lead}\t{}\t{}\t{}",
                vocab::task_content(&mut rng, None),
                partners.join(", "),
                vocab::deadline_text(&mut rng, issued, ISSUER),
                vocab::deliverable(&mut rng, 2024)
            );
            // Page breaks repeat the header, as in the seed.
            if n % 40 == 0 {
                s.push_str("\n\n\n");
                s.push_str(header);
            }
        }
        written += count;
    }
    s
}
