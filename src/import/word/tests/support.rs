//! Builds .docx files for the tests: given XML parts zipped with the `zip` crate, with the
//! content types and relationships Word writes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::import::word::{Block, Paragraph, WordDocument, WordTable, read_docx};

/// The namespaces a Word body uses, for `<w:document>`.
pub const NS: &str = concat!(
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
    r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
    r#"xmlns:v="urn:schemas-microsoft-com:vml" "#,
    r#"xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math""#
);

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// `_rels/.rels` naming `target` as the main document.
pub fn package_rels(target: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/></Relationships>"#
    )
}

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/x" TargetMode="External"/></Relationships>"#;

/// A zip of the given parts, deflated.
pub fn zip_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in parts {
        writer.start_file(*name, options).expect("start zip entry");
        writer.write_all(bytes).expect("write zip entry");
    }
    writer.finish().expect("finish zip").into_inner()
}

/// A `<w:document>` around a body's XML.
pub fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
}

/// A .docx with this body, and styles and numbering parts when given.
pub fn docx_full(body: &str, styles: Option<&str>, numbering: Option<&str>) -> Vec<u8> {
    let document = document_xml(body);
    let rels = package_rels("word/document.xml");
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ];
    let styles = styles.map(|s| format!(r#"<w:styles {NS}>{s}</w:styles>"#));
    let numbering = numbering.map(|n| format!(r#"<w:numbering {NS}>{n}</w:numbering>"#));
    if let Some(styles) = &styles {
        parts.push(("word/styles.xml", styles.as_bytes()));
    }
    if let Some(numbering) = &numbering {
        parts.push(("word/numbering.xml", numbering.as_bytes()));
    }
    zip_parts(&parts)
}

/// Reads a .docx with this body and no styles or numbering; panics on a read error.
pub fn read_body(body: &str) -> WordDocument {
    read_docx(&docx_full(body, None, None)).expect("the test document reads")
}

/// A paragraph of one plain run.
pub fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// A cell of the given content (paragraphs, tables) and optional `w:tcPr` children.
pub fn tc(props: &str, content: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>")
}

/// A row of cells.
pub fn tr(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

/// A table of rows, with a grid of `columns` columns.
pub fn tbl(columns: usize, rows: &[String]) -> String {
    let grid = r#"<w:gridCol w:w="1000"/>"#.repeat(columns);
    format!(
        "<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{}</w:tbl>",
        rows.concat()
    )
}

/// The top-level paragraphs' texts.
pub fn texts(document: &WordDocument) -> Vec<String> {
    document.paragraphs().map(|p| p.text.clone()).collect()
}

/// The only paragraph of a one-paragraph document.
pub fn only_paragraph(document: &WordDocument) -> &Paragraph {
    match document.blocks.as_slice() {
        [Block::Paragraph(paragraph)] => paragraph,
        other => panic!("expected one paragraph, got {other:?}"),
    }
}

/// The first top-level table.
pub fn first_table(document: &WordDocument) -> &WordTable {
    document.tables().next().expect("a table")
}

/// The grid texts of a table.
pub fn grid_texts(table: &WordTable) -> Vec<Vec<String>> {
    table
        .grid()
        .into_iter()
        .map(|row| row.into_iter().map(|cell| cell.text).collect())
        .collect()
}
