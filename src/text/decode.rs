//! From a file's bytes to checked UTF-8: refusing what is not text (a NUL,
//! a known binary signature, UTF-32, a file too big or not a regular file),
//! stripping a BOM, decoding UTF-16, and showing invalid bytes as `<FF>`
//! (RELIABILITY I1–I4, T3).
//!
//! An invalid byte is kept in the decoded text as a *byte mark*: the
//! private-use character U+EF00 + byte (U+EF80–U+EFFF, the MirBSD OPTU-8
//! convention). The decoded text is then valid UTF-8 for every consumer
//! (the Markdown parser, search, anchors), each byte stays one character
//! of its own, and the sanitiser shows each mark as the byte's value.
//! A note's quote over such a byte stores the mark, so the quote and the
//! page agree (both show `<FF>`) and the quote's length is the length of
//! the passage it covers.

use std::fs;
use std::path::Path;

use crate::text::format::{DocError, MAX_FILE_SIZE};

/// Reads and checks a file without following it if it is not a regular
/// file (FIFOs would block, devices never end).
pub fn read_file(path: &Path) -> Result<Vec<u8>, DocError> {
    let meta = fs::metadata(path)?;
    let ft = meta.file_type();
    if ft.is_dir() {
        return Err(DocError::NotAFile("a folder"));
    }
    if !ft.is_file() {
        return Err(DocError::NotAFile("a device, socket or pipe"));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(DocError::TooLarge(meta.len()));
    }
    Ok(fs::read(path)?)
}

/// Known signatures of binary formats students are likely to drop in a
/// reading folder.
fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGS: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "ZIP, EPUB or Office"),
        (b"\x7fELF", "executable"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"\x1f\x8b", "gzip"),
        (b"\xd0\xcf\x11\xe0", "Office document"),
    ];
    SIGS.iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, what)| *what)
}

/// The first byte mark (see the module docs); byte `b` is `MARK_BASE + b`.
const MARK_BASE: u32 = 0xEF00;

/// The invalid byte a byte mark stands for.
pub fn marked_byte(c: char) -> Option<u8> {
    let v = c as u32;
    (MARK_BASE + 0x80..=MARK_BASE + 0xFF)
        .contains(&v)
        .then(|| (v - MARK_BASE) as u8)
}

/// Decodes bytes that are not all valid UTF-8: each invalid byte becomes
/// its byte mark.
pub fn mark_invalid_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    mark_into(bytes, &mut out);
    out
}

fn mark_into(bytes: &[u8], out: &mut String) {
    for (valid, invalid) in chunks(bytes) {
        out.push_str(valid);
        for &byte in invalid {
            out.extend(char::from_u32(MARK_BASE + u32::from(byte)));
        }
    }
}

/// The valid stretches of `bytes` and the invalid bytes after each, as
/// `<[u8]>::utf8_chunks` gives them, found with SIMD (`simdutf8`):
/// `utf8_chunks` looks at every byte alone, and decoding the first 64 KB
/// of a big text with it took most of the time to its first screen; with
/// `str::from_utf8`, a word at a time, 4.5 instructions a byte were left
/// on a text with invalid bytes in it (callgrind).
pub fn chunks(bytes: &[u8]) -> impl Iterator<Item = (&str, &[u8])> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (valid, bad) = match simdutf8::compat::from_utf8(rest) {
            Ok(all) => (all, rest.len()),
            Err(e) => {
                let (ok, after) = rest.split_at(e.valid_up_to());
                // Checked just now: the bytes before the error are UTF-8.
                let ok = simdutf8::basic::from_utf8(ok).unwrap_or_default();
                (ok, ok.len() + e.error_len().unwrap_or(after.len()))
            }
        };
        let invalid = &rest[valid.len()..bad];
        rest = &rest[bad..];
        Some((valid, invalid))
    })
}

/// What a byte mark adds to the text: the mark is three bytes of UTF-8
/// for the one it stands for.
const MARK_GROWTH: usize = 2;

/// Text is decoded in pieces of about this size by [`mark_in_place`].
const PIECE: usize = 64 << 10;

/// Decodes bytes that are not all valid UTF-8 as [`mark_invalid_bytes`]
/// does, but in the bytes' own buffer: a 50 MB text is never held twice
/// (once read, once decoded). The buffer grows by the marks' extra bytes
/// and each piece of it, from the last, is moved right to where it ends
/// up, its invalid bytes marked on the way; a piece ends where decoding
/// cannot be in the middle of a character, so the pieces decode as the
/// whole does.
pub fn mark_in_place(bytes: Vec<u8>) -> Vec<u8> {
    mark_in_place_by(bytes, PIECE)
}

