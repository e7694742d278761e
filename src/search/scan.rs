//! Finding a matcher's hits in a byte range, fast.
//!
//! The general path is the regex crate's `find_at`. Accent folding makes
//! that slow for ASCII queries: `seaside` becomes `[sśŝşš…]\p{M}*[eéè…]…`,
//! which has no literal for the regex crate to prefilter on, so its DFA
//! walks every byte (about 0.7 GB/s: 70 ms for 50 MB). The fast path splits
//! the work instead:
//!
//! - a match made only of ASCII is a match of the ASCII-only pattern, which
//!   the regex crate finds at memchr speed through its literal prefilter;
//! - any other match contains a non-ASCII character the pattern can take
//!   (an accented variant of a query letter, a combining mark, a non-ASCII
//!   space). Those characters are rare in most texts; the full pattern runs
//!   only in a small window around each, bounded by the number of letters
//!   in the query.
//!
//! Merging the two streams gives exactly the full pattern's leftmost-first
//! matches, because a plain pattern is deterministic: its letter classes,
//! marks and spaces are disjoint, so at any start it matches at most one
//! way (checked against the plain regex by a property test). Where windows
//! cover more than a quarter of a range (a French text), the full pattern
//! simply runs over the range.

use std::sync::OnceLock;

use regex::bytes::Regex;
use unicode_normalization::char::is_combining_mark;

use super::Full;
use super::pattern::Tail;

/// The fast path's compiled form (see the module doc).
#[derive(Debug, Clone)]
pub(super) struct Fast {
    pub ascii: Regex,
    pub non_ascii: Vec<char>,
    /// Non-ASCII class members and an ASCII letter of their class.
    pub fold: Vec<(char, u8)>,
    pub counted: usize,
    pub tail: Tail,
    pub consumable: [bool; 128],
    pub sieve: Sieve,
    /// Above `1 / dirty_share` of a range in windows, the full pattern runs
    /// over the whole range instead (tests set 1 to force the windows).
    pub dirty_share: usize,
}

/// How far a window may stretch over whitespace or marks beyond its
/// letters: a phrase with more than this much blank space inside it, next
/// to an accented letter, is not worth a quadratic worst case.
const MAX_FREE_RUN: usize = 4096;

/// Calls `emit(start, end)` for each match starting in `from..to`, found in
/// `hay[..lim]`; stops early (returning `false`) when `emit` does.
/// With the fast path, `to` must be a point no match crosses (`lim == to`).
pub(super) fn scan(
    full: &Full,
    fast: Option<&Fast>,
    hay: &[u8],
    (from, to, lim): (usize, usize, usize),
    emit: &mut dyn FnMut(usize, usize) -> bool,
) -> bool {
    match fast {
        Some(f) => scan_fast(f, full, hay, from, to, emit),
        None => match full.get() {
            Some(re) => scan_regex(re, hay, from, to, lim, emit),
            None => true,
        },
    }
}

fn scan_regex(
    re: &Regex,
    hay: &[u8],
    from: usize,
    to: usize,
    lim: usize,
    emit: &mut dyn FnMut(usize, usize) -> bool,
) -> bool {
    let h = &hay[..lim.min(hay.len())];
    let mut at = from;
    while at < to {
        let Some(m) = re.find_at(h, at) else { break };
        if m.start() >= to {
            break;
        }
        if m.is_empty() {
            // Patterns are built never to match empty text; stay linear anyway.
            at = m.end() + 1;
            continue;
        }
        if !emit(m.start(), m.end()) {
            return false;
        }
        at = m.end();
    }
    true
}

