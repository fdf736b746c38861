//! What the reader needs from `styles.xml`: which styles make text bold and which paragraph
//! styles carry list numbering, each resolved through the `w:basedOn` chain.

use std::collections::HashMap;

use super::xml::Element;

/// Longest `basedOn` chain followed; Word's own are a handful deep, a cycle stops here.
const MAX_CHAIN: usize = 32;

/// A list reference: `w:numPr` (`w:numId`, `w:ilvl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumRef {
    pub num_id: u32,
    pub ilvl: Option<u8>,
}

impl NumRef {
    /// Reads a `w:numPr`; a missing or unreadable `numId` gives `None`.
    pub fn read(num_pr: &Element) -> Option<NumRef> {
        let num_id = num_pr.child_val("numId")?.trim().parse().ok()?;
        let ilvl = num_pr
            .child_val("ilvl")
            .and_then(|v| v.trim().parse::<u8>().ok());
        Some(NumRef { num_id, ilvl })
    }
}

#[derive(Debug, Default)]
struct Style {
    based_on: Option<String>,
    bold: Option<bool>,
    num_id: Option<u32>,
    ilvl: Option<u8>,
}

/// The styles of one document.
#[derive(Debug, Default)]
pub struct Styles {
    by_id: HashMap<String, Style>,
    default_paragraph: Option<String>,
    default_bold: bool,
}

impl Styles {
    /// Reads `styles.xml`'s root (`w:styles`); no part means no styles.
    pub fn read(root: Option<&Element>) -> Styles {
        let mut styles = Styles::default();
        let Some(root) = root else {
            return styles;
        };
        styles.default_bold = root
            .child("docDefaults")
            .and_then(|d| d.child("rPrDefault"))
            .and_then(|d| d.child("rPr"))
            .and_then(bold_of)
            .unwrap_or(false);
        for style in root.elements().filter(|e| &*e.name == "style") {
            let Some(id) = style.attr("styleId") else {
                continue;
            };
            if style.attr("type") == Some("paragraph") && style.attr("default").is_some_and(on) {
                styles.default_paragraph = Some(id.to_owned());
            }
            let num_pr = style.child("pPr").and_then(|p| p.child("numPr"));
            let entry = Style {
                based_on: style.child_val("basedOn").map(str::to_owned),
                bold: style.child("rPr").and_then(bold_of),
                num_id: num_pr
                    .and_then(|n| n.child_val("numId"))
                    .and_then(|v| v.trim().parse().ok()),
                ilvl: num_pr
                    .and_then(|n| n.child_val("ilvl"))
                    .and_then(|v| v.trim().parse().ok()),
            };
            styles.by_id.insert(id.to_owned(), entry);
        }
        styles
    }

    /// Whether a run is bold: its own `w:b`, else its character style, else its paragraph's
    /// style (or the default paragraph style), else the document default.
    pub fn run_bold(&self, run_props: Option<&Element>, paragraph_style: Option<&str>) -> bool {
        if let Some(bold) = run_props.and_then(bold_of) {
            return bold;
        }
        let character = run_props.and_then(|p| p.child_val("rStyle"));
        if let Some(bold) = character.and_then(|id| self.find(id, |s| s.bold)) {
            return bold;
        }
        let paragraph = paragraph_style.or(self.default_paragraph.as_deref());
        paragraph
            .and_then(|id| self.find(id, |s| s.bold))
            .unwrap_or(self.default_bold)
    }

    /// The list numbering a paragraph style gives its paragraphs, through `basedOn`: the
    /// list from the nearest style naming one, the level from the nearest naming one.
    pub fn numbering(&self, paragraph_style: Option<&str>) -> Option<NumRef> {
        let id = paragraph_style.or(self.default_paragraph.as_deref())?;
        Some(NumRef {
            num_id: self.find(id, |s| s.num_id)?,
            ilvl: self.find(id, |s| s.ilvl),
        })
    }

    /// The first value `get` finds walking from a style up its `basedOn` chain.
    fn find<T>(&self, id: &str, get: impl Fn(&Style) -> Option<T>) -> Option<T> {
        let mut current = self.by_id.get(id);
        for _ in 0..MAX_CHAIN {
            let style = current?;
            if let Some(found) = get(style) {
                return Some(found);
            }
            current = self.by_id.get(style.based_on.as_deref()?);
        }
        None
    }
}

/// `w:b` in a run-properties element: present and not switched off.
pub fn bold_of(run_props: &Element) -> Option<bool> {
    run_props.child("b").map(|b| b.attr("val").is_none_or(on))
}

/// An OOXML on/off value: anything but an explicit "off" is on.
pub fn on(value: &str) -> bool {
    !matches!(value.trim(), "false" | "0" | "off" | "none")
}
