//! `marginote export` across readings (issue 14), through the built
//! binary: `--session` across documents, `--group-by`, `--layout cornell`,
//! `--since`/`--until` at their boundaries, links to the documents, and
//! what happens when nothing matches. Each test writes two documents and
//! their notes files into its own temp dir.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The two readings: a Markdown file in a folder whose name has a space
/// and parentheses, and a text file.
const TERROR: &str = "The Red Terror\n\nThe Cheka was founded in December 1917, in Petrograd.\n\nThe decree of 5 September 1918 declared it.\n";
const KRONSTADT: &str = "Kronstadt\n\nThe sailors rose in March 1921.\nThey were crushed.\n";

struct Setup {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(tmp.path()).expect("canonical");
    let week = root.join("docs").join("Week (1)");
    std::fs::create_dir_all(&week).expect("folders");
    let terror = week.join("terror notes.md");
    let kron = root.join("docs").join("kronstadt.txt");
    std::fs::write(&terror, TERROR).expect("doc");
    std::fs::write(&kron, KRONSTADT).expect("doc");
    let data = root.join("data");
    std::fs::create_dir_all(data.join("notes")).expect("notes folder");
    let key = |p: &Path| toml::Value::String(p.to_string_lossy().into_owned()).to_string();
    let a = format!(
        r#"schema_version = 1
document = {}
title = "The Red Terror"

[[notes]]
id = "t-s1-note"
text = "Why September 1918? #exam #war"
tags = ["exam", "war"]
created = "2026-12-01T10:05:00Z"
session = {{ name = "S1", elapsed = 300 }}
[notes.anchor]
offset = 73
exact = "The decree of 5 September 1918"

[[notes]]
id = "t-s1-lecture"
text = "Lecture one: terror as policy"
created = "2026-12-01T10:00:00Z"
session = {{ name = "S1", elapsed = 5 }}

[[highlights]]
id = "t-s1-hl"
created = "2026-12-01T10:02:00Z"
session = {{ name = "S1", elapsed = 120 }}
[highlights.anchor]
offset = 31
exact = "founded in December 1917"
prefix = "The Cheka was "
suffix = ", in Petrograd."

[[notes]]
id = "t-s2-note"
text = "Second lecture on the Cheka #exam"
tags = ["exam"]
created = "2026-12-08T10:00:00Z"
session = {{ name = "S2", elapsed = 60 }}
[notes.anchor]
offset = 16
exact = "The Cheka"
"#,
        key(&terror)
    );
    let b = format!(
        r#"schema_version = 1
document = {}
title = "Kronstadt"

[[notes]]
id = "k-s1-note"
text = "Crushed by whom?"
created = "2026-12-01T23:59:59Z"
session = {{ name = "S1", elapsed = 3000 }}
[notes.anchor]
offset = 44
exact = "They were crushed."

[[notes]]
id = "k-s2-note"
text = "Sailors and soviets #war"
tags = ["war"]
created = "2026-12-02T00:00:00Z"
session = {{ name = "S2", elapsed = 10 }}
[notes.anchor]
offset = 11
exact = "The sailors rose"

[[bookmarks]]
id = "k-none"
label = "start"
created = "2026-11-20T08:00:00Z"
[bookmarks.anchor]
offset = 0
exact = "Kronstadt"
"#,
        key(&kron)
    );
    std::fs::write(data.join("notes").join("terror-1.toml"), a).expect("notes");
    std::fs::write(data.join("notes").join("kronstadt-2.toml"), b).expect("notes");
    Setup {
        _tmp: tmp,
        root,
        data,
    }
}

