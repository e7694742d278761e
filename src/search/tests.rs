//! Search behaviour: case, regex, accents and normal forms, whitespace,
//! Markdown mapping, chunking, cancellation, and the fast path agreeing
//! with the plain regex on arbitrary text.

use std::sync::atomic::{AtomicBool, Ordering};

use proptest::prelude::*;

use super::*;
use crate::text::document::Format;

fn hits_in(text: &str, query: &Query) -> Vec<(usize, usize)> {
    let m = Matcher::new(query).expect("query compiles");
    let doc = Document::from_bytes(text.as_bytes().to_vec(), Format::Text).expect("loads");
    search_document(&doc, &m, &AtomicBool::new(false), |_| {})
        .expect("not cancelled")
        .into_iter()
        .map(|h| (h.start, h.end))
        .collect()
}

fn found<'a>(text: &'a str, query: &str) -> Vec<&'a str> {
    hits_in(text, &Query::plain(query))
        .into_iter()
        .map(|(s, e)| &text[s..e])
        .collect()
}

fn md_hits(src: &str, query: &str) -> Vec<(usize, usize)> {
    let m = Matcher::new(&Query::plain(query)).expect("compiles");
    let doc = Document::from_bytes(src.as_bytes().to_vec(), Format::Markdown).expect("loads");
    search_document(&doc, &m, &AtomicBool::new(false), |_| {})
        .expect("not cancelled")
        .into_iter()
        .map(|h| (h.start, h.end))
        .collect()
}

#[test]
fn smart_case_lower_case_ignores_case_a_capital_does_not() {
    assert_eq!(found("Red red RED", "red"), vec!["Red", "red", "RED"]);
    assert_eq!(found("Red red RED", "Red"), vec!["Red"]);
    assert_eq!(found("Ärger ärger", "ärger"), vec!["Ärger", "ärger"]);
    assert_eq!(found("Ärger ärger", "Ärger"), vec!["Ärger"]);
}

#[test]
fn regex_toggle_switches_between_literal_and_pattern() {
    let text = "a.c abc";
    assert_eq!(found(text, "a.c"), vec!["a.c"], "plain: the dot is a dot");
    let hits = hits_in(text, &Query::regex("a.c"));
    assert_eq!(hits, vec![(0, 3), (4, 7)], "regex: the dot is any char");
    let hits = hits_in("Cheka 1918 and 1922", &Query::regex(r"\d{4}"));
    assert_eq!(hits, vec![(6, 10), (15, 19)]);
    assert_eq!(hits_in("One one", &Query::regex("o[n]e")).len(), 2);
    assert_eq!(hits_in("One one", &Query::regex("O[n]e")).len(), 1);
    assert_eq!(
        hits_in("ONE one", &Query::regex(r"\Sne")).len(),
        2,
        "escapes are not capitals"
    );
}

#[test]
fn accents_fold_when_the_query_has_none_and_both_normal_forms_match() {
    let nfc = "un café noir";
    let nfd = "un cafe\u{301} noir";
    assert_eq!(found(nfc, "cafe"), vec!["café"]);
    assert_eq!(
        found(nfd, "cafe"),
        vec!["cafe\u{301}"],
        "the mark is part of the hit"
    );
    assert_eq!(found(nfc, "café"), vec!["café"]);
    assert_eq!(found(nfd, "café"), vec!["cafe\u{301}"]);
    let nfd_query = "cafe\u{301}";
    assert_eq!(found(nfc, nfd_query), vec!["café"]);
    assert_eq!(found(nfd, nfd_query), vec!["cafe\u{301}"]);
    assert!(
        found("un cafe noir", "café").is_empty(),
        "an accent is exact"
    );
    assert_eq!(found("CAFÉ Café", "cafe"), vec!["CAFÉ", "Café"]);
    assert_eq!(found("CAFÉ Café", "Café"), vec!["Café"]);
    assert_eq!(found("Ångström", "angstrom"), vec!["Ångström"]);
    assert_eq!(found("λόγος", "λογος"), vec!["λόγος"]);
    assert_eq!(found("Ελλάδα", "ελλαδα"), vec!["Ελλάδα"]);
    assert!(found("a ≠ b", "a = b").is_empty(), "≠ is not an accented =");
}

