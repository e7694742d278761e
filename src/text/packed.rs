//! A Markdown document's blocks, kept small: what each block shows is
//! mostly its own source, so it is kept as where it comes from, not as a
//! copy (issue 12: the blocks of 7.6 MB of prose were 27 MB, the source
//! once more in their texts, a 224-byte block each and the slack of
//! every growing string).
//!
//! A block's runs are kept as they are; a run whose display bytes are its
//! source's (a line end shown as a space counts: a soft break) keeps no
//! text, the others (an entity, a tab) keep theirs in one string for all
//! blocks. A table's cells are kept as a block's text is. Quote and list
//! prefixes are kept once for a run of blocks that share them. [`Packed::block`]
//! makes the block as it was parsed, equal to it.

use std::sync::Arc;

use crate::text::block::{Block, BlockKind, Table, WholeTable};
use crate::text::richtext::{RichText, Run};
use crate::text::role::Roles;

/// What kind of block, with a table's index in [`Packed::tables`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Text,
    Heading(u8),
    Code,
    Rule,
    Table(u32),
}

/// A block in 16 bytes (a source offset is never near 4 GiB, see
/// [`index`]).
#[derive(Debug)]
struct Head {
    src: u32,
    /// Its text in [`Packed::texts`]; a table's index in
    /// [`Packed::tables`] (its own text is empty).
    text: u32,
    /// Its prefixes in [`Packed::prefixes`].
    prefixes: u32,
    /// Which [`Kind`]: one of the `TAG_` numbers.
    tag: u8,
    /// A heading's level.
    level: u8,
    gap_before: u8,
}

const TAG_TEXT: u8 = 0;
const TAG_HEADING: u8 = 1;
const TAG_CODE: u8 = 2;
const TAG_RULE: u8 = 3;
const TAG_TABLE: u8 = 4;

impl Head {
    fn kind(&self) -> Kind {
        match self.tag {
            TAG_HEADING => Kind::Heading(self.level),
            TAG_CODE => Kind::Code,
            TAG_RULE => Kind::Rule,
            TAG_TABLE => Kind::Table(self.text),
            _ => Kind::Text,
        }
    }

    /// Its text in [`Packed::texts`] (past them for a table: an empty
    /// text).
    fn text(&self) -> usize {
        if self.tag == TAG_TABLE {
            usize::MAX
        } else {
            self.text as usize
        }
    }
}

/// A table's cells, each a text of [`Packed::texts`], one after another.
#[derive(Debug)]
pub struct PackedTable {
    /// The text of its first cell.
    pub first: u32,
    rows: Rows,
}

/// Where a table's rows start among its cells.
#[derive(Debug)]
enum Rows {
    /// `rows` rows of `cells` cells each: most tables (pulldown-cmark
    /// gives every body row the header's cells), kept in no memory of
    /// their own (a table of 300,000 one-word rows held 1.2 MB of row
    /// starts).
    Even { rows: u32, cells: u32 },
    /// Where each row starts, counted from the first cell, and where the
    /// last ends.
    Listed(Box<[u32]>),
}

impl PackedTable {
    /// The table whose cells start at text `first`, its rows at
    /// `starts` (counted from `first`, ending with where the last row
    /// ends).
    pub fn new(first: u32, starts: &[u32]) -> Self {
        let rows = match *starts {
            [0, cells, ..]
                if starts
                    .windows(2)
                    .all(|w| w[1].checked_sub(w[0]) == Some(cells)) =>
            {
                Rows::Even {
                    rows: index(starts.len() - 1),
                    cells,
                }
            }
            _ => Rows::Listed(starts.into()),
        };
        PackedTable { first, rows }
    }

    /// Its rows' cells, as text indexes counted from [`PackedTable::first`].
    pub fn rows(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let rows = match &self.rows {
            Rows::Even { rows, .. } => *rows as usize,
            Rows::Listed(starts) => starts.len().saturating_sub(1),
        };
        (0..rows).map(|r| match &self.rows {
            Rows::Even { cells, .. } => r * *cells as usize..(r + 1) * *cells as usize,
            Rows::Listed(starts) => starts[r] as usize..starts[r + 1] as usize,
        })
    }

    /// Its number of cells.
    pub fn cells(&self) -> usize {
        match &self.rows {
            Rows::Even { rows, cells } => *rows as usize * *cells as usize,
            Rows::Listed(starts) => starts.last().map_or(0, |&l| l as usize),
        }
    }

