//! Search in a document: a [`Query`] compiled once into a [`Matcher`], and
//! [`search_document`], which finds every hit as source byte offsets (what
//! anchors and `Reader::goto_offset` use).
//!
//! What is searched is the text as the reader shows it: for Markdown the
//! rendered text of each block (so `the Red Terror` finds `the *Red*
//! Terror`), mapped back to the source; for plain text the source bytes
//! themselves (shown as is, but for sanitised controls). Matching is smart
//! about case (a query with no capital ignores case), accents (`cafe` finds
//! `café`; `café` finds it precomposed or decomposed) and spaces (a space
//! matches any run of whitespace, line breaks included); see `pattern`.
//!
//! Cost is linear in the document. A 50 MB text is scanned in chunks of
//! about 1 MiB: between chunks the search checks its cancel flag (so typing
//! on abandons a stale search) and hands the new hits to the caller (so
//! they can be shown while the rest is searched). Run it off the input
//! thread for large documents; a [`Matcher`] is cheap to clone and `Send`.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use regex::bytes::{Regex, RegexBuilder};

use crate::text::block::Table;
use crate::text::document::Document;
use crate::text::packed::{Blocks, Kind};
use crate::text::richtext::RichText;

mod letters;
mod pattern;
mod scan;
#[cfg(test)]
mod tests;

/// A search stops collecting after this many hits (16 MiB of offsets); a
/// caller can show "1048576+ matches" when it gets exactly this many.
pub const MAX_HITS: usize = 1 << 20;
/// Longer queries are refused.
pub const MAX_QUERY_CHARS: usize = 500;
/// Bytes searched between two looks at the cancel flag.
const CHUNK: usize = 1 << 20;
/// Regex mode cannot tell where a match may cross a chunk boundary, so each
/// chunk is searched this far beyond its end; a longer match is cut there.
const OVERLAP: usize = 64 << 10;

/// What the user typed, and whether it is a regex.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub pattern: String,
    /// `false`: the pattern is literal text. `true`: regex crate syntax.
    pub regex: bool,
}

impl Query {
    pub fn plain(pattern: &str) -> Query {
        Query {
            pattern: pattern.to_string(),
            regex: false,
        }
    }

    pub fn regex(pattern: &str) -> Query {
        Query {
            pattern: pattern.to_string(),
            regex: true,
        }
    }
}

/// One match, as a range of source bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
}

pub use crate::text::Cancelled;

/// The compiled matcher of `query`, from the last few compiled: a plain
/// query's accent classes take over a millisecond to compile (criterion,
/// `search_setup/matcher_plain`), and `n`, a search repeated after enter or
/// the same word searched again should not pay that twice. Errors are not
/// kept.
pub fn matcher(query: &Query) -> Result<std::sync::Arc<Matcher>, String> {
    use std::sync::{Arc, Mutex};
    const KEEP: usize = 8;
    static RECENT: Mutex<Vec<(Query, Arc<Matcher>)>> = Mutex::new(Vec::new());
    if let Ok(recent) = RECENT.lock()
        && let Some((_, m)) = recent.iter().find(|(q, _)| q == query)
    {
        return Ok(Arc::clone(m));
    }
    let m = Arc::new(Matcher::new(query)?);
    if let Ok(mut recent) = RECENT.lock() {
        if recent.len() >= KEEP {
            recent.remove(0);
        }
        recent.push((query.clone(), Arc::clone(&m)));
    }
    Ok(m)
}

/// A compiled query.
#[derive(Debug, Clone)]
pub struct Matcher {
    full: Full,
    fast: Option<scan::Fast>,
    /// Plain queries: the ASCII bytes a match can hold (chunks are cut at
    /// any other, so no match is ever split).
    consumable: Option<[bool; 128]>,
}

