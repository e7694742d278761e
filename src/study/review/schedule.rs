//! When each card is due: the FSRS-5 model ([`super::fsrs`]) replayed
//! over the review log.
//!
//! The state machine is rs-fsrs's basic scheduler's: a new card learns in
//! steps of 1/5/10 minutes, "good" in learning (or "easy" any time)
//! graduates it to intervals of days, a lapse sends it to relearning
//! (5 minutes). A test replays random histories through rs-fsrs's own
//! scheduler and ours and checks that they agree to the second.
//!
//! Replay is the review's opening cost (100,000 answers within the 50 ms
//! budget), so it groups answers by card in flat arrays rather than a map
//! of vectors, and computes the shared FSRS term once per answer.
//! Nothing here reads a clock: `now` is passed in, as unix seconds.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::fsrs::Model;
use super::log::Review;

const MINUTE: i64 = 60;
const DAY: i64 = 86_400;

/// An answer: how well the card was remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    /// From the number written in the log (and typed as `1`–`4`).
    pub fn from_number(n: u8) -> Option<Self> {
        match n {
            1 => Some(Self::Again),
            2 => Some(Self::Hard),
            3 => Some(Self::Good),
            4 => Some(Self::Easy),
            _ => None,
        }
    }

    pub fn number(self) -> u8 {
        self as u8
    }
}

/// Where a card is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    New,
    Learning,
    Review,
    Relearning,
}

/// A card's memory after its answers so far.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CardState {
    pub phase: Phase,
    /// Days until recall probability falls to 90 %.
    pub stability: f64,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f64,
    /// Unix seconds.
    pub due: i64,
    /// Unix seconds.
    pub last_review: i64,
    pub reps: u32,
    pub lapses: u32,
}

/// FSRS-5 with the default parameters (90 % desired retention).
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    model: Model,
}

impl Scheduler {
    pub fn new() -> Self {
        Self::default()
    }

    /// The state after answering `rating` at `now`.
    pub fn answer(&self, last: &CardState, now: i64, rating: Rating) -> CardState {
        let m = &self.model;
        let g = rating.number();
        let mut next = CardState {
            last_review: now,
            reps: last.reps.saturating_add(1),
            ..*last
        };
        let days = |interval: f64| now + interval as i64 * DAY;
        match last.phase {
            Phase::New => {
                next.difficulty = m.init_difficulty(g);
                next.stability = m.init_stability(g);
                (next.phase, next.due) = match rating {
                    Rating::Again => (Phase::Learning, now + MINUTE),
                    Rating::Hard => (Phase::Learning, now + 5 * MINUTE),
                    Rating::Good => (Phase::Learning, now + 10 * MINUTE),
                    Rating::Easy => (Phase::Review, days(m.next_interval(next.stability))),
                };
            }
            Phase::Learning | Phase::Relearning => {
                next.difficulty = m.next_difficulty(last.difficulty, g);
                next.stability = m.short_term_stability(last.stability, g);
                match rating {
                    Rating::Again => next.due = now + 5 * MINUTE,
                    Rating::Hard => next.due = now + 10 * MINUTE,
                    Rating::Good => {
                        next.due = days(m.next_interval(next.stability));
                        next.phase = Phase::Review;
                    }
                    Rating::Easy => {
                        let good = m.short_term_stability(last.stability, 3);
                        let easy = m.next_interval(next.stability);
                        next.due = days(easy.max(m.next_interval(good) + 1.0));
                        next.phase = Phase::Review;
                    }
                }
            }
            Phase::Review => {
                let (d, s) = (last.difficulty, last.stability);
                // Whole days, truncated, as the reference scheduler counts.
                let elapsed = ((now - last.last_review) / DAY) as f64;
                let r = Model::forgetting_curve(elapsed, s);
                next.difficulty = m.next_difficulty(d, g);
                if rating == Rating::Again {
                    next.stability = m.forget_stability(d, s, r);
                    next.lapses = next.lapses.saturating_add(1);
                    next.phase = Phase::Relearning;
                    next.due = now + 5 * MINUTE;
                } else {
                    let term = m.recall_term(d, s, r);
                    let hard = m.recall_stability(s, term, 2);
                    let good = m.recall_stability(s, term, 3);
                    next.stability = match rating {
                        Rating::Hard => hard,
                        Rating::Good => good,
                        _ => m.recall_stability(s, term, 4),
                    };
                    // The reference orders the intervals so that a better
                    // answer never comes back sooner.
                    let good_days = m.next_interval(good);
                    let hard_days = m.next_interval(hard).min(good_days);
                    let good_days = good_days.max(hard_days + 1.0);
                    let interval = match rating {
                        Rating::Hard => hard_days,
                        Rating::Good => good_days,
                        _ => m.next_interval(next.stability).max(good_days + 1.0),
                    };
                    next.phase = Phase::Review;
                    next.due = days(interval);
                }
            }
        }
        next
    }
}

