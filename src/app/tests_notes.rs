//! Issue 11 behaviour of `update`, through the test harness: the search
//! prompt and its history, the cursor's character, the selection to the
//! character, `]`/`[`, re-attaching, the filtered sheet and the position
//! of a renamed file.

use super::*;
use crate::input::action::Action;
use crate::storage::Status;
use crate::testkit::{Harness, NOW};

/// Sentences with a look-alike and a typo, in Markdown.
const WILLOW: &str = "# The Willow Essay\n\n\
Willows grow near water. Their roots hold the bank together. Farmers planted them along ditches.\n\n\
Basket makers cut the young shoots in winter. The shoots are called withies. They bend without breaking.\n\n\
Salicylic acid was first found in willow bark. The bark was chewed for pain long before aspirin.\n";

fn willow() -> Harness {
    Harness::new(&[("willow.md", WILLOW)], 120, 40)
}

fn saved(h: &Harness) -> &crate::storage::NotesFile {
    h.saved_notes.last().expect("notes saved")
}

/// A note with `text` on the sentence holding the first match of `words`.
fn note_on(h: &mut Harness, words: &str, text: &str) {
    h.search(words);
    h.act(Action::Annotate);
    h.type_note(text);
    h.act(Action::Save);
}

/// A bookmark (no label) on the row holding the first match of `words`.
fn bookmark_on(h: &mut Harness, words: &str) {
    h.search(words);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
}

#[test]
fn search_prompt_opens_empty_and_walks_the_history() {
    let mut h = willow();
    h.search("withies");
    h.search("aspirin");
    assert_eq!(h.app.state.search_history, ["withies", "aspirin"]);
    h.act(Action::Search);
    let typed = |h: &Harness| {
        h.app
            .prompt
            .as_ref()
            .map(|p| p.input.iter().collect::<String>())
    };
    assert_eq!(typed(&h).as_deref(), Some(""), "/ opens empty");
    h.type_prompt("wi");
    h.act(Action::HistoryPrev);
    assert_eq!(typed(&h).as_deref(), Some("aspirin"));
    h.act(Action::HistoryPrev);
    assert_eq!(typed(&h).as_deref(), Some("withies"));
    h.act(Action::HistoryPrev);
    assert_eq!(typed(&h).as_deref(), Some("withies"), "stays on the oldest");
    h.act(Action::HistoryNext);
    h.act(Action::HistoryNext);
    assert_eq!(typed(&h).as_deref(), Some("wi"), "back to what was typed");
    h.act(Action::Cancel);
    let fx = update(&mut h.app, Msg::Action(Action::Quit), NOW);
    let state = fx.iter().find_map(|e| match e {
        Effect::SaveState(s) => Some(s.clone()),
        _ => None,
    });
    assert_eq!(
        state.map(|s| s.search_history),
        Some(vec!["withies".to_string(), "aspirin".to_string()]),
        "the history is saved with the state"
    );
}

#[test]
fn a_failed_search_says_so_and_leaves_the_cursor() {
    let mut h = willow();
    h.search("withies");
    let here = h.app.cursor_point();
    h.search("zzzz");
    assert_eq!(h.app.cursor_point(), here, "the cursor stayed");
    assert!(h.app.search.is_none(), "no count left behind");
    let m = h.message_text();
    assert!(m.contains("no match for “zzzz”"), "{m}");
}

#[test]
fn after_a_search_a_notes_the_sentence_holding_the_match() {
    let mut h = willow();
    h.search("withies");
    h.act(Action::Annotate);
    assert_eq!(
        h.app
            .editing_range()
            .map(|(s, e)| WILLOW[s..e].to_string())
            .as_deref(),
        Some("The shoots are called withies."),
        "the passage tinted while the editor is open"
    );
    h.type_note("craft");
    h.act(Action::Save);
    let a = saved(&h).notes[0].anchor.clone().expect("anchor");
    assert_eq!(a.exact, "The shoots are called withies.");
}

