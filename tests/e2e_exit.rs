//! The terminal is given back on every way out (RELIABILITY T5, issue 9):
//! an error returned from the run loop and a panic both leave the
//! alternate screen, raw mode, mouse reporting and the hidden cursor
//! behind *before* the message is printed, so the message is seen on the
//! normal screen and the shell works afterwards.

mod common;

use std::ffi::OsStr;

use common::{Sandbox, escape_bytes};

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Starts marginote with `MARGINOTE_FAULT=fault`, which fails right after
/// the first frame, and checks the order of what reached the terminal.
fn fails_cleanly(fault: &str, message: &str) {
    let sb = Sandbox::new();
    let mut t = sb.spawn_env(
        80,
        24,
        &[] as &[&str],
        &[("MARGINOTE_FAULT", OsStr::new(fault))],
    );
    let status = t.wait_exit();
    assert!(!status.success(), "a fatal {fault} must exit non-zero");
    t.assert_terminal_restored();
    let raw = t.raw();
    let entered = find(&raw, b"\x1b[?1049h").expect("the app entered the alternate screen");
    let left = find(&raw[entered..], b"\x1b[?1049l")
        .map(|i| entered + i)
        .unwrap_or_else(|| panic!("never left the alternate screen: {}", escape_bytes(&raw)));
    let said = find(&raw, message.as_bytes())
        .unwrap_or_else(|| panic!("no message {message:?}: {}", escape_bytes(&raw)));
    assert!(
        left < said,
        "the message was printed inside the alternate screen, where nobody sees it"
    );
    assert!(
        t.screen().contains(message),
        "the message is on the normal screen after exit:\n{}",
        t.screen()
    );
}

#[test]
fn t5_an_error_exit_restores_the_terminal_before_its_message() {
    fails_cleanly(
        "error",
        "marginote: failed on purpose (MARGINOTE_FAULT=error)",
    );
}

#[test]
fn t5_a_panic_restores_the_terminal_before_its_report() {
    fails_cleanly("panic", "failed on purpose (MARGINOTE_FAULT=panic)");
}
