//! A value that knows when it was last changed: a revision, taken from one
//! counter for the whole program, given anew whenever the value is
//! borrowed mutably. A pane drawn from a few such values is the same as
//! on the last frame when their revisions are (and the rest of what it
//! draws from is), with none of its rows looked at: the Library beside a
//! line read down was hashed entry by entry on every key (issue 12).
//!
//! A mutable borrow counts as a change whether or not anything changes:
//! a revision can only be too new (the pane drawn again, as it would be
//! anyway), never stale. Code that writes only when a value differs
//! compares through `Deref` first.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};

/// The revisions given so far. Shared by every tracked value, so two
/// values never share a revision, and one made anew (replaced whole)
/// never has the one its place had.
static LAST: AtomicU64 = AtomicU64::new(0);

fn next() -> u64 {
    LAST.fetch_add(1, Ordering::Relaxed) + 1
}

/// `T` with the revision of its last change ([`Tracked::rev`]).
#[derive(Debug)]
pub struct Tracked<T> {
    value: T,
    rev: u64,
}

impl<T> Tracked<T> {
    pub fn new(value: T) -> Tracked<T> {
        Tracked { value, rev: next() }
    }

    /// Changes with every mutable borrow of the value.
    pub fn rev(&self) -> u64 {
        self.rev
    }
}

impl<T: Default> Default for Tracked<T> {
    fn default() -> Tracked<T> {
        Tracked::new(T::default())
    }
}

impl<T: Clone> Clone for Tracked<T> {
    /// A copy is a value of its own: it may change apart from this one.
    fn clone(&self) -> Tracked<T> {
        Tracked::new(self.value.clone())
    }
}

impl<T> Deref for Tracked<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Tracked<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.rev = next();
        &mut self.value
    }
}

impl<T> From<T> for Tracked<T> {
    fn from(value: T) -> Tracked<T> {
        Tracked::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mutable_borrow_is_a_new_revision_and_reading_is_not() {
        let mut v = Tracked::new(vec![1, 2]);
        let first = v.rev();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1], 2);
        assert_eq!(v.rev(), first, "reading changes nothing");
        v.push(3);
        let pushed = v.rev();
        assert_ne!(pushed, first);
        v[0] = 1;
        assert_ne!(v.rev(), pushed, "a write of the same value still counts");
        let written = v.rev();
        assert!(v.get_mut(5).is_none());
        assert_ne!(v.rev(), written, "a mutable borrow counts, found or not");
        let other = Tracked::new(vec![1, 2, 3]);
        assert_ne!(other.rev(), v.rev(), "no two values share a revision");
        let copy = v.clone();
        assert_ne!(copy.rev(), v.rev());
        assert_eq!(*copy, *v);
    }
}
