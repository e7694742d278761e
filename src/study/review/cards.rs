//! Cards made from a document's notes and highlights.
//!
//! - A note on a passage: front the note, back the passage.
//! - A note on the whole document: front the note, back the title.
//! - A highlight: front the passage's sentence with the highlighted words
//!   blanked (`____`) when they are part of a longer sentence, else the
//!   words before it; back the passage. The sentence is found in the
//!   anchor's prefix, quote and suffix (32 characters of context each
//!   side), so a long sentence is shown cut, with `…`.
//!
//! Bookmarks are places, not things to remember: no cards. An entry tagged
//! `#noreview` is left out. A card's id is its entry's id, so editing the
//! note or re-anchoring the passage keeps its review history.

use crate::storage::{Anchor, NotesFile};

/// The tag that keeps an entry out of the review.
pub const NO_REVIEW: &str = "noreview";

/// The blank standing for the highlighted words.
pub const BLANK: &str = "____";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    Note,
    Highlight,
}

/// One card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The note's or highlight's id: the review log keys on it.
    pub id: String,
    pub kind: CardKind,
    /// The document key (as in the notes file).
    pub document: String,
    pub title: String,
    /// Where the passage starts (0 for a note on the whole document), so
    /// `enter` can jump there and new cards come in text order.
    pub offset: usize,
    pub front: String,
    pub back: String,
    /// The entry's tags, without `#`.
    pub tags: Vec<String>,
}

/// The cards of one document, in text order.
pub fn cards_of(file: &NotesFile) -> Vec<Card> {
    let title = if file.title.trim().is_empty() {
        file.document.clone()
    } else {
        file.title.clone()
    };
    let mut cards = Vec::with_capacity(file.notes.len() + file.highlights.len());
    // A passage of Markdown may start or end inside markup whose other
    // marker lies outside it: read with the text around it.
    let markdown = crate::study::markup::reads_as_markdown(&file.document);
    for n in &file.notes {
        if n.text.trim().is_empty() || has_no_review(&n.tags, &n.text, &n.extra) {
            continue;
        }
        let (offset, back) = match &n.anchor {
            Some(a) => (a.offset, shown(a, markdown).exact.clone()),
            None => (0, title.clone()),
        };
        cards.push(Card {
            id: n.id.clone(),
            kind: CardKind::Note,
            document: file.document.clone(),
            title: title.clone(),
            offset,
            front: n.text.clone(),
            back,
            tags: n.tags.clone(),
        });
    }
    for h in &file.highlights {
        let tags = extra_tags(&h.extra);
        if h.anchor.exact.trim().is_empty() || has_no_review(&tags, "", &h.extra) {
            continue;
        }
        let anchor = shown(&h.anchor, markdown);
        cards.push(Card {
            id: h.id.clone(),
            kind: CardKind::Highlight,
            document: file.document.clone(),
            title: title.clone(),
            offset: h.anchor.offset,
            // Whether the prefix was cut is the stored one's to say: the
            // shown one may have lost markers and be shorter.
            front: front(&anchor, cut_short(&h.anchor)),
            back: anchor.exact.clone(),
            tags,
        });
    }
    cards.sort_by_key(|c| c.offset);
    cards
}

/// `a` as the reader shows it when it is Markdown ([`crate::study::markup`]).
/// Its prefix and suffix, squeezed into the front's one line, lose the
/// marks that begin their lines (a heading's `#`s, a bullet).
fn shown(a: &Anchor, markdown: bool) -> std::borrow::Cow<'_, Anchor> {
    use crate::study::markup::{anchor_as_shown, without_line_marks};
    if markdown {
        let mut a = anchor_as_shown(a);
        a.prefix = without_line_marks(&a.prefix).into_owned();
        a.suffix = without_line_marks(&a.suffix).into_owned();
        std::borrow::Cow::Owned(a)
    } else {
        std::borrow::Cow::Borrowed(a)
    }
}

