//! The monthly report as a Word document an official edits and signs: A4, Times New Roman 13 pt,
//! the figures in sentences and tables, the overdue and completed lists, a signature block.

mod layout;
mod round;

pub use round::round_docx;

use std::io::Cursor;

use docx_rs::Docx;

use super::{ExportError, date_text, on_time_text, pct_text};
use crate::reports::model::{CompletedReport, Figures, MonthlyPack, OverdueReport};
use layout::{Column, Grid, TEXT_WIDTH, a4_document, caption, centered, heading, para, run};

/// Table font sizes in half-points: 12 pt for figures, 11 pt for the task lists.
const FIGURE_SIZE: usize = 24;
const LIST_SIZE: usize = 22;

/// The monthly pack as a .docx.
pub fn monthly_docx(pack: &MonthlyPack) -> Result<Vec<u8>, ExportError> {
    let doc = heading_block(a4_document(), pack);
    let doc = general_section(doc, &pack.completed, &pack.overdue);
    let doc = unit_section(doc, &pack.completed);
    let doc = overdue_section(doc, &pack.overdue);
    let doc = completed_section(doc, &pack.completed);
    let doc = signature_block(doc);
    let mut out = Cursor::new(Vec::new());
    doc.pack(&mut out)
        .map_err(|e| ExportError::Docx(Box::new(e)))?;
    Ok(out.into_inner())
}

/// The agency and national-motto header, then the title, period and scope.
fn heading_block(doc: Docx, pack: &MonthlyPack) -> Docx {
    let agency = vec![
        centered(run("TÊN CƠ QUAN, ĐƠN VỊ").bold().size(24)),
        centered(run("Số: ....../BC-......").size(24)),
    ];
    let motto = vec![
        centered(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold().size(24)),
        centered(run("Độc lập - Tự do - Hạnh phúc").bold()),
        centered(run("......, ngày ... tháng ... năm ......").italic()),
    ];
    let as_of = date_text(pack.overdue.as_of);
    doc.add_table(layout::side_by_side(
        (3600, agency),
        (TEXT_WIDTH - 3600, motto),
    ))
    .add_paragraph(centered(run("")))
    .add_paragraph(centered(
        run("BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH").bold().size(28),
    ))
    .add_paragraph(centered(run(&pack.label).bold()))
    .add_paragraph(centered(run(&format!("Phạm vi: {}", pack.scope)).italic()))
    .add_paragraph(centered(
        run(&format!("(Số liệu tính đến ngày {as_of})")).italic(),
    ))
}

const FIGURES: Grid = Grid {
    columns: &[
        ("Chỉ tiêu", 5355, false),
        ("Số nhiệm vụ", 2000, true),
        ("Tỷ lệ", 2000, true),
    ],
    size: FIGURE_SIZE,
};

/// The figures in a sentence, as a report writes them.
fn figures_sentence(f: &Figures, as_of: &str) -> String {
    format!(
        "Tính đến ngày {as_of}, tổng số nhiệm vụ đến hạn là {} nhiệm vụ; đã hoàn thành {} nhiệm \
         vụ, đạt {}, trong đó hoàn thành đúng hạn {} nhiệm vụ ({}) và hoàn thành quá hạn {} \
         nhiệm vụ; còn {} nhiệm vụ quá hạn chưa hoàn thành ({}). Tỷ lệ hoàn thành đúng hạn trên \
         tổng số nhiệm vụ đã hoàn thành là {}.",
        f.due,
        f.completed(),
        pct_text(f.completed_pct()),
        f.completed_on_time,
        pct_text(f.on_time_pct()),
        f.completed_late,
        f.overdue,
        pct_text(f.overdue_pct()),
        pct_text(f.on_time_rate()),
    )
}

