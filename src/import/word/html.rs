//! `read_html`: a legal portal's saved page (or Word's web-page export) as the same blocks a
//! .docx gives. Paragraph-like elements make paragraphs, `<table>`s make tables with
//! `rowspan`/`colspan` as Word merges, `<ol>` items get their numbers as labels. Tolerant of
//! unclosed tags; scripts, styles and hidden elements are dropped.

use unicode_normalization::UnicodeNormalization;

use super::ReadError;
use super::html_elements::{is_block, is_void, list_format, presentation};
use super::html_lex::{Lexer, Token};
use super::html_table::{RawCell, RawRow, layout};
use super::model::{Block, Paragraph, WordDocument};
use super::numbering::NumFmt;

/// Largest page read (a portal's page of a long plan is a few MB).
pub const MAX_HTML_BYTES: usize = 50 * 1024 * 1024;
/// Tables inside tables; portals nest layout tables two or three deep.
pub const MAX_TABLE_DEPTH: usize = 32;
/// How far down the open elements an end tag looks for its start tag.
const END_TAG_REACH: usize = 256;

/// Reads an HTML page into blocks.
pub fn read_html(text: &str) -> Result<WordDocument, ReadError> {
    if text.len() > MAX_HTML_BYTES {
        return Err(ReadError::new(format!(
            "trang HTML quá lớn ({} MB, giới hạn {} MB)",
            text.len().div_ceil(1024 * 1024),
            MAX_HTML_BYTES / (1024 * 1024)
        )));
    }
    let mut builder = Builder::default();
    for token in Lexer::new(text) {
        builder.token(token)?;
    }
    builder.finish()
}

/// An open element, with the boldness and visibility in force inside it.
struct Open {
    name: String,
    bold: bool,
    hidden: bool,
}

/// An open `<ol>`/`<ul>`: where it sits on the open stack and its next number.
struct List {
    depth: usize,
    format: Option<NumFmt>,
    next: u32,
}

#[derive(Default)]
struct Para {
    text: String,
    pending_space: bool,
    filled: bool,
    not_bold: bool,
    label: Option<String>,
}

struct TableState {
    rows: Vec<RawRow>,
    row: Option<RawRow>,
    cell: Option<(RawCell, usize)>,
    in_head: bool,
    floor: usize,
    hidden: bool,
}

#[derive(Default)]
struct Builder {
    body: Vec<Block>,
    open: Vec<Open>,
    lists: Vec<List>,
    tables: Vec<TableState>,
    para: Para,
}

impl Builder {
    fn token(&mut self, token: Token<'_>) -> Result<(), ReadError> {
        match token {
            Token::Text(text) => self.text(&text),
            Token::Start { name, attrs } => self.start(name, &attrs)?,
            Token::End { name } => self.end(&name)?,
        }
        Ok(())
    }

    fn bold(&self) -> bool {
        self.open.last().is_some_and(|o| o.bold)
    }

    fn hidden(&self) -> bool {
        self.open.last().is_some_and(|o| o.hidden)
    }

