//! Harness for the end-to-end tests: the built `marginote` binary in a
//! pseudo-terminal, its output fed into a `vt100` screen (to read what the
//! user sees) and into a raw byte log (for the "nothing raw reaches the
//! terminal" oracle, RELIABILITY T1/T2), plus a [`Sandbox`] of temp dirs and
//! deterministic document builders (RELIABILITY §7).
//!
//! Waiting is always "until the screen shows X, or fail after
//! [`DEADLINE`] with the screen in the message": never a fixed sleep.

#![allow(dead_code)] // each test binary uses a different part of the harness

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

/// How long any wait may take before the test fails (a hang detector, not
/// a timing assumption).
pub const DEADLINE: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------
// Sandbox: one temp dir per test
// ---------------------------------------------------------------------------

/// Everything a test writes lives under one [`TempDir`]: the data dir, a
/// documents folder, and HOME / XDG_CONFIG_HOME / XDG_DATA_HOME so neither
/// a user keymap nor the user's data are ever read or written.
pub struct Sandbox {
    pub root: TempDir,
    pub data: PathBuf,
    pub docs: PathBuf,
    pub home: PathBuf,
    pub config: PathBuf,
}

impl Sandbox {
    /// `marginote ARGS` outside a terminal, hermetic: only PATH and LANG
    /// from outside, this sandbox's home, config and data folder.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_marginote"))
            .env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("LANG", "C.UTF-8")
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.config)
            .env("MARGINOTE_DATA_DIR", &self.data)
            .current_dir(self.path())
            .args(args)
            .output()
            .expect("run marginote")
    }

    pub fn new() -> Sandbox {
        let root = tempfile::Builder::new()
            .prefix("marginote-e2e-")
            .tempdir()
            .expect("create temp dir");
        let p = root.path().to_path_buf();
        let s = Sandbox {
            data: p.join("data"),
            docs: p.join("docs"),
            home: p.join("home"),
            config: p.join("home/.config"),
            root,
        };
        for d in [&s.data, &s.docs, &s.home, &s.config] {
            std::fs::create_dir_all(d).expect("create sandbox dir");
        }
        s
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// Writes a document into the documents folder and returns its path.
    pub fn write_doc(&self, name: impl AsRef<OsStr>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.docs.join(name.as_ref());
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Writes a file anywhere inside the sandbox (relative path).
    pub fn write(&self, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// The `.toml` notes files in the data dir (not locks, temps or
    /// moved-aside copies), sorted.
    pub fn notes_files(&self) -> Vec<PathBuf> {
        self.files_in_notes(|name| name.ends_with(".toml"))
    }

    /// Files in `DATA/notes` whose name satisfies `keep`, sorted.
    pub fn files_in_notes(&self, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
        let dir = self.data.join("notes");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = rd
            .flatten()
            .filter(|e| keep(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect();
        out.sort();
        out
    }

    /// Starts marginote in a `cols`×`rows` pty with `args`.
    pub fn spawn<S: AsRef<OsStr>>(&self, cols: u16, rows: u16, args: &[S]) -> Tui {
        self.spawn_env(cols, rows, args, &[])
    }

    /// Like [`Sandbox::spawn`], with extra environment variables.
    pub fn spawn_env<S: AsRef<OsStr>>(
        &self,
        cols: u16,
        rows: u16,
        args: &[S],
        env: &[(&str, &OsStr)],
    ) -> Tui {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_marginote"));
        for a in args {
            cmd.arg(a);
        }
        // A clean, hermetic environment: nothing from the developer's
        // shell (no user keymap, no real data dir, no display).
        cmd.env_clear();
        cmd.env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        );
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("HOME", &self.home);
        cmd.env("XDG_CONFIG_HOME", &self.config);
        cmd.env("XDG_DATA_HOME", self.home.join(".local/share"));
        cmd.env("XDG_STATE_HOME", self.home.join(".local/state"));
        cmd.env("XDG_CACHE_HOME", self.home.join(".cache"));
        cmd.env("MARGINOTE_DATA_DIR", &self.data);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(self.path());
        Tui::spawn(cmd, cols, rows)
    }
}

// ---------------------------------------------------------------------------
// The terminal under test
// ---------------------------------------------------------------------------

/// What the emulated terminal was asked to do besides drawing. Anything
/// here that a document could have caused is a T1 violation.
#[derive(Debug, Default, Clone)]
pub struct Events {
    pub titles: Vec<String>,
    pub icon_names: Vec<String>,
    pub clipboard_writes: Vec<String>,
    pub clipboard_reads: usize,
    pub bells: usize,
    pub resize_requests: Vec<(u16, u16)>,
    /// Sequences vt100 does not implement, printed readably.
    pub unhandled: Vec<String>,
}

impl vt100::Callbacks for Events {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.resize_requests.push(request);
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.icon_names
            .push(String::from_utf8_lossy(name).into_owned());
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles
            .push(String::from_utf8_lossy(title).into_owned());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        self.clipboard_writes.push(format!(
            "{};{}",
            String::from_utf8_lossy(ty),
            String::from_utf8_lossy(data)
        ));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8]) {
        self.clipboard_reads += 1;
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, c: char) {
        self.unhandled.push(format!("char {c:?}"));
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.unhandled.push(format!("control 0x{b:02x}"));
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, i1: Option<u8>, i2: Option<u8>, b: u8) {
        self.unhandled.push(format!(
            "escape ESC {}{}{}",
            i1.map(char::from).map(String::from).unwrap_or_default(),
            i2.map(char::from).map(String::from).unwrap_or_default(),
            char::from(b)
        ));
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let params: Vec<String> = params
            .iter()
            .map(|p| p.iter().map(u16::to_string).collect::<Vec<_>>().join(":"))
            .collect();
        self.unhandled.push(format!(
            "csi ESC [{}{}{}{c}",
            i1.map(char::from).map(String::from).unwrap_or_default(),
            params.join(";"),
            i2.map(char::from).map(String::from).unwrap_or_default(),
        ));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        let params: Vec<String> = params
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        self.unhandled
            .push(format!("osc ESC ]{}", params.join(";")));
    }
}

struct Shared {
    parser: vt100::Parser<Events>,
    /// The screen as of the last complete frame: ratatui ends every frame
    /// by hiding or showing the cursor (`ESC [?25l` / `ESC [?25h`), so a
    /// wait never matches half a frame whose other half is still in the
    /// pipe.
    settled: vt100::Screen,
    /// Progress through the frame-end marker, across reads.
    marker: usize,
    /// Frame-end markers seen (the first is the app hiding the cursor as
    /// it enters the terminal, before any frame is drawn).
    frames: usize,
    raw: Vec<u8>,
    /// How many bytes of `raw` the first read from the pty gave: what the
    /// terminal got in one go when the app started.
    first_read: usize,
    /// The pty reached end of file (the child and everything holding the
    /// slave side are gone): the log is complete.
    eof: bool,
}

/// marginote running in a pty. Killed (and reaped) on drop.
pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Arc<Mutex<Option<Box<dyn Write + Send>>>>,
    shared: Arc<(Mutex<Shared>, Condvar)>,
    size: (u16, u16),
    status: Option<ExitStatus>,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n.max(1)).expect("max(1) is non-zero")
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Shared {
    /// Feeds output to the parser, snapshotting the screen at each frame end.
    fn feed(&mut self, bytes: &[u8]) {
        const MARKER: &[u8] = b"\x1b[?25";
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if self.marker == MARKER.len() {
                self.marker = 0;
                if b == b'l' || b == b'h' {
                    self.parser.process(&bytes[start..=i]);
                    start = i + 1;
                    self.settled = self.parser.screen().clone();
                    self.frames += 1;
                    continue;
                }
            }
            if b == MARKER[self.marker] {
                self.marker += 1;
            } else {
                self.marker = usize::from(b == MARKER[0]);
            }
        }
        self.parser.process(&bytes[start..]);
    }
}

