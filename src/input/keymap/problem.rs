//! What a keymap file is told when something in it is wrong: the kinds of
//! problem, the messages (file, line, why, what was kept) and their limits.
//!
//! Messages are built from our own words plus at most a short, escaped quote
//! of user input, never from toml's `Display`, which echoes the offending
//! line raw (RELIABILITY T1), and a garbled file yields a bounded list.

use std::ops::Range;

/// Longest message handed to the UI, in characters.
const MAX_MESSAGE: usize = 200;
/// Most characters of user input quoted in a message.
pub(super) const MAX_QUOTE: usize = 40;
/// Problems reported per file; a garbled file should not flood the screen.
/// One more, with the kind of the last one shown, counts those left out.
const MAX_PROBLEMS: usize = 20;

/// What a file said (or failed to say) that the user should hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file exists but could not be read, or is not UTF-8 text.
    Unreadable,
    /// Not valid TOML: nothing in the file was used.
    InvalidToml,
    UnknownContext,
    UnknownAction,
    /// A key notation that does not parse.
    BadKey,
    /// A value that is neither a key string nor an array of them.
    WrongType,
    /// One key given to two actions of one context.
    Conflict,
    /// `quit`/`help` (or a way out of a prompt/help) would have no key.
    Essential,
}

/// One reported problem. `message` is complete (`keymap.toml line 12: …`),
/// free of control characters and at most 200 characters long.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeymapProblem {
    pub kind: ProblemKind,
    /// The source name as given, escaped and shortened.
    pub file: String,
    /// 1-based, when known.
    pub line: Option<usize>,
    /// 1-based, in characters, when known.
    pub column: Option<usize>,
    pub message: String,
}

/// Collects problems for one file, turning byte spans into lines.
pub(super) struct Reporter<'t> {
    file: String,
    text: &'t str,
    problems: Vec<KeymapProblem>,
    dropped: usize,
}

impl<'t> Reporter<'t> {
    pub(super) fn new(source_name: &str, text: &'t str) -> Reporter<'t> {
        Reporter {
            file: escape_tail(source_name, 60),
            text,
            problems: Vec::new(),
            dropped: 0,
        }
    }

    pub(super) fn report(&mut self, kind: ProblemKind, span: Option<Range<usize>>, what: String) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        let (line, column) = span
            .map(|s| crate::text::sanitize::line_column(self.text.as_bytes(), s.start))
            .unzip();
        let message = match (line, column) {
            // A syntax error can sit anywhere in a line; point at it.
            (Some(line), Some(column)) if kind == ProblemKind::InvalidToml => {
                format!("{} line {line}, column {column}: {what}", self.file)
            }
            (Some(line), _) => format!("{} line {line}: {what}", self.file),
            _ => format!("{}: {what}", self.file),
        };
        self.problems.push(KeymapProblem {
            kind,
            file: self.file.clone(),
            line,
            column,
            // Everything quoted was escaped already; escaping the whole
            // message again is a cheap guarantee that nothing slipped by.
            message: escape(&message, MAX_MESSAGE),
        });
    }

    pub(super) fn finish(mut self) -> Vec<KeymapProblem> {
        if self.dropped > 0 {
            let message = format!("{}: {} more problems not shown", self.file, self.dropped);
            if let Some(last) = self.problems.last().cloned() {
                self.problems.push(KeymapProblem {
                    line: None,
                    column: None,
                    message: escape(&message, MAX_MESSAGE),
                    ..last
                });
            }
        }
        self.problems
    }
}

/// User input for a message: escaped, at most [`MAX_QUOTE`] chars, quoted.
pub(super) fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text, MAX_QUOTE))
}

/// Untrusted text for a message, made visible and cut to `max` characters.
pub(super) fn escape(text: &str, max: usize) -> String {
    crate::text::sanitize::sanitize_line(text, max)
}

/// Like [`escape`] but keeps the end, where a path's file name is.
fn escape_tail(text: &str, max: usize) -> String {
    crate::text::sanitize::sanitize_tail(text, max)
}

#[cfg(test)]
mod tests {
    use super::super::Keymap;
    use super::super::key;
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn t1_messages_never_echo_controls() {
        let texts = [
            "[global]\nquit = [\"\u{1b}]0;PWNED\u{7}\"]\n",
            "\u{1b}]0;PWNED\u{7} = 1\n",
            "[global]\n\u{9b}31m = [\"x\"]\n",
            "[global]\n\"\\u001b]0;PWNED\\u0007\" = [\"x\"]\n",
            "[\"\\u009b2J\\u202e\"]\n",
            "[global]\nquit = [\"\\u001b\"]\n",
        ];
        for text in texts {
            let mut keymap = Keymap::defaults();
            let problems = keymap.merge_str("evil\u{1b}]0;x\u{7}.toml", text);
            assert!(!problems.is_empty(), "{text:?} should be reported");
            for problem in problems {
                let message = &problem.message;
                let bad: Vec<char> = message
                    .chars()
                    .filter(|c| key::is_unprintable(*c))
                    .collect();
                assert!(bad.is_empty(), "T1: controls {bad:?} in {message:?}");
            }
        }
    }

    #[test]
    fn t1_a_one_mebibyte_line_gives_a_short_message() {
        let long = "x".repeat(1 << 20);
        for text in [
            format!("[global]\nquit = [\"{long}\"]\n"),
            format!("[global]\n{long} = [\"q\"]\n"),
            format!("[global]\nquit = [\"q\"] {long}\n"),
            format!("[{long}]\n"),
        ] {
            let (_, problems) = merged(&text);
            assert_eq!(problems.len(), 1, "{problems:#?}");
            let length = problems[0].message.chars().count();
            assert!(
                length <= MAX_MESSAGE,
                "{length} chars: {}",
                problems[0].message
            );
        }
        let many: String = (0..100).map(|i| format!("nope{i} = [\"x\"]\n")).collect();
        let (_, problems) = merged(&format!("[global]\n{many}"));
        assert_eq!(
            problems.len(),
            MAX_PROBLEMS + 1,
            "not capped, or no summary"
        );
        let summary = &problems[MAX_PROBLEMS].message;
        assert!(
            summary.ends_with(": 80 more problems not shown"),
            "{summary}"
        );
    }
}
