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
