//! What a piece of text *is* — emphasis, code, a heading, a placeholder for
//! a control character — not how it looks. The text layer marks roles; the
//! theme (`ui::theme`) turns them into colours and attributes at draw time,
//! so text never depends on the view and every theme, `mono` included,
//! styles the same roles.

/// A set of roles, combined the way nested Markdown combines (a code span
/// in a heading inside a quote has all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Roles {
    bits: u16,
    /// Heading level 1–6; 0 when not a heading.
    heading: u8,
}

impl Roles {
    pub const NONE: Roles = Roles::bit(0);
    pub const EMPHASIS: Roles = Roles::bit(1);
    pub const STRONG: Roles = Roles::bit(1 << 1);
    pub const STRIKE: Roles = Roles::bit(1 << 2);
    pub const CODE: Roles = Roles::bit(1 << 3);
    pub const LINK: Roles = Roles::bit(1 << 4);
    pub const QUOTE: Roles = Roles::bit(1 << 5);
    /// Secondary text: inline HTML, footnote labels, ellipses.
    pub const MUTED: Roles = Roles::bit(1 << 6);
    /// List bullets and numbers.
    pub const MARKER: Roles = Roles::bit(1 << 7);
    /// Rules, table grid lines, quote bars.
    pub const RULE: Roles = Roles::bit(1 << 8);
    /// A visible stand-in for a control character or an invalid byte.
    pub const PLACEHOLDER: Roles = Roles::bit(1 << 9);

    const fn bit(bits: u16) -> Roles {
        Roles { bits, heading: 0 }
    }

    /// A heading of `level` (1 is the title).
    pub const fn heading(level: u8) -> Roles {
        Roles {
            bits: 0,
            heading: if level == 0 { 1 } else { level },
        }
    }

    /// These roles and `other`'s; `other`'s heading level wins.
    #[must_use]
    pub const fn patch(self, other: Roles) -> Roles {
        Roles {
            bits: self.bits | other.bits,
            heading: if other.heading > 0 {
                other.heading
            } else {
                self.heading
            },
        }
    }

    /// Whether every role of `other` is here (headings aside).
    pub const fn contains(self, other: Roles) -> bool {
        self.bits & other.bits == other.bits
    }

    /// The roles as two numbers, for a compact store (`text/packed.rs`).
    pub(crate) const fn to_parts(self) -> (u16, u8) {
        (self.bits, self.heading)
    }

    /// The roles [`Roles::to_parts`] gave.
    pub(crate) const fn from_parts(bits: u16, heading: u8) -> Roles {
        Roles { bits, heading }
    }

    pub const fn heading_level(self) -> Option<u8> {
        if self.heading > 0 {
            Some(self.heading)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_combine_and_the_inner_heading_wins() {
        let r = Roles::QUOTE
            .patch(Roles::heading(2))
            .patch(Roles::CODE)
            .patch(Roles::heading(3));
        assert!(r.contains(Roles::QUOTE) && r.contains(Roles::CODE));
        assert!(!r.contains(Roles::STRONG));
        assert_eq!(r.heading_level(), Some(3));
        assert_eq!(Roles::NONE.heading_level(), None);
        assert_eq!(Roles::NONE.patch(Roles::NONE), Roles::NONE);
    }
}
