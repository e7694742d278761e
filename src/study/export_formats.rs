//! Exports for the tools students revise with (issue 14): Anki's text
//! import, Readwise's highlight CSV, and Obsidian notes (Markdown with
//! YAML front matter, one file per document).
//!
//! Every string is passed through [`export::clean`] first, so no control
//! character reaches another program; each format then escapes what its
//! importer would misread (tabs and line breaks for Anki, quotes for CSV,
//! YAML syntax in front matter, path characters in file names).

use std::collections::{BTreeSet, HashSet};

use super::export::{self, Sheet, SheetOptions};
use super::review::cards::{Card, cards_of};

/// Anki's "Import File" for a plain text file: one note per line, fields
/// front, back, tags. The `#` header lines tell Anki the separator, that
/// fields are HTML, and which column holds tags, so it imports as is
/// (Basic note type, fields in order). Cards are the review's cards, so
/// `#noreview` entries stay out here too.
pub fn anki(sheets: &[Sheet]) -> String {
    let mut out = String::from("#separator:tab\n#html:true\n#tags column:3\n");
    for sheet in sheets {
        for card in sheet_cards(sheet) {
            let back = format!(
                "{}<br><br><small>— {}</small>",
                anki_field(&card.back),
                anki_field(sheet.title.trim())
            );
            let mut tags: Vec<String> = card.tags.iter().map(|t| anki_tag(t)).collect();
            tags.push("marginote".to_owned());
            tags.retain(|t| !t.is_empty());
            out.push_str(&anki_field(&card.front));
            out.push('\t');
            out.push_str(&back);
            out.push('\t');
            out.push_str(&tags.join(" "));
            out.push('\n');
        }
    }
    out
}

fn sheet_cards(sheet: &Sheet) -> Vec<Card> {
    let mut cards = cards_of(sheet.file);
    for c in &mut cards {
        sheet.title.clone_into(&mut c.title);
        if crate::study::markup::reads_as_markdown(sheet.document) {
            c.back = export::rendered(&c.back);
            // A highlight's front is its source around the blank (a note's
            // is the student's own words): shown as the review shows it.
            if c.kind == crate::study::review::CardKind::Highlight {
                c.front = crate::study::markup::plain(&c.front);
            }
        }
    }
    cards
}

