//! The review screen's state machine (issue 14): `R` asks a worker for
//! the deck ("preparing review…" meanwhile), then shows one card at a
//! time: its front, then on `space` its back with the interval each rating
//! would give; a rating records the answer in the schedule, hands the
//! review to the run loop to append to the log, and moves on. `enter`
//! leaves the review standing to read the card's passage; `esc` or `R` in
//! the reader comes back to the same card. When nothing is left, the end
//! screen says when the next card comes due.
//!
//! Cards answered "again" (or still learning) come due again within
//! minutes: they are shown again in the same sitting once their time has
//! come, as in Anki, checked on every key and on the idle tick.
//!
//! `u` takes the last rating of the sitting back (again and again, one
//! rating each): its card is shown again, the schedule is as it was, and
//! an undo record naming the rating is appended to the log (the log is
//! never rewritten; see [`crate::study::review::log`]).

use std::collections::HashMap;

use super::{App, Effect, Focus, Overlay};
use crate::input::action::{Action, Context};
use crate::study::review::schedule::{CardState, Scheduler};
use crate::study::review::{CardKind, Deck, Rating, Review, schedule};
use crate::text::sanitize::sanitize_line;

/// Due cards per document key, for the Library.
pub type DueCounts = HashMap<String, usize>;

/// Longest paragraph of a card taken in (a note may be long; the box
/// cuts what does not fit anyway).
const PARAGRAPH_CHARS: usize = 2_000;
/// Cards due again within this long after an answer (learning steps of
/// minutes) are kept in the sitting, to be shown again once due.
const SITTING: i64 = 60 * 60;

/// What a worker prepared for the review.
#[derive(Debug)]
pub struct Prepared {
    pub deck: Deck,
    /// Indices into `deck.cards` due when it was built, in showing order.
    pub due: Vec<usize>,
    /// Records of the log that were skipped, described.
    pub problems: Vec<String>,
}

/// A card as shown: sanitised paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardView {
    /// "note" or "highlight".
    pub kind: &'static str,
    pub front: Vec<String>,
    pub back: Vec<String>,
    pub title: String,
}

/// A rating given this sitting, kept so that `undo` can take it back.
#[derive(Debug, Clone)]
struct Rated {
    /// The card (an index into the deck).
    index: usize,
    /// The rating's review id: the undo record names it.
    id: String,
    /// The card's state before the rating (`None`: it was new).
    before: Option<CardState>,
    /// The rating put the card in `later`.
    later: bool,
    /// Where in `later` the card was taken from to be shown (`None`: from
    /// the queue).
    from_later: Option<usize>,
}

/// A review in progress.
#[derive(Debug)]
pub struct Session {
    /// Which deck build this session waits for (older answers are dropped).
    pub generation: u64,
    /// `None` while the deck is being prepared.
    pub deck: Option<Deck>,
    /// Why the deck could not be prepared.
    pub error: Option<String>,
    /// Cards still to show this sitting, in order (indices into the deck).
    queue: std::collections::VecDeque<usize>,
    /// Cards answered this sitting that come due again within it.
    later: Vec<usize>,
    /// The ratings of this sitting, last on top, for `undo`.
    rated: Vec<Rated>,
    /// The card shown.
    pub current: Option<usize>,
    /// Where in `later` the shown card was taken from (`None`: the queue).
    from_later: Option<usize>,
    pub view: Option<CardView>,
    /// The answer is showing.
    pub revealed: bool,
    /// What each rating (again, hard, good, easy) would give, e.g. "4d".
    pub intervals: [String; 4],
    /// Cards answered this sitting.
    pub answered: usize,
    /// The overlay is up; `false` while the card's passage is read.
    pub shown: bool,
    /// When the next card not yet due comes due (unix seconds), for the
    /// end screen.
    pub next_due: Option<i64>,
}

impl Session {
    fn new(generation: u64) -> Session {
        Session {
            generation,
            deck: None,
            error: None,
            queue: Default::default(),
            later: Vec::new(),
            rated: Vec::new(),
            current: None,
            from_later: None,
            view: None,
            revealed: false,
            intervals: Default::default(),
            answered: 0,
            shown: true,
            next_due: None,
        }
    }