    /// Its first row alone.
    pub fn first_row(&self) -> Self {
        let end = self.rows().next().map_or(0, |r| index(r.end));
        PackedTable::new(self.first, &[0, end])
    }
}

/// A table block: its cells and what [`Table`] has besides.
#[derive(Debug)]
struct StoredTable {
    cells: PackedTable,
    header_rows: usize,
    whole: Option<Arc<WholeTable>>,
}

/// The blocks of a Markdown text, packed.
#[derive(Debug, Default)]
pub struct Packed {
    heads: Vec<Head>,
    texts: Texts,
    prefixes: Vec<(RichText, RichText)>,
    tables: Vec<StoredTable>,
}

/// Texts (a block's, a table cell's), packed.
#[derive(Debug, Default)]
struct Texts {
    heads: Vec<TextHead>,
    /// What a text of several runs (or of one run not its source's) has
    /// besides its head.
    styled: Vec<StyledHead>,
    /// The end column of each text (by index) whose column is not the
    /// one [`end_col`] finds in its display text: few or none.
    cols: Vec<(u32, u32)>,
    runs: Vec<Packed12>,
    /// The text of the runs that are not copies, in order.
    own: String,
}

/// A text in 8 bytes: its length in bytes and what else it is, by the
/// [`ONE_RUN`] bit of `len`: the source offset of its one run, or its
/// index in [`Texts::styled`] ([`EMPTY`] for an empty text, which has
/// no runs). Most table cells and prose without markup
/// are one run of their source's bytes in no style, kept in the head
/// alone (a table of 300,000 one-word rows: 2.4 MB where a 16-byte head
/// for every text held 4.8).
#[derive(Debug, Clone, Copy)]
struct TextHead {
    len: u32,
    at: u32,
}

/// Where a styled text's runs and own text start.
#[derive(Debug, Clone, Copy)]
struct StyledHead {
    runs: u32,
    own: u32,
}

/// A [`Run`] in 12 bytes (its offsets within one text, which is never
/// near 4 GiB: a file read is at most 256 MiB, an EPUB's text 512), and
/// whether its display bytes are its source's (line ends shown as
/// spaces).
#[derive(Debug, Clone, Copy)]
struct Packed12 {
    start: u32,
    src: u32,
    /// Its style ([`Roles::to_parts`]).
    roles: u16,
    heading: u8,
    /// `EXACT`, `COPIED`.
    flags: u8,
}

const EXACT: u8 = 1;
const COPIED: u8 = 2;

impl Packed12 {
    fn copied(&self) -> bool {
        self.flags & COPIED != 0
    }
}

/// Whether display bytes `shown` are the source bytes `src`, a line end
/// (`\n`, `\r`) shown as a space: what [`push_copy`] makes of them (a
/// line end shown as itself, a hard break, is not a copy).
fn copies(shown: &[u8], src: &[u8]) -> bool {
    shown.len() == src.len()
        && shown.iter().zip(src).all(|(&d, &s)| {
            if matches!(s, b'\n' | b'\r') {
                d == b' '
            } else {
                d == s
            }
        })
}

/// A text head's `len` with this bit: the text is one run of its
/// source's bytes in no style, kept in the head alone (`at` is the run's
/// source offset).
const ONE_RUN: u32 = 1 << 31;
/// With [`ONE_RUN`]: that run's `exact`. Without: the text's end column
/// is kept in [`Texts::cols`].
const ONE_EXACT: u32 = 1 << 30;

impl TextHead {
    /// The text's length in bytes.
    fn len(&self) -> usize {
        (self.len & !(ONE_RUN | ONE_EXACT)) as usize
    }

    /// Whether its end column is kept in [`Texts::cols`].
    fn col_kept(&self) -> bool {
        self.len & (ONE_RUN | ONE_EXACT) == ONE_EXACT
    }

    /// For a text kept in its head alone, its run's source offset and
    /// `exact`.
    fn one_run(&self) -> Option<(usize, bool)> {
        (self.len & ONE_RUN != 0).then_some((self.at as usize, self.len & ONE_EXACT != 0))
    }

    /// For a styled text, its index in [`Texts::styled`].
    fn styled(&self) -> Option<usize> {
        (self.len & ONE_RUN == 0 && self.at != EMPTY).then_some(self.at as usize)
    }
}

/// The column a display text ends at, as [`RichText`] counts it (for the
/// tab stops of what follows): the width of what follows its last hard
/// break. A text whose pieces were counted otherwise (a combining mark
/// pushed apart from its letter) keeps its own ([`Texts::cols`]).
fn end_col(text: &str) -> usize {
    let last = memchr::memrchr(b'\n', text.as_bytes()).map_or(0, |at| at + 1);
    crate::text::sanitize::text_width(&text[last..])
}

