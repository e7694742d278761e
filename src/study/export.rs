//! The study sheet: notes, highlights and bookmarks of one or more
//! documents as Markdown (or JSON), in text order.
//!
//! The user's words are kept as written, but control characters (escape
//! sequences included) never reach the file: they become visible control
//! pictures, as in the terminal.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::storage::{Anchor, NotesFile, Status};

/// What a study sheet keeps (`marginote export --tag … --since …`); the
/// default keeps everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Notes with any of these tags (without `#`, any case).
    pub tags: Vec<String>,
    /// Entries written on or after this date (`YYYY-MM-DD`, as written).
    pub since: Option<String>,
    /// Entries written on or before this date.
    pub until: Option<String>,
    /// `note`, `highlight`, `bookmark`; empty: all kinds.
    pub kinds: Vec<String>,
    /// Only entries in these statuses; empty: all.
    pub statuses: Vec<Status>,
}

impl Filter {
    fn keeps(&self, kind: &str, created: &str, tags: &[String], status: Status) -> bool {
        let date = created.get(..10).unwrap_or(created);
        let tag_ok = self.tags.is_empty()
            || self.tags.iter().any(|want| {
                let want = want.trim_start_matches('#');
                tags.iter().any(|t| t.eq_ignore_ascii_case(want))
            });
        tag_ok
            && self.since.as_deref().is_none_or(|d| date >= d)
            && self.until.as_deref().is_none_or(|d| date <= d)
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind))
            && (self.statuses.is_empty() || self.statuses.contains(&status))
    }

    /// A copy of `file` with only the entries this filter keeps.
    pub fn apply(&self, file: &NotesFile) -> NotesFile {
        let st = |a: Option<&Anchor>| a.map_or(Status::Exact, Anchor::effective_status);
        let mut f = file.clone();
        f.bookmarks
            .retain(|b| self.keeps("bookmark", &b.created, &[], st(Some(&b.anchor))));
        f.highlights
            .retain(|h| self.keeps("highlight", &h.created, &[], st(Some(&h.anchor))));
        f.notes
            .retain(|n| self.keeps("note", &n.created, &n.tags, st(n.anchor.as_ref())));
        f
    }

    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// Where a new study sheet goes: `<name>-<date>.md` in `dir`, or with -2,
