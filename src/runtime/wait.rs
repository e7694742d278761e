//! The loop's one wait, `poll(2)` on the terminal and the inbox's bell,
//! and on Linux the resize signal let in only during it (issue 12).
//!
//! A resize used to wake the loop twice over: SIGWINCH interrupted the
//! poll, and its handler also rang the bell (a `send` on a socket, inside
//! the handler) so that a signal that came while the loop was busy would
//! not wait for the next key; the loop then read the bell empty. On a
//! 2-core VM that ring and its read were a tenth of a resize's time (perf,
//! the essay resized 400 times), 0.03 ms of its 0.54 (ttyperf, 96 resizes
//! each).
//!
//! Here SIGWINCH is held (blocked) on the loop's thread, and on every
//! thread started after it, which inherit the mask, from the start of
//! [`crate::runtime::run`]; `ppoll(2)` lets it in, atomically, only while
//! the loop waits. One that came while the loop was busy is pending, so the
//! next wait returns at once (`EINTR`, the handler having raised the flag):
//! nothing is lost, and no bell is needed. No worker ever takes it, since
//! none lets it in. Elsewhere than Linux the bell rings as before.
//!
//! Child processes (pdftotext, started from a worker) get an empty mask
//! from the standard library's spawn, which resets it before `exec`.
//!
//! `unsafe` here: the calls into libc, each with the reason it is sound.

#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd as _, BorrowedFd};
use std::time::Duration;

/// SIGWINCH held on the thread that made this; the mask to wait with lets
/// it in. (Never made elsewhere than Linux.)
#[derive(Clone, Copy)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(super) struct Held {
    #[cfg(target_os = "linux")]
    waiting: libc::sigset_t,
}

/// Holds SIGWINCH on this thread and on the threads it starts from now on
/// (they inherit the mask); `None` where the wait cannot let it in again
/// (not Linux) or the mask could not be set: the bell is rung instead.
///
/// Called before the loop's thread starts any other, so that none can take
/// the signal.
pub(super) fn hold_resizes() -> Option<Held> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sigset_t is plain data that sigemptyset initialises;
        // pthread_sigmask reads `winch` and writes the previous mask into
        // `before`, both valid for the call; a failure leaves the mask as
        // it was and is answered by returning None.
        unsafe {
            let mut winch: libc::sigset_t = std::mem::zeroed();
            let mut before: libc::sigset_t = std::mem::zeroed();
            if libc::sigemptyset(&mut winch) != 0
                || libc::sigaddset(&mut winch, libc::SIGWINCH) != 0
                || libc::pthread_sigmask(libc::SIG_BLOCK, &winch, &mut before) != 0
            {
                return None;
            }
            // The wait lets in what was let in before, and SIGWINCH.
            let mut waiting = before;
            if libc::sigdelset(&mut waiting, libc::SIGWINCH) != 0 {
                libc::pthread_sigmask(libc::SIG_SETMASK, &before, std::ptr::null_mut());
                return None;
            }
            Some(Held { waiting })
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Waits up to `timeout` until one of `fds` can be read (or hangs up), or
/// a signal comes; which of them can, in order. With `held`, SIGWINCH is
/// let in for the wait alone.
pub(super) fn wait<const N: usize>(
    fds: [BorrowedFd<'_>; N],
    timeout: Duration,
    held: Option<&Held>,
) -> io::Result<[bool; N]> {
    #[cfg(target_os = "linux")]
    if let Some(h) = held {
        let mut polled = fds.map(|fd| libc::pollfd {
            fd: fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        });
        let ts = libc::timespec {
            tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
            // Under a billion: fits every c_long.
            tv_nsec: timeout.subsec_nanos() as libc::c_long,
        };
        // SAFETY: `polled` is an array of N initialised pollfd for the
        // length given, `ts` and the mask are valid for the call; the fds
        // are borrowed for its length, so open.
        let r = unsafe { libc::ppoll(polled.as_mut_ptr(), N as libc::nfds_t, &ts, &h.waiting) };
        if r < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::Interrupted => Ok([false; N]),
                _ => Err(e),
            };
        }
        return Ok(polled.map(|p| p.revents != 0));
    }
    let _ = held;
    poll(fds, timeout)
}

