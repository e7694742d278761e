//! Sanitised text marked with roles, with a map back to the source bytes it came from.
//!
//! A [`RichText`] is one block's display text (already sanitised, tabs
//! expanded) plus runs of [`Roles`]. Each run also remembers the source offset it
//! started at; a run is cut wherever display and source stop matching byte
//! for byte (a placeholder, an expanded tab, a decoded entity), so mapping a
//! display offset back to the source is exact inside a run. Bookmarks and
//! reading positions are anchored to source offsets, never to wrapped rows.

use crate::text::role::Roles;

use crate::text::sanitize::{Piece, sanitize_pieces};

/// A stretch of display text with one set of roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Byte offset in [`RichText::text`] where the run starts.
    pub start: usize,
    pub style: Roles,
    /// Source offset of the run's first byte.
    pub src: usize,
    /// Whether display bytes equal source bytes inside this run, so offsets
    /// can be interpolated.
    pub exact: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RichText {
    pub text: String,
    pub runs: Vec<Run>,
    /// Display column since the last hard line start, for tab stops.
    col: usize,
}

impl RichText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The display column the text ends at, for the tab stops of text
    /// pushed after it.
    pub fn col(&self) -> usize {
        self.col
    }

    /// Sets [`RichText::col`], for a text made again from its parts
    /// (`text/packed.rs`).
    pub(crate) fn set_col(&mut self, col: usize) {
        self.col = col;
    }

    /// Appends untrusted text that starts at source offset `src`, sanitising
    /// it on the way.
    pub fn push(&mut self, s: &str, style: Roles, src: usize) {
        let mut src_pos = src;
        let mut col = self.col;
        sanitize_pieces(s, &mut col, |piece, src_len| {
            match piece {
                Piece::Text(t) => {
                    let exact = t.len() == src_len;
                    self.append(t, style, src_pos, exact);
                }
                Piece::Placeholder(t) => {
                    self.append(t, style.patch(Roles::PLACEHOLDER), src_pos, false);
                }
            }
            src_pos += src_len;
        });
        self.col = col;
    }

    /// Appends text that stands for `src_len` source bytes at `src` but is
    /// not a copy of them (a decoded entity, U+FFFD for invalid bytes).
    pub fn push_substitute(&mut self, s: &str, style: Roles, src: usize) {
        let mut col = self.col;
        sanitize_pieces(s, &mut col, |piece, _| {
            let (t, st) = match piece {
                Piece::Text(t) => (t, style),
                Piece::Placeholder(t) => (t, style.patch(Roles::PLACEHOLDER)),
            };
            self.append(t, st, src, false);
        });
        self.col = col;
    }

    /// Appends our own trusted decoration (list markers, padding).
    pub fn push_decoration(&mut self, s: &str, style: Roles, src: usize) {
        self.col += crate::text::sanitize::text_width(s);
        self.append(s, style, src, false);
    }

    /// A forced line break (Markdown hard break): the wrapper starts a new
    /// row at every `\n`, which sanitised text can never contain.
    pub fn push_break(&mut self, src: usize) {
        self.append("\n", Roles::NONE, src, false);
        self.col = 0;
    }

    fn append(&mut self, t: &str, style: Roles, src: usize, exact: bool) {
        if t.is_empty() {
            return;
        }
        let start = self.text.len();
        let continues = self.runs.last().is_some_and(|r| {
            r.style == style && r.exact && exact && r.src + (start - r.start) == src
        });
        if !continues {
            self.runs.push(Run {
                start,
                style,
                src,
                exact,
            });
        }
        self.text.push_str(t);
    }

    /// The source offset of display byte `at`.
    pub fn src_at(&self, at: usize) -> usize {
        let idx = self.runs.partition_point(|r| r.start <= at);
        match idx.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some(r) if r.exact => r.src + (at - r.start),
            Some(r) => r.src,
            None => self.runs.first().map_or(0, |r| r.src),
        }
    }

    /// The display offset showing source offset `src` (the start of the
    /// run holding it when the run is not an exact copy).
    pub fn display_at(&self, src: usize) -> usize {
        let idx = self.runs.partition_point(|r| r.src <= src);
        let Some(i) = idx.checked_sub(1) else {
            return 0;
        };
        let run = &self.runs[i];
        let run_end = self.runs.get(i + 1).map_or(self.text.len(), |n| n.start);
        let mut at = if run.exact {
            (run.start + (src - run.src)).min(run_end)
        } else {
            run.start
        };
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// The runs overlapping display range `start..end`, each cut to it:
    /// (run, piece start, piece end).
    fn pieces(&self, start: usize, end: usize) -> impl Iterator<Item = (&Run, usize, usize)> {
        let first = self
            .runs
            .partition_point(|r| r.start <= start)
            .saturating_sub(1);
        let len = self.text.len();
        self.runs
            .iter()
            .enumerate()
            .skip(first)
            .map(move |(i, run)| {
                let run_end = self.runs.get(i + 1).map_or(len, |n| n.start);
                (run, run.start.max(start), run_end.min(end))
            })
            .take_while(move |&(run, _, _)| run.start < end)
            .filter(|&(_, s, e)| s < e)
    }

    /// The source map of display range `start..end` as row-relative
    /// stretches: (offset from the row's text start + `base`, source
    /// offset, exact copy?).
    pub fn row_map(&self, start: usize, end: usize, base: usize) -> Vec<(usize, usize, bool)> {
        self.pieces(start, end)
            .map(|(run, s, _)| {
                let src = if run.exact {
                    run.src + (s - run.start)
                } else {
                    run.src
                };
                (base + (s - start), src, run.exact)
            })
            .collect()
    }

    /// Splits display range `start..end` into styled spans.
    pub fn spans(&self, start: usize, end: usize) -> Vec<(String, Roles)> {
        self.pieces(start, end)
            .filter_map(|(run, s, e)| self.text.get(s..e).map(|t| (t.to_string(), run.style)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_runs_map_offsets_back_to_source() {
        let mut t = RichText::new();
        t.push("hello ", Roles::default(), 100);
        t.push("world", Roles::STRONG, 106);
        assert_eq!(t.text, "hello world");
        assert_eq!(t.src_at(0), 100);
        assert_eq!(t.src_at(4), 104);
        assert_eq!(t.src_at(8), 108);
    }

    #[test]
    fn placeholders_resync_the_source_map() {
        let mut t = RichText::new();
        t.push("a\u{1b}bc", Roles::default(), 10);
        assert_eq!(t.text, "a␛bc");
        // "b" is display byte 4 (␛ is 3 bytes) and source byte 12.
        assert_eq!(t.src_at(4), 12);
        assert_eq!(t.src_at(5), 13);
    }

    #[test]
    fn spans_split_on_style_runs() {
        let mut t = RichText::new();
        let bold = Roles::STRONG;
        t.push("ab", Roles::default(), 0);
        t.push("cd", bold, 2);
        let spans = t.spans(1, 3);
        assert_eq!(
            spans,
            vec![("b".to_string(), Roles::default()), ("c".to_string(), bold)]
        );
    }
}
