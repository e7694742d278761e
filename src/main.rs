//! marginote: a terminal reader and study tool. This binary only parses
//! the command line and maps the outcome of [`runner::run`] to an exit code.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use marginote::{app, runner, sanitize};

/// A terminal reader and study tool: a library, a reader and your notes.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Documents or folders to read (.md, .markdown, .txt). Without any, the
    /// bundled reading list opens.
    paths: Vec<PathBuf>,
    /// Where notes and reading positions are kept [env: MARGINOTE_DATA_DIR]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A keymap file merged over the defaults (and over the user's
    /// keymap.toml in the config folder).
    #[arg(long, value_name = "FILE")]
    keymap: Option<PathBuf>,
    /// The widest the text is set, in columns.
    #[arg(long, value_name = "COLUMNS", default_value_t = app::DEFAULT_MEASURE)]
    measure: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let options = runner::Options {
        paths: args.paths,
        data_dir: args.data_dir,
        keymap: args.keymap,
        measure: args.measure,
    };
    match runner::run(options) {
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
