//! What the loop waits for: the terminal's keys and resizes, and the
//! messages of workers, the saver and signals, in one wait.
//!
//! The loop sleeps in `poll(2)` on a "bell": a socket that every [`Sender`]
//! rings after it puts a message on the channel, and that the signal
//! handlers ring. Keys come from a thread blocked in crossterm's `read`,
//! as [`Sender::send_term`] messages. Signals need no thread: SIGWINCH and
//! the signals that ask marginote to go raise a flag, then ring.
//!
//! The keys are read on a thread of their own, blocked in crossterm's
//! `read`, not by the loop polling the terminal beside it: crossterm reads
//! what it polls, and a loop that polled the same terminal would wake for
//! input that crossterm has not taken yet. crossterm is built with
//! `use-dev-tty`, its reader polling level-triggered: its default (mio,
//! edge-triggered) could return a resize and leave a key that came with
//! it unread until the next key (`tests/e2e.rs` types right after
//! resizes, on a loaded machine).

use std::io::{self, Read as _, Write as _};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::Event;
use rustix::event::{PollFd, PollFlags, Timespec};

use crate::app::Msg;

/// One thing for the loop.
pub(super) enum Input {
    Term(Event),
    Msg(Box<Msg>),
}

/// The signals that ask marginote to go: heard as [`Msg::Signal`], so
/// that the loop saves and gives the terminal back first.
const QUIT_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGQUIT,
];

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
        self.put(Input::Msg(Box::new(m)))
    }

    /// Sends a terminal event; false once the loop is gone.
    pub(super) fn send_term(&self, ev: Event) -> bool {
        self.put(Input::Term(ev))
    }

    fn put(&self, i: Input) -> bool {
        if self.tx.send(i).is_err() {
            return false;
        }
        // A full bell (the loop has not looked yet) is rung already: the
        // byte lost is not needed.
        let _ = (&*self.bell).write(&[1]);
        true
    }
}

/// The loop's end of the inbox.
pub(super) struct Inbox {
    rx: mpsc::Receiver<Input>,
    /// The end of the bell the loop sleeps on.
    bell: UnixStream,
    /// Raised by the signal handler on SIGWINCH (before it rings).
    resized: Arc<AtomicBool>,
    /// The signals that ask marginote to go, each raised by its handler
    /// before it rings: the loop saves and restores the terminal instead
    /// of being killed.
    quit_signals: Vec<(i32, Arc<AtomicBool>)>,
}

/// A new inbox and its first sender. Signals are heard from here on.
pub(super) fn inbox() -> io::Result<(Sender, Inbox)> {
    let (tx, rx) = mpsc::channel();
    let (ring_end, bell) = UnixStream::pair()?;
    ring_end.set_nonblocking(true)?;
    bell.set_nonblocking(true)?;
    let resized = Arc::new(AtomicBool::new(false));
    // The flag first, then the bell (the handler runs its actions in the
    // order they were registered): the loop, woken, finds the flag raised.
    signal_hook::flag::register(signal_hook::consts::SIGWINCH, resized.clone())?;
    signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, ring_end.try_clone()?)?;
    let mut quit_signals = Vec::new();
    for sig in QUIT_SIGNALS {
        let raised = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(sig, raised.clone())?;
        signal_hook::low_level::pipe::register(sig, ring_end.try_clone()?)?;
        quit_signals.push((sig, raised));
    }
    let inbox = Inbox {
        rx,
        bell,
        resized,
        quit_signals,
    };
    let sender = Sender {
        tx,
        bell: Arc::new(ring_end),
    };
    Ok((sender, inbox))
}

/// Starts the thread that reads the terminal's events and sends them to
/// the loop, until the terminal cannot be read or the loop is gone.
/// crossterm's resizes are dropped: the loop hears its own (SIGWINCH), so
/// one resize is never answered twice.
pub(super) fn read_terminal(tx: Sender) {
    std::thread::spawn(move || {
        while let Ok(ev) = ratatui::crossterm::event::read() {
            if matches!(ev, Event::Resize(..)) {
                continue;
            }
            if !tx.send_term(ev) {
                break;
            }
        }
    });
}

impl Inbox {
    /// The next input already here, without waiting: a signal first, then
    /// messages and keys in order, then a resize. `None` when nothing
    /// waits.
    pub(super) fn try_recv(&mut self) -> Option<Input> {
        for (sig, raised) in &self.quit_signals {
            if raised.swap(false, Ordering::SeqCst) {
                return Some(Input::Msg(Box::new(Msg::Signal(*sig))));
            }
        }
        if let Ok(i) = self.rx.try_recv() {
            return Some(i);
        }
        if self.resized.swap(false, Ordering::SeqCst) {
            // The size now, not the one the signal was sent for: resizes
            // in a row become one.
            if let Ok(size) = super::output::terminal_size() {
                return Some(Input::Term(Event::Resize(size.width, size.height)));
            }
        }
        None
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
            let mut fds = [PollFd::new(&self.bell, PollFlags::IN)];
            match rustix::event::poll(&mut fds, Some(&timeout)) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "waiting for input failed");
                    return None;
                }
            }
            if fds[0].revents().contains(PollFlags::IN) {
                // What rang it is on the channel (or a flag).
                let mut buf = [0u8; 64];
                while matches!((&self.bell).read(&mut buf), Ok(n) if n > 0) {}
            }
        }
    }
}
