//! Robustness: random bytes, random mutations of valid documents and random sequences of
//! markup fed to the readers. Whatever comes in, the answer is `Ok` or a `ReadError`, never a
//! panic, and every table read can be laid out.

use proptest::prelude::*;

use super::support::{NS, docx_full, package_rels, zip_parts};
use crate::import::word::{Block, WordDocument, WordTable, read_docx, read_html, sniff};

const FIXTURE: &[u8] = include_bytes!("../../../../tests/fixtures/docx/plan-merges.docx");

/// Lays out every table, nested ones too (a panic here fails the property).
fn lay_out(doc: &WordDocument) {
    fn table(t: &WordTable) {
        let grid = t.grid();
        assert_eq!(grid.len(), t.rows.len());
        for row in &t.rows {
            for cell in &row.cells {
                cell.tables.iter().for_each(table);
            }
        }
    }
    for block in &doc.blocks {
        if let Block::Table(t) = block {
            table(t);
        }
    }
}

fn check_docx(bytes: &[u8]) {
    let _ = sniff("x.docx", bytes);
    if let Ok(doc) = read_docx(bytes) {
        lay_out(&doc);
    }
}

fn check_html(text: &str) {
    if let Ok(doc) = read_html(text) {
        lay_out(&doc);
    }
}

const XML_PIECES: &[&str] = &[
    "<w:p>",
    "</w:p>",
    "<w:r>",
    "</w:r>",
    "<w:t>",
    "</w:t>",
    "Sở Tư pháp",
    "1",
    " ",
    "<w:tbl>",
    "</w:tbl>",
    "<w:tr>",
    "</w:tr>",
    "<w:tc>",
    "</w:tc>",
    "<w:tcPr>",
    "</w:tcPr>",
    "<w:vMerge/>",
    "<w:vMerge w:val=\"restart\"/>",
    "<w:gridSpan w:val=\"3\"/>",
    "<w:gridSpan w:val=\"999999999999\"/>",
    "<w:hMerge/>",
    "<w:trPr><w:gridBefore w:val=\"5\"/></w:trPr>",
    "<w:fldChar w:fldCharType=\"begin\"/>",
    "<w:fldChar w:fldCharType=\"separate\"/>",
    "<w:fldChar w:fldCharType=\"end\"/>",
    "<w:instrText>HYPERLINK</w:instrText>",
    "<w:del>",
    "</w:del>",
    "<w:ins>",
    "</w:ins>",
    "<w:br/>",
    "<w:tab/>",
    "<w:sym w:char=\"F0B7\" w:font=\"Symbol\"/>",
    "<w:sym w:char=\"zz\"/>",
    "<w:pPr><w:numPr><w:ilvl w:val=\"8\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>",
    "<w:numId w:val=\"1\"/>",
    "<w:ilvl w:val=\"3\"/>",
    "<w:tblHeader/>",
    "<w:vanish/>",
    "<w:b/>",
    "<w:gridAfter w:val=\"2\"/>",
    "<w:pStyle w:val=\"X\"/>",
    "<w:noBreakHyphen/>",
    "<w:cr/>",
    "<w:pPr><w:numPr><w:ilvl w:val=\"200\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>",
    "<w:pPr><w:rPr><w:del/></w:rPr></w:pPr>",
    "<w:txbxContent>",
    "</w:txbxContent>",
    "<mc:AlternateContent>",
    "</mc:AlternateContent>",
    "<mc:Choice>",
    "</mc:Choice>",
    "&amp;",
    "&#0;",
    "&bogus;",
    "<",
    ">",
    "\"",
];