/// FNV-1a for the replay's card-id map: ids are short, trusted-size keys
/// and the map is rebuilt on every opening, so SipHash's flood resistance
/// buys nothing and costs a few milliseconds per 100,000 lookups.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Every answered card's state, replayed from the log.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    states: HashMap<String, CardState>,
    /// Reviews whose time or rating could not be read (skipped).
    pub unreadable: usize,
}

impl Schedule {
    /// Replays the log: each card's answers in time order (review id
    /// breaks ties, so every machine replays the same order), each review
    /// id once.
    pub fn replay(reviews: &[Review]) -> Self {
        let scheduler = Scheduler::new();
        // Pass 1: a number per card, and each answer's card number.
        let mut numbers: FnvMap<&str, u32> = FnvMap::default();
        let mut names: Vec<&str> = Vec::new();
        let mut answers: Vec<(u32, i64, Rating, &str)> = Vec::with_capacity(reviews.len());
        let mut unreadable = 0;
        // Ratings taken back (`u` in the review): the undo records name
        // them, wherever in the log they are.
        let undone: FnvMap<&str, ()> = reviews
            .iter()
            .filter_map(|r| Some((r.undoes.as_deref()?, ())))
            .collect();
        for r in reviews {
            if r.is_undo() || (!undone.is_empty() && undone.contains_key(r.id.as_str())) {
                continue;
            }
            let (Some(at), Some(rating)) = (unix_seconds(&r.at), Rating::from_number(r.rating))
            else {
                unreadable += 1;
                continue;
            };
            let next = u32::try_from(names.len()).unwrap_or(u32::MAX);
            let card = *numbers.entry(r.card.as_str()).or_insert_with(|| {
                names.push(r.card.as_str());
                next
            });
            answers.push((card, at, rating, r.id.as_str()));
        }
        // Pass 2: answers grouped by card (a counting sort), then each
        // card's few answers in time order.
        let mut starts = vec![0usize; names.len() + 1];
        for a in &answers {
            starts[a.0 as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill = starts.clone();
        let mut grouped = vec![(0i64, Rating::Again, ""); answers.len()];
        for (card, at, rating, id) in answers {
            let slot = &mut fill[card as usize];
            grouped[*slot] = (at, rating, id);
            *slot += 1;
        }
        let mut states = HashMap::with_capacity(names.len());
        for (n, name) in names.iter().enumerate() {
            let history = &mut grouped[starts[n]..starts[n + 1]];
            history.sort_unstable_by(|a, b| (a.0, a.2).cmp(&(b.0, b.2)));
            let mut state = CardState::default();
            let mut last: Option<(i64, &str)> = None;
            for &(at, rating, id) in history.iter() {
                // A review id twice (a hand-merged log) counts once; the
                // copies share a time, so ids are compared only then.
                if last.is_some_and(|(t, i)| t == at && i == id) {
                    continue;
                }
                last = Some((at, id));
                state = scheduler.answer(&state, at, rating);
            }
            states.insert((*name).to_owned(), state);
        }
        Self { states, unreadable }
    }

    /// The card's state; `None` for a card never answered (new).
    pub fn state(&self, card: &str) -> Option<&CardState> {
        self.states.get(card)
    }

    /// When the card is next due; `None` for a new card, which is due now.
    pub fn due(&self, card: &str) -> Option<i64> {
        self.states.get(card).map(|s| s.due)
    }

    /// Records an answer given now, as replay would.
    pub fn record(&mut self, card: &str, at: i64, rating: Rating) -> CardState {
        let last = self.states.get(card).copied().unwrap_or_default();
        let next = Scheduler::new().answer(&last, at, rating);
        self.states.insert(card.to_owned(), next);
        next
    }

    /// Puts a card back as it was before an answer (taken back): `before`
    /// is its state then, `None` for a card that was new.
    pub fn restore(&mut self, card: &str, before: Option<CardState>) {
        match before {
            Some(state) => {
                self.states.insert(card.to_owned(), state);
            }
            None => {
                self.states.remove(card);
            }
        }
    }

    /// How many cards have been answered at least once.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}

/// Unix seconds of an RFC 3339 time. Our own stamps (`…Z` or `…+hh:mm`,
/// whole seconds) are read by hand, since replay reads 100,000 of them;
/// anything else goes through `jiff`.
pub fn unix_seconds(stamp: &str) -> Option<i64> {
    fast_seconds(stamp).or_else(|| {
        stamp
            .parse::<jiff::Timestamp>()
            .ok()
            .map(jiff::Timestamp::as_second)
    })
}

fn fast_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b.get(from..to)?.iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 59 {
        return None;
    }
    let offset = match &b[19..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let minutes = num(20, 22)? * 60 + num(23, 25)?;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * DAY + hour * 3600 + minute * 60 + second - offset * 60)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An RFC 3339 UTC stamp of unix seconds (what the log records).
pub fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use rs_fsrs::Parameters;

    fn their_rating(rating: Rating) -> rs_fsrs::Rating {
        match rating {
            Rating::Again => rs_fsrs::Rating::Again,
            Rating::Hard => rs_fsrs::Rating::Hard,
            Rating::Good => rs_fsrs::Rating::Good,
            Rating::Easy => rs_fsrs::Rating::Easy,
        }
    }

    #[test]
    fn fast_time_reading_agrees_with_jiff() {
        for stamp in [
            "1970-01-01T00:00:00Z",
            "2026-12-04T08:40:00Z",
            "2024-02-29T23:59:59+01:00",
            "2000-03-01T00:00:00-05:30",
            "1969-12-31T23:59:59Z",
        ] {
            let slow = stamp.parse::<jiff::Timestamp>().expect("valid").as_second();
            assert_eq!(fast_seconds(stamp), Some(slow), "{stamp}");
        }
        assert_eq!(
            fast_seconds("2026-12-04T08:40:00.5Z"),
            None,
            "fractions go to jiff"
        );
        assert!(unix_seconds("2026-12-04T08:40:00.5Z").is_some());
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(rfc3339(1_764_837_600), "2025-12-04T08:40:00Z");
    }

    #[test]
    fn first_answers_follow_the_fsrs5_defaults() {
        let s = Scheduler::new();
        let now = 1_000_000_000;
        let easy = s.answer(&CardState::default(), now, Rating::Easy);
        // FSRS-5 default w[3] = 15.4722 days of stability; at 90 %
        // retention the interval equals the stability, rounded.
        assert!((easy.stability - 15.4722).abs() < 1e-9);
        assert_eq!(easy.due, now + 15 * DAY);
        assert_eq!(easy.phase, Phase::Review);
        let good = s.answer(&CardState::default(), now, Rating::Good);
        assert!((good.stability - 3.1262).abs() < 1e-9);
        assert_eq!(good.due, now + 10 * MINUTE, "a new card learns in steps");
        let again = s.answer(&CardState::default(), now, Rating::Again);
        // D0(1) = w4 - e^(w5 * 0) + 1 = w4.
        assert!((again.difficulty - 7.2102).abs() < 1e-9);
    }

    #[test]
    fn replay_orders_by_time_and_counts_each_review_once() {
        let r = |id: &str, at: &str, rating| Review {
            id: id.into(),
            card: "n1".into(),
            at: at.into(),
            rating,
            undoes: None,
            extra: toml::Table::new(),
        };
        let reviews = [
            r("b", "2026-12-02T10:00:00Z", 3),
            r("a", "2026-12-01T10:00:00Z", 3),
            r("a", "2026-12-01T10:00:00Z", 3),
        ];
        let schedule = Schedule::replay(&reviews);
        let state = schedule.state("n1").expect("reviewed");
        assert_eq!(state.reps, 2, "the duplicate review id counts once");
        let mut by_hand = CardState::default();
        for at in ["2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z"] {
            let at = unix_seconds(at).expect("time");
            by_hand = Scheduler::new().answer(&by_hand, at, Rating::Good);
        }
        assert_eq!(*state, by_hand);
        assert_eq!(schedule.due("n2"), None, "an unseen card is new");
    }

    fn rated(id: &str, card: &str, at: &str, rating: u8) -> Review {
        Review::rated(id, card, at, rating)
    }

    #[test]
    fn replay_skips_ratings_taken_back_by_undo_records() {
        let base = [
            rated("a", "n1", "2026-12-01T10:00:00Z", 3),
            rated("b", "n2", "2026-12-01T10:01:00Z", 3),
        ];
        let expected = Schedule::replay(&base);
        // A wrong key on n1, taken back, then the right one.
        let mut log = base.to_vec();
        log.push(rated("c", "n1", "2026-12-02T10:00:00Z", 1));
        log.push(Review::undo("u1", "n1", "2026-12-02T10:00:04Z", "c"));
        let schedule = Schedule::replay(&log);
        assert_eq!(schedule.state("n1"), expected.state("n1"), "c undone");
        assert_eq!(schedule.state("n1").map(|s| s.reps), Some(1));
        log.push(rated("d", "n1", "2026-12-02T10:00:09Z", 4));
        let mut by_hand = *expected.state("n1").expect("n1");
        by_hand = Scheduler::new().answer(
            &by_hand,
            unix_seconds("2026-12-02T10:00:09Z").expect("t"),
            Rating::Easy,
        );
        assert_eq!(Schedule::replay(&log).state("n1"), Some(&by_hand));

        // Two undos in a row take back two ratings; a new card is new again.
        let mut two = base.to_vec();
        two.push(rated("e", "n3", "2026-12-03T10:00:00Z", 2));
        two.push(rated("f", "n1", "2026-12-03T10:00:10Z", 1));
        two.push(Review::undo("u2", "n1", "2026-12-03T10:00:15Z", "f"));
        two.push(Review::undo("u3", "n3", "2026-12-03T10:00:16Z", "e"));
        let schedule = Schedule::replay(&two);
        assert_eq!(schedule.state("n1"), expected.state("n1"));
        assert_eq!(schedule.due("n3"), None, "n3's only rating undone: new");
        assert_eq!(
            schedule.state("n2"),
            expected.state("n2"),
            "others untouched"
        );

        // Order in the file does not matter (a merge sorts by time; a hand
        // edit may not), an undo twice is one, an undo of nothing is nothing.
        let mut shuffled = two.clone();
        shuffled.reverse();
        shuffled.push(Review::undo("u3", "n3", "2026-12-03T10:00:16Z", "e"));
        shuffled.push(Review::undo("u4", "n9", "2026-12-03T10:00:17Z", "nope"));
        let again = Schedule::replay(&shuffled);
        assert_eq!(again.state("n1"), expected.state("n1"));
        assert_eq!(again.due("n3"), None);
        assert_eq!(again.len(), 2);
        assert_eq!(again.unreadable, 0, "undo records are not unreadable");
    }

    #[test]
    fn restore_puts_a_card_back_as_replay_would() {
        let mut live = Schedule::default();
        let t = |s: &str| unix_seconds(s).expect("time");
        live.record("n1", t("2026-12-01T10:00:00Z"), Rating::Good);
        let before = live.state("n1").copied();
        live.record("n1", t("2026-12-01T10:20:00Z"), Rating::Again);
        live.restore("n1", before);
        let replayed = Schedule::replay(&[
            rated("a", "n1", "2026-12-01T10:00:00Z", 3),
            rated("b", "n1", "2026-12-01T10:20:00Z", 1),
            Review::undo("u", "n1", "2026-12-01T10:20:03Z", "b"),
        ]);
        assert_eq!(live.state("n1"), replayed.state("n1"));
        live.record("n2", t("2026-12-01T10:00:00Z"), Rating::Easy);
        live.restore("n2", None);
        assert_eq!(live.due("n2"), None, "a new card is new again");
    }

    /// Our replay against rs-fsrs's own scheduler, on seeded random
    /// histories: same phase, due time, stability and difficulty.
    #[test]
    fn replay_agrees_with_the_rs_fsrs_scheduler() {
        let fsrs = rs_fsrs::FSRS::new(Parameters {
            enable_fuzz: false,
            ..Parameters::default()
        });
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let ours = Scheduler::new();
        for _history in 0..200 {
            let start = 1_700_000_000 + (next() % 1_000_000) as i64;
            let mut now = start;
            let mut theirs = rs_fsrs::Card::new();
            theirs.due = DateTime::<Utc>::from_timestamp(now, 0).expect("time");
            theirs.last_review = theirs.due;
            let mut mine = CardState::default();
            for _answer in 0..12 {
                let rating = Rating::from_number((next() % 4 + 1) as u8).expect("1..4");
                let at = DateTime::<Utc>::from_timestamp(now, 0).expect("time");
                theirs = fsrs.next(theirs, at, their_rating(rating)).card;
                mine = ours.answer(&mine, now, rating);
                assert_eq!(mine.due, theirs.due.timestamp(), "due after {rating:?}");
                assert_eq!(mine.stability, theirs.stability, "bit for bit");
                assert_eq!(mine.difficulty, theirs.difficulty);
                assert_eq!(mine.reps as i32, theirs.reps);
                assert_eq!(mine.lapses as i32, theirs.lapses);
                // Answer at the due time, early or late.
                let jitter = (next() % (3 * DAY as u64)) as i64 - DAY;
                now = (mine.due + jitter).max(now + MINUTE);
            }
        }
    }
}
