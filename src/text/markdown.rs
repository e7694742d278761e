//! Markdown source → display blocks, with pulldown-cmark.
//!
//! The walk is iterative (an explicit container stack, no recursion) so a
//! 5,000-deep quote cannot overflow the stack (RELIABILITY T6), and the
//! drawn nesting is capped. Text is sanitised *after* parsing, because
//! entities such as `&#27;` decode to real control characters.

use crate::text::role::Roles;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::text::block::{Block, BlockKind, TABLE_PART_ROWS, WholeTable};
use crate::text::packed::{Packed, PackedTable};
use crate::text::richtext::RichText;
use crate::text::sections;
use std::ops::Range;

/// Containers beyond this depth are drawn as one `…` instead of their bars
/// and indents, so a hostile nesting cannot push text off the pane.
const MAX_DRAWN_DEPTH: usize = 8;

#[derive(Debug)]
enum Container {
    Quote,
    List {
        next: Option<u64>,
        items: usize,
    },
    /// `close`: the item's first block sits right under what precedes it
    /// (a later item of a tight list, or a tight list nested in an item).
    Item {
        marker: String,
        pending: bool,
        close: bool,
    },
    Footnote {
        label: String,
        pending: bool,
    },
}

struct Builder<'s> {
    source: &'s str,
    /// The blocks made, packed as they are made: a big file's blocks are
    /// never all whole at once, nor a long table's cells.
    packed: Packed,
    /// Whether any block was made (the first has no gap above it).
    emitted: bool,
    containers: Vec<Container>,
    styles: Vec<Roles>,
    open: Option<(BlockKind, RichText, usize, u8)>,
    table: Option<TableBuilder>,
    in_code: bool,
    in_html: bool,
}

/// A table being parsed: its cells are packed as each ends, one after
/// another (`text/packed.rs`).
#[derive(Default)]
struct TableBuilder {
    /// The packed text of its first cell.
    first: u32,
    /// A long table's parts made so far (see [`Builder::emit_table`]):
    /// rows go into them as soon as the table is known to be long, so its
    /// row starts are held once (a table of 300,000 rows held 2 MiB of
    /// them, then a copy in parts).
    parts: Vec<PackedTable>,
    /// The rows in `parts`.
    rows_done: usize,
    /// Where each row not in a part yet starts, counted from `first`.
    rows: Vec<u32>,
    /// The cells so far, and the column of the next in its row.
    cells: u32,
    col: usize,
    /// The widest cell of each column so far, in columns: what
    /// `wrap::column_widths` finds of whole rows, counted as cells end.
    widths: Vec<usize>,
    header_rows: usize,
    cell: Option<RichText>,
    in_head: bool,
    src: usize,
}

impl TableBuilder {
    /// A row starts at the next cell. A table of more rows than its
    /// first part and half a part more is long (see
    /// [`Builder::emit_table`]): its first part is made then, and each
    /// later one as the row after it starts.
    fn start_row(&mut self) {
        self.rows.push(self.cells);
        self.col = 0;
        let rows = if self.rows_done > 0 {
            TABLE_PART_ROWS
        } else if self.rows.len() > self.header_rows + TABLE_PART_ROWS + TABLE_PART_ROWS / 2 {
            self.header_rows + TABLE_PART_ROWS
        } else {
            return;
        };
        if self.rows.len() > rows {
            let part = self.part(rows);
            self.parts.push(part);
            self.rows.drain(..rows);
            self.rows_done += rows;
        }
    }

    /// The next `rows` rows not in a part, as a part.
    fn part(&self, rows: usize) -> PackedTable {
        let end = self.rows.get(rows).copied().unwrap_or(self.cells);
        let base = self.rows.first().copied().unwrap_or(end);
        let starts = self.rows[..rows]
            .iter()
            .copied()
            .chain(Some(end))
            .map(|s| s - base)
            .collect::<Vec<_>>();
        PackedTable::new(self.first + base, &starts)
    }
}

/// What pulldown-cmark is asked to parse: GitHub's tables, strikethrough,
/// task lists and footnotes besides CommonMark.
pub(crate) const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_FOOTNOTES);