fn scan_fast(
    f: &Fast,
    full: &Full,
    hay: &[u8],
    from: usize,
    to: usize,
    emit: &mut dyn FnMut(usize, usize) -> bool,
) -> bool {
    let mut windows = dirty_windows(f, hay, from, to);
    if windows.iter().map(|w| w.1 - w.0).sum::<usize>() > (to - from) / f.dirty_share {
        // Mostly dirty (the list may stop early): the full pattern over it all.
        if let Some(re) = full.get() {
            return scan_regex(re, hay, from, to, to, emit);
        }
    }
    // An accented word that is not the one sought needs no full pattern,
    // which takes a millisecond or two to compile (its `\p{M}` classes):
    // an English essay with a few names in it paid that on every search.
    windows.retain(|&(s, e)| may_match(f, &hay[s..e]));
    // Compiled here, and only when some window needs it.
    let full = if windows.is_empty() { None } else { full.get() };
    let h = &hay[..to];
    let find_ascii = |at: usize| f.ascii.find_at(h, at).map(|m| (m.start(), m.end()));
    let mut pos = from;
    let mut next_ascii = find_ascii(pos);
    let mut wi = 0;
    loop {
        if next_ascii.is_some_and(|(s, _)| s < pos) {
            next_ascii = find_ascii(pos);
        }
        while windows.get(wi).is_some_and(|w| w.1 <= pos) {
            wi += 1;
        }
        // The first match of the full pattern in a window, unless an ASCII
        // match starts before that window (it comes first either way).
        let mut in_window = None;
        while let Some(&(ws, we)) = windows.get(wi) {
            if next_ascii.is_some_and(|(s, _)| s <= ws) {
                break;
            }
            if let Some(m) = full.and_then(|re| re.find_at(&hay[..we], pos.max(ws))) {
                in_window = Some((m.start(), m.end()));
                break;
            }
            wi += 1;
        }
        let (s, e) = match (next_ascii, in_window) {
            (Some((a, _)), Some(w)) if w.0 < a => w,
            (Some((a, a_end)), _) => (a, extend(f.tail, hay, a_end, to)),
            (None, Some(w)) => w,
            (None, None) => break,
        };
        if !emit(s, e) {
            return false;
        }
        pos = e;
    }
    true
}

/// Whether a window may hold a match of the full pattern: its text folded
/// (each non-ASCII class member to an ASCII letter of its class, other
/// whitespace to a space, any other non-ASCII character dropped) holds a
/// match of the ASCII pattern. A full match folds to an ASCII match, so a
/// window this says no to holds none; a yes may be wrong (a dropped
/// character joined two halves), and then the full pattern decides.
fn may_match(f: &Fast, window: &[u8]) -> bool {
    let mut folded = Vec::with_capacity(window.len());
    let mut i = 0;
    while i < window.len() {
        let b = window[i];
        if b < 0x80 {
            folded.push(b);
            i += 1;
            continue;
        }
        let (c, len) = decode(window, i, window.len());
        i += len;
        match c {
            Some(c) => match f.fold.binary_search_by_key(&c, |&(m, _)| m) {
                Ok(k) => folded.push(f.fold[k].1),
                Err(_) if c.is_whitespace() => folded.push(b' '),
                Err(_) => {}
            },
            // A byte that is not text ends any match, as it does in the text.
            None => folded.push(0xFF),
        }
    }
    f.ascii.is_match(&folded)
}

/// Where the full pattern would go on past an ASCII match: over the marks
/// after a final letter, or the rest of a final run of spaces.
fn extend(tail: Tail, hay: &[u8], mut end: usize, to: usize) -> usize {
    if tail == Tail::None {
        return end;
    }
    while end < to {
        let (c, len) = decode(hay, end, to);
        let more = match (tail, c) {
            (Tail::Marks, Some(c)) => is_combining_mark(c),
            (Tail::Space, Some(c)) => c.is_whitespace(),
            _ => false,
        };
        if !more {
            break;
        }
        end += len;
    }
    end
}

impl Fast {
    /// A non-ASCII character a match can hold.
    fn takes_non_ascii(&self, c: char) -> bool {
        is_free(c) || self.non_ascii.binary_search(&c).is_ok()
    }

    fn takes(&self, c: char) -> bool {
        match u8::try_from(c) {
            Ok(b) if b < 0x80 => self.consumable[usize::from(b)],
            _ => self.takes_non_ascii(c),
        }
    }
}

