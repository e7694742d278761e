//! Anchoring notes to the text, and finding them again after it changed.
//!
//! An anchor is the W3C quote + position pair: the exact words, some text
//! before and after them, and a byte offset (RELIABILITY §5). Placing an
//! anchor in a (possibly edited) text tries, in order:
//!
//! 1. the quote at its offset;
//! 2. the quote elsewhere, the occurrence whose context matches best, then
//!    the nearest to the old offset;
//! 3. the same ignoring whitespace and Unicode normal form (re-wrapped
//!    lines, CRLF → LF, NFC ↔ NFD);
//! 4. a bounded fuzzy match (at most 20 % edits) near the old place,
//!    flagged "text changed";
//! 5. else the entry is an orphan: kept as it is and listed as such —
//!    never silently put on the wrong passage.

use unicode_normalization::UnicodeNormalization;

use crate::storage::{Anchor, Status};
use crate::text::document::Document;

/// Characters of context kept before and after an anchor's quote.
pub(crate) const CONTEXT_CHARS: usize = 32;
/// A fuzzy match may differ from the quote in at most 1 char in 5.
const FUZZY_ERROR_RATE: usize = 5;
/// Longest stretch of a quote compared fuzzily (characters).
const FUZZY_QUOTE_CHARS: usize = 200;
/// How far from the old place a fuzzy match is looked for (characters).
const FUZZY_WINDOW_CHARS: usize = 20_000;
/// How far around the old place a normalised match is looked for in a big
/// text (bytes); a small text is searched whole.
const NORMALIZED_WINDOW: usize = 1 << 20;

/// The end of the char holding byte `at` (the next char start).
fn char_ceil(src: &[u8], mut at: usize) -> usize {
    while at < src.len() && (0x80..0xC0).contains(&src[at]) {
        at += 1;
    }
    at.min(src.len())
}

/// The start of the char holding byte `at` (what `Document::excerpt` cuts at).
fn char_floor(src: &[u8], mut at: usize) -> usize {
    while at > 0 && at < src.len() && (0x80..0xC0).contains(&src[at]) {
        at -= 1;
    }
    at
}

/// Builds an anchor for the source range `start..end`.
pub fn anchor_range(doc: &Document, start: usize, end: usize) -> Anchor {
    // On the boundaries `excerpt` cuts at, so the quote starts at `offset`.
    let src = doc.source();
    let start = char_floor(src, start.min(doc.len()));
    let end = char_ceil(src, end.clamp(start, doc.len()));
    let exact = doc.excerpt(start, end);
    let end = start + exact.len();
    let before = doc.excerpt(start.saturating_sub(CONTEXT_CHARS * 4), start);
    let prefix: String = {
        let n = before.chars().count();
        before
            .chars()
            .skip(n.saturating_sub(CONTEXT_CHARS))
            .collect()
    };
    let after = doc.excerpt(end, end + CONTEXT_CHARS * 4);
    let suffix: String = after.chars().take(CONTEXT_CHARS).collect();
    Anchor {
        offset: start,
        exact,
        prefix,
        suffix,
        changed: false,
        status: Status::Exact,
        current: None,
        extra: toml::Table::new(),
    }
}

/// Identifies a version of the text: FNV-1a over the decoded source.
pub fn fingerprint(doc: &Document) -> String {
    format!("fnv1a64:{:016x}", crate::storage::fnv1a64(doc.source()))
}

/// Where an anchor is in the current text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The quote is at the stored offset.
    Exact,
    /// The quote (maybe re-spaced or re-normalised) starts at another
    /// offset and spans `len` bytes there.
    Moved { at: usize, len: usize },
    /// Only a close match was found: the words changed.
    Changed { at: usize, len: usize },
    /// The passage is gone.
    NotFound,
}

/// Finds an anchor's passage in `doc` (see the module docs for the order).
/// Where the text changed before, the words last found (`current`) are
/// looked for first, then the quote as written.
pub fn place(doc: &Document, a: &Anchor) -> Placement {
    Placer::new(doc).place(a)
}

/// Places many anchors in one text: the normalised copy of the text that
/// the slower steps search is made once and shared by every anchor whose
/// stretch it covers (anchors come in text order), instead of once per
/// anchor. The placements are the ones [`place`] makes.
pub struct Placer<'d> {
    doc: &'d Document,
    norm: Option<Normalized>,
}

impl<'d> Placer<'d> {
    pub fn new(doc: &'d Document) -> Placer<'d> {
        Placer { doc, norm: None }
    }

    /// Where `a` is in the text (see [`place`]).
    pub fn place(&mut self, a: &Anchor) -> Placement {
        place_with(self, a)
    }

    /// The normalised text of source bytes `lo..hi` (both char starts, as
    /// [`char_floor`] gives), from the shared copy, made anew when it does
    /// not cover them: the whole text when small, else the stretch from
    /// `lo` to a window past `hi` (later anchors lie further on).
    fn window(&mut self, lo: usize, hi: usize) -> Norm<'_> {
        let src = self.doc.source();
        let covers = |n: &Normalized| n.lo <= lo && hi <= n.hi;
        let norm = match self.norm.take() {
            Some(n) if covers(&n) => n,
            _ => {
                let (from, to) = if src.len() > 2 * NORMALIZED_WINDOW {
                    let to = char_floor(src, hi.saturating_add(NORMALIZED_WINDOW).min(src.len()));
                    (
                        lo,
                        if to < src.len() {
                            to.max(hi)
                        } else {
                            src.len()
                        },
                    )
                } else {
                    (0, src.len())
                };
                Normalized::new(&src[from..to], from)
            }
        };
        self.norm.insert(norm).view(lo, hi)
    }
}

