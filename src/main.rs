//! marginote: a terminal reader and study tool. This binary only parses
//! the command line and maps the outcome of [`runner::run`] to an exit code.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use marginote::runtime as runner;
use marginote::text::sanitize;

/// A terminal reader and study tool: a library, a reader and your notes.
#[derive(Parser, Debug)]
#[command(version, about, subcommand_precedence_over_arg = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Documents or folders to read (.md, .markdown, .txt). Without any, the
    /// bundled reading list opens.
    paths: Vec<PathBuf>,
    /// Where notes and reading positions are kept [env: MARGINOTE_DATA_DIR]
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// A keymap file merged over the defaults (and over the user's
    /// keymap.toml in the config folder).
    #[arg(long, value_name = "FILE")]
    keymap: Option<PathBuf>,
    /// How much to write to marginote.log in the data folder: off, error,
    /// warn, info (the default), debug or trace [env: MARGINOTE_LOG]
    #[arg(long, value_name = "LEVEL", global = true)]
    log_level: Option<String>,
    /// The widest the text is set, in columns [default: 80, or the
    /// settings' measure]
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(20..=400))]
    measure: Option<u16>,
    /// The colours: dark, light, mono, or a theme file [default: the
    /// settings' theme; mono when NO_COLOR is set; else dark]
    #[arg(long, value_name = "THEME")]
    theme: Option<String>,
    /// A settings file to use instead of config.toml in the configuration
    /// folder.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Start a lecture session of this name at launch (or resume it, if a
    /// session of that name exists).
    #[arg(long, value_name = "NAME")]
    session: Option<String>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Print (or write) a study sheet of your notes, highlights and bookmarks.
    ///
    /// Without FILE, every document with notes. Filters (--session, --tag,
    /// --since/--until, --kind, --status) combine: an entry must pass all of
    /// them. When nothing matches, nothing is printed or written, a message
    /// says so, and the exit code is 1.
    #[command(after_help = EXPORT_EXAMPLES)]
    Export {
        /// Every document with notes (the default when no FILE is named).
        #[arg(long, conflicts_with = "files")]
        all: bool,
        /// The documents whose notes to export: a path, a file name
        /// (05-the-great-terror.md: the document with notes of that name,
        /// else the bundled essay) or a document's title.
        files: Vec<PathBuf>,
        /// Only entries made in this lecture session: its name (any case) or
        /// the start of exactly one session's name; NAME* takes every session
        /// whose name starts with NAME. Repeat for several.
        #[arg(long = "session", value_name = "NAME")]
        sessions: Vec<String>,
        /// Only notes with this #tag (repeat for any of several).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Only entries made at or after this day (YYYY-MM-DD, from its
        /// start) or time (2026-12-04T10:30; RFC 3339 with an offset), in
        /// local time.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only entries made at or before this day (YYYY-MM-DD, to its end)
        /// or time, in local time.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Only these kinds: note, highlight, bookmark (comma-separated).
        #[arg(long, value_name = "KINDS", value_delimiter = ',')]
        kind: Vec<String>,
        /// Only entries in this status: exact, moved, changed or lost
        /// (comma-separated).
        #[arg(long, value_name = "STATUS", value_delimiter = ',')]
        status: Vec<String>,
        /// Sections of the Markdown sheet: one per document, per tag (an
        /// entry with two tags is under both; untagged last) or per lecture
        /// session (in time order; entries outside a session last).
        #[arg(long, value_enum, value_name = "BY", default_value_t = GroupBy::Document)]
        group_by: GroupBy,
        /// sheet: each entry under its heading; cornell: a cue · notes table
        /// per section, then a summary with the lecture notes (Markdown and
        /// obsidian).
        #[arg(long, value_enum, default_value_t = Layout::Sheet)]
        layout: Layout,
        /// Markdown for reading, JSON for other programs; anki (Anki's text
        /// import), csv (Readwise's highlight import), obsidian (one note per
        /// document, into the folder given with -o).
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        /// Write here instead of printing (a folder for obsidian). Links to
        /// the documents are then relative to this file's folder; printed
        /// sheets link with file:// URLs.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Review your notes and highlights as cards (spaced repetition): opens
    /// marginote on the review of what is due.
    Review {
        /// Print the number of cards due now and exit (for a shell prompt).
        #[arg(long)]
        due: bool,
        /// Documents or folders for the library, as without `review` (enter
        /// on a card opens its passage when its document is there).
        paths: Vec<PathBuf>,
    },
    /// Git merge driver for notes, state and review-log files: merges
    /// THEIRS and BASE into OURS by entry id (see the README).
    MergeNotes {
        /// The common ancestor (git's %O).
        base: PathBuf,
        /// Our version, overwritten with the merge (git's %A).
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
        /// The file's path in the repository (git's %P), for messages.
        path: Option<String>,
    },
}