/// -3… when that exists, so an earlier sheet is never overwritten.
pub fn sheet_path(dir: &Path, name: &str, date: &str) -> PathBuf {
    let stem = format!(
        "{}-{}",
        crate::storage::slug(name),
        crate::storage::slug(date)
    );
    let first = dir.join(format!("{stem}.md"));
    if !first.exists() {
        return first;
    }
    (2..10_000)
        .map(|n| dir.join(format!("{stem}-{n}.md")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// The line a sheet gives an entry's status (none for an exact one).
fn status_line(a: &Anchor) -> Option<String> {
    match a.effective_status() {
        Status::Exact => None,
        Status::Moved => Some("*(status: moved — found elsewhere in the edited text)*".into()),
        Status::Changed => Some(match a.current.as_deref() {
            Some(now) => format!(
                "*(status: changed — the text now reads: “{}”)*",
                clean(now).split_whitespace().collect::<Vec<_>>().join(" ")
            ),
            None => "*(status: changed — the text changed since this was written)*".into(),
        }),
        Status::Lost => Some(
            "*(status: lost — this passage is no longer in the text; the quote is as written)*"
                .into(),
        ),
    }
}

/// One document's entries to export.
pub struct Sheet<'a> {
    pub title: &'a str,
    /// The document's path or key.
    pub document: &'a str,
    pub file: &'a NotesFile,
    /// Where each page starts and its number, for a paged document (a
    /// PDF): entries then say "p. 12". Empty for others.
    pub pages: &'a [(usize, u32)],
}

/// The page `offset` is on, from a sheet's page starts.
fn page_of(pages: &[(usize, u32)], offset: usize) -> Option<u32> {
    let i = pages.partition_point(|&(at, _)| at <= offset);
    i.checked_sub(1).map(|i| pages[i].1)
}

pub use crate::text::sanitize::clean;

/// A quote from a Markdown document as the reader showed it: emphasis
/// markers, list markers and heading signs gone, paragraphs on their own
/// lines.
pub(crate) fn rendered(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

pub(crate) fn is_markdown(document: &str) -> bool {
    let lower = document.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// A quote as a Markdown block quote, one `>` line per line.
fn block_quote(text: &str) -> String {
    let cleaned = clean(text);
    let lines: Vec<String> = cleaned
        .lines()
        .map(|l| {
            let l = l.trim_end();
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect();
    lines.join("\n")
}

enum Entry<'a> {
    Bookmark(&'a crate::storage::Bookmark),
    Highlight(&'a crate::storage::Highlight),
    Note(&'a crate::storage::Note),
}

impl<'a> Entry<'a> {
    fn anchor(&self) -> Option<&'a Anchor> {
        match *self {
            Entry::Bookmark(b) => Some(&b.anchor),
            Entry::Highlight(h) => Some(&h.anchor),
            Entry::Note(n) => n.anchor.as_ref(),
        }
    }
    fn created(&self) -> &'a str {
        match *self {
            Entry::Bookmark(b) => &b.created,
            Entry::Highlight(h) => &h.created,
            Entry::Note(n) => &n.created,
        }
    }
}

/// Entries in text order, notes on the whole document first.
fn entries(file: &NotesFile) -> Vec<Entry<'_>> {
    let mut v: Vec<Entry> = file
        .notes
        .iter()
        .map(Entry::Note)
        .chain(file.highlights.iter().map(Entry::Highlight))
        .chain(file.bookmarks.iter().map(Entry::Bookmark))
        .collect();
    v.sort_by_key(|e| e.anchor().map(|a| a.offset + 1).unwrap_or(0));
    v
}

/// The study sheet as Markdown.
pub fn markdown(sheets: &[Sheet], generated: &str) -> String {
    let mut out = String::new();
    if sheets.len() == 1 {
        out.push_str(&format!(
            "# Study sheet: {}\n\n",
            clean(sheets[0].title).trim()
        ));
    } else {
        out.push_str("# Study sheet\n\n");
    }
    out.push_str(&format!(
        "*Exported from marginote on {}.*\n",
        clean(generated)
    ));
    for sheet in sheets {
        let list = entries(sheet.file);
        if sheets.len() > 1 {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n## {}\n", clean(sheet.title).trim()));
        }
        out.push_str(&format!(
            "\nSource: `{}`\n",
            clean(sheet.document).replace('`', "'")
        ));
        if list.is_empty() {
            out.push_str("\nNo notes yet.\n");
        }
        for e in list {
            out.push('\n');
            let heading = if sheets.len() > 1 { "###" } else { "##" };
            let page = e
                .anchor()
                .and_then(|a| page_of(sheet.pages, a.offset))
                .map(|p| format!(" · p. {p}"))
                .unwrap_or_default();
            match &e {
                Entry::Note(n) if n.anchor.is_none() => {
                    out.push_str(&format!("{heading} Note on the whole document\n\n"));
                }
                Entry::Note(_) => out.push_str(&format!("{heading} Note{page}\n\n")),
                Entry::Highlight(_) => {
                    out.push_str(&format!("{heading} Highlight{page}\n\n"));
                }
                Entry::Bookmark(b) => {
                    out.push_str(&format!(
                        "{heading} Bookmark{page}: {}\n\n",
                        clean(&b.label).trim()
                    ));
                }
            }
            if let Some(a) = e.anchor() {
                let quote = if is_markdown(sheet.document) {
                    rendered(&a.exact)
                } else {
                    a.exact.clone()
                };
                out.push_str(&block_quote(&quote));
                out.push('\n');
                if let Some(line) = status_line(a) {
                    out.push('\n');
                    out.push_str(&line);
                    out.push('\n');
                }
                out.push('\n');
            }
            if let Entry::Note(n) = &e {
                out.push_str(clean(&n.text).trim_end());
                out.push_str("\n\n");
                if !n.tags.is_empty() {
                    let tags: Vec<String> =
                        n.tags.iter().map(|t| format!("#{}", clean(t))).collect();
                    out.push_str(&format!("Tags: {}\n\n", tags.join(" ")));
                }
            }
            out.push_str(&format!("*{}*\n", clean(e.created())));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    kind: &'static str,
    id: &'a str,
    created: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    quote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    /// `exact`, `moved`, `changed` or `lost` (a note on the whole
    /// document is `exact`).
    status: &'static str,
    /// The words in the text now, where they differ from `quote`.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<String>,
    text_changed: bool,
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    title: String,
    document: String,
    entries: Vec<JsonEntry<'a>>,
}

/// The same entries as JSON (an array of documents).
pub fn json(sheets: &[Sheet]) -> String {
    let docs: Vec<JsonDoc> = sheets
        .iter()
        .map(|s| JsonDoc {
            title: clean(s.title),
            document: clean(s.document),
            entries: entries(s.file)
                .into_iter()
                .map(|e| {
                    let anchor = e.anchor();
                    let (kind, id, label, text, tags) = match &e {
                        Entry::Bookmark(b) => (
                            "bookmark",
                            b.id.as_str(),
                            Some(clean(&b.label)),
                            None,
                            Vec::new(),
                        ),
                        Entry::Highlight(h) => ("highlight", h.id.as_str(), None, None, Vec::new()),
                        Entry::Note(n) => (
                            "note",
                            n.id.as_str(),
                            None,
                            Some(clean(&n.text)),
                            n.tags.iter().map(|t| clean(t)).collect(),
                        ),
                    };
                    JsonEntry {
                        kind,
                        id,
                        created: e.created(),
                        quote: anchor.map(|a| clean(&a.exact)),
                        offset: anchor.map(|a| a.offset),
                        label,
                        text,
                        tags,
                        status: anchor
                            .map_or(Status::Exact, Anchor::effective_status)
                            .name(),
                        current: anchor.and_then(|a| a.current.as_deref()).map(clean),
                        text_changed: anchor
                            .is_some_and(|a| a.changed || a.effective_status() == Status::Changed),
                    }
                })
                .collect(),
        })
        .collect();
    serde_json::to_string_pretty(&docs).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paged_document_gives_each_entry_its_page() {
        let mut file = NotesFile::new("/r/reader.pdf", "Reader", "");
        file.notes.push(Note {
            session: None,
            id: "n1".into(),
            text: "on page two".into(),
            tags: Vec::new(),
            created: "2026-12-04T10:00:00+00:00".into(),
            updated: String::new(),
            anchor: Some(anchor(150, "words on page two")),
            extra: toml::Table::new(),
        });
        let pages = [(0, 1), (100, 2), (300, 3)];
        let text = markdown(
            &[Sheet {
                title: "Reader",
                document: "/r/reader.pdf",
                file: &file,
                pages: &pages,
            }],
            "2026-12-04T10:00:00+00:00",
        );
        assert!(text.contains("## Note · p. 2"), "{text}");
        assert_eq!(page_of(&pages, 99), Some(1));
        assert_eq!(page_of(&pages, 300), Some(3));
        assert_eq!(page_of(&[], 5), None);
    }
    use crate::storage::{Highlight, Note};

    fn anchor(offset: usize, exact: &str) -> Anchor {
        Anchor {
            offset,
            exact: exact.into(),
            prefix: String::new(),
            suffix: String::new(),
            changed: false,
            status: Default::default(),
            current: None,
            extra: toml::Table::new(),
        }
    }

    fn sample() -> NotesFile {
        let mut f = NotesFile::new("/r/terror.md", "The Red Terror", "");
        f.notes.push(Note {
            session: None,
            id: "n1".into(),
            text: "Why September 1918? #exam \u{1b}]0;x\u{7}".into(),
            tags: vec!["exam".into()],
            created: "2026-11-25T10:00:00+01:00".into(),
            updated: String::new(),
            anchor: Some(anchor(120, "the decree \"On Red Terror\"\nof 5 September")),
            extra: toml::Table::new(),
        });
        f.notes.push(Note {
            session: None,
            id: "n0".into(),
            text: "Compare with essay 5.".into(),
            tags: Vec::new(),
            created: "2026-11-25T09:00:00+01:00".into(),
            updated: String::new(),
            anchor: None,
            extra: toml::Table::new(),
        });
        f.highlights.push(Highlight {
            session: None,
            id: "h1".into(),
            created: "2026-11-25T09:30:00+01:00".into(),
            anchor: anchor(40, "founded in December 1917"),
            extra: toml::Table::new(),
        });
        f
    }

    #[test]
    fn markdown_sheet_is_in_text_order_with_quotes_and_tags() {
        let f = sample();
        let md = markdown(
            &[Sheet {
                title: "The Red Terror",
                document: "/r/terror.txt",
                file: &f,
                pages: &[],
            }],
            "2026-11-25",
        );
        let whole = md
            .find("Note on the whole document")
            .expect("document note");
        let hl = md
            .find("> founded in December 1917")
            .expect("highlight quote");
        let note = md.find("> the decree").expect("note quote");
        assert!(whole < hl && hl < note, "text order:\n{md}");
        assert!(
            md.contains("> of 5 September"),
            "multi-line quotes stay quoted:\n{md}"
        );
        assert!(md.contains("Tags: #exam"));
        assert!(md.starts_with("# Study sheet: The Red Terror"));
        assert!(
            !md.contains('\u{1b}') && !md.contains('\u{7}'),
            "controls reached the file"
        );
        assert!(md.contains("␛]0;x␇"));
    }

    #[test]
    fn quotes_from_markdown_read_as_shown() {
        let mut f = NotesFile::new("/r/a.md", "A", "");
        f.highlights.push(Highlight {
            session: None,
            id: "h1".into(),
            created: String::new(),
            anchor: anchor(0, "- **Library** (left) lists the `readings`."),
            extra: toml::Table::new(),
        });
        let md = markdown(
            &[Sheet {
                title: "A",
                document: "/r/a.md",
                file: &f,
                pages: &[],
            }],
            "now",
        );
        assert!(md.contains("> Library (left) lists the readings."), "{md}");
    }

    #[test]
    fn json_has_every_entry() {
        let f = sample();
        let js = json(&[Sheet {
            title: "T",
            document: "/d",
            file: &f,
            pages: &[],
        }]);
        let v: serde_json::Value = serde_json::from_str(&js).expect("valid JSON");
        assert_eq!(v[0]["entries"].as_array().map(Vec::len), Some(3));
        assert_eq!(v[0]["entries"][0]["kind"], "note");
        assert!(!js.contains('\u{1b}'));
    }
}
