//! The study commands that need no terminal interface (issue 14):
//! `marginote review --due` (the number of cards due, for a shell prompt
//! or a status bar; `marginote review` alone opens the app's review), `marginote merge-notes BASE OURS THEIRS` (the git
//! merge driver), and the revision-tool exports `marginote export` hands
//! over to ([`write_tool_export`]).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::jobs;
use crate::storage::{self, DataDir, Store};
use crate::study::export::{Sheet, SheetOptions};
use crate::study::export_formats;
use crate::study::review::{self, Deck};
use crate::text::sanitize;

/// `marginote review --due`: what was asked (`marginote review` alone
/// opens the app on its review: [`super::Options::review`]).
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Print the number of cards due and exit (the only mode here).
    pub due: bool,
    pub data_dir: Option<PathBuf>,
}

/// `marginote review --due`: the number of cards due now. Problems with
/// the log go to stderr; the count still prints (from what could be read),
/// so a prompt never breaks.
pub fn review_cli(opts: ReviewOptions) -> anyhow::Result<i32> {
    let data = DataDir::resolve(opts.data_dir, std::env::var_os(storage::DATA_DIR_ENV))?;
    let store = Store::new();
    let files: Vec<storage::NotesFile> = jobs::notes_files(&data, &store)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let loaded = review::log::load(&review::log::log_path(&data))?;
    for problem in &loaded.problems {
        eprintln!("marginote: {problem}");
    }
    let deck = Deck::new(&files, &loaded.log);
    let now = jiff::Timestamp::now().as_second();
    let (_, due) = deck.due_counts(now);
    // A closed pipe is not worth a message.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", due.total()).and_then(|()| out.flush());
    Ok(0)
}

/// `marginote merge-notes BASE OURS THEIRS [PATH]`: merges into OURS
/// atomically and returns 0, or leaves OURS untouched and fails with a
/// message (git then reports a conflict and keeps both versions).
pub fn merge_notes_cli(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    name: Option<&str>,
) -> anyhow::Result<i32> {
    let read = |which: &str, path: &Path| {
        std::fs::read_to_string(path).with_context(|| {
            format!(
                "merge-notes: cannot read {which} {}; OURS left as it was",
                sanitize::sanitize_tail(&path.display().to_string(), 80)
            )
        })
    };
    let (b, o, t) = (
        read("BASE", base)?,
        read("OURS", ours)?,
        read("THEIRS", theirs)?,
    );
    let name = name.map_or_else(|| ours.display().to_string(), str::to_owned);
    let merged = storage::merge3::merge3(&b, &o, &t, &name)
        .map_err(|e| anyhow::anyhow!("merge-notes: {e}; OURS left as it was"))?;
    Store::new()
        .write_file(ours, merged.as_bytes())
        .context("merge-notes: OURS left as it was")?;
    Ok(0)
}

/// The revision-tool formats of `marginote export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolFormat {
    Anki,
    Csv,
    Obsidian,
}

/// Writes an Anki or CSV export to `output` (or stdout), or the Obsidian
/// notes into the folder `output` names (required), laid out and linked
/// as `opts` says.
pub fn write_tool_export(
    format: ToolFormat,
    sheets: &[Sheet],
    opts: &SheetOptions,
    output: Option<&Path>,
    generated: &str,
) -> anyhow::Result<i32> {
    let store = Store::new();
    let shown = |p: &Path| sanitize::sanitize_line(&p.display().to_string(), 300);
    let text = match format {
        ToolFormat::Anki => export_formats::anki(sheets),
        ToolFormat::Csv => export_formats::readwise_csv(sheets),
        ToolFormat::Obsidian => {
            let Some(dir) = output else {
                anyhow::bail!(
                    "--format obsidian writes one file per document: name a folder with -o DIR"
                );
            };
            let files = export_formats::obsidian(sheets, opts, generated);
            for (name, text) in &files {
                let path = dir.join(name);
                store
                    .write_file(&path, text.as_bytes())
                    .with_context(|| format!("cannot write {}", shown(&path)))?;
            }
            eprintln!(
                "marginote: {} Obsidian notes written to {}",
                files.len(),
                shown(dir)
            );
            return Ok(0);
        }
    };
    match output {
        Some(path) => {
            store
                .write_file(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", shown(path)))?;
            eprintln!("marginote: export written to {}", shown(path));
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        }
    }
    Ok(0)
}