const EXPORT_EXAMPLES: &str = "Examples:
  marginote export --session \"History 101 · 2026-12-04\"   one lecture, across documents
  marginote export --session \"History 101*\" --group-by session -o revision.md
  marginote export --tag exam --since 2026-11-01 --until 2026-11-30 --group-by tag
  marginote export --layout cornell essay.md -o essay-cornell.md
  marginote export --format anki --session \"History 101*\" -o cards.txt";

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum GroupBy {
    Document,
    Tag,
    Session,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Layout {
    Sheet,
    Cornell,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Format {
    Md,
    Json,
    Anki,
    Csv,
    Obsidian,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut review = false;
    let mut paths = args.paths;
    match args.command {
        Some(Command::Review { due: true, .. }) => {
            let options = runner::ReviewOptions {
                due: true,
                data_dir: args.data_dir,
            };
            return exit(runner::review_cli(options));
        }
        Some(Command::Review {
            due: false,
            paths: ref more,
        }) => {
            review = true;
            paths.extend(more.iter().cloned());
        }
        Some(Command::MergeNotes {
            base,
            ours,
            theirs,
            path,
        }) => {
            return exit(runner::merge_notes_cli(
                &base,
                &ours,
                &theirs,
                path.as_deref(),
            ));
        }
        _ => {}
    }
    if let Some(Command::Export {
        all: _,
        files,
        sessions,
        tags,
        since,
        until,
        kind,
        status,
        group_by,
        layout,
        format,
        output,
    }) = args.command
    {
        let options = runner::ExportOptions {
            files,
            json: matches!(format, Format::Json),
            tool: match format {
                Format::Anki => Some(runner::ToolFormat::Anki),
                Format::Csv => Some(runner::ToolFormat::Csv),
                Format::Obsidian => Some(runner::ToolFormat::Obsidian),
                Format::Md | Format::Json => None,
            },
            output,
            data_dir: args.data_dir,
            tags,
            since,
            until,
            kinds: kind,
            statuses: status,
            sessions,
            group_by: match group_by {
                GroupBy::Document => marginote::study::export::GroupBy::Document,
                GroupBy::Tag => marginote::study::export::GroupBy::Tag,
                GroupBy::Session => marginote::study::export::GroupBy::Session,
            },
            layout: match layout {
                Layout::Sheet => marginote::study::export::Layout::Sheet,
                Layout::Cornell => marginote::study::export::Layout::Cornell,
            },
        };
        return exit(runner::export_cli(options));
    }
    let options = runner::Options {
        paths,
        data_dir: args.data_dir,
        keymap: args.keymap,
        measure: args.measure.map(usize::from),
        theme: args.theme,
        config: args.config,
        log_level: args.log_level,
        session: args.session,
        review,
    };
    exit(runner::run(options))
}

fn exit(result: anyhow::Result<i32>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            let text: Vec<String> = e
                .chain()
                .map(|c| sanitize::sanitize_line(&c.to_string(), 400))
                .collect();
            eprintln!("marginote: {}", text.join(": "));
            ExitCode::FAILURE
        }
    }
}
