//! The bundled reading list (issue 15): every file in `essays/` is in the
//! binary, titled, of a reading's length, free of control characters, and
//! opens; the course has its twelve essays, a chronology, a glossary and a
//! "Start here" guide; each essay has the apparatus students rely on.

use std::collections::HashSet;

use marginote::library::{Source, bundled_entries};
use marginote::text::document::Document;

fn text_of(source: &Source) -> &'static str {
    match source {
        Source::Bundled { text, .. } => text,
        Source::File(p) => panic!("{} is not bundled", p.display()),
    }
}

#[test]
fn every_file_of_the_essays_folder_is_bundled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("essays folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    on_disk.sort();
    let mut bundled: Vec<String> = bundled_entries().into_iter().map(|e| e.name).collect();
    bundled.sort();
    assert_eq!(bundled, on_disk);
}

#[test]
fn the_course_reader_is_complete() {
    let entries = bundled_entries();
    let essays = entries
        .iter()
        .filter(|e| {
            e.name
                .get(..2)
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| (1..=12).contains(&n))
        })
        .count();
    assert_eq!(essays, 12, "twelve essays, 01 to 12");
    let titles: Vec<String> = entries.iter().filter_map(|e| e.title.clone()).collect();
    for wanted in ["Start here", "Chronology", "Glossary"] {
        assert!(
            titles.iter().any(|t| t.starts_with(wanted)),
            "no {wanted:?} in {titles:#?}"
        );
    }
    let unique: HashSet<&String> = titles.iter().collect();
    assert_eq!(unique.len(), titles.len(), "titles are unique: {titles:#?}");
}

#[test]
fn every_reading_is_titled_sized_clean_and_opens() {
    for e in bundled_entries() {
        let text = text_of(&e.source);
        let title = e
            .title
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no title", e.name));
        assert!(
            !title.starts_with('#') && title.len() > 5,
            "{}: title {title:?}",
            e.name
        );
        let words = text.split_whitespace().count();
        assert!(
            (800..=2500).contains(&words),
            "{}: {words} words, not 800-2,500",
            e.name
        );
        let bad: Vec<char> = text
            .chars()
            .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
            .collect();
        assert!(bad.is_empty(), "{}: control characters {bad:?}", e.name);
        let doc = Document::from_bytes(text.as_bytes().to_vec(), e.format)
            .unwrap_or_else(|err| panic!("{} does not open: {err}", e.name));
        assert!(doc.warnings.is_empty(), "{}: {:?}", e.name, doc.warnings);
    }
}

#[test]
fn each_essay_has_questions_and_further_reading() {
    for e in bundled_entries() {
        let n = e.name.get(..2).and_then(|n| n.parse::<u32>().ok());
        if !n.is_some_and(|n| (1..=12).contains(&n)) {
            continue;
        }
        let text = text_of(&e.source);
        for section in ["Questions for discussion", "Further reading"] {
            assert!(
                text.contains(section),
                "{} has no {section:?} section",
                e.name
            );
        }
    }
}
