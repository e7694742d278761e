//! Sheets across readings: filtering by session, tag and time, sections
//! by tag and session, the Cornell layout and links.

use std::path::Path;

use super::super::export::{
    Filter, GroupBy, Layout, SessionProblem, Sheet, SheetOptions, markdown_with, resolve_sessions,
    session_names, time_bound,
};
use super::super::export_links::{DocLinks, doc_links};
use super::*;
use crate::storage::{Anchor, Bookmark, Highlight, Note, NotesFile, SessionMark};

fn anchor(offset: usize, exact: &str) -> Anchor {
    Anchor {
        offset,
        exact: exact.into(),
        prefix: "It began when ".into(),
        suffix: ", and went on.".into(),
        changed: false,
        status: Default::default(),
        current: None,
        extra: toml::Table::new(),
    }
}

fn mark(name: &str, elapsed: u64) -> Option<SessionMark> {
    Some(SessionMark {
        name: name.into(),
        elapsed,
        extra: toml::Table::new(),
    })
}

fn note(id: &str, text: &str, created: &str, at: Option<Anchor>, s: Option<SessionMark>) -> Note {
    Note {
        id: id.into(),
        text: text.into(),
        tags: crate::study::notes::tags(text),
        created: created.into(),
        updated: String::new(),
        anchor: at,
        session: s,
        extra: toml::Table::new(),
    }
}

/// Two documents; session S1 spans both, S2 has one entry; a bookmark
/// outside any session.
fn files() -> (NotesFile, NotesFile) {
    let mut a = NotesFile::new("/r/week one (draft).md", "Week One", "");
    a.notes.push(note(
        "n1",
        "Why 1918? The decree of 5 September. #exam #War",
        "2026-12-01T10:01:00+01:00",
        Some(anchor(200, "the decree")),
        mark("S1", 60),
    ));
    a.highlights.push(Highlight {
        id: "h1".into(),
        created: "2026-12-01T10:00:30+01:00".into(),
        anchor: anchor(100, "the Cheka was founded"),
        session: mark("S1", 30),
        extra: toml::Table::new(),
    });
    a.notes.push(note(
        "n0",
        "Lecture: terror as policy, not excess.",
        "2026-12-01T10:00:00+01:00",
        None,
        mark("S1", 5),
    ));
    a.notes.push(note(
        "n2",
        "Later thought #exam",
        "2026-12-03T09:00:00+01:00",
        Some(anchor(300, "later words")),
        mark("S2", 10),
    ));
    let mut b = NotesFile::new("/r/b.txt", "Week Two", "");
    b.notes.push(note(
        "n3",
        "Compare | pipes <b>bold</b> and a back\\slash\nsecond line",
        "2026-12-01T10:03:00+01:00",
        Some(anchor(10, "a | pipe in the text")),
        mark("S1", 180),
    ));
    b.bookmarks.push(Bookmark {
        id: "b1".into(),
        label: "start".into(),
        created: "2026-11-20T08:00:00+01:00".into(),
        anchor: anchor(0, "Week"),
        session: None,
        extra: toml::Table::new(),
    });
    (a, b)
}

fn sheets<'a>(a: &'a NotesFile, b: &'a NotesFile) -> Vec<Sheet<'a>> {
    vec![
        Sheet {
            title: "Week One",
            document: "/r/week one (draft).md",
            file: a,
            pages: &[],
        },
        Sheet {
            title: "Week Two",
            document: "/r/b.txt",
            file: b,
            pages: &[],
        },
    ]
}

