//! Display blocks: what a document becomes once parsed (a paragraph, a
//! heading, a code line, a rule or a table), shared by the Markdown and
//! plain-text parsers and read by the wrapper.

use crate::text::richtext::RichText;

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Text,
    Heading(u8),
    Code,
    Rule,
    Table(Table),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub rows: Vec<Vec<RichText>>,
    pub header_rows: usize,
    /// For a part of a long table (see [`TABLE_PART_ROWS`]): what the
    /// parts share, so that each lays its rows out as the whole table
    /// would. `None`: the table is this block.
    pub whole: Option<std::sync::Arc<WholeTable>>,
}

/// A long table is cut into blocks of this many rows (the header goes
/// with the first): a block is laid out whole, and a table of 20,000
/// rows laid out whole before its first screen took 336 M instructions
/// and most of 76 MiB (callgrind, ttyperf), for the 40 rows shown.
pub const TABLE_PART_ROWS: usize = 64;

/// What the blocks of a long table share.
#[derive(Debug, Clone, PartialEq)]
pub struct WholeTable {
    /// The widest cell of each column, in columns, over every row.
    pub widths: Vec<usize>,
    /// The header's cells (the labels of the records a narrow pane stacks).
    pub header: Option<Vec<RichText>>,
    /// This block is not the table's first: its first record follows one.
    pub continued: bool,
}

/// One display block: a paragraph, heading, code line, rule or table.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    pub text: RichText,
    /// Drawn before the first wrapped row (quote bars, list marker).
    pub prefix_first: RichText,
    /// Drawn before every later row.
    pub prefix_rest: RichText,
    /// Blank rows above the block.
    pub gap_before: u8,
    /// Source offset where the block starts.
    pub src: usize,
}
