//! A forgiving HTML tokenizer: start and end tags with attributes, text, and nothing else
//! (comments, doctypes, processing instructions and conditional-comment markers are skipped).
//! Never fails: whatever it cannot read as markup it gives back as text.

use std::borrow::Cow;

use super::html_entities::decode;

/// One piece of an HTML page.
#[derive(Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// `<name attr="value" …>`, name in lower case, attribute values decoded.
    Start {
        name: String,
        attrs: Vec<(String, String)>,
    },
    /// `</name>`, name in lower case.
    End { name: String },
    /// Text between tags, character references decoded, white space as written.
    Text(Cow<'a, str>),
}

/// Elements whose content is raw text up to their end tag; none of it is shown.
const RAW_TEXT: [&str; 6] = ["script", "style", "title", "textarea", "noscript", "xmp"];

/// Tokens of an HTML text, in order.
pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Self { src, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    /// Skips past `end` (or to the end of input).
    fn skip_past(&mut self, end: &str) {
        self.pos = match self.rest().find(end) {
            Some(at) => self.pos + at + end.len(),
            None => self.src.len(),
        };
    }

    /// Skips the raw text of `name` up to its end tag (or to the end of input).
    fn skip_raw(&mut self, name: &str) {
        let closing = format!("</{name}");
        let found = self
            .rest()
            .as_bytes()
            .windows(closing.len())
            .position(|w| w.eq_ignore_ascii_case(closing.as_bytes()));
        self.pos = match found {
            Some(at) => self.pos + at,
            None => self.src.len(),
        };
    }

    fn tag_name(&mut self) -> String {
        let rest = self.rest();
        let len = rest
            .bytes()
            .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'>' | b'/'))
            .count();
        self.pos += len;
        rest[..len].to_ascii_lowercase()
    }

    fn attributes(&mut self) -> Vec<(String, String)> {
        let mut attrs = Vec::new();
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            self.pos += rest.len() - trimmed.len();
            if trimmed.is_empty() {
                return attrs;
            }
            if trimmed.starts_with('>') {
                self.pos += 1;
                return attrs;
            }
            let len = trimmed
                .bytes()
                .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'>' | b'=' | b'/'))
                .count()
                .max(1);
            let name = trimmed[..len].to_ascii_lowercase();
            self.pos += len;
            let rest = self.rest();
            let after = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let value = if let Some(value) = after.strip_prefix('=') {
                let value_start = value.trim_start_matches(|c: char| c.is_ascii_whitespace());
                self.pos += rest.len() - value_start.len();
                self.value(value_start)
            } else {
                String::new()
            };
            attrs.push((name, value));
        }
    }

    fn value(&mut self, text: &str) -> String {
        let (raw, used) = match text.chars().next() {
            Some(quote @ ('"' | '\'')) => match text[1..].find(quote) {
                Some(end) => (&text[1..=end], end + 2),
                None => (&text[1..], text.len()),
            },
            _ => {
                let len = text
                    .bytes()
                    .take_while(|b| !b.is_ascii_whitespace() && *b != b'>')
                    .count();
                (&text[..len], len)
            }
        };
        self.pos += used;
        decode(raw).into_owned()
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return None;
            }
            if !rest.starts_with('<') {
                let len = rest.find('<').unwrap_or(rest.len());
                self.pos += len;
                return Some(Token::Text(decode(&rest[..len])));
            }
            let after = &rest[1..];
            if after.starts_with("!--") {
                self.pos += 4;
                self.skip_past("-->");
            } else if after.starts_with('!') || after.starts_with('?') {
                // Doctype, CDATA, `<![if !supportLists]>` markers: content between them shows.
                self.skip_past(">");
            } else if let Some(end) = after.strip_prefix('/') {
                if end.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    self.pos += 2;
                    let name = self.tag_name();
                    self.skip_past(">");
                    return Some(Token::End { name });
                }
                self.skip_past(">");
            } else if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.pos += 1;
                let name = self.tag_name();
                let attrs = self.attributes();
                if RAW_TEXT.contains(&name.as_str()) {
                    self.skip_raw(&name);
                }
                return Some(Token::Start { name, attrs });
            } else {
                self.pos += 1;
                return Some(Token::Text(Cow::Borrowed("<")));
            }
        }
    }
}
