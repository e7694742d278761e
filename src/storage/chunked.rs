//! Reading a notes file one entry at a time.
//!
//! `toml::from_str` first lexes the whole text into a token vector and
//! builds a spanned tree of every table before serde sees a field: for a
//! 30 MB notes file that is about 200 MB of tokens and 140 MB of tree, ten
//! times the file, all alive at once. A notes file as marginote writes it
//! is a few top-level keys followed by one `[[bookmarks]]`, `[[highlights]]`
//! or `[[notes]]` section per entry, so it is parsed here section by
//! section: a streaming lexer finds the section headers, each section is
//! parsed on its own as a small document, and only the entries are kept.
//!
//! The split is an optimisation, never a second reading of the format:
//! each section must parse by itself into exactly one kind of entry, and
//! the top part must not define those arrays. Anything else (a header
//! inside a value, a table that closes a section, a syntax error) falls
//! back to parsing the whole text, which gives the same result or the
//! same error as before, with positions in the whole file.

use toml_parser::Source;
use toml_parser::lexer::TokenKind;

use super::*;

/// The entry arrays written as `[[name]]` sections.
const SECTIONS: [&str; 3] = ["bookmarks", "highlights", "notes"];

/// Below this size the whole text is parsed at once: the tree is small.
const CHUNKED_FROM_BYTES: usize = 256 * 1024;

/// The entries of one `[[…]]` section (or, for hand-written files, several
/// sections the split left together). Any other key makes it fall back.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    #[serde(default)]
    bookmarks: Vec<Bookmark>,
    #[serde(default)]
    highlights: Vec<Highlight>,
    #[serde(default)]
    notes: Vec<Note>,
}

/// Parses a notes file; the result (or error) is the same as
/// `toml::from_str`'s, with memory in proportion to the entries kept.
pub(super) fn notes_from_str(text: &str) -> Result<NotesFile, toml::de::Error> {
    if text.len() < CHUNKED_FROM_BYTES {
        return toml::from_str(text);
    }
    match by_sections(text) {
        Some(file) => Ok(file),
        None => toml::from_str(text),
    }
}

/// How many `[[bookmarks]]` sections a big notes file holds, found by the
/// lexer alone (no entry is parsed): what the library shows beside a
/// document. `None` for a small file, or one whose top part defines its
/// bookmarks (or an array it also has sections of): the caller parses it.
pub(super) fn bookmark_sections(text: &str) -> Option<usize> {
    if text.len() < CHUNKED_FROM_BYTES {
        return None;
    }
    let starts = section_starts(text);
    let first = starts.first().map_or(text.len(), |s| s.0);
    let top: toml::Table = toml::from_str(text.get(..first)?).ok()?;
    // As the split reads it: an array defined on top and in sections is
    // for the whole parse to judge, and bookmarks written on top count.
    if top.contains_key("bookmarks") || starts.iter().any(|(_, name)| top.contains_key(*name)) {
        return None;
    }
    Some(
        starts
            .iter()
            .filter(|(_, name)| *name == "bookmarks")
            .count(),
    )
}

/// `None` when the text is not laid out as sections this split can read
/// faithfully, or does not parse: the caller then parses it whole.
fn by_sections(text: &str) -> Option<NotesFile> {
    let starts = section_starts(text);
    let first = starts.first().map_or(text.len(), |s| s.0);
    let head = text.get(..first)?;
    let top: toml::Table = toml::from_str(head).ok()?;
    // An array the top part defines (`highlights = []` when there are
    // none) cannot also have sections: only the whole parse says what
    // that means (an error).
    if starts.iter().any(|(_, name)| top.contains_key(*name)) {
        return None;
    }
    let mut file: NotesFile = top.try_into().ok()?;
    let ends = starts.iter().skip(1).map(|s| s.0).chain([text.len()]);
    for (start, end) in starts.iter().map(|s| s.0).zip(ends) {
        let section: Section = toml::from_str(text.get(start..end)?).ok()?;
        file.bookmarks.extend(section.bookmarks);
        file.highlights.extend(section.highlights);
        file.notes.extend(section.notes);
    }
    Some(file)
}

/// What a notes file is for, as its top part says: the keys before its
/// first table.
#[derive(Deserialize)]
struct Owner {
    document: String,
    #[serde(default)]
    fingerprint: String,
}

/// The `document` and `fingerprint` of a notes file from its top part
/// alone, the keys before the first line that opens a table (its entries
/// follow them): `text` is the file's first part, `whole` when it is all
/// of it. `None` when that part cannot tell (no table opens within a
/// part, or the keys do not parse there): the caller loads the file.
pub(super) fn owner(text: &str, whole: bool) -> Option<(String, String)> {
    let end = match top_end(text) {
        Some(end) => end,
        None if whole => text.len(),
        None => return None,
    };
    let top: Owner = toml::from_str(text.get(..end)?).ok()?;
    Some((top.document, top.fingerprint))
}