/// The `n` bytes of `source` from `src`, line ends shown as spaces,
/// added to `out`.
fn push_copy(out: &mut String, source: &str, src: usize, n: usize) {
    // (`source` is the one the text was packed from: the range is in it,
    // on character boundaries.)
    let copy = source.get(src..src + n).unwrap_or_default();
    let mut from = 0;
    for at in memchr::memchr2_iter(b'\n', b'\r', copy.as_bytes()) {
        out.push_str(&copy[from..at]);
        out.push(' ');
        from = at + 1;
    }
    out.push_str(&copy[from..]);
}

/// [`TextHead::at`] of an empty text (no runs).
const EMPTY: u32 = u32::MAX;

impl Texts {
    /// Adds `text`, parsed from `source`; its index.
    fn push(&mut self, text: &RichText, source: &str) -> u32 {
        let bytes = text.text.as_bytes();
        let copied = |i: usize, run: &Run| {
            let end = text.runs.get(i + 1).map_or(bytes.len(), |n| n.start);
            let shown = &bytes[run.start..end];
            source
                .as_bytes()
                .get(run.src..run.src.saturating_add(shown.len()))
                .is_some_and(|s| copies(shown, s))
        };
        if text.runs.is_empty() && text.text.is_empty() && text.col() == 0 {
            self.heads.push(TextHead { len: 0, at: EMPTY });
            return index(self.heads.len() - 1);
        }
        if let [run] = text.runs.as_slice()
            && run.start == 0
            && run.style == Roles::NONE
            && bytes.len() < ONE_EXACT as usize
            && copied(0, run)
            && end_col(&text.text) == text.col()
        {
            let exact = if run.exact { ONE_EXACT } else { 0 };
            self.heads.push(TextHead {
                len: index(bytes.len()) | ONE_RUN | exact,
                at: index(run.src),
            });
            return index(self.heads.len() - 1);
        }
        let col_kept = end_col(&text.text) != text.col();
        if col_kept {
            self.cols.push((index(self.heads.len()), index(text.col())));
        }
        self.heads.push(TextHead {
            len: index(text.text.len()) | if col_kept { ONE_EXACT } else { 0 },
            at: index(self.styled.len()),
        });
        self.styled.push(StyledHead {
            runs: index(self.runs.len()),
            own: index(self.own.len()),
        });
        for (i, run) in text.runs.iter().enumerate() {
            let end = text.runs.get(i + 1).map_or(bytes.len(), |n| n.start);
            let copied = copied(i, run);
            if !copied {
                self.own.push_str(&text.text[run.start..end]);
            }
            let (roles, heading) = run.style.to_parts();
            self.runs.push(Packed12 {
                start: index(run.start),
                src: index(run.src),
                roles,
                heading,
                flags: if run.exact { EXACT } else { 0 } | if copied { COPIED } else { 0 },
            });
        }
        index(self.heads.len() - 1)
    }

    /// Text `t`, made in `out`, whose memory is reused.
    fn get_into(&self, t: usize, source: &str, out: &mut RichText) {
        self.text_into(t, source, &mut out.text);
        self.runs_into(t, out);
    }

    /// Styled text `t`'s extra head, if it is one.
    fn styled_of(&self, t: usize) -> Option<(usize, &StyledHead)> {
        let s = self.heads.get(t)?.styled()?;
        Some((s, self.styled.get(s)?))
    }

    /// Text `t`'s runs (none for a text kept in its head alone).
    fn runs_of(&self, t: usize) -> &[Packed12] {
        let Some((s, head)) = self.styled_of(t) else {
            return &[];
        };
        let last = self
            .styled
            .get(s + 1)
            .map_or(self.runs.len(), |n| n.runs as usize);
        self.runs.get(head.runs as usize..last).unwrap_or_default()
    }

    /// The runs and end column of text `t`, in `out`, whose text is
    /// text `t`'s already (see [`Texts::text_into`]).
    fn runs_into(&self, t: usize, out: &mut RichText) {
        out.runs.clear();
        let Some(head) = self.heads.get(t) else {
            out.set_col(0);
            return;
        };
        if let Some((src, exact)) = head.one_run() {
            out.runs.push(Run {
                start: 0,
                style: Roles::NONE,
                src,
                exact,
            });
        }
        out.runs.extend(self.runs_of(t).iter().map(|r| Run {
            start: r.start as usize,
            style: Roles::from_parts(r.roles, r.heading),
            src: r.src as usize,
            exact: r.flags & EXACT != 0,
        }));
        let kept = head.col_kept().then(|| {
            let i = self.cols.partition_point(|&(text, _)| (text as usize) < t);
            self.cols.get(i).map_or(0, |&(_, col)| col as usize)
        });
        out.set_col(kept.unwrap_or_else(|| end_col(&out.text)));
    }

