//! Plan documents in shapes the seeds do not have: other converters, other column names and
//! orders, a plan without a decision wrapper, deeper numbering.

use actionplan::domain::deadline::DeadlineKind;
use actionplan::import::parse_document;
use chrono::NaiveDate;

const STANDALONE_PLAN_MARKDOWN: &str = "\
ỦY BAN NHÂN DÂN
TỈNH BẮC NINH

Số: 45/KH-UBND

Bắc Ninh, ngày 10 tháng 3 năm 2023

**KẾ HOẠCH**
**Triển khai Đề án 06 trên địa bàn tỉnh năm 2023**

Căn cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ;

| **TT** | **Tên nhiệm vụ/dự án** | **Nguồn kinh phí** | **Đơn vị thực hiện** | **Đơn vị phối hợp** | **Thời gian triển khai** | **Sản phẩm đầu ra** |
|---|---|---|---|---|---|---|
| **A** | **NHIỆM VỤ CHUNG** | | | | | |
| **I** | **Hoàn thiện thể chế** | | | | | |
| 1 | **Nhóm văn bản quy phạm** | | | | | |
| 1.1 | Ban hành quy chế khai thác dữ liệu dân cư | Ngân sách tỉnh | Sở Tư pháp | Công an tỉnh, Văn phòng UBND tỉnh | Quý III/2023 | Quy chế |
| | được cập nhật khi có thay đổi | | | | | |
| 1.2 | Rà soát thủ tục hành chính | Ngân sách tỉnh | Văn phòng UBND tỉnh | Các sở, ban, ngành | 6 tháng đầu năm 2023 | Báo cáo |
| **II** | **Hạ tầng** | | | | | |
| 1 | Nâng cấp mạng truyền số liệu chuyên dùng | Ngân sách tỉnh | Sở Thông tin và Truyền thông | | Trước ngày 30/11/2023 | Mạng được nâng cấp |
| **B** | **NHIỆM VỤ RIÊNG** | | | | | |
| **I** | **Tuyên truyền** | | | | | |
| 1 | Tuyên truyền về định danh điện tử | Ngân sách tỉnh | Sở Thông tin và Truyền thông | Đài Phát thanh và Truyền hình tỉnh | Hằng quý | Tin, bài |
| 2 | Tổng kết | Ngân sách tỉnh | Văn phòng UBND tỉnh | | Theo tiến độ của Bộ Công an | Báo cáo tổng kết |

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn Bình
";

#[test]
fn a_standalone_plan_in_a_markdown_table_is_read() {
    let plan = parse_document("bacninh.md", STANDALONE_PLAN_MARKDOWN.as_bytes()).expect("parses");
    assert_eq!(plan.header.code, "45/KH-UBND");
    assert_eq!(plan.header.doc_type, "KH");
    assert_eq!(plan.header.place.as_deref(), Some("Bắc Ninh"));
    assert_eq!(plan.header.issued_on, NaiveDate::from_ymd_opt(2023, 3, 10));
    assert_eq!(plan.header.issuer, "Ủy ban nhân dân tỉnh Bắc Ninh");
    let sections: Vec<&str> = plan.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(sections, ["A", "A.I", "A.II", "B", "B.I"]);
    let refs: Vec<&str> = plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    assert_eq!(refs, ["A.I.1.1", "A.I.1.2", "A.II.1", "B.I.1", "B.I.2"]);
    let first = &plan.tasks[0];
    assert_eq!(
        first.content,
        "Ban hành quy chế khai thác dữ liệu dân cư được cập nhật khi có thay đổi"
    );
    assert_eq!(first.heading.as_deref(), Some("Nhóm văn bản quy phạm"));
    assert_eq!(first.lead_text, "Sở Tư pháp");
    assert_eq!(first.partners.len(), 2);
    assert_eq!(
        first.deliverable, "Quy chế",
        "the extra column (Nguồn kinh phí) is not the deliverable"
    );
    assert_eq!(first.deadline.due_on, NaiveDate::from_ymd_opt(2023, 9, 30));
    assert_eq!(
        plan.tasks[1].deadline.due_on,
        NaiveDate::from_ymd_opt(2023, 6, 30)
    );
    assert_eq!(
        plan.tasks[2].deadline.due_on,
        NaiveDate::from_ymd_opt(2023, 11, 30)
    );
    assert_eq!(plan.tasks[3].deadline.kind, DeadlineKind::Periodic);
    assert_eq!(plan.tasks[4].deadline.kind, DeadlineKind::Unparsed);
    assert_eq!(plan.header.signer.as_deref(), Some("Nguyễn Văn Bình"));
}

const GRID_TABLE: &str = "\
Số: 7/QĐ-BTC

Hà Nội, ngày 2 tháng 2 năm 2024

QUYẾT ĐỊNH

Về việc ban hành Kế hoạch chuyển đổi số năm 2024

