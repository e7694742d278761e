//! Issue 14, the review screen: opening it (the deck prepared off the
//! key path), revealing, rating (the log on disk), jumping to a card's
//! passage and back, the end screen, cards answered "again" coming back,
//! a rating the log would not take, the Library's due counts, and the
//! overlay at every size.

use super::*;
use crate::input::action::{Action, Context};
use crate::study::review::log;
use crate::testkit::{Harness, NOW};

const ESSAY: &str = "# The Cheka\n\n\
The Cheka was founded in December 1917 by Felix Dzerzhinsky. It began as a small commission.\n\n\
By 1918 it had grown into a large secret police. The Red Terror was declared in September 1918.\n\n\
In 1922 the Cheka was replaced by the GPU.\n";

/// The essay with two notes: on the first and on the fourth sentence.
fn with_two_notes() -> Harness {
    let mut h = Harness::new(&[("cheka.md", ESSAY)], 120, 40);
    for (downs, text) in [
        (4, "Who founded the Cheka?"),
        (4, "When was the Terror declared?"),
    ] {
        for _ in 0..downs {
            h.act(Action::Down);
        }
        h.act(Action::Annotate);
        h.type_note(text);
        h.act(Action::Save);
    }
    let notes = h.saved_notes.last().map_or(0, |f| f.notes.len());
    assert_eq!(notes, 2, "two notes written");
    h
}

fn session(h: &Harness) -> &Session {
    h.app.review.as_ref().expect("a review is open")
}

fn front(h: &Harness) -> String {
    session(h)
        .view
        .as_ref()
        .map(|v| v.front.join(" "))
        .unwrap_or_default()
}

fn logged(h: &Harness) -> Vec<crate::study::review::Review> {
    let loaded = log::load(&log::log_path(&h.data)).expect("the log reads");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.log.reviews
}

#[test]
fn r_prepares_the_deck_off_the_key_path_then_shows_the_first_card() {
    let mut h = with_two_notes();
    let fx = update(&mut h.app, Msg::Action(Action::Review), NOW);
    assert!(
        matches!(fx.as_slice(), [Effect::PrepareReview { .. }]),
        "the deck is built by the run loop's worker: {fx:?}"
    );
    assert_eq!(h.app.contexts(), [Context::Review, Context::Global]);
    assert!(h.screen_text().contains("preparing review…"));
    // Keys while it is prepared do nothing harmful.
    h.act(Action::Reveal);
    h.act(Action::RateGood);
    h.perform(fx);
    let s = session(&h);
    assert!(s.ready() && !s.revealed);
    assert_eq!(front(&h), "Who founded the Cheka?", "reading order first");
    let screen = h.screen_text();
    assert!(screen.contains("Review · 1 of 2 due"), "{screen}");
    assert!(screen.contains("Who founded the Cheka?"), "{screen}");
    assert!(
        !screen.contains("Felix Dzerzhinsky. It"),
        "the answer is hidden"
    );
}

#[test]
fn a_late_deck_of_an_older_review_is_dropped() {
    let mut h = with_two_notes();
    let first = update(&mut h.app, Msg::Action(Action::Review), NOW);
    h.act(Action::Cancel);
    assert!(h.app.review.is_none(), "esc closes the review");
    let second = update(&mut h.app, Msg::Action(Action::Review), NOW);
    h.perform(first);
    assert!(
        !session(&h).ready(),
        "the first build's deck is not this one"
    );
    h.perform(second);
    assert!(session(&h).ready());
}

