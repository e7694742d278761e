//! Small pages → the Markdown they must become.

use super::*;

fn md(html: &str) -> String {
    convert(html).markdown.trim_end().to_string()
}

#[test]
fn blocks_become_their_markdown() {
    let cases: &[(&str, &str)] = &[
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<h1>Title</h1><p>Text</p>", "# Title\n\nText"),
        ("<h3>Deep <em>one</em></h3>", "### Deep *one*"),
        ("<p>a <em> b </em> c</p>", "a *b* c"),
        (
            "<p><strong>bold</strong> and <b></b>x</p>",
            "**bold** and x",
        ),
        (
            "<blockquote><p>q1</p><p>q2</p></blockquote>",
            "> q1\n>\n> q2",
        ),
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
        ("<ol start=\"3\"><li>c</li><li>d</li></ol>", "3. c\n4. d"),
        (
            "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
            "- a\n  - b\n- c",
        ),
        ("<p>line<br>next</p>", "line\\\nnext"),
        ("<pre>fn x() {\n  y\n}</pre>", "```\nfn x() {\n  y\n}\n```"),
        ("<p>use <code>a*b</code> here</p>", "use `a*b` here"),
        (
            "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2|3</td></tr></table>",
            "| A | B |\n| --- | --- |\n| 1 | 2\\|3 |",
        ),
        ("<p>x</p><hr><p>y</p>", "x\n\n* * *\n\ny"),
    ];
    for (html, want) in cases {
        assert_eq!(md(html), *want, "converting {html}");
    }
}

#[test]
fn literal_markup_characters_stay_literal() {
    assert_eq!(
        md("<p>2 * 3 * 4 and a_b_c</p>"),
        "2 \\* 3 \\* 4 and a\\_b\\_c"
    );
    assert_eq!(md("<p># not a heading</p>"), "\\# not a heading");
    assert_eq!(md("<p>1984. A year</p>"), "1984\\. A year");
    // Parsed back, the text is the page's text.
    let blocks = crate::text::markdown::parse(&md("<p>2 * 3 * 4 and [x]</p>"));
    assert_eq!(blocks[0].text.text, "2 * 3 * 4 and [x]");
}

#[test]
fn links_keep_their_address_images_their_alt() {
    assert_eq!(
        md("<p>See <a href=\"https://e.org/a b\">the source</a>.</p>"),
        "See [the source](<https://e.org/a%20b>)."
    );
    assert_eq!(md("<p><a href=\"#top\">top</a></p>"), "top");
    assert_eq!(
        md("<p><img src=\"i/fig.png\" alt=\"A map\"></p>"),
        "![A map](<i/fig.png>)"
    );
    let blocks = crate::text::markdown::parse(&md("<p><img src=\"x.png\" alt=\"A map\"></p>"));
    assert_eq!(blocks[0].text.text, "[image: A map]");
}

#[test]
fn boilerplate_is_dropped_and_the_article_preferred() {
    let page = "<html><head><title>The  Page</title><style>p{}</style></head><body>\
        <header>Site name</header><nav><a href=\"/\">Home</a></nav>\
        <article><header><h1>Essay</h1></header><p>Body text.</p>\
        <script>alert(1)</script><!-- note --><form>Search</form></article>\
        <aside>Related</aside><footer>© site</footer></body></html>";
    let c = convert(page);
    assert_eq!(c.title.as_deref(), Some("The Page"));
    assert_eq!(c.markdown.trim_end(), "# Essay\n\nBody text.");
}

#[test]
fn title_falls_back_to_the_first_h1() {
    assert_eq!(
        convert("<body><h1>Only <i>heading</i></h1></body>")
            .title
            .as_deref(),
        Some("Only heading")
    );
}

#[test]
fn t1_entities_decode_and_are_sanitised_on_display() {
    let c = convert("<p>&#27;]0;PWNED&#7; &amp;#27; &lt;b&gt;</p>");
    let blocks = crate::text::markdown::parse(&c.markdown);
    let shown = &blocks[0].text.text;
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(shown.contains('␛') && shown.contains('␇'), "{shown:?}");
    // `&amp;#27;` is the text "&#27;", not an escape decoded twice.
    assert!(
        shown.contains("&#27;") && shown.contains("<b>"),
        "{shown:?}"
    );
}

#[test]
fn t6_deep_nesting_does_not_overflow() {
    let depth = 5_000;
    let html = format!(
        "{}deep{}",
        "<div><blockquote>".repeat(depth),
        "</blockquote></div>".repeat(depth)
    );
    let out = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || convert(&html).markdown)
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    assert!(out.contains("deep"));
}

#[test]
fn layout_tables_are_read_as_blocks() {
    assert_eq!(
        md("<table><tr><td><p>First</p><p>Second</p></td></tr></table>"),
        "First\n\nSecond"
    );
}

#[test]
fn toc_ids_become_headings() {
    let mut ids = IdHeadings::new();
    ids.insert("s2".into(), (2, "Part *Two*".into()));
    let c = convert_with("<p>a</p><div id=\"s2\"><p>b</p></div>", &ids);
    assert_eq!(c.markdown.trim_end(), "a\n\n## Part \\*Two\\*\n\nb");
}
