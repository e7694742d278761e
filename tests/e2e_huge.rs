//! End to end, issue 12: a big plain text is memory-mapped (over 1 MiB,
//! valid UTF-8), and a file cut short on disk while it is open neither
//! crashes the app (a mapped page past the new end would raise SIGBUS) nor
//! leaves the old text on screen: the student is told, the text is read
//! again, and quitting leaves the terminal as it was. The input is a
//! 3 MB text generated in the sandbox; no timing is asserted.

mod common;

use common::Sandbox;

const FIRST: &str = "Huge opening line: alpha bravo";
const LAST: &str = "Huge closing line: xray zulu";

/// About 3 MB of distinct paragraphs, one per line (longer than any
/// wrapping width, so the text is shown as it is, not re-flowed into a
/// copy), then [`LAST`].
fn text() -> String {
    let mut out = format!("{FIRST}\n\n");
    let mut i = 0;
    while out.len() < 3 << 20 {
        let more = " and on".repeat(i % 7);
        out.push_str(&format!(
            "Paragraph {i:06}: a sentence of the generated book that runs on{more}, \
             and a second one after it, long enough to be prose and not verse.\n\n"
        ));
        i += 1;
    }
    out.push_str(LAST);
    out.push('\n');
    out
}

#[test]
fn issue12_a_mapped_text_cut_short_on_disk_is_read_again_without_a_crash() {
    let s = Sandbox::new();
    let text = text();
    let path = s.write_doc("book.txt", &text);
    let mut t = s.spawn(120, 40, &[&s.docs]);
    t.wait_for(FIRST);
    t.send("G");
    t.wait_for(LAST);
    // Another program cuts the file to a third, in place, at a line end:
    // the pages on screen are gone from the file.
    let cut = text[..text.len() / 3].rfind('\n').expect("a line") + 1;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(cut as u64))
        .expect("truncate");
    t.wait_for("cut short on disk");
    t.wait_gone(LAST);
    let last_kept = text[..cut].trim_end().rsplit('\n').next().expect("a line");
    t.send("G");
    t.wait_for(&last_kept[..20]);
    t.quit();
    t.assert_terminal_restored();
}