#[test]
fn space_reveals_the_passage_and_each_rating_shows_its_interval() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    h.act(Action::RateGood);
    assert!(logged_is_empty(&h), "no rating before the answer is shown");
    assert!(
        h.app
            .message
            .as_ref()
            .is_some_and(|m| m.text.contains("space shows the answer first")),
        "{:?}",
        h.app.message
    );
    h.act(Action::Reveal);
    let s = session(&h);
    assert!(s.revealed);
    // FSRS-5 on a new card: learning steps of 1, 5 and 10 minutes; easy
    // graduates it to 15 days.
    assert_eq!(s.intervals, ["1m", "5m", "10m", "15d"]);
    let screen = h.screen_text();
    assert!(
        screen.contains("1 again 1m · 2 hard 5m · 3 good 10m · 4 easy 15d"),
        "{screen}"
    );
    assert!(
        screen.contains("The Cheka was founded in December 1917 by Felix Dzerzhinsky."),
        "the back: the passage\n{screen}"
    );
    assert!(screen.contains("— The Cheka"), "and its document\n{screen}");
}

fn logged_is_empty(h: &Harness) -> bool {
    !log::log_path(&h.data).exists()
}

#[test]
fn a_rating_is_appended_to_the_log_and_the_next_card_follows() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    let card = session(&h)
        .current
        .and_then(|i| session(&h).deck.as_ref()?.cards.get(i).cloned())
        .expect("a card");
    h.act(Action::Reveal);
    let fx = update(&mut h.app, Msg::Action(Action::RateGood), NOW);
    let [Effect::AppendReview(review)] = fx.as_slice() else {
        panic!("one append: {fx:?}")
    };
    assert_eq!(review.card, card.id);
    assert_eq!(review.rating, 3);
    assert_eq!(review.at, "2026-11-25T09:00:00Z", "the time, in UTC");
    h.perform(fx);
    let reviews = logged(&h);
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].card, card.id);
    assert!(!reviews[0].id.is_empty(), "the run loop gave it an id");
    let s = session(&h);
    assert_eq!((s.answered, s.revealed), (1, false));
    assert_eq!(front(&h), "When was the Terror declared?");
    assert!(h.screen_text().contains("Review · 2 of 2 due"));
}

#[test]
fn enter_reads_the_passage_and_esc_comes_back_to_the_same_card() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    h.act(Action::Reveal);
    h.act(Action::RateEasy);
    h.act(Action::Reveal);
    let offset = session(&h)
        .current
        .and_then(|i| Some(session(&h).deck.as_ref()?.cards.get(i)?.offset))
        .expect("a card");
    h.app.reader.as_mut().expect("open").top();
    h.act(Action::Open);
    assert!(!h.app.review_shown(), "the reader shows");
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(h.app.contexts(), [Context::Reader, Context::Global]);
    assert_eq!(h.app.point, Some(offset), "the cursor is on the passage");
    let message = h.app.message.as_ref().map(|m| m.text.clone());
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("esc or R: back to the review")),
        "{message:?}"
    );
    assert!(!h.screen_text().contains("Review ·"), "the overlay is gone");
    // Reading moves the cursor; the review waits.
    h.act(Action::Down);
    h.act(Action::Cancel);
    let s = session(&h);
    assert!(s.shown && s.revealed, "back where it was, answer showing");
    assert_eq!(front(&h), "When was the Terror declared?");
    assert_eq!(s.answered, 1);
    // And R does the same.
    h.act(Action::Open);
    h.act(Action::Review);
    assert!(h.app.review_shown());
    assert_eq!(front(&h), "When was the Terror declared?");
}

#[test]
fn the_end_screen_says_when_the_next_card_is_due() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    for rating in [Action::RateEasy, Action::RateGood] {
        h.act(Action::Reveal);
        h.act(rating);
    }
    let s = session(&h);
    assert_eq!(s.current, None, "nothing left");
    assert_eq!(s.learning(), 1, "the good one is still learning");
    let screen = h.screen_text();
    assert!(screen.contains("Review · done"), "{screen}");
    assert!(screen.contains("2 cards answered"), "{screen}");
    assert!(screen.contains("Next card in 10 minutes."), "{screen}");
    assert_eq!(logged(&h).len(), 2);
    // Closing it counts what is due again for the Library: nothing now.
    h.act(Action::Cancel);
    assert!(h.app.review.is_none());
    assert!(h.app.due.is_empty(), "{:?}", h.app.due);
    // A second sitting starts with nothing due.
    h.act(Action::Review);
    assert_eq!(session(&h).current, None);
    assert!(h.screen_text().contains("Nothing is due."));
}

