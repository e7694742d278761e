//! HTML (and EPUB's XHTML chapters) → derived Markdown.
//!
//! html5ever parses as a browser does (entities decoded, broken markup
//! repaired); the walk below keeps the reading text: the single
//! `<article>` or the `<main>` when there is one, without navigation,
//! scripts, styles, forms, asides and page-level headers and footers.
//! Headings, paragraphs, lists, quotes, tables, emphasis, code and links
//! become their Markdown; images become `![alt](src)`, which the Markdown
//! renderer shows as `[image: alt]`. Text from the page is escaped so it
//! stays literal. The walk recurses per element but stops descending at
//! [`MAX_DEPTH`] and takes what is deeper as flat text, so a hostile
//! nesting cannot overflow the stack (RELIABILITY T6).

use std::collections::HashMap;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use super::dom::{attr, descendants, element_name, text_content};
use super::{collapse_whitespace, escape_inline, escape_line_start};

/// Elements nested deeper than this are read as plain text.
const MAX_DEPTH: usize = 96;
/// Titles are cut to this many characters.
const MAX_TITLE_CHARS: usize = 200;

/// The derived Markdown of a page and its title.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub markdown: String,
    pub title: Option<String>,
}

/// Headings to put before elements with these ids (EPUB tables of
/// contents point into chapters by id): id → (level, label).
pub type IdHeadings = HashMap<String, (u8, String)>;

pub fn parse(html: &str) -> RcDom {
    html5ever::parse_document(RcDom::default(), Default::default()).one(html)
}

/// Converts a whole page.
pub fn convert(html: &str) -> Converted {
    convert_with(html, &IdHeadings::new())
}

/// Converts a page, adding a heading before each element named in `ids`.
pub fn convert_with(html: &str, ids: &IdHeadings) -> Converted {
    let dom = parse(html);
    let title = title_of(&dom.document);
    let root = reading_root(&dom.document);
    let mut w = Writer::new(ids);
    w.walk(&root, 0);
    w.flush();
    let mut markdown = w.out;
    markdown.push('\n');
    Converted { markdown, title }
}

/// The page's title: `<title>`, else its first `<h1>`.
pub fn title_of(document: &Handle) -> Option<String> {
    let find = |tag: &str| {
        descendants(document)
            .find(|n| element_name(n) == Some(tag))
            .map(|n| collapse_whitespace(&text_content(&n)))
            .filter(|t| !t.is_empty())
    };
    find("title")
        .or_else(|| find("h1"))
        .map(|t| t.chars().take(MAX_TITLE_CHARS).collect())
}

/// The element holding the reading text: the only `<article>`, else the
/// `<main>`, else the `<body>`.
fn reading_root(document: &Handle) -> Handle {
    let mut articles = Vec::new();
    let mut main = None;
    let mut body = None;
    for n in descendants(document) {
        match element_name(&n) {
            Some("article") => articles.push(n.clone()),
            Some("main") if main.is_none() => main = Some(n.clone()),
            Some("body") if body.is_none() => body = Some(n.clone()),
            _ => {}
        }
    }
    if articles.len() == 1 {
        return articles.swap_remove(0);
    }
    main.or(body).unwrap_or_else(|| document.clone())
}

/// Elements whose content is never reading text.
fn is_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "nav"
            | "form"
            | "button"
            | "select"
            | "input"
            | "textarea"
            | "iframe"
            | "svg"
            | "canvas"
            | "object"
            | "embed"
            | "audio"
            | "video"
            | "dialog"
            | "aside"
            | "menu"
    )
}

fn is_hidden(node: &Handle) -> bool {
    attr(node, "hidden").is_some()
        || attr(node, "aria-hidden").is_some_and(|v| v == "true")
        || attr(node, "role").is_some_and(|r| {
            matches!(
                r.as_str(),
                "navigation" | "banner" | "contentinfo" | "search" | "complementary"
            )
        })
}

/// Block-level elements: a paragraph break before and after.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "body"
            | "html"
            | "address"
            | "figure"
            | "figcaption"
            | "details"
            | "summary"
            | "center"
            | "dl"
            | "dt"
            | "dd"
            | "caption"
            | "header"
            | "footer"
            | "li"
            | "hgroup"
            | "legend"
            | "fieldset"
    )
}