#[test]
fn on_a_blank_row_a_and_m_take_the_next_sentence() {
    let mut h = willow();
    // Title, its rule, then a blank row.
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    h.act(Action::Annotate);
    h.type_note("x");
    h.act(Action::Save);
    let f = saved(&h);
    assert!(
        f.bookmarks
            .iter()
            .all(|b| !b.anchor.exact.trim().is_empty())
    );
    let exact = f.notes[0].anchor.as_ref().map(|a| a.exact.as_str());
    assert_eq!(exact, Some("Willows grow near water."));
}

#[test]
fn v_then_paren_selects_two_sentences_and_o_moves_the_other_end() {
    let mut h = willow();
    h.search("roots hold");
    h.act(Action::Select);
    let text = |h: &Harness| {
        h.app
            .selection_range()
            .map(|(s, e)| WILLOW[s..e].to_string())
            .unwrap_or_default()
    };
    assert_eq!(text(&h), "Their roots hold the bank together.");
    h.act(Action::SentenceNext);
    assert_eq!(
        text(&h),
        "Their roots hold the bank together. Farmers planted them along ditches."
    );
    h.act(Action::WordPrev);
    assert_eq!(
        text(&h),
        "Their roots hold the bank together. Farmers planted them along"
    );
    h.act(Action::SwapEnds);
    h.act(Action::SentencePrev);
    assert!(
        text(&h).starts_with("Willows grow near water. Their roots"),
        "{}",
        text(&h)
    );
    h.act(Action::WordNext);
    assert!(text(&h).starts_with("grow near water."), "{}", text(&h));
    h.act(Action::Highlight);
    let hl = &saved(&h).highlights[0];
    assert_eq!(
        hl.anchor.exact,
        "grow near water. Their roots hold the bank together. Farmers planted them along"
    );
}

#[test]
fn brackets_step_through_entries_in_text_order_wrapping() {
    let mut h = willow();
    bookmark_on(&mut h, "aspirin");
    note_on(&mut h, "withies", "n");
    h.act(Action::Top);
    let msg = |h: &Harness| h.message_text();
    h.act(Action::NextNote);
    assert_eq!(msg(&h), "note 1 of 2");
    assert_eq!(
        h.app.under_cursor.as_deref(),
        Some(saved(&h).notes[0].id.as_str())
    );
    h.act(Action::NextNote);
    assert_eq!(msg(&h), "bookmark 2 of 2");
    h.act(Action::NextNote);
    assert_eq!(msg(&h), "note 1 of 2 · wrapped to the top");
    h.act(Action::PrevNote);
    assert_eq!(msg(&h), "bookmark 2 of 2 · wrapped to the bottom");
}

/// `]` onto a bookmark inside a highlighted passage shows the bookmark in
/// the Notes pane (selected, and the entry under the cursor), as the
/// status line names it: the highlight around it came first in the pane's
/// order and was shown instead. Stepping back shows the highlight again.
#[test]
fn a_step_onto_a_bookmark_inside_a_passage_shows_the_bookmark() {
    let mut h = willow();
    h.search("Basket makers");
    h.act(Action::Select);
    h.act(Action::SentenceNext);
    h.act(Action::SentenceNext);
    h.act(Action::Highlight);
    bookmark_on(&mut h, "The shoots are");
    let s = saved(&h).clone();
    let (hl, bm) = (&s.highlights[0], &s.bookmarks[0]);
    assert!(
        hl.anchor.exact.contains(&bm.anchor.exact),
        "the bookmark is inside the highlight: {:?} in {:?}",
        bm.anchor.exact,
        hl.anchor.exact
    );
    let selected_id = |h: &Harness| {
        h.app
            .notes_row(h.app.notes_selected())
            .map(|r| r.item.id.to_string())
    };
    h.act(Action::Top);
    h.act(Action::NextNote);
    assert_eq!(h.message_text(), "highlight 1 of 2");
    assert_eq!(h.app.under_cursor.as_deref(), Some(hl.id.as_str()));
    h.act(Action::NextNote);
    assert_eq!(h.message_text(), "bookmark 2 of 2");
    assert_eq!(h.app.under_cursor.as_deref(), Some(bm.id.as_str()));
    assert_eq!(selected_id(&h).as_deref(), Some(bm.id.as_str()));
    h.act(Action::PrevNote);
    assert_eq!(h.message_text(), "highlight 1 of 2");
    assert_eq!(h.app.under_cursor.as_deref(), Some(hl.id.as_str()));
    assert_eq!(selected_id(&h).as_deref(), Some(hl.id.as_str()));
}

