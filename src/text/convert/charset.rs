//! The character encoding of a web page, found as a browser finds it
//! (WHATWG HTML, "determining the character encoding"): a byte-order
//! mark; else a `<meta charset>` or `<meta http-equiv="Content-Type"
//! content="…; charset=…">` in the first 1024 bytes (the prescan); else
//! UTF-8 when the bytes are valid UTF-8; else windows-1252, the web's
//! fallback for pages saved by older tools. `encoding_rs` (Firefox's
//! decoder) turns the bytes into text.
//!
//! Plain text has no such declaration: it keeps its bytes, and bytes that
//! are not UTF-8 are shown as `<E9>`-style placeholders (`text::decode`).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far the prescan looks, as the HTML standard says.
const PRESCAN_BYTES: usize = 1024;

/// A page's bytes (BOM still there) as text, and a warning when the
/// encoding had to be guessed or bytes could not be decoded. UTF-8 (most
/// pages) is taken as it is, without a copy.
pub fn decode_page(bytes: Vec<u8>) -> (String, Option<String>) {
    if let Some((encoding, bom)) = Encoding::for_bom(&bytes) {
        let (text, bad) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), bad.then(|| bad_bytes(encoding)));
    }
    let declared = prescan(&bytes[..bytes.len().min(PRESCAN_BYTES)]);
    if let Some(encoding) = declared.filter(|&e| e != UTF_8) {
        let (text, bad) = encoding.decode_without_bom_handling(&bytes);
        return (text.into_owned(), bad.then(|| bad_bytes(encoding)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) if declared.is_some() => (
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
            Some(bad_bytes(UTF_8)),
        ),
        Err(e) => (
            WINDOWS_1252
                .decode_without_bom_handling(e.as_bytes())
                .0
                .into_owned(),
            Some(
                "this web page declares no encoding and is not UTF-8: read as windows-1252".into(),
            ),
        ),
    }
}

fn bad_bytes(encoding: &'static Encoding) -> String {
    format!(
        "this web page has bytes that are not valid {}: shown as �",
        encoding.name()
    )
}

/// The encoding a `<meta>` in `head` declares, as the HTML standard's
/// prescan finds it: comments and other tags are skipped whole (so a
/// `<meta` inside an attribute or a comment does not count); a UTF-16
/// label means UTF-8 (the bytes are not UTF-16, or a BOM would have said
/// so) and x-user-defined means windows-1252.
pub fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += 4 + find(&rest[4..], b"-->").map_or(rest.len(), |e| e + 3);
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            i += 5;
            let mut charset = None;
            let mut http_equiv = false;
            let mut content = None;
            while let Some((name, value, next)) = attribute(head, i) {
                i = next;
                match name.as_slice() {
                    b"charset" if charset.is_none() => charset = Some(value),
                    b"http-equiv" => http_equiv = value.eq_ignore_ascii_case(b"content-type"),
                    b"content" if content.is_none() => content = Some(value),
                    _ => {}
                }
            }
            let label = charset.or_else(|| {
                content
                    .filter(|_| http_equiv)
                    .and_then(|c| charset_in_content(&c))
            });
            if let Some(found) = label.and_then(|l| Encoding::for_label(&l)) {
                return Some(
                    if found == encoding_rs::UTF_16BE || found == encoding_rs::UTF_16LE {
                        UTF_8
                    } else if found == encoding_rs::X_USER_DEFINED {
                        WINDOWS_1252
                    } else {
                        found
                    },
                );
            }
        } else if rest.starts_with(b"</") && rest.get(2).is_some_and(u8::is_ascii_alphabetic)
            || rest.starts_with(b"<") && rest.get(1).is_some_and(u8::is_ascii_alphabetic)
        {
            // Another tag: skip its name, then its attributes (whose
            // values may hold a '>').
            i += 1;
            while i < head.len() && !is_space(head[i]) && head[i] != b'>' {
                i += 1;
            }
            while let Some((_, _, next)) = attribute(head, i) {
                i = next;
            }
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            i += find(rest, b">").map_or(rest.len(), |e| e + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// The attribute starting at `i` (after spaces and slashes): its name
/// (lower-cased), its value and where the scan goes on; `None` at the
/// tag's `>` (stepping over it) or the end of the bytes.
fn attribute(b: &[u8], mut i: usize) -> Option<(Vec<u8>, Vec<u8>, usize)> {
    while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
        i += 1;
    }
    if i >= b.len() || b[i] == b'>' {
        return None;
    }
    let mut name = Vec::new();
    while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'=' | b'>' | b'/') {
        name.push(b[i].to_ascii_lowercase());
        i += 1;
    }
    if name.is_empty() {
        // A stray '=' that starts no name: step over it.
        name.push(b[i]);
        i += 1;
    }
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return Some((name, Vec::new(), i));
    }
    i += 1;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let mut value = Vec::new();
    match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            i += 1;
            while i < b.len() && b[i] != q {
                value.push(b[i].to_ascii_lowercase());
                i += 1;
            }
            i += 1;
        }
        _ => {
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                value.push(b[i].to_ascii_lowercase());
                i += 1;
            }
        }
    }
    Some((name, value, i.min(b.len())))
}

