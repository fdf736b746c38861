//! List labels drawn from `numbering.xml`, and boldness and numbering that come from styles.

use super::support::docx_full;
use crate::import::word::{WordDocument, read_docx};

/// An abstract list with one `<w:lvl>` per (format, lvlText, start).
fn abstract_num(id: u32, levels: &[(&str, &str, u32)]) -> String {
    let levels: String = levels
        .iter()
        .enumerate()
        .map(|(i, (fmt, text, start))| {
            format!(
                r#"<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>"#
            )
        })
        .collect();
    format!(r#"<w:abstractNum w:abstractNumId="{id}">{levels}</w:abstractNum>"#)
}

fn num(id: u32, abstract_id: u32, overrides: &str) -> String {
    format!(r#"<w:num w:numId="{id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>"#)
}

/// A numbered paragraph (numId, ilvl) with this text.
fn np(num_id: u32, ilvl: u8, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

fn read(body: &str, styles: Option<&str>, numbering: &str) -> WordDocument {
    read_docx(&docx_full(body, styles, Some(numbering))).expect("reads")
}

fn labels(doc: &WordDocument) -> Vec<Option<String>> {
    doc.paragraphs().map(|p| p.label.clone()).collect()
}

fn some(labels: &[&str]) -> Vec<Option<String>> {
    labels.iter().map(|l| Some((*l).to_owned())).collect()
}

#[test]
fn roman_sections_and_decimal_tasks_restart_under_each_section() {
    let numbering = format!(
        "{}{}",
        abstract_num(
            0,
            &[
                ("upperRoman", "%1.", 1),
                ("decimal", "%2.", 1),
                ("lowerLetter", "%3)", 1)
            ]
        ),
        num(1, 0, "")
    );
    let body = [
        np(1, 0, "KẾT NỐI"),
        np(1, 1, "Rà soát"),
        np(1, 1, "Xây dựng"),
        np(1, 2, "nhánh"),
        np(1, 0, "TUYÊN TRUYỀN"),
        np(1, 1, "Tổ chức"),
        np(1, 2, "nhánh"),
    ]
    .concat();
    let doc = read(&body, None, &numbering);
    assert_eq!(
        labels(&doc),
        some(&["I.", "1.", "2.", "a)", "II.", "1.", "a)"])
    );
    assert_eq!(
        doc.paragraphs().next().map(|p| p.text.as_str()),
        Some("KẾT NỐI")
    );
}

#[test]
fn multi_level_text_start_values_and_formats() {
    let numbering = format!(
        "{}{}",
        abstract_num(
            3,
            &[
                ("decimal", "%1.", 3),
                ("decimal", "%1.%2.", 1),
                ("upperLetter", "Phần %3", 1)
            ]
        ),
        num(7, 3, "")
    );
    let body = [
        np(7, 0, "a"),
        np(7, 1, "b"),
        np(7, 1, "c"),
        np(7, 2, "d"),
        np(7, 0, "e"),
        np(7, 1, "f"),
    ]
    .concat();
    let doc = read(&body, None, &numbering);
    assert_eq!(
        labels(&doc),
        some(&["3.", "3.1.", "3.2.", "Phần A", "4.", "4.1."])
    );
}

#[test]
fn a_start_override_restarts_the_list_and_shared_lists_continue() {
    let numbering = format!(
        "{}{}{}{}",
        abstract_num(0, &[("decimal", "%1.", 1)]),
        num(1, 0, ""),
        num(2, 0, ""),
        num(
            3,
            0,
            r#"<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>"#
        )
    );
    let body = [
        np(1, 0, "a"),
        np(1, 0, "b"),
        np(2, 0, "c"),
        np(3, 0, "d"),
        np(3, 0, "e"),
    ]
    .concat();
    let doc = read(&body, None, &numbering);
    // numId 2 shares the abstract list of numId 1 and goes on from it, as in Word; numId 3
    // overrides the start and counts on its own.
    assert_eq!(labels(&doc), some(&["1.", "2.", "3.", "1.", "2."]));
}

#[test]
fn a_level_override_replaces_the_format() {
    let numbering = format!(
        "{}{}",
        abstract_num(0, &[("decimal", "%1.", 1)]),
        num(
            4,
            0,
            r#"<w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0"><w:start w:val="2"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%1)"/></w:lvl></w:lvlOverride>"#
        )
    );
    let doc = read(&[np(4, 0, "x"), np(4, 0, "y")].concat(), None, &numbering);
    assert_eq!(labels(&doc), some(&["(ii)", "(iii)"]));
}

#[test]
fn bullets_no_list_and_undefined_lists_have_no_label() {
    let numbering = format!(
        "{}{}",
        abstract_num(0, &[("bullet", "-", 1)]),
        num(1, 0, "")
    );
    let body = [
        np(1, 0, "Bộ Tư pháp;"),
        np(0, 0, "không số"),
        np(9, 0, "không định nghĩa"),
    ]
    .concat();
    let doc = read(&body, None, &numbering);
    assert_eq!(labels(&doc), [None, None, None]);
    assert_eq!(
        doc.paragraphs().next().map(|p| p.text.as_str()),
        Some("Bộ Tư pháp;")
    );
}

#[test]
fn numbering_comes_from_the_paragraph_style_through_based_on() {
    let styles = concat!(
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>"#,
        r#"<w:style w:type="paragraph" w:styleId="Muc"><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr><w:rPr><w:b/></w:rPr></w:style>"#,
        r#"<w:style w:type="paragraph" w:styleId="MucCon"><w:basedOn w:val="Muc"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>"#
    );
    let numbering = format!(
        "{}{}",
        abstract_num(0, &[("upperRoman", "%1.", 1), ("decimal", "%2.", 1)]),
        num(5, 0, "")
    );
    let styled = |style: &str, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    };
    let own_level = r#"<w:p><w:pPr><w:pStyle w:val="Muc"/><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr><w:r><w:t>cấp 2</w:t></w:r></w:p>"#;
    let switched_off = r#"<w:p><w:pPr><w:pStyle w:val="Muc"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>tắt</w:t></w:r></w:p>"#;
    let body = [
        styled("Muc", "A"),
        own_level.to_owned(),
        styled("MucCon", "B"),
        switched_off.to_owned(),
        styled("Muc", "C"),
    ]
    .concat();
    let doc = read(&body, Some(styles), &numbering);
    assert_eq!(
        labels(&doc),
        [
            Some("I.".into()),
            Some("1.".into()),
            Some("2.".into()),
            None,
            Some("II.".into())
        ]
    );
    // Bold comes from the style "Muc" (and "MucCon" based on it).
    let bold: Vec<bool> = doc.paragraphs().map(|p| p.bold).collect();
    assert_eq!(bold, [true; 5]);
}

#[test]
fn bold_resolves_run_character_style_paragraph_style_and_defaults() {
    let styles = concat!(
        r#"<w:docDefaults><w:rPrDefault><w:rPr><w:b/></w:rPr></w:rPrDefault></w:docDefaults>"#,
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>"#,
        r#"<w:style w:type="paragraph" w:styleId="Plain"><w:rPr><w:b w:val="0"/></w:rPr></w:style>"#,
        r#"<w:style w:type="paragraph" w:styleId="PlainChild"><w:basedOn w:val="Plain"/></w:style>"#,
        r#"<w:style w:type="character" w:styleId="Strong"><w:rPr><w:b/></w:rPr></w:style>"#,
        r#"<w:style w:type="character" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>"#
    );
    let para = |style: &str, run_props: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:rPr>{run_props}</w:rPr><w:t>x</w:t></w:r></w:p>"#
        )
    };
    let body = [
        para("Normal", ""),
        para("PlainChild", ""),
        para("PlainChild", r#"<w:rStyle w:val="Strong"/>"#),
        para("Normal", r#"<w:b w:val="false"/>"#),
        para("PlainChild", r#"<w:rStyle w:val="Loop"/>"#),
    ]
    .concat();
    let doc = read_docx(&docx_full(&body, Some(styles), None)).expect("reads");
    let bold: Vec<bool> = doc.paragraphs().map(|p| p.bold).collect();
    assert_eq!(bold, [true, false, true, false, false]);
}

#[test]
fn huge_start_values_stay_short() {
    let numbering = format!(
        "{}{}",
        abstract_num(
            0,
            &[
                ("upperLetter", "%1.", 4_000_000_000),
                ("upperRoman", "%2.", 5000)
            ]
        ),
        num(1, 0, "")
    );
    let doc = read(&[np(1, 0, "a"), np(1, 1, "b")].concat(), None, &numbering);
    assert_eq!(labels(&doc), some(&["4000000000.", "5000."]));
}
