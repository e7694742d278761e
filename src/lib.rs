//! marginote: a terminal reader and study tool.
//!
//! The binary (`main.rs`) parses arguments and calls [`runtime::run`]. Data
//! flows one way:
//!
//! ```text
//! terminal event ─▶ input (keymap) ─▶ Msg ─▶ app::update ─▶ Effects
//!       ▲                                       │              │
//!       │                                   ui::render     runtime performs
//!   terminal ◀──────────── frame ◀─────────────┘          (files, workers)
//!                                                              │
//!                         Msg (DocumentLoaded, Saved, …) ◀─────┘
//! ```
//!
//! Folders, by concern: `runtime` (the loop, effects, workers, the
//! terminal), `app` (state and `update`, one file per feature), `input`
//! (actions and the keymap), `text` (documents, Markdown, sanitising,
//! wrapping, the reader's viewport, the outline), `search`, `study`
//! (notes, anchoring, export), `storage` (notes and state on disk),
//! `library` (the reading list), `ui` (drawing, one file per pane).

// Denied, not forbidden: text/mapped.rs (memory-mapped big texts and
// their SIGBUS guard) is the one module allowed `unsafe`, each use with
// its reason.
#![deny(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod config;
pub mod input;
pub mod library;
pub mod runtime;
pub mod search;
pub mod storage;
pub mod study;
#[cfg(test)]
mod testkit;
pub mod text;
pub mod ui;
