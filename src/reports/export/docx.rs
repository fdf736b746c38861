//! The monthly report as a Word document an official edits and signs: A4, Times New Roman 13 pt,
//! the figures in sentences and tables, the overdue and completed lists, a signature block.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Shading,
    ShdType, SpecialIndentType, Table, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::{ExportError, date_text, on_time_text, pct_text};
use crate::reports::model::{CompletedReport, Figures, MonthlyPack, OverdueReport};

const FONT: &str = "Times New Roman";
/// Sizes in half-points: 13 pt for text, 12 pt inside tables.
const BODY_SIZE: usize = 26;
const TABLE_SIZE: usize = 24;
/// A4 in twentieths of a point, with the margins of administrative documents (top and bottom
/// 20 mm, left 30 mm, right 15 mm); the text is 165 mm wide.
const PAGE: (u32, u32) = (11906, 16838);
const TEXT_WIDTH: usize = 9355;

/// The monthly pack as a .docx.
pub fn monthly_docx(pack: &MonthlyPack) -> Result<Vec<u8>, ExportError> {
    let doc = Docx::new()
        .page_size(PAGE.0, PAGE.1)
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(1701)
                .right(851)
                .header(567)
                .footer(567),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY_SIZE);
    let doc = heading_block(doc, pack);
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

/// A run of `text`, its line breaks kept as breaks within the paragraph.
fn run(text: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

fn spaced(p: Paragraph, after: u32) -> Paragraph {
    p.line_spacing(LineSpacing::new().before(0).after(after))
}

/// A body paragraph: justified, first line indented 1 cm.
fn para(text: &str) -> Paragraph {
    spaced(Paragraph::new().add_run(run(text)), 120)
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
}

fn centered(r: Run) -> Paragraph {
    spaced(Paragraph::new().add_run(r), 0).align(AlignmentType::Center)
}

/// A section heading such as "I. TÌNH HÌNH CHUNG".
fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text).bold())
        .line_spacing(LineSpacing::new().before(240).after(120))
        .keep_next(true)
}

/// A table column: its header, its width in twentieths of a point, centred or not.
type Column = (&'static str, usize, bool);

fn cell(text: &str, width: usize, center: bool, bold: bool) -> TableCell {
    let mut r = run(text).size(TABLE_SIZE);
    if bold {
        r = r.bold();
    }
    let align = if center {
        AlignmentType::Center
    } else {
        AlignmentType::Left
    };
    TableCell::new()
        .add_paragraph(spaced(Paragraph::new().add_run(r), 0).align(align))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

fn header_row(columns: &[Column]) -> TableRow {
    let shade = Shading::new().shd_type(ShdType::Clear).fill("D9E2F3");
    TableRow::new(
        columns
            .iter()
            .map(|(name, width, _)| cell(name, *width, true, true).shading(shade.clone()))
            .collect(),
    )
    .cant_split()
}

fn data_row(columns: &[Column], values: &[String]) -> TableRow {
    TableRow::new(
        columns
            .iter()
            .zip(values)
            .map(|((_, width, center), value)| cell(value, *width, *center, false))
            .collect(),
    )
}

/// A row across the whole table, used to open a group (a unit in the overdue list).
fn group_row(columns: &[Column], text: &str) -> TableRow {
    let width = columns.iter().map(|(_, w, _)| w).sum();
    TableRow::new(vec![
        cell(text, width, false, true).grid_span(columns.len()),
    ])
}

fn table(columns: &[Column], rows: Vec<TableRow>) -> Table {
    let mut all = vec![header_row(columns)];
    all.extend(rows);
    Table::new(all)
        .set_grid(columns.iter().map(|(_, w, _)| *w).collect())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// The agency and national-motto header, then the title, period and scope.
fn heading_block(doc: Docx, pack: &MonthlyPack) -> Docx {
    let half = TEXT_WIDTH / 2;
    let side = |lines: Vec<Paragraph>| {
        lines
            .into_iter()
            .fold(TableCell::new().width(half, WidthType::Dxa), |c, p| {
                c.add_paragraph(p)
            })
    };
    let left = side(vec![
        centered(run("TÊN CƠ QUAN, ĐƠN VỊ").bold()),
        centered(run("Số: ....../BC-......")),
    ]);
    let right = side(vec![
        centered(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold().size(24)),
        centered(run("Độc lập - Tự do - Hạnh phúc").bold()),
        centered(run("......, ngày ... tháng ... năm ......").italic()),
    ]);
    let as_of = date_text(pack.overdue.as_of);
    doc.add_table(
        Table::without_borders(vec![TableRow::new(vec![left, right])]).set_grid(vec![half, half]),
    )
    .add_paragraph(centered(run("")))
    .add_paragraph(centered(
        run("BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH").bold().size(28),
    ))
    .add_paragraph(centered(run(&pack.label).bold()))
    .add_paragraph(centered(run(&format!("Phạm vi: {}", pack.scope)).italic()))
    .add_paragraph(spaced(
        centered(run(&format!("(Số liệu tính đến ngày {as_of})")).italic()),
        240,
    ))
}

const FIGURE_COLUMNS: [Column; 3] = [
    ("Chỉ tiêu", 5355, false),
    ("Số nhiệm vụ", 2000, true),
    ("Tỷ lệ", 2000, true),
];

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
    .map(|(name, n, pct)| data_row(&FIGURE_COLUMNS, &[name.to_string(), n.to_string(), pct]))
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
        .add_table(table(&FIGURE_COLUMNS, rows));
    if !report.per_decision.is_empty() {
        let rows = report
            .per_decision
            .iter()
            .map(|d| data_row(&DECISION_COLUMNS, &figure_cells(d.name.clone(), &d.figures)))
            .collect();
        doc = doc
            .add_paragraph(para("Kết quả theo từng kế hoạch:"))
            .add_table(table(&DECISION_COLUMNS, rows));
    }
    doc
}

const DECISION_COLUMNS: [Column; 6] = [
    ("Kế hoạch", 3355, false),
    ("Số nhiệm vụ đến hạn", 1200, true),
    ("Hoàn thành đúng hạn", 1200, true),
    ("Hoàn thành quá hạn", 1200, true),
    ("Quá hạn chưa hoàn thành", 1200, true),
    ("Tỷ lệ đúng hạn", 1200, true),
];

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

const UNIT_COLUMNS: [Column; 7] = [
    ("STT", 600, true),
    ("Đơn vị", 2755, false),
    ("Số nhiệm vụ đến hạn", 1200, true),
    ("Hoàn thành đúng hạn", 1200, true),
    ("Hoàn thành quá hạn", 1200, true),
    ("Quá hạn chưa hoàn thành", 1200, true),
    ("Tỷ lệ đúng hạn", 1200, true),
];

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
            data_row(&UNIT_COLUMNS, &cells)
        })
        .collect();
    doc.add_paragraph(para(
        "Các đơn vị được xếp theo tỷ lệ hoàn thành đúng hạn trên số nhiệm vụ đã hoàn thành.",
    ))
    .add_table(table(&UNIT_COLUMNS, rows))
}

