//! What the loop waits for: the terminal's keys and resizes, and the
//! messages of workers, the saver and signals, in one wait.
//!
//! The loop sleeps in `poll(2)` on the terminal and on a "bell": a socket
//! that every [`Sender`] rings after it puts a message on the channel, and
//! that the signal handlers ring. Signals need no thread: the signals that
//! ask marginote to go raise a flag, then ring; SIGWINCH raises a flag and
//! interrupts the wait, which alone lets it in ([`super::wait`]; where it
//! cannot, it rings too).
//!
//! The keys are read by the loop itself, decoded by
//! [`crate::input::decode`]: a key that woke a reader thread, which then
//! woke the loop, paid for a second wake-up, 0.07–0.14 ms on a 2-core
//! machine (`examples/thread_hop.rs`), most of what kept a line key behind
//! less's. Every read takes all the terminal has, and every key decoded
//! from it is handed out before the terminal is polled again, so no key
//! waits in a buffer the poll cannot see (crossterm's reader, polled
//! beside the loop's own wait, could hold such keys).
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, IsTerminal as _, Read as _, Write as _};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::Event;

use super::wait::{Held, wait};
use crate::app::Msg;
use crate::input::decode::Decoder;

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
    tx: mpsc::Sender<Box<Msg>>,
    bell: Arc<UnixStream>,
}

impl Sender {
    /// Sends `m`; false once the loop is gone.
    pub(super) fn send(&self, m: Msg) -> bool {
        self.put(Box::new(m))
    }

    /// A sender whose messages go to the returned receiver alone, for
    /// tests of what sends them.
    #[cfg(test)]
    pub(super) fn to_channel() -> (Sender, mpsc::Receiver<Box<Msg>>) {
        let (tx, rx) = mpsc::channel();
        let (bell, _) = UnixStream::pair().expect("bell");
        bell.set_nonblocking(true).expect("bell");
        let bell = Arc::new(bell);
        (Sender { tx, bell }, rx)
    }

    fn put(&self, i: Box<Msg>) -> bool {
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
    rx: mpsc::Receiver<Box<Msg>>,
    /// The end of the bell the loop sleeps on.
    bell: UnixStream,
    /// Raised by the signal handler on SIGWINCH (before it rings).
    resized: Arc<AtomicBool>,
    /// Raised by the signal handler on SIGWINCH too, for the screen
    /// ([`super::terminal::Screen::hear_resizes`]).
    sized: Option<Arc<AtomicBool>>,
    /// The signals that ask marginote to go, each raised by its handler
    /// before it rings: the loop saves and restores the terminal instead
    /// of being killed.
    quit_signals: Vec<(i32, Arc<AtomicBool>)>,
    /// The terminal's input, once keys are read (from the first frame on).
    tty: Option<File>,
    /// Keys decoded and not handed out yet.
    keys: VecDeque<Event>,
    decoder: Decoder,
    /// The terminal hung up: heard once, as SIGHUP.
    hung_up: bool,
    /// What a read of the terminal takes in.
    read_buf: Box<[u8]>,
    /// The last read took all the terminal had (less than a buffer): the
    /// check for more keys before the frame need not poll it again. Two
    /// polls a key (that check, and one before each wait) were a tenth of
    /// a line key's time in the kernel (perf, 2 cores).
    drained: bool,
    /// A message taken off the channel by a wait, to be handed out after
    /// the keys typed before it.
    message: Option<Box<Msg>>,
    /// SIGWINCH held on the loop's thread: the wait lets it in.
    held: Option<Held>,
}

/// A new inbox and its first sender. Signals are heard from here on; with
/// `held` (SIGWINCH held on this thread, [`super::wait`]), a resize is
/// heard by the wait alone, which lets it in, and does not ring the bell.
pub(super) fn inbox(held: Option<Held>) -> io::Result<(Sender, Inbox)> {
    let (tx, rx) = mpsc::channel();
    let (ring_end, bell) = UnixStream::pair()?;
    ring_end.set_nonblocking(true)?;
    bell.set_nonblocking(true)?;
    let resized = Arc::new(AtomicBool::new(false));
    // The flag first, then the bell (the handler runs its actions in the
    // order they were registered): the loop, woken, finds the flag raised.
    signal_hook::flag::register(signal_hook::consts::SIGWINCH, resized.clone())?;
    let sized = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGWINCH, sized.clone())?;
    if held.is_none() {
        signal_hook::low_level::pipe::register(
            signal_hook::consts::SIGWINCH,
            ring_end.try_clone()?,
        )?;
    }
    let mut quit_signals = Vec::new();
    for sig in QUIT_SIGNALS {
        let raised = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(sig, raised.clone())?;
        signal_hook::low_level::pipe::register(sig, ring_end.try_clone()?)?;
        quit_signals.push((sig, raised));
    }
    let mut inbox = Inbox::new(rx, bell, resized, quit_signals);
    inbox.sized = Some(sized);
    inbox.held = held;
    let sender = Sender {
        tx,
        bell: Arc::new(ring_end),
    };
    Ok((sender, inbox))
}

