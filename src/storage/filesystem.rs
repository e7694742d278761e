//! The file-system seam: every disk step the store takes, so tests can
//! fail or abort any single one (N1, N2).

use super::*;

/// Every disk operation the store performs, one method per step, so a test
/// double can fail or abort any single one (N1, N2).
pub trait Fs {
    /// Reads at most `limit` bytes of a regular file.
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
    /// Where `path` points if it is a symlink.
    fn symlink_target(&self, path: &Path) -> io::Result<Option<PathBuf>>;
    /// Whether anything, even a dangling symlink, is at `path`.
    fn exists(&self, path: &Path) -> io::Result<bool>;
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;
    /// Opens (creating) a lock file and takes an exclusive lock, blocking;
    /// the lock is released when the file is dropped.
    fn lock(&self, path: &Path) -> io::Result<File>;
    fn list_dir(&self, dir: &Path) -> io::Result<Vec<OsString>>;
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    /// Creates a new file that must not exist yet, with `like`'s permissions
    /// when `like` exists.
    fn create_temp(&self, path: &Path, like: &Path) -> io::Result<File>;
    fn write_all(&self, file: &mut File, bytes: &[u8]) -> io::Result<()>;
    fn sync_file(&self, file: &File) -> io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealFs;

impl Fs for RealFs {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        // A FIFO or device would block or never end (I4): read regular files only.
        if !fs::metadata(path)?.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        let file = File::open(path)?;
        // Sized from the metadata: growing by doubling could hold twice
        // the file for a moment.
        let size = file.metadata().map_or(0, |m| m.len()).min(limit);
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        file.take(limit).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn symlink_target(&self, path: &Path) -> io::Result<Option<PathBuf>> {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => fs::read_link(path).map(Some),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn exists(&self, path: &Path) -> io::Result<bool> {
        match fs::symlink_metadata(path) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)
    }

    fn lock(&self, path: &Path) -> io::Result<File> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        file.lock()?;
        Ok(file)
    }

    fn list_dir(&self, dir: &Path) -> io::Result<Vec<OsString>> {
        fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect()
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn create_temp(&self, path: &Path, like: &Path) -> io::Result<File> {
        let file = OpenOptions::new().write(true).create_new(true).open(path)?;
        // Keep the permissions the user chose: a private notes file stays private.
        if let Ok(meta) = fs::metadata(like)
            && let Err(e) = file.set_permissions(meta.permissions())
        {
            drop(file);
            let _ = fs::remove_file(path);
            return Err(e);
        }
        Ok(file)
    }

    fn write_all(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        file.write_all(bytes)
    }

    fn sync_file(&self, file: &File) -> io::Result<()> {
        file.sync_all()
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        // A rename is durable only once the folder holding it is synced.
        // Windows cannot open a folder as a file, and needs no such sync.
        if cfg!(unix) {
            File::open(dir)?.sync_all()
        } else {
            Ok(())
        }
    }
}