    /// The deck is ready and something is left to show (or shown).
    pub fn ready(&self) -> bool {
        self.deck.is_some()
    }

    /// Cards left including the one shown, and the sitting's total so far:
    /// "3 of 12 due" is (answered + 1) of (answered + left).
    pub fn left(&self) -> usize {
        self.queue.len() + usize::from(self.current.is_some())
    }

    /// Cards answered this sitting that will come back in it.
    pub fn learning(&self) -> usize {
        self.later.len()
    }

    /// A rating of this sitting can be taken back.
    pub fn can_undo(&self) -> bool {
        !self.rated.is_empty()
    }
}

/// Unix seconds of the app's clock (`update`'s `now`), 0 if unreadable.
fn now_seconds(app: &App) -> i64 {
    schedule::unix_seconds(&app.now).unwrap_or(0)
}

/// `R`: open the review (preparing its deck on a worker), come back to it
/// after a jump, or close it when it is up.
pub(super) fn toggle(app: &mut App) -> Vec<Effect> {
    match app.review.as_mut() {
        Some(s) if !s.shown => {
            s.shown = true;
            app.overlay = Overlay::None;
            app.dismiss_messages();
            Vec::new()
        }
        Some(_) => close(app),
        None => open(app),
    }
}

/// Starts a review: the deck is prepared on a worker.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.review_generation += 1;
    let generation = app.review_generation;
    app.review = Some(Session::new(generation));
    app.overlay = Overlay::None;
    vec![Effect::PrepareReview {
        generation,
        now: now_seconds(app),
    }]
}

/// Closes the review; the Library's due counts are worked out again.
fn close(app: &mut App) -> Vec<Effect> {
    let answered = app.review.take().map_or(0, |s| s.answered);
    if answered > 0 {
        let cards = if answered == 1 { "card" } else { "cards" };
        app.info(format!(
            "review closed: {answered} {cards} answered and saved"
        ));
    }
    vec![Effect::CountDue {
        now: now_seconds(app),
    }]
}

/// The deck arrived from the worker.
pub(super) fn prepared(app: &mut App, generation: u64, result: Result<Box<Prepared>, String>) {
    let now = now_seconds(app);
    let Some(s) = app.review.as_mut().filter(|s| s.generation == generation) else {
        return;
    };
    match result {
        Ok(p) => {
            let Prepared {
                deck,
                due,
                problems,
            } = *p;
            s.queue = due.into();
            s.next_due = deck.next_due_after(now);
            s.deck = Some(deck);
            if !problems.is_empty() {
                let more = problems.len() - 1;
                let extra = if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                };
                app.error(format!("{}{extra}", problems[0]));
            }
            next_card(app);
        }
        Err(e) => {
            s.error = Some(sanitize_line(&e, 400));
        }
    }
}

/// Shows the next card: one answered earlier in the sitting whose time
/// has come, else the next in the queue; none: the end screen.
fn next_card(app: &mut App) {
    let now = now_seconds(app);
    let Some(s) = app.review.as_mut() else { return };
    let Some(deck) = s.deck.as_ref() else { return };
    s.revealed = false;
    let due_again = s
        .later
        .iter()
        .enumerate()
        .filter_map(|(at, &i)| {
            let due = deck.schedule.due(&deck.cards[i].id)?;
            (due <= now).then_some((due, at))
        })
        .min();
    (s.current, s.from_later) = match due_again {
        Some((_, at)) => (Some(s.later.remove(at)), Some(at)),
        None => (s.queue.pop_front(), None),
    };
    s.view = s.current.and_then(|i| deck.cards.get(i)).map(card_view);
    if s.current.is_none() {
        s.next_due = deck.next_due_after(now);
    }
}

