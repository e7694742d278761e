//! `marginote export`: the study sheet of one or more documents, printed
//! or written to a file, without opening the terminal interface.

use std::path::PathBuf;

use anyhow::Context as _;

use super::{jobs, now};
use crate::library;
use crate::storage::{self, DataDir, LoadOutcome, Store};
use crate::study::export;
use crate::study::export_links::DocLinks;
use crate::text::sanitize;

/// What `marginote export` was asked for.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Documents to export (paths, file names or titles); none means
    /// every document with notes.
    pub files: Vec<PathBuf>,
    pub json: bool,
    /// Anki, CSV or Obsidian instead of the study sheet (issue 14).
    pub tool: Option<super::ToolFormat>,
    /// Write here (atomically) instead of printing.
    pub output: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub tags: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub kinds: Vec<String>,
    pub statuses: Vec<String>,
    /// `--session`: names (or starts of names) of lecture sessions.
    pub sessions: Vec<String>,
    pub group_by: export::GroupBy,
    pub layout: export::Layout,
}

/// Exit code for a command line that names something that is not there
/// (an unknown document, a bad date): as clap does for bad arguments.
const USAGE_ERROR: i32 = 2;

/// Exit code when nothing matches the filters (as grep does): nothing is
/// printed or written, and stderr says why.
const NOTHING_TO_EXPORT: i32 = 1;

