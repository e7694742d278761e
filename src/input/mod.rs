//! Input: the command vocabulary ([`action`]), and the keymap that turns
//! terminal keys and mouse events into it ([`keymap`]: key notation,
//! bindings per context, loading `keymap.toml`). Nothing outside this
//! folder sees a crossterm `KeyEvent`.

pub mod action;
pub mod keymap;
