//! Query → regex: smart case, accent folding, normal forms, whitespace.
//!
//! The haystack is never normalised (that would copy a 50 MB book per
//! keystroke); the *pattern* absorbs the differences instead:
//!
//! - A query with no diacritic (after NFD) folds accents: each letter
//!   becomes an explicit class of itself and every precomposed character
//!   whose canonical decomposition is that letter plus marks (`e` →
//!   `[eéèêë…]`), followed by `\p{M}*` so decomposed text (`e` + U+0301)
//!   matches too. Case folding is put in the same explicit classes rather
//!   than left to `(?i)`, so the fast path in `scan` knows exactly which
//!   non-ASCII characters a match can contain.
//! - A query with a diacritic is accent-exact but form-blind: each
//!   grapheme (base + marks) matches its NFC or its NFD spelling.
//! - Whitespace matches any run of whitespace, so a phrase still matches
//!   across a line break.
//! - A few typographic equivalents: `'` finds `’`, `"` finds `“ ”`, `-`
//!   finds the dashes (texts saved from the web use them; nobody types them).

use regex_syntax::ast::{self, Ast};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Everything the matcher needs from a query.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The full pattern (Unicode mode).
    pub pattern: String,
    /// For plain queries: the ASCII bytes a match can contain. Any other
    /// ASCII byte ends every match, so the scanner cuts chunks there.
    pub consumable: Option<[bool; 128]>,
    /// For plain queries made of ASCII: what the fast path needs.
    pub fast: Option<FastPlan>,
}

/// A plain, accent-folding query whose characters are all ASCII. Every
/// match that contains no non-ASCII character is a match of the ASCII-only
/// `ascii_pattern` (which the regex crate finds with a literal prefilter at
/// memchr speed); the others lie near one of `non_ascii` (class members),
/// a combining mark or a non-ASCII space.
#[derive(Debug, Clone)]
pub(crate) struct FastPlan {
    pub ascii_pattern: String,
    /// Sorted non-ASCII members of the letter classes.
    pub non_ascii: Vec<char>,
    /// Non-space slots in the query: a match holds exactly this many
    /// characters that are neither whitespace nor combining marks.
    pub counted: usize,
    /// What the full pattern may still swallow after the last slot.
    pub tail: Tail,
    /// Each non-ASCII class member (sorted) and an ASCII member of its
    /// class: text folded through this holds a match of `ascii_pattern`
    /// wherever it held one of the full pattern (see `scan::may_match`).
    pub fold: Vec<(char, u8)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// Nothing (the query ends in punctuation).
    None,
    /// Combining marks (the query ends in a letter).
    Marks,
    /// Whitespace (the query ends in a space).
    Space,
}

pub(crate) use super::letters::{base_of, fold};

/// The tables of [`super::letters::walk`], made by `build.rs`: base letter
/// → its accented and other forms, and folded base → every letter that
/// folds to it, each sorted by its first letter.
mod tables {
    use super::Table;
    include!(concat!(env!("OUT_DIR"), "/letters.rs"));
}

/// A table of letters by key, with no pointer per key: `keys` (sorted)
/// holds where each key's letters end in `letters`, the previous key's
/// end is where they start.
struct Table {
    keys: &'static [(char, u32)],
    letters: &'static [char],
}

/// The letters listed under `key` in `table`.
fn listed(table: &'static Table, key: char) -> &'static [char] {
    let Ok(i) = table.keys.binary_search_by_key(&key, |&(k, _)| k) else {
        return &[];
    };
    let start = i.checked_sub(1).map_or(0, |p| table.keys[p].1);
    &table.letters[start as usize..table.keys[i].1 as usize]
}

/// Typographic stand-ins for ASCII punctuation.
fn punctuation_class(c: char) -> Option<&'static [char]> {
    match c {
        '\'' => Some(&['\'', '\u{2018}', '\u{2019}', '\u{02BC}']),
        '"' => Some(&['"', '\u{201C}', '\u{201D}']),
        '-' => Some(&['-', '\u{2010}', '\u{2011}', '\u{2013}', '\u{2014}']),
        _ => None,
    }
}

