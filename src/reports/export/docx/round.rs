//! A round's compiled report as a Word document in the usual form: the national header,
//! "BÁO CÁO Tình hình thực hiện …", the units that reported, the results section by section
//! with a table of the tasks, their state and the units' own words, the difficulties grouped
//! by unit, the proposals, and a signature block.

use std::io::Cursor;

use docx_rs::Docx;

use super::layout::{Grid, TEXT_WIDTH, a4_document, caption, centered, heading, para, run};
use super::signature_block;
use crate::reports::export::{ExportError, date_text};
use crate::reports::round::{RoundReport, UnitTexts};

const TASKS: Grid = Grid {
    columns: &[
        ("STT", 500, true),
        ("Số hiệu", 1150, true),
        ("Nội dung nhiệm vụ", 2400, false),
        ("Đơn vị chủ trì", 1400, false),
        ("Tình trạng", 1305, false),
        (
            "Kết quả thực hiện trong kỳ (theo báo cáo của đơn vị)",
            2600,
            false,
        ),
    ],
    size: 22,
};

/// The compiled report of a round as a .docx.
pub fn round_docx(report: &RoundReport) -> Result<Vec<u8>, ExportError> {
    let doc = heading_block(a4_document(), report);
    let doc = general(doc, report);
    let doc = results(doc, report);
    let doc = grouped(
        doc,
        "III. KHÓ KHĂN, VƯỚNG MẮC",
        "Các đơn vị không nêu khó khăn, vướng mắc.",
        &report.difficulties,
    );
    let doc = grouped(
        doc,
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "Các đơn vị không có đề xuất, kiến nghị.",
        &report.proposals,
    );
    let doc = signature_block(doc);
    let mut out = Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|e| ExportError::Docx(Box::new(e)))?;
    Ok(out.into_inner())
}

fn heading_block(doc: Docx, report: &RoundReport) -> Docx {
    let agency = vec![
        centered(run("TÊN CƠ QUAN, ĐƠN VỊ").bold().size(24)),
        centered(run("Số: ....../BC-......").size(24)),
    ];
    let motto = vec![
        centered(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold().size(24)),
        centered(run("Độc lập - Tự do - Hạnh phúc").bold()),
        centered(run("......, ngày ... tháng ... năm ......").italic()),
    ];
    doc.add_table(super::layout::side_by_side(
        (3600, agency),
        (TEXT_WIDTH - 3600, motto),
    ))
    .add_paragraph(centered(run("")))
    .add_paragraph(centered(run("BÁO CÁO").bold().size(28)))
    .add_paragraph(centered(
        run(&format!("Tình hình thực hiện kế hoạch – {}", report.title)).bold(),
    ))
    .add_paragraph(centered(
        run(&format!(
            "(Kỳ báo cáo từ ngày {} đến ngày {}; phạm vi: {})",
            date_text(report.period_from),
            date_text(report.period_to),
            report.scope
        ))
        .italic(),
    ))
}

fn general(doc: Docx, report: &RoundReport) -> Docx {
    let tasks: usize = report
        .plans
        .iter()
        .flat_map(|p| &p.sections)
        .map(|s| s.tasks.len())
        .sum();
    let mut doc = doc.add_paragraph(heading("I. TÌNH HÌNH CHUNG")).add_paragraph(para(&format!(
        "Hạn nộp báo cáo: ngày {}. Tính đến ngày {}, có {}/{} đơn vị đã nộp báo cáo, về {} nhiệm vụ.",
        date_text(report.due_on),
        date_text(report.compiled_on),
        report.units_submitted,
        report.units_total,
        tasks
    )));
    if !report.units_missing.is_empty() {
        doc = doc.add_paragraph(para(&format!(
            "Các đơn vị chưa nộp báo cáo: {}.",
            report.units_missing.join(", ")
        )));
    }
    if !report.units_late.is_empty() {
        doc = doc.add_paragraph(para(&format!(
            "Các đơn vị nộp chậm hoặc đã quá hạn nộp: {}.",
            report.units_late.join(", ")
        )));
    }
    doc
}

fn results(doc: Docx, report: &RoundReport) -> Docx {
    let mut doc = doc.add_paragraph(heading("II. KẾT QUẢ THỰC HIỆN"));
    if report.plans.is_empty() {
        return doc.add_paragraph(para("Chưa có đơn vị nào nộp báo cáo."));
    }
    let mut n: u32 = 0;
    for (i, plan) in (1..).zip(&report.plans) {
        let i: u32 = i;
        doc = doc.add_paragraph(heading(&format!(
            "{i}. Kế hoạch kèm theo Quyết định số {}",
            plan.code
        )));
        for section in &plan.sections {
            let [not_started, in_progress, completed] = section.counts();
            let name = match (&section.code, &section.title) {
                (Some(code), Some(title)) => format!("Mục {code}. {title}"),
                _ => "Các nhiệm vụ".to_owned(),
            };
            doc = doc.add_paragraph(para(&format!(
                "{name}: {} nhiệm vụ; hoàn thành {completed}, đang thực hiện {in_progress}, chưa thực hiện {not_started}.",
                section.tasks.len()
            )));
            let rows = section
                .tasks
                .iter()
                .map(|t| {
                    n += 1;
                    TASKS.row(&[
                        n.to_string(),
                        t.reference.clone(),
                        t.content.clone(),
                        t.lead_text.clone(),
                        t.state_text(),
                        t.results_text(),
                    ])
                })
                .collect();
            doc = doc.add_table(TASKS.table(rows));
        }
    }
    doc
}

fn grouped(doc: Docx, title: &str, none: &str, groups: &[UnitTexts]) -> Docx {
    let mut doc = doc.add_paragraph(heading(title));
    if groups.is_empty() {
        return doc.add_paragraph(para(none));
    }
    for g in groups {
        doc = doc.add_paragraph(caption(&g.unit));
        for item in &g.items {
            doc = doc.add_paragraph(para(&format!("- {item}")));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_table_fills_the_text_width_exactly() {
        let width: usize = TASKS.columns.iter().map(|(_, w, _)| w).sum();
        assert_eq!(width, TEXT_WIDTH);
    }
}