    /// Text `t`'s display text, made in `out`.
    fn text_into(&self, t: usize, source: &str, out: &mut String) {
        out.clear();
        let Some(head) = self.heads.get(t) else {
            return;
        };
        let len = head.len();
        out.reserve(len);
        if let Some((src, _)) = head.one_run() {
            push_copy(out, source, src, len);
            return;
        }
        let runs = self.runs_of(t);
        let mut own = self.styled_of(t).map_or(0, |(_, h)| h.own as usize);
        for (k, run) in runs.iter().enumerate() {
            let n = runs.get(k + 1).map_or(len, |r| r.start as usize) - run.start as usize;
            if run.copied() {
                // Line ends shown as spaces (soft breaks).
                push_copy(out, source, run.src as usize, n);
            } else {
                out.push_str(self.own.get(own..own + n).unwrap_or_default());
                own += n;
            }
        }
    }

    /// Where text `t` starts in the source, if it has any text.
    fn src(&self, t: usize) -> Option<usize> {
        let head = self.heads.get(t)?;
        if head.len() == 0 {
            return None;
        }
        match head.one_run() {
            Some((src, _)) => Some(src),
            None => self.runs_of(t).first().map(|r| r.src as usize),
        }
    }

    /// Drops the texts from index `first` on.
    fn truncate(&mut self, first: usize) {
        let Some(rest) = self.heads.get(first..) else {
            return;
        };
        // Texts kept in their heads alone added no runs and no own text.
        if let Some(s) = rest.iter().find_map(TextHead::styled)
            && let Some(&StyledHead { runs, own, .. }) = self.styled.get(s)
        {
            self.runs.truncate(runs as usize);
            self.own.truncate(own as usize);
            self.styled.truncate(s);
        }
        let cols = self
            .cols
            .partition_point(|&(text, _)| (text as usize) < first);
        self.cols.truncate(cols);
        self.heads.truncate(first);
    }

    fn get(&self, t: usize, source: &str) -> RichText {
        let mut out = RichText::new();
        self.get_into(t, source, &mut out);
        out
    }

    fn shrink(&mut self) {
        self.heads.shrink_to_fit();
        self.styled.shrink_to_fit();
        self.cols.shrink_to_fit();
        self.runs.shrink_to_fit();
        self.own.shrink_to_fit();
    }
}

impl Packed {
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// The number of texts packed: the index of the next.
    pub fn texts_len(&self) -> u32 {
        index(self.texts.heads.len())
    }

    /// Packs a table cell's text (see [`Packed::push_table`]).
    pub fn push_text(&mut self, text: &RichText, source: &str) {
        self.texts.push(text, source);
    }

    /// Drops the texts from index `first` on (the cells of a table
    /// made again).
    pub fn truncate_texts(&mut self, first: u32) {
        self.texts.truncate(first as usize);
    }

    /// Adds `block`, parsed from `source`.
    pub fn push(&mut self, block: Block, source: &str) {
        let Block {
            kind,
            text,
            prefix_first,
            prefix_rest,
            gap_before,
            src,
        } = block;
        let kind = match kind {
            BlockKind::Text => Kind::Text,
            BlockKind::Heading(l) => Kind::Heading(l),
            BlockKind::Code => Kind::Code,
            BlockKind::Rule => Kind::Rule,
            BlockKind::Table(t) => {
                let first = self.texts_len();
                let mut rows = Vec::with_capacity(t.rows.len() + 1);
                let mut cells = 0;
                for row in &t.rows {
                    rows.push(cells);
                    for cell in row {
                        self.texts.push(cell, source);
                    }
                    cells += index(row.len());
                }
                rows.push(cells);
                let cells = PackedTable::new(first, &rows);
                self.push_table(
                    cells,
                    (t.header_rows, t.whole),
                    (prefix_first, prefix_rest),
                    gap_before,
                    src,
                );
                return;
            }
        };
        let text = self.texts.push(&text, source);
        self.push_head(kind, text, (prefix_first, prefix_rest), gap_before, src);
    }