fn place_with(placer: &mut Placer, a: &Anchor) -> Placement {
    if let Some(cur) = a
        .current
        .as_ref()
        .filter(|c| !c.is_empty() && **c != a.exact)
    {
        let mut probe = a.clone();
        probe.exact.clone_from(cur);
        probe.current = None;
        match place_quote(placer, &probe) {
            Placement::NotFound => {}
            // The newer words are where they were: nothing new to record.
            Placement::Moved { at, len } if at == a.offset && len == cur.len() => {
                return Placement::Exact;
            }
            p => return p,
        }
    }
    place_quote(placer, a)
}

/// Whether the words an anchor shows read at its offset: then placing it
/// finds it [`Placement::Exact`] (the first thing [`place`] tries), at the
/// cost of one comparison — what can be drawn before the full placement.
pub fn reads_at(doc: &Document, a: &Anchor) -> bool {
    let shown = a.shown();
    !shown.is_empty() && quote_at(doc.source(), a.offset, shown)
}

/// One entry's placement, made off the loop: which anchor was placed
/// ([`placing_key`]: an entry edited since is placed again) and where it
/// is now. The anchor itself is not carried back: with 64,595 notes two
/// more copies of every anchor were alive at once (issue 12).
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub id: String,
    pub key: u64,
    pub placement: Placement,
}

/// Places every anchor in `doc` (what opening a document does, on a
/// worker): the same placements [`place`] makes one by one.
pub fn place_all(doc: &Document, anchors: Vec<(String, Anchor)>) -> Vec<Placed> {
    let mut placer = Placer::new(doc);
    anchors
        .into_iter()
        .map(|(id, anchor)| {
            let placement = placer.place(&anchor);
            Placed {
                id,
                key: placing_key(&anchor),
                placement,
            }
        })
        .collect()
}

/// What [`place`] reads of an anchor (status and flags are not read), as
/// a 64-bit hash: two anchors with the same key are placed alike, so a
/// placement made for one is kept for the other (a merged save) without
/// keeping a copy of the anchor. Within one process only.
pub fn placing_key(a: &Anchor) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (a.offset, &a.exact, &a.prefix, &a.suffix, &a.current).hash(&mut h);
    h.finish()
}

fn place_quote(placer: &mut Placer, a: &Anchor) -> Placement {
    let doc = placer.doc;
    let src = doc.source();
    let exact = a.exact.as_bytes();
    if exact.is_empty() {
        return if a.offset <= src.len() {
            Placement::Exact
        } else {
            Placement::NotFound
        };
    }
    if quote_at(src, a.offset, &a.exact) {
        return Placement::Exact;
    }
    if let Some(at) = best_occurrence(doc, a) {
        return Placement::Moved {
            at,
            len: exact.len(),
        };
    }
    // Normalising a copy costs memory in proportion: for a big text only
    // the stretch around the old place is searched this way.
    let lo = a.offset.saturating_sub(NORMALIZED_WINDOW);
    let hi = a.offset.saturating_add(NORMALIZED_WINDOW + exact.len());
    let lo = if src.len() > 2 * NORMALIZED_WINDOW {
        lo
    } else {
        0
    };
    let lo = char_floor(src, lo.min(src.len()));
    let hi = char_floor(src, hi.min(src.len())).max(lo);
    let hi = if hi < src.len() { hi } else { src.len() };
    let norm = placer.window(lo, hi);
    let quote = normalize(&a.exact);
    if quote.is_empty() {
        return Placement::NotFound;
    }
    if let Some((at, len)) = norm.find_nearest(&quote, a.offset, |at, len| {
        context_matches(doc, at, at + len, a, false)
    }) {
        return Placement::Moved { at, len };
    }
    let Some((at, len)) = norm.fuzzy_near(&quote, a.offset) else {
        return Placement::NotFound;
    };
    let (at, len) = if quote.len() > FUZZY_QUOTE_CHARS {
        // Only the quote's beginning was compared: find its end the
        // same way, so a long passage is kept whole.
        let tail = &quote[quote.len() - FUZZY_QUOTE_CHARS..];
        let tail_hint = at + a.exact.len().saturating_sub(exact_tail_bytes(&a.exact));
        let end = norm
            .fuzzy_near(tail, tail_hint)
            .map(|(t, l)| t + l)
            .filter(|&e| e > at)
            .unwrap_or_else(|| (at + a.exact.len()).min(src.len()).max(at + len));
        let end = char_ceil(src, end);
        (at, end - at)
    } else {
        (at, len)
    };
    // Changed words are taken only in their own surroundings (both sides
    // where known): a look-alike elsewhere (a numbered clause, a refrain)
    // is not the passage, and the note is better lost than misplaced.
    if !context_matches(doc, at, at + len, a, true) {
        return Placement::NotFound;
    }
    let (at, end) = norm.snap_to_context(a, at, at + len);
    Placement::Changed { at, len: end - at }
}

/// Normalised characters of context compared on each side.
const CONTEXT_PROBE: usize = 12;

