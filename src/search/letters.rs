//! What a letter is built on and what it folds to, and the tables of the
//! letters that share them. Shared with `build.rs`, which walks every
//! letter once at build time and writes the tables into the binary: the
//! walk was 36 million instructions, most of every launch's work, done
//! on a worker after the first frame beside the first keys (issue 12).
//! Only `std` and `unicode-normalization` (the same version for the build
//! script, through `Cargo.lock`) are used here.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// One table: a key letter and the letters that go with it, sorted by key.
#[cfg_attr(not(test), allow(dead_code))] // build.rs and the tests
pub type Table = Vec<(char, Vec<char>)>;

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// The letter a character is built on: `é` → `e`, `Ǻ` → `A`, KELVIN
/// SIGN → `K`. Characters that are not a letter plus marks (Hangul
/// syllables, `≠` = `=` + U+0338) are their own base.
pub fn base_of(c: char) -> char {
    let mut first = None;
    let mut rest_are_marks = true;
    decompose_canonical(c, |d| {
        if first.is_none() {
            first = Some(d);
        } else if !is_combining_mark(d) {
            rest_are_marks = false;
        }
    });
    match first {
        Some(f) if f != c && rest_are_marks && f.is_alphabetic() => f,
        _ => c,
    }
}

/// A simple case fold: `S`, `s` and `ſ` all give `s`; KELVIN SIGN gives `k`.
pub fn fold(c: char) -> char {
    let up = single(c.to_uppercase()).unwrap_or(c);
    single(up.to_lowercase()).unwrap_or(up)
}

/// Characters that differ from a letter only by diacritics or case: base
/// letter → the characters that decompose canonically to it plus marks
/// (or to it alone, like U+212A KELVIN SIGN → K); and case-folded base →
/// every letter whose base folds to it. Precomposed letters and case
/// pairs all live below U+20000.
#[cfg_attr(not(test), allow(dead_code))] // build.rs and the tests
pub fn walk() -> (Table, Table) {
    let mut by_base: std::collections::BTreeMap<char, Vec<char>> = Default::default();
    let mut by_fold: std::collections::BTreeMap<char, Vec<char>> = Default::default();
    for c in ('\u{80}'..='\u{1FFFF}').chain('A'..='z') {
        if !c.is_alphabetic() {
            continue;
        }
        let base = base_of(c);
        if base != c {
            by_base.entry(base).or_default().push(c);
        }
        let key = fold(base);
        if key != c {
            by_fold.entry(key).or_default().push(c);
        }
    }
    (by_base.into_iter().collect(), by_fold.into_iter().collect())
}
