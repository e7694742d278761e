//! The study sheet: notes, highlights and bookmarks of one or more
//! documents as Markdown (or JSON), in text order.
//!
//! The user's words are kept as written, but control characters (escape
//! sequences included) never reach the file: they become visible control
//! pictures, as in the terminal.

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use super::export_filter::*;
use super::export_layout;
use super::export_links::{DocLinks, link_text};

use crate::storage::{Anchor, NotesFile, SessionMark, Status};

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

#[derive(Clone, Copy)]
pub(crate) enum Entry<'a> {
    Bookmark(&'a crate::storage::Bookmark),
    Highlight(&'a crate::storage::Highlight),
    Note(&'a crate::storage::Note),
}

impl<'a> Entry<'a> {
    pub(crate) fn anchor(&self) -> Option<&'a Anchor> {
        match *self {
            Entry::Bookmark(b) => Some(&b.anchor),
            Entry::Highlight(h) => Some(&h.anchor),
            Entry::Note(n) => n.anchor.as_ref(),
        }
    }
    pub(crate) fn created(&self) -> &'a str {
        match *self {
            Entry::Bookmark(b) => &b.created,
            Entry::Highlight(h) => &h.created,
            Entry::Note(n) => &n.created,
        }
    }
    pub(crate) fn id(&self) -> &'a str {
        match *self {
            Entry::Bookmark(b) => &b.id,
            Entry::Highlight(h) => &h.id,
            Entry::Note(n) => &n.id,
        }
    }
    pub(crate) fn session(&self) -> Option<&'a SessionMark> {
        match *self {
            Entry::Bookmark(b) => b.session.as_ref(),
            Entry::Highlight(h) => h.session.as_ref(),
            Entry::Note(n) => n.session.as_ref(),
        }
    }
    /// The note's tags (highlights and bookmarks have none).
    pub(crate) fn tags(&self) -> &'a [String] {
        match *self {
            Entry::Note(n) => &n.tags,
            _ => &[],
        }
    }
    /// A note on the whole document (in a session: its lecture note).
    pub(crate) fn is_document_note(&self) -> bool {
        matches!(self, Entry::Note(n) if n.anchor.is_none())
    }
}

/// Entries in text order, notes on the whole document first.
pub(crate) fn entries(file: &NotesFile) -> Vec<Entry<'_>> {
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

/// How the Markdown sheet is divided into sections.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// One section per document, entries in text order.
    #[default]
    Document,
    /// One per tag (an entry with two tags is under both), untagged last.
    Tag,
    /// One per lecture session in time order, entries without one last.
    Session,
}

/// How each section is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// Each entry under its own heading: quote, note, tags, time, link.
    #[default]
    Sheet,
    /// A Cornell sheet: a cue · notes table, then a summary holding the
    /// lecture notes (notes on the whole document).
    Cornell,
}

/// How [`markdown_with`] lays a sheet out.
#[derive(Debug, Clone, Default)]
pub struct SheetOptions<'a> {
    pub group_by: GroupBy,
    pub layout: Layout,
    /// Links back to each sheet's document, in the order of the sheets;
    /// empty: no links.
    pub links: &'a [DocLinks],
    /// What was selected (`session “S1” · #exam`), said under the title.
    pub selection: Option<String>,
}

/// One entry of a sheet with the index of its document.
#[derive(Clone, Copy)]
pub(crate) struct Item<'a> {
    pub sheet: usize,
    pub entry: Entry<'a>,
}

/// A section of the sheet: a heading, a line under it, its entries.
pub(crate) struct Section<'a> {
    pub title: String,
    pub subtitle: Option<String>,
    pub items: Vec<Item<'a>>,
}

