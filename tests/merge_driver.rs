//! `marginote merge-notes` as a real git merge driver (issue 14, "notes
//! travel"): two clones of a data folder each add, edit and delete notes
//! and answer reviews; `git merge` with the driver configured must finish
//! without a conflict, with the union of the entries, the deletes kept,
//! and no conflict markers. Skips (loudly) when git is not installed.

use std::path::Path;
use std::process::{Command, Output};

use marginote::storage::NotesFile;

const NOTES: &str = "notes/lecture-0000000000000001.toml";

fn git(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // Hermetic: no user or system git configuration.
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output();
    match output {
        Ok(o) => o,
        Err(e) => panic!("git {args:?} could not run: {e}"),
    }
}

#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let o = git(dir, args);
    assert!(
        o.status.success(),
        "git {args:?} failed in {}:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn configure(repo: &Path) {
    ok(repo, &["config", "user.name", "Student"]);
    ok(repo, &["config", "user.email", "student@example.invalid"]);
    ok(repo, &["config", "commit.gpgsign", "false"]);
    let bin = env!("CARGO_BIN_EXE_marginote");
    ok(
        repo,
        &["config", "merge.marginote.name", "marginote notes merge"],
    );
    let driver = format!("'{bin}' merge-notes %O %A %B %P");
    ok(repo, &["config", "merge.marginote.driver", &driver]);
}

fn note(id: &str, text: &str, updated: &str, offset: usize) -> String {
    format!(
        "[[notes]]\nid = \"{id}\"\ntext = \"{text}\"\ncreated = \"2026-12-01T09:00:00Z\"\nupdated = \"{updated}\"\n\n[notes.anchor]\noffset = {offset}\nexact = \"passage {id}\"\n\n"
    )
}

fn notes_file(deleted: &[&str], notes: &[String]) -> String {
    let deleted: Vec<String> = deleted.iter().map(|d| format!("\"{d}\"")).collect();
    format!(
        "schema_version = 1\ndocument = \"/lectures/one.md\"\ntitle = \"Lecture one\"\nfrom_a_newer_build = \"keep me\"\ndeleted = [{}]\n\n{}",
        deleted.join(", "),
        notes.concat()
    )
}

fn review(id: &str, card: &str, at: &str, rating: u8) -> String {
    format!("\n[[review]]\nid = \"{id}\"\ncard = \"{card}\"\nat = \"{at}\"\nrating = {rating}\n")
}

fn session(id: &str, name: &str, ended: Option<&str>, updated: &str) -> String {
    let ended = ended
        .map(|e| format!("ended = \"{e}\"\n"))
        .unwrap_or_default();
    format!(
        "[[sessions]]\nid = \"{id}\"\nname = \"{name}\"\nstarted = \"2026-12-01T09:00:00Z\"\n{ended}elapsed = 1800\nupdated = \"{updated}\"\n"
    )
}

fn write(repo: &Path, path: &str, text: &str) {
    let path = repo.join(path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create folder");
    }
    std::fs::write(path, text).expect("write");
}