/// Whether the text around `start..end` reads like the anchor's stored
/// context: the stored prefix's last words end just before `start`, the
/// suffix's first words begin just after `end` (ignoring spacing and
/// normal form, with a little slack for where a fuzzy match begins and
/// ends). `both`: each side with stored context must match; else one.
/// A side with no stored context (the text's start or end) counts only
/// where the text starts or ends there too.
fn context_matches(doc: &Document, start: usize, end: usize, a: &Anchor, both: bool) -> bool {
    let slack = 8 + a.exact.chars().count() / FUZZY_ERROR_RATE;
    let pre = normalize(&a.prefix);
    let suf = normalize(&a.suffix);
    // Each side is looked for in a region reaching `slack` characters
    // into the match too: a fuzzy match may begin or end a few characters
    // off the passage's true edges (an edit right at the edge).
    let side = |stored: &[char], around: Vec<char>, before: bool| -> Option<bool> {
        if stored.is_empty() {
            return None;
        }
        let k = stored.len().min(CONTEXT_PROBE);
        let probe = if before {
            &stored[stored.len() - k..]
        } else {
            &stored[..k]
        };
        let room = (k + 2 * slack).min(around.len());
        let region = if before {
            &around[around.len() - room..]
        } else {
            &around[..room]
        };
        Some(region.windows(k).any(|w| w == probe))
    };
    let src = doc.source();
    let into = |at: usize, back: bool| {
        // `slack` characters into the match, at most its middle.
        let mid = start + (end - start) / 2;
        let mut i = at;
        for _ in 0..slack {
            if back {
                if i <= mid {
                    break;
                }
                i -= 1;
                while i > mid && (0x80..0xC0).contains(&src[i]) {
                    i -= 1;
                }
            } else {
                if i >= mid {
                    break;
                }
                i += 1;
                while i < mid && (0x80..0xC0).contains(&src[i]) {
                    i += 1;
                }
            }
        }
        i
    };
    let before = normalize(&doc.excerpt(
        start.saturating_sub(a.prefix.len() * 2 + slack * 4),
        into(start, false),
    ));
    let after = normalize(&doc.excerpt(into(end, true), end + a.suffix.len() * 2 + slack * 4));
    // A side with no stored context was the text's start or end: a place
    // there reads like it (a note on the last words, with the words
    // before them changed, is found where the text still ends with them).
    // Elsewhere it does not count, as before.
    let blank = |b: &[u8]| b.iter().all(u8::is_ascii_whitespace);
    let p = side(&pre, before, true).or((pre.is_empty() && blank(&src[..start])).then_some(true));
    let s = side(&suf, after, false).or((suf.is_empty() && blank(&src[end..])).then_some(true));
    match (p, s) {
        (None, None) => true,
        (Some(x), None) | (None, Some(x)) => x,
        (Some(x), Some(y)) if both => x && y,
        (Some(x), Some(y)) => x || y,
    }
}

/// Bytes taken by the last [`FUZZY_QUOTE_CHARS`] non-space characters of a
/// quote (roughly: where its tail starts).
fn exact_tail_bytes(exact: &str) -> usize {
    exact
        .char_indices()
        .rev()
        .nth(FUZZY_QUOTE_CHARS - 1)
        .map_or(exact.len(), |(i, _)| exact.len() - i)
}

/// Whether the text at `offset` reads `quote`. A quote is stored as text,
/// where each invalid byte of the source became U+FFFD: compare the same
/// way (quickly, byte for byte, when the text is valid there).
fn quote_at(src: &[u8], offset: usize, quote: &str) -> bool {
    if offset > src.len() || (offset < src.len() && (0x80..0xC0).contains(&src[offset])) {
        return false;
    }
    let window = &src[offset..(offset + quote.len()).min(src.len())];
    window == quote.as_bytes() || String::from_utf8_lossy(window).starts_with(quote)
}

/// Applies a placement to an anchor: new offset and context, and the words
/// now there beside the quote, which is never replaced (it is what the
/// entry was written on). Returns whether the passage was found; a
/// passage not found leaves the anchor untouched (the caller marks it lost).
pub fn replace(doc: &Document, a: &mut Anchor, p: Placement) -> bool {
    let status = match p {
        Placement::NotFound => return false,
        Placement::Exact => {
            if a.status == Status::Lost {
                a.status = if a.current.is_some() {
                    Status::Changed
                } else {
                    Status::Exact
                };
            }
            return true;
        }
        Placement::Moved { .. } => Status::Moved,
        Placement::Changed { .. } => Status::Changed,
    };
    let (Placement::Moved { at, len } | Placement::Changed { at, len }) = p else {
        return true;
    };
    let fresh = anchor_range(doc, at, at + len);
    a.offset = fresh.offset;
    a.prefix = fresh.prefix;
    a.suffix = fresh.suffix;
    // Re-spaced or edited words are kept beside the quote, so the span
    // drawn is the one in the text now.
    a.current = (fresh.exact != a.exact).then_some(fresh.exact);
    a.changed = a.changed || status == Status::Changed;
    let was = a.effective_status();
    a.status = if was == Status::Lost {
        status
    } else {
        was.max(status)
    };
    true
}

/// Re-attaches an anchor to `start..end` by hand: the quote becomes those
/// words and the status exact. Fields of newer builds are kept.
pub fn reattach(doc: &Document, a: &mut Anchor, start: usize, end: usize) {
    let extra = std::mem::take(&mut a.extra);
    *a = anchor_range(doc, start, end);
    a.extra = extra;
}

/// The occurrence of the exact quote whose prefix/suffix match best, then
/// the nearest to the old offset. Where the context matches nowhere, only
/// a quote found once is taken: of several copies (a refrain), none is
/// known to be the one the entry was written on.
fn best_occurrence(doc: &Document, a: &Anchor) -> Option<usize> {
    let exact = a.exact.as_bytes();
    let score = |at: usize| {
        let before = doc.excerpt(at.saturating_sub(a.prefix.len()), at);
        let after = doc.excerpt(at + exact.len(), at + exact.len() + a.suffix.len());
        let p = !a.prefix.is_empty() && before.ends_with(a.prefix.as_str());
        let s = !a.suffix.is_empty() && after.starts_with(a.suffix.as_str());
        usize::from(p) + usize::from(s)
    };
    let all: Vec<usize> = memchr::memmem::find_iter(doc.source(), exact).collect();
    let unique = all.len() == 1;
    all.into_iter()
        .filter(|&at| unique || context_matches(doc, at, at + exact.len(), a, false))
        .map(|at| (std::cmp::Reverse(score(at)), at.abs_diff(a.offset), at))
        .min()
        .map(|(_, _, at)| at)
}