    fn text(&mut self, text: &str) {
        if self.hidden() {
            return;
        }
        let bold = self.bold();
        let para = &mut self.para;
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
                para.pending_space = !para.text.is_empty() && !para.text.ends_with('\n');
                continue;
            }
            if std::mem::take(&mut para.pending_space) {
                para.text.push(' ');
            }
            para.text.push(c);
            if !c.is_whitespace() {
                para.filled = true;
                para.not_bold |= !bold;
            }
        }
    }

    fn line_break(&mut self) {
        if !self.hidden() {
            self.para.pending_space = false;
            self.para.text.push('\n');
        }
    }

    /// Ends the paragraph being gathered, into the innermost open cell (or the body).
    fn flush(&mut self) {
        let para = std::mem::take(&mut self.para);
        let text = para.text.trim_matches('\n');
        if text.is_empty() {
            return;
        }
        let paragraph = Paragraph {
            text: text.nfc().collect(),
            bold: para.filled && !para.not_bold,
            label: para.label,
        };
        self.target().push(Block::Paragraph(paragraph));
    }

    /// Where blocks go now: the innermost open cell; text inside a table but outside its
    /// cells goes, as browsers put it, before the table.
    fn target(&mut self) -> &mut Vec<Block> {
        match self.tables.iter_mut().rev().find_map(|t| t.cell.as_mut()) {
            Some((cell, _)) => &mut cell.blocks,
            None => &mut self.body,
        }
    }

    fn start(&mut self, name: String, attrs: &[(String, String)]) -> Result<(), ReadError> {
        let attr = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        match name.as_str() {
            "br" => {
                self.line_break();
                return Ok(());
            }
            "hr" => {
                self.flush();
                return Ok(());
            }
            "table" => {
                self.flush();
                if self.tables.len() >= MAX_TABLE_DEPTH {
                    return Err(ReadError::new(format!(
                        "trang HTML có bảng lồng nhau quá sâu (quá {MAX_TABLE_DEPTH} cấp)"
                    )));
                }
                self.tables.push(TableState {
                    rows: Vec::new(),
                    row: None,
                    cell: None,
                    in_head: false,
                    floor: self.open.len(),
                    hidden: self.hidden(),
                });
                return Ok(());
            }
            "thead" | "tbody" | "tfoot" => {
                if let Some(table) = self.tables.last_mut() {
                    table.in_head = name == "thead";
                }
                return Ok(());
            }
            "tr" => {
                if !self.tables.is_empty() {
                    self.close_cell();
                    self.close_row();
                }
                return Ok(());
            }
            "td" | "th" if !self.tables.is_empty() => {
                self.close_cell();
                self.flush();
                let span = |key: &str, default: usize| {
                    attr(key)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(default)
                };
                let cell = RawCell {
                    blocks: Vec::new(),
                    colspan: span("colspan", 1),
                    rowspan: span("rowspan", 1),
                };
                let floor = self.open.len();
                if let Some(table) = self.tables.last_mut() {
                    table.cell = Some((cell, floor));
                }
            }
            _ => {}
        }
        if is_void(&name) {
            return Ok(());
        }
        if is_block(&name) || matches!(name.as_str(), "td" | "th") {
            self.flush();
        }
        let (bold, hidden) = presentation(&name, attrs, self.bold(), self.hidden());
        match name.as_str() {
            "ol" | "ul" => self.lists.push(List {
                depth: self.open.len(),
                format: (name == "ol").then(|| list_format(attr("type"))),
                next: attr("start")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(1),
            }),
            "li" => {
                if let Some(list) = self.lists.last_mut()
                    && let Some(format) = list.format
                {
                    let n = attr("value")
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(list.next);
                    list.next = n.saturating_add(1);
                    self.para.label = Some(format!("{}.", format.format(n)));
                }
            }
            _ => {}
        }
        self.open.push(Open { name, bold, hidden });
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), ReadError> {
        match name {
            "br" => {
                self.line_break();
                return Ok(());
            }
            "table" => return self.close_table(),
            "tr" => {
                self.close_cell();
                self.close_row();
                return Ok(());
            }
            "td" | "th" => {
                self.close_cell();
                return Ok(());
            }
            "thead" => {
                if let Some(table) = self.tables.last_mut() {
                    table.in_head = false;
                }
                return Ok(());
            }
            _ => {}
        }
        if is_block(name) {
            self.flush();
        }
        let floor = match self.tables.last() {
            Some(TableState {
                cell: Some((_, floor)),
                ..
            }) => floor + 1,
            Some(table) => table.floor,
            None => 0,
        };
        let reach = self.open.len().saturating_sub(END_TAG_REACH).max(floor);
        if let Some(at) = (reach..self.open.len())
            .rev()
            .find(|&i| self.open[i].name == name)
        {
            self.truncate(at);
        }
        Ok(())
    }

    /// Closes the open elements from `len` on (and the lists among them).
    fn truncate(&mut self, len: usize) {
        self.open.truncate(len);
        while self.lists.last().is_some_and(|l| l.depth >= len) {
            self.lists.pop();
        }
    }

    fn close_cell(&mut self) {
        if self.tables.last().is_none_or(|t| t.cell.is_none()) {
            return;
        }
        self.flush();
        let Some(table) = self.tables.last_mut() else {
            return;
        };
        if let Some((cell, floor)) = table.cell.take() {
            let header = table.in_head;
            table
                .row
                .get_or_insert_with(|| RawRow {
                    cells: Vec::new(),
                    header,
                })
                .cells
                .push(cell);
            self.truncate(floor);
        }
    }

    fn close_row(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            if let Some(row) = table.row.take() {
                table.rows.push(row);
            }
            let header = table.in_head;
            table.row = Some(RawRow {
                cells: Vec::new(),
                header,
            });
        }
    }

    fn close_table(&mut self) -> Result<(), ReadError> {
        if self.tables.is_empty() {
            return Ok(());
        }
        self.close_cell();
        let Some(mut table) = self.tables.pop() else {
            return Ok(());
        };
        if let Some(row) = table.row.take().filter(|r| !r.cells.is_empty()) {
            table.rows.push(row);
        }
        table.rows.retain(|r| !r.cells.is_empty());
        self.truncate(table.floor);
        let hidden = table.hidden;
        let table = layout(table.rows)?;
        table.check_size()?;
        if !hidden {
            self.target().push(Block::Table(table));
        }
        Ok(())
    }

    fn finish(mut self) -> Result<WordDocument, ReadError> {
        while !self.tables.is_empty() {
            self.close_table()?;
        }
        self.flush();
        Ok(WordDocument { blocks: self.body })
    }
}