impl Tui {
    fn spawn(cmd: CommandBuilder, cols: u16, rows: u16) -> Tui {
        let pair = native_pty_system()
            .openpty(pty_size(cols, rows))
            .expect("open a pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn marginote");
        // Only the child may hold the slave side, so the reader sees EOF
        // as soon as the child is gone.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("clone pty reader");
        let writer = Arc::new(Mutex::new(Some(
            pair.master.take_writer().expect("take pty writer"),
        )));
        let shared = Arc::new((
            Mutex::new(Shared {
                parser: vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, Events::default()),
                settled: vt100::Parser::new(nz(rows), nz(cols), 0).screen().clone(),
                marker: 0,
                frames: 0,
                raw: Vec::new(),
                first_read: 0,
                eof: false,
            }),
            Condvar::new(),
        ));
        let feed = Arc::clone(&shared);
        let answer = Arc::clone(&writer);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Enough of the previous chunk to see a query split across reads.
            let mut carry: Vec<u8> = Vec::new();
            loop {
                let n = match reader.read(&mut buf) {
                    // A read cut short by a signal is not the end: taken
                    // for it, the app's last bytes (the terminal given
                    // back) would be missed.
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Ok(0) | Err(_) => 0,
                    Ok(n) => n,
                };
                let (lock, cvar) = &*feed;
                let mut s = lock.lock().unwrap_or_else(|p| p.into_inner());
                if n == 0 {
                    // Everything is in: the live screen is final.
                    s.settled = s.parser.screen().clone();
                    s.eof = true;
                    cvar.notify_all();
                    break;
                }
                s.raw.extend_from_slice(&buf[..n]);
                if s.first_read == 0 {
                    s.first_read = n;
                }
                s.feed(&buf[..n]);
                // Act as a terminal: answer cursor position queries (DSR 6),
                // which ratatui sends when it starts.
                carry.extend_from_slice(&buf[..n]);
                let queries = carry.windows(4).filter(|w| *w == b"\x1b[6n").count();
                let keep = carry.len().saturating_sub(3);
                carry.drain(..keep);
                if queries > 0 {
                    let (row, col) = s.parser.screen().cursor_position();
                    let reply = format!("\x1b[{};{}R", row + 1, col + 1).repeat(queries);
                    drop(s);
                    if let Some(w) = answer.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
                        let _ = w.write_all(reply.as_bytes());
                        let _ = w.flush();
                    }
                }
                cvar.notify_all();
            }
        });
        Tui {
            child,
            master: pair.master,
            writer,
            shared,
            size: (cols, rows),
            status: None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child has a pid")
    }

    /// Types `keys` (raw bytes as a terminal sends them; see [`key`]).
    pub fn send(&mut self, keys: impl AsRef<[u8]>) {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = guard.as_mut().expect("pty writer is open");
        w.write_all(keys.as_ref()).expect("write keys to the pty");
        w.flush().expect("flush keys to the pty");
    }

    /// The screen as text, one line per row (trailing blanks trimmed).
    pub fn screen(&self) -> String {
        screen_text(&self.lock().settled)
    }

    /// The screen in a frame with its modes, for failure messages.
    pub fn framed(&self) -> String {
        framed(&self.lock().settled)
    }

    /// Runs `f` on the emulated screen as of the last complete frame (or
    /// the final screen once the app has exited).
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(&self.lock().settled)
    }

    /// Runs `f` on the emulated screen as it is now, mid-frame or not.
    pub fn with_live_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.lock().parser.screen())
    }

    /// What the terminal was asked to do besides drawing, so far.
    pub fn events(&self) -> Events {
        self.lock().parser.callbacks().clone()
    }

    /// Every byte the app wrote to the terminal, so far.
    pub fn raw(&self) -> Vec<u8> {
        self.lock().raw.clone()
    }

    /// What the first read from the pty gave (empty before any output).
    pub fn first_read(&self) -> Vec<u8> {
        let s = self.lock();
        s.raw[..s.first_read].to_vec()
    }

    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Resizes the pty (the app gets SIGWINCH) and the emulated screen.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        {
            let mut s = self.lock();
            s.parser.set_size(nz(rows), nz(cols));
        }
        self.master
            .resize(pty_size(cols, rows))
            .expect("resize the pty");
        self.size = (cols, rows);
    }

    /// Waits until at least `n` frames were drawn in total (the cursor
    /// hide on entering counts as one).
    #[track_caller]
    pub fn wait_frames(&self, n: usize) {
        let start = Instant::now();
        let (lock, cvar) = &*self.shared;
        let mut s = lock.lock().unwrap_or_else(|p| p.into_inner());
        while s.frames < n {
            let elapsed = start.elapsed();
            if elapsed >= DEADLINE || s.eof {
                let msg = format!(
                    "waited {elapsed:.1?} for frame {n}, saw {}\n{}",
                    s.frames,
                    framed(&s.settled)
                );
                drop(s);
                panic!("{msg}");
            }
            s = cvar
                .wait_timeout(s, DEADLINE - elapsed)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Frames drawn so far (see [`Tui::wait_frames`]).
    pub fn frames(&self) -> usize {
        self.lock().frames
    }

    /// Waits until the screen contains `text`.
    #[track_caller]
    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("screen to show {text:?}"), |s| {
            screen_text(s).contains(text)
        });
    }

    /// Waits until the screen no longer contains `text`.
    #[track_caller]
    pub fn wait_gone(&self, text: &str) {
        self.wait_until(&format!("screen to stop showing {text:?}"), |s| {
            !screen_text(s).contains(text)
        });
    }

    /// Waits until `ok(screen)` holds; fails after [`DEADLINE`] (or when
    /// the app exits first) with the current screen in the message. `ok`
    /// runs under the screen lock: use the free functions ([`screen_text`],
    /// [`region`], [`last_row`]), not this `Tui`'s methods, inside it.
    #[track_caller]
    pub fn wait_until(&self, what: &str, mut ok: impl FnMut(&vt100::Screen) -> bool) {
        let start = Instant::now();
        let (lock, cvar) = &*self.shared;
        let mut s = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if ok(&s.settled) {
                return;
            }
            let elapsed = start.elapsed();
            if elapsed >= DEADLINE || s.eof {
                let why = if s.eof { "the app exited" } else { "timed out" };
                let screen = framed(&s.settled);
                let tail = escaped_tail(&s.raw, 1500);
                drop(s);
                panic!(
                    "{why} after {elapsed:.1?} waiting for {what}\n{screen}\nlast output bytes:\n{tail}"
                );
            }
            s = cvar
                .wait_timeout(s, (DEADLINE - elapsed).min(Duration::from_millis(250)))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Waits for the app to exit and for its last output to be read;
    /// fails after [`DEADLINE`] with the screen in the message.
    #[track_caller]
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            match self.child.try_wait().expect("poll the child") {
                Some(st) => break st,
                None if start.elapsed() >= DEADLINE => {
                    panic!(
                        "marginote did not exit within {DEADLINE:?}\n{}",
                        framed(&self.lock().settled)
                    );
                }
                None => {
                    // Polling a child has no blocking-with-timeout form;
                    // this is a poll interval, not a timing assumption.
                    let (lock, cvar) = &*self.shared;
                    let s = lock.lock().unwrap_or_else(|p| p.into_inner());
                    let _ = cvar.wait_timeout(s, Duration::from_millis(20));
                }
            }
        };
        // The output is complete once the pty reports end of file.
        let (lock, cvar) = &*self.shared;
        let mut s = lock.lock().unwrap_or_else(|p| p.into_inner());
        while !s.eof {
            let left = DEADLINE.saturating_sub(start.elapsed());
            assert!(
                !left.is_zero(),
                "pty output did not end after the app exited"
            );
            s = cvar
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        drop(s);
        self.status = Some(status.clone());
        status
    }

    /// Sends `q` and expects a clean exit with status 0.
    #[track_caller]
    pub fn quit(&mut self) {
        self.send("q");
        let st = self.wait_exit();
        assert!(
            st.success(),
            "q should quit with status 0, got {st:?}\n{}",
            self.screen()
        );
    }

    /// Asserts what RELIABILITY T5 requires after the app is gone: the
    /// alternate screen left, the cursor shown, mouse reporting off, and
    /// (on Linux) the tty back in cooked mode with echo and signals.
    #[track_caller]
    pub fn assert_terminal_restored(&self) {
        let (alt, hidden, mouse, screen) = self.with_screen(|s| {
            (
                s.alternate_screen(),
                s.hide_cursor(),
                s.mouse_protocol_mode(),
                framed(s),
            )
        });
        assert!(
            !alt,
            "T5: still in the alternate screen after exit\n{screen}"
        );
        assert!(!hidden, "T5: cursor still hidden after exit\n{screen}");
        assert_eq!(
            mouse,
            vt100::MouseProtocolMode::None,
            "T5: mouse reporting still on after exit"
        );
        #[cfg(target_os = "linux")]
        {
            let t = self.master.get_termios().expect("read the pty's termios");
            // Linux values of the termios local flags (asm-generic/termbits.h).
            const ISIG: u64 = 0o000001;
            const ICANON: u64 = 0o000002;
            const ECHO: u64 = 0o000010;
            let lflag = u64::from(t.local_flags.bits());
            for (bit, name) in [(ICANON, "icanon"), (ECHO, "echo"), (ISIG, "isig")] {
                assert!(
                    lflag & bit != 0,
                    "T5: tty left without {name} (raw mode not undone)"
                );
            }
        }
    }

    /// Whether the tty is in raw mode now (Linux; `None` if unknown).
    pub fn tty_raw(&self) -> Option<bool> {
        #[cfg(target_os = "linux")]
        {
            let t = self.master.get_termios()?;
            Some(u64::from(t.local_flags.bits()) & 0o000002 == 0)
        }
        #[cfg(not(target_os = "linux"))]
        None
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.status.is_none()
            && let Ok(None) = self.child.try_wait()
        {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // Close our side for the answering thread too.
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

/// Key names → the bytes an xterm sends.
pub mod key {
    pub const ENTER: &str = "\r";
    pub const ESC: &str = "\x1b";
    pub const TAB: &str = "\t";
    pub const SHIFT_TAB: &str = "\x1b[Z";
    pub const DOWN: &str = "\x1b[B";
    pub const UP: &str = "\x1b[A";
    pub const PAGE_DOWN: &str = "\x1b[6~";
    pub const BACKSPACE: &str = "\x7f";
}

/// The screen as text, one line per row (trailing blanks trimmed).
pub fn screen_text(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    let rows: Vec<String> = screen
        .rows(0, cols.get())
        .map(|r| r.trim_end().to_string())
        .collect();
    rows.join("\n")
}

/// The rows of columns `start..start+width`, one line per row.
pub fn region(screen: &vt100::Screen, start: u16, width: u16) -> String {
    let rows: Vec<String> = screen
        .rows(start, width)
        .map(|r| r.trim_end().to_string())
        .collect();
    rows.join("\n")
}

/// The bottom row (marginote's status line).
pub fn last_row(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .last()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

/// The screen in a frame, for failure messages.
pub fn framed(screen: &vt100::Screen) -> String {
    let (rows, cols) = screen.size();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "screen {}x{} (alternate: {}, cursor hidden: {}):",
        cols,
        rows,
        screen.alternate_screen(),
        screen.hide_cursor()
    );
    let _ = writeln!(out, "+{}+", "-".repeat(usize::from(cols.get())));
    for r in screen.rows(0, cols.get()) {
        let w = r.chars().count();
        let pad = usize::from(cols.get()).saturating_sub(w);
        let _ = writeln!(out, "|{r}{}|", " ".repeat(pad));
    }
    let _ = write!(out, "+{}+", "-".repeat(usize::from(cols.get())));
    out
}

/// The last `n` bytes of `raw`, with controls escaped.
pub fn escaped_tail(raw: &[u8], n: usize) -> String {
    let tail = &raw[raw.len().saturating_sub(n)..];
    escape_bytes(tail)
}

/// Bytes shown readably: ESC as `\e`, other controls as `\u{NN}`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `haystack` contains `needle`.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------
// Oracle: only our own sequences reach the terminal (T1)
// ---------------------------------------------------------------------------

/// Checks the raw output against RELIABILITY T1: no OSC, DCS, APC, PM or
/// other non-CSI escapes, no C0 but ESC/CR/LF, no DEL, no C1 (raw or
/// UTF-8 encoded), and every CSI is one a ratatui/crossterm frontend emits.
/// Returns the violations, readable.
pub fn t1_violations(raw: &[u8]) -> Vec<String> {
    let mut bad = Vec::new();
    let text = String::from_utf8_lossy(raw);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let context = |i: usize| -> String {
        let lo = i.saturating_sub(12);
        let hi = (i + 24).min(chars.len());
        escape_bytes(chars[lo..hi].iter().collect::<String>().as_bytes())
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\x1b' => {
                if chars.get(i + 1) == Some(&'[') {
                    let mut j = i + 2;
                    let mut params = String::new();
                    while j < chars.len()
                        && matches!(chars[j], '0'..='9' | ';' | ':' | '?' | '<' | '=' | '>')
                    {
                        params.push(chars[j]);
                        j += 1;
                    }
                    match chars.get(j) {
                        Some(&fin) if ('@'..='~').contains(&fin) => {
                            if !allowed_csi(&params, fin) {
                                bad.push(format!(
                                    "unexpected CSI `ESC [{params}{fin}` near {}",
                                    context(i)
                                ));
                            }
                            i = j + 1;
                            continue;
                        }
                        _ => {
                            bad.push(format!("malformed CSI near {}", context(i)));
                        }
                    }
                } else {
                    bad.push(format!("non-CSI escape near {}", context(i)));
                }
            }
            '\r' | '\n' => {}
            c if (c as u32) < 0x20 || c == '\x7f' => {
                bad.push(format!("control 0x{:02x} near {}", c as u32, context(i)));
            }
            c if (0x80..=0x9f).contains(&(c as u32)) => {
                bad.push(format!("C1 control U+{:04X} near {}", c as u32, context(i)));
            }
            _ => {}
        }
        i += 1;
    }
    bad
}