impl Inbox {
    fn new(
        rx: mpsc::Receiver<Box<Msg>>,
        bell: UnixStream,
        resized: Arc<AtomicBool>,
        quit_signals: Vec<(i32, Arc<AtomicBool>)>,
    ) -> Inbox {
        Inbox {
            rx,
            bell,
            resized,
            sized: None,
            quit_signals,
            tty: None,
            keys: VecDeque::new(),
            decoder: Decoder::default(),
            hung_up: false,
            read_buf: vec![0; 4096].into_boxed_slice(),
            drained: false,
            message: None,
            held: None,
        }
    }

    /// A flag the signal handler raises on every SIGWINCH, for the screen
    /// alone to lower: it asks the terminal's size only after one
    /// ([`super::terminal::Screen::hear_resizes`]).
    pub(super) fn resizes(&self) -> Option<Arc<AtomicBool>> {
        self.sized.clone()
    }

    /// Reads the terminal's keys from now on: stdin when it is the
    /// terminal, else `/dev/tty` (where raw mode was set).
    pub(super) fn read_keys(&mut self) -> io::Result<()> {
        let stdin = io::stdin();
        let tty = if stdin.is_terminal() {
            File::from(stdin.as_fd().try_clone_to_owned()?)
        } else {
            File::open("/dev/tty")?
        };
        self.tty = Some(tty);
        Ok(())
    }

    /// The next input already here, without waiting: a signal first, then
    /// keys, then messages in order, then a resize. `None` when nothing
    /// waits.
    ///
    /// Keys before messages: a worker that sends many results never holds
    /// a key back, and the loop holds the keys whose meaning depends on a
    /// result still to come (a document still read, a search not answered).
    pub(super) fn try_recv(&mut self) -> Option<Input> {
        // Right after a read that took all there was, nothing came since
        // that the frame must wait for: a key typed meanwhile is read by
        // the next wait, which returns at once.
        if self.keys.is_empty() && !std::mem::take(&mut self.drained) {
            self.read_tty(false);
        }
        self.queued()
    }