const OVERDUE_COLUMNS: [Column; 7] = [
    ("STT", 600, true),
    ("Số hiệu, kế hoạch", 1300, true),
    ("Nội dung công việc", 2855, false),
    ("Hạn hoàn thành", 1100, true),
    ("Số ngày quá hạn", 900, true),
    ("Sản phẩm", 1300, false),
    ("Tiến độ gần nhất", 1300, false),
];

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
        rows.push(group_row(
            &OVERDUE_COLUMNS,
            &format!("{n}. {} ({count} nhiệm vụ)", unit.unit_name),
        ));
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
            rows.push(data_row(&OVERDUE_COLUMNS, &cells));
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
        .add_table(table(&OVERDUE_COLUMNS, rows));
    milestones(doc, report)
}

const MILESTONE_COLUMNS: [Column; 6] = [
    ("STT", 600, true),
    ("Số hiệu, kế hoạch", 1300, true),
    ("Mốc công việc", 3655, false),
    ("Đơn vị chủ trì", 1800, false),
    ("Hạn", 1100, true),
    ("Số ngày quá hạn", 900, true),
];

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
            data_row(&MILESTONE_COLUMNS, &cells)
        })
        .collect();
    doc.add_paragraph(para("Các mốc công việc quá hạn:"))
        .add_table(table(&MILESTONE_COLUMNS, rows))
}

const COMPLETED_COLUMNS: [Column; 7] = [
    ("STT", 600, true),
    ("Số hiệu, kế hoạch", 1300, true),
    ("Nội dung công việc", 3055, false),
    ("Đơn vị chủ trì", 1700, false),
    ("Hạn hoàn thành", 1000, true),
    ("Ngày hoàn thành", 1000, true),
    ("Đúng hạn", 700, true),
];

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
            data_row(&COMPLETED_COLUMNS, &cells)
        })
        .collect();
    doc.add_table(table(&COMPLETED_COLUMNS, rows))
}

/// "NGƯỜI LẬP BÁO CÁO" and "LÃNH ĐẠO ĐƠN VỊ" side by side, with room to sign.
fn signature_block(doc: Docx) -> Docx {
    let half = TEXT_WIDTH / 2;
    let side = |title: &str, hint: &str| {
        let mut cell = TableCell::new()
            .width(half, WidthType::Dxa)
            .add_paragraph(centered(run(title).bold()))
            .add_paragraph(centered(run(hint).italic()));
        for _ in 0..4 {
            cell = cell.add_paragraph(centered(run("")));
        }
        cell.add_paragraph(centered(run("..............................")))
    };
    let row = TableRow::new(vec![
        side("NGƯỜI LẬP BÁO CÁO", "(Ký, ghi rõ họ tên)"),
        side("LÃNH ĐẠO ĐƠN VỊ", "(Ký tên, đóng dấu)"),
    ]);
    doc.add_paragraph(centered(run("")))
        .add_table(Table::without_borders(vec![row]).set_grid(vec![half, half]))
}
