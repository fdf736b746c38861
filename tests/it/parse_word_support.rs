//! Small Word documents written in the tests with docx-rs: a table of plain cells.

use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};

/// A .docx holding one table with these rows of cell texts.
pub fn document_with_rows<const N: usize>(rows: &[[&str; N]]) -> Vec<u8> {
    let table = Table::new(
        rows.iter()
            .map(|row| {
                TableRow::new(
                    row.iter()
                        .map(|text| {
                            TableCell::new()
                                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*text)))
                        })
                        .collect(),
                )
            })
            .collect(),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Số: 3/KH-UBND")))
        .add_table(table)
        .build()
        .pack(&mut out)
        .expect("a .docx");
    out.into_inner()
}
