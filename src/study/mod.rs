//! The study layer: bookmarks, highlights and notes as the Notes pane
//! shows them ([`notes`]), finding their passages again after the text
//! changed ([`anchor`]), the study sheet they are exported to
//! ([`export`]), exports for revision tools such as Anki and Readwise
//! ([`export_formats`]), and spaced review of them as cards ([`review`]).
//! Storage on disk is [`crate::storage`]'s.

pub mod anchor;
pub mod export;
pub mod export_formats;
pub mod notes;
pub mod review;
pub mod segment;