/// Tags a newer build may keep on a highlight (`tags = [...]`).
fn extra_tags(extra: &toml::Table) -> Vec<String> {
    extra
        .get("tags")
        .and_then(toml::Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `#noreview` among the tags, or written in the text (the tags list of a
/// hand-edited file may lag behind the text).
fn has_no_review(tags: &[String], text: &str, extra: &toml::Table) -> bool {
    let tagged = |t: &str| t.trim_start_matches('#').eq_ignore_ascii_case(NO_REVIEW);
    tags.iter().any(|t| tagged(t))
        || extra_tags(extra).iter().any(|t| tagged(t))
        || text
            .split(|c: char| c.is_whitespace() || c == ',')
            .any(|word| {
                word.strip_prefix('#').is_some_and(|w| {
                    w.trim_end_matches(['.', ';', ':', '!', '?'])
                        .eq_ignore_ascii_case(NO_REVIEW)
                })
            })
}

/// The front of a highlight's card (see the module docs), from `a` as
/// stored (the tests'; the cards and the exports read it as shown).
#[cfg(test)]
fn highlight_front(a: &Anchor) -> String {
    front(a, cut_short(a))
}

/// The front of a highlight's card as the review shows it, for a table
/// that has no Markdown of its own to read it (the Cornell layout's cue):
/// in a Markdown document, without the markers of markup that reaches past
/// the anchor's ends or begins its lines, and read as Markdown.
pub fn highlight_front_shown(document: &str, a: &Anchor) -> String {
    let markdown = crate::study::markup::reads_as_markdown(document);
    let front = front(&shown(a, markdown), cut_short(a));
    if markdown {
        crate::study::markup::plain(&front)
    } else {
        front
    }
}

/// A highlight's front, told whether `a`'s prefix was cut short.
fn front(a: &Anchor, cut: bool) -> String {
    cloze(a, cut).unwrap_or_else(|| preceding(a, cut))
}

/// Whether an anchor's prefix is all the context an anchor takes: cut at
/// a count of characters, most likely inside a word.
fn cut_short(a: &Anchor) -> bool {
    a.prefix.chars().count() >= crate::study::anchor::CONTEXT_CHARS
}

/// Where a sentence ends in `text`: just after `.`, `!` or `?` followed by
/// white space (or the end), or at a blank line.
fn sentence_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    text.char_indices().filter_map(move |(i, c)| match c {
        '.' | '!' | '?' | '…' => {
            let after = i + c.len_utf8();
            let next = text[after..].chars().next();
            match next {
                None => Some(after),
                Some(n) if n.is_whitespace() => Some(after),
                _ => None,
            }
        }
        '\n' if bytes.get(i + 1) == Some(&b'\n') => Some(i),
        _ => None,
    })
}

/// The sentence around the quote with the quote blanked, when the quote is
/// part of a longer sentence; `None` when it is a sentence (or more) itself.
fn cloze(a: &Anchor, cut: bool) -> Option<String> {
    let exact = a.exact.trim();
    // A quote spanning a sentence end is not "part of one sentence".
    if sentence_ends(exact).any(|end| end < exact.len()) {
        return None;
    }
    let lead = match sentence_ends(&a.prefix).last() {
        Some(end) => a.prefix[end..].to_owned(),
        // No sentence start in view: a full prefix was cut short.
        None if cut => format!("…{}", a.prefix),
        None => a.prefix.clone(),
    };
    let tail = match sentence_ends(&a.suffix).next() {
        // The quote ends its sentence.
        _ if exact.ends_with(['.', '!', '?', '…']) => String::new(),
        Some(end) => a.suffix[..end].to_owned(),
        None if a.suffix.trim().is_empty() => String::new(),
        None => format!("{}…", a.suffix),
    };
    let words = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count();
    if words(&lead) == 0 && words(&tail) == 0 {
        return None;
    }
    let front = format!(
        "{}{BLANK}{}",
        squeeze(lead.trim_start()),
        squeeze(tail.trim_end())
    );
    Some(front)
}

/// The words before the passage, when the passage is a whole sentence.
fn preceding(a: &Anchor, cut: bool) -> String {
    // A full prefix was cut at a count of characters, most likely inside a
    // word: start at the next whole one.
    let prefix = if cut {
        a.prefix
            .split_once(char::is_whitespace)
            .map_or(a.prefix.as_str(), |(_, rest)| rest)
    } else {
        a.prefix.as_str()
    };
    let before = squeeze(prefix.trim());
    if before.is_empty() {
        "(the opening words) …".to_owned()
    } else {
        format!("…{before} …")
    }
}

/// Line breaks and runs of white space as single spaces, keeping a
/// leading or trailing space (they separate the blank from its words).
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Bookmark, Highlight, Note};

    fn anchor(prefix: &str, exact: &str, suffix: &str) -> Anchor {
        Anchor {
            offset: 10,
            exact: exact.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
            changed: false,
            status: crate::storage::Status::Exact,
            current: None,
            extra: toml::Table::new(),
        }
    }

    /// A passage of Markdown that starts inside a bold term, and one whose
    /// words before it end in the `**` opening one: the cards read them as
    /// shown. In plain text the same characters are the text's own.
    #[test]
    fn cards_read_markdown_passages_as_shown() {
        let mut md = NotesFile::new("/r/glossary.md", "Glossary", "");
        md.notes.push(Note {
            anchor: Some(anchor(
                "Jewish.\n\n**",
                "Cult of personality** The phrase of 1956.",
                " The cult",
            )),
            id: "n1".into(),
            text: "Khrushchev's term".into(),
            tags: Vec::new(),
            created: String::new(),
            updated: String::new(),
            session: None,
            extra: toml::Table::new(),
        });
        md.highlights.push(Highlight {
            session: None,
            id: "h1".into(),
            created: String::new(),
            anchor: anchor("The term **cult of ", "personality** was", " used in 1956."),
            extra: toml::Table::new(),
        });
        let cards = cards_of(&md);
        assert_eq!(cards[0].back, "Cult of personality The phrase of 1956.");
        assert_eq!(cards[1].back, "personality was");
        assert_eq!(cards[1].front, "The term cult of ____ used in 1956.");
        let mut text = md.clone();
        text.document = "/r/glossary.txt".into();
        let cards = cards_of(&text);
        assert_eq!(cards[0].back, "Cult of personality** The phrase of 1956.");
        assert_eq!(cards[1].front, "The term **cult of ____ used in 1956.");
    }

    /// A highlight of a whole sentence just after a heading: its front is
    /// the words before it, the heading's without its `##` (squeezed into
    /// the line, the `##` no longer began one and was read as text), from
    /// the first whole word of the prefix (cut inside one, and shorter
    /// once the marks are out). So for a bullet in the words after a
    /// blank. Plain text keeps them.
    #[test]
    fn fronts_leave_out_the_marks_that_begin_lines() {
        let mut md = NotesFile::new("/r/glossary.md", "Glossary", "");
        let highlight = |id: &str, anchor: Anchor| Highlight {
            session: None,
            id: id.into(),
            created: String::new(),
            anchor,
            extra: toml::Table::new(),
        };
        md.highlights.push(highlight(
            "h1",
            // The stored prefix, 32 characters, cut inside "birthday".
            anchor(
                "hday in December 1929.\n\n## D\n\n**",
                "Dekulakisation** was the campaign.",
                " Kulaks were",
            ),
        ));
        md.highlights.push(highlight(
            "h2",
            anchor(
                "The purge hit ",
                "the army",
                " hardest:\n- Tukhachevsky, shot.",
            ),
        ));
        let cards = cards_of(&md);
        assert_eq!(cards[0].front, "…in December 1929. D …");
        assert_eq!(
            cards[1].front,
            "The purge hit ____ hardest: Tukhachevsky, shot."
        );
        // As the Cornell layout's cue shows it: read as Markdown.
        assert_eq!(
            highlight_front_shown(&md.document, &md.highlights[0].anchor),
            "…in December 1929. D …"
        );
        let mut text = md.clone();
        text.document = "/r/glossary.txt".into();
        let cards = cards_of(&text);
        assert_eq!(cards[0].front, "…in December 1929. ## D ** …");
        assert_eq!(
            highlight_front_shown(&text.document, &text.highlights[0].anchor),
            "…in December 1929. ## D ** …"
        );
        assert_eq!(
            cards[1].front,
            "The purge hit ____ hardest: - Tukhachevsky, shot."
        );
    }

    #[test]
    fn highlight_inside_a_sentence_is_blanked() {
        let a = anchor(
            "the war ended. The Cheka was ",
            "founded in December 1917",
            " by Dzerzhinsky. Later it grew",
        );
        assert_eq!(highlight_front(&a), "The Cheka was ____ by Dzerzhinsky.");
    }

    #[test]
    fn long_sentence_is_shown_cut() {
        let a = anchor(
            "and in the long winter that followed the ",
            "decree",
            " of the council of people's commissars",
        );
        assert_eq!(
            highlight_front(&a),
            "…and in the long winter that followed the ____ of the council of people's commissars…"
        );
    }

    #[test]
    fn whole_sentence_shows_the_preceding_context() {
        let a = anchor(
            "ended in 1918.\n\n",
            "The Cheka was founded in December 1917.",
            "\n\nNext",
        );
        assert_eq!(highlight_front(&a), "…ended in 1918. …");
        let cut = anchor(
            "ready after an attempt on Lenin's life.\n\n",
            "In 1922 the Cheka was replaced.",
            "",
        );
        assert_eq!(
            highlight_front(&cut),
            "…after an attempt on Lenin's life. …",
            "a word cut by the prefix's length is left out"
        );
        let opening = anchor("", "Whole opening sentence.", " More.");
        assert_eq!(highlight_front(&opening), "(the opening words) …");
    }

    #[test]
    fn quote_across_sentences_is_not_blanked() {
        let a = anchor("It rained. ", "Then it stopped. The sun", " came out.");
        assert_eq!(highlight_front(&a), "…It rained. …");
    }

    #[test]
    fn notes_and_highlights_become_cards_bookmarks_and_noreview_do_not() {
        let mut f = NotesFile::new("/r/a.md", "A", "");
        let note = |id: &str, text: &str, tags: &[&str], a: Option<Anchor>| Note {
            session: None,
            id: id.into(),
            text: text.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            created: String::new(),
            updated: String::new(),
            anchor: a,
            extra: toml::Table::new(),
        };
        f.notes.push(note(
            "n1",
            "Why 1917?",
            &[],
            Some(anchor("x ", "the date", " y")),
        ));
        f.notes
            .push(note("n2", "skip me #noreview", &["noreview"], None));
        f.notes.push(note("n3", "also skip #NoReview.", &[], None));
        f.notes
            .push(note("n4", "On the whole essay", &["exam"], None));
        f.highlights.push(Highlight {
            session: None,
            id: "h1".into(),
            created: String::new(),
            anchor: anchor("It was ", "red", " then."),
            extra: toml::Table::new(),
        });
        f.bookmarks.push(Bookmark {
            session: None,
            id: "b1".into(),
            label: "here".into(),
            created: String::new(),
            anchor: anchor("", "x", ""),
            extra: toml::Table::new(),
        });
        let cards = cards_of(&f);
        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["n4", "n1", "h1"],
            "text order, no bookmark, no #noreview"
        );
        assert_eq!(cards[0].back, "A", "a document note's back is the title");
        assert_eq!(cards[1].front, "Why 1917?");
        assert_eq!(cards[1].back, "the date");
        assert_eq!(cards[2].front, "It was ____ then.");
        assert_eq!(cards[2].kind, CardKind::Highlight);
    }
}