#[test]
fn accents_fold_in_regex_mode_too() {
    let hits = hits_in("café cafe\u{301}", &Query::regex("caf(e|x)"));
    assert_eq!(hits.len(), 2);
    let hits = hits_in("café cafe\u{301} cafe", &Query::regex("caf(é|x)"));
    assert_eq!(hits.len(), 2, "{hits:?}");
}

#[test]
fn regex_syntax_in_a_plain_query_is_literal() {
    let text = r"x [a] (b) \ c* y+ ^$ {2} a|b";
    for q in [r"[a] (b) \", "c* y+", "^$", "{2}", "a|b"] {
        assert_eq!(found(text, q), vec![q], "{q}");
    }
}

#[test]
fn regexes_turning_unicode_off_are_taken_as_written() {
    assert_eq!(
        hits_in("abc caf\u{e9}", &Query::regex("(?-u)ab.")),
        vec![(0, 3)]
    );
    assert_eq!(hits_in("abc", &Query::regex("(?-u:b)c")), vec![(1, 3)]);
    let hits = hits_in("caf\u{e9}", &Query::regex(r"(?-u)caf\xC3\xA9"));
    assert_eq!(hits, vec![(0, 5)], "bytes are matched as bytes");
}

#[test]
fn very_long_queries_are_refused() {
    let long = "word ".repeat(200);
    let e = Matcher::new(&Query::plain(&long)).expect_err("too long");
    assert!(e.contains("too long"), "{e}");
}

#[test]
fn typographic_quotes_and_dashes_match_their_ascii_forms() {
    assert_eq!(found("don’t stop", "don't"), vec!["don’t"]);
    assert_eq!(
        found("The Cheka, 1918–1922", "1918-1922"),
        vec!["1918–1922"]
    );
    assert_eq!(found("“quoted”", "\"quoted\""), vec!["“quoted”"]);
}

#[test]
fn whitespace_matches_any_run_including_line_breaks() {
    assert_eq!(found("the Red\nTerror", "red terror"), vec!["Red\nTerror"]);
    assert_eq!(
        found("the Red \r\n   Terror", "red terror"),
        vec!["Red \r\n   Terror"]
    );
    assert_eq!(found("Red\tTerror", "red  terror"), vec!["Red\tTerror"]);
    assert!(found("RedTerror", "red terror").is_empty());
}

#[test]
fn markdown_is_searched_as_shown_and_mapped_to_the_source() {
    let src = "# Title\n\nIn 1918 the *Red* Terror began.\n";
    let hits = md_hits(src, "the red terror");
    assert_eq!(hits.len(), 1, "{hits:?}");
    let (s, e) = hits[0];
    assert_eq!(
        &src[s..e],
        "the *Red* Terror",
        "from the first to the last letter"
    );
    let hits = md_hits(src, "red");
    assert_eq!(&src[hits[0].0..hits[0].1], "Red");
    let hits = md_hits("A **bold\nword** here\n", "bold word");
    assert_eq!(hits.len(), 1, "a soft break is a space");
    let table = "| Year | Event |\n|---|---|\n| 1917 | Cheka founded |\n";
    let hits = md_hits(table, "cheka");
    assert_eq!(
        &table[hits[0].0..hits[0].1],
        "Cheka",
        "table cells are searched"
    );
}

#[test]
fn a_match_spanning_wrapped_rows_is_found() {
    let para = "word ".repeat(30) + "the Red Terror " + &"word ".repeat(30);
    let doc = Document::from_bytes(para.clone().into_bytes(), Format::Text).expect("loads");
    let block = doc.block(0);
    let rows = crate::text::wrap::wrap_ranges(&block.text, 20);
    let at = para.find("Red Terror").expect("present");
    assert!(
        rows.iter().any(|&(a, b)| a > at && a < at + 10 && b > a)
            || rows.iter().any(|&(a, b)| b > at && b < at + 10 && a < at),
        "the phrase must straddle a row break at width 20: {rows:?}"
    );
    assert_eq!(found(&para, "red terror"), vec!["Red Terror"]);
}

