//! A generated plan of `TASKS` tasks as a Word document, for the benchmarks of the Word reader
//! (`word_read_bench`) and of the intake page (`intake_bench`).

use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow, VMergeType};

/// Tasks in the generated plan.
pub const TASKS: usize = 1000;

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
}

/// A plan of `TASKS` tasks in sections of 50; every lead unit is merged over three rows.
pub fn plan_docx() -> Vec<u8> {
    plan_docx_with("")
}

/// The same plan with `revised` added to every task's content (a revision changing them all).
pub fn plan_docx_with(revised: &str) -> Vec<u8> {
    let mut rows = vec![TableRow::new(
        [
            "STT",
            "Nội dung công việc",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Thời gian hoàn thành",
            "Sản phẩm",
        ]
        .map(cell)
        .to_vec(),
    )];
    for task in 0..TASKS {
        if task % 50 == 0 {
            rows.push(TableRow::new(vec![
                cell(&format!(
                    "Mục {}. NHÓM NHIỆM VỤ {}",
                    task / 50 + 1,
                    task / 50 + 1
                ))
                .grid_span(6),
            ]));
        }
        let lead = match task % 3 {
            0 => cell(&format!("Sở số {} của tỉnh", task / 3)).vertical_merge(VMergeType::Restart),
            _ => cell("").vertical_merge(VMergeType::Continue),
        };
        rows.push(TableRow::new(vec![
            cell(&(task + 1).to_string()),
            cell(&format!("Triển khai nhiệm vụ số {task} về kết nối, chia sẻ dữ liệu dân cư phục vụ chuyển đổi số{revised}")),
            lead,
            cell("Các sở, ban, ngành; UBND các xã, phường"),
            cell(&format!("Quý {}/{}", task % 4 + 1, 2026 + task % 3)),
            cell(&format!("Báo cáo kết quả thực hiện nhiệm vụ {task}")),
        ]));
    }
    let table = Table::new(rows).set_grid(vec![600, 3000, 1600, 1600, 1200, 1600]);
    let mut out = std::io::Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("KẾ HOẠCH").bold()))
        .add_table(table)
        .build()
        .pack(&mut out)
        .expect("docx-rs writes the plan");
    out.into_inner()
}