/// What one query character matches when accents are folded.
pub(crate) fn char_class(c: char, ignore_case: bool) -> Vec<char> {
    if let Some(p) = punctuation_class(c) {
        return p.to_vec();
    }
    let mut set = vec![c];
    if c.is_alphabetic() {
        if ignore_case {
            let key = fold(base_of(c));
            set.push(key);
            set.extend(listed(&tables::BY_FOLD, key));
        } else {
            set.extend(listed(&tables::BY_BASE, base_of(c)));
        }
    }
    set.sort_unstable();
    set.dedup();
    set
}

/// A class in regex syntax; letters as themselves, anything else escaped.
fn class_regex(set: &[char]) -> String {
    if let [c] = set {
        return regex_syntax::escape(&c.to_string());
    }
    let mut s = String::from("[");
    for &c in set {
        if c.is_alphanumeric() {
            s.push(c);
        } else {
            s.push_str(&format!("\\x{{{:X}}}", u32::from(c)));
        }
    }
    s.push(']');
    s
}

fn has_mark(s: &str) -> bool {
    s.nfd().any(is_combining_mark)
}

/// Smart case: a query with an upper-case letter is matched exactly.
fn ignores_case(chars: impl IntoIterator<Item = char>) -> bool {
    !chars.into_iter().any(char::is_uppercase)
}

const ASCII_SPACE: &[u8] = b"\t\n\x0B\x0C\r ";

