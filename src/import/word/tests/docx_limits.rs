//! What a .docx reader refuses, in bounded memory and with a message saying what is wrong:
//! files that are not zips, broken zips, zips without a Word document, zip bombs, XML nested
//! too deep, tables too wide or merges that would copy too much.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::support::{document_xml, docx_full, p, package_rels, read_body, tbl, tc, tr, zip_parts};
use crate::import::word::{MAX_GRID_COLUMNS, read_docx};

fn refusal(bytes: &[u8]) -> String {
    read_docx(bytes).expect_err("must be refused").message
}

#[test]
fn a_file_that_is_not_a_zip_is_refused_with_what_it_is() {
    assert!(refusal(b"").contains("tệp rỗng"));
    assert!(refusal("Kế hoạch 12/KH-UBND\nSTT\tNội dung".as_bytes()).contains("không phải .docx"));
    let ole = [
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
        &[0; 600],
    ]
    .concat();
    assert!(refusal(&ole).contains("Word 97–2003"));
    assert!(refusal(b"%PDF-1.7\n...").contains("PDF"));
    assert!(refusal(b"\x89PNG\r\n\x1a\n\0\0").contains("ảnh"));
}

#[test]
fn a_broken_zip_is_refused() {
    let good = docx_full(&p("x"), None, None);
    let message = refusal(&good[..good.len() / 2]);
    assert!(
        message.contains("zip") || message.contains("hỏng"),
        "{message}"
    );
    let mut flipped = good.clone();
    // Damage the deflated document part: either the zip or the XML inside is then unreadable.
    let at = flipped.len() / 3;
    for b in &mut flipped[at..at + 40] {
        *b ^= 0x5A;
    }
    assert!(read_docx(&flipped).is_err());
}

#[test]
fn a_zip_without_a_word_document_is_refused() {
    let xlsx = zip_parts(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    let message = refusal(&xlsx);
    assert!(message.contains("word/document.xml"), "{message}");
}

#[test]
fn the_main_part_is_found_through_the_package_relationships() {
    let rels = package_rels("/word/main-document.xml");
    let document = document_xml(&p("tên phần khác thường"));
    let bytes = zip_parts(&[
        ("_rels/.rels", rels.as_bytes()),
        ("word/main-document.xml", document.as_bytes()),
    ]);
    let doc = read_docx(&bytes).expect("reads");
    assert_eq!(
        doc.paragraphs().next().map(|p| p.text.as_str()),
        Some("tên phần khác thường")
    );
}

/// A .docx whose document part is `size` zero bytes, streamed into the zip a MiB at a time
/// so the test never holds it.
fn zeros_docx(size: usize) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(size > u32::MAX as usize);
    writer
        .start_file("word/document.xml", options)
        .expect("start");
    let chunk = vec![0u8; 1024 * 1024];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        writer.write_all(&chunk[..n]).expect("write");
        left -= n;
    }
    writer.finish().expect("finish").into_inner()
}

#[test]
fn a_zip_bomb_is_refused_from_its_header() {
    let bomb = zeros_docx(300 * 1024 * 1024);
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb is small: {}",
        bomb.len()
    );
    let message = refusal(&bomb);
    assert!(
        message.contains("300 MB") && message.contains("giới hạn 50 MB"),
        "{message}"
    );
}

/// Sets every stored uncompressed size of the only entry (local header and central directory)
/// to `size`, leaving the data as it is.
fn lie_about_size(zip: &mut [u8], size: u32) {
    let mut at = 0;
    while at + 4 <= zip.len() {
        match &zip[at..at + 4] {
            b"PK\x03\x04" => zip[at + 22..at + 26].copy_from_slice(&size.to_le_bytes()),
            b"PK\x01\x02" => zip[at + 24..at + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        at += 1;
    }
}

#[test]
fn a_zip_bomb_with_a_lying_header_is_refused_while_reading() {
    // 40 MiB of zeros (under the 50 MiB part limit) compress about 1,000 times; the header
    // claims 2 KiB, so only reading can tell: the read stops at the claimed size or at the
    // ratio limit, never at 40 MiB.
    let mut bomb = zeros_docx(40 * 1024 * 1024);
    lie_about_size(&mut bomb, 2048);
    let message = refusal(&bomb);
    assert!(
        message.contains("zip bomb") || message.contains("hỏng"),
        "{message}"
    );
}

/// A zip of parts stored without compression.
fn stored(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, bytes) in parts {
        writer.start_file(*name, options).expect("start");
        writer.write_all(bytes).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

#[test]
fn parts_together_larger_than_the_total_limit_are_refused() {
    // Each part is under its own limit (50 and 16 MiB); together they pass 64 MiB.
    let document = vec![b'a'; 40 * 1024 * 1024];
    let other = vec![b'b'; 15 * 1024 * 1024];
    let bytes = stored(&[
        ("word/document.xml", &document),
        ("word/styles.xml", &other),
        ("word/numbering.xml", &other),
    ]);
    let message = refusal(&bytes);
    assert!(message.contains("quá 64 MB"), "{message}");
}

#[test]
fn a_part_nested_too_deep_is_refused() {
    let deep = format!(
        "{}{}{}",
        "<w:sdt><w:sdtContent>".repeat(150),
        p("sâu"),
        "</w:sdtContent></w:sdt>".repeat(150)
    );
    let message = refusal(&docx_full(&deep, None, None));
    assert!(message.contains("lồng nhau quá sâu"), "{message}");
    // Nesting that real documents use reads fine.
    let shallow = format!(
        "{}{}{}",
        "<w:sdt><w:sdtContent>".repeat(20),
        p("nông"),
        "</w:sdtContent></w:sdt>".repeat(20)
    );
    assert_eq!(read_body(&shallow).paragraphs().count(), 1);
}

#[test]
fn malformed_xml_names_the_part() {
    let bytes = zip_parts(&[("word/document.xml", b"<w:document><w:body><w:p></w:body>")]);
    let message = refusal(&bytes);
    assert!(message.contains("word/document.xml"), "{message}");
}

#[test]
fn a_table_wider_than_word_allows_is_refused() {
    let cells: Vec<String> = (0..=MAX_GRID_COLUMNS)
        .map(|i| tc("", &p(&i.to_string())))
        .collect();
    let message = refusal(&docx_full(&tbl(0, &[tr(&cells)]), None, None));
    assert!(message.contains("cột"), "{message}");
}

#[test]
fn merges_that_would_copy_too_much_text_are_refused() {
    // One cell of 1 MiB of varied letters merged down 70 rows would copy 70 MiB.
    let mut seed = 7u32;
    let text: String = (0..1024 * 1024)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + ((seed >> 16) % 26) as u8)
        })
        .collect();
    let mut rows = vec![tr(&[tc(r#"<w:vMerge w:val="restart"/>"#, &p(&text))])];
    rows.extend((0..70).map(|_| tr(&[tc("<w:vMerge/>", "<w:p/>")])));
    let message = refusal(&docx_full(&tbl(1, &rows), None, None));
    assert!(message.contains("ô gộp"), "{message}");
}