    /// Adds a table block of `cells` (packed already, with
    /// [`Packed::push_text`]), its header rows and what it shares with
    /// the other parts of its table.
    pub fn push_table(
        &mut self,
        cells: PackedTable,
        (header_rows, whole): (usize, Option<Arc<WholeTable>>),
        prefixes: (RichText, RichText),
        gap_before: u8,
        src: usize,
    ) {
        self.tables.push(StoredTable {
            cells,
            header_rows,
            whole,
        });
        let table = index(self.tables.len() - 1);
        self.push_head(Kind::Table(table), table, prefixes, gap_before, src);
    }

    fn push_head(
        &mut self,
        kind: Kind,
        text: u32,
        (prefix_first, prefix_rest): (RichText, RichText),
        gap_before: u8,
        src: usize,
    ) {
        // Blocks side by side in a list or a quote share their prefixes.
        // Only the last few are looked at: an ordered list's markers all
        // differ.
        let near = self.prefixes.len().saturating_sub(8);
        let prefixes = match self.prefixes[near..]
            .iter()
            .rposition(|(f, r)| *f == prefix_first && *r == prefix_rest)
        {
            Some(i) => near + i,
            None => {
                self.prefixes.push((prefix_first, prefix_rest));
                self.prefixes.len() - 1
            }
        };
        let (tag, level) = match kind {
            Kind::Text => (TAG_TEXT, 0),
            Kind::Heading(l) => (TAG_HEADING, l),
            Kind::Code => (TAG_CODE, 0),
            Kind::Rule => (TAG_RULE, 0),
            Kind::Table(_) => (TAG_TABLE, 0),
        };
        self.heads.push(Head {
            src: index(src),
            text,
            prefixes: index(prefixes),
            tag,
            level,
            gap_before,
        });
    }

    /// The cells of `table`, row by row.
    pub fn cells(&self, table: &PackedTable, source: &str) -> Vec<Vec<RichText>> {
        let first = table.first as usize;
        table
            .rows()
            .map(|row| row.map(|c| self.texts.get(first + c, source)).collect())
            .collect()
    }

    /// Where the text of `table` starts in the source: its first cell
    /// with text (`None`: no cell has any).
    pub fn table_start(&self, table: &PackedTable) -> Option<usize> {
        let first = table.first as usize;
        (first..first + table.cells()).find_map(|t| self.texts.src(t))
    }

    /// The source offset block `i` starts at.
    pub fn src(&self, i: usize) -> Option<usize> {
        self.heads.get(i).map(|h| h.src as usize)
    }

    /// The block holding source offset `offset` (the last one if past
    /// the end).
    pub fn find(&self, offset: usize) -> Option<usize> {
        if self.heads.is_empty() {
            return None;
        }
        let i = self.heads.partition_point(|h| h.src as usize <= offset);
        Some(i.saturating_sub(1))
    }

    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.heads.get(i).map(Head::kind)
    }

    /// Block `i`'s table, if it is one.
    pub fn table(&self, i: usize, source: &str) -> Option<Table> {
        let Kind::Table(t) = self.kind(i)? else {
            return None;
        };
        let t = self.tables.get(t as usize)?;
        Some(Table {
            rows: self.cells(&t.cells, source),
            header_rows: t.header_rows,
            whole: t.whole.clone(),
        })
    }

    /// Block `i`'s text in [`Packed::texts`] (past them for no block:
    /// an empty text).
    fn text_of(&self, i: usize) -> usize {
        self.heads.get(i).map_or(usize::MAX, Head::text)
    }

    /// Block `i`'s text (empty for a table), made in `out`, whose memory
    /// is reused.
    pub fn text_into(&self, i: usize, source: &str, out: &mut RichText) {
        self.texts.get_into(self.text_of(i), source, out);
    }

    /// [`Packed::text_into`] in two steps: the display text alone, then
    /// (once the first made the text) its runs.
    pub fn shown_into(&self, i: usize, source: &str, out: &mut String) {
        self.texts.text_into(self.text_of(i), source, out);
    }

    pub fn runs_into(&self, i: usize, out: &mut RichText) {
        self.texts.runs_into(self.text_of(i), out);
    }

    /// Block `i` as it was parsed.
    pub fn block(&self, i: usize, source: &str) -> Option<Block> {
        let head = self.heads.get(i)?;
        let text = self.texts.get(head.text(), source);
        let kind = match head.kind() {
            Kind::Text => BlockKind::Text,
            Kind::Heading(l) => BlockKind::Heading(l),
            Kind::Code => BlockKind::Code,
            Kind::Rule => BlockKind::Rule,
            Kind::Table(_) => BlockKind::Table(self.table(i, source)?),
        };
        let (prefix_first, prefix_rest) = self.prefixes[head.prefixes as usize].clone();
        Some(Block {
            kind,
            text,
            prefix_first,
            prefix_rest,
            gap_before: head.gap_before,
            src: head.src as usize,
        })
    }

    /// Makes room for the rest of a text `total` bytes long, of which
    /// the first `done` are packed, when what is left is not enough for
    /// the next `next` bytes at the rate so far: room for the whole text
    /// at that rate and a twentieth more. The vectors then grow a few
    /// times to about their final size, where doubling left them up to
    /// half empty at the end (a quarter of 4.3 MB for 7.6 MB of prose,
    /// issue 12).
    pub fn reserve_for(&mut self, done: usize, total: usize, next: usize) {
        fn room<T>(v: &mut Vec<T>, done: usize, total: usize, next: usize) {
            let len = v.len();
            if done == 0 || len == 0 {
                return;
            }
            let rate = len as f64 / done as f64;
            let soon = len + (rate * next as f64) as usize + 64;
            if v.capacity() >= soon {
                return;
            }
            let whole = (rate * total as f64 * 1.05) as usize + 64;
            v.reserve_exact(whole.max(soon) - len);
        }
        room(&mut self.heads, done, total, next);
        room(&mut self.texts.heads, done, total, next);
        room(&mut self.texts.styled, done, total, next);
        room(&mut self.texts.runs, done, total, next);
    }

    /// Gives back the memory grown for more blocks.
    pub fn shrink(&mut self) {
        self.heads.shrink_to_fit();
        self.texts.shrink();
        self.prefixes.shrink_to_fit();
        self.tables.shrink_to_fit();
    }
}

