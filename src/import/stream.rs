//! Tables whose rows are not lines. A legal portal's page saved as text puts each cell on its own
//! lines between lone `|` lines, and a Markdown table broken over lines loses its line-per-row
//! shape; both come down to a stream of cells separated by `|`, in which an empty cell and the
//! border between two rows look the same (`| |`), merged cells are simply left out of a row,
//! and a caption may sit between two rows as if it were a cell. Rows are found from the width
//! of the header and from what each cell holds: a row number starts a row, a row has at most as
//! many cells as the header, and text past a full row is not part of it.

use super::cell::clean_cell;
use super::columns::{Column, ColumnMap, column_of};
use super::document::{SourceCell, SourceRow, SourceTable};
use super::label::is_row_label;
use crate::domain::deadline::{DeadlineKind, parse_deadline};

/// One piece of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Text between two `|`.
    Cell { line: usize, raw: String },
    /// Nothing between two `|`: an empty cell, or the border between two rows.
    Empty,
    /// Text not closed by a `|`: before the first or after the last.
    Free,
}

/// The tables of a portal page: cells on their own lines between lone `|` lines.
pub fn cell_line_tables(lines: &[String]) -> Vec<SourceTable> {
    tables(&cell_line_tokens(lines))
}

/// The tables of a Markdown pipe table whose rows are broken over lines: every `|` between
/// `first` and `last` (1-based lines) separates two cells.
pub fn pipe_stream_tables(lines: &[String], first: usize, last: usize) -> Vec<SourceTable> {
    tables(&pipe_tokens(lines, first, last))
}

/// True when the text has lone `|` lines, the mark of a portal page's tables.
pub fn has_lone_pipes(lines: &[String]) -> bool {
    lines.iter().filter(|l| l.trim() == "|").nth(3).is_some()
}

fn cell_line_tokens(lines: &[String]) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut text: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut opened = false;
    for (index, line) in lines.iter().enumerate() {
        if line.trim() == "|" {
            let blank = text.iter().all(|l| l.trim().is_empty());
            toks.push(match (opened, blank) {
                (_, false) if opened => Tok::Cell {
                    line: start,
                    raw: text.join("\n"),
                },
                (true, true) => Tok::Empty,
                _ => Tok::Free,
            });
            text.clear();
            opened = true;
        } else {
            if text.is_empty() {
                start = index + 1;
            }
            text.push(line);
        }
    }
    if text.iter().any(|l| !l.trim().is_empty()) {
        toks.push(Tok::Free);
    }
    toks
}

fn pipe_tokens(lines: &[String], first: usize, last: usize) -> Vec<Tok> {
    let mut toks = vec![Tok::Free];
    let mut piece = String::new();
    let mut start = first;
    for (offset, line) in lines
        .iter()
        .skip(first.saturating_sub(1))
        .take(last + 1 - first)
        .enumerate()
    {
        let number = first + offset;
        if !piece.is_empty() {
            piece.push('\n');
        }
        for c in line.chars() {
            if c == '|' {
                toks.push(piece_token(&piece, start));
                piece.clear();
                start = number;
            } else {
                if piece.trim().is_empty() {
                    start = number;
                }
                piece.push(c);
            }
        }
    }
    // The first piece (before the first `|`) and the last (after the last) are not cells.
    if toks.len() > 1 {
        toks.remove(1);
    }
    toks.push(Tok::Free);
    toks
}

fn piece_token(piece: &str, line: usize) -> Tok {
    let t = piece.trim();
    // A Markdown rule ("---", ":---:") separates the header from the rows: no cell.
    if t.is_empty() || t.chars().all(|c| matches!(c, '-' | ':' | '=' | ' ')) {
        Tok::Empty
    } else {
        Tok::Cell {
            line,
            raw: piece.to_owned(),
        }
    }
}

