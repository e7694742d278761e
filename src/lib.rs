//! marginote: a terminal reader and study tool.
//!
//! The binary (`main.rs`) parses arguments and calls [`runner::run`], which
//! loads the keymap and saved state (collecting problems rather than
//! failing), sets up the terminal with a restore that runs on every exit
//! path (quit, error, panic, signals), and runs the loop: terminal events →
//! keymap → [`app::update`] → effects (I/O) → draw.
//!
//! Modules: `action` (the command vocabulary), `keymap` (keys → actions),
//! `app` (state + update), `document`/`markdown` (bytes → blocks),
//! `sanitize`, `richtext`, `layout`/`reader` (wrapping, viewport),
//! `library`, `notes`, `storage`, `ui` (drawing), `term` (terminal guard),
//! `runner` (the loop and its effects), `search` (find in a document),
//! `outline` (headings), `jumplist` (jump history), `fuzzy` (library
//! filter).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod action;
pub mod anchor;
pub mod app;
pub mod document;
pub mod export;
pub mod fuzzy;
pub mod jumplist;
pub mod keymap;
pub mod layout;
pub mod library;
pub mod markdown;
pub mod notes;
pub mod outline;
#[cfg(test)]
mod proptests;
pub mod reader;
pub mod richtext;
pub mod runner;
pub mod sanitize;
pub mod search;
pub mod storage;
pub mod term;
#[cfg(test)]
mod testkit;
pub mod ui;