/// Edits (insert, delete, substitute) between two short texts.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Text in canonical decomposition with every whitespace run as one space.
fn normalize(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut space = false;
    for c in s.nfd() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// A normalised copy of source bytes `lo..hi` with a map back to source
/// offsets.
///
/// It costs 8 bytes per char of the stretch (a char and a `u32` offset
/// from `lo`: a `usize` made it 12), and lives only while one document's
/// anchors are placed.
struct Normalized {
    chars: Vec<char>,
    /// Source byte offset of each normalised char, from `lo`.
    src: Vec<u32>,
    lo: usize,
    hi: usize,
}

/// Part of a [`Normalized`] copy: what normalising only source bytes
/// `lo..hi` gives. Each char is decomposed on its own and decoding is in
/// step at every char start, so the part equals such a copy but at its
/// ends: a run of spaces is only written before a char that follows it,
/// so a part starts and ends with no space.
struct Norm<'a> {
    chars: &'a [char],
    /// Offsets from `base`, as in [`Normalized`].
    src: &'a [u32],
    base: usize,
    /// The source offset one past the part's last char.
    end: usize,
}

impl Normalized {
    fn view(&self, lo: usize, hi: usize) -> Norm<'_> {
        let below = |at: usize| {
            let at = at.saturating_sub(self.lo);
            move |&o: &u32| (o as usize) < at
        };
        let mut s = self.src.partition_point(below(lo));
        let mut e = self.src.partition_point(below(hi));
        if s < e && self.chars[s] == ' ' {
            s += 1;
        }
        if s < e && self.chars[e - 1] == ' ' {
            e -= 1;
        }
        Norm {
            chars: &self.chars[s..e],
            src: &self.src[s..e],
            base: self.lo,
            end: hi,
        }
    }
}

impl Normalized {
    /// `base`: the source offset `bytes` start at. Invalid UTF-8 is read
    /// as one U+FFFD per bad sequence *at its own offset*, so offsets after
    /// it stay exact (a lossily decoded copy would shift them).
    fn new(bytes: &[u8], base: usize) -> Normalized {
        let mut chars = Vec::with_capacity(bytes.len());
        let mut src = Vec::with_capacity(bytes.len() + 1);
        let mut pending_space: Option<usize> = None;
        // Decoded text is at most three times the size limit: a stretch's
        // offsets fit a u32.
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        let mut push = |c: char, at: usize, chars: &mut Vec<char>, src: &mut Vec<u32>| {
            if c.is_whitespace() {
                pending_space.get_or_insert(at);
                return;
            }
            if let Some(sp) = pending_space.take()
                && !chars.is_empty()
            {
                chars.push(' ');
                src.push(offset(sp));
            }
            let mut buf = [0u8; 4];
            for d in c.encode_utf8(&mut buf).nfd() {
                chars.push(d);
                src.push(offset(at));
            }
        };
        let mut at = 0;
        for (valid, invalid) in crate::text::decode::chunks(bytes) {
            for (i, c) in valid.char_indices() {
                push(c, at + i, &mut chars, &mut src);
            }
            at += valid.len();
            if !invalid.is_empty() {
                push(char::REPLACEMENT_CHARACTER, at, &mut chars, &mut src);
                at += invalid.len();
            }
        }
        Normalized {
            chars,
            src,
            lo: base,
            hi: base + bytes.len(),
        }
    }
}