/// Every table whose header is found in the stream.
fn tables(toks: &[Tok]) -> Vec<SourceTable> {
    let mut tables = Vec::new();
    let mut at = 0;
    while at < toks.len() {
        match header_at(toks, at) {
            Some(header) => {
                let (table, next) = Segmenter::new(&header).run(toks, header.end);
                tables.push(table);
                at = next.max(header.end);
            }
            None => at += 1,
        }
    }
    tables
}

/// A header row found in the stream: its cells `toks[start..end]` and their columns.
struct Header {
    start: usize,
    end: usize,
    map: ColumnMap,
    row: SourceRow,
}

/// The header row whose run of cells contains `at`, if `at` opens it. A caption may sit before
/// the header in the same run ("PHỤ LỤC I … | STT | Nhiệm vụ | …"): the header starts at its
/// first known column name.
fn header_at(toks: &[Tok], at: usize) -> Option<Header> {
    let Tok::Cell { .. } = toks.get(at)? else {
        return None;
    };
    let end = toks[at..]
        .iter()
        .position(|t| !matches!(t, Tok::Cell { .. }))
        .map_or(toks.len(), |p| at + p);
    let raw: Vec<(usize, &str)> = toks[at..end]
        .iter()
        .filter_map(|t| match t {
            Tok::Cell { line, raw } => Some((*line, raw.as_str())),
            _ => None,
        })
        .collect();
    let first_known = raw
        .iter()
        .position(|(_, r)| column_of(&clean_cell(r).text).is_some())?;
    if first_known != 0 && at > 0 && matches!(toks[at - 1], Tok::Cell { .. }) {
        return None;
    }
    let cells: Vec<_> = raw[first_known..]
        .iter()
        .map(|(_, r)| clean_cell(r))
        .collect();
    let map = ColumnMap::from_header(&cells)?;
    let mut header = Header {
        start: at + first_known,
        end,
        map,
        row: SourceRow {
            line: raw[first_known].0,
            end: raw.last().map_or(0, |(l, r)| last_line(*l, r)),
            cells: raw[first_known..]
                .iter()
                .map(|(_, r)| SourceCell::own(*r))
                .collect(),
            loose: false,
        },
    };
    sub_header(toks, &mut header);
    Some(header)
}

/// A second header row naming the sub-columns of one cell above ("Đơn vị thực hiện" over
/// "Chủ trì" | "Phối hợp"): the text gives the group once, so its sub-columns take its place.
fn sub_header(toks: &[Tok], header: &mut Header) {
    let Some(Tok::Empty) = toks.get(header.end) else {
        return;
    };
    let from = header.end + 1;
    let to = toks[from..]
        .iter()
        .position(|t| !matches!(t, Tok::Cell { .. }))
        .map_or(toks.len(), |p| from + p);
    let labels: Vec<&str> = toks[from..to]
        .iter()
        .filter_map(|t| match t {
            Tok::Cell { raw, .. } => Some(raw.as_str()),
            _ => None,
        })
        .collect();
    let roles: Vec<Option<Column>> = labels
        .iter()
        .map(|l| column_of(&clean_cell(l).text))
        .collect();
    if labels.len() < 2 || roles.iter().any(Option::is_none) {
        return;
    }
    let units = roles
        .iter()
        .all(|r| matches!(r, Some(Column::Lead | Column::Partner)));
    // The group: the header's unit column when the sub-columns are units, else the deadline's.
    let group = if units {
        header.map.index(Column::Lead)
    } else {
        header.map.index(Column::Deadline)
    };
    let Some(group) = group else { return };
    let mut cells = header.row.cells.clone();
    cells.splice(group..=group, labels.iter().map(|l| SourceCell::own(*l)));
    let clean: Vec<_> = cells.iter().map(|c| clean_cell(&c.raw)).collect();
    if let Some(map) = ColumnMap::from_header(&clean) {
        header.map = map;
        header.row.cells = cells;
        header.end = to;
    }
}