fn mark_in_place_by(mut bytes: Vec<u8>, piece: usize) -> Vec<u8> {
    // (start, end, invalid bytes) of each piece.
    let mut pieces = Vec::new();
    let mut total = 0;
    let mut start = 0;
    while start < bytes.len() {
        let end = cut_after(&bytes, start, start.saturating_add(piece.max(1)));
        let invalid: usize = chunks(&bytes[start..end]).map(|(_, bad)| bad.len()).sum();
        total += invalid;
        pieces.push((start, end, invalid));
        start = end;
    }
    if total == 0 {
        return bytes;
    }
    // Exactly: `resize` alone would double the buffer's capacity.
    bytes.reserve_exact(MARK_GROWTH * total);
    bytes.resize(bytes.len() + MARK_GROWTH * total, 0);
    // How far right the end of the piece at hand moves.
    let mut shift = MARK_GROWTH * total;
    let mut marked = String::new();
    for &(start, end, invalid) in pieces.iter().rev() {
        if invalid == 0 {
            bytes.copy_within(start..end, start + shift);
            continue;
        }
        marked.clear();
        mark_into(&bytes[start..end], &mut marked);
        let to = end + shift;
        // The decoded piece overwrites only itself and what was moved.
        bytes[to - marked.len()..to].copy_from_slice(marked.as_bytes());
        shift -= MARK_GROWTH * invalid;
    }
    bytes
}

/// A place at or after `from + 1` (near `want`) where decoding is never
/// inside a character: a byte that is not a continuation byte, or one
/// preceded by three that are (no character has more), or the end.
fn cut_after(bytes: &[u8], from: usize, want: usize) -> usize {
    let safe = |p: usize| {
        p >= bytes.len()
            || !is_continuation(bytes[p])
            || (p >= 3 && bytes[p - 3..p].iter().all(|&b| is_continuation(b)))
    };
    let want = want.min(bytes.len());
    if let Some(p) = (from + 1..=want).rev().take(4).find(|&p| safe(p)) {
        return p;
    }
    (want + 1..=bytes.len())
        .find(|&p| safe(p))
        .unwrap_or(bytes.len())
}

fn is_continuation(b: u8) -> bool {
    (0x80..0xC0).contains(&b)
}

const INVALID_UTF8: &str = "this document is not valid UTF-8: bad bytes are shown as <FF>-style placeholders (their byte values)";

/// Invalid bytes in texts up to this size are marked in a copy, above it
/// in the text's own buffer ([`mark_in_place`]).
const COPY_UP_TO: usize = 4 << 20;

/// Checks raw text bytes and decodes them to UTF-8 (RELIABILITY I1, I2):
/// NUL or a binary signature refused, BOM stripped, UTF-16 decoded;
/// invalid bytes become byte marks (shown as `<FF>`) with a warning.
/// The text comes back as a `String`, checked once (a 768 KiB window's
/// bytes were validated twice before the first frame).
pub fn decode(bytes: Vec<u8>) -> Result<(String, Vec<String>), DocError> {
    let bytes = checked(bytes)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Vec::new())),
        // Up to a few MB (a big text's head or window, most documents):
        // marked into a new string of checked pieces, with nothing to
        // check again (std's check of the marked text was a third of
        // decoding a reopened 50 MB text's window, callgrind).
        Err(e) if e.as_bytes().len() <= COPY_UP_TO => Ok((
            mark_invalid_bytes(e.as_bytes()),
            vec![INVALID_UTF8.to_string()],
        )),
        Err(e) => {
            // Marked in the buffer the file was read into (no second whole
            // copy); what comes out is UTF-8, checked once more here.
            let marked = mark_in_place(e.into_bytes());
            let text = String::from_utf8(marked)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            Ok((text, vec![INVALID_UTF8.to_string()]))
        }
    }
}

/// The checks of [`decode`] without its last step: NUL or a binary
/// signature refused, BOM stripped, UTF-16 decoded; the bytes may still
/// be invalid UTF-8 (a web page in its own encoding, say).
fn checked(mut bytes: Vec<u8>) -> Result<Vec<u8>, DocError> {
    let size = bytes.len();
    let utf16 = check_head(&bytes, size)?;
    if utf16 {
        bytes = decode_utf16(&bytes).unwrap_or_default().into_bytes();
    } else {
        if memchr::memchr(0, &bytes).is_some() {
            return Err(DocError::Binary {
                what: "contains NUL bytes",
                size,
            });
        }
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
    }
    Ok(bytes)
}

/// Checks a web page's bytes as [`decode`] does and decodes them in the
/// encoding the page declares (`convert::charset`): a BOM first, then a
/// `<meta>` charset, then UTF-8 if valid, else windows-1252.
pub fn decode_html(bytes: Vec<u8>) -> Result<(String, Vec<String>), DocError> {
    let bom = encoding_rs::Encoding::for_bom(&bytes).is_some();
    let bytes = checked(bytes)?;
    if bom {
        // Stripped, or UTF-16 decoded: UTF-8 now, whatever it declares.
        return match String::from_utf8(bytes) {
            Ok(s) => Ok((s, Vec::new())),
            Err(e) => Ok((
                mark_invalid_bytes(e.as_bytes()),
                vec![INVALID_UTF8.to_string()],
            )),
        };
    }
    let (text, warning) = crate::text::convert::charset::decode_page(bytes);
    Ok((text, warning.into_iter().collect()))
}

