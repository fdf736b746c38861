//! §5 fuzzing, as bounded property tests: generated and mutated plans in every format the
//! importer reads (Word text with tabs, one field per line, Markdown pipe and grid tables,
//! portal cell-lines, HTML, .docx), plus random bytes under every extension, go through
//! `import::read_document` / `parse_document`, and deadline texts through `parse_deadline`.
//! Whatever comes in: no panic, an answer within a loose time bound, and a rejection is a
//! clear message naming the file (and a line within the document when it names one).

use std::time::{Duration, Instant};

use actionplan::domain::deadline::{DeadlineKind, parse_deadline, parse_deadline_in};
use actionplan::import::{ImportError, parse_document, read_document};
use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Loose: a few-kilobyte document takes milliseconds; this catches a hang or a blow-up.
const PER_CASE: Duration = Duration::from_secs(3);

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // No regressions file: a failure prints its minimal input.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A rejection worth showing a person: names the file, says something, no debug dump.
fn clear(error: &ImportError, file: &str, lines: usize) -> Result<(), TestCaseError> {
    let shown = error.to_string();
    prop_assert!(shown.starts_with(file), "does not name the file: {shown}");
    prop_assert!(
        error.message.trim().chars().count() >= 8,
        "says too little: {shown}"
    );
    prop_assert!(
        error.message.len() < 4000,
        "a wall of text: {}",
        shown.len()
    );
    for junk in ["panicked", "Error {", "Some(", "None", "unwrap", "\u{0}"] {
        prop_assert!(
            !shown.contains(junk),
            "debug output in the message: {shown}"
        );
    }
    if let Some(line) = error.line {
        let place = error.place.as_deref().unwrap_or_default();
        prop_assert!(!place.is_empty(), "a line without a place: {shown}");
        // In text the place is the line of the file; in HTML and Word it is "bảng N, hàng M".
        if place.starts_with("dòng") {
            prop_assert!(
                line >= 1 && line <= lines + 1,
                "line {line} of {lines}: {shown}"
            );
        }
    }
    Ok(())
}

/// Both entry points on one input: no panic (a panic fails the case), bounded time, and any
/// rejection clear.
fn import_checked(file: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let lines = bytes.split(|b| *b == b'\n').count();
    let started = Instant::now();
    let read = read_document(file, bytes);
    let parsed = parse_document(file, bytes);
    prop_assert!(
        started.elapsed() < PER_CASE,
        "{file}: {:?}",
        started.elapsed()
    );
    for outcome in [&read, &parsed] {
        if let Err(error) = outcome {
            clear(error, file, lines)?;
        }
    }
    if let Ok(plan) = &parsed {
        prop_assert!(read.is_ok(), "parse accepted what read refused");
        for task in &plan.tasks {
            prop_assert!(!task.content.contains('\u{0}'), "NUL kept in a task");
        }
    }
    Ok(())
}

const UNITS: &[&str] = &[
    "Cục Tin học hóa",
    "Vụ Kế hoạch - Tài chính",
    "Các đơn vị thuộc Bộ",
    "Sở Tư pháp, Sở Nội vụ",
    "UBND các tỉnh, thành phố",
    "",
    "Cục An toàn thông tin tin",
];
const DEADLINES: &[&str] = &[
    "Tháng 6/2022",
    "Quý III/2023",
    "Năm 2024",
    "Thường xuyên",
    "trước 30/6/2022",
    "2024-2025",
    "Hằng năm",
    "",
    "31/02/2023",
    "Quý 9/2023",
];
const TEXTS: &[&str] = &[
    "Xây dựng cơ sở dữ liệu",
    "Rà soát, sửa đổi văn bản",
    "**Tuyên truyền**",
    "<b>Đào tạo</b>",
    "Nhiệm vụ | có dấu gạch",
    "HYPERLINK \"http://x\" Liên kết",
    "…",
    "",
];

