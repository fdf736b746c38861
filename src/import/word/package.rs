//! The .docx container: a zip whose parts are read within limits, in bounded memory. Sizes in
//! the zip headers are checked first, then every part is read through `Read::take` in chunks, so
//! a header that lies about its size cannot make the reader allocate more than the limit.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::ReadError;

/// Uncompressed size of the main document part (`word/document.xml`).
pub const MAX_DOCUMENT_BYTES: u64 = 50 * MIB;
/// Uncompressed size of any other part read (styles, numbering, relationships).
pub const MAX_OTHER_PART_BYTES: u64 = 16 * MIB;
/// Uncompressed bytes read from one file, all parts together (the document, its styles,
/// numbering and relationships are all that is read).
pub const MAX_TOTAL_BYTES: u64 = 64 * MIB;
/// Uncompressed ÷ compressed size above which a part is taken for a zip bomb. Word's XML
/// compresses 5–30 times; deflate bombs reach 1,000.
pub const MAX_RATIO: u64 = 250;
/// Parts smaller than this are never judged by their ratio (tiny parts compress oddly).
pub const RATIO_FLOOR: u64 = MIB;
/// Entries in the zip; a Word document has a few dozen.
pub const MAX_ENTRIES: usize = 10_000;

const MIB: u64 = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// An opened .docx, with the running count of bytes read from it.
pub struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    read_total: u64,
}

impl<'a> Package<'a> {
    /// Opens the zip; refuses what is not one, or is an absurd one.
    pub fn open(bytes: &'a [u8]) -> Result<Self, ReadError> {
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| match e {
            ZipError::InvalidArchive(_) | ZipError::Io(_) => ReadError::new(
                "tệp không phải .docx hợp lệ: không đọc được cấu trúc nén (zip) của tệp, tệp có thể bị hỏng hoặc tải lên chưa hết",
            ),
            other => ReadError::new(format!(
                "tệp .docx dùng định dạng nén không hỗ trợ ({other}): hãy mở trong Word và lưu lại thành .docx"
            )),
        })?;
        if archive.len() > MAX_ENTRIES {
            return Err(ReadError::new(format!(
                "tệp .docx chứa {} phần, quá giới hạn {MAX_ENTRIES}: không phải tài liệu Word thông thường",
                archive.len()
            )));
        }
        Ok(Self {
            archive,
            read_total: 0,
        })
    }

    /// The bytes of the named part (a path inside the zip, no leading '/'), `None` if absent.
    pub fn part(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(index) = self.index_of(name) else {
            return Ok(None);
        };
        let mut file = self.archive.by_index(index).map_err(|e| match e {
            ZipError::UnsupportedArchive(_) => ReadError::new(format!(
                "phần {name} của tệp .docx được nén hoặc mã hoá theo cách không hỗ trợ: hãy bỏ mật khẩu và lưu lại thành .docx"
            )),
            _ => broken(name),
        })?;
        let declared = file.size();
        let compressed = file.compressed_size();
        if declared > limit {
            return Err(too_large(name, declared, limit));
        }
        if is_bomb(declared, compressed) {
            return Err(bomb(name));
        }
        let mut out = Vec::with_capacity(usize::try_from(declared.min(CHUNK as u64)).unwrap_or(0));
        let mut chunk = vec![0u8; CHUNK];
        // One byte past the limit tells a part that is too large from one exactly at it.
        let mut bounded = (&mut file).take(limit.saturating_add(1));
        loop {
            let read = match bounded.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(broken(name)),
            };
            out.extend_from_slice(chunk.get(..read).unwrap_or_default());
            let actual = out.len() as u64;
            if actual > limit {
                return Err(too_large(name, actual, limit));
            }
            if is_bomb(actual, compressed) {
                return Err(bomb(name));
            }
            if self.read_total.saturating_add(actual) > MAX_TOTAL_BYTES {
                return Err(ReadError::new(format!(
                    "tệp .docx quá lớn khi giải nén (quá {} MB)",
                    MAX_TOTAL_BYTES / MIB
                )));
            }
        }
        self.read_total = self.read_total.saturating_add(out.len() as u64);
        Ok(Some(out))
    }

    /// Part names in OPC compare without case.
    fn index_of(&self, name: &str) -> Option<usize> {
        if let Some(index) = self.archive.index_for_name(name) {
            return Some(index);
        }
        self.archive
            .file_names_raw()
            .find(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes()))
            .and_then(|found| self.archive.index_for_name_raw(found))
    }
}

fn is_bomb(uncompressed: u64, compressed: u64) -> bool {
    uncompressed > RATIO_FLOOR && uncompressed > compressed.saturating_mul(MAX_RATIO)
}

fn broken(name: &str) -> ReadError {
    ReadError::new(format!(
        "tệp .docx bị hỏng: không giải nén được phần {name}"
    ))
}

fn too_large(name: &str, size: u64, limit: u64) -> ReadError {
    ReadError::new(format!(
        "tệp .docx quá lớn: phần {name} giải nén ra {} MB, giới hạn {} MB",
        size.div_ceil(MIB),
        limit / MIB
    ))
}

fn bomb(name: &str) -> ReadError {
    ReadError::new(format!(
        "tệp .docx bị từ chối: phần {name} nén với tỉ lệ bất thường (hơn {MAX_RATIO} lần), có thể là tệp được tạo để làm treo máy chủ (zip bomb)"
    ))
}