/// Cuts the stream after a header into rows.
struct Segmenter<'h> {
    header: &'h Header,
    width: usize,
    number: Option<usize>,
    task: Option<usize>,
    deadline: Option<usize>,
    rows: Vec<SourceRow>,
    row: Vec<(usize, String)>,
}

impl<'h> Segmenter<'h> {
    fn new(header: &'h Header) -> Self {
        let map = &header.map;
        Segmenter {
            header,
            width: map.width,
            number: map.index(Column::Number),
            task: map.index(Column::Task),
            deadline: map.index(Column::Deadline),
            rows: vec![header.row.clone()],
            row: Vec::new(),
        }
    }

    /// Reads rows from `toks[at..]` until the stream ends, a new table's header or prose.
    /// Returns the table and where reading stopped.
    fn run(mut self, toks: &[Tok], mut at: usize) -> (SourceTable, usize) {
        while let Some(tok) = toks.get(at) {
            match tok {
                Tok::Free => break,
                Tok::Cell { line, raw } => {
                    if let Some(again) = header_at(toks, at).filter(|h| h.start == at) {
                        self.finish();
                        let after_caption = self.rows.last().is_some_and(|r| r.loose);
                        if again.map == self.header.map && !after_caption {
                            at = again.end;
                            continue;
                        }
                        break;
                    }
                    // A caption with no `|` between it and the next table's header ends up in
                    // the last cell of this table: it starts at a line in bold.
                    let next_is_header = header_at(toks, at + 1).is_some_and(|h| h.start == at + 1);
                    let (raw, caption) = match next_is_header.then(|| split_caption(raw)) {
                        Some((own, Some(caption))) => (own, Some(caption)),
                        _ => (raw.clone(), None),
                    };
                    if let Some(caption) = caption {
                        if self.row.len() < self.width {
                            self.row.push((*line, raw));
                        }
                        self.finish();
                        self.rows.push(SourceRow {
                            line: *line,
                            end: last_line(*line, &caption),
                            cells: vec![SourceCell::own(caption)],
                            loose: true,
                        });
                        at += 1;
                        continue;
                    }
                    let raw = &raw;
                    if self.row.len() >= self.width {
                        self.finish();
                        if is_prose(raw) {
                            break;
                        }
                        self.rows.push(SourceRow {
                            line: *line,
                            end: last_line(*line, raw),
                            cells: vec![SourceCell::own(raw.clone())],
                            loose: true,
                        });
                    } else {
                        self.row.push((*line, raw.clone()));
                    }
                    at += 1;
                }
                Tok::Empty => {
                    let run = toks[at..].iter().take_while(|t| **t == Tok::Empty).count();
                    match toks.get(at + run) {
                        Some(Tok::Cell { raw, .. }) => self.border(run, raw),
                        _ => {
                            let fill = run.min(self.width.saturating_sub(self.row.len()));
                            if !self.row.is_empty() {
                                self.push_empties(fill);
                            }
                            self.finish();
                        }
                    }
                    at += run;
                }
            }
        }
        self.finish();
        // Captions after the last row belong to what follows, not to this table.
        while self.rows.last().is_some_and(|r| r.loose) {
            self.rows.pop();
        }
        let table = SourceTable {
            rows: self.rows,
            short_rows_are_merges: true,
        };
        (table, at)
    }