/// Where the first line whose first token (after its indent) is a `[`
/// starts: a table's header, unless an array continues on that line, which
/// leaves the part before it unparseable, never wrong. Strings are whole
/// tokens: a `[` in one opens nothing.
fn top_end(text: &str) -> Option<usize> {
    let mut first = true;
    for token in Source::new(text).lex() {
        match token.kind() {
            TokenKind::Newline => first = true,
            TokenKind::Whitespace | TokenKind::Comment => {}
            TokenKind::LeftSquareBracket if first => return Some(token.span().start()),
            _ => first = false,
        }
    }
    None
}

/// Byte offsets (and names) of the lines that open a `[[bookmarks]]`, `[[highlights]]`
/// or `[[notes]]` section (the token after the line's indent is its `[`).
/// Strings are whole tokens, so a header quoted inside a note is not one.
fn section_starts(text: &str) -> Vec<(usize, &'static str)> {
    let source = Source::new(text);
    let mut starts = Vec::new();
    // Tokens of the current line, after its indent, up to nine (enough
    // for `[ [ ws name ws ] ]`); `None` once the line cannot be a header.
    let mut line: Option<Vec<(TokenKind, usize, usize)>> = Some(Vec::new());
    for token in source.lex() {
        let kind = token.kind();
        let span = token.span();
        if matches!(kind, TokenKind::Newline | TokenKind::Eof) {
            if let Some(at) = line.take().and_then(|l| header_at(text, &l)) {
                starts.push(at);
            }
            line = Some(Vec::new());
            continue;
        }
        if let Some(l) = &mut line {
            let indent = l.is_empty() && kind == TokenKind::Whitespace;
            if !indent && kind != TokenKind::Comment {
                l.push((kind, span.start(), span.end()));
            }
            if l.len() > 9 {
                line = None;
            }
        }
    }
    starts
}