/// A Markdown document's blocks and its source, for what reads them
/// (search, the outline, a note's quote).
#[derive(Clone, Copy)]
pub struct Blocks<'a> {
    packed: &'a Packed,
    source: &'a str,
}

impl<'a> Blocks<'a> {
    pub fn new(packed: &'a Packed, source: &'a str) -> Self {
        Blocks { packed, source }
    }

    pub fn len(&self) -> usize {
        self.packed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// The source offset block `i` starts at.
    pub fn src(&self, i: usize) -> Option<usize> {
        self.packed.src(i)
    }

    /// The block holding source offset `offset`.
    pub fn find(&self, offset: usize) -> Option<usize> {
        self.packed.find(offset)
    }

    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.packed.kind(i)
    }

    /// Block `i`'s table, if it is one.
    pub fn table(&self, i: usize) -> Option<Table> {
        self.packed.table(i, self.source)
    }

    /// Block `i`'s display text alone, in `out` (see [`Packed::shown_into`]).
    pub fn shown_into(&self, i: usize, out: &mut String) {
        self.packed.shown_into(i, self.source, out);
    }

    /// Block `i`'s runs, once its text is in `out`.
    pub fn runs_into(&self, i: usize, out: &mut RichText) {
        self.packed.runs_into(i, out);
    }

    /// Block `i`'s text.
    pub fn text(&self, i: usize) -> RichText {
        let mut out = RichText::new();
        self.packed.text_into(i, self.source, &mut out);
        out
    }

    /// Block `i` as it was parsed.
    pub fn block(&self, i: usize) -> Option<Block> {
        self.packed.block(i, self.source)
    }
}

