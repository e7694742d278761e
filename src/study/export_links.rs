//! Links from a study sheet back to the documents: where each entry is
//! (its line in a text file, its page in a PDF) and a link a Markdown
//! viewer can follow to get there.
//!
//! Destinations are percent-encoded (spaces, parentheses, brackets, `#`
//! and every non-ASCII byte), so a link stays one valid Markdown link
//! whatever the path holds; link texts have Markdown's punctuation
//! escaped. A sheet written to a file links to the documents relative to
//! its folder (the link survives moving the sheet and documents together,
//! and works in a vault or a repository); a sheet printed to stdout may
//! end up anywhere, so it gets absolute `file://` links.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::storage::NotesFile;
use crate::study::anchor::{self, Placement};
use crate::text::document::Document;
use crate::text::sanitize::clean;

/// Where one document's entries are, for the links of a sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocLinks {
    /// The document as a link destination (already encoded); `None` for a
    /// document that is not a file (a bundled essay).
    pub url: Option<String>,
    /// What the link says: the file's name.
    pub name: String,
    /// Entry id → 1-based line of its passage in the file, for Markdown
    /// and plain-text documents whose passage was found.
    pub lines: HashMap<String, usize>,
}

impl DocLinks {
    /// The Markdown link to entry `id` (a line where known, else the page
    /// where known, else the document).
    pub fn entry_link(&self, id: &str, page: Option<u32>) -> Option<String> {
        let url = self.url.as_ref()?;
        let name = link_text(&self.name);
        Some(match (self.lines.get(id), page) {
            (Some(line), _) => format!("[{name}, line {line}]({url}#L{line})"),
            (None, Some(p)) => format!("[{name}, p. {p}]({url}#page={p})"),
            (None, None) => format!("[{name}]({url})"),
        })
    }
}

/// The links of the document at `path` (absolute), linked from a sheet
/// in folder `base` (relative links) or printed (`None`: `file://`).
pub fn doc_links(path: &Path, base: Option<&Path>) -> DocLinks {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let url = path.is_absolute().then(|| link_target(path, base));
    DocLinks {
        url,
        name,
        lines: HashMap::new(),
    }
}

/// A link destination for `doc` (absolute): relative to `base` when given
/// and on the same root, else a `file://` URL.
pub fn link_target(doc: &Path, base: Option<&Path>) -> String {
    if let Some(rel) = base.and_then(|b| relative(b, doc)) {
        return encode_components(rel.components());
    }
    let mut url = String::from("file://");
    let encoded = encode_components(doc.components());
    if !encoded.starts_with('/') {
        url.push('/');
    }
    url.push_str(&encoded);
    url
}