/// A card as the review shows it.
fn card_view(c: &crate::study::review::Card) -> CardView {
    // Passages are the document's source text: Markdown (the converted
    // formats too) shows without its markers. The note is the
    // student's own words, shown as typed.
    let markdown = crate::study::markup::reads_as_markdown(&c.document);
    let passage = |text: &str| {
        if markdown {
            crate::study::markup::plain(text)
        } else {
            text.to_string()
        }
    };
    let highlight = c.kind == CardKind::Highlight;
    CardView {
        kind: if highlight { "highlight" } else { "note" },
        front: paragraphs(&if highlight {
            passage(&c.front)
        } else {
            c.front.clone()
        }),
        back: paragraphs(&passage(&c.back)),
        title: sanitize_line(&c.title, 200),
    }
}

/// Text as sanitised paragraphs (a blank line between paragraphs kept as
/// an empty one, runs of them as one).
fn paragraphs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.trim().lines() {
        let line = line.trim();
        if line.is_empty() && out.last().is_some_and(String::is_empty) {
            continue;
        }
        out.push(sanitize_line(line, PARAGRAPH_CHARS));
    }
    out
}

/// On the end screen: a card whose time has come is shown (called on
/// every key and on the idle tick): one answered earlier in the sitting,
/// or any other once the next due time has passed.
pub(super) fn tick(app: &mut App) {
    let now = now_seconds(app);
    let Some(s) = app.review.as_mut() else { return };
    if s.current.is_some() {
        return;
    }
    let Some(deck) = s.deck.as_ref() else { return };
    if s.next_due.is_some_and(|due| due <= now) {
        // Rarely (once per due time passed): a pass over the deck.
        let later = &s.later;
        s.queue = deck
            .due_order(now)
            .into_iter()
            .filter(|i| !later.contains(i))
            .collect();
    }
    let due_again = s.later.iter().any(|&i| {
        deck.cards
            .get(i)
            .and_then(|c| deck.schedule.due(&c.id))
            .is_some_and(|due| due <= now)
    });
    if due_again || !s.queue.is_empty() {
        next_card(app);
    }
}

/// A key while the review is up.
pub(super) fn on_key(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    let fx = match a {
        Action::Reveal => {
            reveal(app);
            Vec::new()
        }
        Action::RateAgain => rate(app, Rating::Again),
        Action::RateHard => rate(app, Rating::Hard),
        Action::RateGood => rate(app, Rating::Good),
        Action::RateEasy => rate(app, Rating::Easy),
        Action::Undo => undo(app),
        Action::Open => jump(app),
        Action::Cancel | Action::Review => close(app),
        Action::Help => {
            app.overlay = Overlay::Help {
                scroll: super::help::section(app, Context::Review),
            };
            Vec::new()
        }
        // Quitting, suspending and redrawing work as anywhere.
        Action::Quit | Action::Suspend | Action::Redraw => return None,
        _ => Vec::new(),
    };
    tick(app);
    Some(fx)
}

fn reveal(app: &mut App) {
    let now = now_seconds(app);
    let Some(s) = app.review.as_mut() else { return };
    let (Some(deck), Some(i)) = (s.deck.as_ref(), s.current) else {
        return;
    };
    let Some(card) = deck.cards.get(i) else {
        return;
    };
    let state = deck.schedule.state(&card.id).copied().unwrap_or_default();
    let scheduler = Scheduler::new();
    for (slot, rating) in
        s.intervals
            .iter_mut()
            .zip([Rating::Again, Rating::Hard, Rating::Good, Rating::Easy])
    {
        let next = scheduler.answer(&state, now, rating);
        *slot = interval(next.due - now);
    }
    s.revealed = true;
}

/// A wait as Anki shows it: "<1m", "10m", "3h", "4d", "2.5mo", "1.2y".
pub fn interval(seconds: i64) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    let s = seconds.max(0);
    let tenths = |n: i64, unit: i64| {
        let t = (n * 10 + unit / 2) / unit;
        if t % 10 == 0 {
            format!("{}", t / 10)
        } else {
            format!("{}.{}", t / 10, t % 10)
        }
    };
    match s {
        s if s < MINUTE => "<1m".to_string(),
        s if s < HOUR => format!("{}m", (s + MINUTE / 2) / MINUTE),
        s if s < DAY => format!("{}h", (s + HOUR / 2) / HOUR),
        s if s < 30 * DAY => format!("{}d", (s + DAY / 2) / DAY),
        s if s < 365 * DAY => format!("{}mo", tenths(s, 30 * DAY)),
        s => format!("{}y", tenths(s, 365 * DAY)),
    }
}