#[test]
fn two_clones_merge_through_git_with_the_driver() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("SKIPPED two_clones_merge_through_git_with_the_driver: git is not installed");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let laptop = tmp.path().join("laptop");
    std::fs::create_dir_all(&laptop).expect("folder");
    ok(&laptop, &["init", "-q"]);
    configure(&laptop);
    write(
        &laptop,
        ".gitattributes",
        // One pattern per line: on a shared line the later names would be
        // read as attributes, not patterns.
        "notes/*.toml merge=marginote\nstate.toml merge=marginote\nreview-log.toml merge=marginote\nsessions.toml merge=marginote\n",
    );
    let t0 = "2026-12-01T09:00:00Z";
    let base_notes = [
        note("n1", "first", t0, 10),
        note("n2", "to be deleted on the laptop", t0, 20),
        note("n3", "edited on the desktop", t0, 30),
    ];
    write(&laptop, NOTES, &notes_file(&[], &base_notes));
    let base_log = format!(
        "schema_version = 1\n{}",
        review("r1", "n1", "2026-12-01T10:00:00Z", 3)
    );
    write(&laptop, "review-log.toml", &base_log);
    let base_sessions = format!("schema_version = 1\n{}", session("s1", "Week 1", None, t0));
    write(&laptop, "sessions.toml", &base_sessions);
    ok(&laptop, &["add", "-A"]);
    ok(&laptop, &["commit", "-q", "-m", "start"]);

    let desktop = tmp.path().join("desktop");
    ok(tmp.path(), &["clone", "-q", "laptop", "desktop"]);
    configure(&desktop);

    // Laptop: edit n1, delete n2 (with its tombstone), add n4, answer.
    let laptop_notes = [
        note(
            "n1",
            "first, edited on the laptop",
            "2026-12-02T09:00:00Z",
            10,
        ),
        base_notes[2].clone(),
        note("n4", "added on the laptop", t0, 40),
    ];
    write(&laptop, NOTES, &notes_file(&["n2"], &laptop_notes));
    // The laptop rated n1, took that rating back (a wrong key: an undo
    // record naming it), and rated it again.
    let laptop_log = base_log.clone()
        + &review("r2", "n1", "2026-12-02T10:00:00Z", 1)
        + "\n[[review]]\nid = \"u2\"\ncard = \"n1\"\nat = \"2026-12-02T10:00:05Z\"\nundoes = \"r2\"\n"
        + &review("r4", "n1", "2026-12-02T10:00:09Z", 4);
    write(&laptop, "review-log.toml", &laptop_log);
    let laptop_sessions = base_sessions.clone() + &session("s2", "Week 2", None, t0);
    write(&laptop, "sessions.toml", &laptop_sessions);
    ok(&laptop, &["commit", "-q", "-a", "-m", "laptop"]);

    // Desktop: edit n3, add n6, answer another card; it also carries the
    // tombstone of a note it made and deleted before (n5).
    let desktop_notes = [
        base_notes[0].clone(),
        base_notes[1].clone(),
        note(
            "n3",
            "edited on the desktop, later",
            "2026-12-03T09:00:00Z",
            30,
        ),
        note("n6", "added on the desktop", t0, 5),
    ];
    write(&desktop, NOTES, &notes_file(&["n5"], &desktop_notes));
    let desktop_log = base_log + &review("r3", "n3", "2026-12-03T10:00:00Z", 1);
    write(&desktop, "review-log.toml", &desktop_log);
    // The desktop ended Week 1 (a later update of the same session).
    let desktop_sessions = format!(
        "schema_version = 1\n{}",
        session(
            "s1",
            "Week 1",
            Some("2026-12-01T10:30:00Z"),
            "2026-12-01T10:30:00Z"
        )
    );
    write(&desktop, "sessions.toml", &desktop_sessions);
    ok(&desktop, &["commit", "-q", "-a", "-m", "desktop"]);

    let branch = ok(&laptop, &["rev-parse", "--abbrev-ref", "HEAD"]);
    ok(&desktop, &["fetch", "-q", "origin"]);
    let merge = git(
        &desktop,
        &["merge", "--no-edit", &format!("origin/{}", branch.trim())],
    );
    assert!(
        merge.status.success(),
        "git merge reported a conflict:\n{}{}",
        String::from_utf8_lossy(&merge.stdout),
        String::from_utf8_lossy(&merge.stderr)
    );

    let merged = std::fs::read_to_string(desktop.join(NOTES)).expect("merged notes");
    assert!(
        !merged.contains("<<<<<<<") && !merged.contains(">>>>>>>"),
        "conflict markers:\n{merged}"
    );
    let file: NotesFile = toml::from_str(&merged).expect("the merged notes load");
    let notes: Vec<(&str, &str)> = file
        .notes
        .iter()
        .map(|n| (n.id.as_str(), n.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            ("n6", "added on the desktop"),
            ("n1", "first, edited on the laptop"),
            ("n3", "edited on the desktop, later"),
            ("n4", "added on the laptop"),
        ],
        "union of adds and edits, the laptop's delete kept:\n{merged}"
    );
    assert_eq!(file.deleted, ["n2", "n5"], "tombstones of both sides");
    assert_eq!(
        file.extra
            .get("from_a_newer_build")
            .and_then(|v| v.as_str()),
        Some("keep me"),
        "unknown fields survive (N8)"
    );

    let log = std::fs::read_to_string(desktop.join("review-log.toml")).expect("merged log");
    assert!(!log.contains("<<<<<<<"), "conflict markers:\n{log}");
    let loaded = marginote::study::review::log::parse("review-log.toml", &log).expect("log");
    let ids: Vec<&str> = loaded.log.reviews.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["r1", "r2", "u2", "r4", "r3"],
        "union of reviews, the undo kept:\n{log}"
    );
    assert!(loaded.problems.is_empty());
    let merged = marginote::study::review::Schedule::replay(&loaded.log.reviews);
    let kept: Vec<_> = loaded
        .log
        .reviews
        .iter()
        .filter(|r| r.id != "r2" && r.id != "u2")
        .cloned()
        .collect();
    let without = marginote::study::review::Schedule::replay(&kept);
    assert_eq!(
        merged.state("n1"),
        without.state("n1"),
        "the rating taken back on the laptop stays taken back"
    );
    let sessions = std::fs::read_to_string(desktop.join("sessions.toml")).expect("sessions");
    assert!(
        !sessions.contains("<<<<<<<"),
        "conflict markers:\n{sessions}"
    );
    let sessions: marginote::storage::SessionsFile =
        toml::from_str(&sessions).expect("the merged sessions load");
    let got: Vec<(&str, Option<&str>)> = sessions
        .sessions
        .iter()
        .map(|s| (s.id.as_str(), s.ended.as_deref()))
        .collect();
    assert_eq!(
        got,
        [("s1", Some("2026-12-01T10:30:00Z")), ("s2", None)],
        "both sessions, Week 1 ended as the desktop said"
    );
    let status = ok(&desktop, &["status", "--porcelain"]);
    assert!(status.trim().is_empty(), "clean after the merge: {status}");
}

#[test]
fn an_unparseable_side_fails_and_leaves_ours_untouched() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (base, ours, theirs) = (
        tmp.path().join("base"),
        tmp.path().join("ours"),
        tmp.path().join("theirs"),
    );
    let good = notes_file(&[], &[note("n1", "x", "2026-12-01T09:00:00Z", 1)]);
    std::fs::write(&base, &good).expect("write");
    std::fs::write(&ours, &good).expect("write");
    std::fs::write(&theirs, "schema_version = = 1\n\u{1b}]0;x\u{7}").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_marginote"))
        .arg("merge-notes")
        .args([&base, &ours, &theirs])
        .output()
        .expect("run");
    assert!(!out.status.success(), "must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("their (THEIRS) version") && err.contains("OURS left as it was"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "sanitised: {err:?}");
    assert_eq!(std::fs::read_to_string(&ours).expect("read"), good);
}
