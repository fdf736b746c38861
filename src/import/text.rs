//! A text document's tables, in whichever layout it uses: a portal page's cells between lone
//! `|` lines, tab rows, Markdown or grid tables (or a Markdown table broken over lines), or one
//! field a line. The first layout in which a task table's header is found wins.

use super::cell::clean_cell;
use super::columns::ColumnMap;
use super::document::{Document, Places, SourceRow, SourceTable};
use super::layout::{Layout, RawRow};
use super::stream;
use super::table::header_of;

/// Finds the tables of a text document (its lines already decoded and NFC).
pub fn read(lines: Vec<String>) -> Document {
    let tables = tables(&lines);
    Document {
        lines,
        tables,
        places: Places::Lines,
    }
}

fn tables(lines: &[String]) -> Vec<SourceTable> {
    if stream::has_lone_pipes(lines) {
        let tables = stream::cell_line_tables(lines);
        if tables.iter().any(|t| header_of(t).is_some()) {
            return tables;
        }
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    for layout in [Layout::TabRows, Layout::PipeRows, Layout::FieldLines] {
        let tables = split_tables(layout.rows(&refs));
        let Some(first) = tables.first() else {
            continue;
        };
        if layout == Layout::PipeRows && is_broken(lines, first) {
            let from = first.rows.first().map_or(1, |r| r.line);
            return stream::pipe_stream_tables(lines, from, table_end(lines, from));
        }
        return tables;
    }
    Vec::new()
}

/// The rows of a line layout cut into tables: each starts at a header row; a header with other
/// columns starts a new table, the same header again (a page break) does not.
fn split_tables(rows: Vec<RawRow>) -> Vec<SourceTable> {
    let mut tables: Vec<(ColumnMap, SourceTable)> = Vec::new();
    for RawRow { line, end, cells } in rows {
        let clean: Vec<_> = cells.iter().map(|c| clean_cell(c)).collect();
        if let Some(map) = ColumnMap::from_header(&clean)
            && !tables.last().is_some_and(|(m, _)| m.same_columns(&map))
        {
            tables.push((map, SourceTable::default()));
        }
        if let Some((_, table)) = tables.last_mut() {
            table.rows.push(SourceRow::of(line, end, cells));
        }
    }
    tables.into_iter().map(|(_, t)| t).collect()
}

/// A Markdown table whose rows no longer keep one line each: a fifth or more of its lines
/// break off without a closing `|`, or have another number of cells than the header.
fn is_broken(lines: &[String], table: &SourceTable) -> bool {
    let Some(header) = table.rows.first() else {
        return false;
    };
    let width = header.cells.len();
    let end = table_end(lines, header.line);
    let region: Vec<&str> = lines
        .iter()
        .take(end)
        .skip(header.line)
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let irregular = region
        .iter()
        .filter(|l| {
            let closed = l.starts_with('|') && l.ends_with('|') && l.len() > 1;
            let cells = l.trim_matches('|').split('|').count();
            let rule = l
                .chars()
                .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '+' | '='));
            !rule && (!closed || (cells != width && cells != width + 1))
        })
        .count();
    !region.is_empty() && irregular * 5 >= region.len()
}

/// The last line of the pipe table starting at `from`: the table goes on while lines hold a `|`
/// or continue a cell, and ends before a blank line followed by a line with none.
fn table_end(lines: &[String], from: usize) -> usize {
    let mut last = from;
    let mut blank = false;
    for (index, line) in lines.iter().enumerate().skip(from) {
        let number = index + 1;
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if line.contains('|') {
            last = number;
        } else if blank {
            break;
        }
        blank = false;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn a_second_header_with_other_columns_starts_a_second_table() {
        let text = "STT\tNội dung công việc\tĐơn vị chủ trì\tThời gian hoàn thành\n1\tViệc\tSở A\t2025\n\
STT\tNội dung công việc\tĐơn vị chủ trì\tThời gian hoàn thành\n2\tViệc\tSở A\t2025\n\
TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn\n1\tViệc\tSở B\tSở C\t2026\n";
        let document = read(lines(text));
        assert_eq!(document.tables.len(), 2);
        assert_eq!(document.tables[0].rows.len(), 4);
    }

    #[test]
    fn a_broken_markdown_table_is_read_as_a_stream() {
        let text = "Đoạn mở đầu\n\n| TT | Tên văn bản | Cơ quan chủ trì | Tiến độ |\n| I. Luật |\n| ||\n| | Luật A | Bộ Tư pháp\n| Tháng 5/2025 |\n| | Luật B | Bộ Nội vụ | Năm 2026 |\n\n[1] Chú thích";
        let document = read(lines(text));
        assert_eq!(document.tables.len(), 1);
        assert!(document.tables[0].short_rows_are_merges);
        assert_eq!(document.tables[0].rows.len(), 4);
    }
}
