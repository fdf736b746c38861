//! `read_docx`: finds the main document part and its styles and numbering through the
//! package relationships, then reads the body.

use super::ReadError;
use super::document::BodyReader;
use super::model::WordDocument;
use super::numbering::Numbering;
use super::package::{MAX_DOCUMENT_BYTES, MAX_OTHER_PART_BYTES, Package};
use super::sniff::sniff;
use super::styles::Styles;
use super::xml::{self, Element};

const DEFAULT_MAIN: &str = "word/document.xml";

/// Reads a Word .docx (Office Open XML) into blocks. Everything Word draws is read from the
/// document's own XML; nothing is converted to text first.
pub fn read_docx(bytes: &[u8]) -> Result<WordDocument, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::new("tệp rỗng (0 byte): hãy chọn lại tệp .docx"));
    }
    if !bytes.starts_with(b"PK") {
        return Err(match sniff("", bytes).refusal() {
            Some(refusal) => refusal,
            None => ReadError::new(
                "tệp không phải .docx: không có cấu trúc nén (zip) của tài liệu Word",
            ),
        });
    }
    let mut package = Package::open(bytes)?;
    let main = main_part(&mut package)?;
    let Some(document) = package.part(&main, MAX_DOCUMENT_BYTES)? else {
        return Err(ReadError::new(format!(
            "tệp .docx không có phần nội dung chính ({main}): có thể là tệp Excel/PowerPoint hoặc tệp nén khác đổi đuôi thành .docx"
        )));
    };
    let rels = related_parts(&mut package, &main)?;
    // Every part is read (within the limits) before any is parsed.
    let styles = optional_part(&mut package, rels.styles.as_deref(), "word/styles.xml")?;
    let numbering = optional_part(
        &mut package,
        rels.numbering.as_deref(),
        "word/numbering.xml",
    )?;
    let styles = parse_optional(styles)?;
    let numbering = parse_optional(numbering)?;
    let styles = Styles::read(styles.as_ref());
    let numbering = Numbering::read(numbering.as_ref());
    let root = xml::parse(&document, &main)?;
    drop(document);
    let Some(body) = root.child("body") else {
        return Err(ReadError::new(format!(
            "tệp .docx bị hỏng: phần {main} không có thân văn bản (w:body)"
        )));
    };
    let blocks = BodyReader::new(&styles, &numbering).blocks(body)?;
    Ok(WordDocument { blocks })
}

/// The main document part named by `_rels/.rels`, or Word's usual name.
fn main_part(package: &mut Package<'_>) -> Result<String, ReadError> {
    let Some(rels) = package.part("_rels/.rels", MAX_OTHER_PART_BYTES)? else {
        return Ok(DEFAULT_MAIN.to_owned());
    };
    let rels = xml::parse(&rels, "_rels/.rels")?;
    Ok(targets(&rels, "")
        .into_iter()
        .find(|(kind, _)| kind.ends_with("/officeDocument"))
        .map_or_else(|| DEFAULT_MAIN.to_owned(), |(_, target)| target))
}

#[derive(Default)]
struct Related {
    styles: Option<String>,
    numbering: Option<String>,
}

/// The styles and numbering parts the main part's relationships name.
fn related_parts(package: &mut Package<'_>, main: &str) -> Result<Related, ReadError> {
    let (dir, file) = main.rsplit_once('/').unwrap_or(("", main));
    let rels_name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let Some(rels) = package.part(&rels_name, MAX_OTHER_PART_BYTES)? else {
        return Ok(Related::default());
    };
    let rels = xml::parse(&rels, &rels_name)?;
    let mut related = Related::default();
    for (kind, target) in targets(&rels, dir) {
        if kind.ends_with("/styles") {
            related.styles.get_or_insert(target);
        } else if kind.ends_with("/numbering") {
            related.numbering.get_or_insert(target);
        }
    }
    Ok(related)
}

/// A part the document may go without: (its name, its bytes) when present.
fn optional_part(
    package: &mut Package<'_>,
    named: Option<&str>,
    fallback: &str,
) -> Result<Option<(String, Vec<u8>)>, ReadError> {
    let name = named.unwrap_or(fallback);
    Ok(package
        .part(name, MAX_OTHER_PART_BYTES)?
        .map(|bytes| (name.to_owned(), bytes)))
}

fn parse_optional(part: Option<(String, Vec<u8>)>) -> Result<Option<Element>, ReadError> {
    part.map(|(name, bytes)| xml::parse(&bytes, &name))
        .transpose()
}

/// (type, part name) of each internal relationship, targets resolved against `base`.
fn targets(rels: &Element, base: &str) -> Vec<(String, String)> {
    rels.elements()
        .filter(|r| &*r.name == "Relationship" && r.attr("TargetMode") != Some("External"))
        .filter_map(|r| Some((r.attr("Type")?.to_owned(), resolve(base, r.attr("Target")?))))
        .collect()
}

/// A relationship target as a zip entry name: absolute from the root when it starts with
/// '/', else relative to the source part's folder; "." and ".." resolved.
fn resolve(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined = if let Some(absolute) = target.strip_prefix('/') {
        absolute.to_owned()
    } else if base.is_empty() {
        target.to_owned()
    } else {
        format!("{base}/{target}")
    };
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}
