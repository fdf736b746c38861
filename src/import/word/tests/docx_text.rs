//! Paragraph text of a .docx: runs, wrappers, fields, tracked changes, special characters,
//! text boxes, order of blocks.

use super::support::{
    document_xml, first_table, only_paragraph, p, package_rels, read_body, tbl, tc, texts, tr,
    zip_parts,
};
use crate::import::word::{Block, read_docx};

#[test]
fn runs_split_mid_word_are_joined_without_invented_spaces() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:t xml:space=\"preserve\">Cục Tin </w:t></w:r><w:proofErr w:type=\"spellStart\"/>",
        "<w:r><w:t>h</w:t></w:r><w:proofErr w:type=\"spellEnd\"/><w:r><w:t>ọc h</w:t></w:r>",
        "<w:bookmarkStart w:id=\"0\" w:name=\"x\"/><w:r><w:t>óa</w:t></w:r><w:bookmarkEnd w:id=\"0\"/>",
        "<w:r><w:t xml:space=\"preserve\"> và </w:t></w:r>",
        "<w:smartTag w:uri=\"urn:x\" w:element=\"place\"><w:r><w:t>Hà</w:t></w:r><w:r><w:t> Nội</w:t></w:r></w:smartTag>",
        "</w:p>"
    ));
    assert_eq!(only_paragraph(&doc).text, "Cục Tin học hóa và Hà Nội");
}

#[test]
fn content_controls_and_hyperlinks_show_their_text() {
    let doc = read_body(concat!(
        "<w:p><w:sdt><w:sdtPr><w:alias w:val=\"Tên\"/><w:showingPlcHdr/></w:sdtPr>",
        "<w:sdtContent><w:r><w:t>Bộ Tư</w:t></w:r></w:sdtContent></w:sdt>",
        "<w:hyperlink r:id=\"rId3\"><w:r><w:t xml:space=\"preserve\"> pháp</w:t></w:r></w:hyperlink></w:p>",
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>khối</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    ));
    assert_eq!(texts(&doc), ["Bộ Tư pháp", "khối"]);
}

#[test]
fn simple_fields_keep_their_result_and_drop_the_instruction() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:t xml:space=\"preserve\">Cục Thông tin </w:t></w:r>",
        "<w:fldSimple w:instr=\" HYPERLINK &quot;https://most.gov.vn&quot; \">",
        "<w:r><w:t>khoa học và công nghệ quốc gia</w:t></w:r></w:fldSimple></w:p>"
    ));
    assert_eq!(
        only_paragraph(&doc).text,
        "Cục Thông tin khoa học và công nghệ quốc gia"
    );
}

#[test]
fn complex_fields_show_only_the_result_even_when_nested() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:t xml:space=\"preserve\">Cục Thông tin </w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
        "<w:r><w:instrText xml:space=\"preserve\"> HYPERLINK \"https://x\" </w:instrText></w:r>",
        // A field nested in the code of the outer one: none of it shows.
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>7</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
        "<w:r><w:t>khoa học</w:t></w:r>",
        // A field nested in the result: its result shows, its code does not.
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>DOCPROPERTY x</w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t xml:space=\"preserve\"> và công nghệ</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "<w:r><w:t xml:space=\"preserve\"> quốc gia</w:t></w:r></w:p>"
    ));
    assert_eq!(
        only_paragraph(&doc).text,
        "Cục Thông tin khoa học và công nghệ quốc gia"
    );
}

#[test]
fn tracked_changes_read_as_accepted() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:t xml:space=\"preserve\">Hoàn thành </w:t></w:r>",
        "<w:del w:id=\"1\" w:author=\"A\"><w:r><w:delText>Quý II</w:delText></w:r></w:del>",
        "<w:ins w:id=\"2\" w:author=\"A\"><w:r><w:t>Quý III</w:t></w:r></w:ins>",
        "<w:r><w:t xml:space=\"preserve\">/2026</w:t></w:r>",
        "<w:moveFrom w:id=\"3\" w:author=\"A\"><w:r><w:t> cũ</w:t></w:r></w:moveFrom>",
        "<w:moveTo w:id=\"4\" w:author=\"A\"><w:r><w:t>;</w:t></w:r></w:moveTo></w:p>"
    ));
    assert_eq!(only_paragraph(&doc).text, "Hoàn thành Quý III/2026;");
}

#[test]
fn a_deleted_paragraph_mark_joins_the_paragraph_to_the_next() {
    let doc = read_body(concat!(
        "<w:p><w:pPr><w:rPr><w:del w:id=\"1\" w:author=\"A\"/></w:rPr></w:pPr>",
        "<w:r><w:t>Bộ Kế hoạch</w:t></w:r></w:p>",
        "<w:p><w:r><w:t xml:space=\"preserve\"> và Đầu tư</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>sau</w:t></w:r></w:p>"
    ));
    assert_eq!(texts(&doc), ["Bộ Kế hoạch và Đầu tư", "sau"]);
}

