//! Building blocks of the Word report: page setup, paragraphs, and tables with a bold shaded
//! header row laid out on a fixed grid.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Shading,
    ShdType, SpecialIndentType, Table, TableCell, TableCellMargins, TableLayoutType, TableRow,
    VAlignType, WidthType,
};

const FONT: &str = "Times New Roman";
/// 13 pt, in half-points: the size of administrative documents.
const BODY_SIZE: usize = 26;
/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// The text width of A4 with the margins of administrative documents (top and bottom 20 mm,
/// left 30 mm, right 15 mm): 165 mm.
pub const TEXT_WIDTH: usize = 9355;

/// An empty A4 document in Times New Roman 13 pt.
pub fn a4_document() -> Docx {
    let margins = PageMargin::new()
        .top(1134)
        .bottom(1134)
        .left(1701)
        .right(851)
        .header(567)
        .footer(567);
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(margins)
        .default_fonts(fonts)
        .default_size(BODY_SIZE)
}

/// A run of `text`, its line breaks kept as breaks within the paragraph.
pub fn run(text: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

fn spaced(p: Paragraph, before: u32, after: u32) -> Paragraph {
    p.line_spacing(LineSpacing::new().before(before).after(after))
}

/// A body paragraph: justified, first line indented 1 cm.
pub fn para(text: &str) -> Paragraph {
    spaced(Paragraph::new().add_run(run(text)), 0, 120)
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
}

/// A paragraph introducing the table below it.
pub fn caption(text: &str) -> Paragraph {
    spaced(Paragraph::new().add_run(run(text).italic()), 120, 60).keep_next(true)
}

/// A centred line.
pub fn centered(r: Run) -> Paragraph {
    spaced(Paragraph::new().add_run(r), 0, 0).align(AlignmentType::Center)
}

/// A section heading such as "I. TÌNH HÌNH CHUNG".
pub fn heading(text: &str) -> Paragraph {
    spaced(Paragraph::new().add_run(run(text).bold()), 240, 120).keep_next(true)
}

/// Two borderless side-by-side blocks (the header and the signature block), widths in twips.
pub fn side_by_side(left: (usize, Vec<Paragraph>), right: (usize, Vec<Paragraph>)) -> Table {
    let block = |(width, lines): (usize, Vec<Paragraph>)| {
        lines
            .into_iter()
            .fold(TableCell::new().width(width, WidthType::Dxa), |c, p| {
                c.add_paragraph(p)
            })
    };
    let grid = vec![left.0, right.0];
    Table::without_borders(vec![TableRow::new(vec![block(left), block(right)])]).set_grid(grid)
}

/// A table column: its header, its width in twips, whether its cells are centred.
pub type Column = (&'static str, usize, bool);

/// A table's columns and font size (half-points); the widths add up to `TEXT_WIDTH`.
pub struct Grid {
    pub columns: &'static [Column],
    pub size: usize,
}

impl Grid {
    fn cell(&self, text: &str, width: usize, center: bool, bold: bool) -> TableCell {
        let mut r = run(text).size(self.size);
        if bold {
            r = r.bold();
        }
        let align = if center {
            AlignmentType::Center
        } else {
            AlignmentType::Left
        };
        TableCell::new()
            .add_paragraph(spaced(Paragraph::new().add_run(r), 0, 0).align(align))
            .width(width, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
    }

    /// A row of values, one per column.
    pub fn row(&self, values: &[String]) -> TableRow {
        let cells = self.columns.iter().zip(values);
        TableRow::new(
            cells
                .map(|((_, width, center), value)| self.cell(value, *width, *center, false))
                .collect(),
        )
    }

    /// A bold row across the whole table, opening a group (a unit in the overdue list).
    pub fn group(&self, text: &str) -> TableRow {
        let width = self.columns.iter().map(|(_, w, _)| w).sum();
        let cell = self.cell(text, width, false, true);
        TableRow::new(vec![cell.grid_span(self.columns.len())]).cant_split()
    }

    /// The table: a bold shaded header row, then `rows`.
    pub fn table(&self, rows: Vec<TableRow>) -> Table {
        let shade = Shading::new().shd_type(ShdType::Clear).fill("D9E2F3");
        let header = self
            .columns
            .iter()
            .map(|(name, width, _)| self.cell(name, *width, true, true).shading(shade.clone()));
        let mut all = vec![TableRow::new(header.collect()).cant_split()];
        all.extend(rows);
        Table::new(all)
            .set_grid(self.columns.iter().map(|(_, w, _)| *w).collect())
            .width(TEXT_WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(TableCellMargins::new().margin(30, 70, 30, 70))
    }
}
