//! The study layer: bookmarks, highlights and notes as the Notes pane
//! shows them ([`notes`]), finding their passages again after the text
//! changed ([`anchor`]), and the study sheet they are exported to
//! ([`export`]). Storage on disk is [`crate::storage`]'s.

pub mod anchor;
pub mod export;
pub mod notes;
pub mod segment;
