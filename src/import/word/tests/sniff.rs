//! `sniff`: content first, then the file name; refusals for what cannot be read.

use super::support::{docx_full, p, zip_parts};
use crate::import::word::{Format, sniff};

#[test]
fn magic_bytes_decide_before_the_extension() {
    let docx = docx_full(&p("x"), None, None);
    assert_eq!(sniff("ke-hoach.docx", &docx), Format::Docx);
    // A .docx saved under another name is still a .docx; a .doc renamed .docx is not.
    assert_eq!(sniff("ke-hoach.txt", &docx), Format::Docx);
    let ole = [
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
        &[0u8; 512],
    ]
    .concat();
    assert_eq!(sniff("ke-hoach.docx", &ole), Format::LegacyDoc);
    assert_eq!(sniff("scan.docx", b"%PDF-1.4\n%\xe2\xe3"), Format::Pdf);
    assert_eq!(
        sniff("a.docx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        Format::Image
    );
    assert_eq!(
        sniff("a", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
        Format::Image
    );
    assert_eq!(sniff("a", b"GIF89a\x01\0"), Format::Image);
    assert_eq!(sniff("a", b"II*\0\x08\0"), Format::Image);
    assert_eq!(sniff("a", b"{\\rtf1\\ansi"), Format::Rtf);
}

#[test]
fn an_encrypted_office_file_is_told_apart_from_a_legacy_doc() {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let ole = [
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
        &[0u8; 100],
        &name,
    ]
    .concat();
    assert_eq!(sniff("ke-hoach.docx", &ole), Format::Encrypted);
    let message = Format::Encrypted.refusal().expect("refused").message;
    assert!(message.contains("mật khẩu"), "{message}");
}

#[test]
fn other_zips_are_not_word_documents() {
    let xlsx = zip_parts(&[("xl/workbook.xml", b"<workbook/>")]);
    assert_eq!(sniff("bang.xlsx", &xlsx), Format::OtherZip);
    assert!(Format::OtherZip.refusal().is_some());
}

#[test]
fn html_is_recognised_by_its_start_or_its_name() {
    assert_eq!(sniff("page", b"  <!DOCTYPE html><html>"), Format::Html);
    assert_eq!(sniff("page", b"\xEF\xBB\xBF<HTML><body>"), Format::Html);
    assert_eq!(
        sniff("page", b"<table><tr><td>1</td></tr></table>"),
        Format::Html
    );
    assert_eq!(
        sniff(
            "page",
            b"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
        ),
        Format::Html
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "<html><p>Kế hoạch</p>"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    assert_eq!(sniff("page", &utf16), Format::Html);
    assert_eq!(
        sniff("trang.htm", "Kế hoạch <b>1</b>".as_bytes()),
        Format::Html
    );
}

#[test]
fn text_is_text_whatever_its_name() {
    assert_eq!(
        sniff("ke-hoach.txt", "QUYẾT ĐỊNH\nSố: 12/QĐ-BTTTT".as_bytes()),
        Format::Text
    );
    assert_eq!(
        sniff("ke-hoach.md", b"| STT | Noi dung |\n|---|---|"),
        Format::Text
    );
    assert_eq!(
        sniff("ke-hoach.docx", "STT\tNội dung".as_bytes()),
        Format::Text
    );
    // Legacy Vietnamese 8-bit text is still text, for the decoder to judge.
    assert_eq!(sniff("cu.txt", b"K\xd5 ho\xb9ch s\xe8 1"), Format::Text);
}

#[test]
fn unknown_binary_falls_back_to_the_extension() {
    let binary = [0u8, 1, 2, 3, 0, 0, 7, 8];
    assert_eq!(sniff("ke-hoach.doc", &binary), Format::LegacyDoc);
    assert_eq!(sniff("ke-hoach.pdf", &binary), Format::Pdf);
    assert_eq!(sniff("ke-hoach.bin", &binary), Format::Unknown);
    assert_eq!(sniff("ke-hoach.docx", b""), Format::Docx);
    assert!(Format::Unknown.refusal().is_some());
    for readable in [Format::Docx, Format::Html, Format::Text] {
        assert!(readable.refusal().is_none());
    }
}

#[test]
fn refusals_are_vietnamese_and_say_what_to_do() {
    let message = Format::LegacyDoc.refusal().expect("refused").message;
    assert_eq!(
        message,
        "tệp .doc (Word 97–2003) không đọc được: hãy mở trong Word và lưu thành .docx (hoặc văn bản .txt)"
    );
    for format in [Format::Pdf, Format::Image, Format::Rtf] {
        let message = format.refusal().expect("refused").message;
        assert!(message.contains(".docx"), "{message}");
    }
}
