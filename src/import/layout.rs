//! The table layouts plan documents arrive in, each read into rows of raw cell text with the
//! source line of the row:
//! - tab rows: one row a line, cells separated by tabs (Word "save as text");
//! - field lines: one cell a tab-indented line, rows separated by blank lines;
//! - pipe rows: `| a | b |` lines (Markdown), or grid tables ruled with `+---+` whose cells
//!   wrap over several lines.
//!
//! A portal page's cells between lone `|` lines are read by `super::stream`.

/// A row as read from the source, before cleaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// 1-based line where the row starts.
    pub line: usize,
    /// 1-based line where it ends.
    pub end: usize,
    pub cells: Vec<String>,
}

/// How the table of a document is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    TabRows,
    PipeRows,
    FieldLines,
}

impl Layout {
    /// Reads every row of the document in this layout.
    pub fn rows(self, lines: &[&str]) -> Vec<RawRow> {
        match self {
            Layout::TabRows => tab_rows(lines),
            Layout::PipeRows => pipe_rows(lines),
            Layout::FieldLines => field_lines(lines),
        }
    }
}

fn tab_rows(lines: &[&str]) -> Vec<RawRow> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains('\t') && !l.trim().is_empty())
        .map(|(i, l)| RawRow {
            line: i + 1,
            end: i + 1,
            cells: l.split('\t').map(str::to_owned).collect(),
        })
        .collect()
}

fn is_rule_line(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '+' | '-' | '=' | ':' | '|' | ' '))
        && t.contains('-')
        || t.chars().all(|c| matches!(c, '+' | '=' | ':'))
}

fn pipe_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_owned()).collect()
}

/// Markdown rows, or grid-table rows when `+---+` rules separate them.
fn pipe_rows(lines: &[&str]) -> Vec<RawRow> {
    let grid = lines
        .iter()
        .any(|l| l.trim_start().starts_with("+-") || l.trim_start().starts_with("+="));
    let mut rows = Vec::new();
    let mut pending: Option<RawRow> = None;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if is_rule_line(t) {
            if let Some(row) = pending.take() {
                rows.push(row);
            }
            continue;
        }
        if !t.starts_with('|') || t.len() < 2 || pipe_cells(t).len() < 2 {
            if let Some(row) = pending.take() {
                rows.push(row);
            }
            continue;
        }
        let cells = pipe_cells(t);
        if !grid {
            rows.push(RawRow {
                line: i + 1,
                end: i + 1,
                cells,
            });
            continue;
        }
        match pending.as_mut() {
            Some(row) => {
                row.end = i + 1;
                for (k, cell) in cells.into_iter().enumerate() {
                    match row.cells.get_mut(k) {
                        Some(existing) => {
                            existing.push('\n');
                            existing.push_str(&cell);
                        }
                        None => row.cells.push(cell),
                    }
                }
            }
            None => {
                pending = Some(RawRow {
                    line: i + 1,
                    end: i + 1,
                    cells,
                })
            }
        }
    }
    rows.extend(pending);
    rows
}

/// One field a tab-indented line, records separated by blank lines. A line that does not start
/// with a tab continues the field above; after a blank line only when it is indented (Word field
/// codes break a cell that way), otherwise it is a paragraph outside the table.
fn field_lines(lines: &[&str]) -> Vec<RawRow> {
    let mut rows = Vec::new();
    let mut row: Option<RawRow> = None;
    let mut after_blank = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            after_blank = true;
            continue;
        }
        if line.starts_with('\t') {
            if after_blank {
                rows.extend(row.take());
            }
            let current = row.get_or_insert_with(|| RawRow {
                line: i + 1,
                end: i + 1,
                cells: Vec::new(),
            });
            current.cells.push((*line).to_owned());
            current.end = i + 1;
        } else if let Some(current) = row.as_mut() {
            if after_blank && !line.starts_with([' ', '\u{a0}']) {
                rows.extend(row.take());
            } else if let Some(last) = current.cells.last_mut() {
                last.push('\n');
                last.push_str(line);
                current.end = i + 1;
            }
        }
        after_blank = false;
    }
    rows.extend(row);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    #[test]
    fn tab_rows_split_on_tabs_and_keep_line_numbers() {
        let rows = Layout::TabRows.rows(&lines("Tiêu đề\nSTT\tNội dung\n1\tViệc một"));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].cells, vec!["1", "Việc một"]);
    }

    #[test]
    fn field_lines_group_tab_indented_lines_into_records() {
        let text = "\tTT\n\tNội dung\n\n\t1\n\tCục Thông tin\n\n HYPERLINK \"x\" khoa học\n\tVăn phòng Bộ\n\nGhi chú cuối";
        let rows = Layout::FieldLines.rows(&lines(text));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].cells.len(), 3);
        assert!(rows[1].cells[1].contains("khoa học"));
    }

    #[test]
    fn markdown_pipe_rows_skip_the_rule() {
        let rows = Layout::PipeRows.rows(&lines("| STT | Nội dung |\n|---|---|\n| 1 | Việc |"));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].cells, vec!["1", "Việc"]);
    }

    #[test]
    fn grid_rows_join_wrapped_cell_lines() {
        let text =
            "+---+------+\n| 1 | Kết  |\n|   | nối  |\n+---+------+\n| 2 | Xong |\n+---+------+";
        let rows = Layout::PipeRows.rows(&lines(text));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells[1], "Kết\nnối");
        assert_eq!(rows[0].line, 2);
    }
}