/// `marginote export`: the study sheet on stdout or in a file.
pub fn export_cli(opts: ExportOptions) -> anyhow::Result<i32> {
    let tz = super::local_zone().clone();
    let checked = layout_problem(&opts).map_or_else(|| export_filter(&opts, &tz), Err);
    let mut filter = match checked {
        Ok(f) => f,
        Err(msg) => {
            eprintln!("marginote: {}", sanitize::sanitize_line(&msg, 300));
            return Ok(USAGE_ERROR);
        }
    };
    let data = DataDir::resolve(
        opts.data_dir.clone(),
        std::env::var_os(storage::DATA_DIR_ENV),
    )?;
    let store = Store::new();
    // Every notes file: for an export of all documents, and to look
    // sessions up (a session's name means the same whichever documents
    // are exported).
    let all_files = if opts.files.is_empty() || !opts.sessions.is_empty() {
        jobs::notes_files(&data, &store)
    } else {
        Vec::new()
    };
    let known_sessions = if opts.sessions.is_empty() {
        Vec::new()
    } else {
        export::session_names(all_files.iter().map(|(_, f)| f))
    };
    let mut docs: Vec<(String, String, storage::NotesFile)> = Vec::new();
    if opts.files.is_empty() {
        // Moved, not copied: a big notes file is held once.
        for (_, f) in all_files {
            if f.entry_count() > 0 {
                let title = if f.title.is_empty() {
                    f.document.clone()
                } else {
                    f.title.clone()
                };
                docs.push((title, f.document.clone(), f));
            }
        }
    } else {
        for named in &opts.files {
            let (e, found_by) = match export_document(&data, &store, named) {
                Ok(Some(found)) => found,
                Ok(None) => {
                    eprintln!(
                        "marginote: {}: no such document (not a file, the file name of a document with notes or of a bundled essay, or a title)",
                        sanitize::sanitize_line(&named.display().to_string(), 200)
                    );
                    return Ok(USAGE_ERROR);
                }
                Err(msg) => {
                    eprintln!("marginote: {msg}");
                    return Ok(USAGE_ERROR);
                }
            };
            let file = match found_by {
                Some(f) => f,
                None => match store.load_notes(&data.notes_path(&e.key, &e.name)) {
                    LoadOutcome::Loaded(f) => f,
                    // Not where its name puts it (renamed, or written by
                    // another machine): the notes file naming the document.
                    LoadOutcome::Missing => jobs::notes_files(&data, &store)
                        .into_iter()
                        .map(|(_, f)| f)
                        .find(|f| f.document == e.key && f.entry_count() > 0)
                        .unwrap_or_else(|| storage::NotesFile::new(e.key.clone(), "", "")),
                    LoadOutcome::Unreadable { problem } => anyhow::bail!("{problem}"),
                },
            };
            let title = library::summarize_entry(&e.source, e.format)
                .ok()
                .and_then(|(s, _)| s.title)
                .unwrap_or_else(|| e.name.clone());
            docs.push((title, e.key.clone(), file));
        }
    }
    if !opts.sessions.is_empty() {
        let known = known_sessions;
        match export::resolve_sessions(&opts.sessions, &known) {
            Ok(names) => filter.sessions = names,
            Err(export::SessionProblem::Unknown(name)) => {
                let list = if known.is_empty() {
                    "; no entry was made in a session yet".to_owned()
                } else {
                    format!("; sessions with entries: {}", quoted_list(&known))
                };
                eprintln!(
                    "marginote: nothing to export: no entry was made in a session named “{}”{}",
                    sanitize::sanitize_line(&name, 100),
                    sanitize::sanitize_line(&list, 600)
                );
                return Ok(NOTHING_TO_EXPORT);
            }
            Err(export::SessionProblem::Ambiguous(name, many)) => {
                eprintln!(
                    "marginote: --session {} could be any of {}: give more of the name, repeat --session for several, or end it with * for all of them",
                    sanitize::sanitize_line(&name, 100),
                    sanitize::sanitize_line(&quoted_list(&many), 600)
                );
                return Ok(USAGE_ERROR);
            }
        }
    }
    let looked_at: usize = docs.iter().map(|(_, _, f)| f.entry_count()).sum();
    let searched = docs.len();
    if !filter.is_empty() {
        for (_, _, file) in &mut docs {
            *file = filter.apply(file);
        }
        // A document with nothing left is not part of the export (no
        // empty Obsidian note, no empty section).
        docs.retain(|(_, _, f)| f.entry_count() > 0);
        if docs.is_empty() {
            eprintln!(
                "marginote: nothing to export: no entries match {} (of {looked_at} {} in {searched} {}); nothing written",
                sanitize::sanitize_line(&selection(&opts, &filter), 300),
                if looked_at == 1 { "entry" } else { "entries" },
                if searched == 1 {
                    "document"
                } else {
                    "documents"
                },
            );
            return Ok(NOTHING_TO_EXPORT);
        }
    } else if docs.is_empty() {
        eprintln!(
            "marginote: nothing to export: no notes, highlights or bookmarks yet in {}",
            sanitize::sanitize_line(&data.notes_dir().display().to_string(), 300)
        );
        return Ok(NOTHING_TO_EXPORT);
    }
    let pages: Vec<Vec<(usize, u32)>> = docs
        .iter()
        .map(|(_, key, _)| jobs::pdf_pages(key))
        .collect();
    let sheets: Vec<export::Sheet> = docs
        .iter()
        .zip(&pages)
        .map(|((title, key, file), pages)| export::Sheet {
            title,
            document: key,
            file,
            pages,
        })
        .collect();
    let linked = matches!(opts.tool, None | Some(super::ToolFormat::Obsidian)) && !opts.json;
    let links: Vec<DocLinks> = if linked {
        let base = link_base(&opts);
        docs.iter()
            .map(|(_, key, file)| jobs::doc_links(key, file, base.as_deref()))
            .collect()
    } else {
        Vec::new()
    };
    let sheet_opts = export::SheetOptions {
        group_by: opts.group_by,
        layout: opts.layout,
        links: &links,
        selection: (!filter.is_empty()).then(|| selection(&opts, &filter)),
    };
    if let Some(tool) = opts.tool {
        return super::study_cli::write_tool_export(
            tool,
            &sheets,
            &sheet_opts,
            opts.output.as_deref(),
            &now(),
        );
    }
    let text = if opts.json {
        export::json(&sheets) + "\n"
    } else {
        export::markdown_with(&sheets, &sheet_opts, &now())
    };
    match &opts.output {
        Some(path) => {
            store
                .write_file(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "marginote: study sheet written to {}",
                sanitize::sanitize_line(&path.display().to_string(), 300)
            );
        }
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        }
    }
    Ok(0)
}