    /// `run` empty pieces before the cell `next`: some end the current row as empty cells, one
    /// is the border, the rest open the next row as empty cells — or all are empty cells of the
    /// current row. Chooses the reading under which `next` lands where it fits best.
    fn border(&mut self, run: usize, next: &str) {
        let len = self.row.len();
        let mut best: (f32, usize, usize, usize) = (f32::MIN, 0, 1, 0);
        if len > 0 && len + run < self.width {
            let score = self.fit(next, len + run) - 0.2 * run as f32;
            best = (score, run, 0, 0);
        }
        for trailing in 0..run {
            if len + trailing > self.width || (len == 0 && trailing > 0) {
                break;
            }
            for leading in 0..(run - trailing) {
                if leading >= self.width {
                    break;
                }
                let borders = run - trailing - leading;
                let complete = match len + trailing {
                    0 => 0.0,
                    l if l == self.width => 2.0,
                    _ => -1.0,
                };
                // Rows of nothing but empty cells (filler lines) cost next to nothing.
                let score = complete + self.fit(next, leading)
                    - 0.6 * leading as f32
                    - 0.05 * (borders - 1) as f32;
                if score > best.0 {
                    best = (score, trailing, borders, leading);
                }
            }
        }
        let (_, trailing, borders, leading) = best;
        self.push_empties(trailing);
        if borders > 0 {
            self.finish();
        }
        self.push_empties(leading);
    }

    /// How well a cell's text fits column `column` of a row.
    fn fit(&self, raw: &str, column: usize) -> f32 {
        let cell = clean_cell(raw);
        if cell.is_empty() {
            return if Some(column) == self.number {
                0.5
            } else {
                0.0
            };
        }
        let label = is_row_label(&cell.text);
        if Some(column) == self.number {
            return if label { 3.0 } else { -3.0 };
        }
        if label {
            return -3.0;
        }
        let words = cell.text.split_whitespace().count();
        if Some(column) == self.deadline
            && words <= 16
            && parse_deadline(&cell.text).kind != DeadlineKind::Unparsed
        {
            return 1.0;
        }
        if Some(column) == self.task && words >= 6 {
            return 0.5;
        }
        0.0
    }

    fn push_empties(&mut self, count: usize) {
        let line = self.row.last().map_or(0, |(l, _)| *l);
        for _ in 0..count {
            self.row.push((line, String::new()));
        }
    }

    fn finish(&mut self) {
        if self.row.iter().all(|(_, raw)| raw.trim().is_empty()) {
            self.row.clear();
            return;
        }
        let line = self
            .row
            .iter()
            .find(|(_, raw)| !raw.trim().is_empty())
            .map_or(0, |(l, _)| *l);
        let end = self
            .row
            .iter()
            .map(|(l, raw)| last_line(*l, raw))
            .max()
            .unwrap_or(line);
        let cells = self
            .row
            .drain(..)
            .map(|(_, raw)| SourceCell::own(raw))
            .collect();
        self.rows.push(SourceRow {
            line,
            end,
            cells,
            loose: false,
        });
    }
}

/// The last line of a cell's text that starts on `line`.
fn last_line(line: usize, raw: &str) -> usize {
    line + raw.trim_end().matches('\n').count()
}

/// A cell's own text and the caption that follows it in the same cell ("30/09/2025" then
/// "**2. Các nhiệm vụ …**"): the caption starts at a later line that opens in bold.
fn split_caption(raw: &str) -> (String, Option<String>) {
    let lines: Vec<&str> = raw.lines().collect();
    match lines
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| l.trim_start().starts_with("**") || l.trim_start().starts_with("<b>"))
    {
        Some((at, _)) if lines[..at].iter().any(|l| !l.trim().is_empty()) => {
            (lines[..at].join("\n"), Some(lines[at..].join("\n")))
        }
        _ => (raw.to_owned(), None),
    }
}

