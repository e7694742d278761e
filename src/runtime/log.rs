//! The log: what marginote did with your files, for when a note "went
//! somewhere odd". `tracing` events go to `marginote.log` in the data
//! folder — never to the terminal, which belongs to the interface — at the
//! level `--log-level` or `MARGINOTE_LOG` names (`info` unless told).
//!
//! The file stays small: past [`MAX_BYTES`] at start-up it is moved to
//! `marginote.log.1` (replacing the one before) and a new one begun. A log
//! that cannot be opened is not an error: marginote runs without one and
//! says why once.
//!
//! The file is opened once the first frame is drawn ([`Log::open`]): the
//! events before it are held until then. Creating the data folder and the
//! log in it were the only writes to the disk before the first frame, 0.15
//! ms of a first launch here (issue 12).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

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
/// environment's, else `info`). Returns the log, held in memory until
/// [`Log::open`], and a problem to show the user when the level was not
/// understood; marginote runs on either way.
pub fn init(path: &Path, level: Option<&str>) -> (Log, Option<String>) {
    let env = std::env::var(LEVEL_ENV).ok();
    let asked = level.or(env.as_deref());
    let (filter, problem) = match asked.map(|l| (l, parse_level(l))) {
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
        return (Log(None), problem);
    }
    let sink = Arc::new(Sink::new(path));
    let installed = tracing_subscriber::fmt()
        .with_writer(Arc::clone(&sink))
        .with_ansi(false)
        .with_target(false)
        .with_max_level(filter)
        .try_init();
    if installed.is_ok() {
        tracing::info!(version = env!("CARGO_PKG_VERSION"), "marginote started");
    }
    (Log(Some(sink)), problem)
}

/// The log's file, opened when the first frame is drawn; held events are
/// written then, or when this is dropped (a start that ends before it).
pub struct Log(Option<Arc<Sink>>);

impl Log {
    /// Creates the folder and opens the file (rotating a big one), and
    /// writes what was held; once. The problem to show when it cannot be
    /// written: then events are dropped from here on.
    pub fn open(&self) -> Option<String> {
        self.0.as_ref()?.open()
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        let _ = self.open();
    }
}

/// Where the events go.
pub struct Sink {
    path: PathBuf,
    state: Mutex<State>,
}

enum State {
    /// Before the file is opened: the events so far (up to [`MAX_HELD`]).
    Held(Vec<u8>),
    Open(File),
    /// It could not be opened.
    Off,
}

/// Events held before the file is opened, at most: a start writes two
/// lines, so this is only reached if the file is never opened.
const MAX_HELD: usize = 64 << 10;

impl Sink {
    fn new(path: &Path) -> Sink {
        Sink {
            path: path.to_path_buf(),
            state: Mutex::new(State::Held(Vec::new())),
        }
    }

    fn open(&self) -> Option<String> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let State::Held(held) = &mut *state else {
            return None;
        };
        let held = std::mem::take(held);
        let path = &self.path;
        let file = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| rotate(path, MAX_BYTES))
            .and_then(|()| OpenOptions::new().create(true).append(true).open(path))
            .and_then(|mut file| file.write_all(&held).map(|()| file));
        match file {
            Ok(file) => {
                *state = State::Open(file);
                None
            }
            Err(e) => {
                *state = State::Off;
                Some(format!("no log kept: cannot write {}: {e}", path.display()))
            }
        }
    }
}

impl io::Write for &Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *state {
            State::Held(held) => {
                if held.len() + buf.len() <= MAX_HELD {
                    held.extend_from_slice(buf);
                }
                Ok(buf.len())
            }
            State::Open(file) => file.write(buf),
            State::Off => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut *self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            State::Open(file) => file.flush(),
            _ => Ok(()),
        }
    }
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

    /// Nothing is written before the file is opened; then what was held
    /// and what follows, in order; a second open changes nothing.
    #[test]
    fn events_are_held_until_the_file_is_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data").join("marginote.log");
        let sink = Sink::new(&path);
        (&sink).write_all(b"one\n").expect("held");
        assert!(
            !path.exists() && !dir.path().join("data").exists(),
            "nothing on disk yet"
        );
        assert_eq!(sink.open(), None);
        (&sink).write_all(b"two\n").expect("written");
        assert_eq!(sink.open(), None, "opened once");
        (&sink).write_all(b"three\n").expect("written");
        assert_eq!(fs::read_to_string(&path).expect("log"), "one\ntwo\nthree\n");
    }

    /// A file that cannot be made is said once; events are then dropped,
    /// and a start that ends before the first frame still writes its
    /// events when the log goes.
    #[test]
    fn an_unwritable_log_is_said_once_and_a_dropped_log_writes_what_it_held() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("not-a-folder");
        fs::write(&blocker, "x").expect("write");
        let sink = Sink::new(&blocker.join("marginote.log"));
        (&sink).write_all(b"held\n").expect("held");
        let problem = sink.open().expect("a problem");
        assert!(
            problem.starts_with("no log kept: cannot write"),
            "{problem}"
        );
        assert_eq!(sink.open(), None, "said once");
        (&sink).write_all(b"dropped\n").expect("dropped quietly");

        let path = dir.path().join("marginote.log");
        let log = Log(Some(Arc::new(Sink::new(&path))));
        if let Some(sink) = &log.0 {
            (&**sink)
                .write_all(b"before the first frame\n")
                .expect("held");
        }
        drop(log);
        assert_eq!(
            fs::read_to_string(&path).expect("log"),
            "before the first frame\n"
        );
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
