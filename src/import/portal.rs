//! What a legal portal wraps around a document when its page is saved as text: the site's
//! notices before the document, a block of metadata cells ("Số hiệu", "Ngày ban hành" …), and a
//! footer of related documents, comparison help and the company's address after it. The
//! notices and the footer are blanked (line numbers stay as in the file); the metadata is kept
//! apart, as a second witness for the header.

use chrono::NaiveDate;

use crate::domain::text::{fold, squash_ws};

/// The portal's own description of the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// "Số hiệu": the document's code.
    pub code: Option<String>,
    /// "Loại văn bản": Quyết định, Kế hoạch, Công văn …
    pub kind: Option<String>,
    /// "Nơi ban hành": the issuing body, in the portal's spelling.
    pub issuer: Option<String>,
    /// "Người ký".
    pub signer: Option<String>,
    /// "Ngày ban hành".
    pub issued_on: Option<NaiveDate>,
}

/// The document's lines with the portal's additions blanked, and the metadata.
pub fn strip(lines: &[&str]) -> (Vec<String>, Metadata) {
    let mut kept: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    if let Some(loading) = lines.iter().position(|l| is_loading_notice(l)) {
        for line in kept.iter_mut().take(loading + 1) {
            line.clear();
        }
    }
    let metadata = read_metadata(&mut kept);
    if let Some(footer) = footer_start(&kept) {
        for line in kept.iter_mut().skip(footer) {
            line.clear();
        }
    }
    (kept, metadata)
}

fn plain(line: &str) -> String {
    squash_ws(&line.replace(['*', '#', '_'], " "))
}

/// "Đang tải văn bản...": the last line of the site's notices before the document.
fn is_loading_notice(line: &str) -> bool {
    fold(&plain(line)).starts_with("dang tai van ban")
}

/// Stores one metadata value.
type Setter = fn(&mut Metadata, String);

/// The metadata block: each label in a cell, its value in the next non-empty cell.
fn read_metadata(lines: &mut [String]) -> Metadata {
    let mut metadata = Metadata::default();
    let labels: [(&str, Setter); 5] = [
        ("so hieu", |m, v| m.code = Some(v)),
        ("loai van ban", |m, v| m.kind = Some(v)),
        ("noi ban hanh", |m, v| m.issuer = Some(v)),
        ("nguoi ky", |m, v| m.signer = Some(v)),
        ("ngay ban hanh", |m, v| {
            m.issued_on = super::codes::find_dmy(&v);
        }),
    ];
    let mut index = 0;
    while index < lines.len() {
        let label = fold(&plain(&lines[index]));
        let label = label.trim_end_matches(':').trim();
        let Some((_, set)) = labels.iter().find(|(name, _)| label == *name) else {
            index += 1;
            continue;
        };
        let value_at =
            (index + 1..lines.len().min(index + 4)).find(|&i| !matches!(lines[i].trim(), "" | "|"));
        if let Some(at) = value_at {
            let value = plain(&lines[at]);
            if !value.is_empty() && !value.ends_with(':') {
                set(&mut metadata, value);
                lines[index].clear();
                lines[at].clear();
                index = at;
            }
        }
        index += 1;
    }
    metadata
}

/// Where the site's footer begins: the line that repeats the document's name just above "this
/// document has no English version yet", or the list of related documents.
fn footer_start(lines: &[String]) -> Option<usize> {
    let marker = lines.iter().position(|l| {
        let f = fold(&plain(l));
        f.starts_with("van ban nay chua cap nhat noi dung tieng anh") || f == "van ban lien quan"
    })?;
    let restated = marker > 0
        && !super::codes::find_codes(&lines[marker - 1]).is_empty()
        && !lines[marker - 1].trim_start().starts_with('|');
    Some(if restated { marker - 1 } else { marker })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metadata_block_is_read_and_blanked() {
        let text = "Đang tải văn bản...\n#\n**Số hiệu:**\n|\n12/QĐ-BNV\n|\n**Ngày ban hành:**\n|\n03/02/2025\n|\n**Người ký:**\n|\nNguyễn Văn A\n|\nQUYẾT ĐỊNH";
        let lines: Vec<&str> = text.lines().collect();
        let (kept, metadata) = strip(&lines);
        assert_eq!(metadata.code.as_deref(), Some("12/QĐ-BNV"));
        assert_eq!(metadata.issued_on, NaiveDate::from_ymd_opt(2025, 2, 3));
        assert_eq!(metadata.signer.as_deref(), Some("Nguyễn Văn A"));
        assert!(kept.iter().all(|l| !l.contains("12/QĐ-BNV")));
        assert_eq!(kept.last().map(String::as_str), Some("QUYẾT ĐỊNH"));
        assert_eq!(kept.len(), lines.len());
    }

    #[test]
    fn the_footer_is_cut_from_the_restated_name_on() {
        let text = "|\nNăm 2025\n|\nQuyết định 5/QĐ-BNV năm 2025 về việc\nVăn bản này chưa cập nhật nội dung Tiếng Anh\nBan hành: 01/01/2025";
        let lines: Vec<&str> = text.lines().collect();
        let (kept, _) = strip(&lines);
        assert_eq!(kept[2], "|");
        assert!(kept[3..].iter().all(String::is_empty));
    }

    #[test]
    fn a_plain_document_is_left_as_it_is() {
        let lines = ["Số: 5/KH-UBND", "|", "1", "|"];
        let (kept, metadata) = strip(&lines);
        assert_eq!(kept, lines);
        assert_eq!(metadata, Metadata::default());
    }
}
