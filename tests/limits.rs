//! RELIABILITY I3 at the size limit: documents are refused from their
//! metadata, before a byte is read, and the library says why; notes files
//! past their limit are reported, never parsed.

use std::fs;

use marginote::library;
use marginote::storage::{LoadOutcome, Store};
use marginote::text::document::{self, DocError, MAX_FILE_SIZE};

/// A sparse file: the size is in the metadata, no bytes on disk.
fn sparse(path: &std::path::Path, len: u64) {
    let f = fs::File::create(path).expect("create");
    f.set_len(len).expect("set_len");
}

#[test]
fn i3_one_byte_over_the_limit_is_refused_from_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.txt");
    sparse(&path, MAX_FILE_SIZE + 1);
    match document::read_file(&path) {
        Err(DocError::TooLarge(n)) => assert_eq!(n, MAX_FILE_SIZE + 1),
        other => panic!("I3: expected TooLarge, got {:?}", other.map(|b| b.len())),
    }
    // The library lists it with a reason, from a scan that does not read it.
    let (entries, _) = library::from_args(&[dir.path().to_path_buf()]);
    let entry = entries
        .iter()
        .find(|e| e.name == "huge.txt")
        .expect("listed");
    let why = library::summarize_entry(&entry.source, entry.format)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        !why.is_empty(),
        "I3: the library must say why it cannot open it"
    );
}

/// The limit itself is allowed: a file of exactly the limit is read (the
/// check is `>`, not `>=`), so the refusal above is the limit's edge.
#[test]
fn i3_a_file_of_exactly_the_limit_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("edge.txt");
    sparse(&path, MAX_FILE_SIZE);
    match document::read_file(&path) {
        Ok(bytes) => assert_eq!(bytes.len() as u64, MAX_FILE_SIZE),
        Err(e) => panic!("I3: a file of exactly the limit was refused: {e}"),
    }
}

#[test]
fn i3_a_notes_file_past_its_limit_is_reported_not_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.toml");
    sparse(&path, (64 << 20) + 1);
    match Store::new().load_notes(&path) {
        LoadOutcome::Unreadable { problem } => {
            assert!(problem.contains("64 MiB"), "I3: {problem}");
            assert!(problem.chars().count() <= 200, "I3: {problem}");
        }
        other => panic!("I3: expected Unreadable, got {other:?}"),
    }
}