#[test]
fn a_card_answered_again_comes_back_in_the_sitting_once_due() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    let first = front(&h);
    h.act(Action::Reveal);
    h.act(Action::RateAgain);
    h.act(Action::Reveal);
    h.act(Action::RateEasy);
    assert_eq!(session(&h).current, None, "the first is not due yet");
    // Two minutes later, the idle tick brings it back.
    let later = "2026-11-25T10:02:00+01:00";
    let fx = update(&mut h.app, Msg::Idle, later);
    h.perform(fx);
    assert_eq!(front(&h), first);
    assert!(h.screen_text().contains("Review · 3 of 3 due"));
}

#[test]
fn the_end_screen_shows_a_card_once_its_time_comes() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    for _ in 0..2 {
        h.act(Action::Reveal);
        h.act(Action::RateGood);
    }
    h.act(Action::Cancel);
    // A new sitting: both cards are learning, due in ten minutes.
    h.act(Action::Review);
    assert_eq!(session(&h).current, None);
    assert_eq!(session(&h).learning(), 0, "answered in another sitting");
    let soon = "2026-11-25T10:05:00+01:00";
    let fx = update(&mut h.app, Msg::Idle, soon);
    h.perform(fx);
    assert_eq!(session(&h).current, None, "not yet");
    let later = "2026-11-25T10:11:00+01:00";
    let fx = update(&mut h.app, Msg::Idle, later);
    h.perform(fx);
    assert_eq!(front(&h), "Who founded the Cheka?");
    assert_eq!(session(&h).left(), 2, "both are due again");
}

#[test]
fn a_rating_the_log_does_not_take_is_kept_retried_and_asked_about() {
    let mut h = with_two_notes();
    // A folder where the log's lock file goes: appending fails (reading
    // does not need the lock).
    let mut lock = log::log_path(&h.data).into_os_string();
    lock.push(".lock");
    let path = std::path::PathBuf::from(lock);
    std::fs::create_dir_all(&path).expect("a folder in the way");
    h.act(Action::Review);
    h.act(Action::Reveal);
    h.act(Action::RateGood);
    assert_eq!(h.app.saving.reviews.len(), 1, "kept in memory");
    let m = h.app.message.clone().expect("said");
    assert_eq!(m.level, Level::Error);
    assert!(m.text.contains("kept and retried"), "{}", m.text);
    // Quitting asks first.
    let fx = update(&mut h.app, Msg::Action(Action::Quit), NOW);
    h.perform(fx);
    assert_eq!(h.quit, None, "not gone with a rating unsaved");
    assert_eq!(
        h.app.prompt.as_ref().map(|p| &p.kind),
        Some(&PromptKind::UnsavedQuit)
    );
    h.act(Action::Cancel);
    // The way is clear again: the idle tick saves it.
    std::fs::remove_dir(&path).expect("cleared");
    h.send(Msg::Idle);
    assert!(h.app.saving.reviews.is_empty());
    assert_eq!(logged(&h).len(), 1);
}

#[test]
fn quitting_with_a_rating_unsaved_can_write_it_beside_the_notes() {
    let mut h = with_two_notes();
    let mut lock = log::log_path(&h.data).into_os_string();
    lock.push(".lock");
    std::fs::create_dir_all(&lock).expect("a folder in the way");
    h.act(Action::Review);
    h.act(Action::Reveal);
    h.act(Action::RateHard);
    h.act(Action::Quit);
    // The quit question: w writes what is unsaved to a named file.
    h.act(Action::WriteUnsaved);
    let target = h.data.root.join("mine.toml");
    h.type_prompt(&target.display().to_string());
    h.act(Action::Confirm);
    assert_eq!(h.quit, Some(0), "written: leaves");
    let beside = h.data.root.join("mine.toml.review-log.toml");
    let text = std::fs::read_to_string(&beside).expect("the ratings, beside it");
    let loaded = log::parse("beside", &text).expect("a review log");
    assert_eq!(loaded.log.reviews.len(), 1);
    assert_eq!(loaded.log.reviews[0].rating, 2);
}