#[test]
fn invalid_utf8_never_panics_and_offsets_stay_exact() {
    let bytes = b"caf\xff\xfe cafe \xc3 \xe2\x82 caf\xc3\xa9\xff".to_vec();
    let m = Matcher::new(&Query::plain("cafe")).expect("compiles");
    let doc = Document::from_bytes(bytes, Format::Text).expect("loads");
    let hits = search_document(&doc, &m, &AtomicBool::new(false), |_| {}).expect("ok");
    // Offsets are in the decoded text, where each bad byte is a byte mark.
    let src = doc.source();
    let got: Vec<&[u8]> = hits.iter().map(|h| &src[h.start..h.end]).collect();
    assert_eq!(got, vec![&b"cafe"[..], "café".as_bytes()]);
}

#[test]
fn errors_are_short_and_empty_queries_refused() {
    let e = Matcher::new(&Query::regex("(a")).expect_err("unclosed");
    assert!(e.starts_with("invalid regex") && !e.contains('\n'), "{e}");
    assert!(Matcher::new(&Query::plain("")).is_err());
    assert!(
        Matcher::new(&Query::regex("x?")).is_err(),
        "matches empty text"
    );
    let e = Matcher::new(&Query::regex("\u{1b}]0;x(")).expect_err("bad");
    assert!(!e.contains('\u{1b}'), "sanitised: {e:?}");
}

/// A text of several chunks with hits on both sides of every boundary.
fn big_text() -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 3 * CHUNK + 1000 {
        s.push_str(match i % 7 {
            0 => "the Red\nTerror ",
            1 => "café ",
            2 => "cafe\u{301} ",
            3 => "Ångström ",
            4 => "— don’t ",
            _ => "plain words here ",
        });
        i += 1;
    }
    s
}

#[test]
fn chunked_search_finds_what_one_pass_finds() {
    let text = big_text();
    for q in [
        Query::plain("red terror"),
        Query::plain("cafe"),
        Query::plain("here the"),
        Query::plain("café"),
        Query::regex(r"Red\s+Terror"),
        Query::regex("caf."),
    ] {
        let m = Matcher::new(&q).expect("compiles");
        let whole: Vec<(usize, usize)> = m
            .full
            .get()
            .expect("compiles")
            .find_iter(text.as_bytes())
            .map(|x| (x.start(), x.end()))
            .collect();
        let mut batches = 0;
        let hits = search_text(text.as_bytes(), &m, &AtomicBool::new(false), |_| {
            batches += 1;
        })
        .expect("ok");
        let got: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
        assert_eq!(got, whole, "{q:?}");
        assert!(batches >= 3, "{q:?}: hits come in batches ({batches})");
    }
}

#[test]
fn cancelling_stops_the_search_early() {
    let text = big_text();
    let m = Matcher::new(&Query::plain("cafe")).expect("compiles");
    let cancel = AtomicBool::new(true);
    assert_eq!(
        search_text(text.as_bytes(), &m, &cancel, |_| {}),
        Err(Cancelled)
    );
    let cancel = AtomicBool::new(false);
    let mut batches = 0;
    let r = search_text(text.as_bytes(), &m, &cancel, |_| {
        batches += 1;
        cancel.store(true, Ordering::Relaxed);
    });
    assert_eq!(r, Err(Cancelled));
    assert_eq!(batches, 1, "no chunk is searched after the flag is set");
}

#[test]
fn find_all_serves_short_texts() {
    let m = Matcher::new(&Query::plain("terror")).expect("compiles");
    assert_eq!(m.find_all(b"Red Terror, terror"), vec![4..10, 12..18]);
    assert!(m.is_match(b"TERROR"));
    assert!(!m.is_match(b"error"));
}

