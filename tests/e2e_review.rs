//! End to end, the review of issue 14 as a student meets it: a note taken
//! in the app is one card due (`marginote review --due`); `R` shows it,
//! space shows the answer with the interval of each rating, `3` rates it;
//! then nothing is due, the review log on disk holds that one answer for
//! that note, and `marginote review` (which opens on the review) says when
//! the card comes back. The real binary runs in a pty, each test in its
//! own sandbox; waits poll the screen with a deadline.

mod common;

use common::{Sandbox, Tui, key, parse_toml, status};

const WIDE: (u16, u16) = (120, 40);

const ESSAY: &str = "# The Cheka\n\n\
The Cheka was founded in December 1917 by Felix Dzerzhinsky.\n\n\
By 1918 it had grown into a large secret police.\n";

/// `marginote ARGS` on the sandbox's data folder, outside a terminal:
/// its standard output.
fn cli(s: &Sandbox, args: &[&str]) -> String {
    let out = s.cli(args);
    assert!(
        out.status.success(),
        "marginote {args:?}: {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Opens the app on the essay and writes a note on its first sentence.
fn take_a_note(s: &Sandbox, text: &str) {
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_for("founded in December 1917");
    // Title, its rule, a blank row: the first sentence is three rows down.
    for _ in 0..3 {
        t.send(key::DOWN);
    }
    t.send("a");
    t.wait_for("Note on “");
    t.send(text);
    t.wait_for(text);
    t.send(key::ENTER);
    t.wait_until("“note saved” in the status line", |sc| {
        status(sc).contains("note saved")
    });
    t.quit();
}

/// The id of the only note on disk.
fn note_id(s: &Sandbox) -> String {
    let files = s.notes_files();
    assert_eq!(files.len(), 1, "one notes file: {files:?}");
    let file = parse_toml(&files[0]);
    let notes = file["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    notes[0]["id"].as_str().expect("an id").to_string()
}

fn rate_the_card(t: &mut Tui, front: &str) {
    t.wait_for("Review · 1 of 1 due");
    t.wait_for(front);
    assert!(
        !t.screen().contains("3 good"),
        "the ratings wait for the answer"
    );
    t.send(" ");
    t.wait_for("1 again 1m · 2 hard 5m · 3 good 10m · 4 easy 15d");
    t.wait_for("— The Cheka");
    t.send("3");
    t.wait_for("Review · done");
    t.wait_for("1 card answered; every rating is saved.");
}

#[test]
fn a_note_becomes_a_card_rated_once_then_scheduled() {
    let s = Sandbox::new();
    s.write_doc("cheka.md", ESSAY);
    take_a_note(&s, "Who founded the Cheka?");
    let id = note_id(&s);
    assert_eq!(cli(&s, &["review", "--due"]), "1\n", "one card due");

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_for("founded in December 1917");
    // The Library counts it once the first frame is drawn.
    t.wait_for("1 due");
    t.send("R");
    rate_the_card(&mut t, "Who founded the Cheka?");
    t.wait_for("Next card in 10 minutes.");
    t.send(key::ESC);
    t.wait_gone("Review · done");
    t.wait_until("the Library's count gone", |sc| {
        !common::screen_text(sc).contains("1 due")
    });
    t.quit();

    assert_eq!(cli(&s, &["review", "--due"]), "0\n", "nothing due now");
    let log = parse_toml(&s.data.join("review-log.toml"));
    let reviews = log["review"].as_array().expect("[[review]] records");
    assert_eq!(reviews.len(), 1, "{log:?}");
    assert_eq!(reviews[0]["card"].as_str(), Some(id.as_str()));
    assert_eq!(reviews[0]["rating"].as_integer(), Some(3));
    assert!(reviews[0]["id"].as_str().is_some_and(|r| !r.is_empty()));

    // A second run reads the schedule from the log: `marginote review`
    // opens on the review, with nothing due and the next time given.
    let mut t = s.spawn(WIDE.0, WIDE.1, &["review".as_ref(), s.docs.as_os_str()]);
    t.wait_for("Nothing is due.");
    t.wait_until("when the card comes back", |sc| {
        let text = common::screen_text(sc);
        text.contains("Next card in 10 minutes.") || text.contains("Next card in 9 minutes.")
    });
    t.send(key::ESC);
    t.wait_gone("Nothing is due.");
    t.quit();
    t.assert_terminal_restored();
}

/// The passage holds a terminal title sequence: the card's back shows it
/// as placeholders, and nothing reaches the terminal (RELIABILITY T1).
#[test]
fn enter_reads_the_cards_passage_and_esc_comes_back() {
    let s = Sandbox::new();
    s.write_doc(
        "cheka.md",
        ESSAY.replace("Felix", "Felix \u{1b}]0;PWNED\u{7}"),
    );
    take_a_note(&s, "Who founded the Cheka?");
    let mut t = s.spawn(WIDE.0, WIDE.1, &["review".as_ref(), s.docs.as_os_str()]);
    t.wait_for("Review · 1 of 1 due");
    t.send(key::ENTER);
    t.wait_gone("Review · 1 of 1 due");
    t.wait_until("the way back in the status line", |sc| {
        status(sc).contains("esc or R: back to the review")
    });
    t.send(key::ESC);
    t.wait_for("Review · 1 of 1 due");
    t.send(" ");
    // In the box, not the reader behind it (whose rows carry the ✎ mark).
    t.wait_until("the passage on the card's back, shown not obeyed", |sc| {
        common::screen_text(sc)
            .lines()
            .any(|l| l.contains("␛]0;PWNED␇") && !l.contains('✎'))
    });
    t.send("3");
    t.wait_for("Review · done");
    t.quit();
    common::assert_t1_clean(&t);
}

/// A wrong key taken back: `3` rates the card, `u` brings the same card
/// back; after quitting it is still due (`marginote review --due` says
/// 1), and the log holds the rating and the record taking it back.
#[test]
fn u_takes_a_rating_back_and_the_card_stays_due() {
    let s = Sandbox::new();
    s.write_doc("cheka.md", ESSAY);
    take_a_note(&s, "Who founded the Cheka?");
    assert_eq!(cli(&s, &["review", "--due"]), "1\n", "one card due");

    let mut t = s.spawn(WIDE.0, WIDE.1, &["review".as_ref(), s.docs.as_os_str()]);
    rate_the_card(&mut t, "Who founded the Cheka?");
    t.wait_for("u undo");
    t.send("u");
    t.wait_for("Review · 1 of 1 due");
    t.wait_for("Who founded the Cheka?");
    t.wait_until("the rating taken back, said", |sc| {
        status(sc).contains("rating taken back")
    });
    assert!(
        !t.screen().contains("3 good"),
        "the front again: the answer waits"
    );
    t.quit();

    assert_eq!(
        cli(&s, &["review", "--due"]),
        "1\n",
        "the card is due as before the rating"
    );
    let log = parse_toml(&s.data.join("review-log.toml"));
    let reviews = log["review"].as_array().expect("[[review]] records");
    assert_eq!(reviews.len(), 2, "appended, not rewritten: {log:?}");
    let rated = reviews[0]["id"].as_str().expect("the rating's id");
    assert_eq!(reviews[0]["rating"].as_integer(), Some(3));
    assert_eq!(reviews[1]["undoes"].as_str(), Some(rated));
    assert!(reviews[1].get("rating").is_none(), "{log:?}");
}