/// Running text rather than a cell or a caption: paragraphs, or a long passage of sentences.
fn is_prose(raw: &str) -> bool {
    let paragraphs = raw.split("\n\n").filter(|p| !p.trim().is_empty()).count();
    let text = clean_cell(raw).text;
    paragraphs > 1 || (text.chars().count() > 400 && text.matches(". ").count() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    fn texts(table: &SourceTable) -> Vec<Vec<String>> {
        table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| clean_cell(&c.raw).text).collect())
            .collect()
    }

    const HEADER: &str =
        "|\nSTT\n|\nNội dung\n|\nCơ quan chủ trì\n|\nThời gian hoàn thành\n|\nSản phẩm\n|\n";

    #[test]
    fn rows_meet_as_two_pipes_and_an_empty_cell_is_told_apart_by_width() {
        let text = format!(
            "{HEADER}|\n1\n|\nViệc một\n|\nSở A\n|\nNăm 2025\n|\n|\n|\n2\n|\nViệc hai\n|\nSở B\n|\n|\nQuyết định\n|\n"
        );
        let tables = cell_line_tables(&lines(&text));
        assert_eq!(tables.len(), 1);
        let rows = texts(&tables[0]);
        assert_eq!(rows[1], ["1", "Việc một", "Sở A", "Năm 2025", ""]);
        assert_eq!(rows[2], ["2", "Việc hai", "Sở B", "", "Quyết định"]);
    }

    #[test]
    fn a_short_row_left_by_merged_cells_stays_short() {
        let text = format!(
            "{HEADER}|\n1\n|\nViệc một\n|\nSở A\n|\nNăm 2025\n|\nVăn bản\n|\n|\n2\n|\nViệc hai\n|\n|\n3\n|\nViệc ba\n|\nSở C\n|\nNăm 2026\n|\nBáo cáo\n|\n"
        );
        let rows = texts(&cell_line_tables(&lines(&text))[0]);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2], ["2", "Việc hai"]);
        assert_eq!(rows[3][0], "3");
    }

    #[test]
    fn text_past_a_full_row_is_a_loose_caption_and_a_new_header_a_new_table() {
        let row = "|\n1\n|\nViệc\n|\nSở A\n|\nNăm 2025\n|\nVăn bản\n|\n";
        let text = format!("{HEADER}{row}**2. Nhóm thứ hai**\n{HEADER}{row}");
        let tables = cell_line_tables(&lines(&text));
        assert_eq!(tables.len(), 2);
        assert_eq!(
            tables[0].rows.len(),
            2,
            "the caption is not kept in the first table"
        );
        assert_eq!(texts(&tables[1])[1][1], "Việc");
    }

    #[test]
    fn a_repeated_header_is_skipped_and_trailing_text_ends_the_table() {
        let row = "|\n1\n|\nViệc\n|\nSở A\n|\nNăm 2025\n|\nVăn bản\n|\n";
        let text = format!("{HEADER}{row}{HEADER}{row}Ghi chú: không có");
        let tables = cell_line_tables(&lines(&text));
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].rows.len(), 3);
    }

    #[test]
    fn a_second_header_row_names_the_columns_of_the_group_above() {
        let text = "|\nSTT\n|\nNội dung\n|\nĐơn vị thực hiện\n|\nThời gian\n|\n|\nChủ trì\n|\nPhối hợp\n|\n|\n1\n|\nViệc\n|\nSở A\n|\nSở B\n|\nNăm 2026\n|\n";
        let tables = cell_line_tables(&lines(text));
        let rows = texts(&tables[0]);
        assert_eq!(
            rows[0],
            ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"]
        );
        assert_eq!(rows[1], ["1", "Việc", "Sở A", "Sở B", "Năm 2026"]);
    }

    #[test]
    fn a_broken_markdown_table_is_read_as_a_stream() {
        let text = "| TT | Tên văn bản | Cơ quan chủ trì | Tiến độ |\n| I. Luật |\n| ||\n| | Luật A | Bộ Tư pháp\n| Tháng 5/2025 |\n| | Luật B | Bộ Nội vụ | Năm 2026 |";
        let tables = pipe_stream_tables(&lines(text), 1, 6);
        let rows = texts(&tables[0]);
        assert_eq!(rows[1][0], "I. Luật");
        assert_eq!(rows[2], ["", "Luật A", "Bộ Tư pháp", "Tháng 5/2025"]);
        assert_eq!(rows[3], ["", "Luật B", "Bộ Nội vụ", "Năm 2026"]);
    }
}