/// The plan for a plain (literal) query.
pub(crate) fn plain(query: &str) -> Plan {
    let ignore_case = ignores_case(query.chars());
    let mut consumable = [false; 128];
    for &b in ASCII_SPACE {
        consumable[usize::from(b)] = true;
    }
    if has_mark(query) {
        return exact_accents(query, ignore_case, consumable);
    }
    enum Piece {
        Space,
        Class(Vec<char>, bool),
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for c in query.nfd() {
        if c.is_whitespace() {
            if !matches!(pieces.last(), Some(Piece::Space)) {
                pieces.push(Piece::Space);
            }
        } else {
            pieces.push(Piece::Class(char_class(c, ignore_case), c.is_alphabetic()));
        }
    }
    let mut pattern = String::new();
    let mut ascii_pattern = String::from("(?-u)");
    let mut non_ascii = Vec::new();
    let mut fold = Vec::new();
    let mut counted = 0;
    let all_ascii = query.is_ascii();
    for piece in &pieces {
        match piece {
            Piece::Space => {
                pattern.push_str(r"\s+");
                ascii_pattern.push_str(r"\s+");
            }
            Piece::Class(set, letter) => {
                counted += 1;
                pattern.push_str(&class_regex(set));
                if *letter {
                    pattern.push_str(r"\p{M}*");
                }
                let ascii: Vec<char> = set.iter().copied().filter(char::is_ascii).collect();
                ascii_pattern.push_str(&class_regex(&ascii));
                let to = ascii.first().and_then(|&a| u8::try_from(a).ok());
                for &c in set {
                    match u8::try_from(c) {
                        Ok(b) if b < 0x80 => consumable[usize::from(b)] = true,
                        _ => {
                            non_ascii.push(c);
                            if let Some(a) = to {
                                fold.push((c, a));
                            }
                        }
                    }
                }
            }
        }
    }
    non_ascii.sort_unstable();
    non_ascii.dedup();
    // A letter's classes are the same wherever it is in the query.
    fold.sort_unstable();
    fold.dedup_by_key(|f| f.0);
    let tail = match pieces.last() {
        Some(Piece::Space) => Tail::Space,
        Some(Piece::Class(_, true)) => Tail::Marks,
        _ => Tail::None,
    };
    let fast = all_ascii.then_some(FastPlan {
        ascii_pattern,
        non_ascii,
        counted,
        tail,
        fold,
    });
    Plan {
        pattern,
        consumable: Some(consumable),
        fast,
    }
}

/// A plain query with a diacritic: each grapheme as NFC or NFD.
fn exact_accents(query: &str, ignore_case: bool, mut consumable: [bool; 128]) -> Plan {
    let mut clusters: Vec<String> = Vec::new();
    for c in query.nfd() {
        match clusters.last_mut() {
            Some(last) if is_combining_mark(c) => last.push(c),
            _ => clusters.push(c.to_string()),
        }
    }
    let mut pattern = String::from(if ignore_case { "(?i)" } else { "" });
    let mut last_space = false;
    for cluster in &clusters {
        if cluster.chars().all(char::is_whitespace) {
            if !last_space {
                pattern.push_str(r"\s+");
            }
            last_space = true;
            continue;
        }
        last_space = false;
        let nfc: String = cluster.nfc().collect();
        for c in cluster.chars().chain(nfc.chars()) {
            for a in 0u8..0x80 {
                let ac = char::from(a);
                if ac == c || (ignore_case && fold(ac) == fold(c)) {
                    consumable[usize::from(a)] = true;
                }
            }
        }
        if nfc == *cluster {
            pattern.push_str(&regex_syntax::escape(cluster));
        } else {
            pattern.push_str(&format!(
                "(?:{}|{})",
                regex_syntax::escape(&nfc),
                regex_syntax::escape(cluster)
            ));
        }
    }
    Plan {
        pattern,
        consumable: Some(consumable),
        fast: None,
    }
}

/// Literals of a parsed regex: those outside classes (which can be
/// rewritten) and every literal character (for smart case and accents).
#[derive(Default)]
struct Literals {
    outside: Vec<(usize, usize, char)>,
    chars: Vec<char>,
    /// The pattern turns Unicode off somewhere (`(?-u)`): classes of
    /// accented letters and `\p{M}` are not allowed there.
    bytes_mode: bool,
}

impl ast::Visitor for &mut Literals {
    type Output = ();
    type Err = ();

    fn finish(self) -> Result<(), ()> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
        let flags = match ast {
            Ast::Literal(lit) => {
                self.outside
                    .push((lit.span.start.offset, lit.span.end.offset, lit.c));
                self.chars.push(lit.c);
                None
            }
            Ast::Flags(set) => Some(&set.flags),
            Ast::Group(group) => match &group.kind {
                ast::GroupKind::NonCapturing(flags) => Some(flags),
                _ => None,
            },
            _ => None,
        };
        if flags.and_then(|f| f.flag_state(ast::Flag::Unicode)) == Some(false) {
            self.bytes_mode = true;
        }
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), ()> {
        match item {
            ast::ClassSetItem::Literal(lit) => self.chars.push(lit.c),
            ast::ClassSetItem::Range(r) => {
                self.chars.push(r.start.c);
                self.chars.push(r.end.c);
            }
            _ => {}
        }
        Ok(())
    }
}

/// The plan for a regex query: smart case from its literal characters
/// (escapes such as `\S` or `\W` do not count, as in ripgrep), and its
/// literal letters outside classes folded or form-blind like plain text.
pub(crate) fn regex(query: &str) -> Result<Plan, String> {
    let parsed = ast::parse::Parser::new()
        .parse(query)
        .map_err(|e| short_error(&e.kind().to_string(), Some(e.span().start.column)))?;
    let mut lits = Literals::default();
    // The visitor never fails; a depth problem already failed the parse.
    let _ = ast::visit(&parsed, &mut lits);
    let ignore_case = ignores_case(lits.chars.iter().copied());
    let exact = lits.chars.iter().any(|&c| has_mark(&c.to_string()));
    let mut pattern = String::from(if ignore_case { "(?i)" } else { "" });
    let mut at = 0;
    let rewrite = if lits.bytes_mode {
        &[][..]
    } else {
        &lits.outside[..]
    };
    for &(start, end, c) in rewrite {
        let replacement = if exact {
            let nfd: String = c.to_string().nfd().collect();
            (nfd != c.to_string()).then(|| {
                format!(
                    "(?:{}|{})",
                    regex_syntax::escape(&c.to_string()),
                    regex_syntax::escape(&nfd)
                )
            })
        } else if c.is_alphabetic() || punctuation_class(c).is_some() {
            let mark = if c.is_alphabetic() { r"\p{M}*" } else { "" };
            Some(format!(
                "(?:{}{mark})",
                class_regex(&char_class(c, ignore_case))
            ))
        } else {
            None
        };
        if let (Some(r), Some(before)) = (replacement, query.get(at..start)) {
            pattern.push_str(before);
            pattern.push_str(&r);
            at = end;
        }
    }
    pattern.push_str(query.get(at..).unwrap_or_default());
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(&pattern)
        .map_err(|e| short_error(&hir_error(&e), None))?;
    if hir.properties().minimum_len() == Some(0) {
        return Err("this pattern can match empty text; it needs at least one character".into());
    }
    Ok(Plan {
        pattern,
        consumable: None,
        fast: None,
    })
}

