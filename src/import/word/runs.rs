//! The visible text of one Word paragraph: runs joined as written, through hyperlinks, smart
//! tags, content controls and simple fields; complex fields shown by their result only; tracked
//! changes read as accepted; hidden text left out. Text boxes met on the way are collected so
//! the caller can read them in place.

use super::styles::{Styles, on};
use super::xml::Element;

/// Text and boldness gathered from a paragraph's runs.
#[derive(Debug, Default)]
pub struct Inline<'a> {
    pub text: String,
    /// Some run with visible non-blank text was seen.
    pub filled: bool,
    /// Every non-blank run seen was bold.
    pub all_bold: bool,
    /// `w:txbxContent` elements anchored in this paragraph, in order.
    pub boxes: Vec<&'a Element>,
    /// Open complex fields, innermost last: `true` once past `separate` (showing the result).
    fields: Vec<bool>,
    /// A page or column break waits to become '\n' if text follows.
    pending_break: bool,
}

impl<'a> Inline<'a> {
    pub fn new() -> Self {
        Self {
            all_bold: true,
            ..Self::default()
        }
    }

    /// The paragraph is bold: it has text and every non-blank run is bold.
    pub fn bold(&self) -> bool {
        self.filled && self.all_bold
    }

    /// Reads the inline content of a paragraph (or of any inline container inside it).
    pub fn walk(&mut self, container: &'a Element, styles: &Styles, style: Option<&str>) {
        for child in container.elements() {
            match &*child.name {
                "r" => self.run(child, styles, style),
                // Deleted and moved-away text is gone once changes are accepted; properties
                // and content-control settings hold no text.
                "del" | "moveFrom" | "pPr" | "rPr" | "sdtPr" | "sdtEndPr" | "customXmlPr" => {}
                "AlternateContent" => {
                    if let Some(choice) = first_choice(child) {
                        self.walk(choice, styles, style);
                    }
                }
                // ins, moveTo, hyperlink, smartTag, sdt, sdtContent, customXml, fldSimple (its
                // children are the result), bookmarks, proofErr, oMath…
                _ => self.walk(child, styles, style),
            }
        }
    }

    fn run(&mut self, run: &'a Element, styles: &Styles, style: Option<&str>) {
        let props = run.child("rPr");
        let hidden = props
            .and_then(|p| p.child("vanish"))
            .is_some_and(|v| v.attr("val").is_none_or(on));
        let bold = styles.run_bold(props, style);
        for child in run.elements() {
            match &*child.name {
                "t" if !hidden => self.push(&child.text(), bold),
                "tab" | "ptab" if !hidden => self.push("\t", bold),
                "br" | "cr" if !hidden => match child.attr("type") {
                    Some("page" | "column") => self.pending_break = true,
                    _ => self.push("\n", bold),
                },
                "noBreakHyphen" if !hidden => self.push("-", bold),
                "sym" if !hidden => {
                    if let Some(c) = symbol(child) {
                        self.push(c.encode_utf8(&mut [0; 4]), bold);
                    }
                }
                "fldChar" => match child.attr("fldCharType") {
                    Some("begin") => self.fields.push(false),
                    Some("separate") => {
                        if let Some(top) = self.fields.last_mut() {
                            *top = true;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                },
                "drawing" | "pict" | "object" | "AlternateContent" => self.find_boxes(child),
                // instrText (a field's code), delText, softHyphen, footnote marks: not shown.
                _ => {}
            }
        }
    }

    fn push(&mut self, text: &str, bold: bool) {
        // Between a field's begin and its separate lies its code, never shown.
        if text.is_empty() || !self.fields.iter().all(|&result| result) {
            return;
        }
        if std::mem::take(&mut self.pending_break) && !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(text);
        if !text.trim().is_empty() {
            self.filled = true;
            self.all_bold &= bold;
        }
    }

    fn find_boxes(&mut self, element: &'a Element) {
        match &*element.name {
            "txbxContent" => self.boxes.push(element),
            "AlternateContent" => {
                if let Some(choice) = first_choice(element) {
                    self.find_boxes(choice);
                }
            }
            _ => {
                for child in element.elements() {
                    self.find_boxes(child);
                }
            }
        }
    }
}

/// `mc:AlternateContent` offers the same content twice (e.g. a DrawingML text box and its VML
/// fallback): read the first choice, or the fallback when there is no choice.
pub fn first_choice(alternate: &Element) -> Option<&Element> {
    alternate
        .child("Choice")
        .or_else(|| alternate.child("Fallback"))
}

/// The character of a `w:sym`, where it has a plain Unicode meaning.
fn symbol(sym: &Element) -> Option<char> {
    let code = u32::from_str_radix(sym.attr("char")?.trim(), 16).ok()?;
    // Symbol fonts put their glyphs in the private-use range F000–F0FF.
    let code = if (0xF000..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    let font = sym.attr("font").unwrap_or_default().to_ascii_lowercase();
    if font.starts_with("wingdings") || font.starts_with("webdings") {
        return match code {
            0x9F | 0x6C | 0xA7 => Some('•'),
            0xFC => Some('✓'),
            0xFB => Some('✗'),
            0xE0 | 0xE8 | 0xF0 => Some('→'),
            _ => None,
        };
    }
    if font == "symbol" {
        let mapped = match code {
            0xB7 => Some('•'),
            0xAE => Some('→'),
            0xAC => Some('←'),
            0xB3 => Some('≥'),
            0xA3 => Some('≤'),
            0xB1 => Some('±'),
            0xB4 => Some('×'),
            0xB8 => Some('÷'),
            0x2D => Some('-'),
            _ => None,
        };
        if mapped.is_some() {
            return mapped;
        }
    }
    char::from_u32(code).filter(|c| !c.is_control() && !('\u{E000}'..='\u{F8FF}').contains(c))
}
