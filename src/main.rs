#![forbid(unsafe_code)]
mod action;
mod document;
mod layout;
mod markdown;
mod reader;
mod richtext;
mod sanitize;
mod ui;
fn main() {}
