//! Editing text that is shown with placeholders: the note editor shows a
//! note's control characters as visible placeholders (`␛`, `<9B>`,
//! `⟨U+202E⟩`), but saving must keep the characters the user did not edit
//! as they were. [`apply_edit`] maps the edit made to the shown text back
//! onto the original.

use crate::text::sanitize::clean;

/// One original piece and how the editor shows it.
struct Piece<'a> {
    raw: &'a str,
    shown: String,
}

/// The original cut into pieces whose shown forms, joined, are exactly
/// what the editor shows: `original.lines()`, each cleaned, joined by
/// line breaks (the final line break shows as nothing, as `lines` drops it).
fn pieces(original: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = original;
    while !rest.is_empty() {
        let (line, ending, next) = match rest.find('\n') {
            Some(i) => {
                let line = &rest[..i];
                let (line, cr) = match line.strip_suffix('\r') {
                    Some(l) => (l, 1),
                    None => (line, 0),
                };
                (line, &rest[i - cr..=i], &rest[i + 1..])
            }
            None => (rest, "", ""),
        };
        for (at, c) in line.char_indices() {
            out.push(Piece {
                raw: &line[at..at + c.len_utf8()],
                shown: clean(&c.to_string()),
            });
        }
        if !ending.is_empty() {
            let last = next.is_empty();
            out.push(Piece {
                raw: ending,
                shown: if last { String::new() } else { "\n".into() },
            });
        }
        rest = next;
    }
    out
}

/// What the editor shows for `original`.
pub fn shown(original: &str) -> String {
    pieces(original).into_iter().map(|p| p.shown).collect()
}

/// `original` with the edit that turned [`shown`]`(original)` into
/// `edited` applied: the unchanged start and end keep their original
/// characters (controls included); only what lies between is taken from
/// `edited`. A placeholder cut by the edit counts as edited.
pub fn apply_edit(original: &str, edited: &str) -> String {
    let pieces = pieces(original);
    let before: Vec<char> = pieces.iter().flat_map(|p| p.shown.chars()).collect();
    let after: Vec<char> = edited.chars().collect();
    let prefix = before
        .iter()
        .zip(&after)
        .take_while(|(a, b)| a == b)
        .count();
    let room = before.len().min(after.len()) - prefix;
    let suffix = before
        .iter()
        .rev()
        .zip(after.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    let mut at = 0;
    let mut i = 0;
    // Whole pieces inside the unchanged start.
    while let Some(p) = pieces.get(i) {
        let len = p.shown.chars().count();
        if at + len > prefix {
            break;
        }
        out.push_str(p.raw);
        at += len;
        i += 1;
    }
    let kept_start = at;
    // Whole pieces inside the unchanged end, found from the back.
    let mut j = pieces.len();
    let mut end = before.len();
    while j > i {
        let len = pieces[j - 1].shown.chars().count();
        if end - len < before.len() - suffix {
            break;
        }
        end -= len;
        j -= 1;
    }
    let kept_end = before.len() - end;
    let middle: String = after[kept_start..after.len() - kept_end].iter().collect();
    out.push_str(&middle);
    for p in &pieces[j..] {
        out.push_str(p.raw);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unedited_text_comes_back_byte_for_byte() {
        for original in [
            "plain",
            "esc \u{1b}[31mred\u{1b}[0m",
            "c1 \u{9b}31m and bidi \u{202e}abc\u{202c}",
            "cr\r\nlf\nbare\rcr\n\ntrailing\n",
            "",
            "\u{7}",
        ] {
            assert_eq!(
                apply_edit(original, &shown(original)),
                original,
                "{original:?}"
            );
        }
    }

    /// Regression (issue 10, defect 4): editing saved the placeholders.
    #[test]
    fn an_edit_keeps_every_character_it_did_not_touch() {
        let original = "a\u{1b}b \u{9b}c \u{202e}d";
        let s = shown(original);
        assert_eq!(s, "a␛b <9B>c ⟨U+202E⟩d");
        assert_eq!(
            apply_edit(original, &format!("{s} more")),
            format!("{original} more")
        );
        assert_eq!(
            apply_edit(original, &format!("new {s}")),
            format!("new {original}")
        );
        let middle = s.replace("<9B>c", "<9B>C");
        assert_eq!(apply_edit(original, &middle), "a\u{1b}b \u{9b}C \u{202e}d");
        // Deleting a placeholder deletes its character.
        assert_eq!(
            apply_edit(original, &s.replace("␛", "")),
            "ab \u{9b}c \u{202e}d"
        );
        // Cutting into a placeholder edits it: what is left is typed text.
        let cut = s.replace("<9B>", "<9");
        assert_eq!(apply_edit(original, &cut), "a\u{1b}b <9c \u{202e}d");
    }

    #[test]
    fn line_endings_survive_edits_elsewhere() {
        let original = "one\r\ntwo\u{1b}\nthree";
        let s = shown(original);
        assert_eq!(s, "one\ntwo␛\nthree");
        assert_eq!(
            apply_edit(original, &s.replace("three", "3")),
            "one\r\ntwo\u{1b}\n3"
        );
        assert_eq!(
            apply_edit(original, &s.replace("one", "1")),
            "1\r\ntwo\u{1b}\nthree"
        );
    }
}