fn general_section(doc: Docx, report: &CompletedReport, overdue: &OverdueReport) -> Docx {
    let f = &report.totals;
    let as_of = date_text(report.to);
    let rows = [
        ("Nhiệm vụ đến hạn", f.due, String::new()),
        ("Đã hoàn thành", f.completed(), pct_text(f.completed_pct())),
        (
            "Trong đó: hoàn thành đúng hạn",
            f.completed_on_time,
            pct_text(f.on_time_pct()),
        ),
        (
            "Trong đó: hoàn thành quá hạn",
            f.completed_late,
            String::new(),
        ),
        (
            "Quá hạn chưa hoàn thành",
            f.overdue,
            pct_text(f.overdue_pct()),
        ),
        (
            "Tỷ lệ đúng hạn trên số đã hoàn thành",
            f.completed(),
            pct_text(f.on_time_rate()),
        ),
    ]
    .into_iter()
    .map(|(name, n, pct)| FIGURES.row(&[name.to_string(), n.to_string(), pct]))
    .collect();
    let month = format!(
        "Trong {}, đã hoàn thành {} nhiệm vụ (chi tiết tại mục IV); có {} nhiệm vụ quá hạn \
         chưa hoàn thành (chi tiết tại mục III).",
        report.label.to_lowercase(),
        report.completed.len(),
        overdue.total,
    );
    let mut doc = doc
        .add_paragraph(heading("I. TÌNH HÌNH CHUNG"))
        .add_paragraph(para(&figures_sentence(f, &as_of)))
        .add_paragraph(para(&month))
        .add_table(FIGURES.table(rows));
    if !report.per_decision.is_empty() {
        let rows = report
            .per_decision
            .iter()
            .map(|d| DECISIONS.row(&figure_cells(d.name.clone(), &d.figures)))
            .collect();
        doc = doc
            .add_paragraph(caption("Kết quả theo từng kế hoạch:"))
            .add_table(DECISIONS.table(rows));
    }
    doc
}

/// The figure columns after the name, in "Kết quả theo từng kế hoạch" and section II.
const FIGURE_COLUMNS: [Column; 5] = [
    ("Số nhiệm vụ đến hạn", 1200, true),
    ("Hoàn thành đúng hạn", 1200, true),
    ("Hoàn thành quá hạn", 1200, true),
    ("Quá hạn chưa hoàn thành", 1200, true),
    ("Tỷ lệ đúng hạn", 1200, true),
];
const DECISIONS: Grid = Grid {
    columns: &[
        ("Kế hoạch", 3355, false),
        FIGURE_COLUMNS[0],
        FIGURE_COLUMNS[1],
        FIGURE_COLUMNS[2],
        FIGURE_COLUMNS[3],
        FIGURE_COLUMNS[4],
    ],
    size: FIGURE_SIZE,
};

fn figure_cells(name: String, f: &Figures) -> Vec<String> {
    vec![
        name,
        f.due.to_string(),
        f.completed_on_time.to_string(),
        f.completed_late.to_string(),
        f.overdue.to_string(),
        pct_text(f.on_time_rate()),
    ]
}

const UNITS: Grid = Grid {
    columns: &[
        ("STT", 655, true),
        ("Đơn vị", 2700, false),
        FIGURE_COLUMNS[0],
        FIGURE_COLUMNS[1],
        FIGURE_COLUMNS[2],
        FIGURE_COLUMNS[3],
        FIGURE_COLUMNS[4],
    ],
    size: FIGURE_SIZE,
};

fn unit_section(doc: Docx, report: &CompletedReport) -> Docx {
    let doc = doc.add_paragraph(heading("II. KẾT QUẢ THEO ĐƠN VỊ"));
    if report.per_unit.is_empty() {
        return doc.add_paragraph(para("Không có nhiệm vụ đến hạn trong kỳ."));
    }
    let rows = (1..)
        .zip(&report.per_unit)
        .map(|(n, u): (u32, _)| {
            let mut cells = vec![n.to_string()];
            cells.extend(figure_cells(u.name.clone(), &u.figures));
            UNITS.row(&cells)
        })
        .collect();
    doc.add_paragraph(para(
        "Các đơn vị được xếp theo tỷ lệ hoàn thành đúng hạn trên số nhiệm vụ đã hoàn thành.",
    ))
    .add_table(UNITS.table(rows))
}

const OVERDUE: Grid = Grid {
    columns: &[
        ("STT", 600, true),
        ("Số hiệu, kế hoạch", 1200, true),
        ("Nội dung công việc", 2620, false),
        ("Hạn hoàn thành", 1250, true),
        ("Số ngày quá hạn", 760, true),
        ("Sản phẩm", 1325, false),
        ("Tiến độ gần nhất", 1600, false),
    ],
    size: LIST_SIZE,
};