/// Pieces that exercise the fast path's edges: accents in both forms,
/// marks, odd spaces, invalid bytes, look-alike letters.
fn haystack() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        "[a-fA-F ]{1,6}".prop_map(String::into_bytes),
        Just(b"cafe".to_vec()),
        Just("café".as_bytes().to_vec()),
        Just("cafe\u{301}".as_bytes().to_vec()),
        Just("CAFÉ".as_bytes().to_vec()),
        Just("ca\u{301}\u{302}fe".as_bytes().to_vec()),
        Just("\u{301}".as_bytes().to_vec()),
        Just("\u{a0}".as_bytes().to_vec()),
        Just("\u{2003}".as_bytes().to_vec()),
        Just("\n".as_bytes().to_vec()),
        Just("\r\n".as_bytes().to_vec()),
        Just("—’".as_bytes().to_vec()),
        Just("ſ\u{212A}".as_bytes().to_vec()),
        Just("Ελλάδα".as_bytes().to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\xc3".to_vec()),
        Just(b"\xe2\x82".to_vec()),
        Just("x".repeat(70).into_bytes()),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("cafe".to_string()),
        Just("Cafe".to_string()),
        Just("e".to_string()),
        Just("a b".to_string()),
        Just("fe ".to_string()),
        Just(" ".to_string()),
        Just("e-".to_string()),
        Just("ks".to_string()),
        "[a-fA-F ]{1,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_path_finds_exactly_what_the_full_pattern_finds(hay in haystack(), q in query()) {
        let mut m = Matcher::new(&Query::plain(&q)).expect("compiles");
        let expected: Vec<Range<usize>> = m.full.get().expect("compiles").find_iter(&hay).map(|x| x.range()).collect();
        let Some(fast) = m.fast.as_mut() else {
            return Err(TestCaseError::fail("ASCII queries take the fast path"));
        };
        // Never fall back to the full pattern: test the windows themselves.
        fast.dirty_share = 1;
        prop_assert_eq!(m.find_all(&hay), expected);
    }

    #[test]
    fn hits_are_sorted_non_overlapping_and_on_the_text(hay in haystack(), q in query(), regex in any::<bool>(), md in any::<bool>()) {
        let Ok(m) = Matcher::new(&Query { pattern: q, regex }) else { return Ok(()) };
        let format = if md { Format::Markdown } else { Format::Text };
        let Ok(doc) = Document::from_bytes(hay, format) else { return Ok(()) };
        let hits = search_document(&doc, &m, &AtomicBool::new(false), |_| {}).expect("ok");
        let mut last = 0;
        for h in &hits {
            prop_assert!(h.start >= last && h.end >= h.start && h.end <= doc.len(), "{:?} after {}", h, last);
            last = h.end;
        }
    }
}

#[test]
fn documents_and_matchers_can_go_to_a_search_thread() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Document>();
    send_sync::<Matcher>();
    send_sync::<Hit>();
}

#[test]
fn the_longest_query_allowed_compiles_in_both_modes() {
    let q: String = "revolution party "
        .repeat(30)
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    assert!(Matcher::new(&Query::plain(&q)).is_ok());
    assert!(Matcher::new(&Query::regex(&q)).is_ok());
}

#[test]
fn a_repeated_query_reuses_its_compiled_matcher() {
    let q = Query::plain("a repeated query");
    let a = super::matcher(&q).expect("compiles");
    let b = super::matcher(&q).expect("compiles");
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    let other = super::matcher(&Query::regex("a repeated query")).expect("compiles");
    assert!(
        !std::sync::Arc::ptr_eq(&a, &other),
        "regex mode is another query"
    );
    assert!(super::matcher(&Query::plain("")).is_err());
}

/// Accented words that cannot be the one sought do not cost the full
/// pattern's compilation (milliseconds: its `\p{M}` classes); one that can
/// be still finds its match through it.
#[test]
fn the_full_pattern_is_compiled_only_for_accents_that_could_match() {
    let hay = "Béla Kun and Dzerżyński in a café — naïve “explicit” notes, façade".as_bytes();
    let m = Matcher::new(&Query::plain("explicit")).expect("compiles");
    assert_eq!(m.find_all(hay).len(), 1);
    assert!(
        m.full.regex.get().is_none(),
        "no accented word here folds to the query"
    );
    let m = Matcher::new(&Query::plain("cafe")).expect("compiles");
    let found = m.find_all(hay);
    assert_eq!(found.len(), 1);
    assert_eq!(&hay[found[0].clone()], "café".as_bytes());
    assert!(m.full.regex.get().is_some(), "café needs the full pattern");
    // Folded, “naive” is a match: found through the full pattern.
    let m = Matcher::new(&Query::plain("naive")).expect("compiles");
    assert_eq!(m.find_all(hay).len(), 1);
}