/// A bookmark and a note on one sentence are one place: one step, and
/// the message names both (it named the first alone).
#[test]
fn a_place_with_a_bookmark_and_a_note_is_one_step_named_both() {
    let mut h = willow();
    bookmark_on(&mut h, "The bark was");
    note_on(&mut h, "The bark was", "n");
    note_on(&mut h, "withies", "w");
    let s = saved(&h);
    assert_eq!(
        s.bookmarks[0].anchor.exact,
        s.notes
            .iter()
            .find(|n| n.text == "n")
            .and_then(|n| n.anchor.as_ref())
            .map_or("", |a| a.exact.as_str()),
        "the bookmark and the note are on one sentence"
    );
    h.act(Action::Top);
    h.act(Action::NextNote);
    assert_eq!(h.message_text(), "note 1 of 2");
    h.act(Action::NextNote);
    assert_eq!(h.message_text(), "note and bookmark 2 of 2");
    h.act(Action::NextNote);
    assert_eq!(h.message_text(), "note 1 of 2 · wrapped to the top");
}

#[test]
fn a_lost_note_keeps_its_quote_and_r_enter_reattaches_it() {
    let mut h = willow();
    note_on(&mut h, "withies", "lost soon");
    // The sentence is deleted from the text.
    let key = h.app.entries[0].key.clone();
    let edited: &'static str = Box::leak(
        WILLOW
            .replace("The shoots are called withies. ", "")
            .into_boxed_str(),
    );
    assert!(h.app.entries[0].key == key);
    // marginote started again on the edited text, with the same data folder.
    let entries = vec![crate::library::bundled_entry("willow.md", edited)];
    let mut h = h.restart(entries, crate::storage::StateFile::default(), 120, 40);
    // Open it again, now that its notes are on disk.
    h.app.open = None;
    h.app.lib_selected = 0;
    h.app.focus = Focus::Library;
    h.act(Action::Open);
    let items = h.app.notes_items();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item.status, Status::Lost);
    assert_eq!(items[0].item.passage, "The shoots are called withies.");
    // The lost note's status is saved.
    let n = &saved(&h).notes[0];
    assert_eq!(n.anchor.as_ref().map(|a| a.status), Some(Status::Lost));
    h.search("bend");
    h.app.focus = Focus::Notes;
    h.act(Action::Reattach);
    assert!(h.app.selection.is_some() && h.app.reattach.is_some());
    h.act(Action::Confirm);
    let a = saved(&h).notes[0].anchor.clone().expect("anchor");
    assert_eq!(a.exact, "They bend without breaking.");
    assert_eq!(a.status, Status::Exact);
    assert!(h.app.reattach.is_none() && h.app.selection.is_none());
}

#[test]
fn e_exports_only_what_the_filter_shows() {
    let mut h = willow();
    note_on(&mut h, "withies", "for the #exam");
    note_on(&mut h, "aspirin", "aside");
    h.app.focus = Focus::Notes;
    h.act(Action::Filter);
    h.type_prompt("#exam");
    h.act(Action::Confirm);
    h.act(Action::Export);
    let (name, sheet) = h.exported.last().expect("exported");
    assert_eq!(name, "willow");
    assert!(sheet.contains("for the #exam"), "{sheet}");
    assert!(!sheet.contains("aside"), "{sheet}");
    // The sheet says it holds only what the filter let through, as the
    // command line's `--tag` sheet does.
    assert!(sheet.contains("\n*Selected: #exam*\n"), "{sheet}");
    let clear = || Msg::Text(crate::input::action::TextEdit::Clear);
    h.act(Action::Filter);
    h.send(clear());
    h.type_prompt("aside");
    h.act(Action::Confirm);
    h.act(Action::Export);
    let (_, sheet) = h.exported.last().expect("exported again");
    assert!(sheet.contains("*Selected: “aside”*"), "{sheet}");
    // With no filter, nothing is said.
    h.act(Action::Filter);
    h.send(clear());
    h.act(Action::Confirm);
    h.act(Action::Export);
    let (_, sheet) = h.exported.last().expect("exported whole");
    assert!(
        sheet.contains("for the #exam") && sheet.contains("aside"),
        "{sheet}"
    );
    assert!(!sheet.contains("Selected:"), "{sheet}");
}