/// A wait in words, for the end screen: "1 minute", "10 minutes",
/// "3 hours", "2 days", "1.5 months", "1.2 years".
pub fn in_words(seconds: i64) -> String {
    let short = interval(seconds);
    let (number, unit) = short.split_at(
        short
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(short.len()),
    );
    let word = match unit {
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "mo" => "month",
        "y" => "year",
        _ => "",
    };
    if number == "<1" {
        return "less than a minute".to_string();
    }
    let plural = if number == "1" { "" } else { "s" };
    format!("{number} {word}{plural}")
}

fn rate(app: &mut App, rating: Rating) -> Vec<Effect> {
    let now = now_seconds(app);
    let hint = app.keymap.hint(Context::Review, Action::Reveal);
    let Some(s) = app.review.as_mut() else {
        return Vec::new();
    };
    let Some(i) = s.current else {
        return Vec::new();
    };
    if !s.revealed {
        app.info(format!("{hint} shows the answer first, then rate it"));
        return Vec::new();
    }
    let Some(deck) = s.deck.as_mut() else {
        return Vec::new();
    };
    let Some(card) = deck.cards.get(i) else {
        return Vec::new();
    };
    let card_id = card.id.clone();
    let before = deck.schedule.state(&card_id).copied();
    let state = deck.schedule.record(&card_id, now, rating);
    let later = state.due - now <= SITTING;
    if later {
        s.later.push(i);
    }
    s.answered += 1;
    let from_later = s.from_later;
    // Given here, not by the run loop, so that `undo` can name it at once.
    let id = app.new_id('r');
    if let Some(s) = app.review.as_mut() {
        s.rated.push(Rated {
            index: i,
            id: id.clone(),
            before,
            later,
            from_later,
        });
    }
    let review = Review {
        id,
        card: card_id,
        at: schedule::rfc3339(now),
        rating: rating.number(),
        undoes: None,
        extra: toml::Table::new(),
    };
    next_card(app);
    vec![Effect::AppendReview(review)]
}

/// `u`: takes back the last rating of this sitting. Its card is shown
/// again (front first), the schedule and the due counts are as before the
/// rating, and an undo record naming the rating goes to the log.
fn undo(app: &mut App) -> Vec<Effect> {
    let now = now_seconds(app);
    let Some(s) = app.review.as_mut() else {
        return Vec::new();
    };
    let Some(deck) = s.deck.as_mut() else {
        return Vec::new();
    };
    let Some(rated) = s.rated.pop() else {
        app.info("nothing to undo: no rating of this review is left to take back");
        return Vec::new();
    };
    let Some(card) = deck.cards.get(rated.index) else {
        return Vec::new();
    };
    let card_id = card.id.clone();
    // The card on screen goes back where it was taken from.
    if let Some(shown) = s.current.take() {
        match s.from_later.take() {
            Some(at) => s.later.insert(at.min(s.later.len()), shown),
            None => s.queue.push_front(shown),
        }
    }
    if rated.later
        && let Some(at) = s.later.iter().rposition(|&i| i == rated.index)
    {
        s.later.remove(at);
    }
    deck.schedule.restore(&card_id, rated.before);
    s.answered = s.answered.saturating_sub(1);
    s.current = Some(rated.index);
    s.from_later = rated.from_later;
    s.view = deck.cards.get(rated.index).map(card_view);
    s.revealed = false;
    s.next_due = deck.next_due_after(now);
    let left = s.rated.len();
    let id = app.new_id('r');
    let more = if left > 0 {
        format!(" ({left} more can be taken back)")
    } else {
        String::new()
    };
    app.info(format!("rating taken back: the card is shown again{more}"));
    vec![Effect::AppendReview(Review::undo(
        id,
        card_id,
        schedule::rfc3339(now),
        rated.id,
    ))]
}

