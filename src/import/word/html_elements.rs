//! What an HTML element means for reading a page: whether it starts a paragraph, has no
//! content, makes text bold or hides it, and how an `<ol>` numbers its items.

use super::numbering::NumFmt;

const BLOCKS: [&str; 30] = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "center",
    "address",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "caption",
];

const VOID: [&str; 14] = [
    "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source", "embed", "param",
    "track", "keygen",
];

/// The element ends the paragraph before it and starts a new one.
pub fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

/// The element has no content and no end tag.
pub fn is_void(name: &str) -> bool {
    VOID.contains(&name)
}

/// (bold, hidden) inside the element, given the element it sits in: `<b>`, `<strong>`, `<th>`
/// and headings are bold, an inline `font-weight` decides over the tag; `display:none`,
/// `hidden` and `<template>` hide.
pub fn presentation(
    name: &str,
    attrs: &[(String, String)],
    parent_bold: bool,
    parent_hidden: bool,
) -> (bool, bool) {
    let attr = |key: &str| {
        attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let style = attr("style")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .replace(' ', "");
    let weight = style
        .split(';')
        .find_map(|d| d.strip_prefix("font-weight:"));
    let bold = match weight {
        Some("bold" | "bolder" | "600" | "700" | "800" | "900") => true,
        Some(_) => false,
        None => {
            matches!(
                name,
                "b" | "strong" | "th" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            ) || parent_bold
        }
    };
    let hidden = parent_hidden
        || style.contains("display:none")
        || attr("hidden").is_some()
        || name == "template";
    (bold, hidden)
}

/// The numbering of `<ol type="…">`.
pub fn list_format(kind: Option<&str>) -> NumFmt {
    match kind {
        Some("a") => NumFmt::LowerLetter,
        Some("A") => NumFmt::UpperLetter,
        Some("i") => NumFmt::LowerRoman,
        Some("I") => NumFmt::UpperRoman,
        _ => NumFmt::Decimal,
    }
}