fn ids(f: &NotesFile) -> Vec<&str> {
    let mut v: Vec<&str> = f
        .notes
        .iter()
        .map(|n| n.id.as_str())
        .chain(f.highlights.iter().map(|h| h.id.as_str()))
        .chain(f.bookmarks.iter().map(|b| b.id.as_str()))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn a_session_filter_keeps_its_entries_in_every_document() {
    let (a, b) = files();
    let f = Filter {
        sessions: vec!["S1".into()],
        ..Filter::default()
    };
    assert_eq!(ids(&f.apply(&a)), ["h1", "n0", "n1"]);
    assert_eq!(ids(&f.apply(&b)), ["n3"], "the bookmark has no session");
    let both = Filter {
        sessions: vec!["S1".into()],
        tags: vec!["#exam".into()],
        ..Filter::default()
    };
    assert_eq!(ids(&both.apply(&a)), ["n1"], "filters combine (AND)");
}

#[test]
fn session_names_come_in_time_order_and_resolve_by_name_or_prefix() {
    let (a, b) = files();
    let known = session_names([&b, &a]);
    assert_eq!(known, ["S1", "S2"], "by the first entry's time");
    let known: Vec<String> = ["History 101 · Mon", "History 101 · Wed", "Physics"]
        .map(String::from)
        .to_vec();
    let want =
        |w: &[&str]| resolve_sessions(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &known);
    assert_eq!(want(&["physics"]), Ok(vec!["Physics".to_owned()]));
    assert_eq!(want(&["phy"]), Ok(vec!["Physics".to_owned()]));
    assert_eq!(
        want(&["history 101 · w"]),
        Ok(vec!["History 101 · Wed".to_owned()])
    );
    assert_eq!(
        want(&["History"]),
        Err(SessionProblem::Ambiguous(
            "History".into(),
            known[..2].to_vec()
        ))
    );
    assert_eq!(want(&["History*"]), Ok(known[..2].to_vec()));
    assert_eq!(want(&["Chem"]), Err(SessionProblem::Unknown("Chem".into())));
    assert_eq!(want(&["Physics", "phys"]), Ok(vec!["Physics".to_owned()]));
}

#[test]
fn dates_are_inclusive_days_in_local_time_and_instants_in_rfc3339() {
    let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(1));
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    assert_eq!(
        time_bound("2026-12-01", false, &tz),
        Some(at("2026-12-01T00:00:00+01:00"))
    );
    let end = time_bound("2026-12-01", true, &tz).unwrap();
    assert!(end >= at("2026-12-01T23:59:59.999+01:00") && end < at("2026-12-02T00:00:00+01:00"));
    assert_eq!(
        time_bound("2026-12-01T10:30", false, &tz),
        Some(at("2026-12-01T09:30:00Z"))
    );
    assert_eq!(
        time_bound("2026-12-01T10:30:00-05:00", true, &tz),
        Some(at("2026-12-01T15:30:00Z"))
    );
    assert_eq!(time_bound("yesterday", false, &tz), None);
    assert_eq!(time_bound("2026-13-01", false, &tz), None);

    let mut f = NotesFile::new("/r/a.txt", "A", "");
    for (id, created) in [
        ("before", "2026-11-30T23:59:59+01:00"),
        ("first", "2026-12-01T00:00:00+01:00"),
        // The same day in local time (+01:00), written elsewhere.
        ("utc", "2026-12-01T22:30:00Z"),
        ("last", "2026-12-01T23:59:59+01:00"),
        ("after", "2026-12-02T00:00:00+01:00"),
        ("undated", ""),
    ] {
        f.notes.push(note(id, "x", created, None, None));
    }
    let day = Filter {
        since: time_bound("2026-12-01", false, &tz),
        until: time_bound("2026-12-01", true, &tz),
        ..Filter::default()
    };
    assert_eq!(ids(&day.apply(&f)), ["first", "last", "utc"]);
    let instant = Filter {
        until: time_bound("2026-12-01T00:00:00+01:00", true, &tz),
        ..Filter::default()
    };
    assert_eq!(
        ids(&instant.apply(&f)),
        ["before", "first"],
        "an RFC 3339 bound includes its own instant"
    );
}