/// A count or offset within one Markdown text, which is never near 4 GiB
/// (a file read is at most 256 MiB, `text/format.rs`; an EPUB's text 512,
/// `text/convert/epub.rs`).
fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(source: &str) -> (Vec<Block>, Packed) {
        let blocks = crate::text::markdown::parse(source);
        let mut p = Packed::default();
        for b in blocks.clone() {
            p.push(b, source);
        }
        (blocks, p)
    }

    #[test]
    fn blocks_come_back_as_they_were_parsed() {
        let source = "# Title &amp; more\n\nSome *emphasis*, a\nsoft break and\r\na CRLF one.\n\n\
            - one\n- two\n  - inner\n\n> quoted\tafter a tab\n\n```\ncode &lt;\n```\n\n\
            | a | b |\n|---|---|\n| 1 | 2 |\n| short |\n| 1 | 2 | 3 |\n\n---\n\nA &#27; control.\n";
        let (blocks, p) = packed(source);
        assert_eq!(p.len(), blocks.len());
        for (i, b) in blocks.iter().enumerate() {
            assert_eq!(p.block(i, source).as_ref(), Some(b), "block {i}");
        }
        assert!(p.block(blocks.len(), source).is_none());
    }

    #[test]
    fn the_essays_come_back_as_they_were_parsed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
        for entry in std::fs::read_dir(dir).expect("essays") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("essay");
            let (blocks, p) = packed(&source);
            for (i, b) in blocks.iter().enumerate() {
                assert_eq!(p.block(i, &source).as_ref(), Some(b), "{path:?} block {i}");
            }
            // Every text's end column is found again from its text.
            assert_eq!(p.texts.cols, [], "{path:?}");
        }
    }

    #[test]
    fn prose_keeps_no_copy_of_its_text() {
        let source = "Words and *more words*,\nover two lines.\n\nAnother paragraph.\n";
        let (_, p) = packed(source);
        assert_eq!(p.texts.own, "", "every run is a copy of its source");
        // A list's marker is not in the source as shown.
        let (_, p) = packed("1) first\n");
        assert_eq!(p.texts.own, "");
        assert_eq!(p.prefixes[0].0.text, "1. ");
    }

    #[test]
    fn a_long_tables_cells_are_kept_as_texts_and_come_back() {
        let mut source = String::from("| n | event |\n|---|---|\n");
        for n in 0..300 {
            source.push_str(&format!("| {n} | someone *signed* order &lt; {n} |\n"));
        }
        let (blocks, p) = packed(&source);
        assert!(blocks.len() > 3, "parts: {}", blocks.len());
        for (i, b) in blocks.iter().enumerate() {
            assert_eq!(p.block(i, &source).as_ref(), Some(b), "part {i}");
            let BlockKind::Table(t) = &b.kind else {
                panic!("not a table")
            };
            assert_eq!(p.table(i, &source).as_ref(), Some(t));
        }
        // Only the text of runs with an entity is kept (a run goes on
        // over an entity shown as long as its source: "&" for "&amp;").
        assert!(p.texts.own.contains('<'));
        assert!(!p.texts.own.contains("someone"), "{}", p.texts.own);
        assert!(p.table(p.len(), &source).is_none());
    }

    #[test]
    fn a_tables_even_rows_are_kept_as_a_count() {
        let rows = |t: &PackedTable| t.rows().collect::<Vec<_>>();
        let even = PackedTable::new(5, &[0, 2, 4, 6]);
        assert!(matches!(even.rows, Rows::Even { rows: 3, cells: 2 }));
        assert_eq!(rows(&even), [0..2, 2..4, 4..6]);
        assert_eq!(even.cells(), 6);
        assert_eq!(even.first_row().rows().next(), Some(0..2));
        assert_eq!(even.first_row().cells(), 2);
        // A row of another length: every start is kept.
        let uneven = PackedTable::new(5, &[0, 2, 3, 6]);
        assert!(matches!(uneven.rows, Rows::Listed(_)));
        assert_eq!(rows(&uneven), [0..2, 2..3, 3..6]);
        assert_eq!(uneven.cells(), 6);
        assert_eq!(uneven.first_row().rows().next(), Some(0..2));
        assert_eq!(uneven.first_row().cells(), 2);
        // Rows of no cells, and no rows.
        assert_eq!(rows(&PackedTable::new(0, &[0, 0, 0])), [0..0, 0..0]);
        let none = PackedTable::new(0, &[0]);
        assert_eq!((rows(&none), none.cells()), (vec![], 0));
        // A one-column table of many rows holds no row starts.
        let mut source = String::from("| word |\n|---|\n");
        for n in 0..500 {
            source.push_str(&format!("| w{n} |\n"));
        }
        let (blocks, p) = packed(&source);
        assert!(blocks.len() > 3, "parts: {}", blocks.len());
        assert!(
            p.tables
                .iter()
                .all(|t| matches!(t.cells.rows, Rows::Even { cells: 1, .. }))
        );
    }

    #[test]
    fn a_block_and_a_run_are_small() {
        // What a 7.6 MB text's 28,000 blocks and 99,000 runs cost.
        assert_eq!(std::mem::size_of::<Head>(), 16);
        assert_eq!(std::mem::size_of::<Packed12>(), 12);
        assert_eq!(std::mem::size_of::<TextHead>(), 8);
    }

    #[test]
    fn a_plain_text_is_kept_in_its_head_alone() {
        let source =
            "| a | b |\n|---|---|\n| plain | *styled* |\n\nA plain paragraph\nover two lines.\n";
        let (blocks, p) = packed(source);
        // The header's cells are strong and `*styled*` emphasised: their
        // runs are kept; "plain" and the paragraph keep none.
        assert_eq!(p.texts.runs.len(), 3);
        assert_eq!(
            p.texts
                .heads
                .iter()
                .filter(|h| h.one_run().is_some())
                .count(),
            2
        );
        for (i, b) in blocks.iter().enumerate() {
            assert_eq!(p.block(i, source).as_ref(), Some(b), "block {i}");
        }
        // Dropping the texts from a plain one on (a table made again)
        // keeps the own text of those before it (tabs shown as spaces).
        let source = "a\t\t\t\t\t\t\t\t\t\tb\n\n| h |\n|---|\n| plain |\n| also |\n";
        let (_, mut p) = packed(source);
        let own = p.texts.own.clone();
        assert!(own.len() > source.len(), "{own:?}");
        let plain = p.texts.heads.iter().position(|h| h.one_run().is_some());
        p.truncate_texts(index(plain.expect("a plain cell")));
        assert_eq!(p.texts.own, own);
        assert_eq!(p.texts.heads.len(), plain.expect("a plain cell"));
    }

    /// A text of `pieces`, each from its own place of a source made of
    /// them, or shown where the source has something else (a
    /// decoration), and a hard break.
    fn rich(pieces: &[(String, usize, u8)]) -> (RichText, String) {
        let styles = [Roles::NONE, Roles::EMPHASIS, Roles::STRONG, Roles::CODE];
        let (mut text, mut source) = (RichText::new(), String::new());
        for (s, style, how) in pieces {
            let (src, style) = (source.len(), styles[*style % styles.len()]);
            source.push_str(s);
            match how % 3 {
                0 => text.push(s, style, src),
                // (A decoration is never a control character.)
                1 => text.push_decoration(&s.replace(['\t', '\n', '\r'], "x"), style, src),
                _ => text.push_break(src),
            }
        }
        (text, source)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 500, failure_persistence: None, ..proptest::prelude::ProptestConfig::default()
        })]

        /// Packing is checked against texts made without it (the
        /// Markdown round trips compare two packed forms).
        #[test]
        fn any_text_comes_back_as_it_was_packed(
            texts in proptest::collection::vec(
                proptest::collection::vec(("[a é\\t\\n\\r&<漢\u{301}]{0,6}", 0usize..4, 0u8..3), 0..5),
                1..5,
            )
        ) {
            // One source for all of them, each text from its part.
            let mut source = String::new();
            let mut made = Vec::new();
            for pieces in &texts {
                let (text, own) = rich(pieces);
                let at = source.len();
                source.push_str(&own);
                let mut shifted = RichText::new();
                shifted.text = text.text.clone();
                shifted.runs = text.runs.iter().map(|r| Run { src: r.src + at, ..r.clone() }).collect();
                shifted.set_col(text.col());
                made.push(shifted);
            }
            let mut p = Packed::default();
            for text in &made {
                p.push_text(text, &source);
            }
            for (t, text) in made.iter().enumerate() {
                proptest::prop_assert_eq!(&p.texts.get(t, &source), text);
            }
        }
    }

    #[test]
    fn room_is_made_for_the_whole_text_at_the_rate_so_far() {
        let source = "A paragraph of *a few* words.\n\n".repeat(100);
        let (_, mut p) = packed(&source);
        p.shrink();
        let (heads, runs) = (p.heads.len(), p.texts.runs.len());
        assert_eq!(p.heads.capacity(), heads);
        // A tenth of the text packed: room for ten times as much and a
        // twentieth more, at once.
        p.reserve_for(source.len(), source.len() * 10, 1000);
        for (len, cap) in [(heads, p.heads.capacity()), (runs, p.texts.runs.capacity())] {
            let whole = len * 10;
            assert!(
                cap >= whole + whole / 20 && cap <= whole + whole / 20 + 64,
                "{len} {cap}"
            );
        }
        // Room enough for the next section: nothing more.
        let cap = p.heads.capacity();
        p.reserve_for(source.len() * 2, source.len() * 10, 1000);
        assert_eq!(p.heads.capacity(), cap);
    }

    #[test]
    fn blocks_are_found_by_source_offset() {
        let source = "One\n\nTwo\n\nThree\n";
        let (_, p) = packed(source);
        assert_eq!(p.find(0), Some(0));
        assert_eq!(p.find(5), Some(1));
        assert_eq!(p.find(1000), Some(2));
        assert_eq!(Packed::default().find(0), None);
        assert_eq!(p.src(1), Some(5));
    }
}