/// Elements that hold others, as (start tag, end tag).
const CONTAINERS: &[(&str, &str)] = &[
    ("<w:p>", "</w:p>"),
    ("<w:r>", "</w:r>"),
    ("<w:t xml:space=\"preserve\">", "</w:t>"),
    ("<w:tbl>", "</w:tbl>"),
    ("<w:tr>", "</w:tr>"),
    ("<w:tc>", "</w:tc>"),
    ("<w:tcPr>", "</w:tcPr>"),
    ("<w:trPr>", "</w:trPr>"),
    ("<w:pPr>", "</w:pPr>"),
    ("<w:rPr>", "</w:rPr>"),
    ("<w:sdt>", "</w:sdt>"),
    ("<w:sdtContent>", "</w:sdtContent>"),
    ("<w:hyperlink>", "</w:hyperlink>"),
    ("<w:fldSimple w:instr=\"PAGE\">", "</w:fldSimple>"),
    ("<w:ins>", "</w:ins>"),
    ("<w:del>", "</w:del>"),
    ("<w:moveTo>", "</w:moveTo>"),
    ("<w:smartTag>", "</w:smartTag>"),
    ("<w:customXml>", "</w:customXml>"),
    ("<w:txbxContent>", "</w:txbxContent>"),
    ("<w:drawing>", "</w:drawing>"),
    ("<mc:AlternateContent>", "</mc:AlternateContent>"),
    ("<mc:Choice>", "</mc:Choice>"),
    ("<mc:Fallback>", "</mc:Fallback>"),
    ("<w:numPr>", "</w:numPr>"),
];

/// Random well-formed Word XML: containers nested at random around leaves.
fn word_xml() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(XML_PIECES)
        .prop_filter("self-contained", |p| {
            p.ends_with("/>") || !p.starts_with('<') && !p.contains(['<', '>', '&', '"'])
        })
        .prop_map(str::to_owned);
    leaf.prop_recursive(6, 200, 6, |inner| {
        (
            prop::sample::select(CONTAINERS),
            proptest::collection::vec(inner, 0..6),
        )
            .prop_map(|((open, close), children)| format!("{open}{}{close}", children.concat()))
    })
}

const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="4294967295"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1.%9%%"/></w:lvl><w:lvl w:ilvl="8"><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%1"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;

const HTML_PIECES: &[&str] = &[
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<th>",
    "<td rowspan=3>",
    "<td colspan=2>",
    "<td rowspan=0>",
    "<td colspan=99999>",
    "<thead>",
    "</thead>",
    "<p>",
    "</p>",
    "<br>",
    "<b>",
    "</b>",
    "<ol type=I start=-3>",
    "<ol start=4294967295>",
    "</ol>",
    "<ul>",
    "<li>",
    "<li value=0>",
    "</li>",
    "<div style='display:none'>",
    "</div>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<![if !supportLists]>",
    "&#99999999;",
    "&#x;",
    "&amp",
    "&nbsp;",
    "Sở Nội vụ",
    " ",
    "\n",
    "<",
    ">",
    "=\"",
    "<caption>",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_docx(&bytes);
        check_html(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_bytes_after_a_zip_signature_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        check_docx(&[b"PK\x03\x04".as_slice(), &bytes].concat());
    }

    #[test]
    fn mutated_docx_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = FIXTURE.to_vec();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        check_docx(&bytes);
    }

    #[test]
    fn random_document_xml_never_panics(
        pieces in proptest::collection::vec(prop::sample::select(XML_PIECES), 0..60)
    ) {
        let body = pieces.concat();
        check_docx(&docx_full(&body, None, Some(NUMBERING)));
        // The same pieces as a whole part, without the wrapper's balance.
        let rels = package_rels("word/document.xml");
        let raw = format!("<w:document {NS}><w:body>{body}");
        check_docx(&zip_parts(&[("_rels/.rels", rels.as_bytes()), ("word/document.xml", raw.as_bytes())]));
    }

    #[test]
    fn random_well_formed_word_xml_never_panics(
        parts in proptest::collection::vec(word_xml(), 1..6)
    ) {
        check_docx(&docx_full(&parts.concat(), None, Some(NUMBERING)));
    }

    #[test]
    fn random_html_never_panics(
        pieces in proptest::collection::vec(prop::sample::select(HTML_PIECES), 0..80)
    ) {
        check_html(&pieces.concat());
    }

    #[test]
    fn mutated_html_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<char>()), 1..10)
    ) {
        let mut chars: Vec<char> =
            include_str!("../../../../tests/fixtures/docx/plan-merges.html").chars().collect();
        for (at, c) in edits {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        check_html(&chars.into_iter().collect::<String>());
    }
}
