//! What the loop waits for: the terminal's keys and resizes, and the
//! messages of workers, the saver and signals, in one wait on the loop's
//! own thread.
//!
//! Keys are read by the loop itself, not by a thread that hands each one
//! over: on a 2-core machine that hand-off was a second wake-up, and a
//! second context switch, on the way of every key (issue 12). The loop
//! sleeps in `poll(2)` on the terminal and on a "bell": a socket that every
//! [`Sender`] rings after it puts a message on the channel, and that the
//! signal handler rings on SIGWINCH.
//!
//! Keys are parsed by crossterm, asked without waiting
//! ([`event::poll`] with a zero timeout) only once `poll(2)` said the
//! terminal has input, and every time before the loop sleeps: crossterm may
//! hold events it read in one go.

use std::io::{self, Read as _, Write as _};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event};
use rustix::event::{PollFd, PollFlags, Timespec};

use crate::app::Msg;

/// One thing for the loop.
pub(super) enum Input {
    Term(Event),
    Msg(Box<Msg>),
}

/// Puts messages in the loop's inbox and wakes it; cloned into every
/// thread that reports to the loop.
#[derive(Clone)]
pub(super) struct Sender {
    tx: mpsc::Sender<Input>,
    bell: Arc<UnixStream>,
}

impl Sender {
    /// Sends `m`; false once the loop is gone.
    pub(super) fn send(&self, m: Msg) -> bool {
        if self.tx.send(Input::Msg(Box::new(m))).is_err() {
            return false;
        }
        ring(&self.bell);
        true
    }
}

/// Wakes the loop. A full bell (the loop has not looked yet) is rung
/// already: the byte lost is not needed.
fn ring(mut bell: &UnixStream) {
    let _ = bell.write(&[1]);
}

/// The loop's end of the inbox.
pub(super) struct Inbox {
    rx: mpsc::Receiver<Input>,
    /// The end of the bell the loop sleeps on.
    bell: UnixStream,
    /// Raised by the signal handler on SIGWINCH (before it rings).
    resized: Arc<AtomicBool>,
    /// The terminal crossterm reads keys from, while it can be read.
    tty: Option<std::os::fd::OwnedFd>,
    /// Events crossterm gave but the loop has not taken yet.
    events: std::collections::VecDeque<Event>,
    /// The terminal was found gone: the loop hears it once, as a hang-up.
    hung_up: bool,
    /// Whether crossterm may have input to give: at the start, and when
    /// `poll(2)` said the terminal has some. After crossterm said it has
    /// none it is not asked again until then (a system call saved a key).
    tty_ready: bool,
}

/// A new inbox and its first sender.
pub(super) fn inbox() -> io::Result<(Sender, Inbox)> {
    let (tx, rx) = mpsc::channel();
    let (ring_end, bell) = UnixStream::pair()?;
    ring_end.set_nonblocking(true)?;
    bell.set_nonblocking(true)?;
    let resized = Arc::new(AtomicBool::new(false));
    // crossterm registers its own SIGWINCH action when it is first asked
    // for events: asked here, before ours, its action runs first (the
    // handler runs them in the order they were registered). Then the flag,
    // then the bell: the loop, woken, finds the flag raised and crossterm's
    // resize waiting, which it takes at once (see `try_recv`).
    let _ = event::poll(Duration::ZERO);
    signal_hook::flag::register(signal_hook::consts::SIGWINCH, resized.clone())?;
    signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, ring_end.try_clone()?)?;
    let inbox = Inbox {
        rx,
        bell,
        resized,
        tty: terminal_fd(),
        events: std::collections::VecDeque::new(),
        hung_up: false,
        tty_ready: true,
    };
    let sender = Sender {
        tx,
        bell: Arc::new(ring_end),
    };
    Ok((sender, inbox))
}

