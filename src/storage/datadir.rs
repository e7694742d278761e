//! Where the files live: the data folder, the notes file of each
//! document, and the stable hash and slug that name them.

use super::*;

/// The folder holding everything marginote writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    /// `--data-dir` beats `MARGINOTE_DATA_DIR` (passed in, so tests stay
    /// hermetic) beats the platform data dir. Empty values count as unset.
    pub fn resolve(cli: Option<PathBuf>, env: Option<OsString>) -> Result<Self, StorageError> {
        let root = cli
            .filter(|p| !p.as_os_str().is_empty())
            .or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from))
            .or_else(|| {
                directories::ProjectDirs::from("", "", "marginote")
                    .map(|d| d.data_dir().to_path_buf())
            })
            .ok_or(StorageError::NoDataDir)?;
        // Absolute, so a later change of working directory cannot move it.
        let root = std::path::absolute(&root).unwrap_or(root);
        Ok(Self { root })
    }

    /// Where every document's notes file is.
    pub fn notes_dir(&self) -> PathBuf {
        self.root.join("notes")
    }

    /// Where exported study sheets go.
    pub fn exports_dir(&self) -> PathBuf {
        self.root.join("exports")
    }

    /// The log of what marginote did (see `runtime::log`).
    pub fn log_path(&self) -> PathBuf {
        self.root.join("marginote.log")
    }

    pub fn state_path(&self) -> PathBuf {
        self.root.join("state.toml")
    }

    /// `notes/<slug>-<hash>.toml`: the slug makes the folder browsable, the
    /// hash of the full document key keeps same-named documents apart.
    pub fn notes_path(&self, doc_key: &str, file_stem: &str) -> PathBuf {
        let name = format!(
            "{}-{:016x}.toml",
            slug(file_stem),
            fnv1a64(doc_key.as_bytes())
        );
        self.root.join("notes").join(name)
    }
}

/// 64-bit FNV-1a. Stable across Rust versions and platforms, unlike
/// `DefaultHasher`, so file names and fingerprints never change under us.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Lowercase ASCII letters and digits joined by single dashes, at most 40
/// chars; "notes" when nothing is left (e.g. an all-CJK title).
/// A file-name-safe short form of a name (ASCII lower case and dashes).
pub fn slug(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() == MAX_SLUG_CHARS {
                break;
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            if out.len() + 1 >= MAX_SLUG_CHARS {
                break;
            }
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "notes".to_owned()
    } else {
        trimmed.to_owned()
    }
}