/// Whitespace and marks: a match can hold any number of them.
fn is_free(c: char) -> bool {
    c.is_whitespace() || is_combining_mark(c)
}

/// Windows (sorted, disjoint) holding every match of the full pattern that
/// contains a non-ASCII character.
fn dirty_windows(f: &Fast, hay: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let most = (to - from) / f.dirty_share;
    let mut covered = 0;
    let mut i = from;
    while let Some(j) = next_non_ascii(hay, i, to) {
        let (c, len) = decode(hay, j, to);
        i = j + len;
        let Some(c) = c else { continue };
        if !f.sieve.maybe(c) || (u32::from(c) >= 0x800 && !f.takes_non_ascii(c)) {
            continue;
        }
        let floor = out.last().map_or(from, |w| w.1.max(from));
        let start = walk(f, hay, j, floor, Dir::Back);
        let end = walk(f, hay, i, to, Dir::Forward);
        match out.last_mut() {
            Some(last) if start <= last.1 => {
                covered += end.saturating_sub(last.1);
                last.1 = last.1.max(end);
            }
            _ => {
                covered += end - start;
                out.push((start, end));
            }
        }
        if covered > most {
            // Mostly dirty: the caller runs the full pattern over it all.
            break;
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Back,
    Forward,
}

/// From `at`, the farthest point in direction `dir` (not past `limit`) that
/// a match through `at` can reach: at most `counted` letters, any spaces and
/// marks (up to [`MAX_FREE_RUN`] bytes), nothing the pattern cannot take.
fn walk(f: &Fast, hay: &[u8], mut at: usize, limit: usize, dir: Dir) -> usize {
    let mut letters = 0;
    let mut free = 0;
    loop {
        let step = match dir {
            Dir::Back if at > limit => decode_before(hay, limit, at),
            Dir::Forward if at < limit => decode(hay, at, limit),
            _ => break,
        };
        let (Some(c), len) = step else { break };
        if !f.takes(c) {
            break;
        }
        if is_free(c) {
            free += len;
            if free > MAX_FREE_RUN {
                break;
            }
        } else {
            if letters == f.counted {
                break;
            }
            letters += 1;
        }
        at = match dir {
            Dir::Back => at - len,
            Dir::Forward => at + len,
        };
    }
    at
}

/// The next byte at or after `i` (before `to`) that is not ASCII.
fn next_non_ascii(hay: &[u8], i: usize, to: usize) -> Option<usize> {
    let s = hay.get(i..to)?;
    let mut k = 0;
    // `is_ascii` is word-at-a-time in std: skip clean blocks quickly.
    while k + 64 <= s.len() && s[k..k + 64].is_ascii() {
        k += 64;
    }
    s[k..].iter().position(|&b| b >= 0x80).map(|p| i + k + p)
}

/// The character starting at `at`, decoded by hand (this runs for every
/// non-ASCII character of a book); `None` for an invalid or cut sequence,
/// which then counts as one byte.
fn decode(hay: &[u8], at: usize, to: usize) -> (Option<char>, usize) {
    let Some(&lead) = hay.get(at) else {
        return (None, 1);
    };
    // Valid ranges of the second byte exclude overlong forms, surrogates
    // and code points above U+10FFFF.
    let (len, second) = match lead {
        0x00..=0x7F => return (Some(char::from(lead)), 1),
        0xC2..=0xDF => (2, 0x80..=0xBF),
        0xE0 => (3, 0xA0..=0xBF),
        0xED => (3, 0x80..=0x9F),
        0xE1..=0xEF => (3, 0x80..=0xBF),
        0xF0 => (4, 0x90..=0xBF),
        0xF1..=0xF3 => (4, 0x80..=0xBF),
        0xF4 => (4, 0x80..=0x8F),
        _ => return (None, 1),
    };
    let Some(rest) = hay.get(at + 1..at + len).filter(|_| at + len <= to) else {
        return (None, 1);
    };
    if !second.contains(&rest[0]) || !rest[1..].iter().all(|b| (0x80..0xC0).contains(b)) {
        return (None, 1);
    }
    let mut cp = u32::from(lead) & (0x7F >> len);
    for &b in rest {
        cp = (cp << 6) | (u32::from(b) & 0x3F);
    }
    (char::from_u32(cp), len)
}

/// Quick rejection of non-ASCII characters a match cannot hold: exact bits
/// for two-byte characters, one bit per block of 64 for three-byte ones
/// (so a CJK text costs two lookups a character), none above.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sieve {
    two: [u64; 32],
    three: [u64; 16],
}

impl Sieve {
    /// The sieve for whitespace, marks and the given class members.
    pub fn new(members: &[char]) -> Sieve {
        static FREE: OnceLock<Sieve> = OnceLock::new();
        let mut sieve = *FREE.get_or_init(|| {
            let mut s = Sieve {
                two: [0; 32],
                three: [0; 16],
            };
            for c in ('\u{80}'..='\u{FFFF}').filter(|&c| is_free(c)) {
                s.set(c);
            }
            s
        });
        for &c in members {
            sieve.set(c);
        }
        sieve
    }

    fn set(&mut self, c: char) {
        let cp = u32::from(c) as usize;
        if cp < 0x800 {
            self.two[cp / 64] |= 1 << (cp % 64);
        } else if cp < 0x1_0000 {
            let block = cp >> 6;
            self.three[block / 64] |= 1 << (block % 64);
        }
    }

    /// `false`: certainly not taken; `true`: taken (two-byte) or maybe.
    fn maybe(&self, c: char) -> bool {
        let cp = u32::from(c) as usize;
        if cp < 0x800 {
            self.two[cp / 64] & (1 << (cp % 64)) != 0
        } else if cp < 0x1_0000 {
            let block = cp >> 6;
            self.three[block / 64] & (1 << (block % 64)) != 0
        } else {
            true
        }
    }
}

/// The character ending at `at` (not starting before `floor`).
fn decode_before(hay: &[u8], floor: usize, at: usize) -> (Option<char>, usize) {
    let mut start = at - 1;
    while start > floor && at - start < 4 && (0x80..0xC0).contains(&hay[start]) {
        start -= 1;
    }
    match decode(hay, start, at) {
        (Some(c), len) if start + len == at => (Some(c), len),
        _ => (None, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_both_ways_and_invalid_bytes() {
        let s = "aé€😀".as_bytes();
        assert_eq!(decode(s, 0, s.len()), (Some('a'), 1));
        assert_eq!(decode(s, 1, s.len()), (Some('é'), 2));
        assert_eq!(decode(s, 3, s.len()), (Some('€'), 3));
        assert_eq!(decode(s, 6, s.len()), (Some('😀'), 4));
        assert_eq!(decode(s, 2, s.len()), (None, 1), "continuation byte");
        assert_eq!(decode_before(s, 0, s.len()), (Some('😀'), 4));
        assert_eq!(decode_before(s, 0, 3), (Some('é'), 2));
        assert_eq!(decode(b"\xE2\x82", 0, 2), (None, 1), "truncated");
        assert_eq!(decode("€".as_bytes(), 0, 2), (None, 1), "cut at `to`");
        assert_eq!(decode(b"\xC0\xAF", 0, 2), (None, 1), "overlong");
        assert_eq!(decode(b"\xED\xA0\x80", 0, 3), (None, 1), "surrogate");
        assert_eq!(
            decode(b"\xF4\x90\x80\x80", 0, 4),
            (None, 1),
            "above U+10FFFF"
        );
        assert_eq!(decode_before(b"a\xFF", 0, 2), (None, 1));
        for c in (0..=0x10_FFFF).step_by(97).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(decode(bytes, 0, bytes.len()), (Some(c), bytes.len()));
        }
        let long = [b"x".repeat(200), "é".as_bytes().to_vec()].concat();
        assert_eq!(next_non_ascii(&long, 0, long.len()), Some(200));
        assert_eq!(next_non_ascii(&long, 0, 200), None);
    }
}
