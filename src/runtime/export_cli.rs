//! `marginote export`: the study sheet of one or more documents, printed
//! or written to a file, without opening the terminal interface.

use std::path::PathBuf;

use anyhow::Context as _;

use super::{jobs, now};
use crate::library;
use crate::storage::{self, DataDir, LoadOutcome, Store};
use crate::study::export;
use crate::text::sanitize;

/// What `marginote export` was asked for.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Documents to export (paths, bundled names or titles); none means
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
}

/// Exit code for a command line that names something that is not there
/// (an unknown document, a bad date): as clap does for bad arguments.
const USAGE_ERROR: i32 = 2;

/// `marginote export`: the study sheet on stdout or in a file.
pub fn export_cli(opts: ExportOptions) -> anyhow::Result<i32> {
    let filter = match export_filter(&opts) {
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
    let mut docs: Vec<(String, String, storage::NotesFile)> = Vec::new();
    if opts.files.is_empty() {
        for (_, f) in jobs::notes_files(&data, &store) {
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
            let Some(e) = export_document(&data, &store, named) else {
                eprintln!(
                    "marginote: {}: no such document (not a file, a bundled essay's name or a title with notes)",
                    sanitize::sanitize_line(&named.display().to_string(), 200)
                );
                return Ok(USAGE_ERROR);
            };
            let path = data.notes_path(&e.key, &e.name);
            let file = match store.load_notes(&path) {
                LoadOutcome::Loaded(f) => f,
                LoadOutcome::Missing => storage::NotesFile::new(e.key.clone(), "", ""),
                LoadOutcome::Unreadable { problem } => anyhow::bail!("{problem}"),
            };
            let title = library::summarize_entry(&e.source, e.format)
                .ok()
                .and_then(|(s, _)| s.title)
                .unwrap_or_else(|| e.name.clone());
            docs.push((title, e.key.clone(), file));
        }
    }
    for (_, _, file) in &mut docs {
        *file = filter.apply(file);
    }
    if !filter.is_empty() && docs.iter().all(|(_, _, f)| f.entry_count() == 0) {
        eprintln!("marginote: no entries match the filters");
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
    if let Some(tool) = opts.tool {
        return super::study_cli::write_tool_export(tool, &sheets, opts.output.as_deref(), &now());
    }
    let text = if opts.json {
        export::json(&sheets) + "\n"
    } else {
        export::markdown(&sheets, &now())
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

/// The export filter from the command line, or what is wrong with it.
fn export_filter(opts: &ExportOptions) -> Result<export::Filter, String> {
    let date = |d: &Option<String>, flag: &str| -> Result<Option<String>, String> {
        match d {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse::<jiff::civil::Date>()
                .map(|d| Some(d.to_string()))
                .map_err(|_| format!("{flag} {s}: a date is written YYYY-MM-DD")),
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
    Ok(export::Filter {
        tags: opts.tags.clone(),
        since: date(&opts.since, "--since")?,
        until: date(&opts.until, "--until")?,
        kinds,
        statuses,
    })
}

/// The document a command line names: a file, a bundled essay by its
/// name (with or without `.md`), or a title (of a bundled essay, or one
/// remembered in a notes file).
fn export_document(
    data: &DataDir,
    store: &Store,
    named: &std::path::Path,
) -> Option<library::Entry> {
    if named.is_file() {
        return library::from_args(&[named.to_path_buf()])
            .0
            .into_iter()
            .next();
    }
    let text = named.to_string_lossy();
    let want = text.trim();
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b);
    let bundled = library::bundled_entries();
    if let Some(e) = bundled.iter().find(|e| {
        same(&e.name, want)
            || std::path::Path::new(&e.name)
                .file_stem()
                .is_some_and(|s| same(&s.to_string_lossy(), want))
    }) {
        return Some(e.clone());
    }
    let title_of = |e: &library::Entry| {
        library::summarize_entry(&e.source, e.format)
            .ok()
            .and_then(|(s, _)| s.title)
    };
    // A document read before, by the title its notes file remembers: a
    // copy of a bundled essay with notes wins over the bundled one.
    let files = jobs::notes_files(data, store);
    let known = files
        .iter()
        .filter(|(_, f)| f.entry_count() > 0)
        .find(|(_, f)| same(&f.title, want));
    if known.is_none()
        && let Some(e) = bundled
            .iter()
            .find(|e| title_of(e).is_some_and(|t| same(&t, want)))
    {
        return Some(e.clone());
    }
    // Else by the title the document has now (its notes file may hold only
    // the file name, saved before the title was known).
    let found = known.map(|(_, f)| f.document.clone()).or_else(|| {
        files.iter().find_map(|(_, f)| {
            let path = PathBuf::from(&f.document);
            let e = path
                .is_file()
                .then(|| library::from_args(&[path]).0.into_iter().next())
                .flatten()?;
            title_of(&e)
                .is_some_and(|t| same(&t, want))
                .then(|| f.document.clone())
        })
    })?;
    if let Some(e) = bundled.iter().find(|e| e.key == found) {
        return Some(e.clone());
    }
    let path = PathBuf::from(&found);
    path.is_file()
        .then(|| library::from_args(&[path]).0.into_iter().next())
        .flatten()
}