/// The wait without a mask: rustix's `poll`.
fn poll<const N: usize>(fds: [BorrowedFd<'_>; N], timeout: Duration) -> io::Result<[bool; N]> {
    use rustix::event::{PollFd, PollFlags, Timespec};
    let timeout = Timespec {
        tv_sec: timeout.as_secs().try_into().unwrap_or(i64::MAX),
        tv_nsec: timeout.subsec_nanos().into(),
    };
    let mut polled = fds.map(|fd| PollFd::from_borrowed_fd(fd, PollFlags::IN));
    match rustix::event::poll(&mut polled, Some(&timeout)) {
        Ok(_) => Ok(polled.each_ref().map(|p| !p.revents().is_empty())),
        Err(rustix::io::Errno::INTR) => Ok([false; N]),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;
    use std::os::fd::AsFd as _;
    use std::os::unix::net::UnixStream;

    /// Both waits say which of their fds can be read, and time out with
    /// none when none can.
    #[test]
    fn a_wait_says_which_fd_can_be_read() {
        let (mut a, a_end) = UnixStream::pair().expect("pair");
        let (_b, b_end) = UnixStream::pair().expect("pair");
        a.write_all(b"x").expect("write");
        let short = Duration::from_millis(1);
        let fds = [a_end.as_fd(), b_end.as_fd()];
        assert_eq!(poll(fds, short).expect("poll"), [true, false]);
        let none = [b_end.as_fd()];
        assert_eq!(poll(none, short).expect("poll"), [false]);
        // The masked wait, on a thread of its own (the mask is the
        // thread's): the same answers, and SIGWINCH held after it.
        std::thread::spawn(move || {
            let held = hold_resizes();
            #[cfg(target_os = "linux")]
            assert!(held.is_some());
            let fds = [a_end.as_fd(), b_end.as_fd()];
            assert_eq!(
                wait(fds, short, held.as_ref()).expect("wait"),
                [true, false]
            );
            assert_eq!(
                wait([b_end.as_fd()], short, held.as_ref()).expect("wait"),
                [false]
            );
        })
        .join()
        .expect("the waiting thread");
    }

    /// A resize signalled while the loop is busy (held, so pending) is
    /// heard by the next wait at once: its handler runs, and the wait
    /// returns though nothing can be read. Without the mask let in by the
    /// wait, the signal would be handled when raised and the wait would sit
    /// out its whole timeout.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_resize_that_came_while_busy_ends_the_next_wait_at_once() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let raised = Arc::new(AtomicBool::new(false));
        let id = signal_hook::flag::register(signal_hook::consts::SIGWINCH, raised.clone())
            .expect("handler");
        let r = raised.clone();
        let waited = std::thread::spawn(move || {
            let held = hold_resizes().expect("held");
            let (_quiet, end) = UnixStream::pair().expect("pair");
            // To this thread alone, which holds it: pending, not handled.
            signal_hook::low_level::raise(signal_hook::consts::SIGWINCH).expect("raise");
            assert!(!r.load(Ordering::SeqCst), "handled while held");
            let t = std::time::Instant::now();
            let got = wait([end.as_fd()], Duration::from_secs(20), Some(&held)).expect("wait");
            (got, t.elapsed())
        })
        .join()
        .expect("the waiting thread");
        signal_hook::low_level::unregister(id);
        assert_eq!(waited.0, [false]);
        assert!(raised.load(Ordering::SeqCst), "the handler never ran");
        assert!(
            waited.1 < Duration::from_secs(10),
            "the wait sat out its timeout"
        );
    }
}