/// The label after `charset=` in a Content-Type value (lower-cased).
fn charset_in_content(content: &[u8]) -> Option<Vec<u8>> {
    let at = find(content, b"charset")?;
    let mut rest = &content[at + 7..];
    rest = trim_start(rest);
    let Some(after) = rest.strip_prefix(b"=") else {
        // "charset" not followed by '=': look for a later one.
        return charset_in_content(rest);
    };
    let rest = trim_start(after);
    let value: Vec<u8> = match rest.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let body = &rest[1..];
            body[..find(body, &[q])?].to_vec()
        }
        _ => rest
            .iter()
            .take_while(|&&b| !is_space(b) && b != b';')
            .copied()
            .collect(),
    };
    (!value.is_empty()).then_some(value)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| is_space(c)).count();
    &b[n..]
}

fn starts_with_ignore_case(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "“Café” – naïve" in windows-1252: curly quotes 0x93/0x94, é 0xE9,
    /// en dash 0x96, ï 0xEF.
    const CP1252: &[u8] = b"\x93Caf\xe9\x94 \x96 na\xefve";
    const WANT: &str = "\u{201c}Café\u{201d} \u{2013} naïve";

    fn page(head: &str, body: &[u8]) -> Vec<u8> {
        let mut out = format!("<html><head>{head}<title>T</title></head><body><p>").into_bytes();
        out.extend_from_slice(body);
        out.extend_from_slice(b"</p></body></html>");
        out
    }

    #[test]
    fn a_declared_windows_1252_page_reads_its_curly_quotes_and_accents() {
        for head in [
            "<meta charset=\"windows-1252\">",
            "<meta charset=iso-8859-1>",
            "<META CHARSET='Latin1'/>",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">",
            "<meta content='text/html;charset = \"windows-1252\"' http-equiv='content-type'>",
        ] {
            let (text, warning) = decode_page(page(head, CP1252));
            assert!(text.contains(WANT), "{head}: {text}");
            assert_eq!(warning, None, "{head}: a declared encoding is no guess");
        }
    }

    #[test]
    fn an_undeclared_page_is_utf8_when_valid_else_windows_1252() {
        let (text, warning) = decode_page(page("", WANT.as_bytes()));
        assert!(text.contains(WANT), "{text}");
        assert_eq!(warning, None);
        let (text, warning) = decode_page(page("", CP1252));
        assert!(text.contains(WANT), "{text}");
        assert!(warning.is_some_and(|w| w.contains("windows-1252")));
    }

    #[test]
    fn a_byte_order_mark_wins_over_a_declaration() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(page("<meta charset=windows-1252>", WANT.as_bytes()));
        let (text, warning) = decode_page(bytes);
        assert!(
            text.contains(WANT) && !text.starts_with('\u{feff}'),
            "{text}"
        );
        assert_eq!(warning, None);
    }

    #[test]
    fn declarations_the_prescan_must_not_take() {
        let cases: [(&[u8], Option<&Encoding>); 7] = [
            // In a comment, in another tag's attribute, after 1024 bytes.
            (b"<!-- <meta charset=koi8-r> --><p>", None),
            (b"<div title='<meta charset=koi8-r>'>", None),
            (
                b"<meta name=x><meta charset=koi8-r>",
                Some(encoding_rs::KOI8_R),
            ),
            // http-equiv missing: content alone says nothing.
            (b"<meta content='text/html; charset=koi8-r'>", None),
            // UTF-16 declared on bytes that are not: UTF-8.
            (b"<meta charset=utf-16le>", Some(UTF_8)),
            (b"<meta charset=x-user-defined>", Some(WINDOWS_1252)),
            (b"<meta charset=no-such-thing>", None),
        ];
        for (head, want) in cases {
            assert_eq!(prescan(head), want, "{}", String::from_utf8_lossy(head));
        }
        let mut late = vec![b' '; PRESCAN_BYTES];
        late.extend_from_slice(b"<meta charset=koi8-r>");
        let (_, warning) = decode_page(late);
        assert_eq!(warning, None, "beyond the prescan: plain ASCII is UTF-8");
    }

    #[test]
    fn declared_utf8_with_bad_bytes_keeps_a_warning() {
        let (text, warning) = decode_page(page("<meta charset=utf-8>", b"caf\xe9"));
        assert!(text.contains("caf\u{fffd}"), "{text}");
        assert!(warning.is_some_and(|w| w.contains("UTF-8")));
    }

    proptest::proptest! {
        #[test]
        fn the_prescan_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = prescan(&bytes);
            let _ = decode_page(bytes);
        }
    }
}