#[test]
fn by_tag_puts_an_entry_under_each_of_its_tags_and_untagged_last() {
    let (a, b) = files();
    let sheets = sheets(&a, &b);
    let sections = by_tag(&sheets);
    let titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["#exam", "#War", "Untagged"]);
    let section_ids =
        |i: usize| -> Vec<&str> { sections[i].items.iter().map(|it| it.entry.id()).collect() };
    assert_eq!(section_ids(0), ["n1", "n2"]);
    assert_eq!(section_ids(1), ["n1"], "the two-tag note is under both");
    assert_eq!(
        section_ids(2),
        ["n0", "h1", "b1", "n3"],
        "by document, text order"
    );

    let md = markdown_with(
        &sheets,
        &SheetOptions {
            group_by: GroupBy::Tag,
            ..SheetOptions::default()
        },
        "now",
    );
    let exam = md.find("\n## #exam\n").expect("exam section");
    let war = md.find("\n## #War\n").expect("war section");
    let untagged = md.find("\n## Untagged\n").expect("untagged section");
    assert!(exam < war && war < untagged, "{md}");
    assert_eq!(md.matches("Why 1918?").count(), 2, "{md}");
    assert!(
        md.contains("### Note · Week One\n"),
        "entries name their document:\n{md}"
    );
    assert!(md.contains("*2 entries in Week One*"), "{md}");
}

#[test]
fn by_session_orders_sessions_by_time_and_entries_by_session_clock() {
    let (a, b) = files();
    let sheets = sheets(&a, &b);
    let sections = by_session(&sheets);
    let titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["S1", "S2", "Outside a session"]);
    let s1: Vec<&str> = sections[0].items.iter().map(|it| it.entry.id()).collect();
    assert_eq!(
        s1,
        ["n0", "h1", "n1", "n3"],
        "one lecture across two documents"
    );
    assert_eq!(
        sections[0].subtitle.as_deref(),
        Some("2026-12-01, 10:00–10:03 · 4 entries in 2 documents")
    );

    let md = markdown_with(
        &sheets,
        &SheetOptions {
            group_by: GroupBy::Session,
            ..SheetOptions::default()
        },
        "now",
    );
    assert!(md.contains("### Lecture note · Week One\n"), "{md}");
    assert!(md.contains("session “S1” at 3:00"), "{md}");
    assert!(
        md.find("\n## S2\n").unwrap() < md.find("\n## Outside a session\n").unwrap(),
        "{md}"
    );
}

/// The rows of each GFM table in `md`, as cell counts.
fn table_rows(md: &str) -> Vec<usize> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut cells = 0;
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::TableHead | Tag::TableRow) => cells = 0,
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => rows.push(cells),
            _ => {}
        }
    }
    rows
}

#[test]
fn cornell_sheets_are_valid_tables_with_cues_and_a_summary() {
    let (a, b) = files();
    let sheets = sheets(&a, &b);
    let links = vec![
        doc_links(Path::new("/r/week one (draft).md"), None),
        DocLinks {
            lines: [("n3".to_owned(), 7)].into_iter().collect(),
            ..doc_links(Path::new("/r/b.txt"), None)
        },
    ];
    let md = markdown_with(
        &sheets,
        &SheetOptions {
            layout: Layout::Cornell,
            links: &links,
            ..SheetOptions::default()
        },
        "now",
    );
    // Week One: head + n1, h1, n2; Week Two: head + n3, b1. Pipes, a
    // line break and a backslash in a cell did not add or break cells.
    assert_eq!(table_rows(&md), [2, 2, 2, 2, 2, 2, 2], "{md}");
    assert!(
        md.contains("| Why 1918? | “the decree”<br>The decree of 5 September. #exam #War<br>"),
        "the question is the cue, the rest of the note beside it:\n{md}"
    );
    assert!(
        md.contains(r"| It began when \_\_\_\_, and went on. |"),
        "a highlight's cue is its sentence with the words blanked:\n{md}"
    );
    assert!(
        md.contains(
            r"| Compare \| pipes \<b>bold\</b> and a back\\slash | “a \| pipe in the text”<br>second line<br>"
        ),
        "the first line is the cue, the rest beside the quote; no pipe, tag or backslash escapes:\n{md}"
    );
    assert!(md.contains(r"“a \| pipe in the text”"), "{md}");
    assert!(
        md.contains("[b.txt, line 7](file:///r/b.txt#L7)"),
        "the notes column links to the line:\n{md}"
    );
    let one = md.find("## Week One").unwrap();
    let two = md.find("## Week Two").unwrap();
    let summary = md[one..two].find("### Summary").expect("a summary") + one;
    assert!(
        md[summary..two].contains("Lecture: terror as policy, not excess."),
        "the lecture note is the summary:\n{md}"
    );
    assert!(
        md[two..].contains("### Summary\n\n*No lecture note here yet"),
        "room for a summary:\n{md}"
    );
}