impl Norm<'_> {
    /// The source offset of normalised char `i` (one past the end: the
    /// part's end).
    fn src_at(&self, i: usize) -> Option<usize> {
        match self.src.get(i) {
            Some(&o) => Some(self.base + o as usize),
            None => (i == self.src.len()).then_some(self.end),
        }
    }

    fn src_len(&self, start: usize, len: usize) -> (usize, usize) {
        let at = self.src_at(start).unwrap_or(self.end);
        let end = self.src_at(start + len).unwrap_or(at);
        // The end maps to the start of the next char; trim a trailing space.
        (at, end.saturating_sub(at))
    }

    /// The char index nearest to source offset `offset`.
    fn index_of(&self, offset: usize) -> usize {
        let offset = offset.saturating_sub(self.base);
        self.src
            .partition_point(|&s| (s as usize) < offset)
            .min(self.chars.len())
    }

    /// The match of `quote` nearest to `offset`; of several, only those
    /// `fits` accepts (their context matches).
    fn find_nearest(
        &self,
        quote: &[char],
        offset: usize,
        fits: impl Fn(usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        if quote.len() > self.chars.len() {
            return None;
        }
        let hint = self.index_of(offset);
        let first = quote[0];
        let all: Vec<usize> = (0..=self.chars.len() - quote.len())
            .filter(|&i| self.chars[i] == first && self.chars[i..i + quote.len()] == *quote)
            .collect();
        let unique = all.len() == 1;
        all.into_iter()
            .map(|i| self.src_len(i, quote.len()))
            .filter(|&(at, len)| unique || fits(at, len))
            .min_by_key(|&(at, _)| self.index_of(at).abs_diff(hint))
    }

    /// Moves the ends of a fuzzy match to where the stored context meets
    /// it: when words at the passage's edge were deleted, the cheapest
    /// match can take in a few neighbouring words instead; the prefix
    /// ending (the suffix beginning) right there says where the passage
    /// really starts (ends). Ends with no such place nearby stay.
    fn snap_to_context(&self, a: &Anchor, start: usize, end: usize) -> (usize, usize) {
        let (si, ei) = (self.index_of(start), self.index_of(end));
        let slack = 8 + ei.saturating_sub(si) / FUZZY_ERROR_RATE;
        let chars = self.chars;
        let pre = normalize(&a.prefix);
        let suf = normalize(&a.suffix);
        let mut new_si = si;
        if pre.len() >= 4 {
            let probe = &pre[pre.len() - pre.len().min(CONTEXT_PROBE)..];
            let k = probe.len();
            // The passage starts after the probe (and a space, if any).
            let fits = |i: usize| {
                let ends_at = |j: usize| j >= k && chars.get(j - k..j) == Some(probe);
                ends_at(i) || (i > 0 && chars.get(i - 1) == Some(&' ') && ends_at(i - 1))
            };
            // Only ever inward: snapping takes words out, never in.
            let lo = si;
            let hi = (si + slack).min(ei.saturating_sub(1));
            if let Some(i) = (lo..=hi.max(lo))
                .filter(|&i| i < chars.len() && chars[i] != ' ' && fits(i))
                .min_by_key(|&i| i.abs_diff(si))
            {
                new_si = i;
            }
        }
        let mut new_ei = ei;
        if suf.len() >= 4 {
            let probe = &suf[..suf.len().min(CONTEXT_PROBE)];
            let k = probe.len();
            let starts_at = |j: usize| chars.get(j..j + k) == Some(probe);
            let fits = |j: usize| starts_at(j) || (chars.get(j) == Some(&' ') && starts_at(j + 1));
            let lo = ei.saturating_sub(slack).max(new_si + 1);
            let hi = ei.min(chars.len());
            if let Some(j) = (lo..=hi.max(lo))
                .filter(|&j| j > 0 && chars.get(j - 1) != Some(&' ') && fits(j))
                .min_by_key(|&j| j.abs_diff(ei))
            {
                new_ei = j;
            }
        }
        // Still the passage: no further from the quote than the budget.
        let quote = normalize(a.shown());
        if new_ei <= new_si
            || (quote.len() <= FUZZY_QUOTE_CHARS
                && levenshtein(&quote, &chars[new_si..new_ei.min(chars.len())])
                    > quote.len() / FUZZY_ERROR_RATE + 2)
        {
            return (start, end);
        }
        let at = self.src_at(new_si).unwrap_or(start);
        let end = self.src_at(new_ei).unwrap_or(end).max(at);
        if end > at {
            (at, end)
        } else {
            (start, end.max(start))
        }
    }

    /// Sellers' approximate search near the hint: the window substring with
    /// the fewest edits from the quote, if within the error budget.
    fn fuzzy_near(&self, quote: &[char], offset: usize) -> Option<(usize, usize)> {
        let quote = &quote[..quote.len().min(FUZZY_QUOTE_CHARS)];
        let m = quote.len();
        let budget = m / FUZZY_ERROR_RATE;
        if m < 8 {
            // Too short to tell a small edit from another passage.
            return None;
        }
        let hint = self.index_of(offset);
        let lo = hint.saturating_sub(FUZZY_WINDOW_CHARS);
        let hi = (hint + FUZZY_WINDOW_CHARS + m).min(self.chars.len());
        let window = &self.chars[lo..hi];
        let mut best: Option<(usize, usize, usize, usize)> = None; // (cost, distance, start, end)
        // Every acceptable match, to tell one passage from look-alikes.
        let mut all: Vec<(usize, usize)> = Vec::new(); // (cost, start)
        for (cost, start, end) in matches_within(window, quote, budget) {
            let dist = (lo + start).abs_diff(hint);
            let cand = (cost, dist, start, end);
            all.push((cost, start));
            if best.is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                best = Some(cand);
            }
        }
        let (cost, _, s, e) = best?;
        // Another passage (not the same one shifted by a few chars) nearly
        // as close to the quote: the edited text holds look-alikes, and
        // which one the note was on cannot be told.
        let near = cost + (m / 20).max(1);
        let rival = all
            .iter()
            .any(|&(c, st)| c <= near && st.abs_diff(s) > m / 2);
        if rival {
            return None;
        }
        Some(self.src_len(lo + s, e - s))
    }
}

