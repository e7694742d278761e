//! Spaced review from the student's own notes (issue 14): every note and
//! highlight is a card ([`cards`]), every answer is a record appended to
//! the review log ([`log`]), and when each card is due is replayed from
//! that log ([`schedule`]) with the FSRS-5 model ([`fsrs`]). Nothing but
//! the log is stored, so logs from two machines merge by union and the
//! schedule follows.
//!
//! [`Deck`] ties them together for the review screen and for
//! `marginote review --due`: what is due now, per document and in total,
//! and which card comes first. Time is passed in (unix seconds); nothing
//! here reads the clock or, but for [`log::load`] and [`log::append`], a
//! file.

pub mod cards;
pub mod fsrs;
pub mod log;
pub mod schedule;

use std::collections::BTreeMap;

pub use cards::{Card, CardKind, cards_of};
pub use log::{Review, ReviewLog};
pub use schedule::{CardState, Rating, Schedule, unix_seconds};

use crate::storage::NotesFile;

/// Every card with its schedule.
#[derive(Debug, Clone, Default)]
pub struct Deck {
    /// In document order, then text order: new cards are met in reading
    /// order.
    pub cards: Vec<Card>,
    pub schedule: Schedule,
}

/// How many cards are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DueCount {
    /// Never answered.
    pub new: usize,
    /// Answered before and due again.
    pub review: usize,
}

impl DueCount {
    pub fn total(self) -> usize {
        self.new + self.review
    }
}

impl Deck {
    /// The cards of these notes files, scheduled by the log's reviews.
    pub fn new<'a>(files: impl IntoIterator<Item = &'a NotesFile>, log: &ReviewLog) -> Self {
        Self {
            cards: files.into_iter().flat_map(cards_of).collect(),
            schedule: Schedule::replay(&log.reviews),
        }
    }

    /// Whether the card is due at `now`.
    pub fn is_due(&self, card: &Card, now: i64) -> bool {
        self.schedule.due(&card.id).is_none_or(|due| due <= now)
    }

    /// Due cards per document key, and in total.
    pub fn due_counts(&self, now: i64) -> (BTreeMap<&str, DueCount>, DueCount) {
        let mut per: BTreeMap<&str, DueCount> = BTreeMap::new();
        let mut total = DueCount::default();
        for card in &self.cards {
            let is_new = match self.schedule.due(&card.id) {
                None => true,
                Some(due) if due <= now => false,
                Some(_) => continue,
            };
            let count = |c: &mut DueCount| {
                if is_new {
                    c.new += 1;
                } else {
                    c.review += 1;
                }
            };
            count(per.entry(card.document.as_str()).or_default());
            count(&mut total);
        }
        (per, total)
    }

    /// The card to show first: the most overdue answered card, else the
    /// first new card in reading order; `None` when nothing is due.
    /// Answered cards go first so that what is being forgotten is caught
    /// before new material piles on.
    pub fn first_due(&self, now: i64) -> Option<&Card> {
        let mut best: Option<(&Card, i64)> = None;
        let mut first_new: Option<&Card> = None;
        for card in &self.cards {
            match self.schedule.due(&card.id) {
                None => {
                    first_new.get_or_insert(card);
                }
                Some(due) if due <= now => {
                    if best.is_none_or(|(_, d)| due < d) {
                        best = Some((card, due));
                    }
                }
                Some(_) => {}
            }
        }
        best.map(|(c, _)| c).or(first_new)
    }

    /// Every card due at `now`, as indices into [`Deck::cards`], in the
    /// order the review shows them: answered cards, most overdue first,
    /// then new cards in reading order (so the first is
    /// [`Deck::first_due`]).
    pub fn due_order(&self, now: i64) -> Vec<usize> {
        let mut answered: Vec<(i64, usize)> = Vec::new();
        let mut new = Vec::new();
        for (i, card) in self.cards.iter().enumerate() {
            match self.schedule.due(&card.id) {
                None => new.push(i),
                Some(due) if due <= now => answered.push((due, i)),
                Some(_) => {}
            }
        }
        // Stable: equal due times keep reading order, as `first_due` does.
        answered.sort_by_key(|&(due, _)| due);
        answered.into_iter().map(|(_, i)| i).chain(new).collect()
    }

    /// When the next card not due at `now` comes due (unix seconds).
    pub fn next_due_after(&self, now: i64) -> Option<i64> {
        self.cards
            .iter()
            .filter_map(|c| self.schedule.due(&c.id))
            .filter(|&due| due > now)
            .min()
    }

    /// Records an answer in the schedule (the caller appends `review` to
    /// the log first, so the schedule never runs ahead of the disk).
    pub fn answer(&mut self, review: &Review) -> Option<CardState> {
        if review.is_undo() {
            return None;
        }
        let rating = Rating::from_number(review.rating)?;
        let at = unix_seconds(&review.at)?;
        Some(self.schedule.record(&review.card, at, rating))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Anchor, Highlight};

    fn file(doc: &str, ids: &[&str]) -> NotesFile {
        let mut f = NotesFile::new(doc, doc, "");
        for (i, id) in ids.iter().enumerate() {
            f.highlights.push(Highlight {
                session: None,
                id: (*id).into(),
                created: String::new(),
                anchor: Anchor {
                    offset: i * 10,
                    exact: "words".into(),
                    prefix: "some ".into(),
                    suffix: " here.".into(),
                    changed: false,
                    status: crate::storage::Status::Exact,
                    current: None,
                    extra: toml::Table::new(),
                },
                extra: toml::Table::new(),
            });
        }
        f
    }

    #[test]
    fn answering_a_card_drops_the_due_count_until_it_is_due_again() {
        let files = [file("/a", &["h1", "h2"]), file("/b", &["h3"])];
        let mut deck = Deck::new(&files, &ReviewLog::default());
        let now = unix_seconds("2026-12-04T09:00:00Z").expect("time");
        let (per, total) = deck.due_counts(now);
        assert_eq!(total, DueCount { new: 3, review: 0 });
        assert_eq!(per["/a"].total(), 2);
        assert_eq!(deck.first_due(now).map(|c| c.id.as_str()), Some("h1"));

        let review = Review::new("h1", "2026-12-04T09:00:00Z", 4);
        deck.answer(&review).expect("valid answer");
        let (per, total) = deck.due_counts(now);
        assert_eq!(total.total(), 2);
        assert_eq!(per["/a"].total(), 1);
        assert_eq!(deck.first_due(now).map(|c| c.id.as_str()), Some("h2"));

        // Easy on a new card: due in about two weeks, and first then.
        let later = now + 30 * 86_400;
        assert_eq!(deck.due_counts(later).1, DueCount { new: 2, review: 1 });
        assert_eq!(deck.first_due(later).map(|c| c.id.as_str()), Some("h1"));

        let order = deck.due_order(later);
        assert_eq!(order.len(), 3);
        assert_eq!(deck.cards[order[0]].id, "h1", "answered cards come first");
        assert_eq!(deck.next_due_after(now), deck.schedule.due("h1"));
        assert_eq!(deck.next_due_after(later), None);

        // The same answer replayed from the log gives the same schedule.
        let log = ReviewLog {
            schema_version: 1,
            reviews: vec![review],
            extra: toml::Table::new(),
        };
        let replayed = Deck::new(&files, &log);
        assert_eq!(replayed.schedule.state("h1"), deck.schedule.state("h1"));
    }
}