fn hir_error(e: &regex_syntax::Error) -> String {
    match e {
        regex_syntax::Error::Parse(e) => e.kind().to_string(),
        regex_syntax::Error::Translate(e) => e.kind().to_string(),
        _ => "invalid pattern".to_string(),
    }
}

/// A one-line message for the status bar: the regex crate's own `Display`
/// spans several lines and quotes the whole pattern.
pub(crate) fn short_error(what: &str, column: Option<usize>) -> String {
    let msg = match column {
        Some(c) => format!("invalid regex at column {c}: {what}"),
        None => format!("invalid regex: {what}"),
    };
    crate::text::sanitize::sanitize_line(&msg, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_and_folds() {
        assert_eq!(base_of('é'), 'e');
        assert_eq!(base_of('Ǻ'), 'A');
        assert_eq!(base_of('\u{212A}'), 'K');
        assert_eq!(base_of('≠'), '≠', "not a letter: never folded to '='");
        assert_eq!(base_of('가'), '가');
        assert_eq!(fold('ſ'), 's');
        assert_eq!(fold('\u{212A}'), 'k');
        assert_eq!(fold('ẞ'), 'ß');
    }

    /// The tables built into the binary are the walk over every letter
    /// done here, with this build's Unicode data.
    #[test]
    fn the_built_tables_are_the_walk_over_every_letter() {
        let (by_base, by_fold) = super::super::letters::walk();
        let built = |t: &'static Table| -> Vec<(char, Vec<char>)> {
            t.keys
                .iter()
                .map(|&(k, _)| (k, listed(t, k).to_vec()))
                .collect()
        };
        assert_eq!(built(&tables::BY_BASE), by_base);
        assert_eq!(built(&tables::BY_FOLD), by_fold);
        assert!(listed(&tables::BY_BASE, 'e').contains(&'é'));
        assert!(listed(&tables::BY_FOLD, 'k').contains(&'\u{212A}'));
        assert!(listed(&tables::BY_BASE, '3').is_empty());
    }

    #[test]
    fn classes_hold_accented_and_cased_variants() {
        let e = char_class('e', true);
        for c in ['e', 'E', 'é', 'É', 'ê', 'ệ'] {
            assert!(e.contains(&c), "{c} missing from {e:?}");
        }
        let upper = char_class('E', false);
        assert!(upper.contains(&'É') && !upper.contains(&'é'), "{upper:?}");
        assert_eq!(char_class('3', true), vec!['3']);
        assert!(char_class('\'', true).contains(&'’'));
    }

    #[test]
    fn plain_ascii_queries_get_a_fast_plan() {
        let plan = plain("Red Terror");
        let fast = plan.fast.expect("ASCII query");
        assert_eq!(fast.counted, 9);
        assert_eq!(fast.tail, Tail::Marks);
        assert!(fast.ascii_pattern.starts_with("(?-u)"));
        assert!(plain("café").fast.is_none());
        assert!(plain("λογος").fast.is_none());
    }

    #[test]
    fn regex_errors_are_one_short_line() {
        let e = regex("(unclosed").expect_err("invalid");
        assert!(e.len() <= 100 && !e.contains('\n'), "{e}");
        assert!(regex("a*").is_err(), "empty matches are refused");
        assert!(regex(r"\bword\b").is_ok());
    }
}
