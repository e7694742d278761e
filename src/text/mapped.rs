//! Big plain texts read through a read-only memory map instead of being
//! copied into memory (issue 12): the text's pages belong to the kernel's
//! page cache, which reads them when the screen or a search reaches them
//! and evicts them under pressure, so a 2 GiB text costs the process a few
//! MiB of its own memory, not 2 GiB.
//!
//! A mapping shows the file as it is *now*: a file truncated or rewritten
//! in place while it is open changes under the reader. [`Mapped::changed`]
//! notices (the run loop asks it before drawing, by the size and
//! modification time of the open file), and the reader reads the file
//! again. A page touched in the moment between the change and that check
//! would raise SIGBUS (a mapped page past the file's new end); on Linux a
//! handler installed with the first mapping puts zeroed memory in place of
//! the mapping's missing pages, flags it, and lets the program go on: the
//! screen may show NULs for a moment, nothing is lost, and the reader
//! reads the file again. A SIGBUS anywhere else keeps its default action.
//!
//! The only `unsafe` code of the crate is here (mapping, the signal
//! handler), each use with the reason it is sound.

#![allow(unsafe_code)]

use std::fs::File;
use std::io;
use std::time::SystemTime;

/// A file mapped read-only, with what it looked like when mapped.
pub struct Mapped {
    /// The mapping's place in the SIGBUS guard (`None`: no guard here).
    slot: Option<usize>,
    map: memmap2::Mmap,
    /// Kept open: `fstat` on it answers whether *this* file (not a new
    /// one renamed over its name, which the mapping does not see) changed.
    file: File,
    size: u64,
    modified: Option<SystemTime>,
}

impl Mapped {
    /// Maps the whole of `file`, whose size is `size` (checked by the
    /// caller against the limits, and to fit a `usize`).
    pub fn new(file: File) -> io::Result<Mapped> {
        let meta = file.metadata()?;
        let size = meta.len();
        let len = usize::try_from(size).map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        // SAFETY: the mapping is read-only, and a file changed under it is
        // the case this module exists for: its bytes are only ever read as
        // bytes (never assumed to be UTF-8 without a check: a plain text's
        // body is `[u8]`, decoded per block with `utf8_chunks`), a change
        // is noticed by `changed`, and a truncation's SIGBUS is recovered
        // by the guard below.
        let map = unsafe { memmap2::MmapOptions::new().len(len).map(&file)? };
        let slot = guard::register(map.as_ptr() as usize, map.len());
        Ok(Mapped {
            slot,
            map,
            file,
            size,
            modified: meta.modified().ok(),
        })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Whether the file changed since it was mapped, and how: truncated
    /// (a page went missing, or it is shorter), grown, or rewritten (a
    /// new modification time). A file replaced by a rename is not a
    /// change of *this* file: the mapping keeps showing the old text, as
    /// a copy would.
    pub fn changed(&self) -> Option<Change> {
        if self.slot.is_some_and(guard::faulted) {
            return Some(Change::Truncated);
        }
        let meta = match self.file.metadata() {
            Ok(m) => m,
            Err(_) => return Some(Change::Unreadable),
        };
        if meta.len() < self.size {
            Some(Change::Truncated)
        } else if meta.len() > self.size {
            Some(Change::Grown)
        } else if meta.modified().ok() != self.modified {
            Some(Change::Rewritten)
        } else {
            None
        }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        // Out of the guard before `map` is unmapped (fields drop after).
        if let Some(slot) = self.slot {
            guard::unregister(slot);
        }
    }
}

/// How a mapped file changed on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Truncated,
    Grown,
    Rewritten,
    Unreadable,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Change::Truncated => "was cut short on disk",
            Change::Grown => "grew on disk",
            Change::Rewritten => "was rewritten on disk",
            Change::Unreadable => "can no longer be read",
        })
    }
}

/// Why a mapped text cannot be shown from its mapping as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfit {
    /// A NUL byte at this offset: binary.
    Nul,
    /// Not valid UTF-8: it must be decoded into a copy (byte marks).
    Invalid,
}

