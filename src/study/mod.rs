//! The study layer: bookmarks, highlights and notes as the Notes pane
//! shows them ([`notes`]), finding their passages again after the text
//! changed ([`anchor`]), the study sheet they are exported to
//! ([`export`]; what it keeps: [`export_filter`]; across readings:
//! [`export_layout`]; links back to the documents: [`export_links`]),
//! exports for revision tools such as Anki and Readwise
//! ([`export_formats`]), and spaced review of them as cards ([`review`]);
//! a passage of Markdown read as shown, markers and all ([`markup`]).
//! Storage on disk is [`crate::storage`]'s.

pub mod anchor;
pub mod export;
pub mod export_filter;
pub mod export_formats;
pub mod export_layout;
pub mod export_links;
pub mod markup;
pub mod notes;
pub mod review;
pub mod rows;
pub mod segment;