+-----+----------------------+-----------------+--------------+-------------+
| STT | Nội dung công việc   | Đơn vị chủ trì  | Thời gian    | Kết quả dự  |
|     |                      |                 | thực hiện    | kiến        |
+=====+======================+=================+==============+=============+
| 1   | Kết nối cơ sở dữ     | Cục Tin học và  | Tháng 6/2024 | Kết nối     |
|     | liệu quốc gia về dân | Thống kê tài    |              |             |
|     | cư                   | chính           |              |             |
+-----+----------------------+-----------------+--------------+-------------+
| 2   | Số hóa hồ sơ         | Văn phòng Bộ    | 2024-2025    | Hồ sơ số    |
+-----+----------------------+-----------------+--------------+-------------+
";

#[test]
fn a_grid_table_with_wrapped_cells_is_read() {
    let plan = parse_document("grid.txt", GRID_TABLE.as_bytes()).expect("parses");
    assert_eq!(plan.header.code, "7/QĐ-BTC");
    assert_eq!(plan.tasks.len(), 2);
    assert_eq!(
        plan.tasks[0].content,
        "Kết nối cơ sở dữ liệu quốc gia về dân cư"
    );
    assert_eq!(plan.tasks[0].lead_text, "Cục Tin học và Thống kê tài chính");
    assert_eq!(
        plan.tasks[0].deadline.due_on,
        NaiveDate::from_ymd_opt(2024, 6, 30)
    );
    assert_eq!(
        plan.tasks[1].deadline.due_on,
        NaiveDate::from_ymd_opt(2025, 12, 31)
    );
    assert_eq!(plan.tasks[1].deliverable, "Hồ sơ số");
}

const CELL_LINES: &str = "\
Số: 12/QĐ-BYT
Hà Nội, ngày 5 tháng 1 năm 2024
Về việc ban hành Kế hoạch triển khai Đề án 06

|
TT
|
Nhiệm vụ
|
Cơ quan chủ trì
|
Cơ quan phối hợp
|
Thời hạn
|
Sản phẩm
|

|
1
|
Kết nối dữ liệu khám chữa bệnh
với Cơ sở dữ liệu quốc gia về dân cư
|
Cục Công nghệ thông tin
|
|
Quý I năm 2024
|
Kết nối
|

|
2
|
Triển khai sổ sức khỏe điện tử
|
Cục Quản lý Khám, chữa bệnh
|
Cục Công nghệ thông tin
|
Năm 2024
|
Ứng dụng
|
";

#[test]
fn cells_on_their_own_lines_between_pipes_are_read() {
    let plan = parse_document("cells.txt", CELL_LINES.as_bytes()).expect("parses");
    assert_eq!(plan.tasks.len(), 2);
    assert_eq!(
        plan.tasks[0].content,
        "Kết nối dữ liệu khám chữa bệnh với Cơ sở dữ liệu quốc gia về dân cư"
    );
    assert_eq!(plan.tasks[0].partner_text, "");
    assert_eq!(
        plan.tasks[0].deadline.due_on,
        NaiveDate::from_ymd_opt(2024, 3, 31)
    );
    assert_eq!(plan.tasks[1].lead_text, "Cục Quản lý Khám, chữa bệnh");
    assert_eq!(
        plan.tasks[1].leads.len(),
        1,
        "a comma inside a unit name does not split it"
    );
}

#[test]
fn columns_in_another_order_with_extra_columns_are_mapped_by_name() {
    let text = "Số: 3/QĐ-BNV\nVề việc ban hành kế hoạch\n\
Thời gian hoàn thành\tTT\tGhi chú\tNhiệm vụ, giải pháp\tCơ quan chủ trì\tKết quả\n\
Tháng 12/2024\t1\tkhông\tSố hóa hồ sơ cán bộ\tVụ Tổ chức cán bộ\tHồ sơ số\n";
    let plan = parse_document("order.txt", text.as_bytes()).expect("parses");
    let task = &plan.tasks[0];
    assert_eq!(task.number, "1");
    assert_eq!(task.content, "Số hóa hồ sơ cán bộ");
    assert_eq!(task.lead_text, "Vụ Tổ chức cán bộ");
    assert_eq!(task.deliverable, "Hồ sơ số");
    assert_eq!(task.deadline.due_on, NaiveDate::from_ymd_opt(2024, 12, 31));
}

#[test]
fn a_two_row_header_in_tab_text_names_the_lead_and_partner_columns() {
    let text = "Số: 4/KH-UBND\nKẾ HOẠCH\n\
STT\tNội dung công việc\tĐơn vị thực hiện\t\tThời gian hoàn thành\n\
\t\tChủ trì\tPhối hợp\t\n\
1\tKết nối dữ liệu\tSở Y tế\tSở Tài chính\tQuý II/2026\n";
    let plan = parse_document("two-rows.txt", text.as_bytes()).expect("parses");
    assert_eq!(plan.tasks.len(), 1);
    assert_eq!(plan.tasks[0].lead_text, "Sở Y tế");
    assert_eq!(plan.tasks[0].partner_text, "Sở Tài chính");
    assert_eq!(
        plan.tasks[0].deadline.due_on,
        NaiveDate::from_ymd_opt(2026, 6, 30)
    );
}