#[test]
fn the_library_shows_cards_due_per_document() {
    let mut h = with_two_notes();
    let key = h.app.entries[0].key.clone();
    let fx = vec![Effect::CountDue {
        now: crate::study::review::unix_seconds(NOW).expect("time"),
    }];
    h.perform(fx);
    assert_eq!(h.app.due.get(&key), Some(&2));
    h.act(Action::FocusPrev);
    let screen = h.screen_text();
    assert!(screen.contains("2 due"), "{screen}");
    // On a narrow screen too (the Library over the reader).
    h.send(Msg::Resize(60, 20));
    assert!(h.screen_text().contains("2 due"), "{}", h.screen_text());
}

#[test]
fn a_new_note_counts_as_due_in_the_library_after_a_quiet_moment() {
    let mut h = with_two_notes();
    let key = h.app.entries[0].key.clone();
    assert!(h.app.due.is_empty(), "nothing counted on the key path");
    h.send(Msg::Idle);
    assert_eq!(h.app.due.get(&key), Some(&2));
    h.act(Action::Down);
    h.act(Action::Annotate);
    h.type_note("A third question");
    h.act(Action::Save);
    assert_eq!(h.app.due.get(&key), Some(&2), "not yet: counted when quiet");
    h.send(Msg::Idle);
    assert_eq!(h.app.due.get(&key), Some(&3));
    // Nothing changed since: a quiet moment costs nothing.
    h.app.due.clear();
    h.send(Msg::Idle);
    assert!(h.app.due.is_empty());
}

#[test]
fn help_from_the_review_opens_at_its_keys_and_closes_back_to_it() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    h.act(Action::Help);
    let screen = h.screen_text();
    assert!(screen.contains("Reviewing cards"), "{screen}");
    assert!(screen.contains("show the answer"), "{screen}");
    h.act(Action::Cancel);
    assert!(h.app.review_shown(), "help closes back to the card");
    assert_eq!(h.app.contexts(), [Context::Review, Context::Global]);
}

#[test]
fn the_overlay_fits_any_size_and_shows_no_raw_text() {
    let mut h = Harness::new(&[("cheka.md", ESSAY)], 120, 40);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Annotate);
    h.type_note("evil \u{1b}]0;PWNED\u{7} title and a long line of words to wrap ");
    h.act(Action::Save);
    h.act(Action::Review);
    for revealed in [false, true] {
        if revealed {
            h.act(Action::Reveal);
        }
        for (w, ht) in [(120, 40), (60, 20), (20, 8), (8, 3), (1, 1), (0, 0)] {
            h.send(Msg::Resize(w, ht));
            let screen = h.screen_text();
            assert!(!screen.contains('\u{1b}'), "{w}x{ht}: raw escape");
            if w >= 60 {
                assert!(
                    screen.contains("␛"),
                    "{w}x{ht}: shown, not obeyed\n{screen}"
                );
            }
        }
    }
    h.send(Msg::Resize(20, 8));
    let screen = h.screen_text();
    assert!(screen.contains("1 of 1"), "the counter at 20x8\n{screen}");
}

#[test]
fn snapshot_review_card_at_three_sizes() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    h.act(Action::Reveal);
    for (w, ht) in [(120, 40), (60, 20), (20, 8)] {
        h.send(Msg::Resize(w, ht));
        insta::assert_snapshot!(format!("review_card_{w}x{ht}"), h.screen_text());
    }
}

/// Under 100 columns the entry at the cursor shows in a box over the
/// reader; while a card is up that box (about another entry, beside the
/// card) is not drawn.
#[test]
fn the_note_box_gives_way_to_the_card() {
    let mut h = Harness::new(&[("essay.md", crate::testkit::ESSAY)], 60, 20);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Annotate);
    h.type_note("What happened in 1918?");
    h.act(Action::Save);
    let before = h.screen_text();
    assert!(
        before.contains("┌ note · "),
        "the note box at 60x20\n{before}"
    );
    h.act(Action::Review);
    let during = h.screen_text();
    assert!(during.contains("Review · 1 of 1"), "{during}");
    assert!(
        !during.contains("┌ note · "),
        "no note box under the card\n{during}"
    );
}

