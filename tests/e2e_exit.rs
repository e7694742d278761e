//! The terminal is given back on every way out (RELIABILITY T5, issue 9):
//! an error returned from the run loop and a panic both leave the
//! alternate screen, raw mode, mouse reporting and the hidden cursor
//! behind *before* the message is printed, so the message is seen on the
//! normal screen and the shell works afterwards. And the log (issue 9)
//! goes to its file, never to the terminal.

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

/// Issue 9: what marginote did with the files is in `marginote.log` in the
/// data folder, and nothing of it reaches the terminal.
#[test]
fn the_log_records_opens_and_saves_in_the_data_folder_not_on_screen() {
    let sb = Sandbox::new();
    let doc = sb.write_doc(
        "week1.md",
        "# Week one\n\nThe Cheka was founded in December 1917.\n",
    );
    let mut t = sb.spawn(100, 30, &[&doc]);
    t.wait_for("The Cheka was founded");
    t.send("m");
    t.send("\r");
    t.wait_for("bookmarked");
    t.quit();
    let log =
        std::fs::read_to_string(sb.data.join("marginote.log")).expect("a log in the data folder");
    for line in [
        "marginote started",
        "opened",
        "notes saved",
        "marginote quit",
    ] {
        assert!(log.contains(line), "the log has {line:?}:\n{log}");
    }
    assert!(
        !log.contains('\u{1b}'),
        "the log is plain text, without colour escapes"
    );
    let raw = String::from_utf8_lossy(&t.raw()).into_owned();
    assert!(
        !raw.contains("notes saved") && !raw.contains("marginote started"),
        "log lines must never be written to the terminal"
    );
}

#[test]
fn log_level_off_writes_no_log_and_a_bad_level_is_reported() {
    let sb = Sandbox::new();
    let doc = sb.write_doc("week1.md", "# Week one\n\nSome text.\n");
    let mut t = sb.spawn_env(100, 30, &[&doc], &[("MARGINOTE_LOG", OsStr::new("off"))]);
    t.wait_for("Some text.");
    t.quit();
    assert!(!sb.data.join("marginote.log").exists(), "off means no log");

    let mut t = sb.spawn(
        100,
        30,
        &[
            doc.as_os_str(),
            OsStr::new("--log-level"),
            OsStr::new("loud"),
        ],
    );
    t.wait_until("the bad level reported", |s| {
        common::status(s).contains("log level \"loud\"")
    });
    t.quit();
}