/// CSI sequences a crossterm backend sends for drawing and for the modes
/// marginote sets (alternate screen, cursor, mouse capture).
fn allowed_csi(params: &str, fin: char) -> bool {
    let numeric = params
        .chars()
        .all(|c| c.is_ascii_digit() || c == ';' || c == ':');
    match fin {
        // cursor moves, erase, scroll (a region, lines deleted or
        // inserted in it), colours and attributes
        'H' | 'f' | 'A' | 'B' | 'C' | 'D' | 'G' | 'd' | 'J' | 'K' | 'm' | 'S' | 'T' | 'X' | 'r'
        | 'L' | 'M' => numeric,
        // cursor position query (ratatui asks once at start)
        'n' => params == "6",
        // private modes
        'h' | 'l' => matches!(
            params,
            "?1049"
                | "?25"
                | "?1000"
                | "?1002"
                | "?1003"
                | "?1006"
                | "?1015"
                | "?2004"
                | "?12"
                | "?7"
        ),
        // cursor shape (DECSCUSR: `ESC [ n SP q`) is never emitted by us
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

/// A Markdown essay titled `title` whose every word is unique and names its
/// paragraph: `{tag}{paragraph:02}w{word:02}`, e.g. `b07w03`. Any row on
/// screen therefore says exactly which passage it shows.
pub fn essay(tag: char, title: &str, paragraphs: usize, words: usize) -> String {
    let mut s = format!("# {title}\n\n");
    for p in 1..=paragraphs {
        let para: Vec<String> = (1..=words).map(|w| format!("{tag}{p:02}w{w:02}")).collect();
        s.push_str(&para.join(" "));
        s.push_str("\n\n");
    }
    s
}

/// Plain text that tries to drive the terminal (RELIABILITY §7): OSC title
/// set, OSC 52 clipboard write, mode changes, screen clear, bell, a C1 CSI,
/// a DCS, a bidi override, followed by filler lines to page through.
pub fn hostile_text() -> Vec<u8> {
    let mut s = String::new();
    s.push_str("hostile sample line one\n");
    s.push_str("title \x1b]0;PWNED\x07 after-title\n");
    s.push_str("clip \x1b]52;c;SGVsbG8gUFdORUQ=\x07 after-clip\n");
    s.push_str("modes \x1b[?1049l\x1b[?25h\x1b[?1000h after-modes\n");
    s.push_str("wipe \x1b[2J\x1b[H after-wipe\n");
    s.push_str("bell \x07\x07 after-bell\n");
    s.push_str("c1 \u{9b}31m after-c1\n");
    s.push_str("dcs \x1bP1$qm\x1b\\ after-dcs\n");
    s.push_str("bidi \u{202e}desrever\u{202c} after-bidi\n");
    s.push_str("resize \x1b[8;5;5t after-resize\n");
    s.push_str("query \x1b[6n\x1b[c\x1b]11;?\x07 after-query\n");
    for n in 1..=120 {
        let _ = writeln!(s, "filler line {n:03} \x1b]2;PWNED{n}\x07 x{n:03}");
    }
    // An OSC never terminated (a newline does not end it): a terminal
    // would swallow all that follows.
    s.push_str("tail \x1b]0;UNTERMINATED-OSC\n");
    s.into_bytes()
}

/// Markdown whose entities decode to controls (RELIABILITY T1: sanitise
/// after parsing), in the title too.
pub fn hostile_markdown() -> String {
    [
        "# Entities &#27;]0;HEADPWNED&#7; title",
        "",
        "Entity title set &#27;]0;ENTITYPWNED&#7; after-entity.",
        "",
        "Entity C1 &#x9b;31m and bell &#x7; after-c1-entity.",
        "",
        "Raw in Markdown \x1b]52;c;bWQ=\x07 after-raw-md.",
        "",
    ]
    .join("\n")
}

/// An `OsString` from raw bytes (Unix file names may hold any byte but / and NUL).
#[cfg(unix)]
pub fn os(bytes: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStringExt as _;
    OsString::from_vec(bytes.to_vec())
}

// ---- helpers shared by the end-to-end suites

/// Writes `text` as a note on the passage at the cursor (`a`) and presses
/// enter: the editor has closed when this returns.
#[track_caller]
pub fn write_note(t: &mut Tui, text: &str) {
    t.send("a");
    t.wait_for("Note on “");
    t.send(text);
    t.wait_for(text);
    t.send(key::ENTER);
    t.wait_gone("Note on “");
}

/// [`write_note`], then waits for “note saved” (the note is on disk).
#[track_caller]
pub fn note_saved(t: &mut Tui, text: &str) {
    write_note(t, text);
    t.wait_until("“note saved”", |s| status(s).contains("note saved"));
}

/// The bottom row: "<title> · NN%" and key hints, a message, or a prompt.
pub fn status(s: &vt100::Screen) -> String {
    last_row(s)
}

/// Tokens of [`essay`] (`b07w03`) in `text`, in order.
pub fn essay_tokens(text: &str, tag: char) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            let b = w.as_bytes();
            b.len() == 6
                && b[0] == tag as u8
                && b[1].is_ascii_digit()
                && b[2].is_ascii_digit()
                && b[3] == b'w'
                && b[4].is_ascii_digit()
                && b[5].is_ascii_digit()
        })
        .map(str::to_string)
        .collect()
}