#[test]
fn special_characters_become_plain_text() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:t>Kế</w:t><w:tab/><w:t>hoạch</w:t><w:br/><w:t>số 1</w:t>",
        "<w:noBreakHyphen/><w:t>KH</w:t><w:softHyphen/><w:t>UBND</w:t>",
        "<w:sym w:font=\"Symbol\" w:char=\"F0B7\"/><w:sym w:font=\"Times New Roman\" w:char=\"2013\"/>",
        "<w:cr/><w:t>&amp;&#x1EA1;</w:t></w:r></w:p>"
    ));
    assert_eq!(only_paragraph(&doc).text, "Kế\thoạch\nsố 1-KHUBND•–\n&ạ");
}

#[test]
fn page_breaks_separate_text_only_between_words() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:br w:type=\"page\"/><w:t>Phụ lục</w:t><w:br w:type=\"page\"/></w:r></w:p>",
        "<w:p><w:r><w:t>A</w:t><w:br w:type=\"page\"/><w:t>B</w:t></w:r></w:p>"
    ));
    assert_eq!(texts(&doc), ["Phụ lục", "A\nB"]);
}

#[test]
fn hidden_text_is_left_out() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:t>Sở </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn </w:t></w:r>",
        "<w:r><w:rPr><w:vanish w:val=\"false\"/></w:rPr><w:t>Nội vụ</w:t></w:r></w:p>"
    ));
    assert_eq!(only_paragraph(&doc).text, "Sở Nội vụ");
}

#[test]
fn text_is_returned_in_nfc() {
    // "Văn phòng" with a combining grave accent (U+0300), as in seed 94.
    let doc = read_body(&p("Va\u{306}n pho\u{300}ng"));
    assert_eq!(only_paragraph(&doc).text, "Văn phòng");
    assert_eq!(only_paragraph(&doc).text.chars().count(), 9);
}

#[test]
fn bold_means_every_non_blank_run_is_bold() {
    let doc = read_body(concat!(
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>I. KẾT NỐI</w:t></w:r><w:r><w:t xml:space=\"preserve\"> </w:t></w:r>",
        "<w:r><w:rPr><w:b w:val=\"1\"/></w:rPr><w:t>DỮ LIỆU</w:t></w:r></w:p>",
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Một phần</w:t></w:r><w:r><w:t xml:space=\"preserve\"> thường</w:t></w:r></w:p>",
        "<w:p><w:r><w:rPr><w:b w:val=\"0\"/></w:rPr><w:t>tắt</w:t></w:r></w:p>",
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">  </w:t></w:r></w:p>"
    ));
    let bold: Vec<bool> = doc.paragraphs().map(|p| p.bold).collect();
    assert_eq!(bold, [true, false, false, false]);
}

#[test]
fn text_boxes_are_read_in_place_once() {
    let text_box = |text: &str| {
        format!(
            concat!(
                "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic><a:graphicData>",
                "<wps:wsp><wps:txbx><w:txbxContent>{0}</w:txbxContent></wps:txbx></wps:wsp>",
                "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>",
                "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{0}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>",
                "</mc:AlternateContent></w:r>"
            ),
            p(text)
        )
    };
    let body = format!(
        "{}<w:p><w:r><w:t>neo</w:t></w:r>{}</w:p>{}",
        p("trước"),
        text_box("UBND TỈNH X"),
        p("sau")
    );
    let doc = read_body(&body);
    assert_eq!(texts(&doc), ["trước", "neo", "UBND TỈNH X", "sau"]);
}

#[test]
fn paragraphs_before_and_after_tables_keep_document_order() {
    let table = tbl(1, &[tr(&[tc("", &p("STT"))])]);
    let body = format!(
        "{}{}{table}{}",
        p("QUYẾT ĐỊNH"),
        p("Căn cứ Luật Tổ chức chính phủ;"),
        p("KT. BỘ TRƯỞNG")
    );
    let doc = read_body(&body);
    let kinds: Vec<&str> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => p.text.as_str(),
            Block::Table(_) => "<table>",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "QUYẾT ĐỊNH",
            "Căn cứ Luật Tổ chức chính phủ;",
            "<table>",
            "KT. BỘ TRƯỞNG"
        ]
    );
    assert_eq!(first_table(&doc).rows.len(), 1);
}

#[test]
fn a_document_without_tables_is_not_an_error() {
    let doc = read_body(&p("Chỉ có chữ"));
    assert_eq!(doc.tables().count(), 0);
    assert_eq!(texts(&doc), ["Chỉ có chữ"]);
}

#[test]
fn headers_footers_and_notes_are_not_part_of_the_body() {
    let rels = package_rels("word/document.xml");
    let document = document_xml(&p("thân"));
    let doc_rels = concat!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>"#,
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>"#,
        "</Relationships>"
    );
    let header = r#"<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>Trang 1</w:t></w:r></w:p></w:hdr>"#;
    let bytes = zip_parts(&[
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", doc_rels.as_bytes()),
        ("word/header1.xml", header.as_bytes()),
        ("word/footnotes.xml", header.as_bytes()),
    ]);
    let doc = read_docx(&bytes).expect("reads");
    assert_eq!(texts(&doc), ["thân"]);
}
