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
    /// Documents to export; none means every document with notes.
    pub files: Vec<PathBuf>,
    pub json: bool,
    /// Anki, CSV or Obsidian instead of the study sheet (issue 14).
    pub tool: Option<super::ToolFormat>,
    /// Write here (atomically) instead of printing.
    pub output: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
}

/// `marginote export`: the study sheet on stdout or in a file.
pub fn export_cli(opts: ExportOptions) -> anyhow::Result<i32> {
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
        let (entries, _) = library::from_args(&opts.files);
        for e in entries {
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
    let sheets: Vec<export::Sheet> = docs
        .iter()
        .map(|(title, key, file)| export::Sheet {
            title,
            document: key,
            file,
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