/// Waits until `probe` finds a file in the state a test expects (`Ok`),
/// or fails after [`DEADLINE`] saying `what` and the last `Err` (why the
/// file was not there yet). For files the app writes off its loop (notes
/// saves run on the saver thread): the screen may show a change before
/// its save lands, so a test that reads the file must wait for it.
#[track_caller]
pub fn wait_for_file<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let start = Instant::now();
    loop {
        let why = match probe() {
            Ok(v) => return v,
            Err(why) => why,
        };
        let elapsed = start.elapsed();
        assert!(
            elapsed < DEADLINE,
            "timed out after {elapsed:.1?} waiting for {what}; last seen: {why}"
        );
        // Another process writes the file, with no event to wait on: a
        // poll interval, not a timing assumption (the deadline fails).
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn parse_toml(path: &Path) -> toml::Table {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}\n{text}", path.display()))
}

/// Whether the reading cursor bar is on this reader row.
/// Moves the reading cursor down, one row at a time, until its row (as
/// `cursor_row` finds it on the screen) shows `word`.
#[track_caller]
pub fn move_cursor_to(
    t: &mut Tui,
    word: &str,
    cursor_row: impl Fn(&vt100::Screen) -> Option<String>,
) {
    for _ in 0..400 {
        let now = t.with_screen(&cursor_row);
        if now.as_deref().is_some_and(|r| r.contains(word)) {
            return;
        }
        t.send("j");
        t.wait_until(&format!("the cursor to move (towards {word:?})"), |s| {
            cursor_row(s) != now
        });
    }
    panic!("the cursor never reached {word:?}\n{}", t.framed());
}