struct Writer<'a> {
    out: String,
    /// Line prefixes of the open containers (`> `, list indents).
    prefixes: Vec<String>,
    /// The paragraph being built; `\n` marks a `<br>`.
    inline: String,
    /// Opening emphasis markers waiting for their first visible character,
    /// so `<em> x</em>` gives `*x*`, not `* x*` (which is not emphasis).
    pending: String,
    /// List marker for the next block, with the prefix depth it replaces.
    marker: Option<(String, usize)>,
    /// The next block follows the previous line without a blank line.
    tight: bool,
    /// The last block written was a list item's first line.
    after_item: bool,
    /// Inside a heading, table cell or link: blocks become spaces.
    inline_only: usize,
    in_link: bool,
    /// Inside an `<article>`: its header and footer are content.
    in_article: usize,
    ids: &'a IdHeadings,
}

impl<'a> Writer<'a> {
    fn new(ids: &'a IdHeadings) -> Writer<'a> {
        Writer {
            out: String::new(),
            prefixes: Vec::new(),
            inline: String::new(),
            pending: String::new(),
            marker: None,
            tight: false,
            after_item: false,
            inline_only: 0,
            in_link: false,
            in_article: 0,
            ids,
        }
    }

    fn walk(&mut self, node: &Handle, depth: usize) {
        if depth > MAX_DEPTH {
            self.text(&text_content(node));
            return;
        }
        match &node.data {
            NodeData::Document => self.children(node, depth),
            NodeData::Text { contents } => self.text(&contents.borrow()),
            NodeData::Element { name, .. } => self.element(node, &name.local, depth),
            _ => {}
        }
    }

    fn children(&mut self, node: &Handle, depth: usize) {
        for child in node.children.borrow().iter() {
            self.walk(child, depth + 1);
        }
    }

    /// Page text: whitespace collapsed, Markdown escaped.
    fn text(&mut self, s: &str) {
        for (i, word) in s.split(|c: char| c.is_ascii_whitespace()).enumerate() {
            if i > 0 {
                self.space();
            }
            if !word.is_empty() {
                self.visible();
                escape_inline(&mut self.inline, word);
            }
        }
    }

    fn space(&mut self) {
        if !self.inline.is_empty() && !self.inline.ends_with([' ', '\n']) {
            self.inline.push(' ');
        }
    }

    /// Writes pending opening markers before visible text.
    fn visible(&mut self) {
        if !self.pending.is_empty() {
            let p = std::mem::take(&mut self.pending);
            self.inline.push_str(&p);
        }
    }

    fn element(&mut self, node: &Handle, name: &str, depth: usize) {
        if is_dropped(name) || is_hidden(node) {
            return;
        }
        let id = attr(node, "id");
        if let Some(id) = &id {
            if id == "pg-header" || id == "pg-footer" {
                // Project Gutenberg's licence boilerplate, folded.
                let what = if id == "pg-header" {
                    "header"
                } else {
                    "licence"
                };
                self.flush();
                self.emit(&[format!("\\[Project Gutenberg {what} folded\\]")], false);
                return;
            }
            if let Some((level, label)) = self.ids.get(id.as_str()) {
                self.flush();
                self.heading_line(*level, label);
            }
        }
        if (name == "header" || name == "footer") && self.in_article == 0 {
            return;
        }
        match name {
            "br" => {
                if self.inline_only > 0 {
                    self.space();
                } else {
                    self.inline.push('\n');
                }
            }
            "hr" if self.inline_only == 0 => {
                self.flush();
                self.emit(&["* * *".to_string()], false);
            }
            "img" => self.image(node),
            "a" => self.link(node, depth),
            "em" | "i" | "cite" | "dfn" | "var" => self.mark(node, "*", depth),
            "strong" | "b" => self.mark(node, "**", depth),
            "del" | "s" | "strike" => self.mark(node, "~~", depth),
            "code" | "kbd" | "samp" | "tt" => self.code_span(node),
            "pre" if self.inline_only == 0 => self.pre(node),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if self.inline_only == 0 => {
                let level = name.as_bytes()[1] - b'0';
                self.flush();
                let saved = self.begin_inline();
                self.children(node, depth);
                let text = self.end_inline(saved);
                self.heading_line_escaped(level, &text);
            }
            "blockquote" if self.inline_only == 0 => {
                self.flush();
                self.prefixes.push("> ".to_string());
                self.children(node, depth);
                self.flush();
                self.prefixes.pop();
            }
            "ul" | "ol" if self.inline_only == 0 => self.list(node, name == "ol", depth),
            "table" if self.inline_only == 0 => self.table(node, depth),
            _ if is_block(name) || name == "table" || name.starts_with('h') && name.len() == 2 => {
                if self.inline_only > 0 {
                    self.space();
                    self.children(node, depth);
                    self.space();
                    return;
                }
                let article = name == "article";
                self.in_article += usize::from(article);
                self.flush();
                self.children(node, depth);
                self.flush();
                self.in_article -= usize::from(article);
            }
            _ => self.children(node, depth),
        }
    }

    /// Starts collecting inline text apart (heading, cell): returns what
    /// was being built.
    fn begin_inline(&mut self) -> (String, String) {
        self.inline_only += 1;
        (
            std::mem::take(&mut self.inline),
            std::mem::take(&mut self.pending),
        )
    }

    fn end_inline(&mut self, saved: (String, String)) -> String {
        self.inline_only -= 1;
        self.pending = saved.1;
        let text = std::mem::replace(&mut self.inline, saved.0);
        text.replace('\n', " ").trim().to_string()
    }

    fn mark(&mut self, node: &Handle, marker: &str, depth: usize) {
        self.pending.push_str(marker);
        let before = self.inline.len();
        self.children(node, depth);
        if self.pending.ends_with(marker) && self.inline.len() == before {
            // Nothing visible inside: no markers at all.
            self.pending.truncate(self.pending.len() - marker.len());
            return;
        }
        let trailing = self.inline.ends_with(' ');
        if trailing {
            self.inline.pop();
        }
        self.inline.push_str(marker);
        if trailing {
            self.inline.push(' ');
        }
    }

    fn code_span(&mut self, node: &Handle) {
        let code = collapse_whitespace(&text_content(node));
        if code.is_empty() {
            return;
        }
        self.visible();
        let fence = "`".repeat(longest_run(&code, '`') + 1);
        let pad = if code.starts_with('`') || code.ends_with('`') {
            " "
        } else {
            ""
        };
        self.inline
            .push_str(&format!("{fence}{pad}{code}{pad}{fence}"));
    }

    fn image(&mut self, node: &Handle) {
        let src = attr(node, "src").unwrap_or_default();
        let alt = collapse_whitespace(&attr(node, "alt").unwrap_or_default());
        let alt = if alt.is_empty() {
            // The file name says more than nothing.
            src.rsplit('/').next().unwrap_or("").to_string()
        } else {
            alt
        };
        self.visible();
        self.inline.push_str("![");
        escape_inline(&mut self.inline, &alt);
        self.inline.push_str("](");
        self.inline.push_str(&destination(&src));
        self.inline.push(')');
    }

    fn link(&mut self, node: &Handle, depth: usize) {
        let href = attr(node, "href").unwrap_or_default();
        let keep = !self.in_link
            && !href.is_empty()
            && !href.starts_with('#')
            && !href.to_ascii_lowercase().starts_with("javascript:");
        if !keep {
            self.children(node, depth);
            return;
        }
        self.visible();
        self.in_link = true;
        self.inline_only += 1;
        let start = self.inline.len();
        self.children(node, depth);
        self.inline_only -= 1;
        self.in_link = false;
        self.visible();
        if self.inline[start..].trim().is_empty() {
            return;
        }
        self.inline.insert(start, '[');
        self.inline.push_str("](");
        self.inline.push_str(&destination(&href));
        self.inline.push(')');
    }

    fn pre(&mut self, node: &Handle) {
        self.flush();
        let code = text_content(node);
        let code = code.strip_prefix('\n').unwrap_or(&code).trim_end();
        let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
        let mut lines = vec![fence.clone()];
        lines.extend(code.lines().map(str::to_string));
        lines.push(fence);
        self.emit(&lines, false);
    }

    fn list(&mut self, node: &Handle, ordered: bool, depth: usize) {
        self.flush();
        let mut number: u64 = attr(node, "start")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1);
        let mut first = true;
        for child in node.children.borrow().iter() {
            if element_name(child) != Some("li") {
                self.walk(child, depth + 1);
                continue;
            }
            self.flush();
            let marker = if ordered {
                format!("{number}. ")
            } else {
                "- ".to_string()
            };
            number += 1;
            self.tight = !first || self.after_item;
            first = false;
            self.prefixes.push(" ".repeat(marker.len()));
            self.marker = Some((marker, self.prefixes.len()));
            self.children(child, depth + 1);
            self.flush();
            self.prefixes.pop();
            self.marker = None;
        }
        self.tight = false;
    }