/// A field of an HTML import: markup characters escaped (the user's words
/// are text, not HTML), line breaks as `<br>`, tabs as an entity so they
/// cannot split the line into columns. Quotes are escaped too: a field
/// that starts with `"` would be read as a quoted CSV field.
fn anki_field(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in export::clean(text.trim()).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Anki tags are separated by spaces: white space inside one becomes `_`.
fn anki_tag(tag: &str) -> String {
    export::clean(tag.trim_start_matches('#'))
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

/// Readwise's CSV import: Highlight, Title, Author, URL, Note, Location,
/// Date. A highlight is a row; a note on a passage is a row whose Note is
/// the note (merged into the highlight's row when both mark the same
/// passage); a note on the whole document is a row of its own text.
/// Bookmarks are places, not highlights: left out. Location is the
/// passage's offset, which orders rows as the text does; Date is UTC.
pub fn readwise_csv(sheets: &[Sheet]) -> String {
    let mut out = String::from("Highlight,Title,Author,URL,Note,Location,Date\r\n");
    for sheet in sheets {
        let f = sheet.file;
        let quote = |a: &crate::storage::Anchor| export::quote_of(sheet, a);
        let mut merged: HashSet<&str> = HashSet::new();
        let mut rows: Vec<(usize, [String; 3])> = Vec::new();
        for h in &f.highlights {
            let note = f.notes.iter().find(|n| {
                n.anchor
                    .as_ref()
                    .is_some_and(|a| a.offset == h.anchor.offset && a.exact == h.anchor.exact)
            });
            if let Some(n) = note {
                merged.insert(&n.id);
            }
            let text = note.map_or(String::new(), |n| n.text.clone());
            let date = note.map_or(h.created.as_str(), |n| n.created.as_str());
            rows.push((h.anchor.offset, [quote(&h.anchor), text, csv_date(date)]));
        }
        for n in f.notes.iter().filter(|n| !merged.contains(n.id.as_str())) {
            let row = match &n.anchor {
                Some(a) => (a.offset, [quote(a), n.text.clone(), csv_date(&n.created)]),
                None => (0, [n.text.clone(), String::new(), csv_date(&n.created)]),
            };
            rows.push(row);
        }
        rows.sort_by_key(|(offset, _)| *offset);
        for (offset, [highlight, note, date]) in rows {
            let fields = [
                highlight.as_str(),
                sheet.title.trim(),
                "",
                "",
                note.as_str(),
                &offset.to_string(),
                date.as_str(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// RFC 4180: quoted when it holds a comma, quote, line break or edge
/// space, with quotes doubled.
fn csv_field(text: &str) -> String {
    let text = export::clean(text);
    let needs = text.contains([',', '"', '\n', '\r'])
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace);
    if needs {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, a form Readwise reads; empty when the
/// stamp is not a time.
fn csv_date(stamp: &str) -> String {
    stamp
        .parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// One Obsidian note per document: `(file name, contents)`. The body is
/// the Markdown study sheet in `opts`'s layout, with its links (its
/// `#tags` are Obsidian tags); the front matter gives title, source, tags
/// and the export time. File names are the titles made safe, unique
/// (ignoring case, as macOS and Windows do).
pub fn obsidian(sheets: &[Sheet], opts: &SheetOptions, generated: &str) -> Vec<(String, String)> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let mut tags: BTreeSet<String> = BTreeSet::from(["marginote".to_owned()]);
        for n in &sheet.file.notes {
            tags.extend(n.tags.iter().map(|t| anki_tag(t)).filter(|t| !t.is_empty()));
        }
        let tags: Vec<String> = tags.iter().map(|t| yaml_string(t)).collect();
        let mut text = format!(
            "---\ntitle: {}\nsource: {}\ntags: [{}]\nexported: {}\n---\n\n",
            yaml_string(sheet.title.trim()),
            yaml_string(sheet.document),
            tags.join(", "),
            yaml_string(generated),
        );
        let one = SheetOptions {
            group_by: export::GroupBy::Document,
            layout: opts.layout,
            links: opts.links.get(i..=i).unwrap_or(&[]),
            selection: opts.selection.clone(),
        };
        text.push_str(&export::markdown_with(
            std::slice::from_ref(sheet),
            &one,
            generated,
        ));
        let base = file_stem(sheet.title);
        let mut name = format!("{base}.md");
        let mut n = 2;
        while !taken.insert(name.to_lowercase()) {
            name = format!("{base} ({n}).md");
            n += 1;
        }
        out.push((name, text));
    }
    out
}

/// A YAML double-quoted scalar. JSON's string syntax is a subset of it,
/// so serde_json escapes correctly; controls were cleaned first anyway.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(&export::clean(s)).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A title as a file name: no path separators, characters Windows or
/// Obsidian links reject, controls, or leading dots; at most 80 chars.
fn file_stem(title: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in export::clean(title).chars() {
        let bad = c.is_control()
            || matches!(
                c,
                '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '^' | '[' | ']'
            )
            || c.is_whitespace();
        if bad {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    let trimmed: String = out
        .trim_start_matches(['.', ' '])
        .chars()
        .take(80)
        .collect();
    let trimmed = trimmed.trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        "notes".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Anchor, Highlight, Note, NotesFile};

    fn anchor(offset: usize, prefix: &str, exact: &str, suffix: &str) -> Anchor {
        Anchor {
            offset,
            exact: exact.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
            changed: false,
            status: crate::storage::Status::Exact,
            current: None,
            extra: toml::Table::new(),
        }
    }

    fn sample() -> NotesFile {
        let mut f = NotesFile::new("/r/terror.txt", "The Red Terror", "");
        f.notes.push(Note {
            session: None,
            id: "n1".into(),
            text: "Why \"September\"?\n\tSee <essay 5> & more, #exam".into(),
            tags: vec!["exam".into(), "big idea".into()],
            created: "2026-11-25T10:00:00+01:00".into(),
            updated: String::new(),
            anchor: Some(anchor(120, "by ", "the decree\tof 5 September", ".")),
            extra: toml::Table::new(),
        });
        f.highlights.push(Highlight {
            session: None,
            id: "h1".into(),
            created: "2026-11-25T09:30:00Z".into(),
            anchor: anchor(
                40,
                "The Cheka was ",
                "founded in December 1917",
                ", in Petrograd.",
            ),
            extra: toml::Table::new(),
        });
        f
    }

    fn sheet(f: &NotesFile) -> Sheet<'_> {
        Sheet {
            title: "The Red Terror",
            document: "/r/terror.txt",
            file: f,
            pages: &[],
        }
    }

    #[test]
    fn anki_lines_are_import_shaped() {
        let f = sample();
        let text = anki(&[sheet(&f)]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            &lines[..3],
            ["#separator:tab", "#html:true", "#tags column:3"]
        );
        assert_eq!(lines.len(), 5, "{text}");
        for line in &lines[3..] {
            assert_eq!(line.split('\t').count(), 3, "three columns: {line:?}");
        }
        assert_eq!(
            lines[3],
            "The Cheka was ____, in Petrograd.\tfounded in December 1917<br><br><small>— The Red Terror</small>\tmarginote"
        );
        let note: Vec<&str> = lines[4].split('\t').collect();
        assert_eq!(
            note[0],
            "Why &quot;September&quot;?<br>&#9;See &lt;essay 5&gt; &amp; more, #exam"
        );
        assert!(note[1].starts_with("the decree&#9;of 5 September<br>"));
        assert_eq!(note[2], "exam big_idea marginote");
    }

    /// From a Markdown document a highlight's card is written as the
    /// review shows it, its front too; a note's front is its words as
    /// typed, `*` and all.
    #[test]
    fn anki_cards_of_markdown_read_as_shown() {
        let mut f = sample();
        f.document = "/r/terror.md".into();
        f.highlights[0].anchor = anchor(40, "The *Cheka* was ", "founded", " in **1917**.");
        f.notes[0].text = "a *note* #exam".into();
        let md = Sheet {
            document: "/r/terror.md",
            ..sheet(&f)
        };
        let text = anki(&[md]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[3].starts_with("The Cheka was ____ in 1917.\tfounded<br>"),
            "{text}"
        );
        assert!(lines[4].starts_with("a *note* #exam\t"), "{text}");
    }

    #[test]
    fn readwise_csv_has_its_columns_and_quotes_properly() {
        let mut f = sample();
        // A note on the highlighted passage shares its row.
        f.notes.push(Note {
            session: None,
            id: "n2".into(),
            text: "Lenin's, not Trotsky's".into(),
            tags: Vec::new(),
            created: "2026-11-26T08:00:00Z".into(),
            updated: String::new(),
            anchor: Some(anchor(40, "", "founded in December 1917", "")),
            extra: toml::Table::new(),
        });
        let text = readwise_csv(&[sheet(&f)]);
        let rows: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(rows[0], "Highlight,Title,Author,URL,Note,Location,Date");
        assert_eq!(
            rows[1],
            "founded in December 1917,The Red Terror,,,\"Lenin's, not Trotsky's\",40,2026-11-26 08:00:00"
        );
        assert!(
            rows[2].starts_with(
                "the decree\tof 5 September,The Red Terror,,,\"Why \"\"September\"\"?\n"
            ),
            "{text}"
        );
        assert!(rows[2].ends_with(",120,2026-11-25 09:00:00"), "{text}");
        assert_eq!(rows.len(), 4, "header, two rows, final empty: {text:?}");
    }

    #[test]
    fn obsidian_files_have_front_matter_and_safe_unique_names() {
        let f = sample();
        let sheets = [
            Sheet {
                title: "../Lecture: \"Terror\"?\u{1b}",
                document: "/r/a.txt",
                file: &f,
                pages: &[],
            },
            Sheet {
                title: "../lecture: \"terror\"?\u{1b}",
                document: "/r/b.txt",
                file: &f,
                pages: &[],
            },
        ];
        let files = obsidian(&sheets, &SheetOptions::default(), "2026-12-04T09:00:00Z");
        assert_eq!(files[0].0, "Lecture Terror ␛.md");
        assert_eq!(files[1].0, "lecture terror ␛ (2).md");
        let text = &files[0].1;
        assert!(
            text.starts_with("---\ntitle: \"../Lecture: \\\"Terror\\\"?␛\"\n"),
            "{text}"
        );
        assert!(
            text.contains("tags: [\"big_idea\", \"exam\", \"marginote\"]\n"),
            "{text}"
        );
        assert!(text.contains("\n---\n\n# Study sheet: "), "{text}");
        assert!(!text.contains('\u{1b}'));
    }
}
