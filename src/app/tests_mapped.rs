//! Issue 12 behaviour of `update` for a memory-mapped text, through the
//! test harness: a file changed on disk while open is read again, the
//! student told why, the passage on screen kept.

use super::tests::cursor_text;
use crate::app::Msg;
use crate::input::action::Action;
use crate::library;
use crate::storage::StateFile;
use crate::testkit::Harness;

#[test]
fn a_mapped_text_cut_short_on_disk_is_read_again_and_the_passage_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.txt");
    let text: String = (0..60_000)
        .map(|i| format!("Line {i} of a long book.\n"))
        .collect();
    assert!(text.len() as u64 > crate::text::document::MAP_ABOVE);
    std::fs::write(&path, &text).expect("write");
    let entry = library::file_entry(&path, "book.txt".into());
    let mut h = Harness::with_entries(vec![entry], StateFile::default(), 100, 20);
    let doc = std::sync::Arc::clone(&h.app.reader.as_ref().expect("opened").doc);
    assert!(doc.is_mapped(), "a big valid text is mapped");
    for _ in 0..5 {
        h.act(Action::PageDown);
    }
    let before = cursor_text(&h);
    assert!(before.starts_with("Line "), "{before}");
    // Another program cuts the file in half, in place.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(text.len() as u64 / 2))
        .expect("truncate");
    // What the run loop asks before each frame.
    let change = doc.source_changed().expect("the change is noticed");
    drop(doc);
    h.send(Msg::SourceChanged { index: 0, change });
    assert!(
        h.message_text().contains("cut short on disk"),
        "{}",
        h.message_text()
    );
    assert!(!h.app.loading(), "the text was read again");
    let r = h.app.reader.as_ref().expect("still open");
    assert_eq!(r.doc.len(), text.len() / 2, "the new text");
    assert_eq!(r.doc.source_changed(), None);
    assert_eq!(cursor_text(&h), before, "the same passage under the cursor");
    // A second report of the same change while nothing is open is ignored.
    h.app.open = None;
    h.send(Msg::SourceChanged { index: 0, change });
    assert!(!h.app.loading());
}

/// Read again after a change, a file that became binary cannot be shown:
/// the reader and the notes stay open, with why (never closed under the
/// student).
#[test]
fn a_mapped_text_that_turned_binary_on_disk_stays_open_with_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.txt");
    let text: String = (0..60_000)
        .map(|i| format!("Line {i} of a long book.\n"))
        .collect();
    std::fs::write(&path, &text).expect("write");
    let entry = library::file_entry(&path, "book.txt".into());
    let mut h = Harness::with_entries(vec![entry], StateFile::default(), 100, 20);
    assert!(h.app.reader.as_ref().expect("open").doc.is_mapped());
    std::fs::write(&path, b"now \0 binary").expect("rewrite");
    h.send(Msg::SourceChanged {
        index: 0,
        change: crate::text::document::Change::Truncated,
    });
    assert!(
        h.message_text().contains("cannot read it again"),
        "{}",
        h.message_text()
    );
    assert!(h.app.reader.is_some(), "still open");
    assert!(h.app.notes.is_some(), "notes kept");
    assert!(!h.app.loading());
}
