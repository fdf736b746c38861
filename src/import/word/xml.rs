//! A small element tree of one OOXML part, built with quick-xml within fixed limits (nesting
//! depth, element count), so the recursive walks over it stay bounded. Names are kept without
//! their namespace prefix: the parts this reader looks at use each local name for one thing.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::ReadError;

/// Deepest element nesting accepted; real documents stay well under 60.
pub const MAX_DEPTH: usize = 200;
/// Elements in one part; a 1,000-task plan has a few hundred thousand.
pub const MAX_ELEMENTS: usize = 3_000_000;

/// One element: local name, attributes by local name, children in order.
#[derive(Debug, Default)]
pub struct Element {
    pub name: Box<str>,
    attrs: Vec<(Box<str>, Box<str>)>,
    pub children: Vec<Node>,
}

/// A child of an element. Text is kept only inside `t` elements (the only text Word shows).
#[derive(Debug)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The value of the attribute with this local name (`w:val` is `"val"`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| &**key == name)
            .map(|(_, value)| &**value)
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| &*e.name == name)
    }

    /// The `val` attribute of the named child (`<w:pStyle w:val="…"/>`).
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|e| e.attr("val"))
    }

    /// The text directly inside this element.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|node| match node {
                Node::Text(text) => Some(text.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }
}

/// Parses one part. `part` names it in error messages.
pub fn parse(bytes: &[u8], part: &str) -> Result<Element, ReadError> {
    let corrupt = |detail: &dyn std::fmt::Display| {
        ReadError::new(format!(
            "tệp .docx bị hỏng: phần {part} không phải XML hợp lệ ({detail})"
        ))
    };
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| corrupt(&e))?;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() && stack.is_empty() => {
                return Err(corrupt(&format_args!(
                    "có phần tử {} sau phần tử gốc",
                    String::from_utf8_lossy(start.name().as_ref())
                )));
            }
            Event::Start(start) => {
                count += 1;
                check_size(part, stack.len(), count)?;
                stack.push(element(&start, &reader).map_err(|e| corrupt(&e))?);
            }
            Event::Empty(start) => {
                count += 1;
                check_size(part, stack.len(), count)?;
                let element = element(&start, &reader).map_err(|e| corrupt(&e))?;
                attach(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err(corrupt(&"thẻ đóng thừa"));
                };
                attach(&mut stack, &mut root, element);
            }
            Event::Text(text) => {
                if keeps_text(&stack) {
                    push_text(&mut stack, &text.decode().map_err(|e| corrupt(&e))?);
                }
            }
            Event::CData(data) => {
                if keeps_text(&stack) {
                    push_text(&mut stack, &data.decode().map_err(|e| corrupt(&e))?);
                }
            }
            Event::GeneralRef(reference) => {
                if keeps_text(&stack) {
                    let resolved = match reference.resolve_char_ref().map_err(|e| corrupt(&e))? {
                        Some(c) => c.to_string(),
                        None => {
                            let name = reference.decode().map_err(|e| corrupt(&e))?;
                            quick_xml::escape::resolve_xml_entity(&name)
                                .map_or_else(|| format!("&{name};"), str::to_owned)
                        }
                    };
                    push_text(&mut stack, &resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(corrupt(&"tài liệu bị cắt cụt"));
    }
    root.ok_or_else(|| corrupt(&"không có phần tử nào"))
}

fn check_size(part: &str, depth: usize, count: usize) -> Result<(), ReadError> {
    if depth >= MAX_DEPTH {
        return Err(ReadError::new(format!(
            "tệp .docx có phần {part} lồng nhau quá sâu (quá {MAX_DEPTH} cấp), không đọc được"
        )));
    }
    if count > MAX_ELEMENTS {
        return Err(ReadError::new(format!(
            "tệp .docx có phần {part} quá lớn (quá {MAX_ELEMENTS} phần tử XML)"
        )));
    }
    Ok(())
}

fn element(start: &BytesStart<'_>, reader: &Reader<&[u8]>) -> Result<Element, quick_xml::Error> {
    let name = local(start.name().as_ref());
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr?;
        let key = local(attr.key.as_ref());
        // Revision ids are most of the attribute bytes of a Word document and never needed.
        if key.starts_with("rsid") || matches!(&*key, "paraId" | "textId") {
            continue;
        }
        let value = attr.decoded_and_normalized_value(XmlVersion::Implicit1_0, reader.decoder())?;
        attrs.push((key, value.into_owned().into_boxed_str()));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
    })
}

fn local(qualified: &[u8]) -> Box<str> {
    let local = match qualified.iter().position(|&b| b == b':') {
        Some(colon) => &qualified[colon + 1..],
        None => qualified,
    };
    String::from_utf8_lossy(local).into()
}

fn keeps_text(stack: &[Element]) -> bool {
    stack.last().is_some_and(|e| &*e.name == "t")
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(last)) = top.children.last_mut() {
            last.push_str(text);
        } else {
            top.children.push(Node::Text(text.to_owned()));
        }
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}