#[test]
fn a_markdown_passage_shows_its_words_without_markers() {
    let mut h = Harness::new(&[("essay.md", crate::testkit::ESSAY)], 120, 40);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Annotate);
    h.type_note("What happened in 1918?");
    h.act(Action::Save);
    h.act(Action::Review);
    h.act(Action::Reveal);
    let back = session(&h)
        .view
        .as_ref()
        .map(|v| v.back.join(" "))
        .unwrap_or_default();
    assert!(
        back.contains("In September 1918 the Bolshevik government declared a Red Terror"),
        "{back}"
    );
    assert!(!back.contains('*'), "{back}");
}

/// The schedule the log on disk gives equals the one the open review
/// holds, card by card: an undo taken back in the app is taken back on
/// disk too.
#[track_caller]
fn assert_log_matches_the_review(h: &Harness) {
    let replayed = crate::study::review::Schedule::replay(&logged(h));
    let deck = session(h).deck.as_ref().expect("a deck");
    for card in &deck.cards {
        assert_eq!(
            replayed.state(&card.id),
            deck.schedule.state(&card.id),
            "card {}: the log and the review disagree",
            card.id
        );
    }
}

fn count_due(h: &mut Harness) -> DueCounts {
    let fx = vec![Effect::CountDue {
        now: crate::study::review::unix_seconds(NOW).expect("time"),
    }];
    h.perform(fx);
    (*h.app.due).clone()
}

#[test]
fn undo_takes_the_last_rating_back_and_shows_its_card_again() {
    let mut h = with_two_notes();
    let due_before = count_due(&mut h);
    assert_eq!(due_before.values().sum::<usize>(), 2);
    h.act(Action::Review);
    let first = front(&h);
    h.act(Action::Reveal);
    assert!(
        !h.screen_text().contains("u undo"),
        "nothing to take back yet"
    );
    // The wrong key: "again" on a card that was known.
    h.act(Action::RateAgain);
    assert_eq!(front(&h), "When was the Terror declared?");
    let screen = h.screen_text();
    assert!(screen.contains("u undo"), "the key is hinted\n{screen}");

    let fx = update(&mut h.app, Msg::Action(Action::Undo), NOW);
    let [Effect::AppendReview(undo)] = fx.as_slice() else {
        panic!("one undo record appended: {fx:?}")
    };
    let rating_id = logged(&h)[0].id.clone();
    assert_eq!(undo.undoes.as_deref(), Some(rating_id.as_str()));
    assert!(!undo.id.is_empty() && undo.id != rating_id);
    h.perform(fx);
    let s = session(&h);
    assert_eq!(front(&h), first, "the same card again");
    assert_eq!((s.answered, s.revealed, s.left()), (0, false, 2));
    assert_eq!(s.learning(), 0, "no longer waiting to come back");
    let card = s
        .deck
        .as_ref()
        .and_then(|d| d.cards.get(s.current?))
        .cloned();
    let card = card.expect("a card");
    let deck = s.deck.as_ref().expect("deck");
    assert_eq!(deck.schedule.state(&card.id), None, "new again");
    assert!(h.screen_text().contains("Review · 1 of 2 due"));
    let m = h.app.message.as_ref().map(|m| m.text.clone());
    assert!(
        m.as_deref()
            .is_some_and(|m| m.contains("rating taken back")),
        "{m:?}"
    );

    // On disk: the rating and the record taking it back, nothing rewritten.
    let reviews = logged(&h);
    assert_eq!(reviews.len(), 2);
    assert!(reviews[1].is_undo());
    assert_log_matches_the_review(&h);
    assert_eq!(count_due(&mut h), due_before, "the due counts as before");

    // The right key now.
    h.act(Action::Reveal);
    h.act(Action::RateGood);
    assert_eq!(front(&h), "When was the Terror declared?");
    assert!(h.screen_text().contains("Review · 2 of 2 due"));
    assert_log_matches_the_review(&h);
}

