//! What kind of file an upload is: by its first bytes, then by its name. Formats the importer
//! cannot read get a message saying what to do instead.

use super::ReadError;

/// The kinds of file a user may hand to the importer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Word 2007+ (.docx, .docm, .dotx): a zip with `word/document.xml`.
    Docx,
    /// A web page (a legal portal's saved page, Word's "Web Page" export).
    Html,
    /// Plain text or Markdown (UTF-8 or UTF-16).
    Text,
    /// Word 97–2003 (.doc) or another OLE compound file.
    LegacyDoc,
    /// An Office file protected by a password (an OLE container holding an encrypted package).
    Encrypted,
    /// Rich Text Format.
    Rtf,
    Pdf,
    /// PNG, JPEG, GIF, TIFF, BMP or WebP: a scan or a photo.
    Image,
    /// A zip that is not a Word document (.xlsx, .pptx, .odt, an archive).
    OtherZip,
    /// Binary content of no known kind.
    Unknown,
}

impl Format {
    /// The message refusing this format, or `None` for the formats the importer reads.
    pub fn refusal(self) -> Option<ReadError> {
        let message = match self {
            Format::Docx | Format::Html | Format::Text => return None,
            Format::LegacyDoc => {
                "tệp .doc (Word 97–2003) không đọc được: hãy mở trong Word và lưu thành .docx (hoặc văn bản .txt)"
            }
            Format::Encrypted => {
                "tệp được bảo vệ bằng mật khẩu nên không đọc được: hãy mở trong Word, bỏ mật khẩu và lưu lại thành .docx"
            }
            Format::Rtf => {
                "tệp .rtf không đọc được: hãy mở trong Word và lưu thành .docx (hoặc văn bản .txt)"
            }
            Format::Pdf => {
                "tệp PDF không đọc được: hãy dùng bản .docx của văn bản (bản gửi trình ký), hoặc chép nội dung ra tệp văn bản .txt"
            }
            Format::Image => {
                "tệp ảnh (bản chụp, bản quét) không đọc được: hãy dùng bản .docx của văn bản hoặc tệp văn bản .txt"
            }
            Format::OtherZip => {
                "tệp nén này không phải tài liệu Word .docx (có thể là Excel, PowerPoint, OpenDocument hoặc tệp .zip): hãy lưu kế hoạch thành .docx"
            }
            Format::Unknown => {
                "không nhận ra định dạng tệp: hãy dùng tệp .docx, trang .html của cổng văn bản, hoặc văn bản .txt/.md"
            }
        };
        Some(ReadError::new(message))
    }
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The format of a file, by magic bytes first, then by the extension of `file_name`.
pub fn sniff(file_name: &str, bytes: &[u8]) -> Format {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let docx = contains(bytes, b"word/document.xml")
            || (contains(bytes, b"[Content_Types].xml") && contains(bytes, b"word/"))
            || matches!(extension.as_str(), "docx" | "docm" | "dotx" | "dotm");
        return if docx { Format::Docx } else { Format::OtherZip };
    }
    if bytes.starts_with(OLE) {
        let encrypted: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        return if contains(bytes, &encrypted) {
            Format::Encrypted
        } else {
            Format::LegacyDoc
        };
    }
    let head = &bytes[..bytes.len().min(1024)];
    if contains(head, b"%PDF-") {
        return Format::Pdf;
    }
    if is_image(bytes) {
        return Format::Image;
    }
    if bytes.starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if let Some(text) = text_head(bytes) {
        let start = text.trim_start().to_lowercase();
        let html = [
            "<!doctype html",
            "<html",
            "<table",
            "<head",
            "<body",
            "<meta",
        ]
        .iter()
        .any(|tag| start.starts_with(tag))
            || (start.starts_with("<?xml") && start.contains("<html"))
            || (start.starts_with("<!--") && start.contains("<html"));
        return if html || matches!(extension.as_str(), "html" | "htm" | "xhtml") {
            Format::Html
        } else {
            Format::Text
        };
    }
    match extension.as_str() {
        "docx" | "docm" | "dotx" | "dotm" => Format::Docx,
        "doc" | "dot" => Format::LegacyDoc,
        "pdf" => Format::Pdf,
        "rtf" => Format::Rtf,
        "png" | "jpg" | "jpeg" | "gif" | "tif" | "tiff" | "bmp" | "webp" => Format::Image,
        _ => Format::Unknown,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"BM") && bytes.len() > 14 && bytes.get(6..10) == Some(&[0; 4]))
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
}

/// The first few KB as text when the file is text (UTF-8 or UTF-16 with a BOM, no NUL bytes
/// otherwise), `None` when it is binary.
fn text_head(bytes: &[u8]) -> Option<String> {
    const HEAD: usize = 4096;
    if bytes.is_empty() {
        return None;
    }
    let utf16 = |data: &[u8], little: bool| -> String {
        let units = data.chunks_exact(2).take(HEAD / 2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect()
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Some(utf16(rest, true));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Some(utf16(rest, false));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(HEAD)];
    if head.contains(&0) {
        return None;
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text.to_owned(),
        // A cut in the middle of a character at the end of the window is still text.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned()
        }
        // Legacy 8-bit encodings (TCVN3, Windows-1258) are text too, for the decoder to judge.
        Err(_) => String::from_utf8_lossy(head).into_owned(),
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C'))
        .count();
    (controls * 20 <= text.chars().count()).then_some(text)
}