fn run(s: &Setup, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginote"))
        .args(args)
        .arg("--data-dir")
        .arg(&s.data)
        .env_remove("MARGINOTE_DATA_DIR")
        // Local time is UTC+1 (no summer time), so days are local days.
        .env("TZ", "XST-1")
        .current_dir(&s.root)
        .output()
        .expect("run marginote")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `md` without its "*Exported from marginote on …*" line: two runs a
/// moment apart may fall in different seconds.
fn without_export_time(md: &str) -> String {
    let kept: Vec<&str> = md
        .lines()
        .filter(|l| !l.starts_with("*Exported from marginote on "))
        .collect();
    assert!(kept.len() < md.lines().count(), "no export time in:\n{md}");
    kept.join("\n")
}

/// The entry texts (by a word each holds) found in `text`.
const S1: [&str; 4] = [
    "Why September 1918?",
    "Lecture one: terror as policy",
    "founded in December 1917",
    "Crushed by whom?",
];
const S2: [&str; 2] = ["Second lecture on the Cheka", "Sailors and soviets"];

#[test]
fn export_session_gives_exactly_that_sessions_entries_across_documents() {
    let s = setup();
    let md = stdout(&run(&s, &["export", "--session", "S1"]));
    for e in S1 {
        assert!(md.contains(e), "{e:?} missing:\n{md}");
    }
    for e in S2 {
        assert!(!md.contains(e), "{e:?} is from S2:\n{md}");
    }
    assert!(!md.contains("Bookmark"), "no session, not exported:\n{md}");
    assert!(
        md.contains("\n## The Red Terror\n") && md.contains("\n## Kronstadt\n"),
        "one section per document:\n{md}"
    );
    assert!(md.contains("*Selected: session “S1”*"), "{md}");
    // Case and a unique start of the name do as well.
    assert_eq!(
        without_export_time(&stdout(&run(&s, &["export", "--session", "s1"]))),
        without_export_time(&md)
    );

    // "S" starts both names: ambiguous, a usage error naming both.
    let out = run(&s, &["export", "--session", "S"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("“S1”, “S2”"), "{err}");
    // "S*" takes both.
    let both = stdout(&run(&s, &["export", "--session", "S*"]));
    assert!(S1.iter().chain(&S2).all(|e| both.contains(e)), "{both}");

    // No such session: nothing printed, exit 1, the sessions listed.
    let out = run(&s, &["export", "--session", "S3"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing to export") && err.contains("“S1”, “S2”"),
        "{err}"
    );
}

#[test]
fn group_by_tag_has_a_section_per_tag_and_untagged_last() {
    let s = setup();
    let md = stdout(&run(&s, &["export", "--group-by", "tag"]));
    let at = |h: &str| {
        md.find(&format!("\n## {h}\n"))
            .unwrap_or_else(|| panic!("no section {h}:\n{md}"))
    };
    let (exam, war, untagged) = (at("#exam"), at("#war"), at("Untagged"));
    assert!(exam < war && war < untagged, "{md}");
    let exam_part = &md[exam..war];
    let war_part = &md[war..untagged];
    assert!(exam_part.contains("Why September 1918?"), "{md}");
    assert!(
        war_part.contains("Why September 1918?"),
        "two tags, two sections"
    );
    assert!(war_part.contains("Sailors and soviets"));
    assert!(!exam_part.contains("Sailors and soviets"));
    assert!(md[untagged..].contains("Crushed by whom?"));
    assert!(
        md[untagged..].contains("Bookmark · Kronstadt: start"),
        "{md}"
    );

    // Sessions: in time order, then what was made outside one.
    let md = stdout(&run(&s, &["export", "--group-by", "session"]));
    let s1 = md.find("\n## S1\n").expect("S1");
    let s2 = md.find("\n## S2\n").expect("S2");
    let outside = md.find("\n## Outside a session\n").expect("outside");
    assert!(s1 < s2 && s2 < outside, "{md}");
    assert!(
        md[s1..s2].contains("*2026-12-01, 10:00–23:59 · 4 entries in 2 documents*"),
        "{md}"
    );
}

#[test]
fn export_anki_of_a_session_is_import_shaped() {
    let s = setup();
    let text = stdout(&run(&s, &["export", "--format", "anki", "--session", "S1"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..3],
        ["#separator:tab", "#html:true", "#tags column:3"],
        "{text}"
    );
    // The lecture note, the highlight and two notes: four cards.
    assert_eq!(lines.len(), 7, "{text}");
    for line in &lines[3..] {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "front, back, tags: {line:?}");
        assert!(fields.iter().all(|f| !f.is_empty()), "{line:?}");
    }
    assert!(S2.iter().all(|e| !text.contains(e)), "{text}");
    assert!(
        text.contains("Crushed by whom?\tThey were crushed."),
        "{text}"
    );

    // JSON and CSV take the same filter; JSON says the session.
    let js: serde_json::Value = serde_json::from_str(&stdout(&run(
        &s,
        &["export", "--format", "json", "--session", "S2"],
    )))
    .expect("JSON");
    let docs = js.as_array().expect("documents");
    assert_eq!(docs.len(), 2, "S2 has an entry in each document: {js}");
    for d in docs {
        let entries = d["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), 1, "{js}");
        assert_eq!(entries[0]["session"]["name"], "S2", "{js}");
    }
    let csv = stdout(&run(&s, &["export", "--format", "csv", "--session", "S2"]));
    assert_eq!(
        csv.matches("\r\n").count(),
        3,
        "header and two rows:\n{csv}"
    );

    // Obsidian: one note per document that has entries of the session,
    // in the Cornell layout when asked.
    let vault = s.root.join("vault");
    let out = run(
        &s,
        &[
            "export",
            "--format",
            "obsidian",
            "--layout",
            "cornell",
            "--session",
            "S1",
            "-o",
            &vault.to_string_lossy(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let note = std::fs::read_to_string(vault.join("Kronstadt.md")).expect("a note");
    assert!(
        note.starts_with("---\n") && note.contains("| Cue | Notes |"),
        "{note}"
    );
    assert!(
        note.contains("(../docs/kronstadt.txt#L4)"),
        "relative to the vault:\n{note}"
    );
    assert!(!note.contains("Sailors"), "{note}");

    // Group-by has no meaning for Anki: said, not ignored.
    let out = run(&s, &["export", "--format", "anki", "--group-by", "tag"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--group-by"));
}

#[test]
fn since_and_until_are_inclusive_local_days_and_instants() {
    let s = setup();
    // Local time is UTC+1: 2026-12-01T23:59:59Z is 00:59:59 on 2 December.
    let md = stdout(&run(&s, &["export", "--until", "2026-12-01"]));
    assert!(md.contains("Why September 1918?"), "{md}");
    assert!(
        !md.contains("Crushed by whom?"),
        "the 2nd, local time:\n{md}"
    );
    let md = stdout(&run(
        &s,
        &["export", "--since", "2026-12-02", "--until", "2026-12-02"],
    ));
    assert!(
        md.contains("Crushed by whom?") && md.contains("Sailors and soviets"),
        "{md}"
    );
    assert!(
        !md.contains("Why September") && !md.contains("Second lecture"),
        "{md}"
    );

    // An RFC 3339 bound is that instant, included at both ends.
    let at = "2026-12-01T23:59:59Z";
    let md = stdout(&run(&s, &["export", "--since", at, "--until", at]));
    assert!(md.contains("Crushed by whom?"), "{md}");
    assert!(
        !md.contains("Sailors and soviets"),
        "one second later:\n{md}"
    );
    // A time without offset is local.
    let md = stdout(&run(&s, &["export", "--since", "2026-12-02T01:00"]));
    assert!(
        md.contains("Sailors and soviets") && !md.contains("Crushed by whom?"),
        "{md}"
    );

    // Filters combine: S1 and the local 2nd.
    let md = stdout(&run(
        &s,
        &["export", "--session", "S1", "--since", "2026-12-02"],
    ));
    assert!(
        md.contains("Crushed by whom?") && !md.contains("Sailors"),
        "{md}"
    );

    // Nothing in range: nothing printed or written, exit 1.
    let target = s.root.join("empty.md");
    let out = run(
        &s,
        &[
            "export",
            "--since",
            "2027-01-01",
            "-o",
            &target.to_string_lossy(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty() && !target.exists());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no entries match since 2027-01-01"), "{err}");

    for bad in [
        ["export", "--since", "last week"],
        ["export", "--until", "2026-02-30"],
    ] {
        let out = run(&s, &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {out:?}");
    }
    let out = run(
        &s,
        &["export", "--since", "2026-12-03", "--until", "2026-12-02"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn cornell_sheet_with_links_relative_to_where_it_is_written() {
    let s = setup();
    let dir = s.root.join("revision (final)");
    std::fs::create_dir(&dir).expect("folder");
    let target = dir.join("cornell sheet.md");
    let out = run(
        &s,
        &[
            "export",
            "--layout",
            "cornell",
            "--session",
            "S1",
            "-o",
            &target.to_string_lossy(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let md = std::fs::read_to_string(&target).expect("written");
    assert!(md.contains("| Cue | Notes |\n| --- | --- |\n"), "{md}");
    assert!(
        md.contains("| Why September 1918? | “The decree of 5 September 1918”<br>#exam #war<br>"),
        "{md}"
    );
    assert!(
        md.contains("[terror notes.md, line 5](../docs/Week%20%281%29/terror%20notes.md#L5)"),
        "relative, encoded, with the line:\n{md}"
    );
    assert!(
        md.contains("[kronstadt.txt, line 4](../docs/kronstadt.txt#L4)"),
        "{md}"
    );
    let summary = md.find("### Summary").expect("summary");
    assert!(
        md[summary..].contains("Lecture one: terror as policy"),
        "{md}"
    );

    // Printed, the links are absolute file:// URLs.
    let md = stdout(&run(&s, &["export", "--session", "S1"]));
    let url = format!(
        "file://{}/docs/Week%20%281%29/terror%20notes.md#L3",
        s.root.to_string_lossy()
    );
    assert!(md.contains(&format!("line 3]({url})")), "{url}\n{md}");

    let help = stdout(&run(&s, &["export", "--help"]));
    for flag in [
        "--session",
        "--group-by",
        "--layout",
        "--since",
        "Examples:",
    ] {
        assert!(help.contains(flag), "{flag} not in --help:\n{help}");
    }
}

/// A notes file naming `doc`, with one note tagged `#orders` on `exact`.
fn notes_on(doc: &Path, exact: &str, text: &str) -> String {
    let body = std::fs::read_to_string(doc).expect("document");
    let offset = body.find(exact).expect("the quote is in the document");
    let key = toml::Value::String(doc.to_string_lossy().into_owned());
    format!(
        "schema_version = 1\ndocument = {key}\ntitle = \"A copy\"\n\n[[notes]]\nid = \"n-copy\"\ntext = \"{text} #orders\"\ntags = [\"orders\"]\ncreated = \"2026-12-07T09:00:00Z\"\n[notes.anchor]\noffset = {offset}\nexact = {}\n",
        toml::Value::String(exact.to_string())
    )
}

/// A document is named by its file name (with or without its extension)
/// wherever it lies: the one whose notes file remembers it, before a
/// bundled essay of the same name. A student reading a copy of the essays
/// (`marginote ~/course`) exported `05-the-great-terror.md --tag orders`
/// and got "nothing to export": the bundled essay, with no notes, had
/// been taken. Two documents with notes under one name are an error that
/// names both; each is still exported by its path.
#[test]
fn a_file_name_names_the_document_with_notes_before_a_bundled_essay() {
    let s = setup();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("essays/05-the-great-terror.md");
    let essay = std::fs::read_to_string(&bundled).expect("bundled essay");
    let quote = "The answers were turned into NKVD Order";
    let course = s.root.join("course");
    std::fs::create_dir(&course).expect("folder");
    let copy = course.join("05-the-great-terror.md");
    std::fs::write(&copy, &essay).expect("copy");
    let notes = s.data.join("notes");
    std::fs::write(
        notes.join("copy.toml"),
        notes_on(&copy, quote, "the quotas"),
    )
    .expect("notes");

    for name in ["05-the-great-terror.md", "05-THE-GREAT-TERROR"] {
        let md = stdout(&run(&s, &["export", name, "--tag", "orders"]));
        assert!(md.contains("the quotas #orders"), "{name}:\n{md}");
        assert!(md.contains(&format!("> {quote}")), "{md}");
        assert!(
            md.contains("course/05-the-great-terror.md"),
            "the copy's:\n{md}"
        );
    }
    // A document outside the working folder, by its name alone.
    let md = stdout(&run(&s, &["export", "kronstadt.txt"]));
    assert!(md.contains("Crushed by whom?"), "{md}");

    let other = s.root.join("other");
    std::fs::create_dir(&other).expect("folder");
    let second = other.join("05-the-great-terror.md");
    std::fs::write(&second, &essay).expect("second copy");
    std::fs::write(notes.join("second.toml"), notes_on(&second, quote, "again")).expect("notes");
    let out = run(&s, &["export", "05-the-great-terror.md"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names 2 documents with notes"), "{err}");
    assert!(
        err.contains(&*copy.to_string_lossy()) && err.contains(&*second.to_string_lossy()),
        "{err}"
    );
    let md = stdout(&run(&s, &["export", &second.to_string_lossy()]));
    assert!(
        md.contains("again #orders") && !md.contains("the quotas"),
        "{md}"
    );
}