/// Parses Markdown into display blocks in document order.
///
/// A file bigger than [`SECTION`] is parsed a section at a time (see
/// `text/sections.rs`): pulldown-cmark builds a tree of the whole text
/// before its first event, 11 MB for a 7.6 MB file, on top of the blocks
/// (issue 12). The blocks are the same either way.
pub fn parse(source: &str) -> Vec<Block> {
    parse_in_sections(source, SECTION)
}

/// [`parse`], the blocks packed as they are made (`text/packed.rs`).
pub fn parse_packed(source: &str) -> Packed {
    let mut packed = parse_into(source, SECTION);
    packed.shrink();
    packed
}

/// The size of a big file's sections: a section's events (96 bytes
/// each, one for every 25 bytes of prose) are held until it is parsed.
pub const SECTION: usize = 64 << 10;

/// [`parse`], with sections of about `size` bytes (tests cut small texts
/// at every place they may be cut).
pub(crate) fn parse_in_sections(source: &str, size: usize) -> Vec<Block> {
    let packed = parse_into(source, size);
    (0..packed.len())
        .filter_map(|i| packed.block(i, source))
        .collect()
}

/// Parses `source` in sections of about `size` bytes.
fn parse_into(source: &str, size: usize) -> Packed {
    let mut b = Builder::new(source);
    if source.len() <= size || !sections::may_cut(source) {
        b.feed(Parser::new_ext(source, OPTIONS).into_offset_iter(), 0);
    } else {
        let cutter = sections::Cutter::new(source, size, OPTIONS);
        let mut place = sections::Place::default();
        while place.start() < source.len() {
            place = match cutter.section(&place, None, &mut |events, at| b.feed(events, at)) {
                sections::Next::At(next) => next,
                sections::Next::Restart(next) => {
                    b.abandon_table();
                    next
                }
            };
            b.packed.reserve_for(place.start(), source.len(), size);
        }
    }
    b.finish()
}

impl<'s> Builder<'s> {
    fn new(source: &'s str) -> Self {
        Builder {
            source,
            packed: Packed::default(),
            emitted: false,
            containers: Vec::new(),
            styles: Vec::new(),
            open: None,
            table: None,
            in_code: false,
            in_html: false,
        }
    }

