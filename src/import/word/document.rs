//! The body of `document.xml` as blocks: paragraphs (with their list labels) and tables (rows,
//! cells, merges, nested tables), in document order, text boxes read where they are anchored.

use unicode_normalization::UnicodeNormalization;

use super::ReadError;
use super::model::{Block, Paragraph, VMerge, WordCell, WordRow, WordTable};
use super::numbering::{Counters, Numbering};
use super::runs::{Inline, first_choice};
use super::styles::{NumRef, Styles, on};
use super::xml::Element;

/// Widest `gridSpan`/`gridBefore`/`gridAfter` taken as written; larger values are clamped.
const MAX_SPAN: usize = 128;

/// Walks one document body, advancing list counters in document order.
pub struct BodyReader<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    counters: Counters,
}

/// Where blocks of one container go, with a paragraph whose mark was deleted (a tracked
/// change) waiting to be joined to the next one, as accepting the change does.
#[derive(Default)]
struct Sink {
    blocks: Vec<Block>,
    carry: Option<(String, bool, bool)>,
}

impl Sink {
    fn finish(mut self) -> Vec<Block> {
        if let Some((text, filled, all_bold)) = self.carry.take() {
            self.blocks.push(Block::Paragraph(Paragraph {
                text: text.nfc().collect(),
                bold: filled && all_bold,
                label: None,
            }));
        }
        self.blocks
    }
}

impl<'a> BodyReader<'a> {
    pub fn new(styles: &'a Styles, numbering: &'a Numbering) -> Self {
        Self {
            styles,
            numbering,
            counters: Counters::default(),
        }
    }

    /// The blocks of a container of paragraphs and tables: `w:body`, a cell, a text box.
    pub fn blocks(&mut self, container: &Element) -> Result<Vec<Block>, ReadError> {
        let mut sink = Sink::default();
        self.fill(container, &mut sink)?;
        Ok(sink.finish())
    }

    fn fill(&mut self, container: &Element, sink: &mut Sink) -> Result<(), ReadError> {
        for child in container.elements() {
            match &*child.name {
                "p" => self.paragraph(child, sink)?,
                "tbl" => {
                    let table = self.table(child)?;
                    sink.blocks.push(Block::Table(table));
                }
                "AlternateContent" => {
                    if let Some(choice) = first_choice(child) {
                        self.fill(choice, sink)?;
                    }
                }
                // Block-level content controls, custom XML and inserted/moved-in blocks hold
                // paragraphs and tables of their own.
                "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" => self.fill(child, sink)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn paragraph(&mut self, p: &Element, sink: &mut Sink) -> Result<(), ReadError> {
        let props = p.child("pPr");
        let style = props.and_then(|pp| pp.child_val("pStyle"));
        let mut inline = Inline::new();
        if let Some((text, filled, all_bold)) = sink.carry.take() {
            inline.text = text;
            inline.filled = filled;
            inline.all_bold = all_bold;
        }
        inline.walk(p, self.styles, style);
        let mark_deleted = props
            .and_then(|pp| pp.child("rPr"))
            .is_some_and(|r| r.child("del").is_some() || r.child("moveFrom").is_some());
        let boxes = std::mem::take(&mut inline.boxes);
        if mark_deleted {
            sink.carry = Some((inline.text, inline.filled, inline.all_bold));
        } else {
            let own = props.and_then(|pp| pp.child("numPr"));
            // numId 0 switches a style's list off; a paragraph may give only the level.
            let num = own.and_then(NumRef::read).or_else(|| {
                let from_style = self.styles.numbering(style)?;
                let ilvl = own
                    .and_then(|n| n.child_val("ilvl"))
                    .and_then(|v| v.trim().parse().ok());
                Some(NumRef {
                    ilvl: ilvl.or(from_style.ilvl),
                    ..from_style
                })
            });
            let label = num
                .filter(|n| n.num_id != 0)
                .and_then(|n| self.numbering.label(self.styles, &mut self.counters, n));
            sink.blocks.push(Block::Paragraph(Paragraph {
                bold: inline.bold(),
                text: inline.text.nfc().collect(),
                label: label.map(|l| l.nfc().collect()),
            }));
        }
        for text_box in boxes {
            self.fill(text_box, sink)?;
        }
        Ok(())
    }

    fn table(&mut self, tbl: &Element) -> Result<WordTable, ReadError> {
        let columns = tbl.child("tblGrid").map_or(0, |g| {
            g.elements().filter(|e| &*e.name == "gridCol").count()
        });
        let mut table = WordTable {
            rows: Vec::new(),
            columns: columns.min(MAX_SPAN),
        };
        let mut rows = Vec::new();
        collect(tbl, "tr", &mut rows);
        for tr in rows {
            if let Some(row) = self.row(tr)? {
                table.rows.push(row);
            }
        }
        table.check_size()?;
        Ok(table)
    }

    /// A row, or `None` for a row deleted as a tracked change.
    fn row(&mut self, tr: &Element) -> Result<Option<WordRow>, ReadError> {
        let props = tr.child("trPr");
        if props.is_some_and(|p| p.child("del").is_some()) {
            return Ok(None);
        }
        let grid = |name: &str| -> usize {
            props
                .and_then(|p| p.child_val(name))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0)
                .min(MAX_SPAN)
        };
        let mut row = WordRow {
            cells: Vec::new(),
            repeated_header: props
                .and_then(|p| p.child("tblHeader"))
                .is_some_and(|h| h.attr("val").is_none_or(on)),
            grid_before: grid("gridBefore"),
            grid_after: grid("gridAfter"),
        };
        let mut cells = Vec::new();
        collect(tr, "tc", &mut cells);
        for tc in cells {
            let props = tc.child("tcPr");
            let span = props
                .and_then(|p| p.child_val("gridSpan"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, MAX_SPAN);
            // Old documents merge across with w:hMerge: the continuing cell widens the first.
            let h_continue = props
                .and_then(|p| p.child("hMerge"))
                .is_some_and(|h| h.attr("val") != Some("restart"));
            if h_continue && let Some(previous) = row.cells.last_mut() {
                previous.grid_span = (previous.grid_span + span).min(MAX_SPAN);
                continue;
            }
            let v_merge = match props.and_then(|p| p.child("vMerge")) {
                None => VMerge::None,
                Some(v) if v.attr("val") == Some("restart") => VMerge::Restart,
                Some(_) => VMerge::Continue,
            };
            let mut cell = WordCell {
                grid_span: span,
                v_merge,
                ..WordCell::default()
            };
            for block in self.blocks(tc)? {
                match block {
                    Block::Paragraph(paragraph) => cell.paragraphs.push(paragraph),
                    Block::Table(table) => cell.tables.push(table),
                }
            }
            row.cells.push(cell);
        }
        Ok(Some(row))
    }
}

/// The `name` elements under `parent`, looking through the wrappers Word puts around rows
/// and cells (content controls, custom XML).
fn collect<'e>(parent: &'e Element, name: &str, out: &mut Vec<&'e Element>) {
    for child in parent.elements() {
        if &*child.name == name {
            out.push(child);
        } else if matches!(&*child.name, "sdt" | "sdtContent" | "customXml") {
            collect(child, name, out);
        }
    }
}
