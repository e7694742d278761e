//! The study sheet across readings (issue 14): sections by tag or by
//! lecture session, and the Cornell layout.
//!
//! A Cornell sheet is a two-column table (cue · notes) followed by a
//! summary. It is written as a GFM table, which GitHub, GitLab, Obsidian,
//! VS Code, Typora and pandoc draw as a table and which still reads as
//! columns in a plain text editor. A table cell holds one line of inline
//! Markdown, so line breaks become `<br>` (which those viewers render),
//! pipes are escaped as `\|` and backslashes and `<` are escaped, so no
//! text can end a cell, start a row or open HTML. The summary, which may
//! be long, is ordinary paragraphs under its own heading.

use std::collections::BTreeMap;

use super::export::{
    Entry, Item, Section, Sheet, clean, clock, footer, heading_text, item_link, quote_of,
    session_names,
};
use super::export_links::{DocLinks, escape_inline, link_text};
use super::review::cards::highlight_front_shown;

/// Every entry of the sheets, document by document, in text order.
fn all_items<'a>(sheets: &[Sheet<'a>]) -> Vec<Item<'a>> {
    sheets
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            super::export::entries(s.file)
                .into_iter()
                .map(move |entry| Item { sheet: i, entry })
        })
        .collect()
}

/// One section per tag (any case counts as one tag; sections sorted by
/// name), then the entries with no tag.
pub(crate) fn by_tag<'a>(sheets: &[Sheet<'a>]) -> Vec<Section<'a>> {
    let mut tags: BTreeMap<String, Section<'a>> = BTreeMap::new();
    let mut untagged = Vec::new();
    for item in all_items(sheets) {
        let mut seen: Vec<String> = Vec::new();
        for tag in item.entry.tags() {
            let key = tag.to_lowercase();
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            tags.entry(key)
                .or_insert_with(|| Section {
                    title: format!("#{tag}"),
                    subtitle: None,
                    items: Vec::new(),
                })
                .items
                .push(item);
        }
        if seen.is_empty() {
            untagged.push(item);
        }
    }
    let mut out: Vec<Section> = tags.into_values().collect();
    if !untagged.is_empty() {
        out.push(Section {
            title: "Untagged".to_owned(),
            subtitle: None,
            items: untagged,
        });
    }
    for s in &mut out {
        s.subtitle = Some(count_line(sheets, &s.items));
    }
    out
}

/// One section per lecture session, in the order the sessions were held,
/// entries in the order they were made (session clock, then time); then
/// the entries made outside any session.
pub(crate) fn by_session<'a>(sheets: &[Sheet<'a>]) -> Vec<Section<'a>> {
    let names = session_names(sheets.iter().map(|s| s.file));
    let mut sections: Vec<Section<'a>> = names
        .iter()
        .map(|n| Section {
            title: n.clone(),
            subtitle: None,
            items: Vec::new(),
        })
        .collect();
    let mut outside = Vec::new();
    for item in all_items(sheets) {
        match item
            .entry
            .session()
            .and_then(|s| names.iter().position(|n| *n == s.name))
        {
            Some(i) => sections[i].items.push(item),
            None => outside.push(item),
        }
    }
    for s in &mut sections {
        s.items.sort_by_key(|it| {
            (
                it.entry.session().map_or(0, |m| m.elapsed),
                it.entry.created().parse::<jiff::Timestamp>().ok(),
            )
        });
        let when = session_when(&s.items);
        let count = count_line(sheets, &s.items);
        s.subtitle = Some(match when {
            Some(w) => format!("{w} · {count}"),
            None => count,
        });
    }
    if !outside.is_empty() {
        let count = count_line(sheets, &outside);
        sections.push(Section {
            title: "Outside a session".to_owned(),
            subtitle: Some(count),
            items: outside,
        });
    }
    sections
}

/// When a session was held, from its entries' times as written (local
/// time where they were made): `2026-12-04, 10:02–10:55`.
fn session_when(items: &[Item]) -> Option<String> {
    let mut stamps: Vec<(jiff::Timestamp, &str)> = items
        .iter()
        .filter_map(|it| {
            let c = it.entry.created();
            c.parse::<jiff::Timestamp>().ok().map(|t| (t, c))
        })
        .collect();
    stamps.sort_by_key(|(t, _)| *t);
    let (first, last) = (stamps.first()?.1, stamps.last()?.1);
    let day = first.get(..10)?;
    let from = first.get(11..16)?;
    let to = last.get(11..16)?;
    let last_day = last.get(..10)?;
    Some(if last_day != day {
        format!("{day} {from} – {last_day} {to}")
    } else if from == to {
        format!("{day}, {from}")
    } else {
        format!("{day}, {from}–{to}")
    })
}

/// `3 entries in 2 documents`.
fn count_line(sheets: &[Sheet], items: &[Item]) -> String {
    let mut docs: Vec<usize> = items.iter().map(|i| i.sheet).collect();
    docs.dedup();
    docs.sort_unstable();
    docs.dedup();
    let n = items.len();
    let entries = if n == 1 { "entry" } else { "entries" };
    match docs.as_slice() {
        [one] => format!(
            "{n} {entries} in {}",
            escape_inline(&heading_text(sheets[*one].title))
        ),
        many => format!("{n} {entries} in {} documents", many.len()),
    }
}