    /// Builds blocks of the events of the text from source offset `at` on.
    fn feed<'a>(&mut self, events: impl Iterator<Item = (Event<'a>, Range<usize>)>, at: usize) {
        let mut events = events.peekable();
        while let Some((event, range)) = events.next() {
            // Whether an item's first block is a paragraph (a loose list).
            let next_paragraph = matches!(events.peek(), Some((Event::Start(Tag::Paragraph), _)));
            self.event(event, range.start + at, next_paragraph);
        }
    }

    /// Drops the table being made, to make it again from its start.
    fn abandon_table(&mut self) {
        if let Some(t) = self.table.take() {
            self.packed.truncate_texts(t.first);
        }
    }

    /// The blocks, once every event was fed.
    fn finish(mut self) -> Packed {
        self.flush();
        if let Some(t) = self.table.take() {
            self.emit_table(t);
        }
        self.packed
    }

    fn event(&mut self, event: Event<'_>, src: usize, next_paragraph: bool) {
        let b = self;
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => b.start_block(BlockKind::Text, src),
                Tag::Heading { level, .. } => {
                    b.start_block(BlockKind::Heading(level_num(level)), src)
                }
                Tag::BlockQuote(_) => {
                    b.flush();
                    b.containers.push(Container::Quote);
                }
                Tag::CodeBlock(_) => {
                    b.flush();
                    b.in_code = true;
                    b.start_block(BlockKind::Code, src);
                }
                Tag::HtmlBlock => {
                    b.flush();
                    b.in_html = true;
                    b.start_block(BlockKind::Code, src);
                }
                Tag::List(start) => {
                    b.flush();
                    b.containers.push(Container::List {
                        next: start,
                        items: 0,
                    });
                }
                Tag::Item => {
                    b.flush();
                    let tight = !next_paragraph;
                    let depth = b
                        .containers
                        .iter()
                        .filter(|c| matches!(c, Container::List { .. }))
                        .count();
                    let nested = b
                        .containers
                        .iter()
                        .any(|c| matches!(c, Container::Item { .. }));
                    let mut marker = String::from("• ");
                    let mut close = false;
                    if let Some(Container::List { next, items }) = b.containers.last_mut() {
                        close = tight && (*items > 0 || nested);
                        *items += 1;
                        marker = match next {
                            Some(n) => {
                                let m = format!("{n}. ");
                                *n += 1;
                                m
                            }
                            None => match depth % 3 {
                                1 => "• ".to_string(),
                                2 => "◦ ".to_string(),
                                _ => "▪ ".to_string(),
                            },
                        };
                    }
                    b.containers.push(Container::Item {
                        marker,
                        pending: true,
                        close,
                    });
                }
                Tag::FootnoteDefinition(label) => {
                    b.flush();
                    b.containers.push(Container::Footnote {
                        label: format!("[^{label}]: "),
                        pending: true,
                    });
                }
                Tag::Table(_) => {
                    b.flush();
                    b.table = Some(TableBuilder {
                        src,
                        first: b.packed.texts_len(),
                        ..TableBuilder::default()
                    });
                }
                Tag::TableHead => {
                    if let Some(t) = b.table.as_mut() {
                        t.in_head = true;
                        t.start_row();
                    }
                }
                Tag::TableRow => {
                    if let Some(t) = b.table.as_mut() {
                        t.start_row();
                    }
                }
                Tag::TableCell => {
                    if let Some(t) = b.table.as_mut() {
                        t.cell = Some(RichText::new());
                    }
                }
                Tag::Emphasis => b.push_style(Roles::EMPHASIS),
                Tag::Strong => b.push_style(Roles::STRONG),
                Tag::Strikethrough => b.push_style(Roles::STRIKE),
                Tag::Superscript | Tag::Subscript => b.push_style(Roles::NONE),
                Tag::Link { .. } => b.push_style(Roles::LINK),
                Tag::Image { .. } => {
                    b.decoration("[image: ", src);
                    b.push_style(Roles::EMPHASIS);
                }
                Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                    b.start_block(BlockKind::Text, src)
                }
                Tag::MetadataBlock(_) => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Heading(_) => b.flush(),
                TagEnd::CodeBlock => {
                    b.flush();
                    b.in_code = false;
                }
                TagEnd::HtmlBlock => {
                    b.flush();
                    b.in_html = false;
                }
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::FootnoteDefinition => {
                    b.flush();
                    b.containers.pop();
                }
                TagEnd::Table => {
                    if let Some(t) = b.table.take() {
                        b.emit_table(t);
                    }
                }
                TagEnd::TableHead => {
                    if let Some(t) = b.table.as_mut() {
                        t.in_head = false;
                        t.header_rows = t.rows_done + t.rows.len();
                    }
                }
                TagEnd::TableRow => {}
                TagEnd::TableCell => {
                    if let Some(t) = b.table.as_mut()
                        && (t.rows_done > 0 || !t.rows.is_empty())
                    {
                        let cell = t.cell.take().unwrap_or_default();
                        let width = crate::text::sanitize::text_width(&cell.text);
                        if t.widths.len() <= t.col {
                            t.widths.resize(t.col + 1, 0);
                        }
                        t.widths[t.col] = t.widths[t.col].max(width);
                        t.col += 1;
                        t.cells += 1;
                        b.packed.push_text(&cell, b.source);
                    }
                }
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link => b.pop_style(),
                TagEnd::Image => {
                    b.pop_style();
                    b.decoration("]", src);
                }
                TagEnd::DefinitionList
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition => b.flush(),
                TagEnd::MetadataBlock(_) => {}
            },
            Event::Text(text) => {
                if b.in_code || b.in_html {
                    b.code_text(&text, src);
                } else {
                    b.text(&text, src, None);
                }
            }
            Event::Code(text) => b.text(&text, src, Some(Roles::CODE)),
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                b.text(&text, src, Some(Roles::CODE))
            }
            Event::Html(text) => b.code_text(&text, src),
            Event::InlineHtml(text) => b.text(&text, src, Some(Roles::MUTED)),
            Event::FootnoteReference(label) => {
                b.text(&format!("[^{label}]"), src, Some(Roles::MUTED))
            }
            Event::SoftBreak => b.text(" ", src, None),
            Event::HardBreak => b.hard_break(src),
            Event::Rule => {
                b.flush();
                b.start_block(BlockKind::Rule, src);
                b.flush();
            }
            Event::TaskListMarker(done) => b.decoration(if done { "[x] " } else { "[ ] " }, src),
        }
    }
}

