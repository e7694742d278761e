//! What a key costs when it crosses a thread (issue 12): the smallest
//! program that answers each key typed with a 200-byte "frame", in two
//! shapes.
//!
//!     cargo build --release --example thread_hop
//!     target/release/examples/thread_hop one   # the loop reads the terminal
//!     target/release/examples/thread_hop two   # a thread reads it, as marginote's did
//!
//! `two` is the input path marginote had until stop 25, with nothing else: a thread blocked on
//! the terminal sends each read over a channel and rings a socket; the loop,
//! asleep in `poll(2)` on that socket, wakes and writes. `one` is less's: the
//! loop polls the terminal itself. `q` quits either. Typed side by side at
//! a pty (300 keys each, in turn), on the 2-core VM of
//! `benches/compare/results/issue12-stop25.md`, `one` answered in 0.117 ms,
//! `two` in 0.19–0.25 ms, less in 0.14: the second wake-up is why
//! marginote's loop now reads the terminal itself.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::mpsc;

use rustix::event::{PollFd, PollFlags, poll};
use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};

/// Waits until `fd` can be read.
fn wait(fd: &impl std::os::fd::AsFd) -> std::io::Result<()> {
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    poll(&mut fds, None)?;
    Ok(())
}

fn main() -> std::io::Result<()> {
    let two = std::env::args().nth(1).as_deref() == Some("two");
    let stdin = std::io::stdin();
    let saved = tcgetattr(&stdin)?;
    let mut raw = saved.clone();
    raw.make_raw();
    tcsetattr(&stdin, OptionalActions::Now, &raw)?;
    let frame = [b'x'; 200];
    let mut out = std::io::stdout().lock();
    out.write_all(b"ready\r\n")?;
    out.flush()?;
    if two {
        let (mut bell, mut ringer) = UnixStream::pair()?;
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || -> std::io::Result<()> {
            let mut input = std::io::stdin();
            let mut buf = [0u8; 64];
            loop {
                wait(&input)?;
                let n = input.read(&mut buf)?;
                if tx.send(buf[..n].to_vec()).is_err() || n == 0 {
                    return Ok(());
                }
                ringer.write_all(&[1])?;
            }
        });
        let mut rung = [0u8; 64];
        'run: loop {
            wait(&bell)?;
            let _ = bell.read(&mut rung)?;
            while let Ok(keys) = rx.try_recv() {
                if keys.is_empty() || keys.contains(&b'q') {
                    break 'run;
                }
            }
            out.write_all(&frame)?;
            out.flush()?;
        }
    } else {
        let mut input = std::io::stdin();
        let mut buf = [0u8; 64];
        loop {
            wait(&input)?;
            let n = input.read(&mut buf)?;
            if n == 0 || buf[..n].contains(&b'q') {
                break;
            }
            out.write_all(&frame)?;
            out.flush()?;
        }
    }
    tcsetattr(&stdin, OptionalActions::Now, &saved)?;
    Ok(())
}