impl Matcher {
    /// Compiles a query. The error is one short, sanitised line for the
    /// status bar ("invalid regex at column 3: unclosed group").
    pub fn new(query: &Query) -> Result<Matcher, String> {
        if query.pattern.is_empty() {
            return Err("nothing to search for".to_string());
        }
        // Each letter becomes a class of dozens of variants: a pasted page
        // would compile for long and find nothing a phrase would not.
        if query.pattern.chars().count() > MAX_QUERY_CHARS {
            return Err(format!(
                "the search text is too long (over {MAX_QUERY_CHARS} characters)"
            ));
        }
        let plan = if query.regex {
            pattern::regex(&query.pattern)?
        } else {
            pattern::plain(&query.pattern)
        };
        // The full pattern of a short plain ASCII query (letter classes of
        // dozens of accented variants, about a millisecond to compile) is
        // only needed near non-ASCII text or for the rare long range full
        // of it: it is compiled then, so a search of plain English pays
        // only for the ASCII pattern. Long queries are compiled now, so a
        // pattern too big to compile is refused up front.
        let lazy = plan.fast.is_some() && query.pattern.chars().count() <= LAZY_FULL_CHARS;
        let full = if lazy {
            Full {
                pattern: plan.pattern,
                regex: std::sync::OnceLock::new(),
            }
        } else {
            let regex = compile(&plan.pattern)?;
            Full {
                pattern: String::new(),
                regex: std::sync::OnceLock::from(Some(regex)),
            }
        };
        let fast = match (plan.fast, plan.consumable) {
            (Some(f), Some(consumable)) => Some(scan::Fast {
                ascii: compile(&f.ascii_pattern)?,
                sieve: scan::Sieve::new(&f.non_ascii),
                non_ascii: f.non_ascii,
                fold: f.fold,
                counted: f.counted,
                tail: f.tail,
                consumable,
                dirty_share: 4,
            }),
            _ => None,
        };
        Ok(Matcher {
            full,
            fast,
            consumable: plan.consumable,
        })
    }

    /// Whether `text` holds a match (for filtering short texts: notes,
    /// titles).
    pub fn is_match(&self, text: &[u8]) -> bool {
        if self.fast.is_none() {
            return self.full.get().is_some_and(|re| re.is_match(text));
        }
        // The fast path, so filtering plain notes compiles no accent classes.
        let mut found = false;
        self.scan(text, (0, text.len(), text.len()), &mut |_, _| {
            found = true;
            false
        });
        found
    }

    /// Every match in a short text (a note, a line), as byte ranges; at
    /// most [`MAX_HITS`]. Documents go through [`search_document`].
    pub fn find_all(&self, text: &[u8]) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.scan(text, (0, text.len(), text.len()), &mut |s, e| {
            out.push(s..e);
            out.len() < MAX_HITS
        });
        out
    }

    fn scan(
        &self,
        hay: &[u8],
        bounds: (usize, usize, usize),
        emit: &mut dyn FnMut(usize, usize) -> bool,
    ) -> bool {
        scan::scan(&self.full, self.fast.as_ref(), hay, bounds, emit)
    }

    /// Where the chunk starting at `pos` ends (`to`), and how far it is
    /// searched (`lim`): a plain query's chunk ends on a byte no match can
    /// hold; a regex's is searched [`OVERLAP`] further.
    fn chunk(&self, hay: &[u8], pos: usize) -> (usize, usize) {
        let len = hay.len();
        let target = pos.saturating_add(CHUNK);
        if target >= len {
            return (len, len);
        }
        match &self.consumable {
            Some(c) => {
                let to = hay[target..]
                    .iter()
                    .position(|&b| b < 0x80 && !c[usize::from(b)])
                    .map_or(len, |p| target + p);
                (to, to)
            }
            None => (target, (target + OVERLAP).min(len)),
        }
    }
}

/// Plain queries up to this many characters compile their full pattern
/// only when a search needs it (see [`Matcher::new`]).
const LAZY_FULL_CHARS: usize = 64;

/// The full pattern of a query, compiled now or at its first use.
#[derive(Debug, Clone)]
pub(crate) struct Full {
    /// Empty once compiled up front.
    pattern: String,
    regex: std::sync::OnceLock<Option<Regex>>,
}

impl Full {
    /// The compiled pattern; `None` only if a short plain query's pattern
    /// failed to compile (then only its ASCII matches are found).
    pub(crate) fn get(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| compile(&self.pattern).ok())
            .as_ref()
    }
}

fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern).build().map_err(|e| match e {
        regex::Error::CompiledTooBig(_) => "the search pattern is too large".to_string(),
        _ => pattern::short_error("cannot compile", None),
    })
}

/// Finds every hit in a document, in order and never overlapping, as
/// source offsets. `on_batch` receives the new hits after each ~1 MiB
/// searched; `cancel` is checked just as often. Stops at [`MAX_HITS`].
pub fn search_document(
    doc: &Document,
    m: &Matcher,
    cancel: &AtomicBool,
    on_batch: impl FnMut(&[Hit]),
) -> Result<Vec<Hit>, Cancelled> {
    match doc.markdown_blocks() {
        Some(blocks) => search_blocks(blocks, doc.len(), m, cancel, on_batch),
        None => search_text(doc.source(), m, cancel, on_batch),
    }
}