    fn table(&mut self, node: &Handle, depth: usize) {
        self.flush();
        let rows = table_rows(node);
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        // Layout tables (one column, or paragraphs in cells) are read as
        // the blocks they hold.
        let layout = columns < 2
            || rows.iter().flatten().any(|cell| {
                descendants(cell).skip(1).any(|n| {
                    element_name(&n).is_some_and(|t| {
                        matches!(
                            t,
                            "p" | "div" | "ul" | "ol" | "table" | "blockquote" | "pre"
                        ) || (t.len() == 2 && t.starts_with('h') && t != "hr")
                    })
                })
            });
        if layout {
            self.children(node, depth);
            self.flush();
            return;
        }
        let mut lines = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let mut cells = Vec::new();
            for cell in row {
                let saved = self.begin_inline();
                self.children(cell, depth);
                cells.push(self.end_inline(saved));
            }
            cells.resize(columns, String::new());
            lines.push(format!("| {} |", cells.join(" | ")));
            if i == 0 {
                lines.push(format!("|{}", " --- |".repeat(columns)));
            }
        }
        self.emit(&lines, false);
    }

    /// A heading from a label (TOC): escaped here.
    fn heading_line(&mut self, level: u8, label: &str) {
        let mut text = String::new();
        escape_inline(&mut text, &collapse_whitespace(label));
        self.heading_line_escaped(level, &text);
    }

    fn heading_line_escaped(&mut self, level: u8, text: &str) {
        if text.is_empty() {
            return;
        }
        let hashes = "#".repeat(usize::from(level.clamp(1, 6)));
        self.emit(&[format!("{hashes} {text}")], false);
    }

    /// Ends the paragraph being built.
    fn flush(&mut self) {
        self.pending.clear();
        let inline = std::mem::take(&mut self.inline);
        let lines: Vec<String> = inline
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if lines.is_empty() {
            return;
        }
        // A `<br>` is a Markdown hard break: a backslash ending the line.
        let last = lines.len() - 1;
        let lines: Vec<String> = lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| if i < last { format!("{l}\\") } else { l })
            .collect();
        self.emit(&lines, true);
    }

    /// Writes a block's lines with the containers' prefixes.
    fn emit(&mut self, lines: &[String], escape_starts: bool) {
        let prefix: String = self.prefixes.concat();
        if !self.out.is_empty() {
            self.out.push('\n');
            if !self.tight {
                self.out.push_str(prefix.trim_end());
                self.out.push('\n');
            }
        }
        self.tight = false;
        let marker = self.marker.take();
        self.after_item = marker.is_some();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            match (&marker, i) {
                (Some((m, at)), 0) if *at >= 1 && *at <= self.prefixes.len() => {
                    self.out.push_str(&self.prefixes[..at - 1].concat());
                    self.out.push_str(m);
                    self.out.push_str(&self.prefixes[*at..].concat());
                }
                _ if line.is_empty() => self.out.push_str(prefix.trim_end()),
                _ => self.out.push_str(&prefix),
            }
            if escape_starts {
                self.out.push_str(&escape_line_start(line));
            } else {
                self.out.push_str(line);
            }
        }
    }
}

/// The rows of a table (not of tables nested in it), each its cells.
fn table_rows(table: &Handle) -> Vec<Vec<Handle>> {
    let mut rows = Vec::new();
    let mut stack: Vec<Handle> = table.children.borrow().iter().rev().cloned().collect();
    while let Some(n) = stack.pop() {
        match element_name(&n) {
            Some("tr") => rows.push(
                n.children
                    .borrow()
                    .iter()
                    .filter(|c| matches!(element_name(c), Some("td" | "th")))
                    .cloned()
                    .collect(),
            ),
            Some("thead" | "tbody" | "tfoot") => {
                stack.extend(n.children.borrow().iter().rev().cloned());
            }
            _ => {}
        }
    }
    rows
}

fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in s.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// A link destination Markdown reads back unchanged: `<…>` with what
/// would end it percent-encoded.
fn destination(url: &str) -> String {
    let mut out = String::from("<");
    for c in url.trim().chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

#[cfg(test)]
mod tests;