/// The terminal crossterm reads from: standard input when it is one, else
/// the process' terminal (as crossterm chooses it).
fn terminal_fd() -> Option<std::os::fd::OwnedFd> {
    let stdin = io::stdin();
    if rustix::termios::isatty(stdin.as_fd()) {
        stdin.as_fd().try_clone_to_owned().ok()
    } else {
        std::fs::File::open("/dev/tty").ok().map(Into::into)
    }
}

impl Inbox {
    /// The next input already here, without waiting: messages first, then
    /// a resize, then the terminal's events. `None` when nothing waits.
    pub(super) fn try_recv(&mut self) -> Option<Input> {
        if let Ok(i) = self.rx.try_recv() {
            return Some(i);
        }
        if std::mem::take(&mut self.hung_up) {
            return Some(Input::Msg(Box::new(Msg::Signal(
                signal_hook::consts::SIGHUP,
            ))));
        }
        if self.resized.swap(false, Ordering::SeqCst) {
            // crossterm's own resize is taken now, while no key is likely
            // to come with it. crossterm watches the terminal edge-triggered
            // and, given a resize and a key in one wake-up, may return the
            // resize and never read the key: it would wait unseen for the
            // next key.
            self.read_terminal();
            // The size now, not the one the signal was sent for: resizes
            // in a row become one.
            if let Ok((w, h)) = ratatui::crossterm::terminal::size() {
                return Some(Input::Term(Event::Resize(w, h)));
            }
        }
        if self.events.is_empty() && std::mem::take(&mut self.tty_ready) {
            self.read_terminal();
        }
        self.events.pop_front().map(Input::Term)
    }

    /// Takes every event crossterm can give without waiting. Resizes are
    /// ours (SIGWINCH above): crossterm's own are dropped, so one resize is
    /// never answered twice.
    fn read_terminal(&mut self) {
        if self.tty.is_none() {
            return;
        }
        loop {
            match event::poll(Duration::ZERO) {
                Ok(true) => match event::read() {
                    Ok(Event::Resize(..)) => {}
                    Ok(ev) => self.events.push_back(ev),
                    Err(e) => return self.gone(&e),
                },
                Ok(false) => return,
                Err(e) => return self.gone(&e),
            }
        }
    }

    /// The terminal cannot be read any more (hung up, closed): it is not
    /// polled again, and the loop hears a hang-up, which saves and quits.
    fn gone(&mut self, why: &dyn std::fmt::Display) {
        tracing::warn!(%why, "the terminal cannot be read: quitting as on a hang-up");
        self.tty = None;
        self.hung_up = true;
    }

    /// The next input, waiting up to `wait` for it; `None` when none came.
    pub(super) fn recv_timeout(&mut self, wait: Duration) -> Option<Input> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(i) = self.try_recv() {
                return Some(i);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let timeout = Timespec {
                tv_sec: left.as_secs().try_into().unwrap_or(i64::MAX),
                tv_nsec: left.subsec_nanos().into(),
            };
            let bell = PollFd::new(&self.bell, PollFlags::IN);
            let (rang, tty) = {
                let mut fds = vec![bell];
                if let Some(tty) = &self.tty {
                    fds.push(PollFd::new(tty, PollFlags::IN));
                }
                match rustix::event::poll(&mut fds, Some(&timeout)) {
                    Ok(_) | Err(rustix::io::Errno::INTR) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "waiting for input failed");
                        return None;
                    }
                }
                (
                    fds[0].revents().contains(PollFlags::IN),
                    fds.get(1).map_or(PollFlags::empty(), PollFd::revents),
                )
            };
            if tty.contains(PollFlags::IN) {
                self.tty_ready = true;
            } else if tty.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
                self.gone(&"hung up");
            }
            if rang {
                self.quiet_bell();
            }
        }
    }

    /// Empties the bell: what rang it is on the channel (or the flag).
    fn quiet_bell(&mut self) {
        let mut buf = [0u8; 64];
        while matches!(self.bell.read(&mut buf), Ok(n) if n > 0) {}
    }
}