#[test]
fn the_default_sheet_links_each_entry_and_keeps_one_document_as_it_was() {
    let (a, _) = files();
    let one = [Sheet {
        title: "Week One",
        document: "/r/week one (draft).md",
        file: &a,
        pages: &[],
    }];
    let mut links = vec![doc_links(Path::new("/r/week one (draft).md"), None)];
    links[0].lines.insert("n1".into(), 12);
    let md = markdown_with(
        &one,
        &SheetOptions {
            links: &links,
            ..SheetOptions::default()
        },
        "now",
    );
    assert!(md.starts_with("# Study sheet: Week One\n"), "{md}");
    assert!(
        md.contains("Source: [`/r/week one (draft).md`](file:///r/week%20one%20%28draft%29.md)"),
        "{md}"
    );
    assert!(
        md.contains("· [week one (draft).md, line 12](file:///r/week%20one%20%28draft%29.md#L12)"),
        "{md}"
    );
    assert!(md.contains("## Lecture note\n"), "{md}");
    assert!(md.contains("## Note\n"), "{md}");
}

#[test]
fn hostile_names_and_notes_reach_no_layout_as_controls_or_structure() {
    let mut f = NotesFile::new("/r/a.txt", "Title\n## fake heading\u{1b}[2J", "");
    f.notes.push(note(
        "n1",
        "cue?\u{7} | rest\r\nmore\u{9b}31m",
        "2026-12-01T10:00:00Z",
        Some(anchor(5, "quote\u{1b}]0;x\u{7}|")),
        mark("Lecture\n## fake heading\u{1b}", 1),
    ));
    f.notes[0].tags = vec!["ta\u{1b}g".into(), "x|y".into()];
    let sheets = [Sheet {
        title: "Title\n## fake heading\u{1b}[2J",
        document: "/r/a.txt",
        file: &f,
        pages: &[],
    }];
    for group_by in [GroupBy::Document, GroupBy::Tag, GroupBy::Session] {
        for layout in [Layout::Sheet, Layout::Cornell] {
            let md = markdown_with(
                &sheets,
                &SheetOptions {
                    group_by,
                    layout,
                    links: &[doc_links(Path::new("/r/a\u{1b}.txt"), None)],
                    selection: Some("session “x\u{1b}\n”".into()),
                },
                "now",
            );
            let how = format!("{group_by:?} {layout:?}");
            assert!(
                !md.chars().any(|c| c.is_control() && c != '\n'),
                "{how}: a control character reached the sheet:\n{md}"
            );
            assert!(
                !md.contains("\n## fake heading"),
                "{how}: a name made a heading:\n{md}"
            );
            if layout == Layout::Cornell {
                assert!(
                    table_rows(&md).iter().all(|&cells| cells == 2),
                    "{how}: {md}"
                );
            }
        }
    }
}

#[test]
fn a_cue_is_the_question_a_note_starts_with_or_its_first_line() {
    assert_eq!(split_cue("Why 1918? Because."), ("Why 1918?", "Because."));
    assert_eq!(split_cue("A plain note\nmore"), ("A plain note", "more"));
    assert_eq!(split_cue("One line"), ("One line", ""));
    let long = format!("{} end", "word ".repeat(30));
    let (cue, rest) = split_cue(&long);
    assert!(
        cue.chars().count() <= 100 && long.starts_with(cue),
        "{cue:?}"
    );
    assert_eq!(rest, long, "a cut cue keeps the whole note beside it");
    let wide = "é".repeat(150);
    let (cue, _) = split_cue(&wide);
    assert_eq!(cue.chars().count(), 100, "cut on a char boundary");
}