    /// [`Inbox::try_recv`] of what is here already, without asking the
    /// terminal: a signal first, then the keys read, then messages in
    /// order, then a resize.
    fn queued(&mut self) -> Option<Input> {
        for (sig, raised) in &self.quit_signals {
            if raised.swap(false, Ordering::SeqCst) {
                return Some(Input::Msg(Box::new(Msg::Signal(*sig))));
            }
        }
        if let Some(ev) = self.keys.pop_front() {
            return Some(Input::Term(ev));
        }
        if std::mem::take(&mut self.hung_up) {
            tracing::warn!("the terminal hung up");
            return Some(Input::Msg(Box::new(Msg::Signal(
                signal_hook::consts::SIGHUP,
            ))));
        }
        if let Some(m) = self.message.take().or_else(|| self.rx.try_recv().ok()) {
            return Some(Input::Msg(m));
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

    /// Reads what the terminal sent, if anything, without waiting: all of
    /// it (`ready`: a poll just said it can be read).
    fn read_tty(&mut self, ready: bool) {
        let Some(tty) = &self.tty else { return };
        if !ready && !matches!(wait([tty.as_fd()], Duration::ZERO, None), Ok([true])) {
            return;
        }
        // The buffer is the inbox's: one on the stack was zeroed on every
        // key (a fiftieth of a line key's instructions).
        let buf = &mut self.read_buf[..];
        loop {
            match (&*tty).read(buf) {
                // A terminal read after a poll said it can be: a full
                // buffer may have more behind it.
                Ok(n) if n > 0 => {
                    let full = n == buf.len();
                    self.decoder.feed(&buf[..n], full, &mut self.keys);
                    self.drained = !full;
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                // End of input or an error (EIO once the terminal is
                // gone): the terminal will not type again.
                r => {
                    tracing::warn!(result = ?r.map(|_| ()), "the terminal cannot be read");
                    self.tty = None;
                    self.hung_up = true;
                    return;
                }
            }
        }
    }

    /// The next input, waiting up to `timeout` for it; `None` when none came.
    pub(super) fn recv_timeout(&mut self, timeout: Duration) -> Option<Input> {
        let deadline = Instant::now() + timeout;
        loop {
            // The terminal is asked by the poll below (at once when it has
            // keys), not by a poll of its own first, unless something else
            // waits already: then keys typed before it go first.
            if self.message.is_none() {
                self.message = self.rx.try_recv().ok();
            }
            let waiting = self.message.is_some()
                || self.hung_up
                || self.resized.load(Ordering::SeqCst)
                || self
                    .quit_signals
                    .iter()
                    .any(|(_, r)| r.load(Ordering::SeqCst));
            if waiting || !self.keys.is_empty() {
                return self.try_recv();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let bell_fd = self.bell.as_fd();
            let woke = match self.tty.as_ref().map(AsFd::as_fd) {
                Some(tty) => wait([bell_fd, tty], left, self.held.as_ref()),
                None => wait([bell_fd], left, self.held.as_ref()).map(|[b]| [b, false]),
            };
            let [bell, tty] = match woke {
                Ok(w) => w,
                Err(e) => {
                    tracing::warn!(error = %e, "waiting for input failed");
                    return None;
                }
            };
            if bell {
                // What rang it is on the channel (or a flag).
                let mut buf = [0u8; 64];
                while matches!((&self.bell).read(&mut buf), Ok(n) if n > 0) {}
            }
            if tty {
                // Readable, or hung up (a read then says so).
                self.read_tty(true);
            }
            if left.is_zero() && !bell && !tty {
                return self.queued();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};

    /// An inbox whose terminal is the returned socket's other end (no
    /// signal handlers: the test process keeps its own).
    fn inbox_on_socket() -> (Sender, Inbox, UnixStream) {
        let (tx, rx) = mpsc::channel();
        let (ring_end, bell) = UnixStream::pair().expect("bell");
        ring_end.set_nonblocking(true).expect("bell");
        bell.set_nonblocking(true).expect("bell");
        let (typist, tty) = UnixStream::pair().expect("terminal");
        tty.set_nonblocking(true).expect("terminal");
        let mut inbox = Inbox::new(rx, bell, Arc::new(AtomicBool::new(false)), Vec::new());
        inbox.tty = Some(File::from(std::os::fd::OwnedFd::from(tty)));
        let sender = Sender {
            tx,
            bell: Arc::new(ring_end),
        };
        (sender, inbox, typist)
    }

    fn key(i: Option<Input>) -> Option<KeyCode> {
        match i {
            Some(Input::Term(Event::Key(KeyEvent { code, .. }))) => Some(code),
            _ => None,
        }
    }

    const LONG: Duration = Duration::from_secs(10);

    /// One poll a key: the check before a frame skips the terminal after
    /// a read that took all it had, and every key typed is still handed
    /// out, in order, the ones typed meanwhile by the next wait at once.
    #[test]
    fn every_key_typed_comes_out_in_order_and_the_wait_returns_at_once() {
        let (_sender, mut inbox, mut typist) = inbox_on_socket();
        typist.write_all(b"j").expect("type");
        assert_eq!(key(inbox.recv_timeout(LONG)), Some(KeyCode::Char('j')));
        // Typed after the read: not seen by the check before the frame...
        typist.write_all(b"k").expect("type");
        assert!(inbox.try_recv().is_none());
        // ...but the wait after it returns the key without waiting.
        let t = Instant::now();
        assert_eq!(key(inbox.recv_timeout(LONG)), Some(KeyCode::Char('k')));
        assert!(
            t.elapsed() < LONG / 2,
            "the wait held a key typed before it"
        );
        // Nothing typed: the check after a read asks the terminal again
        // once nothing was read since.
        assert!(inbox.try_recv().is_none());
        typist.write_all(b"G").expect("type");
        assert_eq!(key(inbox.try_recv()), Some(KeyCode::Char('G')));
        // A wait that may not wait, nothing typed: nothing.
        assert!(inbox.recv_timeout(Duration::ZERO).is_none());
    }

    /// Keys that fill more than a read's buffer (a paste) are all handed
    /// out before the frame: a full read is followed by another.
    #[test]
    fn a_paste_longer_than_a_read_is_read_whole_before_the_frame() {
        let (_sender, mut inbox, mut typist) = inbox_on_socket();
        let n = 3 * 4096 + 17;
        typist.write_all(&vec![b'x'; n]).expect("type");
        let mut got = usize::from(key(inbox.recv_timeout(LONG)).is_some());
        while let Some(i) = inbox.try_recv() {
            assert_eq!(key(Some(i)), Some(KeyCode::Char('x')));
            got += 1;
        }
        assert_eq!(got, n);
    }

    /// A message sent while the loop waits wakes it, after the keys.
    #[test]
    fn a_message_wakes_the_wait_and_keys_come_first() {
        let (sender, mut inbox, mut typist) = inbox_on_socket();
        let waiting = std::thread::spawn(move || {
            let got = inbox.recv_timeout(LONG);
            (inbox, got)
        });
        assert!(sender.send(Msg::Tick));
        let (mut inbox, got) = waiting.join().expect("the wait");
        assert!(matches!(got, Some(Input::Msg(m)) if matches!(*m, Msg::Tick)));
        assert!(sender.send(Msg::Tick));
        typist.write_all(b"q").expect("type");
        assert_eq!(key(inbox.recv_timeout(LONG)), Some(KeyCode::Char('q')));
        assert!(matches!(inbox.recv_timeout(LONG), Some(Input::Msg(_))));
    }
}
