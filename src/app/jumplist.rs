//! The jump history of the open document, like vim's jump list: `ctrl-o`
//! goes back to where the reader was before a jump (a search, an outline
//! entry, a bookmark or note, top or bottom), `ctrl-i` forward again.
//!
//! Positions are source offsets, like every position in marginote, so they
//! survive resizes. The list behaves like a browser history (vim's
//! `jumpoptions=stack`): jumping somewhere new from the middle of the list
//! drops the entries ahead, which is easier to predict than vim's default.

/// Entries kept; the oldest are dropped beyond this.
pub const MAX_JUMPS: usize = 100;
/// Offsets closer than this are the same place (a line or two of text):
/// jumping back to where one already is would look like a dead key.
pub const NEAR: usize = 80;

fn near(a: usize, b: usize) -> bool {
    a.abs_diff(b) < NEAR
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JumpList {
    entries: Vec<usize>,
    /// Where `back`/`forward` stand; `entries.len()` when at the live end
    /// (not travelling in the history).
    index: usize,
}

impl JumpList {
    pub fn new() -> JumpList {
        JumpList::default()
    }

    /// Records that a jump is leaving `from` (call it before moving).
    pub fn push(&mut self, from: usize) {
        // A new jump from inside the history forgets the entries ahead of
        // the current one (the current one is where `from` is, or near it).
        if self.index < self.entries.len() {
            self.entries.truncate(self.index + 1);
        }
        match self.entries.last_mut() {
            Some(last) if near(*last, from) => *last = from,
            _ => self.entries.push(from),
        }
        self.index = self.entries.len();
        self.trim();
    }

    /// Where `ctrl-o` goes from `current`, if anywhere.
    pub fn back(&mut self, current: usize) -> Option<usize> {
        let before = self.index;
        if self.index >= self.entries.len() {
            // Leaving the live end: remember it so `forward` can return.
            match self.entries.last_mut() {
                None => return None,
                Some(last) if near(*last, current) => *last = current,
                Some(_) => self.entries.push(current),
            }
            self.index = self.entries.len() - 1;
            self.trim();
        } else {
            // The reader may have scrolled since arriving here.
            self.entries[self.index] = current;
        }
        // Entries where the reader already is would make a dead key.
        let older = self.entries[..self.index]
            .iter()
            .rposition(|&e| !near(e, current));
        match older {
            Some(i) => {
                self.index = i;
                Some(self.entries[i])
            }
            None => {
                self.index = before.min(self.entries.len());
                None
            }
        }
    }

    /// Where `ctrl-i` goes from `current`, if anywhere.
    pub fn forward(&mut self, current: usize) -> Option<usize> {
        if self.index + 1 >= self.entries.len() {
            return None;
        }
        self.entries[self.index] = current;
        let newer = self.entries[self.index + 1..]
            .iter()
            .position(|&e| !near(e, current))?;
        self.index += 1 + newer;
        Some(self.entries[self.index])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops the oldest entries beyond [`MAX_JUMPS`].
    fn trim(&mut self) {
        if self.entries.len() > MAX_JUMPS {
            let extra = self.entries.len() - MAX_JUMPS;
            self.entries.drain(..extra);
            self.index = self.index.saturating_sub(extra);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_and_forward_retrace_the_jumps() {
        let mut j = JumpList::new();
        j.push(0); // top → search hit at 5000
        j.push(5000); // → outline entry at 20000
        assert_eq!(j.back(20_000), Some(5000));
        assert_eq!(j.back(5000), Some(0));
        assert_eq!(j.back(0), None, "nothing older");
        assert_eq!(j.forward(0), Some(5000));
        assert_eq!(
            j.forward(5000),
            Some(20_000),
            "back to where ctrl-o started"
        );
        assert_eq!(j.forward(20_000), None);
        assert_eq!(j.back(20_000), Some(5000), "and back again");
    }

    #[test]
    fn empty_list_goes_nowhere() {
        let mut j = JumpList::new();
        assert_eq!(j.back(100), None);
        assert_eq!(j.forward(100), None);
        assert!(j.is_empty());
    }

    #[test]
    fn near_equal_neighbours_are_one_entry() {
        let mut j = JumpList::new();
        j.push(1000);
        j.push(1010);
        j.push(1020);
        assert_eq!(j.len(), 1);
        j.push(9000);
        assert_eq!(j.len(), 2);
        assert_eq!(
            j.back(9005),
            Some(1020),
            "the reader is at the last entry: skip it"
        );
    }

    #[test]
    fn a_new_jump_from_the_history_drops_the_entries_ahead() {
        let mut j = JumpList::new();
        j.push(0);
        j.push(1000);
        j.push(2000);
        assert_eq!(j.back(3000), Some(2000));
        assert_eq!(j.back(2000), Some(1000));
        j.push(1000); // from 1000 (where back brought us) to 7000
        assert_eq!(j.forward(7000), None, "2000 and 3000 are gone");
        assert_eq!(j.back(7000), Some(1000));
        assert_eq!(j.back(1000), Some(0));
    }

    #[test]
    fn scrolling_after_going_back_is_remembered() {
        let mut j = JumpList::new();
        j.push(0);
        j.push(1000);
        assert_eq!(j.back(5000), Some(1000));
        // The reader scrolls from 1000 down to 1500, then goes on back.
        assert_eq!(j.back(1500), Some(0));
        assert_eq!(
            j.forward(0),
            Some(1500),
            "forward returns to where they left"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

        #[test]
        fn any_sequence_stays_bounded_and_back_can_be_undone(
            ops in proptest::collection::vec((0u8..3, 0usize..3000), 0..300)
        ) {
            let mut j = JumpList::new();
            for (op, at) in ops {
                match op {
                    0 => j.push(at),
                    1 => {
                        if let Some(to) = j.back(at) {
                            proptest::prop_assert!(!near(to, at));
                            let mut k = j.clone();
                            proptest::prop_assert!(k.forward(to).is_some(), "ctrl-i undoes ctrl-o");
                        }
                    }
                    _ => {
                        if let Some(to) = j.forward(at) {
                            proptest::prop_assert!(!near(to, at));
                        }
                    }
                }
                proptest::prop_assert!(j.len() <= MAX_JUMPS && j.index <= j.len());
            }
        }
    }

    #[test]
    fn the_list_is_bounded() {
        let mut j = JumpList::new();
        for i in 0..250 {
            j.push(i * 1000);
        }
        assert_eq!(j.len(), MAX_JUMPS);
        let mut last = None;
        let mut at = 1_000_000;
        while let Some(to) = j.back(at) {
            last = Some(to);
            at = to;
        }
        // 250 jumps plus the live end kept as an entry: the oldest 151 went.
        assert_eq!(last, Some(151 * 1000), "the oldest were dropped");
    }
}
