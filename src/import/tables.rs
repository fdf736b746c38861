//! A document may carry several task tables: one per appendix, or several under one appendix,
//! each under its own heading. Each is read; when there are several, each becomes a part of the
//! plan named from its caption ("PL I.2", "PL II"), so that references stay unique and readable
//! ("PL I.2.5"). A table split in two with nothing between (a page break in Word) is one table.

use super::document::Document;
use super::error::Fault;
use super::label::{Label, classify};
use super::model::{ParsedSection, Warning};
use super::table::{DraftTask, Table, dedupe_references, header_of, read_table};
use crate::domain::text::fold;

/// Every task table of a document, as one list of sections and tasks.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub sections: Vec<ParsedSection>,
    pub tasks: Vec<DraftTask>,
    /// The lines each task table spans, for the header reader to skip.
    pub spans: Vec<(usize, usize)>,
    pub warnings: Vec<Warning>,
}

/// A task table with the text that introduces it.
struct Captioned {
    table: Table,
    caption: Vec<String>,
}

/// Reads every task table of the document.
pub fn read_tables(document: &Document) -> Result<Tables, Fault> {
    let mut read: Vec<Captioned> = Vec::new();
    let mut found_header = None;
    let mut previous_end = 0;
    for source in &document.tables {
        let Some(header) = header_of(source) else {
            continue;
        };
        let header_line = source.rows[header.at].line;
        found_header.get_or_insert(header_line);
        let same_as_before = read.last().is_some_and(|last| {
            last.table.map.same_columns(&header.map)
                && caption(&document.lines, previous_end, header_line).is_empty()
        });
        let table = read_table(source, header)?;
        let caption = caption(&document.lines, previous_end, table.lines.0);
        previous_end = table.lines.1;
        if table.tasks.is_empty() && table.sections.is_empty() {
            continue;
        }
        match read.last_mut() {
            Some(last) if same_as_before => continue_table(&mut last.table, table),
            _ => read.push(Captioned { table, caption }),
        }
    }
    if read.iter().all(|c| c.table.tasks.is_empty()) {
        return Err(match found_header {
            Some(line) => Fault::at(line, "bảng kế hoạch không có nhiệm vụ nào"),
            None => Fault::whole(
                "không tìm thấy bảng kế hoạch: cần một hàng tiêu đề có các cột như \"STT\", \"Nội dung công việc\" (hoặc \"Nhiệm vụ, giải pháp\"), \"Đơn vị chủ trì\", \"Thời gian hoàn thành\"",
            ),
        });
    }
    read.retain(|c| !c.table.tasks.is_empty());
    Ok(if read.len() == 1 {
        let Captioned { table, .. } = read.remove(0);
        Tables {
            spans: vec![table.lines],
            sections: table.sections,
            tasks: table.tasks,
            warnings: table.warnings,
        }
    } else {
        combine(read)
    })
}

/// The rows of `more` appended to `table`: the same table across a page break.
fn continue_table(table: &mut Table, more: Table) {
    let offset = table.sections.len();
    table.sections.extend(more.sections);
    let last_section = table.tasks.last().and_then(|t| t.section);
    table.tasks.extend(more.tasks.into_iter().map(|mut t| {
        t.section = t.section.map(|s| s + offset).or(last_section);
        t
    }));
    table.lines.1 = more.lines.1;
    table.warnings.extend(more.warnings);
    dedupe_references(&mut table.tasks);
}

/// The non-empty lines between two tables (the first `limit` before the second's header).
fn caption(lines: &[String], after: usize, before: usize) -> Vec<String> {
    let from = after.max(before.saturating_sub(16));
    lines
        .iter()
        .enumerate()
        .skip(from)
        .take(before.saturating_sub(from + 1))
        .map(|(_, l)| super::header::plain(l))
        .filter(|l| !l.is_empty() && l != "|")
        .collect()
}

/// What a caption says about its table: the appendix it opens ("PHỤ LỤC II") and the label
/// of its own heading ("2. Các nhiệm vụ …" → "2").
struct Naming {
    appendix: Option<String>,
    appendix_title: Option<String>,
    label: Option<String>,
    heading: Option<String>,
}

