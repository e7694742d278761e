//! Tiny PDFs written by hand → pages, paragraphs, reasons.

use super::*;

#[test]
#[cfg(feature = "lopdf")]
fn the_crate_reads_a_tiny_pdf_page_by_page() {
    let pdf = sample(&[&["First page text."], &["Second page, 2 * 3."]]);
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
    let pdf = sample(&[&["Hello from a PDF."]]);
    let md = convert(&pdf).expect("converts");
    assert!(md.contains("Hello from a PDF."), "{md}");
}

#[test]
fn pdfs_without_text_or_header_say_why() {
    let blank = sample(&[&[], &[]]);
    #[cfg(feature = "lopdf")]
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
    let truncated = &sample(&[&["x"]])[..40];
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

/// `pages` pages, each naming its number.
fn numbered_pages(pages: usize) -> Vec<u8> {
    let text: Vec<String> = (1..=pages)
        .map(|n| format!("This is the text of page number {n}."))
        .collect();
    let lines: Vec<[&str; 1]> = text.iter().map(|t| [t.as_str()]).collect();
    let pages: Vec<&[&str]> = lines.iter().map(|l| &l[..]).collect();
    sample(&pages)
}

/// Steps make a prefix of the whole text and number the pages on; run
/// once with whatever extractor this machine has.
fn steps_grow_a_prefix_of_the_whole(pdf: &[u8]) {
    let whole = convert(pdf).expect("converts");
    let mut steps = Steps::new(pdf.to_vec()).expect("a PDF");
    steps.advance_to(1).expect("first step");
    let first = steps.text().to_string();
    assert!(!steps.done());
    assert_eq!(
        page_count(first.as_bytes()),
        FIRST_PAGES as usize,
        "{first}"
    );
    assert!(
        whole.starts_with(&first),
        "{first:?} not a prefix of the whole"
    );
    // The next step asks for twice as many pages.
    steps.advance_to(first.len() + 1).expect("second step");
    assert_eq!(
        page_count(steps.text().as_bytes()),
        3 * FIRST_PAGES as usize
    );
    let rest = steps.finish().expect("rest");
    assert_eq!(rest, whole);
    let last = rest.rfind("## Page 30").expect("page 30 heading");
    assert!(
        rest[last..].contains("page number 30."),
        "{}",
        &rest[last..]
    );
}

#[test]
fn a_pdf_converted_in_steps_grows_a_prefix_of_the_whole() {
    steps_grow_a_prefix_of_the_whole(&numbered_pages(50));
}

#[test]
#[cfg(feature = "lopdf")]
fn the_crate_converts_in_steps_too() {
    let pdf = numbered_pages(50);
    let mut steps = Steps::new(pdf.clone()).expect("a PDF");
    // As if pdftotext were missing.
    steps.fallback(None).expect("lopdf reads it");
    steps.advance_to(1).expect("first step");
    let first = steps.text().to_string();
    assert_eq!(
        page_count(first.as_bytes()),
        FIRST_PAGES as usize,
        "{first}"
    );
    let whole = steps.finish().expect("rest");
    assert!(whole.starts_with(&first));
    assert_eq!(page_count(whole.as_bytes()), 50);
    assert!(whole.contains("page number 50."), "{whole}");
}

#[test]
fn a_pdf_of_exactly_one_step_ends_cleanly() {
    let pdf = numbered_pages(FIRST_PAGES as usize);
    let mut steps = Steps::new(pdf).expect("a PDF");
    steps.advance_to(1).expect("first step");
    let md = steps.finish().expect("whole");
    assert_eq!(page_count(md.as_bytes()), FIRST_PAGES as usize, "{md}");
}
