//! A .docx written by another producer, the `docx-rs` crate (as the report exports use it):
//! merges, list numbering and tracked changes as that library writes them.

use docx_rs::{
    AbstractNumbering, Delete, Docx, IndentLevel, Insert, Level, LevelJc, LevelText, NumberFormat,
    Numbering, NumberingId, Paragraph, Run, Start, Table, TableCell, TableRow, VMergeType,
};

use crate::import::word::{Origin, read_docx};

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
}

fn written() -> Vec<u8> {
    let header = TableRow::new(vec![
        cell("STT"),
        cell("Nội dung"),
        cell("Chủ trì"),
        cell("Phối hợp"),
    ]);
    let first = TableRow::new(vec![
        cell("1").vertical_merge(VMergeType::Restart),
        cell("Việc a"),
        cell("Sở Tư pháp").vertical_merge(VMergeType::Restart),
        cell("Sở Y tế"),
    ]);
    let second = TableRow::new(vec![
        cell("").vertical_merge(VMergeType::Continue),
        cell("Việc b"),
        cell("").vertical_merge(VMergeType::Continue),
        cell("Sở Nội vụ"),
    ]);
    let spanned = TableRow::new(vec![
        cell("2"),
        cell("Việc c"),
        cell("Các sở, ngành").grid_span(2),
    ]);
    let table =
        Table::new(vec![header, first, second, spanned]).set_grid(vec![600, 3000, 2000, 2000]);
    let level = Level::new(
        0,
        Start::new(1),
        NumberFormat::new("upperRoman"),
        LevelText::new("%1."),
        LevelJc::new("left"),
    );
    let numbered = |text: &str| {
        Paragraph::new()
            .add_run(Run::new().add_text(text).bold())
            .numbering(NumberingId::new(1), IndentLevel::new(0))
    };
    let revised = Paragraph::new()
        .add_run(Run::new().add_text("Hoàn thành "))
        .add_delete(Delete::new().add_run(Run::new().add_delete_text("Quý I")))
        .add_insert(Insert::new(Run::new().add_text("Quý II")));
    let mut out = std::io::Cursor::new(Vec::new());
    Docx::new()
        .add_abstract_numbering(AbstractNumbering::new(1).add_level(level))
        .add_numbering(Numbering::new(1, 1))
        .add_paragraph(numbered("KẾT NỐI"))
        .add_paragraph(numbered("TUYÊN TRUYỀN"))
        .add_paragraph(revised)
        .add_table(table)
        .build()
        .pack(&mut out)
        .expect("docx-rs writes the document");
    out.into_inner()
}

#[test]
fn a_docx_rs_document_reads_with_its_merges_numbering_and_revisions() {
    let doc = read_docx(&written()).expect("reads");
    let paragraphs: Vec<(Option<&str>, &str, bool)> = doc
        .paragraphs()
        .map(|p| (p.label.as_deref(), p.text.as_str(), p.bold))
        .collect();
    assert_eq!(
        &paragraphs[..3],
        [
            (Some("I."), "KẾT NỐI", true),
            (Some("II."), "TUYÊN TRUYỀN", true),
            (None, "Hoàn thành Quý II", false)
        ]
    );
    let table = doc.tables().next().expect("table");
    assert_eq!(table.columns, 4);
    let grid: Vec<Vec<(String, Origin)>> = table
        .grid()
        .into_iter()
        .map(|r| r.into_iter().map(|c| (c.text, c.origin)).collect())
        .collect();
    assert_eq!(grid[2][0], ("1".to_owned(), Origin::MergedFromAbove));
    assert_eq!(
        grid[2][2],
        ("Sở Tư pháp".to_owned(), Origin::MergedFromAbove)
    );
    assert_eq!(grid[2][1].0, "Việc b");
    assert_eq!(
        grid[3][3],
        ("Các sở, ngành".to_owned(), Origin::SpannedFromLeft)
    );
}
