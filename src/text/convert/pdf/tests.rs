//! Tiny PDFs written by hand → pages, paragraphs, reasons.

use super::*;

/// A minimal PDF: one page per entry, each line of it drawn with
/// Helvetica 12 pt; offsets in the xref table computed as written.
pub(crate) fn minimal_pdf(pages: &[&[&str]]) -> Vec<u8> {
    let n = pages.len();
    let mut objects: Vec<String> = Vec::new();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    for (i, lines) in pages.iter().enumerate() {
        let mut stream = String::from("BT /F1 12 Tf 14 TL 72 720 Td\n");
        for l in *lines {
            let esc = l
                .replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)");
            stream.push_str(&format!("({esc}) Tj T*\n"));
        }
        stream.push_str("ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

#[test]
fn the_crate_reads_a_tiny_pdf_page_by_page() {
    let pdf = minimal_pdf(&[&["First page text."], &["Second page, 2 * 3."]]);
    let pages = with_lopdf(&pdf).expect("lopdf reads it");
    assert_eq!(pages.len(), 2);
    assert!(pages[0].contains("First page text."), "{pages:?}");
    let md = to_markdown(&pages).expect("has text");
    assert!(
        md.starts_with("## Page 1\n\nFirst page text.\n\n## Page 2\n\nSecond page, 2 \\* 3."),
        "{md}"
    );
    assert_eq!(page_count(md.as_bytes()), 2);
    let at = md.find("Second").expect("second page");
    assert_eq!(page_at(&md, at), Some(2));
    assert_eq!(page_at(&md, 12), Some(1));
}

#[test]
fn convert_works_with_whichever_extractor_is_here() {
    let pdf = minimal_pdf(&[&["Hello from a PDF."]]);
    let md = convert(&pdf).expect("converts");
    assert!(md.contains("Hello from a PDF."), "{md}");
}

#[test]
fn pdfs_without_text_or_header_say_why() {
    let blank = minimal_pdf(&[&[], &[]]);
    assert_eq!(
        with_lopdf(&blank).and_then(|p| to_markdown(&p)),
        Err(DocError::NoText)
    );
    assert_eq!(convert(&blank), Err(DocError::NoText));
    assert!(
        convert(b"not a pdf at all")
            .err()
            .is_some_and(|e| e.to_string().contains("no %PDF header"))
    );
    let truncated = &minimal_pdf(&[&["x"]])[..40];
    assert!(matches!(
        convert(truncated),
        Err(DocError::Broken { .. } | DocError::NoText)
    ));
}

#[test]
fn page_lines_join_into_paragraphs() {
    let page = "This is a line of a paragraph that goes on to the right\n\
                margin and then continues here on a second long line of\n\
                text until it stops.\n\
                A new paragraph starts here and it is also rather long, to\n\
                the end of the line and here it finally ends with an exam-\n\
                ple word.\n\
                • a bullet\n";
    let paras = paragraphs(page);
    assert_eq!(
        paras[0],
        "This is a line of a paragraph that goes on to the right margin and then continues here on a second long line of text until it stops."
    );
    assert!(
        paras[1].ends_with("exam- ple word.") || paras[1].ends_with("example word."),
        "{paras:?}"
    );
    assert_eq!(paras.last().map(String::as_str), Some("• a bullet"));
}

#[test]
fn page_at_ignores_text_that_looks_like_a_page_heading() {
    let md = "## Page 1\n\nSee \\## Page 9 here\n\n## Page 2\n\nx";
    assert_eq!(page_at(md, md.find("here").expect("here")), Some(1));
    assert_eq!(page_at("no pages", 3), None);
}