/// One task row: number, content, lead, partner, deadline, product.
fn row() -> impl Strategy<Value = Vec<String>> {
    (
        prop_oneof![
            (1u32..40).prop_map(|n| n.to_string()),
            Just("I".to_owned()),
            Just("II".to_owned()),
            Just("1.1".to_owned()),
            Just(String::new()),
            "[a-zA-Z0-9.]{0,4}",
        ],
        prop::sample::select(TEXTS),
        prop::sample::select(UNITS),
        prop::sample::select(UNITS),
        prop::sample::select(DEADLINES),
        prop_oneof![Just("Báo cáo"), Just("Quyết định"), Just("")],
    )
        .prop_map(|(n, c, l, p, d, s)| {
            vec![
                n,
                c.to_owned(),
                l.to_owned(),
                p.to_owned(),
                d.to_owned(),
                s.to_owned(),
            ]
        })
}

const HEADER: [&str; 6] = [
    "STT",
    "Nội dung công việc",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm",
];

#[derive(Debug, Clone, Copy)]
enum Layout {
    Tabs,
    FieldPerLine,
    Pipes,
    Grid,
    CellLines,
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::Tabs),
        Just(Layout::FieldPerLine),
        Just(Layout::Pipes),
        Just(Layout::Grid),
        Just(Layout::CellLines),
    ]
}

fn preamble(code: u32) -> String {
    format!(
        "BỘ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: {code}/QĐ-BTTTT\nHà Nội, ngày 12 tháng 5 năm 2022\nQUYẾT ĐỊNH\nVề việc ban hành Kế hoạch hành động\nKẾ HOẠCH\n"
    )
}

fn render(layout: Layout, rows: &[Vec<String>]) -> String {
    let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
    let all: Vec<&Vec<String>> = std::iter::once(&header).chain(rows).collect();
    let mut out = String::new();
    match layout {
        Layout::Tabs => {
            for r in all {
                out.push_str(&r.join("\t"));
                out.push('\n');
            }
        }
        Layout::FieldPerLine => {
            for r in all {
                for cell in r {
                    out.push_str(&format!("\t{cell}\n"));
                }
                out.push('\n');
            }
        }
        Layout::Pipes => {
            for (i, r) in all.iter().enumerate() {
                out.push_str(&format!("| {} |\n", r.join(" | ")));
                if i == 0 {
                    out.push_str(&format!("|{}\n", "---|".repeat(r.len())));
                }
            }
        }
        Layout::Grid => {
            let widths: Vec<usize> = (0..HEADER.len())
                .map(|c| all.iter().map(|r| r[c].chars().count()).max().unwrap_or(0) + 2)
                .collect();
            let rule: String = widths
                .iter()
                .map(|w| format!("{}+", "-".repeat(*w)))
                .collect();
            let rule = format!("+{rule}\n");
            out.push_str(&rule);
            for r in all {
                let cells: String = r
                    .iter()
                    .zip(&widths)
                    .map(|(cell, w)| {
                        format!(" {cell}{} |", " ".repeat(w - 2 - cell.chars().count()))
                    })
                    .collect();
                out.push_str(&format!("|{cells}\n"));
                out.push_str(&rule);
            }
        }
        Layout::CellLines => {
            for r in all {
                out.push_str(&format!("|\n{}\n|\n\n", r.join("\n|\n")));
            }
        }
    }
    out
}

/// Line-level damage: drop, repeat or cut a line, or splice in junk.
#[derive(Debug, Clone)]
enum Damage {
    Drop(usize),
    Repeat(usize),
    Cut(usize, usize),
    Insert(usize, String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<usize>().prop_map(Damage::Drop),
        any::<usize>().prop_map(Damage::Repeat),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Damage::Cut(a, b)),
        (any::<usize>(), "\\PC{0,30}").prop_map(|(a, s)| Damage::Insert(a, s)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "|",
                "+---+",
                "\t\t\t",
                "STT\tNội dung",
                "Ghi chú: Các đơn vị bao gồm:",
                "PHỤ LỤC I",
                "**",
                "\u{feff}",
                "\r"
            ])
        )
            .prop_map(|(a, s)| Damage::Insert(a, s.to_owned())),
    ]
}