/// `enter`: read the card's passage in the reader; the review stays, and
/// `esc` or `R` comes back to it.
fn jump(app: &mut App) -> Vec<Effect> {
    let Some(card) = app
        .review
        .as_ref()
        .and_then(|s| Some(s.deck.as_ref()?.cards.get(s.current?)?.clone()))
    else {
        return Vec::new();
    };
    let Some(entry) = app.entries.iter().position(|e| e.key == card.document) else {
        app.error("this card's document is not in the library (moved or deleted?)");
        return Vec::new();
    };
    if let Some(s) = app.review.as_mut() {
        s.shown = false;
    }
    let back = app.keymap.hint(Context::Reader, Action::Cancel);
    let again = app.keymap.hint(Context::Global, Action::Review);
    app.focus = Focus::Reader;
    let fx = if app.open == Some(entry) && app.reader.is_some() {
        let here = app.cursor_point().unwrap_or(0);
        app.jumps.push(here);
        app.goto_point(card.offset);
        app.note_position();
        Vec::new()
    } else {
        app.pending_offset = Some(card.offset);
        let mut fx = app.save_state();
        fx.push(Effect::Open(entry));
        fx
    };
    app.startup_note(format!(
        "the card's passage · {back} or {again}: back to the review"
    ));
    fx
}

/// `esc` in the reader while a card's passage is read: back to the card.
pub(super) fn resume(app: &mut App) -> bool {
    match app.review.as_mut() {
        Some(s) if !s.shown => {
            s.shown = true;
            app.dismiss_messages();
            true
        }
        _ => false,
    }
}

/// The review log has the answer (or could not take it: kept, retried).
pub(super) fn saved(app: &mut App, review: Review, result: Result<(), String>) -> Vec<Effect> {
    match result {
        Ok(()) => {
            let was_pending = app.saving.reviews.iter().any(|r| r.id == review.id);
            app.saving.reviews.retain(|r| r.id != review.id);
            if was_pending && app.saving.reviews.is_empty() {
                app.info("the ratings that could not be saved are in the review log now");
            }
            super::unsaved::quit_if_done(app)
        }
        Err(e) => {
            let retry = app.saving.reviews.iter().any(|r| r.id == review.id);
            if !retry {
                let what = if review.is_undo() { "undo" } else { "rating" };
                app.saving.reviews.push(review);
                app.error(format!("{e} — the {what} is kept and retried"));
            }
            super::unsaved::ask_if_quitting(app);
            Vec::new()
        }
    }
}

/// Ratings not yet in the log, appended again (on the idle tick).
pub(super) fn retry(app: &App) -> Vec<Effect> {
    app.saving
        .reviews
        .iter()
        .cloned()
        .map(Effect::AppendReview)
        .collect()
}

/// The Library's due counts arrived from a worker.
pub(super) fn counted(app: &mut App, counts: DueCounts) {
    *app.due = counts;
}

/// After notes were saved (a new note is a new card due at once), count
/// again at a quiet moment: one recount for a burst of saves.
pub(super) fn recount_if_stale(app: &mut App) -> Vec<Effect> {
    if !std::mem::take(&mut app.due_stale) {
        return Vec::new();
    }
    vec![Effect::CountDue {
        now: now_seconds(app),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_anki_shows_them() {
        let cases = [
            (0, "<1m", "less than a minute"),
            (60, "1m", "1 minute"),
            (600, "10m", "10 minutes"),
            (3 * 3600, "3h", "3 hours"),
            (86_400, "1d", "1 day"),
            (15 * 86_400, "15d", "15 days"),
            (45 * 86_400, "1.5mo", "1.5 months"),
            (400 * 86_400, "1.1y", "1.1 years"),
        ];
        for (seconds, short, long) in cases {
            assert_eq!(interval(seconds), short, "{seconds}");
            assert_eq!(in_words(seconds), long, "{seconds}");
        }
    }
}
