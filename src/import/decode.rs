//! Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM, as Word saves "Unicode
//! text". Anything else is refused with the line of the first bad byte, never guessed.

use super::error::Fault;
use crate::domain::text::nfc;

/// Decodes a document and returns its text in NFC with `\r\n` turned into `\n`.
pub fn decode(bytes: &[u8]) -> Result<String, Fault> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Fault::whole("tệp rỗng, không có nội dung"));
    }
    let text = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest)?,
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes)?,
        _ => utf8(bytes)?,
    };
    if let Some(pos) = text.find(|c: char| {
        c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}' | '\u{b}'))
    }) {
        let line = text[..pos].matches('\n').count() + 1;
        return Err(Fault::at(
            line,
            "tệp nhị phân hoặc chứa ký tự điều khiển, không phải văn bản",
        ));
    }
    Ok(nfc(&text.replace("\r\n", "\n").replace('\r', "\n")))
}

fn utf8(bytes: &[u8]) -> Result<String, Fault> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let message = if bytes.contains(&0) {
                "tệp nhị phân, không phải văn bản".to_owned()
            } else {
                format!(
                    "không đọc được bảng mã: byte 0x{:02X} không hợp lệ trong UTF-8 (hãy lưu tệp dưới dạng UTF-8)",
                    bytes[e.valid_up_to()]
                )
            };
            Err(Fault::at(line, message))
        }
    }
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String, Fault> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Fault::whole("tệp UTF-16 bị cắt cụt (số byte lẻ)"));
    }
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| word([c[0], c[1]])).collect();
    String::from_utf16(&units)
        .map_err(|_| Fault::whole("không đọc được bảng mã: UTF-16 không hợp lệ"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_files_are_refused() {
        assert!(decode(b"").is_err());
        assert!(decode(b" \n\t\n").is_err());
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let fault = decode(b"dong 1\ndong 2 \xC3\x28 sai\n").unwrap_err();
        assert_eq!(fault.line, Some(2));
        assert!(fault.message.contains("bảng mã"));
    }

    #[test]
    fn binary_content_is_refused() {
        let fault = decode(b"PK\x03\x04\x00\x00binary").unwrap_err();
        assert!(fault.message.contains("nhị phân"));
    }

    #[test]
    fn utf16_with_bom_and_utf8_bom_are_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Kế hoạch".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), "Kế hoạch");
        assert_eq!(decode("\u{feff}Số: 1".as_bytes()).unwrap(), "Số: 1");
    }

    #[test]
    fn text_comes_out_in_nfc() {
        assert_eq!(
            decode("Va\u{300}n pho\u{300}ng".as_bytes()).unwrap(),
            "Vàn phòng"
        );
    }
}