#[test]
fn several_undos_step_back_several_ratings_then_stop() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    let first = front(&h);
    h.act(Action::Reveal);
    h.act(Action::RateEasy);
    h.act(Action::Reveal);
    h.act(Action::RateAgain);
    assert_eq!(session(&h).current, None, "the end screen");
    assert_eq!(session(&h).learning(), 1);
    assert!(h.screen_text().contains("u undo"), "{}", h.screen_text());

    h.act(Action::Undo);
    assert_eq!(front(&h), "When was the Terror declared?");
    assert_eq!(session(&h).learning(), 0);
    assert!(h.screen_text().contains("Review · 2 of 2 due"));
    h.act(Action::Undo);
    assert_eq!(front(&h), first, "two back");
    assert!(h.screen_text().contains("Review · 1 of 2 due"));
    assert_log_matches_the_review(&h);
    let deck = session(&h).deck.as_ref().expect("deck");
    assert_eq!(deck.schedule.len(), 0, "every card new again");

    // Nothing more to take back: said, nothing appended.
    let fx = update(&mut h.app, Msg::Action(Action::Undo), NOW);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        h.app
            .message
            .as_ref()
            .is_some_and(|m| m.text.contains("nothing to undo"))
    );
    assert_eq!(logged(&h).len(), 4, "two ratings, two undos");

    // The sitting goes on as if the ratings had not been given.
    h.act(Action::Reveal);
    h.act(Action::RateGood);
    assert_eq!(front(&h), "When was the Terror declared?");
    h.act(Action::Reveal);
    h.act(Action::RateGood);
    assert_eq!(session(&h).current, None);
    assert_eq!(session(&h).learning(), 2);
    assert_log_matches_the_review(&h);
}

#[test]
fn undo_of_a_card_shown_again_in_the_sitting_keeps_its_first_answer() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    let first = front(&h);
    h.act(Action::Reveal);
    h.act(Action::RateAgain);
    h.act(Action::Reveal);
    h.act(Action::RateEasy);
    // Two minutes later the first card is back; it is rated, then undone.
    let later = "2026-11-25T10:02:00+01:00";
    let fx = update(&mut h.app, Msg::Idle, later);
    h.perform(fx);
    assert_eq!(front(&h), first);
    let before = {
        let s = session(&h);
        let d = s.deck.as_ref().expect("deck");
        d.schedule
            .state(&d.cards[s.current.expect("shown")].id)
            .copied()
    };
    assert!(before.is_some(), "answered once already");
    let fx = update(&mut h.app, Msg::Action(Action::Reveal), later);
    h.perform(fx);
    let fx = update(&mut h.app, Msg::Action(Action::RateGood), later);
    h.perform(fx);
    assert_eq!(session(&h).current, None);
    let fx = update(&mut h.app, Msg::Action(Action::Undo), later);
    h.perform(fx);
    let s = session(&h);
    assert_eq!(front(&h), first);
    let d = s.deck.as_ref().expect("deck");
    assert_eq!(
        d.schedule
            .state(&d.cards[s.current.expect("shown")].id)
            .copied(),
        before,
        "back to the state after its first answer"
    );
    assert_log_matches_the_review(&h);
    // And the first answer can be taken back too; then the easy one.
    for _ in 0..2 {
        let fx = update(&mut h.app, Msg::Action(Action::Undo), later);
        h.perform(fx);
    }
    assert_eq!(front(&h), first);
    assert_eq!(session(&h).left(), 2);
    assert_log_matches_the_review(&h);
}

#[test]
fn help_lists_undo_among_the_review_keys() {
    let mut h = with_two_notes();
    h.act(Action::Review);
    h.act(Action::Help);
    let screen = h.screen_text();
    assert!(screen.contains("undo the last rating"), "{screen}");
}