/// The Cornell sheet of a section: a cue · notes row per entry on a
/// passage, then the summary: the section's lecture notes (notes on the
/// whole document), or room to write one.
pub(crate) fn cornell(
    out: &mut String,
    sheets: &[Sheet],
    links: &[DocLinks],
    section: &Section,
    level: usize,
) {
    let rows: Vec<&Item> = section
        .items
        .iter()
        .filter(|i| !i.entry.is_document_note())
        .collect();
    let across = section
        .items
        .iter()
        .any(|i| i.sheet != section.items.first().map_or(0, |f| f.sheet));
    if !rows.is_empty() {
        out.push_str("\n| Cue | Notes |\n| --- | --- |\n");
        for item in rows {
            let (cue, notes) = cornell_row(sheets, links, item, across, &section.title);
            out.push_str(&format!("| {cue} | {notes} |\n"));
        }
    }
    let hashes = "#".repeat(level);
    out.push_str(&format!("\n{hashes} Summary\n"));
    let lecture: Vec<&Item> = section
        .items
        .iter()
        .filter(|i| i.entry.is_document_note())
        .collect();
    if lecture.is_empty() {
        out.push_str("\n*No lecture note here yet: write your summary of this section here.*\n");
    }
    for item in lecture {
        if let Entry::Note(n) = item.entry {
            if across {
                out.push_str(&format!(
                    "\n**{}**\n",
                    escape_inline(&heading_text(sheets[item.sheet].title))
                ));
            }
            out.push('\n');
            out.push_str(clean(&n.text).trim());
            out.push_str("\n\n");
            out.push_str(&footer(sheets, links, item));
            out.push('\n');
        }
    }
}

/// The cue cell and the notes cell of one entry on a passage (`section`
/// is the section's title: a session's section does not repeat its name
/// in each row).
fn cornell_row(
    sheets: &[Sheet],
    links: &[DocLinks],
    item: &Item,
    across: bool,
    section: &str,
) -> (String, String) {
    let sheet = &sheets[item.sheet];
    let mut notes: Vec<String> = Vec::new();
    if across {
        notes.push(format!("**{}**", escape_inline(&heading_text(sheet.title))));
    }
    if let Some(a) = item.entry.anchor() {
        notes.push(format!("“{}”", document_cell(&quote_of(sheet, a))));
    }
    let cue = match item.entry {
        Entry::Note(n) => {
            let text = clean(&n.text);
            let text = text.trim();
            let (cue, rest) = split_cue(text);
            if !rest.is_empty() {
                notes.push(note_cell(rest));
            }
            let mut cue = note_cell(cue);
            let missing: Vec<String> = n
                .tags
                .iter()
                .filter(|t| {
                    !text
                        .to_lowercase()
                        .contains(&format!("#{}", t.to_lowercase()))
                })
                .map(|t| escape_inline(&format!("#{}", clean(t))))
                .collect();
            if !missing.is_empty() {
                cue.push_str("<br>");
                cue.push_str(&missing.join(" "));
            }
            cue
        }
        Entry::Highlight(h) => {
            document_cell(&cap(&highlight_front_shown(sheet.document, &h.anchor), 160))
        }
        Entry::Bookmark(b) if !b.label.trim().is_empty() => link_text(&b.label),
        Entry::Bookmark(_) => "Bookmark".to_owned(),
    };
    if let Some(a) = item.entry.anchor()
        && a.effective_status() != crate::storage::Status::Exact
    {
        notes.push(format!("*({})*", a.effective_status().name()));
    }
    let mut tail: Vec<String> = Vec::new();
    match item.entry.session() {
        Some(s) if s.name == section => tail.push(format!("at {}", clock(s.elapsed))),
        Some(s) => tail.push(format!(
            "session “{}” at {}",
            link_text(&s.name),
            clock(s.elapsed)
        )),
        None => {}
    }
    tail.extend(item_link(sheets, links, item));
    if !tail.is_empty() {
        notes.push(tail.join(" · "));
    }
    (cue, notes.join("<br>"))
}

/// A note's cue: its first line, up to its first question mark if it
/// asks one, at most 100 characters; and the rest of the note.
fn split_cue(text: &str) -> (&str, &str) {
    let first = text.lines().next().unwrap_or("");
    let end = first.find('?').map_or(first.len(), |q| q + 1);
    let cue = &first[..end];
    if cue.chars().count() > 100 {
        // Too long to be a cue: the start of it, and the whole note beside.
        let cut = cue.char_indices().nth(100).map_or(cue.len(), |(i, _)| i);
        let cut = cue[..cut].rfind(' ').filter(|&i| i > 0).unwrap_or(cut);
        return (&text[..cut], text);
    }
    (cue, text[end..].trim())
}

/// At most `n` characters, with `…` when cut.
fn cap(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Document text in a cell: all Markdown punctuation escaped, lines
/// joined with `<br>`.
fn document_cell(text: &str) -> String {
    cell_lines(text, escape_inline)
}

/// The user's words in a cell: their Markdown kept, but no pipe, `<` or
/// backslash can break the table; lines joined with `<br>`.
fn note_cell(text: &str) -> String {
    cell_lines(text, |l| {
        let mut out = String::with_capacity(l.len());
        for c in l.chars() {
            if matches!(c, '\\' | '|' | '<') {
                out.push('\\');
            }
            out.push(c);
        }
        out
    })
}

fn cell_lines(text: &str, escape: impl Fn(&str) -> String) -> String {
    let cleaned = clean(text).replace('\t', " ");
    let lines: Vec<String> = cleaned
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(escape)
        .collect();
    lines.join("<br>")
}

#[cfg(test)]
#[path = "export_layout_tests.rs"]
mod tests;