/// `--group-by` and `--layout` shape the Markdown sheet: another format
/// asking for them is a mistake worth saying.
fn layout_problem(opts: &ExportOptions) -> Option<String> {
    let format = match (opts.json, opts.tool) {
        (true, _) => "json",
        (false, None) => return None,
        (false, Some(super::ToolFormat::Obsidian)) => {
            return (opts.group_by != export::GroupBy::Document).then(|| {
                "--group-by: --format obsidian writes one note per document; group the Markdown sheet (--format md) instead".to_owned()
            });
        }
        (false, Some(super::ToolFormat::Anki)) => "anki",
        (false, Some(super::ToolFormat::Csv)) => "csv",
    };
    if opts.group_by != export::GroupBy::Document {
        Some(format!(
            "--group-by shapes the Markdown sheet; --format {format} has no sections"
        ))
    } else if opts.layout != export::Layout::Sheet {
        Some(format!(
            "--layout shapes the Markdown sheet (and Obsidian notes); --format {format} has no layout"
        ))
    } else {
        None
    }
}

/// The folder links in the export are relative to: the one the sheet is
/// written in (the folder itself for Obsidian notes); none when printed.
fn link_base(opts: &ExportOptions) -> Option<PathBuf> {
    let out = opts.output.as_ref()?;
    let out = std::path::absolute(out).unwrap_or_else(|_| out.clone());
    let dir = if opts.tool == Some(super::ToolFormat::Obsidian) {
        out
    } else {
        out.parent()?.to_path_buf()
    };
    // Document keys are canonical paths: compare like with like.
    Some(std::fs::canonicalize(&dir).unwrap_or(dir))
}

/// “A”, “B”, “C”.
fn quoted_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
    quoted.join(", ")
}

/// What was asked for, in words: `session “S1” · #exam · since 2026-12-01`.
fn selection(opts: &ExportOptions, filter: &export::Filter) -> String {
    let mut parts: Vec<String> = Vec::new();
    match filter.sessions.as_slice() {
        [] => {}
        [one] => parts.push(format!("session “{one}”")),
        many => parts.push(format!("sessions {}", quoted_list(many))),
    }
    if !filter.tags.is_empty() {
        let tags: Vec<String> = filter
            .tags
            .iter()
            .map(|t| format!("#{}", t.trim_start_matches('#')))
            .collect();
        parts.push(tags.join(" or "));
    }
    if let Some(s) = &opts.since {
        parts.push(format!("since {}", s.trim()));
    }
    if let Some(u) = &opts.until {
        parts.push(format!("until {}", u.trim()));
    }
    if !filter.kinds.is_empty() {
        parts.push(format!("kind {}", filter.kinds.join(", ")));
    }
    if !filter.statuses.is_empty() {
        let names: Vec<&str> = filter.statuses.iter().map(|s| s.name()).collect();
        parts.push(format!("status {}", names.join(", ")));
    }
    parts.join(" · ")
}