/// [`search_document`] over raw text (a plain-text document's source, or
/// a file read for a library-wide search without building a `Document`).
pub fn search_text(
    source: &[u8],
    m: &Matcher,
    cancel: &AtomicBool,
    mut on_batch: impl FnMut(&[Hit]),
) -> Result<Vec<Hit>, Cancelled> {
    let mut hits = Vec::new();
    let mut delivered = 0;
    let mut pos = 0;
    while pos < source.len() && hits.len() < MAX_HITS {
        if cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        let (to, lim) = m.chunk(source, pos);
        let mut last_end = pos;
        m.scan(source, (pos, to, lim), &mut |start, end| {
            hits.push(Hit { start, end });
            last_end = end;
            hits.len() < MAX_HITS
        });
        if hits.len() > delivered {
            on_batch(&hits[delivered..]);
            delivered = hits.len();
        }
        pos = to.max(last_end);
    }
    Ok(hits)
}

/// The texts of block `i` that `m` may find something in: its own (made
/// in `own`), or its table's cells (made in `table`); and the bytes of
/// text passed over. A block's own text gets its runs (which map a match
/// to the source) only when `m` finds something in it: most blocks have
/// no match.
fn shown_texts<'a>(
    (blocks, i): (Blocks<'_>, usize),
    m: &Matcher,
    own: &'a mut RichText,
    table: &'a mut Option<Table>,
) -> (Vec<&'a RichText>, usize) {
    match blocks.kind(i) {
        Some(Kind::Table(_)) => {
            *table = blocks.table(i);
            let cells = table.iter().flat_map(|t| t.rows.iter().flatten());
            (cells.collect(), 0)
        }
        Some(Kind::Rule) | None => (Vec::new(), 0),
        Some(_) => {
            blocks.shown_into(i, &mut own.text);
            let bytes = own.text.as_bytes();
            let mut found = false;
            m.scan(bytes, (0, bytes.len(), bytes.len()), &mut |_, _| {
                found = true;
                false
            });
            if !found {
                return (Vec::new(), own.text.len());
            }
            blocks.runs_into(i, own);
            (vec![own], 0)
        }
    }
}

fn search_blocks(
    blocks: Blocks<'_>,
    source_len: usize,
    m: &Matcher,
    cancel: &AtomicBool,
    mut on_batch: impl FnMut(&[Hit]),
) -> Result<Vec<Hit>, Cancelled> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut delivered = 0;
    // Check the flag before the first block too.
    let mut since_check = CHUNK;
    let mut last_end = 0;
    // One block's text at a time, its memory reused.
    let mut own = RichText::new();
    let mut table = None;
    'blocks: for i in 0..blocks.len() {
        if since_check >= CHUNK {
            since_check = 0;
            if cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
            if hits.len() > delivered {
                on_batch(&hits[delivered..]);
                delivered = hits.len();
            }
        }
        let block_end = blocks.src(i + 1).unwrap_or(source_len);
        let (texts, passed) = shown_texts((blocks, i), m, &mut own, &mut table);
        since_check += passed;
        for text in texts {
            let bytes = text.text.as_bytes();
            since_check += bytes.len();
            let go_on = m.scan(bytes, (0, bytes.len(), bytes.len()), &mut |s, e| {
                let start = text.src_at(s);
                let end = src_end(text, e, block_end).max(start);
                // Source order is block order; anything else (a decoration
                // mapped back to its anchor) is dropped, never reordered.
                if start >= last_end {
                    hits.push(Hit { start, end });
                    last_end = end;
                }
                hits.len() < MAX_HITS
            });
            if !go_on {
                break 'blocks;
            }
        }
    }
    if hits.len() > delivered {
        on_batch(&hits[delivered..]);
    }
    Ok(hits)
}

/// The source offset just after display byte `end - 1`: inside a run that
/// copies its source, exact; after a placeholder or entity, where the next
/// run starts (or the block ends). `src_at(end)` would instead land after
/// any markup that follows, such as a closing `*`.
fn src_end(text: &RichText, end: usize, block_end: usize) -> usize {
    let idx = text.runs.partition_point(|r| r.start < end);
    match idx.checked_sub(1).and_then(|i| text.runs.get(i)) {
        Some(run) if run.exact => run.src + (end - run.start),
        Some(_) => text.runs.get(idx).map_or(block_end, |next| next.src),
        None => text.src_at(end),
    }
}