#[test]
fn the_position_follows_a_renamed_document_by_fingerprint() {
    let mut h = willow();
    h.search("aspirin");
    let fx = update(&mut h.app, Msg::Action(Action::Quit), NOW);
    let Some(Effect::SaveState(state)) = fx.into_iter().find(|e| matches!(e, Effect::SaveState(_)))
    else {
        panic!("state saved on quit");
    };
    let old = state
        .positions
        .values()
        .next()
        .cloned()
        .expect("a position");
    assert!(old.fingerprint.starts_with("fnv1a64:"), "{old:?}");
    // The same text under another name (the old one is not in the library).
    let entries = vec![crate::library::bundled_entry("salix.md", WILLOW)];
    let h = Harness::with_entries(entries, state, 120, 40);
    let row = h
        .app
        .reader
        .as_ref()
        .map(|r| r.cursor_offset())
        .unwrap_or(0);
    assert_eq!(row, old.anchor.offset, "opened where it was left");
}

#[test]
fn a_click_puts_the_cursor_on_the_character_and_a_drag_selects_to_it() {
    use crate::input::action::MouseKind;
    let mut h = willow();
    h.search("roots hold");
    let p = h.app.panes();
    let r = h.app.reader.as_ref().expect("reader");
    let y = r.cursor_row();
    let row = r.visible[y].text();
    let col = |word: &str| {
        let i = row.find(word).expect("word on the row");
        p.text.x + u16::try_from(row[..i].chars().count()).expect("fits")
    };
    let screen_y = p.text.y + u16::try_from(y).expect("fits");
    h.send(Msg::Mouse {
        kind: MouseKind::Click,
        col: col("roots"),
        row: screen_y,
    });
    let at = h.app.cursor_point().expect("a point");
    assert!(
        WILLOW[at..].starts_with("roots hold"),
        "{:?}",
        &WILLOW[at..at + 10]
    );
    h.send(Msg::Mouse {
        kind: MouseKind::Drag,
        col: col("bank") + 3,
        row: screen_y,
    });
    let (s, e) = h.app.selection_range().expect("dragged");
    assert_eq!(&WILLOW[s..e], "roots hold the bank", "to the character");
}

/// Every selection key, again and again, over wide, combining, control and
/// right-to-left text: never a panic, always whole characters in bounds.
#[test]
fn selection_keys_over_hostile_text_stay_on_characters() {
    const HOSTILE: &str = "Caf\u{65}\u{301} 👩‍👩‍👧 日本語の文。Next\u{1b}]0;x\u{7} one! \u{202e}rtl\u{202c} end.\n\n\
\tTabbed\u{0}? no… «quoted» text. Ünïcödé words here.\n";
    let mut h = Harness::new(&[("hostile.txt", HOSTILE)], 60, 20);
    let keys = [
        Action::Select,
        Action::WordNext,
        Action::SentenceNext,
        Action::ParagraphNext,
        Action::Down,
        Action::WordPrev,
        Action::SwapEnds,
        Action::SentencePrev,
        Action::ParagraphPrev,
        Action::Up,
        Action::WordNext,
        Action::Bottom,
        Action::Top,
    ];
    for round in 0..3 {
        for &k in &keys {
            h.act(k);
            if let Some((s, e)) = h.app.selection_range() {
                let len = h.app.reader.as_ref().map_or(0, |r| r.doc.len());
                assert!(
                    s <= e && e <= len,
                    "round {round}, {k:?}: {s}..{e} of {len}"
                );
                let src = h.app.reader.as_ref().map(|r| r.doc.source().to_vec());
                let src = src.unwrap_or_default();
                assert!(
                    std::str::from_utf8(&src[s..e]).is_ok(),
                    "round {round}, {k:?}: {s}..{e} cuts a character"
                );
            }
        }
        h.act(Action::Highlight);
        h.act(Action::Annotate);
        h.type_note("x");
        h.act(Action::Save);
        h.act(Action::NextNote);
        h.screen_text();
    }
}