/// Sellers' table, column by column over `window`: for each position
/// where a match of `quote` with at most `budget` edits ends, its edits,
/// where it starts and where it ends (one past). Of several ways to match,
/// substitutions are preferred, then deletions, then insertions.
///
/// Only the rows that can still end within the budget are computed
/// (Ukkonen's cut-off): an entry never falls below the one diagonally
/// before it, so below the last row within the budget in one column, the
/// next column has nothing within it past one row further. Entries over
/// the budget are kept as `budget + 1`: such an entry is never the
/// cheapest way to one within the budget, so every entry within it, and
/// where its match starts, is what the full table holds.
fn matches_within(window: &[char], quote: &[char], budget: usize) -> Vec<(usize, usize, usize)> {
    let m = quote.len();
    let over = budget + 1;
    // prev[i]: edits to match quote[..i] ending at the current position;
    // start[i]: where that match starts in the window.
    let mut prev: Vec<usize> = (0..=m).map(|i| i.min(over)).collect();
    let mut prev_start: Vec<usize> = vec![0; m + 1];
    let mut cur: Vec<usize> = vec![over; m + 1];
    let mut cur_start: Vec<usize> = vec![0; m + 1];
    // The last row within the budget in `prev`, and the last row written
    // in each buffer (rows below hold `over`).
    let mut last = budget.min(m);
    let mut prev_rows = m;
    let mut cur_rows = m;
    let mut out = Vec::new();
    for (j, &c) in window.iter().enumerate() {
        cur[0] = 0;
        cur_start[0] = j + 1;
        let rows = (last + 1).min(m);
        last = 0;
        for i in 1..=rows {
            let sub = prev[i - 1] + usize::from(quote[i - 1] != c);
            let del = prev[i] + 1;
            let ins = cur[i - 1] + 1;
            let (cost, start) = if sub <= del && sub <= ins {
                (sub, if i == 1 { j } else { prev_start[i - 1] })
            } else if del <= ins {
                (del, prev_start[i])
            } else {
                (ins, cur_start[i - 1])
            };
            let cost = cost.min(over);
            if cost <= budget {
                last = i;
            }
            cur[i] = cost;
            cur_start[i] = start;
        }
        // Rows this buffer held from two columns back are over the budget now.
        for v in &mut cur[rows + 1..=cur_rows.max(rows)] {
            *v = over;
        }
        cur_rows = rows;
        if cur[m] <= budget {
            out.push((cur[m], cur_start[m], j + 1));
        }
        std::mem::swap(&mut prev, &mut cur);
        std::mem::swap(&mut prev_start, &mut cur_start);
        std::mem::swap(&mut prev_rows, &mut cur_rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::document::Format;

    fn doc(s: &str) -> Document {
        Document::from_bytes(s.as_bytes().to_vec(), Format::Text).expect("loads")
    }

    fn placed(d: &Document, a: &Anchor) -> Option<String> {
        let mut a = a.clone();
        let p = place(d, &a);
        replace(d, &mut a, p).then(|| d.excerpt(a.offset, a.offset + a.exact.len()))
    }

    const TEXT: &str = "The Cheka was founded in December 1917.\nIts first chairman was Felix Dzerzhinsky, a Polish revolutionary.\nThe Red Terror was declared in September 1918.\n";

    /// A note on the text's last words, which also read earlier in it: a
    /// word inserted among the words before them (its prefix no longer
    /// reads) leaves the text ending with them, and there the note stays.
    /// It was lost (found by the A2 property with another seed).
    #[test]
    fn the_last_words_stay_found_when_the_words_before_them_change() {
        let a = anchor_range(&doc("w a a a w "), 8, 9);
        for text in ["w b a a a w ", "w a b a a w ", "w a a b a w\n"] {
            let d = doc(text);
            assert_eq!(
                place(&d, &a),
                Placement::Moved { at: 10, len: 1 },
                "{text:?}"
            );
        }
        // Not at the end, nothing reads like its context: not placed on
        // other words.
        assert_eq!(place(&doc("w b a a a w c "), &a), Placement::NotFound);
        // The first words likewise.
        let a = anchor_range(&doc("w a a a w "), 0, 1);
        assert_eq!(place(&doc("w a a b a w "), &a), Placement::Exact);
        assert_eq!(
            place(&doc(" w a b a a w "), &a),
            Placement::Moved { at: 1, len: 1 }
        );
    }

    fn anchor_on(d: &Document, words: &str) -> Anchor {
        let at = d.excerpt(0, d.len()).find(words).expect("words in text");
        anchor_range(d, at, at + words.len())
    }

    #[test]
    fn a1_exact_and_moved() {
        let d = doc(TEXT);
        let a = anchor_on(&d, "Felix Dzerzhinsky");
        assert_eq!(place(&d, &a), Placement::Exact);
        let edited = doc(&format!("A new opening line.\n{TEXT}"));
        assert_eq!(placed(&edited, &a).as_deref(), Some("Felix Dzerzhinsky"));
    }

    #[test]
    fn a1_context_picks_the_right_occurrence() {
        let text = "the term was used. Later the term was used again, differently.\n";
        let d = doc(text);
        let second = text.rfind("the term").expect("present");
        let a = anchor_range(&d, second, second + 8);
        let edited = doc(&format!("Preface. {text}"));
        let p = place(&edited, &a);
        let Placement::Moved { at, .. } = p else {
            panic!("{p:?}")
        };
        assert_eq!(at, second + "Preface. ".len());
    }

    #[test]
    fn a3_rewrapping_crlf_and_normal_forms_do_not_orphan() {
        let d = doc("one two three four five six seven\n");
        let a = anchor_on(&d, "three four five");
        let rewrapped = doc("one two three\r\nfour   five six seven\r\n");
        let got = placed(&rewrapped, &a).expect("found after re-wrap");
        assert!(got.starts_with("three"), "{got:?}");
        let nfc = doc("Le café est ouvert ce matin.\n");
        let a = anchor_on(&nfc, "café est ouvert");
        let nfd = doc("Le cafe\u{301} est ouvert ce matin.\n");
        assert!(placed(&nfd, &a).is_some(), "NFC anchor found in NFD text");
    }

    #[test]
    fn a1_small_edits_are_found_and_flagged() {
        let d = doc(TEXT);
        let a = anchor_on(
            &d,
            "Its first chairman was Felix Dzerzhinsky, a Polish revolutionary.",
        );
        let edited = doc(&TEXT.replace("Polish revolutionary", "Polish-born revolutionary"));
        let p = place(&edited, &a);
        assert!(matches!(p, Placement::Changed { .. }), "{p:?}");
        let mut a2 = a.clone();
        assert!(replace(&edited, &mut a2, p));
        assert!(a2.changed);
        assert_eq!(a2.status, Status::Changed);
        assert_eq!(a2.exact, a.exact, "the quote written on is kept");
        assert!(
            a2.current
                .as_deref()
                .is_some_and(|c| c.contains("Polish-born")),
            "{:?}",
            a2.current
        );
    }

    #[test]
    fn a1_a_vanished_passage_is_an_orphan() {
        let d = doc(TEXT);
        let a = anchor_on(&d, "Felix Dzerzhinsky, a Polish revolutionary");
        let gone = doc("Something else entirely about another topic.\n");
        assert_eq!(place(&gone, &a), Placement::NotFound);
    }

    const CLAUSES: &str = "Terms of the lease.\n\n\
        1. The tenant shall pay the rent on the first day of each month.\n\n\
        2. The tenant shall keep the garden tidy through the whole year.\n\n\
        3. The tenant shall keep the garage tidy through the whole year.\n\n\
        4. The landlord shall repair the roof when it leaks.\n";

    /// Issue 11: the noted clause deleted; the next clause reads nearly
    /// the same (within the fuzzy budget) and now follows the same text,
    /// but its other side does not match: the note is lost, not moved.
    #[test]
    fn a1_a_look_alike_clause_is_not_taken_for_a_deleted_one() {
        let d = doc(CLAUSES);
        let a = anchor_on(
            &d,
            "2. The tenant shall keep the garden tidy through the whole year.",
        );
        let edited = doc(&CLAUSES.replace(
            "2. The tenant shall keep the garden tidy through the whole year.\n\n",
            "",
        ));
        assert_eq!(place(&edited, &a), Placement::NotFound);
    }

    /// A refrain: the noted copy's verse is deleted; the other copies of
    /// the same words, in other surroundings, are not taken. (A copy
    /// found once in the whole text is taken: the same words, and edits
    /// all around a passage must not lose it, A2.)
    #[test]
    fn a1_another_copy_of_a_refrain_is_not_taken() {
        let text = "Verse one about the sea.\nAnd the wind blows on.\n\nVerse two about the hills.\nAnd the wind blows on.\n\nVerse three about the town.\nAnd the wind blows on.\n";
        let d = doc(text);
        let at = text.find("And the wind").expect("refrain");
        let a = anchor_range(&d, at, at + "And the wind blows on.".len());
        let edited = doc(&text.replace("Verse one about the sea.\nAnd the wind blows on.\n\n", ""));
        assert_eq!(place(&edited, &a), Placement::NotFound);
        // With its own surroundings kept (text inserted before), it is found.
        let moved = doc(&format!("A new first line.\n\n{text}"));
        let p = place(&moved, &a);
        assert!(matches!(p, Placement::Moved { .. }), "{p:?}");
    }

    /// A typo fixed inside the noted sentence: changed, the quote written
    /// on kept, the words now there beside it; placing again is exact.
    #[test]
    fn a1_a_fixed_typo_keeps_the_quote_and_records_the_new_words() {
        let text = "Before it all.\n\nRoots draw water from teh soil and carry it upward through the xylem.\n\nAfter it all.\n";
        let d = doc(text);
        let a = anchor_on(
            &d,
            "Roots draw water from teh soil and carry it upward through the xylem.",
        );
        let fixed = doc(&text.replace("teh", "the"));
        let p = place(&fixed, &a);
        assert!(matches!(p, Placement::Changed { .. }), "{p:?}");
        let mut b = a.clone();
        assert!(replace(&fixed, &mut b, p));
        assert_eq!(b.status, Status::Changed);
        assert_eq!(b.exact, a.exact, "the quote as written");
        assert_eq!(
            b.current.as_deref(),
            Some("Roots draw water from the soil and carry it upward through the xylem.")
        );
        assert_eq!(place(&fixed, &b), Placement::Exact, "stable once placed");
        // Re-attached by hand: exact, on the new words.
        let at = text.find("Roots").expect("start");
        reattach(&fixed, &mut b, at, at + 20);
        assert_eq!(b.status, Status::Exact);
        assert_eq!(b.current, None);
        assert_eq!(b.exact, "Roots draw water fro");
    }

    /// Issue 11, found in the lecture: the first sentence of a noted pair
    /// deleted. The changed passage is the second sentence alone, not the
    /// second plus the end of the sentence before it.
    #[test]
    fn a1_a_deleted_first_sentence_does_not_pull_in_neighbouring_words() {
        let text = "He judged men by class against the behaviour of others. Not all agreed. In late 1918 critics, including officials of the People's Commissariat of Justice, complained of the Cheka's arbitrariness. The death penalty came back.\n";
        let d = doc(text);
        let a = anchor_on(
            &d,
            "Not all agreed. In late 1918 critics, including officials of the People's Commissariat of Justice, complained of the Cheka's arbitrariness.",
        );
        let edited = doc(&text.replace("Not all agreed. ", ""));
        let mut b = a.clone();
        let p = place(&edited, &b);
        assert!(replace(&edited, &mut b, p), "{p:?}");
        assert_eq!(
            b.current.as_deref(),
            Some(
                "In late 1918 critics, including officials of the People's Commissariat of Justice, complained of the Cheka's arbitrariness."
            )
        );
    }

    /// A part of the shared normalised copy is what normalising only that
    /// stretch gives: same chars, same offsets, same end — for every
    /// stretch between char starts, in text with runs of spaces, CRLF,
    /// decomposable and combining characters and invalid bytes.
    #[test]
    fn a_part_of_the_shared_copy_equals_the_stretch_normalised_alone() {
        let texts: [&[u8]; 4] = [
            b"one  two\r\n\tthree   four\n",
            "  caf\u{e9} cafe\u{301}  \u{1e9b}\u{323} \u{3000}x ".as_bytes(),
            b"ab \xff\x80 cd\xe2\x82 e \xc3\xa9\x80\x80 f  ",
            b"\n\n  \n",
        ];
        for bytes in texts {
            let starts: Vec<usize> = (0..=bytes.len())
                .filter(|&i| char_floor(bytes, i) == i)
                .collect();
            for &from in &starts {
                let cache = Normalized::new(&bytes[from..], from);
                for &lo in starts.iter().filter(|&&lo| lo >= from) {
                    for &hi in starts.iter().filter(|&&hi| hi >= lo) {
                        let part = cache.view(lo, hi);
                        let alone = Normalized::new(&bytes[lo..hi], lo);
                        let at = format!("{bytes:?} from {from}, {lo}..{hi}");
                        assert_eq!(part.chars, &alone.chars[..], "{at}");
                        let offsets =
                            |n: &Norm| (0..n.src.len()).map(|i| n.src_at(i)).collect::<Vec<_>>();
                        let whole = alone.view(lo, hi);
                        assert_eq!(whole.chars.len(), alone.chars.len(), "{at}");
                        assert_eq!(offsets(&part), offsets(&whole), "{at}");
                        assert_eq!(part.end, alone.hi, "{at}");
                    }
                }
            }
        }
    }

    fn changed_words(s: &str, from: &str, to: &str) -> String {
        s.replacen(from, to, 1)
    }

    /// Many anchors placed together (sharing the normalised text) land
    /// where each placed alone lands: exact, moved, changed and lost ones,
    /// in a small text and in one big enough to be searched by stretches.
    #[test]
    fn placing_together_equals_placing_one_by_one() {
        // Paragraphs of different made-up words, so none is a look-alike
        // of another.
        let para = |i: usize| {
            let mut x = (i as u64)
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let words: Vec<String> = (0..14)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let len = 3 + (x >> 60) as usize % 5;
                    (0..len)
                        .map(|k| char::from(b'a' + ((x >> (8 * k + 3)) % 26) as u8))
                        .collect()
                })
                .collect();
            format!("Paragraph {i} {} and argued about it.\n\n", words.join(" "))
        };
        for paras in [12, 2 * NORMALIZED_WINDOW / 130 + 400] {
            let text: String = (0..paras).map(para).collect();
            let d = doc(&text);
            let picks: Vec<usize> = (0..8).map(|k| k * (paras - 1) / 7).collect();
            let anchors: Vec<(String, Anchor)> = picks
                .iter()
                .map(|&i| {
                    let p = para(i);
                    let at = text.find(&p).expect("paragraph");
                    (
                        format!("n{i}"),
                        anchor_range(&d, at, at + p.trim_end().len()),
                    )
                })
                .collect();
            // Moved (a line before), changed (a word), lost (garbled).
            let mut edited = format!("A new first line.\n\n{text}");
            for (k, &i) in picks.iter().enumerate() {
                let p = para(i);
                let new = match k % 3 {
                    0 => p.clone(),
                    1 => changed_words(&p, "argued", "quarrelled"),
                    _ => p
                        .chars()
                        .map(|c| if "eaoitnrs".contains(c) { '#' } else { c })
                        .collect(),
                };
                edited = edited.replacen(&p, &new, 1);
            }
            for text in [&text, &edited] {
                let d = doc(text);
                let together = place_all(&d, anchors.clone());
                let mut kinds = std::collections::HashSet::new();
                for (p, (id, a)) in together.iter().zip(&anchors) {
                    assert_eq!(&p.id, id);
                    assert_eq!(p.key, placing_key(a));
                    assert_eq!(p.placement, place(&d, a), "{id} in {paras} paragraphs");
                    kinds.insert(std::mem::discriminant(&p.placement));
                }
                let want = if std::ptr::eq(text, &edited) { 3 } else { 1 };
                assert_eq!(kinds.len(), want, "{together:?}");
            }
        }
    }

    /// The whole table, as placing computed it before the cut-off.
    fn matches_full_table(
        window: &[char],
        quote: &[char],
        budget: usize,
    ) -> Vec<(usize, usize, usize)> {
        let m = quote.len();
        let mut prev: Vec<usize> = (0..=m).collect();
        let mut prev_start: Vec<usize> = vec![0; m + 1];
        let mut out = Vec::new();
        for (j, &c) in window.iter().enumerate() {
            let mut cur = vec![0usize; m + 1];
            let mut cur_start = vec![j + 1; m + 1];
            for i in 1..=m {
                let sub = prev[i - 1] + usize::from(quote[i - 1] != c);
                let del = prev[i] + 1;
                let ins = cur[i - 1] + 1;
                let (cost, start) = if sub <= del && sub <= ins {
                    (sub, if i == 1 { j } else { prev_start[i - 1] })
                } else if del <= ins {
                    (del, prev_start[i])
                } else {
                    (ins, cur_start[i - 1])
                };
                cur[i] = cost;
                cur_start[i] = start;
            }
            if cur[m] <= budget {
                out.push((cur[m], cur_start[m], j + 1));
            }
            prev = cur;
            prev_start = cur_start;
        }
        out
    }

    /// The cut-off table finds the same matches, with the same edits and
    /// starts, as the whole table: quotes cut from a text of few letters
    /// (many near matches), edited, searched for in it.
    #[test]
    fn the_cut_off_table_finds_what_the_whole_table_finds() {
        let mut x: u64 = 20261204;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        let text: Vec<char> = (0..3000)
            .map(|_| ['a', 'b', 'c', ' '][next(4) as usize])
            .collect();
        for _ in 0..300 {
            let m = 8 + next(60) as usize;
            let at = next((text.len() - m) as u64) as usize;
            let mut quote = text[at..at + m].to_vec();
            for _ in 0..next(m as u64 / 3 + 1) {
                let k = next(quote.len() as u64) as usize;
                match next(3) {
                    0 => quote[k] = 'd',
                    1 => {
                        quote.remove(k);
                    }
                    _ => quote.insert(k, 'a'),
                }
            }
            let lo = next(at as u64 + 1) as usize;
            let hi = (at + m + next(400) as usize).min(text.len());
            let budget = quote.len() / FUZZY_ERROR_RATE;
            let window = &text[lo..hi];
            assert_eq!(
                matches_within(window, &quote, budget),
                matches_full_table(window, &quote, budget),
                "{quote:?} in {lo}..{hi}"
            );
        }
    }
}
