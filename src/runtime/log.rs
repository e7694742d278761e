//! The log: what marginote did with your files, for when a note "went
//! somewhere odd". `tracing` events go to `marginote.log` in the data
//! folder — never to the terminal, which belongs to the interface — at the
//! level `--log-level` or `MARGINOTE_LOG` names (`info` unless told).
//!
//! The file stays small: past [`MAX_BYTES`] at start-up it is moved to
//! `marginote.log.1` (replacing the one before) and a new one begun. A log
//! that cannot be opened is not an error: marginote runs without one and
//! says why once.

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;

/// Rotate the log at start-up once it is this big.
pub const MAX_BYTES: u64 = 1 << 20;

/// The environment variable that sets the level.
pub const LEVEL_ENV: &str = "MARGINOTE_LOG";

/// A level by name (`off`, `error`, `warn`, `info`, `debug`, `trace`).
pub fn parse_level(name: &str) -> Option<LevelFilter> {
    match name.trim().to_ascii_lowercase().as_str() {
        "off" | "none" => Some(LevelFilter::OFF),
        "error" => Some(LevelFilter::ERROR),
        "warn" | "warning" => Some(LevelFilter::WARN),
        "info" => Some(LevelFilter::INFO),
        "debug" => Some(LevelFilter::DEBUG),
        "trace" => Some(LevelFilter::TRACE),
        _ => None,
    }
}

/// Moves `path` to `<path>.1` when it has grown past `max` bytes.
pub fn rotate(path: &Path, max: u64) -> std::io::Result<()> {
    match fs::metadata(path) {
        Ok(meta) if meta.len() > max => {
            let mut old = path.as_os_str().to_owned();
            old.push(".1");
            fs::rename(path, PathBuf::from(old))
        }
        _ => Ok(()),
    }
}

/// Starts logging to `path` at `level` (the command line's, else the
/// environment's, else `info`). Returns a problem to show the user when the
/// level was not understood or the file cannot be written; marginote runs
/// on either way.
pub fn init(path: &Path, level: Option<&str>) -> Option<String> {
    let env = std::env::var(LEVEL_ENV).ok();
    let asked = level.or(env.as_deref());
    let (filter, mut problem) = match asked.map(|l| (l, parse_level(l))) {
        None => (LevelFilter::INFO, None),
        Some((_, Some(f))) => (f, None),
        Some((name, None)) => (
            LevelFilter::INFO,
            Some(format!(
                "log level {name:?} is not one of off, error, warn, info, debug, trace; using info"
            )),
        ),
    };
    if filter == LevelFilter::OFF {
        return problem;
    }
    let file = path
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| rotate(path, MAX_BYTES))
        .and_then(|()| OpenOptions::new().create(true).append(true).open(path));
    match file {
        Ok(file) => {
            let installed = tracing_subscriber::fmt()
                .with_writer(Mutex::new(file))
                .with_ansi(false)
                .with_target(false)
                .with_max_level(filter)
                .try_init();
            if installed.is_ok() {
                tracing::info!(version = env!("CARGO_PKG_VERSION"), "marginote started");
            }
        }
        Err(e) => {
            problem.get_or_insert(format!("no log kept: cannot write {}: {e}", path.display()));
        }
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_by_name_and_refuse_others() {
        assert_eq!(parse_level("debug"), Some(LevelFilter::DEBUG));
        assert_eq!(parse_level(" WARN "), Some(LevelFilter::WARN));
        assert_eq!(parse_level("off"), Some(LevelFilter::OFF));
        assert_eq!(parse_level("loud"), None);
    }

    #[test]
    fn a_big_log_is_rotated_and_a_small_one_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("marginote.log");
        fs::write(&log, vec![b'x'; 10]).expect("write");
        rotate(&log, 100).expect("rotate");
        assert!(log.exists(), "a small log stays");
        fs::write(&log, vec![b'y'; 200]).expect("write");
        rotate(&log, 100).expect("rotate");
        assert!(!log.exists(), "a big log moves aside");
        let old = dir.path().join("marginote.log.1");
        assert_eq!(fs::read(old).expect("rotated copy").len(), 200);
    }
}