/// The check a mapped text passes before it is shown as it is: no NUL,
/// valid UTF-8 from byte `from` on. The file is *read* for it, a MiB at a
/// time into one buffer, not touched through the map: faulting 50 MB of
/// pages in cost ~100 ms where reading costs ~20, and would leave all of
/// them counted in the process's resident memory. The map shows the same
/// page cache the reads came from.
pub fn check(map: &Mapped, from: usize) -> Result<(), Unfit> {
    const STEP: usize = 1 << 20;
    let len = map.bytes().len();
    let mut buf = vec![0u8; STEP.min(len)];
    let mut at = from.min(len);
    while at < len {
        let end = at.saturating_add(STEP).min(len);
        let chunk = &mut buf[..end - at];
        if read_at(&map.file, chunk, at as u64).is_err() {
            // The file cannot be read (cut short meanwhile): not shown.
            return Err(Unfit::Invalid);
        }
        if memchr::memchr(0, chunk).is_some() {
            return Err(Unfit::Nul);
        }
        at = match std::str::from_utf8(chunk) {
            Ok(_) => end,
            // A character cut by the step's end: checked with the next.
            Err(e) if e.error_len().is_none() && end < len && e.valid_up_to() > 0 => {
                at + e.valid_up_to()
            }
            Err(_) => return Err(Unfit::Invalid),
        };
    }
    Ok(())
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read as _, Seek as _};
    let mut f = file.try_clone()?;
    f.seek(io::SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod guard {
    //! The SIGBUS guard: live mappings' address ranges in a fixed table
    //! the handler reads with atomics only (no lock, no allocation).

    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    const SLOTS: usize = 32;
    static START: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
    /// 0: the slot is free.
    static LEN: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
    static FAULTED: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
    static PAGE: AtomicUsize = AtomicUsize::new(4096);
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    static INSTALL: std::sync::Once = std::sync::Once::new();
    /// Registration (not the handler) takes turns.
    static TABLE: Mutex<()> = Mutex::new(());

    pub fn register(start: usize, len: usize) -> Option<usize> {
        INSTALL.call_once(install);
        if !INSTALLED.load(Ordering::Acquire) || len == 0 {
            return None;
        }
        let _turn = TABLE.lock().unwrap_or_else(|e| e.into_inner());
        let slot = (0..SLOTS).find(|&i| LEN[i].load(Ordering::Acquire) == 0)?;
        FAULTED[slot].store(false, Ordering::Relaxed);
        START[slot].store(start, Ordering::Relaxed);
        LEN[slot].store(len, Ordering::Release);
        Some(slot)
    }

    pub fn unregister(slot: usize) {
        let _turn = TABLE.lock().unwrap_or_else(|e| e.into_inner());
        LEN[slot].store(0, Ordering::Release);
    }

    pub fn faulted(slot: usize) -> bool {
        FAULTED[slot].load(Ordering::Acquire)
    }

    fn install() {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if let Ok(page) = usize::try_from(page)
            && page.is_power_of_two()
        {
            PAGE.store(page, Ordering::Relaxed);
        }
        // SAFETY: a zeroed sigaction is a valid "no flags, empty mask"
        // value; the handler has the SA_SIGINFO signature.
        let ok = unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_sigbus as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut()) == 0
        };
        INSTALLED.store(ok, Ordering::Release);
    }

    /// A page of a mapped text went missing (the file was cut short): map
    /// zeroed memory over it and the rest of that mapping, flag the
    /// mapping, and return, so the read that faulted is done again and
    /// reads zeros. `mmap` is not on POSIX's list of async-signal-safe
    /// functions, but on Linux it is the bare system call (glibc's wrapper
    /// takes no lock), as runtimes that recover faults this way rely on.
    extern "C" fn on_sigbus(
        _sig: libc::c_int,
        info: *mut libc::siginfo_t,
        _ctx: *mut libc::c_void,
    ) {
        // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO
        // handler; for SIGBUS si_addr is the faulting address.
        let addr = unsafe { (*info).si_addr() } as usize;
        let page = PAGE.load(Ordering::Relaxed);
        for i in 0..SLOTS {
            let len = LEN[i].load(Ordering::Acquire);
            let start = START[i].load(Ordering::Relaxed);
            if len == 0 || addr < start || addr - start >= len {
                continue;
            }
            let from = addr & !(page - 1);
            // SAFETY: `from..start + len` lies inside a live mapping of
            // ours (registered until it is unmapped); replacing its pages
            // with zeroed read-only ones keeps every reference into it
            // valid, and the mapping's own munmap removes them later.
            let r = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    start + len - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if r != libc::MAP_FAILED {
                FAULTED[i].store(true, Ordering::Release);
                return;
            }
            break;
        }
        // Not a page of ours (or no memory to put there): the default
        // action, as if no handler had been installed (the fault repeats).
        // SAFETY: resetting a disposition is async-signal-safe.
        unsafe {
            libc::signal(libc::SIGBUS, libc::SIG_DFL);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod guard {
    //! No SIGBUS guard on this system: changes are found by `fstat` only.
    pub fn register(_start: usize, _len: usize) -> Option<usize> {
        None
    }
    pub fn unregister(_slot: usize) {}
    pub fn faulted(_slot: usize) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn mapped(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf, Mapped) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.txt");
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .expect("write");
        let m = Mapped::new(File::open(&path).expect("open")).expect("maps");
        (dir, path, m)
    }

    #[test]
    fn a_mapped_file_shows_its_bytes_and_passes_the_check() {
        let text = "héllo wörld\n".repeat(500_000);
        let (_dir, _path, m) = mapped(text.as_bytes());
        assert_eq!(m.bytes(), text.as_bytes());
        // The 1 MiB steps cut characters: still valid.
        assert_eq!(check(&m, 0), Ok(()));
        assert_eq!(m.changed(), None);
    }

    #[test]
    fn nul_and_invalid_bytes_fail_the_check() {
        let mut bytes = "abc\n".repeat(2_000_000).into_bytes();
        bytes[7_000_000] = 0xFF;
        let (_d, _p, m) = mapped(&bytes);
        assert_eq!(check(&m, 0), Err(Unfit::Invalid));
        bytes[7_000_000] = 0;
        let (_d, _p, m) = mapped(&bytes);
        assert_eq!(check(&m, 0), Err(Unfit::Nul));
        // A character cut at the very end is invalid, not "continued".
        let (_d, _p, m) = mapped("ab\u{e9}".as_bytes().split_last().expect("bytes").1);
        assert_eq!(check(&m, 0), Err(Unfit::Invalid));
    }

    #[test]
    fn a_change_on_disk_is_noticed_by_size_and_time() {
        let (_d, path, m) = mapped(b"one two three\n");
        let f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.set_len(20).expect("grow");
        assert_eq!(m.changed(), Some(Change::Grown));
        f.set_len(5).expect("shrink");
        assert_eq!(m.changed(), Some(Change::Truncated));
        let (_d, path, m) = mapped(b"one two three\n");
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        f.set_modified(SystemTime::UNIX_EPOCH).expect("mtime");
        assert_eq!(m.changed(), Some(Change::Rewritten));
    }

    #[test]
    fn a_file_replaced_by_rename_is_not_a_change_of_the_mapped_one() {
        let (dir, path, m) = mapped(b"old text\n");
        let new = dir.path().join("new.txt");
        std::fs::write(&new, b"a new and longer text\n").expect("write");
        std::fs::rename(&new, &path).expect("rename");
        assert_eq!(m.changed(), None);
        assert_eq!(m.bytes(), b"old text\n");
    }

    /// A page read after the file was cut short would raise SIGBUS and end
    /// the program (terminal left raw, a draft lost): the guard maps zeros
    /// there instead and flags the mapping.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn t5_a_page_lost_to_truncation_reads_as_zeros_not_sigbus() {
        let page = 4096 * 16;
        let bytes = vec![b'x'; 3 * page];
        let (_d, path, m) = mapped(&bytes);
        assert_eq!(m.bytes()[0], b'x');
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_len(100))
            .expect("truncate");
        // Past the new end: this read faults.
        let far = std::hint::black_box(2 * page + 7);
        assert_eq!(m.bytes()[far], 0);
        assert!(m.slot.is_some_and(guard::faulted));
        assert_eq!(m.changed(), Some(Change::Truncated));
        // Before the new end the file's bytes are still there.
        assert_eq!(m.bytes()[10], b'x');
        drop(m);
    }
}