#[test]
fn a_bookmark_on_a_sentences_last_words_is_labelled_from_the_sentence() {
    let mut h = willow();
    bookmark_on(&mut h, "without breaking");
    let b = &saved(&h).bookmarks[0];
    assert_eq!(
        b.anchor.exact, "without breaking.",
        "the place: from the match"
    );
    assert!(b.label.starts_with("They bend without"), "{:?}", b.label);
    // With words enough after the match, the label starts at the match.
    bookmark_on(&mut h, "cut the young");
    let labels: Vec<String> = saved(&h)
        .bookmarks
        .iter()
        .map(|b| b.label.clone())
        .collect();
    assert!(
        labels.iter().any(|l| l.starts_with("cut the young")),
        "{labels:?}"
    );
}

/// Notes whose words are gone are looked for on a worker: the document's
/// first frame is drawn before any is placed (nothing searched for them
/// on the way), and the worker's reply places them and says how many were
/// lost. A note added while the worker ran is placed when the reply
/// arrives, not lost.
#[test]
fn lost_notes_are_placed_by_a_worker_after_the_first_frame() {
    let mut h = willow();
    let sentences = [
        "Their roots hold the bank together.",
        "Farmers planted them along ditches.",
        "The shoots are called withies.",
        "They bend without breaking.",
        "The bark was chewed for pain long before aspirin.",
    ];
    for s in sentences {
        h.search(s);
        h.act(Action::Annotate);
        h.type_note("soon gone");
        h.act(Action::Save);
    }
    assert_eq!(saved(&h).notes.len(), sentences.len());
    let edited: &'static str = Box::leak(
        sentences
            .iter()
            .fold(WILLOW.to_string(), |t, s| {
                t.replace(&format!("{s} "), "").replace(s, "")
            })
            .into_boxed_str(),
    );
    let entries = vec![crate::library::bundled_entry("willow.md", edited)];
    let mut h = h.restart(entries, crate::storage::StateFile::default(), 120, 40);
    h.app.open = None;
    h.app.lib_selected = 0;
    h.app.focus = Focus::Library;
    // The run loop's steps, one at a time: open, then the first frame.
    let fx = update(&mut h.app, Msg::Action(Action::Open), NOW);
    let index = fx
        .iter()
        .find_map(|e| match e {
            Effect::Open(i) => Some(*i),
            _ => None,
        })
        .expect("an open effect");
    let store = crate::storage::Store::new();
    let opened = crate::runtime::jobs::open(index, &h.app.entries[index], &h.data, &store);
    let fx = update(&mut h.app, opened, NOW);
    let place = fx
        .iter()
        .filter(|e| matches!(e, Effect::PlaceNotes { .. }))
        .count();
    assert_eq!(place, 1, "placing is handed to a worker");
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::SaveNotes { .. })),
        "nothing placed yet, nothing to save"
    );
    let n = h.app.notes.as_ref().expect("notes");
    assert!(n.placing().is_some() && n.not_found().is_empty());
    assert!(
        n.marks().is_empty(),
        "no note is marked on words it is not on"
    );
    let first = h.screen_text();
    assert!(first.contains("Willows grow near water."), "{first}");
    assert!(!first.contains("could not be placed"), "{first}");
    // A note added before the worker's reply.
    note_on(&mut h, "Salicylic acid", "added meanwhile");
    // The worker's reply.
    h.perform(fx);
    let n = h.app.notes.as_ref().expect("notes");
    assert!(n.placing().is_none());
    assert_eq!(n.not_found().len(), sentences.len());
    let m = h.message_text();
    assert!(m.contains("5 note(s) could not be placed"), "{m}");
    let file = saved(&h);
    let status = |text: &str| {
        file.notes
            .iter()
            .filter(|n| n.text == text)
            .map(|n| n.anchor.as_ref().map(|a| a.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(status("soon gone"), vec![Some(Status::Lost); 5]);
    assert_eq!(status("added meanwhile"), vec![Some(Status::Exact)]);
}

/// Issue 12: a notes file over a MiB is read after the text is shown;
/// `(harness, notes path, notes in the file)` with that read held back.
fn opened_with_big_notes() -> (Harness, std::path::PathBuf, usize) {
    let mut h = Harness::new(
        &[("first.md", WILLOW), ("second.md", crate::testkit::ESSAY)],
        120,
        40,
    );
    let entry = h.app.entries[1].clone();
    let path = h.data.notes_path(&entry.key, &entry.name);
    let mut file = crate::storage::NotesFile::new(entry.key.clone(), "second", "");
    let words = "a long note on the whole essay, ".repeat(60);
    let count = 700;
    for i in 0..count {
        file.notes.push(crate::storage::Note {
            session: None,
            id: format!("n-disk-{i:04}"),
            text: format!("{i}: {words}"),
            tags: Vec::new(),
            created: NOW.into(),
            updated: NOW.into(),
            anchor: None,
            extra: toml::Table::new(),
        });
    }
    crate::storage::Store::new()
        .save_notes(&path, &file)
        .expect("big notes file written");
    assert!(std::fs::metadata(&path).expect("written").len() > 1 << 20);
    h.hold_notes_loads = true;
    h.perform(vec![Effect::Open(1)]);
    assert!(
        h.app.notes_loading(),
        "a big notes file is read after the text"
    );
    (h, path, count)
}

fn on_disk(path: &std::path::Path) -> crate::storage::NotesFile {
    match crate::storage::Store::new().load_notes(path) {
        crate::storage::LoadOutcome::Loaded(f) => f,
        _ => panic!("notes file reads"),
    }
}

/// The text is shown, and says the notes are coming, before the notes
/// file is read; they are listed once it is.
#[test]
fn big_notes_file_follows_the_text() {
    let (mut h, _, count) = opened_with_big_notes();
    let screen = h.screen_text();
    assert!(screen.contains("The Red Terror"), "{screen}");
    assert!(screen.contains("loading this document's"), "{screen}");
    h.finish_notes_loads();
    assert!(!h.app.notes_loading());
    assert_eq!(h.app.notes.as_ref().map(|n| n.len()), Some(count));
    h.app.focus = Focus::Notes;
    let screen = h.screen_text();
    assert!(!screen.contains("loading this document's"), "{screen}");
    assert!(screen.contains(&format!("({count})")), "{screen}");
}

/// N-promise: a note taken while the big file is still being read is
/// saved with every note of the file (the save merges with the file on
/// disk), and stays listed with all of them once the read arrives.
#[test]
fn n_note_taken_while_notes_load_is_saved_with_all_of_them() {
    let (mut h, path, count) = opened_with_big_notes();
    h.act(Action::NoteDocument);
    h.type_note("taken while the notes were read");
    h.act(Action::Save);
    assert_eq!(
        saved(&h).entry_count(),
        1,
        "what the app held meanwhile was the new note alone"
    );
    let disk = on_disk(&path);
    assert_eq!(disk.notes.len(), count + 1, "the save merged with the file");
    h.finish_notes_loads();
    let n = h.app.notes.as_ref().expect("notes");
    assert_eq!(n.len(), count + 1, "listed with every note of the file");
    assert!(
        n.file()
            .notes
            .iter()
            .any(|x| x.text == "taken while the notes were read")
    );
    // A bookmark after the read, and a restart: all of them, once each.
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    let disk = on_disk(&path);
    assert_eq!(disk.entry_count(), count + 2, "{:?}", h.message_text());
}

/// The read of a big notes file arriving after the save of a note taken
/// meanwhile (the worker read the file before that save) still lists the
/// note: the two are merged by id, never one replacing the other.
#[test]
fn n_a_read_older_than_a_save_keeps_the_note_taken_meanwhile() {
    let (mut h, path, count) = opened_with_big_notes();
    let key = h.app.notes.as_ref().expect("notes").key.clone();
    let early =
        crate::runtime::jobs::load_notes_later(&crate::storage::Store::new(), key, path.clone());
    // The save's reply is lost (as if it were still running): only the
    // file read before the note arrives.
    h.hold_notes_loads = true;
    h.act(Action::NoteDocument);
    h.type_note("noted before the read arrived");
    let fx = update(&mut h.app, Msg::Action(Action::Save), NOW);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::SaveNotes { .. })),
        "{fx:?}"
    );
    h.send(early);
    let n = h.app.notes.as_ref().expect("notes");
    assert_eq!(n.len(), count + 1, "the file's notes and the new one");
    assert!(!h.app.notes_loading());
    // Its save, carried out now, keeps them all on disk.
    h.perform(fx);
    assert_eq!(on_disk(&path).notes.len(), count + 1);
}