/// Decodes UTF-16 with a byte-order mark; `None` if there is no BOM.
pub(crate) fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let le = if bytes.starts_with(&[0xFF, 0xFE]) {
        true
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        false
    } else {
        return None;
    };
    let units = bytes[2..].chunks_exact(2).map(|p| {
        if le {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// The checks [`Document::from_bytes`] makes that can be decided from the
/// first bytes; returns whether the text is UTF-16 (which must be decoded
/// whole).
pub fn check_head(head: &[u8], size: usize) -> Result<bool, DocError> {
    if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(DocError::Utf32);
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Ok(true);
    }
    if let Some(what) = binary_signature(head) {
        return Err(DocError::Binary { what, size });
    }
    Ok(false)
}

#[cfg(test)]
mod chunk_tests {
    proptest::proptest! {
        /// The valid stretches and invalid bytes are those `utf8_chunks`
        /// gives, whatever the bytes.
        #[test]
        fn chunks_are_utf8_chunks(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::collection::vec(proptest::num::u8::ANY, 0..6),
                    proptest::strategy::Just(b"plain ascii text ".to_vec()),
                    proptest::strategy::Just("é漢🙂".as_bytes().to_vec()),
                    proptest::strategy::Just(vec![0xe6, 0xbc]),
                    proptest::strategy::Just(vec![0xf0, 0x9f, 0x99]),
                ],
                0..10,
            ),
        ) {
            let bytes = parts.concat();
            let ours: Vec<(&str, &[u8])> = super::chunks(&bytes).collect();
            let std: Vec<(&str, &[u8])> = bytes
                .utf8_chunks()
                .map(|c| (c.valid(), c.invalid()))
                .collect();
            proptest::prop_assert_eq!(ours, std);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bytes rich in what decoding can split: multi-byte characters,
    /// their parts, lone continuation bytes, bytes never valid.
    fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"a".to_vec()),
            Just(b"\n".to_vec()),
            Just("é".as_bytes().to_vec()),
            Just("漢".as_bytes().to_vec()),
            Just("👩".as_bytes().to_vec()),
            Just(vec![0xE6, 0xBC]),
            Just(vec![0xF0, 0x9F, 0x91]),
            Just(vec![0x80]),
            Just(vec![0xBF, 0xBF, 0xBF, 0xBF]),
            Just(vec![0xFF]),
            Just(vec![0xC3]),
            Just(vec![0xED, 0xA0, 0x80]),
            Just(vec![0xF4, 0x90, 0x80, 0x80]),
            any::<u8>().prop_map(|b| vec![b]),
        ];
        proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        /// Decoding in place, in pieces of any size, gives what decoding
        /// the whole at once gives.
        #[test]
        fn marking_in_place_in_pieces_equals_marking_the_whole(
            bytes in tricky_bytes(),
            piece in 1usize..12,
        ) {
            let whole = mark_invalid_bytes(&bytes).into_bytes();
            prop_assert_eq!(mark_in_place_by(bytes.clone(), piece), whole.clone());
            prop_assert_eq!(mark_in_place(bytes), whole);
        }
    }

    #[test]
    fn valid_text_is_returned_as_it_is() {
        let text = "plain é 漢 👩 text".as_bytes().to_vec();
        let ptr = text.as_ptr();
        let out = mark_in_place_by(text.clone(), 3);
        assert_eq!(out, text);
        let out = mark_in_place(text);
        assert_eq!(out.as_ptr(), ptr, "no copy made");
    }

    #[test]
    fn the_buffer_grows_by_the_marks_alone() {
        let mut bytes = b"x".repeat(100_000);
        bytes[500] = 0xFF;
        let out = mark_in_place(bytes);
        assert_eq!(out.len(), 100_002);
        assert!(out.capacity() < 100_100, "capacity {}", out.capacity());
    }

    #[test]
    fn a_big_text_with_a_few_bad_bytes_decodes_as_the_whole_does() {
        let mut bytes = "ünïcödé text, ".repeat(20_000).into_bytes();
        for at in [0, 70_000, PIECE - 1, PIECE, 2 * PIECE + 1, bytes.len() - 1] {
            bytes[at] = 0xFF;
        }
        bytes.extend_from_slice(&[0xE6, 0xBC]);
        let whole = mark_invalid_bytes(&bytes).into_bytes();
        assert_eq!(mark_in_place(bytes), whole);
    }
}