pub fn has_cursor(row: &str) -> bool {
    row.chars().nth(2) == Some('▌')
}

/// The T1 oracle over everything the app wrote: no sequence it does not
/// own in `raw`, and no title, icon name, clipboard, bell, resize request
/// or sequence the terminal did not know. (A caller that expects one OSC 52
/// removes it from `raw` and checks the clipboard itself.)
#[track_caller]
pub fn assert_t1_bytes(raw: &[u8], ev: &Events, clipboard_checked: bool) {
    let bad = t1_violations(raw);
    assert!(
        bad.is_empty(),
        "T1: the app wrote sequences it does not own:\n{}",
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        ev.titles.is_empty(),
        "T1: window title was set: {:?}",
        ev.titles
    );
    assert!(
        ev.icon_names.is_empty(),
        "T1: icon name was set: {:?}",
        ev.icon_names
    );
    if !clipboard_checked {
        assert!(
            ev.clipboard_writes.is_empty(),
            "T1: clipboard was written: {:?}",
            ev.clipboard_writes
        );
    }
    assert_eq!(ev.clipboard_reads, 0, "T1: clipboard was queried");
    assert_eq!(ev.bells, 0, "T1: the bell rang");
    assert!(
        ev.resize_requests.is_empty(),
        "T1: window resize requested: {:?}",
        ev.resize_requests
    );
    // vt100 does not implement urxvt mouse mode 1015 or SGR 59 (underline
    // colour reset), both sent by crossterm, and reports U+FFFD (what the
    // reader shows for invalid bytes) as unhandled; anything else is foreign.
    let foreign: Vec<&String> = ev
        .unhandled
        .iter()
        .filter(|u| {
            let known = matches!(
                u.as_str(),
                "csi ESC [?1015h" | "csi ESC [?1015l" | "csi ESC [59m" | "char '\u{FFFD}'"
            );
            // vt100 ends an OSC at the ESC of a string terminator (ESC \)
            // and reports the `\` apart: the end of our own OSC 52.
            let our_st = clipboard_checked && u.as_str() == "escape ESC \\";
            !known && !our_st
        })
        .collect();
    assert!(
        foreign.is_empty(),
        "T1: sequences the terminal did not know: {foreign:?}"
    );
}

/// [`assert_t1_bytes`] over a whole session.
#[track_caller]
pub fn assert_t1_clean(t: &Tui) {
    assert_t1_bytes(&t.raw(), &t.events(), false);
}

/// Every file under `dir`, recursively (none when it is missing).
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}