fn naming(caption: &[String]) -> Naming {
    let appendix_at = caption.iter().rposition(|l| fold(l).starts_with("phu luc"));
    let appendix = appendix_at.map(|i| {
        caption[i]
            .split_whitespace()
            .nth(2)
            .map(|id| id.trim_end_matches(['.', ':']).to_owned())
            .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric()) && id.len() <= 5)
            .unwrap_or_default()
    });
    let appendix_title = appendix_at.and_then(|i| {
        let rest: String = caption[i]
            .split_whitespace()
            .skip(3)
            .collect::<Vec<_>>()
            .join(" ");
        if rest.is_empty() {
            caption.get(i + 1).cloned()
        } else {
            Some(rest)
        }
    });
    let heading_from = appendix_at.map_or(0, |i| i + 1);
    let heading = caption[heading_from.min(caption.len())..]
        .iter()
        .rev()
        .find_map(|line| {
            let first = line.split_whitespace().next()?;
            let label = match classify(first) {
                Label::Number(n) | Label::Letter(n) if first.ends_with(['.', ')']) => n,
                Label::Roman(r, _) | Label::Part(r, _) if first.ends_with(['.', ')']) => r,
                _ => return None,
            };
            let text = line[first.len()..].trim().to_owned();
            Some((label, text))
        });
    Naming {
        appendix,
        appendix_title,
        label: heading.as_ref().map(|(l, _)| l.clone()),
        heading: heading.map(|(_, t)| t),
    }
}

/// Several tables as parts of one plan.
fn combine(read: Vec<Captioned>) -> Tables {
    let mut namings: Vec<Naming> = read.iter().map(|c| naming(&c.caption)).collect();
    // A table with no appendix line of its own stands under the appendix above it.
    let mut current: Option<(String, Option<String>)> = None;
    for n in &mut namings {
        match &n.appendix {
            Some(a) => current = Some((a.clone(), n.appendix_title.clone())),
            None => {
                if let Some((a, title)) = &current {
                    n.appendix = Some(a.clone());
                    n.appendix_title.clone_from(title);
                }
            }
        }
    }
    let mut out = Tables::default();
    for (index, (captioned, n)) in read.into_iter().zip(&namings).enumerate() {
        let siblings = namings
            .iter()
            .filter(|o| o.appendix.is_some() && o.appendix == n.appendix)
            .count();
        let ordinal = namings[..index]
            .iter()
            .filter(|o| o.appendix == n.appendix)
            .count()
            + 1;
        let code = match (&n.appendix, &n.label) {
            (Some(a), Some(l)) if siblings > 1 => format!("PL {a}.{l}"),
            (Some(a), None) if siblings > 1 => format!("PL {a}.{ordinal}"),
            (Some(a), _) if !a.is_empty() => format!("PL {a}"),
            (_, Some(l)) => l.clone(),
            _ => format!("Bảng {}", index + 1),
        };
        let appendix_title = n.appendix_title.clone().or_else(|| {
            n.appendix
                .as_ref()
                .filter(|a| !a.is_empty())
                .map(|a| format!("Phụ lục {a}"))
        });
        let title = match (&appendix_title, &n.heading) {
            (Some(a), Some(h)) if siblings > 1 => format!("{a} — {h}"),
            (Some(a), _) => a.clone(),
            (None, Some(h)) => h.clone(),
            (None, None) => format!("Bảng {}", index + 1),
        };
        let Table {
            sections,
            tasks,
            lines,
            warnings,
            ..
        } = captioned.table;
        let part = out.sections.len();
        out.sections.push(ParsedSection {
            code: code.clone(),
            title,
        });
        let offset = out.sections.len();
        out.sections
            .extend(sections.into_iter().map(|s| ParsedSection {
                code: format!("{code}.{}", s.code),
                title: s.title,
            }));
        out.tasks.extend(tasks.into_iter().map(|mut t| {
            t.section = Some(t.section.map_or(part, |s| s + offset));
            t.reference = format!("{code}.{}", t.reference);
            t
        }));
        out.spans.push(lines);
        out.warnings.extend(warnings);
    }
    dedupe_references(&mut out.tasks);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn an_appendix_with_headings_names_each_table() {
        let n = naming(&lines(&[
            "PHỤ LỤC I",
            "TỔNG HỢP CÁC NHIỆM VỤ CHẬM MUỘN",
            "(Kèm theo Thông báo số 1/TB-VPCP)",
            "1. Các nhiệm vụ quá hạn",
        ]));
        assert_eq!(n.appendix.as_deref(), Some("I"));
        assert_eq!(
            n.appendix_title.as_deref(),
            Some("TỔNG HỢP CÁC NHIỆM VỤ CHẬM MUỘN")
        );
        assert_eq!(n.label.as_deref(), Some("1"));
        assert_eq!(n.heading.as_deref(), Some("Các nhiệm vụ quá hạn"));
    }

    #[test]
    fn a_caption_without_appendix_or_heading_names_nothing() {
        let n = naming(&lines(&["Dữ liệu tính đến ngày 07/11/2025"]));
        assert_eq!(n.appendix, None);
        assert_eq!(n.label, None);
    }
}
