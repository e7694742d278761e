//! Text: from a file's bytes to the rows on screen. A [`document`] is
//! checked, decoded and split into blocks ([`markdown`] for Markdown);
//! every untrusted string passes [`sanitize`] into [`richtext`]; [`wrap`]
//! wraps only the blocks near the viewport, cached per width; [`reader`]
//! is the viewport over them; [`outline`] lists the headings.

pub mod convert;
pub mod document;
pub mod markdown;
pub mod outline;
#[cfg(test)]
mod proptests;
pub mod reader;
pub mod richtext;
pub mod sanitize;
pub mod wrap;