/// The export filter from the command line, or what is wrong with it.
fn export_filter(opts: &ExportOptions, tz: &jiff::tz::TimeZone) -> Result<export::Filter, String> {
    let date = |d: &Option<String>, flag: &str, end: bool| {
        match d {
        None => Ok(None),
        Some(s) => export::time_bound(s, end, tz).map(Some).ok_or_else(|| {
            format!(
                "{flag} {s}: give a day (2026-12-04) or a time (2026-12-04T10:30, or RFC 3339 with an offset)"
            )
        }),
    }
    };
    let kinds: Vec<String> = opts
        .kinds
        .iter()
        .map(|k| k.trim().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .map(|k| k.trim_end_matches('s').to_string())
        .collect();
    if let Some(bad) = kinds
        .iter()
        .find(|k| !["note", "highlight", "bookmark"].contains(&k.as_str()))
    {
        return Err(format!(
            "--kind {bad}: the kinds are note, highlight and bookmark"
        ));
    }
    let mut statuses = Vec::new();
    for s in opts.statuses.iter().filter(|s| !s.trim().is_empty()) {
        match storage::Status::from_name(&s.trim().to_ascii_lowercase()) {
            Some(st) => statuses.push(st),
            None => {
                return Err(format!(
                    "--status {s}: the statuses are exact, moved, changed and lost"
                ));
            }
        }
    }
    let since = date(&opts.since, "--since", false)?;
    let until = date(&opts.until, "--until", true)?;
    if let (Some(s), Some(u)) = (since, until)
        && s > u
    {
        return Err("--since is after --until: nothing could match".to_owned());
    }
    Ok(export::Filter {
        tags: opts.tags.clone(),
        since,
        until,
        sessions: Vec::new(),
        kinds,
        statuses,
    })
}

/// What a name on the command line was found to be.
type Named = Result<Option<(library::Entry, Option<storage::NotesFile>)>, String>;

/// The document a command line names: a file, a document by its file
/// name (with or without its extension: one read before, whose notes
/// file remembers it, or a bundled essay), or a title (of a bundled
/// essay, or one remembered in a notes file). With it, the notes file it
/// was found by, if one was. A file name that two documents with notes
/// share is an error naming them: which one was meant cannot be told.
fn export_document(data: &DataDir, store: &Store, named: &std::path::Path) -> Named {
    if named.is_file() {
        let e = library::from_args(&[named.to_path_buf()])
            .0
            .into_iter()
            .next();
        return Ok(e.map(|e| (e, None)));
    }
    let text = named.to_string_lossy();
    let want = text.trim();
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b);
    let named_so = |path: &str| {
        let path = std::path::Path::new(path);
        let is = |s: Option<&std::ffi::OsStr>| s.is_some_and(|s| same(&s.to_string_lossy(), want));
        is(path.file_name()) || is(path.file_stem())
    };
    let bundled = library::bundled_entries();
    let files = jobs::notes_files(data, store);
    // A document with notes, by its file name: a student's copy of a
    // bundled essay (`marginote ~/course`) is the one their notes are on,
    // not the bundled essay of the same name.
    let mut by_name: Vec<&(PathBuf, storage::NotesFile)> = files
        .iter()
        .filter(|(_, f)| f.entry_count() > 0 && named_so(&f.document))
        .collect();
    by_name.sort_by(|a, b| a.1.document.cmp(&b.1.document));
    by_name.dedup_by(|a, b| a.1.document == b.1.document);
    if by_name.len() > 1 {
        let places: Vec<String> = by_name
            .iter()
            .map(|(_, f)| sanitize::sanitize_line(&f.document, 200))
            .collect();
        return Err(format!(
            "{} names {} documents with notes ({}): give the path of the one you mean",
            sanitize::sanitize_line(want, 200),
            places.len(),
            places.join(", ")
        ));
    }
    if let Some((_, f)) = by_name.first()
        && let Some(e) = entry_at(&bundled, &f.document)
    {
        return Ok(Some((e, Some(f.clone()))));
    }
    if let Some(e) = bundled.iter().find(|e| named_so(&e.name)) {
        return Ok(Some((e.clone(), None)));
    }
    let title_of = |e: &library::Entry| {
        library::summarize_entry(&e.source, e.format)
            .ok()
            .and_then(|(s, _)| s.title)
    };
    // A document read before, by the title its notes file remembers: a
    // copy of a bundled essay with notes wins over the bundled one.
    let known = files
        .iter()
        .filter(|(_, f)| f.entry_count() > 0)
        .find(|(_, f)| same(&f.title, want));
    if known.is_none()
        && let Some(e) = bundled
            .iter()
            .find(|e| title_of(e).is_some_and(|t| same(&t, want)))
    {
        return Ok(Some((e.clone(), None)));
    }
    // Else by the title the document has now (its notes file may hold only
    // the file name, saved before the title was known).
    let found = known.or_else(|| {
        files.iter().find(|(_, f)| {
            entry_at(&bundled, &f.document)
                .and_then(|e| title_of(&e))
                .is_some_and(|t| same(&t, want))
        })
    });
    Ok(found.and_then(|(_, f)| Some((entry_at(&bundled, &f.document)?, Some(f.clone())))))
}

/// The library entry of the document at `path` (a notes file's
/// `document`): the bundled essay it is, or the file there, if any.
fn entry_at(bundled: &[library::Entry], path: &str) -> Option<library::Entry> {
    if let Some(e) = bundled.iter().find(|e| e.key == path) {
        return Some(e.clone());
    }
    let path = PathBuf::from(path);
    path.is_file()
        .then(|| library::from_args(&[path]).0.into_iter().next())
        .flatten()
}
