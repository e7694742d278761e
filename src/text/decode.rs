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
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            out.extend(char::from_u32(MARK_BASE + u32::from(byte)));
        }
    }
    out
}

const INVALID_UTF8: &str = "this document is not valid UTF-8: bad bytes are shown as <FF>-style placeholders (their byte values)";

/// Checks raw text bytes and decodes them to UTF-8 (RELIABILITY I1, I2):
/// NUL or a binary signature refused, BOM stripped, UTF-16 decoded;
/// invalid bytes become byte marks (shown as `<FF>`) with a warning.
/// The text comes back as a `String`, checked once (a 768 KiB window's
/// bytes were validated twice before the first frame).
pub fn decode(bytes: Vec<u8>) -> Result<(String, Vec<String>), DocError> {
    let bytes = checked(bytes)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Vec::new())),
        Err(e) => Ok((
            mark_invalid_bytes(e.as_bytes()),
            vec![INVALID_UTF8.to_string()],
        )),
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
