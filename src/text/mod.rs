//! Text: from a file's bytes to the rows on screen. A [`document`] is
//! checked, decoded and split into blocks ([`markdown`] for Markdown);
//! every untrusted string passes [`sanitize`] into [`richtext`]; [`wrap`]
//! wraps only the blocks near the viewport, cached per width; [`reader`]
//! is the viewport over them; [`outline`] lists the headings.

pub mod block;
pub mod convert;
pub mod decode;
pub mod document;
pub mod format;
pub mod mapped;
pub mod markdown;
pub mod outline;
pub mod packed;
pub mod placeholders;
#[cfg(test)]
mod proptests;
pub mod reader;
pub mod richtext;
pub mod role;
pub mod sanitize;
pub mod sections;
pub mod summary;
pub mod wrap;

/// Long work over a document (a search, an outline) was abandoned through
/// its cancel flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}