fn overdue_section(doc: Docx, report: &OverdueReport) -> Docx {
    let as_of = date_text(report.as_of);
    let doc = doc.add_paragraph(heading("III. NHIỆM VỤ QUÁ HẠN"));
    if report.units.is_empty() {
        return doc.add_paragraph(para(&format!(
            "Tính đến ngày {as_of}, không có nhiệm vụ quá hạn."
        )));
    }
    let mut rows = Vec::new();
    for (n, unit) in (1..).zip(&report.units) {
        let n: u32 = n;
        let count = unit.rows.len();
        rows.push(OVERDUE.group(&format!("{n}. {} ({count} nhiệm vụ)", unit.unit_name)));
        for (i, task) in (1..).zip(&unit.rows) {
            let i: u32 = i;
            let note = match (&task.last_note, task.last_note_on) {
                (Some(note), Some(on)) => format!("{}: {note}", date_text(on)),
                (Some(note), None) => note.clone(),
                (None, _) => String::new(),
            };
            let cells = [
                i.to_string(),
                format!("{}\n{}", task.reference, task.decision),
                task.content.clone(),
                format!("{}\n({})", date_text(task.due_on), task.deadline_text),
                task.days_overdue.to_string(),
                task.deliverable.clone(),
                note,
            ];
            rows.push(OVERDUE.row(&cells));
        }
    }
    let summary = format!(
        "Tính đến ngày {as_of}, có {} nhiệm vụ quá hạn chưa hoàn thành, thuộc trách nhiệm chủ \
         trì của {} đơn vị (nhiệm vụ do nhiều đơn vị chủ trì được liệt kê ở từng đơn vị).",
        report.total,
        report.units.len()
    );
    let doc = doc
        .add_paragraph(para(&summary))
        .add_table(OVERDUE.table(rows));
    milestones(doc, report)
}

const MILESTONES: Grid = Grid {
    columns: &[
        ("STT", 600, true),
        ("Số hiệu, kế hoạch", 1200, true),
        ("Mốc công việc", 3520, false),
        ("Đơn vị chủ trì", 2025, false),
        ("Hạn", 1250, true),
        ("Số ngày quá hạn", 760, true),
    ],
    size: LIST_SIZE,
};

fn milestones(doc: Docx, report: &OverdueReport) -> Docx {
    if report.milestones.is_empty() {
        return doc;
    }
    let rows = (1..)
        .zip(&report.milestones)
        .map(|(n, m): (u32, _)| {
            let cells = [
                n.to_string(),
                format!("{}\n{}", m.reference, m.decision),
                m.label.clone(),
                m.lead_text.clone(),
                date_text(m.due_on),
                m.days_overdue.to_string(),
            ];
            MILESTONES.row(&cells)
        })
        .collect();
    doc.add_paragraph(caption("Các mốc công việc quá hạn:"))
        .add_table(MILESTONES.table(rows))
}

const COMPLETED: Grid = Grid {
    columns: &[
        ("STT", 600, true),
        ("Số hiệu, kế hoạch", 1200, true),
        ("Nội dung công việc", 2455, false),
        ("Đơn vị chủ trì", 1800, false),
        ("Hạn hoàn thành", 1250, true),
        ("Ngày hoàn thành", 1250, true),
        ("Đúng hạn", 800, true),
    ],
    size: LIST_SIZE,
};

fn completed_section(doc: Docx, report: &CompletedReport) -> Docx {
    let doc = doc.add_paragraph(heading("IV. NHIỆM VỤ HOÀN THÀNH TRONG THÁNG"));
    if report.completed.is_empty() {
        return doc.add_paragraph(para("Trong tháng không có nhiệm vụ hoàn thành."));
    }
    let rows = (1..)
        .zip(&report.completed)
        .map(|(n, t): (u32, _)| {
            let cells = [
                n.to_string(),
                format!("{}\n{}", t.reference, t.decision),
                t.content.clone(),
                t.lead_text.clone(),
                t.due_on
                    .map(date_text)
                    .unwrap_or_else(|| t.deadline_text.clone()),
                date_text(t.completed_on),
                on_time_text(t.on_time).to_string(),
            ];
            COMPLETED.row(&cells)
        })
        .collect();
    doc.add_table(COMPLETED.table(rows))
}

/// "NGƯỜI LẬP BÁO CÁO" and "LÃNH ĐẠO ĐƠN VỊ" side by side, with room to sign.
fn signature_block(doc: Docx) -> Docx {
    let half = TEXT_WIDTH / 2;
    let block = |title: &str, hint: &str| {
        let mut lines = vec![centered(run(title).bold()), centered(run(hint).italic())];
        lines.extend((0..4).map(|_| centered(run(""))));
        lines.push(centered(run("..............................")));
        (half, lines)
    };
    doc.add_paragraph(centered(run("")))
        .add_table(layout::side_by_side(
            block("NGƯỜI LẬP BÁO CÁO", "(Ký, ghi rõ họ tên)"),
            block("LÃNH ĐẠO ĐƠN VỊ", "(Ký tên, đóng dấu)"),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_fills_the_text_width_exactly() {
        for grid in [
            &FIGURES,
            &DECISIONS,
            &UNITS,
            &OVERDUE,
            &MILESTONES,
            &COMPLETED,
        ] {
            let width: usize = grid.columns.iter().map(|(_, w, _)| w).sum();
            assert_eq!(width, TEXT_WIDTH, "{:?}", grid.columns[0]);
        }
    }
}