fn apply(text: &str, damages: &[Damage]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for d in damages {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match d {
            Damage::Drop(i) => {
                lines.remove(i % n);
            }
            Damage::Repeat(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Damage::Cut(i, at) => {
                let line = &mut lines[i % n];
                let chars: Vec<char> = line.chars().collect();
                let keep = if chars.is_empty() {
                    0
                } else {
                    at % chars.len()
                };
                *line = chars[..keep].iter().collect();
            }
            Damage::Insert(i, s) => lines.insert(i % (n + 1), s.clone()),
        }
    }
    lines.join("\n")
}

fn html_of(rows: &[Vec<String>]) -> String {
    let mut out = String::from("<html><body><p>Số: 7/KH-UBND</p><p>KẾ HOẠCH</p><table>");
    let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
    for r in std::iter::once(&header).chain(rows) {
        out.push_str("<tr>");
        for cell in r {
            out.push_str(&format!("<td>{cell}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></body></html>");
    out
}

fn docx_of(rows: &[Vec<String>]) -> Vec<u8> {
    let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
    let table = Table::new(
        std::iter::once(&header)
            .chain(rows)
            .map(|r| {
                TableRow::new(
                    r.iter()
                        .map(|text| {
                            TableCell::new()
                                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
                        })
                        .collect(),
                )
            })
            .collect(),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Số: 3/KH-UBND")))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("KẾ HOẠCH")))
        .add_table(table)
        .build()
        .pack(&mut out)
        .expect("a .docx");
    out.into_inner()
}

const SEED: &str = include_str!("../../seeds/000_9ca021430107ac42.txt");
const CORPUS_MD: &str = include_str!("../corpus/05_hanoi-310-KH-UBND-2025.md");
const DOCX: &[u8] = include_bytes!("../fixtures/docx/plan-merges.docx");
const HTML: &str = include_str!("../fixtures/docx/plan-merges.html");

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn generated_plans_in_every_text_layout_import_or_are_refused_clearly(
        code in 1u32..9999,
        layout in layout(),
        rows in prop::collection::vec(row(), 0..12),
        damages in prop::collection::vec(damage(), 0..4),
        ext in prop::sample::select(vec!["x.txt", "x.md"]),
    ) {
        let text = apply(&format!("{}{}", preamble(code), render(layout, &rows)), &damages);
        import_checked(ext, text.as_bytes())?;
    }

    #[test]
    fn generated_plans_as_html_and_docx_import_or_are_refused_clearly(
        rows in prop::collection::vec(row(), 0..10),
    ) {
        import_checked("x.html", html_of(&rows).as_bytes())?;
        import_checked("x.docx", &docx_of(&rows))?;
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn damaged_real_plans_import_or_are_refused_clearly(
        damages in prop::collection::vec(damage(), 1..8),
        which in 0usize..3,
    ) {
        let (file, source) = match which {
            0 => ("seed.txt", SEED),
            1 => ("hanoi.md", CORPUS_MD),
            _ => ("plan.html", HTML),
        };
        import_checked(file, apply(source, &damages).as_bytes())?;
    }

    #[test]
    fn damaged_word_files_import_or_are_refused_clearly(
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in prop::option::of(any::<usize>()),
    ) {
        let mut bytes = DOCX.to_vec();
        for (at, value) in flips {
            let i = at % bytes.len();
            bytes[i] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % bytes.len());
        }
        import_checked("plan.docx", &bytes)?;
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn random_bytes_under_every_extension_are_refused_clearly_or_read(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        file in prop::sample::select(vec!["a.txt", "a.md", "a.docx", "a.html", "a.htm", "a.doc", "a.pdf", "a.png", "a"]),
    ) {
        import_checked(file, &bytes)?;
    }

    #[test]
    fn random_text_is_refused_clearly_or_read(text in "\\PC{0,400}", file in prop::sample::select(vec!["a.txt", "a.md", "a.html"])) {
        import_checked(file, text.as_bytes())?;
    }
}

const DEADLINE_WORDS: &[&str] = &[
    "Tháng",
    "tháng",
    "Quý",
    "quý",
    "Năm",
    "năm",
    "Trong",
    "trước",
    "Trước ngày",
    "ngày",
    "đến",
    "và các năm tiếp theo",
    "Hằng năm",
    "Thường xuyên",
    "Khi có phát sinh",
    "6 tháng đầu năm",
    "6 tháng cuối năm",
    "giai đoạn",
    "I",
    "II",
    "III",
    "IV",
    "V",
    "/",
    "-",
    "–",
    ";",
    ",",
    ".",
    "(",
    ")",
    "\n",
    " - ",
    "0",
    "1",
    "6",
    "12",
    "13",
    "29",
    "30",
    "31",
    "32",
    "02",
    "2022",
    "2025",
    "2030",
    "9999",
    "99999999999",
    "0000",
    "Định kỳ",
    "đột xuất",
    "Quý II/2023",
    "30/6/2022",
    "31/12",
];

fn deadline_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(DEADLINE_WORDS), 0..14)
            .prop_map(|words| words.join(" ")),
        prop::collection::vec(prop::sample::select(DEADLINE_WORDS), 0..14)
            .prop_map(|words| words.concat()),
        "\\PC{0,200}",
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn any_deadline_text_parses_to_a_coherent_deadline(text in deadline_text(), year in prop::option::of(1900i32..2100)) {
        let started = Instant::now();
        let d = parse_deadline_in(&text, year);
        let again = parse_deadline_in(&text, year);
        prop_assert!(started.elapsed() < Duration::from_secs(1), "{text:?}: {:?}", started.elapsed());
        prop_assert_eq!(format!("{d:?}"), format!("{again:?}"), "deterministic");
        match d.kind {
            DeadlineKind::Unparsed | DeadlineKind::Continuous | DeadlineKind::Periodic => {
                prop_assert!(d.due_on.is_none(), "{text:?}: {d:?}");
            }
            DeadlineKind::Date => {
                let due = d.due_on;
                prop_assert!(due.is_some(), "{text:?}: a date deadline has a day");
                let year = chrono::Datelike::year(&due.expect("due"));
                prop_assert!((1000..=9999).contains(&year), "{text:?}: {due:?}");
            }
        }
        for m in &d.milestones {
            prop_assert!(d.due_on.is_none_or(|due| m.due_on <= due), "{text:?}: milestone after the deadline {d:?}");
        }
        let _ = parse_deadline(&text);
    }
}

/// The generators write real plans: undamaged, each layout imports with every task, so the
/// properties above also exercise the accepting paths, not only refusals.
#[test]
fn a_sound_generated_plan_imports_in_every_layout() {
    let rows: Vec<Vec<String>> = (1..=3)
        .map(|n| {
            [
                n.to_string().as_str(),
                "Xây dựng cơ sở dữ liệu",
                "Cục Tin học hóa",
                "Vụ Kế hoạch - Tài chính",
                "Năm 2024",
                "Báo cáo",
            ]
            .map(str::to_owned)
            .to_vec()
        })
        .collect();
    let mut outcomes = Vec::new();
    for layout in [
        Layout::Tabs,
        Layout::FieldPerLine,
        Layout::Pipes,
        Layout::Grid,
        Layout::CellLines,
    ] {
        let text = format!("{}{}", preamble(905), render(layout, &rows));
        outcomes.push((
            format!("{layout:?}"),
            parse_document("x.md", text.as_bytes()),
        ));
    }
    outcomes.push((
        "html".into(),
        read_document("x.html", html_of(&rows).as_bytes()),
    ));
    outcomes.push(("docx".into(), read_document("x.docx", &docx_of(&rows))));
    for (name, outcome) in outcomes {
        match outcome {
            Ok(plan) => assert_eq!(plan.tasks.len(), 3, "{name}"),
            Err(e) => panic!("{name}: {e}"),
        }
    }
}