fn level_num(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

impl Builder<'_> {
    fn style(&self) -> Roles {
        self.styles.iter().fold(Roles::NONE, |acc, s| acc.patch(*s))
    }

    fn push_style(&mut self, s: Roles) {
        self.styles.push(s);
    }

    fn pop_style(&mut self) {
        self.styles.pop();
    }

    fn in_quote(&self) -> bool {
        self.containers
            .iter()
            .any(|c| matches!(c, Container::Quote))
    }

    /// Opens a block; the gap above it depends on whether it starts a tight
    /// list item.
    fn start_block(&mut self, kind: BlockKind, src: usize) {
        self.flush();
        let starts_tight_item = self
            .containers
            .iter()
            .rev()
            .find_map(|c| match c {
                Container::Item { pending, close, .. } => Some(*pending && *close),
                _ => None,
            })
            .unwrap_or(false);
        let gap = if starts_tight_item { 0 } else { 1 };
        if let BlockKind::Heading(l) = kind {
            self.styles.push(Roles::heading(l));
        }
        self.open = Some((kind, RichText::new(), src, gap));
    }

    fn ensure_open(&mut self, src: usize) {
        if self.open.is_none() && self.table.is_none() {
            self.start_block(BlockKind::Text, src);
        }
    }

    fn text(&mut self, s: &str, src: usize, extra: Option<Roles>) {
        let mut style = self.style();
        if self.in_quote() {
            style = Roles::QUOTE.patch(style);
        }
        if let Some(e) = extra {
            style = style.patch(e);
        }
        if let Some(t) = self.table.as_mut() {
            if let Some(cell) = t.cell.as_mut() {
                let style = if t.in_head {
                    style.patch(Roles::STRONG)
                } else {
                    style
                };
                cell.push(s, style, src);
            }
            return;
        }
        self.ensure_open(src);
        if let Some((_, rich, _, _)) = self.open.as_mut() {
            rich.push(s, style, src);
        }
    }

    fn decoration(&mut self, s: &str, src: usize) {
        if let Some(t) = self.table.as_mut() {
            if let Some(cell) = t.cell.as_mut() {
                cell.push_decoration(s, Roles::MUTED, src);
            }
            return;
        }
        self.ensure_open(src);
        if let Some((_, rich, _, _)) = self.open.as_mut() {
            rich.push_decoration(s, Roles::MUTED, src);
        }
    }

    fn hard_break(&mut self, src: usize) {
        if self.table.is_some() {
            self.text(" ", src, None);
            return;
        }
        self.ensure_open(src);
        if let Some((_, rich, _, _)) = self.open.as_mut() {
            rich.push_break(src);
        }
    }

    /// Code and HTML blocks: one display block per source line, so a long
    /// listing is laid out line by line like any other text.
    fn code_text(&mut self, s: &str, src: usize) {
        let style = if self.in_html {
            Roles::MUTED
        } else {
            Roles::CODE
        };
        let mut offset = src;
        for line in s.split_inclusive('\n') {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let body = body.strip_suffix('\r').unwrap_or(body);
            if self.open.is_none() {
                self.open = Some((BlockKind::Code, RichText::new(), offset, 0));
            }
            if let Some((_, rich, _, _)) = self.open.as_mut() {
                rich.push(body, style, offset);
            }
            if line.ends_with('\n') {
                self.flush();
            }
            offset += line.len();
        }
    }

    fn flush(&mut self) {
        let Some((kind, text, src, gap)) = self.open.take() else {
            return;
        };
        if let BlockKind::Heading(_) = kind {
            self.styles.pop();
        }
        self.emit(kind, text, src, gap);
    }

    /// The prefixes (quote bars, list markers) for the next block: the first
    /// row shows pending item markers, later rows indent under them.
    fn prefixes(&mut self) -> (RichText, RichText) {
        let mut first = RichText::new();
        let mut rest = RichText::new();
        let skip = self.containers.len().saturating_sub(MAX_DRAWN_DEPTH);
        if skip > 0 {
            first.push_decoration("… ", Roles::MUTED, 0);
            rest.push_decoration("… ", Roles::MUTED, 0);
        }
        for (i, c) in self.containers.iter_mut().enumerate() {
            let drawn = i >= skip;
            match c {
                Container::Quote => {
                    if drawn {
                        first.push_decoration("│ ", Roles::RULE, 0);
                        rest.push_decoration("│ ", Roles::RULE, 0);
                    }
                }
                Container::List { .. } => {}
                Container::Item {
                    marker, pending, ..
                }
                | Container::Footnote {
                    label: marker,
                    pending,
                } => {
                    let pad = " ".repeat(crate::text::sanitize::text_width(marker));
                    if drawn {
                        if *pending {
                            first.push_decoration(marker, Roles::MARKER, 0);
                        } else {
                            first.push_decoration(&pad, Roles::NONE, 0);
                        }
                        rest.push_decoration(&pad, Roles::NONE, 0);
                    }
                    *pending = false;
                }
            }
        }
        (first, rest)
    }

    fn emit(&mut self, kind: BlockKind, text: RichText, src: usize, gap: u8) {
        let (prefix_first, prefix_rest) = self.prefixes();
        let gap = if self.emitted { gap } else { 0 };
        self.emitted = true;
        self.packed.push(
            Block {
                kind,
                text,
                prefix_first,
                prefix_rest,
                gap_before: gap,
                src,
            },
            self.source,
        );
    }

    fn emit_table(&mut self, t: TableBuilder) {
        let (prefix_first, prefix_rest) = self.prefixes();
        let gap = if self.emitted { 1 } else { 0 };
        self.emitted = true;
        // The rows not in a part yet: the whole of a short table.
        let last = t.part(t.rows.len());
        if t.rows_done == 0 {
            self.packed.push_table(
                last,
                (t.header_rows, None),
                (prefix_first, prefix_rest),
                gap,
                t.src,
            );
            return;
        }
        // A long table: blocks of rows laid out alike (see TABLE_PART_ROWS),
        // made as its rows came.
        let mut parts = t.parts.into_iter().chain(Some(last));
        let Some(head) = parts.next() else {
            return;
        };
        let widths = t.widths.iter().map(|w| (*w).max(1)).collect::<Vec<_>>();
        let header = (t.header_rows > 0)
            .then(|| self.packed.cells(&head.first_row(), self.source).remove(0));
        let whole = |continued| {
            Some(std::sync::Arc::new(WholeTable {
                widths: widths.clone(),
                header: header.clone(),
                continued,
            }))
        };
        let (first_whole, rest_whole) = (whole(false), whole(true));
        self.packed.push_table(
            head,
            (t.header_rows, first_whole),
            (prefix_first.clone(), prefix_rest.clone()),
            gap,
            t.src,
        );
        let mut src = t.src;
        for table in parts {
            src = self.packed.table_start(&table).unwrap_or(src).max(src);
            self.packed.push_table(
                table,
                (0, rest_whole.clone()),
                (prefix_first.clone(), prefix_rest.clone()),
                0,
                src,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(BlockKind, String)> {
        parse(src)
            .into_iter()
            .map(|b| {
                let prefix = b.prefix_first.text.clone();
                (b.kind, format!("{prefix}{}", b.text.text))
            })
            .collect()
    }

    #[test]
    fn headings_paragraphs_and_emphasis() {
        let got = kinds("# Title\n\nSome *emphasis* and **strong** text.\n");
        assert_eq!(got[0], (BlockKind::Heading(1), "Title".to_string()));
        assert_eq!(got[1].1, "Some emphasis and strong text.");
    }

    #[test]
    fn nested_lists_get_markers_and_indent() {
        let got = kinds("- one\n  - inner\n- two\n\n1. first\n2. second\n");
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            vec!["• one", "  ◦ inner", "• two", "1. first", "2. second"]
        );
    }

    #[test]
    fn tight_list_items_have_no_gap() {
        let blocks = parse("Intro\n\n- a\n- b\n  - c\n");
        let gaps: Vec<u8> = blocks.iter().map(|b| b.gap_before).collect();
        assert_eq!(gaps, vec![0, 1, 0, 0]);
    }

    #[test]
    fn quotes_get_a_bar() {
        let got = kinds("> quoted words\n");
        assert_eq!(got[0].1, "│ quoted words");
    }

    #[test]
    fn code_blocks_are_one_block_per_line() {
        let blocks = parse("```\nfn a() {}\nlet b = 1;\n```\n");
        let code: Vec<&str> = blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Code)
            .map(|b| b.text.text.as_str())
            .collect();
        assert_eq!(code, vec!["fn a() {}", "let b = 1;"]);
    }

    #[test]
    fn tables_collect_cells() {
        let blocks = parse("| a | b |\n|---|---|\n| 1 | 2 |\n");
        let BlockKind::Table(t) = &blocks[0].kind else {
            panic!("not a table: {:?}", blocks[0].kind);
        };
        assert_eq!(t.header_rows, 1);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][1].text, "2");
    }

    /// A long table's parts, made as its rows come, are the rows in order:
    /// the first the header and TABLE_PART_ROWS rows, then TABLE_PART_ROWS
    /// each, the rest last; a table of up to half a part more is one block.
    #[test]
    fn a_long_tables_parts_are_its_rows_in_order() {
        let part = TABLE_PART_ROWS;
        let first = 1 + part;
        for body in [
            0,
            1,
            part,
            first + part / 2 - 1,
            first + part / 2,
            first + part * 2 - 1,
            first + part * 2,
            first + part * 2 + 1,
            1000,
        ] {
            let mut md = String::from("| n | w |\n|---|---|\n");
            for r in 0..body {
                md.push_str(&format!("| {r} | {} |\n", "x".repeat(r % 3)));
            }
            let tables: Vec<crate::text::block::Table> = parse(&md)
                .into_iter()
                .filter_map(|b| match b.kind {
                    BlockKind::Table(t) => Some(t),
                    _ => None,
                })
                .collect();
            let rows = 1 + body;
            let sizes: Vec<usize> = tables.iter().map(|t| t.rows.len()).collect();
            let want: Vec<usize> = if rows <= first + part / 2 {
                vec![rows]
            } else {
                let rest = rows - first;
                std::iter::once(first)
                    .chain((0..rest.div_ceil(part)).map(|i| part.min(rest - i * part)))
                    .collect()
            };
            assert_eq!(sizes, want, "{body} rows");
            let cells: Vec<(String, String)> = tables
                .iter()
                .flat_map(|t| t.rows.iter())
                .inspect(|r| assert_eq!(r.len(), 2, "{body} rows"))
                .map(|r| (r[0].text.clone(), r[1].text.clone()))
                .collect();
            assert_eq!(cells[0], ("n".to_string(), "w".to_string()));
            for (r, cell) in cells[1..].iter().enumerate() {
                assert_eq!(cell, &(r.to_string(), "x".repeat(r % 3)), "{body} rows");
            }
            assert_eq!(tables[0].header_rows, 1);
            assert!(tables[1..].iter().all(|t| t.header_rows == 0));
        }
    }

    #[test]
    fn t1_entities_decoding_to_controls_are_sanitised() {
        let blocks = parse("a &#27;]0;PWNED&#7; b\n");
        let text = &blocks[0].text.text;
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.contains('␛'));
    }

    #[test]
    fn t6_deep_nesting_does_not_overflow_and_is_capped() {
        let deep = format!("{}deep\n", "> ".repeat(5000));
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || parse(&deep))
            .expect("spawn");
        let blocks = handle.join().expect("no stack overflow");
        let prefix_width = crate::text::sanitize::text_width(&blocks[0].prefix_first.text);
        assert!(
            prefix_width <= 2 * MAX_DRAWN_DEPTH + 2,
            "prefix {prefix_width} wide"
        );
    }
}
