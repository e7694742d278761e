//! Input: the command vocabulary ([`action`]), and the keymap that turns
//! terminal keys and mouse events into it ([`keymap`]: the bindings per
//! context and their lookup, with the key notation, loading `keymap.toml`,
//! its problem messages, the help rows and the raw-input translators each in
//! a file of its own). Nothing outside this folder sees a crossterm
//! `KeyEvent`.

pub mod action;
pub mod decode;
pub mod keymap;