/// Text for a heading: controls visible, on one line.
pub(crate) fn heading_text(s: &str) -> String {
    clean(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The study sheet as Markdown, one section per document.
pub fn markdown(sheets: &[Sheet], generated: &str) -> String {
    markdown_with(sheets, &SheetOptions::default(), generated)
}

/// The study sheet as Markdown, grouped and laid out as `opts` says.
pub fn markdown_with(sheets: &[Sheet], opts: &SheetOptions, generated: &str) -> String {
    let mut out = String::new();
    let single = sheets.len() == 1 && opts.group_by == GroupBy::Document;
    if single {
        out.push_str(&format!(
            "# Study sheet: {}\n\n",
            heading_text(sheets[0].title)
        ));
    } else {
        out.push_str("# Study sheet\n\n");
    }
    out.push_str(&format!(
        "*Exported from marginote on {}.*\n",
        clean(generated)
    ));
    if let Some(sel) = &opts.selection {
        out.push_str(&format!("\n*Selected: {}*\n", link_text(sel)));
    }
    let sections = match opts.group_by {
        GroupBy::Document => {
            for (i, sheet) in sheets.iter().enumerate() {
                let items: Vec<Item> = entries(sheet.file)
                    .into_iter()
                    .map(|entry| Item { sheet: i, entry })
                    .collect();
                if !single {
                    if items.is_empty() {
                        continue;
                    }
                    out.push_str(&format!("\n## {}\n", heading_text(sheet.title)));
                }
                let source = format!("`{}`", clean(sheet.document).replace('`', "'"));
                match opts.links.get(i).and_then(|l| l.url.as_ref()) {
                    Some(url) => out.push_str(&format!("\nSource: [{source}]({url})\n")),
                    None => out.push_str(&format!("\nSource: {source}\n")),
                }
                if items.is_empty() {
                    out.push_str("\nNo notes yet.\n");
                }
                let level = if single { 2 } else { 3 };
                let section = Section {
                    title: clean(sheet.title).trim().to_owned(),
                    subtitle: None,
                    items,
                };
                write_section_body(&mut out, sheets, opts, &section, level, false);
            }
            return out;
        }
        GroupBy::Tag => export_layout::by_tag(sheets),
        GroupBy::Session => export_layout::by_session(sheets),
    };
    for section in &sections {
        out.push_str(&format!("\n## {}\n", heading_text(&section.title)));
        if let Some(sub) = &section.subtitle {
            out.push_str(&format!("\n*{sub}*\n"));
        }
        write_section_body(&mut out, sheets, opts, section, 3, true);
    }
    out
}

/// A section's entries, one after another or as a Cornell sheet;
/// `show_doc` names each entry's document (sections across documents).
fn write_section_body(
    out: &mut String,
    sheets: &[Sheet],
    opts: &SheetOptions,
    section: &Section,
    level: usize,
    show_doc: bool,
) {
    if opts.layout == Layout::Cornell {
        export_layout::cornell(out, sheets, opts.links, section, level);
        return;
    }
    for item in &section.items {
        write_entry(out, sheets, opts.links, item, level, show_doc);
    }
}

/// The Markdown link to an item's place in its document, if it has one.
pub(crate) fn item_link(sheets: &[Sheet], links: &[DocLinks], item: &Item) -> Option<String> {
    let sheet = &sheets[item.sheet];
    let page = item
        .entry
        .anchor()
        .and_then(|a| page_of(sheet.pages, a.offset));
    links.get(item.sheet)?.entry_link(item.entry.id(), page)
}

/// `12:34` (or `1:02:03`): seconds of session clock.
pub(crate) fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The line under an entry: its time, its session, its link.
pub(crate) fn footer(sheets: &[Sheet], links: &[DocLinks], item: &Item) -> String {
    let mut parts = Vec::new();
    let created = item.entry.created().trim();
    if !created.is_empty() {
        parts.push(format!("*{}*", clean(created)));
    }
    if let Some(s) = item.entry.session() {
        parts.push(format!(
            "session “{}” at {}",
            link_text(&s.name),
            clock(s.elapsed)
        ));
    }
    parts.extend(item_link(sheets, links, item));
    parts.join(" · ")
}

fn write_entry(
    out: &mut String,
    sheets: &[Sheet],
    links: &[DocLinks],
    item: &Item,
    level: usize,
    show_doc: bool,
) {
    let sheet = &sheets[item.sheet];
    let e = item.entry;
    out.push('\n');
    let hashes = "#".repeat(level);
    let page = e
        .anchor()
        .and_then(|a| page_of(sheet.pages, a.offset))
        .map(|p| format!(" · p. {p}"))
        .unwrap_or_default();
    let doc = if show_doc {
        format!(" · {}", heading_text(sheet.title))
    } else {
        String::new()
    };
    match &e {
        Entry::Note(n) if n.anchor.is_none() => {
            let what = if n.session.is_some() {
                "Lecture note"
            } else {
                "Note on the whole document"
            };
            out.push_str(&format!("{hashes} {what}{doc}\n\n"));
        }
        Entry::Note(_) => out.push_str(&format!("{hashes} Note{doc}{page}\n\n")),
        Entry::Highlight(_) => out.push_str(&format!("{hashes} Highlight{doc}{page}\n\n")),
        Entry::Bookmark(b) => {
            out.push_str(&format!(
                "{hashes} Bookmark{doc}{page}: {}\n\n",
                heading_text(&b.label)
            ));
        }
    }
    if let Some(a) = e.anchor() {
        out.push_str(&block_quote(&quote_of(sheet, a)));
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
            let tags: Vec<String> = n.tags.iter().map(|t| format!("#{}", clean(t))).collect();
            out.push_str(&format!("Tags: {}\n\n", tags.join(" ")));
        }
    }
    out.push_str(&footer(sheets, links, item));
    out.push('\n');
}

/// An entry's quote as the reader showed it.
pub(crate) fn quote_of(sheet: &Sheet, a: &Anchor) -> String {
    if super::markup::reads_as_markdown(sheet.document) {
        // Read with the text around it: a passage that starts inside a
        // bold term showed the `**` that closes it.
        rendered(&super::markup::within(&a.prefix, &a.exact, &a.suffix))
    } else {
        a.exact.clone()
    }
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
    /// The lecture session the entry was made in.
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<JsonSession>,
}

#[derive(Serialize)]
struct JsonSession {
    name: String,
    /// Seconds of session clock when the entry was made.
    elapsed: u64,
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
                        quote: anchor.map(|a| clean(&quote_of(s, a))),
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
                        session: e.session().map(|s| JsonSession {
                            name: clean(&s.name),
                            elapsed: s.elapsed,
                        }),
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
        Anchor::bare(offset, exact)
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

    /// A passage that starts inside a bold term (a glossary entry's first
    /// sentence) is quoted as the reader showed it, in every format, and
    /// so is one from a web page (converted to Markdown).
    #[test]
    fn quotes_starting_inside_markup_read_as_shown() {
        for document in ["/r/glossary.md", "/r/page.html"] {
            let mut f = NotesFile::new(document, "Glossary", "");
            let mut a = anchor(2, "Cult of personality** The phrase used in *1956*.");
            a.prefix = "Jewish.\n\n**".into();
            a.suffix = " The cult had".into();
            f.highlights.push(Highlight {
                session: None,
                id: "h1".into(),
                created: String::new(),
                anchor: a,
                extra: toml::Table::new(),
            });
            let sheets = [Sheet {
                title: "Glossary",
                document,
                file: &f,
                pages: &[],
            }];
            let shown = "Cult of personality The phrase used in 1956.";
            let md = markdown(&sheets, "now");
            assert!(md.contains(&format!("> {shown}")), "{md}");
            let js: serde_json::Value = serde_json::from_str(&json(&sheets)).expect("JSON");
            assert_eq!(js[0]["entries"][0]["quote"], shown);
            let csv = crate::study::export_formats::readwise_csv(&sheets);
            assert!(csv.contains(shown), "{csv}");
            let anki = crate::study::export_formats::anki(&sheets);
            assert!(anki.contains(shown), "{anki}");
            let all = format!("{md}{csv}{anki}");
            assert!(!all.contains("**"), "{all}");
        }
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