/// `to` as seen from folder `from` (both absolute), with `..` where
/// needed; `None` when they share no root (another drive).
pub fn relative(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<Component> = from
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let to: Vec<Component> = to
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    if from.first() != to.first() || from.contains(&Component::ParentDir) {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

/// Path components joined by `/`, each percent-encoded.
fn encode_components<'a>(components: impl Iterator<Item = Component<'a>>) -> String {
    let mut out = String::new();
    for c in components {
        match c {
            Component::RootDir => out.push('/'),
            // A Windows drive (`C:`) stays as URLs write it.
            Component::Prefix(p) => {
                out.push('/');
                out.push_str(&p.as_os_str().to_string_lossy().replace('\\', "/"));
            }
            Component::CurDir => {}
            Component::ParentDir => {
                out.push_str("..");
                out.push('/');
            }
            Component::Normal(name) => {
                out.push_str(&percent_encode(&name.to_string_lossy()));
                out.push('/');
            }
        }
    }
    if out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

/// Every byte but URL's unreserved characters as `%XX`: no space,
/// parenthesis, angle bracket, `#`, `?` or control can end or break the
/// destination.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Text for inside `[…]` or a table cell: controls made visible, on one
/// line, with Markdown's punctuation escaped so it reads as written.
pub fn link_text(s: &str) -> String {
    let one_line = clean(s).split_whitespace().collect::<Vec<_>>().join(" ");
    escape_inline(&one_line)
}

/// Backslash-escapes the ASCII punctuation Markdown (and GFM tables) give
/// a meaning to inline.
pub fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The line of each anchored entry of `file` in the document: `decoded`
/// are the file's decoded bytes (BOM gone), `doc` the document made from
/// them. Passages are placed as the reader would place them now; lost
/// ones get no line. When the document's text is not the file's (a
/// converted format, a folded Gutenberg header) no line is given.
pub fn line_numbers(doc: &Document, decoded: &[u8], file: &NotesFile) -> HashMap<String, usize> {
    let mut lines = HashMap::new();
    if doc.source().len() != decoded.len() {
        return lines;
    }
    let anchored = file
        .notes
        .iter()
        .filter_map(|n| n.anchor.as_ref().map(|a| (&n.id, a)))
        .chain(file.highlights.iter().map(|h| (&h.id, &h.anchor)))
        .chain(file.bookmarks.iter().map(|b| (&b.id, &b.anchor)));
    for (id, a) in anchored {
        let at = match anchor::place(doc, a) {
            Placement::Exact => a.offset,
            Placement::Moved { at, .. } | Placement::Changed { at, .. } => at,
            Placement::NotFound => continue,
        };
        let before = &decoded[..at.min(decoded.len())];
        lines.insert(id.clone(), 1 + memchr::memchr_iter(b'\n', before).count());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Anchor, Highlight, Note};
    use crate::text::format::Format;

    fn anchor(offset: usize, exact: &str) -> Anchor {
        Anchor::bare(offset, exact)
    }

    #[test]
    fn paths_with_spaces_and_parentheses_make_one_valid_link() {
        let doc = Path::new("/home/ann/History (2026)/week 1 [draft]#2.md");
        let url = link_target(doc, None);
        assert_eq!(
            url,
            "file:///home/ann/History%20%282026%29/week%201%20%5Bdraft%5D%232.md"
        );
        let mut links = doc_links(doc, None);
        links.lines.insert("n1".into(), 12);
        let link = links.entry_link("n1", None).expect("a file has a link");
        // pulldown-cmark reads it as one link to the whole destination.
        let mut found = Vec::new();
        for ev in pulldown_cmark::Parser::new(&link) {
            if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = ev {
                found.push(dest_url.to_string());
            }
        }
        assert_eq!(found, [format!("{url}#L12")], "{link}");
        assert!(
            link.starts_with(r"[week 1 \[draft\]#2.md, line 12]("),
            "{link}"
        );
    }

    #[test]
    fn links_are_relative_to_the_sheets_folder_when_written() {
        let doc = Path::new("/home/ann/readings/week one.md");
        assert_eq!(
            link_target(doc, Some(Path::new("/home/ann/sheets"))),
            "../readings/week%20one.md"
        );
        assert_eq!(
            link_target(doc, Some(Path::new("/home/ann/readings"))),
            "week%20one.md"
        );
        assert_eq!(
            link_target(doc, Some(Path::new("/"))),
            "home/ann/readings/week%20one.md"
        );
        assert_eq!(relative(Path::new("/a/../b"), doc), None);
    }

    #[test]
    fn an_entry_links_to_its_line_else_its_page_else_the_document() {
        let mut links = doc_links(Path::new("/r/reader.pdf"), None);
        assert_eq!(
            links.entry_link("h1", Some(3)).as_deref(),
            Some("[reader.pdf, p. 3](file:///r/reader.pdf#page=3)")
        );
        assert_eq!(
            links.entry_link("h1", None).as_deref(),
            Some("[reader.pdf](file:///r/reader.pdf)")
        );
        links.url = None;
        assert_eq!(links.entry_link("h1", Some(3)), None, "no file, no link");
    }

    #[test]
    fn line_numbers_follow_the_passage_in_the_file() {
        let text = "\u{feff}Title\r\n\r\nFirst paragraph.\r\nSecond one here.\r\n";
        let (decoded, _) = crate::text::decode::decode(text.as_bytes().to_vec()).expect("text");
        let doc = Document::from_bytes(decoded.clone().into_bytes(), Format::Text).expect("doc");
        let at = |s: &str| decoded.find(s).unwrap();
        let mut f = NotesFile::new("/r/a.txt", "A", "");
        f.highlights.push(Highlight {
            session: None,
            id: "h1".into(),
            created: String::new(),
            anchor: anchor(at("Second"), "Second one"),
            extra: toml::Table::new(),
        });
        // Stored at a stale offset: found where the words are now.
        f.notes.push(Note {
            session: None,
            id: "n1".into(),
            text: "x".into(),
            tags: Vec::new(),
            created: String::new(),
            updated: String::new(),
            anchor: Some(anchor(0, "First paragraph")),
            extra: toml::Table::new(),
        });
        f.notes.push(Note {
            session: None,
            id: "lost".into(),
            text: "x".into(),
            tags: Vec::new(),
            created: String::new(),
            updated: String::new(),
            anchor: Some(anchor(0, "words that are nowhere in this text at all")),
            extra: toml::Table::new(),
        });
        let lines = line_numbers(&doc, decoded.as_bytes(), &f);
        assert_eq!(lines.get("h1"), Some(&4));
        assert_eq!(lines.get("n1"), Some(&3));
        assert_eq!(lines.get("lost"), None, "a lost passage has no line");
    }
}