/// Whether a row of the Notes pane lists an entry, read in place
/// (`notes_row_is`), agrees with the row built, in both scopes: only the
/// open document's entries answer, each on its own row.
#[test]
fn a_row_read_in_place_lists_the_entry_its_built_row_does() {
    let other = "Elsewhere there are reeds. Reeds bend in the wind.\n";
    let mut h = Harness::new(&[("willow.md", WILLOW), ("reeds.txt", other)], 120, 40);
    for i in 0..h.app.entries.len() {
        h.app.lib_selected = i;
        h.app.focus = Focus::Library;
        h.act(Action::Open);
        h.act(Action::AddBookmark);
        h.act(Action::Confirm);
    }
    note_on(&mut h, "withies", "n");
    let mut ids: Vec<String> = h
        .saved_notes
        .iter()
        .flat_map(|f| {
            let marks = f.bookmarks.iter().map(|b| b.id.clone());
            marks.chain(f.notes.iter().map(|n| n.id.clone()))
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "{ids:?}");
    h.app.focus = Focus::Notes;
    let mut answered = 0;
    for scope in [Scope::ThisDocument, Scope::AllDocuments] {
        if h.app.scope != scope {
            h.act(Action::ToggleScope);
        }
        assert_eq!(h.app.scope, scope);
        for i in 0..=h.app.notes_len() {
            for id in &ids {
                let built = h
                    .app
                    .notes_row(i)
                    .is_some_and(|r| r.open && r.item.id == *id);
                assert_eq!(h.app.notes_row_is(i, id), built, "{scope:?} row {i} {id}");
                answered += usize::from(built);
            }
        }
    }
    // The open document's entries in each scope, the other's in none.
    let open = h.app.notes.as_ref().map(|n| n.file().entry_count());
    assert_eq!(Some(answered), open.map(|n| 2 * n));
    assert!(answered < 2 * ids.len(), "the other document's answer none");
}

/// A note's box narrowed while a one-line note is written, then widened
/// again, shows the note from its start: the text area kept its sideways
/// scroll, so the first words stayed out of view with room for them all.
#[test]
fn a_note_box_widened_again_shows_the_note_from_its_start() {
    let note = "the start of a note written narrow #exam";
    let mut h = Harness::new(&[("essay.md", crate::testkit::ESSAY)], 120, 40);
    h.press("a");
    assert!(h.app.editor.is_some());
    h.send(Msg::Resize(40, 20));
    h.screen();
    for word in note.split_inclusive(' ') {
        h.type_note(word);
        h.screen();
    }
    assert!(
        !h.screen_text().contains("the start of"),
        "narrow, the box shows the end of the note:\n{}",
        h.screen_text()
    );
    h.send(Msg::Resize(120, 40));
    assert!(
        h.screen_text().contains(note),
        "widened, the note is shown whole:\n{}",
        h.screen_text()
    );
    let ed = h.app.editor.as_ref().expect("still writing");
    assert_eq!(ed.text(), note);
    assert_eq!(
        ed.textarea.cursor(),
        (0, note.chars().count()),
        "the cursor stays at the end"
    );
    // Narrowed again: the cursor, at the end, is still in view.
    h.send(Msg::Resize(40, 20));
    assert!(h.screen_text().contains("#exam"), "{}", h.screen_text());
}