/// Where a line's tokens open one of [`SECTIONS`], if they do.
fn header_at(text: &str, tokens: &[(TokenKind, usize, usize)]) -> Option<(usize, &'static str)> {
    let mut shape = tokens
        .iter()
        .filter(|(kind, ..)| *kind != TokenKind::Whitespace);
    let (open, at, _) = *shape.next()?;
    let open2 = shape.next()?.0;
    let (name, from, to) = *shape.next()?;
    let close = shape.next()?.0;
    let close2 = shape.next()?.0;
    let is_header = open == TokenKind::LeftSquareBracket
        && open2 == TokenKind::LeftSquareBracket
        && name == TokenKind::Atom
        && close == TokenKind::RightSquareBracket
        && close2 == TokenKind::RightSquareBracket
        && shape.next().is_none();
    let word = text.get(from..to)?;
    let name = SECTIONS.into_iter().find(|s| *s == word)?;
    // `[[` must be one token pair with nothing between (as `[ [` is not a
    // header), and likewise `]]`.
    let tight = tokens.get(1).is_some_and(|t| t.1 == at + 1);
    (is_header && tight).then_some((at, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(entries: usize, extra: &str) -> String {
        let mut file = NotesFile::new("/d/a.txt", "A", "fp");
        for i in 0..entries {
            file.notes.push(Note {
                id: format!("n{i}"),
                text: format!("note {i}\n[[notes]]\nid = \"fake\"\n#t{i}"),
                tags: vec![format!("t{i}")],
                created: String::new(),
                updated: String::new(),
                anchor: Some(Anchor {
                    offset: i * 10,
                    exact: format!("passage {i} ]] [[highlights]]"),
                    prefix: "p".into(),
                    suffix: "s".into(),
                    changed: false,
                    status: Status::Moved,
                    current: None,
                    extra: toml::Table::new(),
                }),
                session: None,
                extra: toml::Table::new(),
            });
            file.bookmarks.push(Bookmark {
                id: format!("b{i}"),
                label: format!("label {i}"),
                created: String::new(),
                anchor: Anchor {
                    offset: i,
                    exact: "x".into(),
                    prefix: String::new(),
                    suffix: String::new(),
                    changed: false,
                    status: Status::Exact,
                    current: None,
                    extra: toml::Table::new(),
                },
                session: None,
                extra: toml::Table::new(),
            });
        }
        toml::to_string(&file).unwrap() + extra
    }

    /// The count of bookmark sections equals the bookmarks loaded.
    #[test]
    fn bookmark_sections_count_what_loading_finds() {
        let text = big(3000, "");
        let loaded = notes_from_str(&text).expect("loads");
        assert!(!loaded.bookmarks.is_empty());
        assert_eq!(bookmark_sections(&text), Some(loaded.bookmarks.len()));
        assert_eq!(
            bookmark_sections("schema_version = 1\n"),
            None,
            "small: parsed"
        );
    }

    #[test]
    fn a_large_file_read_by_sections_equals_the_whole_parse() {
        let text = big(3000, "");
        assert!(
            text.len() > CHUNKED_FROM_BYTES,
            "the test file must be large"
        );
        let starts = section_starts(&text);
        assert_eq!(starts.len(), 6000, "one section per entry, none in strings");
        let whole: NotesFile = toml::from_str(&text).unwrap();
        assert_eq!(by_sections(&text), Some(whole.clone()));
        assert_eq!(notes_from_str(&text).unwrap(), whole);
    }

    #[test]
    fn unknown_fields_are_kept_when_read_by_sections() {
        let mut text = big(2000, "");
        text = text.replacen("[[notes]]\n", "[[notes]]\nfuture = { a = 1 }\n", 1);
        text = text.replacen("deleted = []", "deleted = []\nnewer = \"kept\"", 1);
        let file = by_sections(&text).expect("split");
        assert_eq!(
            file.extra.get("newer").and_then(|v| v.as_str()),
            Some("kept")
        );
        assert!(file.notes[0].extra.contains_key("future"));
        assert_eq!(file, toml::from_str::<NotesFile>(&text).unwrap());
    }

    #[test]
    fn a_table_after_the_sections_falls_back_to_the_whole_parse() {
        let text = big(2000, "\n[later]\nx = 1\n");
        assert_eq!(by_sections(&text), None, "the split cannot place [later]");
        let file = notes_from_str(&text).unwrap();
        assert_eq!(file.extra.get("later").map(|v| v.is_table()), Some(true));
        assert_eq!(file.notes.len(), 2000);
    }

    #[test]
    fn errors_come_from_the_whole_parse_with_whole_file_positions() {
        let text = big(2000, "\n[[notes]]\nid = \n");
        let chunked = notes_from_str(&text).unwrap_err();
        let whole = toml::from_str::<NotesFile>(&text).unwrap_err();
        assert_eq!(chunked.span(), whole.span());
        assert_eq!(chunked.message(), whole.message());
        assert!(chunked.span().unwrap().start > text.len() - 20);
    }

    #[test]
    fn arrays_begun_in_the_top_part_fall_back() {
        let text = big(2000, "");
        assert!(
            text.contains("highlights = []"),
            "empty arrays are written on top"
        );
        let text = text.replacen("deleted = []", "deleted = []\nnotes = []", 1);
        assert_eq!(by_sections(&text), None);
        assert!(notes_from_str(&text).is_err(), "the whole parse rejects it");
    }

    /// A notes file's owner from its first part is the whole parse's, or
    /// not told: whatever the part holds (a title with a header and
    /// brackets in it, tombstones, a multi-line array, a cut anywhere).
    #[test]
    fn the_owner_from_the_first_part_is_the_whole_parses_or_none() {
        let mut tricky: NotesFile = toml::from_str(&big(2, "")).unwrap();
        tricky.document = "/d/moved.md".into();
        tricky.title = "A\n[[notes]]\n[x]".into();
        tricky.fingerprint = "fnv1a64:0123".into();
        tricky.deleted = (0..50).map(|i| format!("n{i}")).collect();
        let texts = [
            big(3, ""),
            big(40, ""),
            toml::to_string(&tricky).unwrap(),
            // An array that goes on over lines, a `[` first on one.
            "schema_version = 1\ndocument = \"/d/a.md\"\nx = [\n [1],\n]\nfingerprint = \"f\"\n".into(),
            // No entries at all.
            "schema_version = 1\ndocument = \"/d/b.md\"\nfingerprint = \"g\"\n".into(),
            // Only a tombstone list and a comment.
            "# notes\ndocument = \"/d/c.md\" # here\ndeleted = [\"a\",\n \"b\"]\nschema_version = 1\n".into(),
        ];
        for text in &texts {
            let whole: toml::Table = toml::from_str(text).expect("parses");
            let truth = (
                whole["document"].as_str().unwrap_or_default().to_string(),
                whole
                    .get("fingerprint")
                    .and_then(|f| f.as_str())
                    .unwrap_or_default()
                    .to_string(),
            );
            let mut told = 0;
            for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
                let is_whole = cut == text.len();
                if let Some(owner) = owner(&text[..cut], is_whole) {
                    assert_eq!(owner, truth, "cut at {cut} of {text:?}");
                    told += 1;
                }
            }
            assert!(
                owner(text, true).is_some() || text.contains(" [1]"),
                "the whole text tells nothing: {text:?}"
            );
            assert!(told > 0 || text.contains(" [1]"), "{text:?}");
        }
        // The top part of a file that is all top part, cut: not told.
        let top_only = "document = \"/d/a.md\"\nfingerprint = \"f\"\n";
        assert_eq!(owner(&top_only[..20], false), None);
    }
}
