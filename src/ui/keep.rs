//! Parts of the screen that are not drawn again because they show the
//! same thing as on the last frame (issue 12: cost that follows what
//! changed, not the size of the screen).
//!
//! A pane (or a reader row) describes what it is about to draw as a key:
//! a hash of the very text and styles it would put in its cells, and its
//! rectangle. (Or of what they are drawn from: the Library's key is the
//! revisions of the values it draws, [`crate::app::tracked`].) When the
//! last frame drew the same key in the same rectangle, [`Keep::same`]
//! says so and the pane draws nothing there: the screen
//! driver ([`crate::runtime::terminal::Screen`]) copies those cells from
//! what the terminal shows, and compares only the rest. A key must cover
//! everything drawn in its rectangle; [`crate::ui::tests`] checks frames
//! drawn this way against full ones over random actions.
//!
//! Where something is drawn over the panes whose place is known before
//! they are drawn (the note editor's box, a pane slid over the reader,
//! the help, the outline, the results of a search in every document),
//! the parts under it are not kept as parts ([`Keep::cover`]): the
//! screen shows the box there, and the parts are drawn again once it
//! goes. A part reaching under a box that stays where it was keeps what
//! lies beside the box when it shows what it showed ([`Keep::same`]). The
//! rest of the screen is kept as on any frame. Nothing is kept
//! while anything else is drawn over the panes (a dialog, the review, the
//! small note box of a narrow screen) ([`Keep::off`]), or after the
//! screen was cleared or resized ([`Keep::forget`]).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher as _, Hash, Hasher};

use ratatui::layout::Rect;

/// The parts of the last frames: where, their keys, and the frames they
/// were on. A map: a frame asks for a hundred parts and more (the
/// Reader's rows, the list items, the edges), each looked up in the last
/// frame's (a list's linear search was a tenth of a line key, perf). One
/// map for this frame and the last, each part hashed once (a set for
/// each hashed it twice: looked up in one, put in the other).
type Parts = HashMap<(Rect, u64), Seen, foldhash::fast::FixedState>;

/// The frames a part was on: the last one, and whether the one before.
#[derive(Debug, Clone, Copy)]
struct Seen {
    frame: u32,
    before: bool,
}

/// The keys of this frame and the last, and what this frame kept.
#[derive(Debug, Default)]
pub struct Keep {
    parts: Parts,
    /// This frame's number (the parts' [`Seen::frame`]).
    frame: u32,
    /// How many parts are on this frame so far.
    stamped: usize,
    kept: Vec<Rect>,
    on: bool,
    /// The rows of a text that moves a row at a time, on the last frame
    /// and on this one: the area and each row's key ([`Keep::scrolled`]).
    last_rows: Option<(Rect, Vec<u64>)>,
    now_rows: Option<(Rect, Vec<u64>)>,
    /// Those rows stayed where they were ([`Rows::Stayed`]): each is
    /// kept when its key is the one the last frame had on that row.
    stayed: bool,
    /// The parts inside each area drawn part by part
    /// ([`Keep::same_with_parts`]), stamped again when the area is kept
    /// whole. Finding them among all the parts was a tenth of a line key
    /// (the Notes pane kept whole beside the text's rows, callgrind).
    families: Vec<Family>,
    /// The rows left blank ([`Keep::blank_rows`]) on this frame and on the
    /// last, by the columns they span.
    blank: Vec<Blank>,
    last_blank: Vec<Blank>,
    /// This frame moves the rows of the area by so many rows (up when
    /// positive), and keeps these rectangles as the rows moved show them.
    moved: Option<(Rect, i32)>,
    kept_moved: Vec<Rect>,
    /// What this frame draws over the panes ([`Keep::cover`]), and the
    /// key of that list as it stands.
    cover: Vec<Rect>,
    cover_key: u64,
    /// The parts reaching under what was drawn over them, on this frame
    /// and the last: each with its key and the cover's key when it was
    /// asked for ([`Keep::same_beside`]).
    under: Beside,
    last_under: Beside,
}

/// Parts reaching under a cover: (place, key, the cover's key).
type Beside = std::collections::HashSet<(Rect, u64, u64), foldhash::fast::FixedState>;

/// An area drawn part by part, and its parts ([`Keep::same_with_parts`]).
#[derive(Debug)]
struct Family {
    area: Rect,
    /// The last frame that drew it or kept it whole.
    frame: u32,
    /// This frame draws it: the parts stamped inside it join.
    open: bool,
    parts: Vec<(Rect, u64)>,
}

/// Rows of the screen left blank in the columns `x..x + width`: a bit a
/// row. A pane's blank rows under its last item were a part each, hashed
/// and looked up (the Library's thirty-odd on every frame it was drawn:
/// 4.6 K instructions of a line key, callgrind).
#[derive(Debug)]
struct Blank {
    x: u16,
    width: u16,
    rows: Vec<u64>,
}

impl Blank {
    fn has(&self, y: u16) -> bool {
        let y = usize::from(y);
        self.rows
            .get(y / 64)
            .is_some_and(|w| w & (1 << (y % 64)) != 0)
    }

    fn set(&mut self, y: u16) {
        let y = usize::from(y);
        if self.rows.len() <= y / 64 {
            self.rows.resize(y / 64 + 1, 0);
        }
        self.rows[y / 64] |= 1 << (y % 64);
    }
}

/// The rows of `sets` in the columns `x..x + width`, made if there are
/// none yet.
fn blank_set(sets: &mut Vec<Blank>, x: u16, width: u16) -> &mut Blank {
    let i = match sets.iter().position(|b| (b.x, b.width) == (x, width)) {
        Some(i) => i,
        None => {
            sets.push(Blank {
                x,
                width,
                rows: Vec::new(),
            });
            sets.len() - 1
        }
    };
    &mut sets[i]
}

/// What [`Keep::scrolled`] found of a text's rows against the last
/// frame's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// Nothing to compare with (the first frame, the screen cleared or
    /// resized, the text's area changed, nothing kept this frame).
    Unknown,
    /// Most rows show what they showed where they were, or no move pays.
    Stayed,
    /// Moved by so many rows (up when positive).
    Moved(i32),
}

impl Keep {
    /// Keeps nothing: every part is drawn (a frame drawn on its own).
    pub fn none() -> Keep {
        Keep::default()
    }

    /// A new frame on the screen the last one left: parts may be kept.
    pub fn begin(&mut self) {
        let last = self.frame;
        self.frame = last.wrapping_add(1);
        // The parts of older frames go once they are about as many as the
        // last frame's: a long list scrolled through brings new parts on
        // every frame.
        if self.parts.len() > 2 * self.stamped + 64 {
            self.parts.retain(|_, seen| seen.frame == last);
        }
        self.stamped = 0;
        self.kept.clear();
        // The areas of the last frame, whole (their parts stamped then).
        self.families.retain_mut(|f| {
            f.open = false;
            f.frame == last
        });
        self.last_rows = self.now_rows.take();
        self.stayed = false;
        // This frame's blank rows, in the last frame's sets emptied.
        std::mem::swap(&mut self.blank, &mut self.last_blank);
        for b in &mut self.blank {
            b.rows.fill(0);
        }
        self.moved = None;
        self.kept_moved.clear();
        self.cover.clear();
        self.cover_key = 0;
        std::mem::swap(&mut self.under, &mut self.last_under);
        self.under.clear();
        self.on = true;
    }

    /// This frame draws over `area` once the parts under it are drawn
    /// (the note editor's box, a pane over the reader): a part that
    /// reaches into it is not kept and not remembered as shown (the
    /// screen shows the box there), so it is drawn again on the frames
    /// after, until the box goes. Typing a note drew and compared the
    /// whole screen on every letter (callgrind: 720 K instructions, seven
    /// line keys). Parts drawn once [`Keep::uncover`] is called are on top
    /// of it and kept as any.
    pub fn cover(&mut self, area: Rect) {
        if !area.is_empty() {
            self.cover.push(area);
            self.cover_key = key(&self.cover);
        }
    }

    /// What is drawn from now on lies over what [`Keep::cover`] covers.
    pub fn uncover(&mut self) {
        self.cover.clear();
        self.cover_key = 0;
    }

    /// Whether `area` reaches under what this frame draws over the panes.
    pub fn covered(&self, area: Rect) -> bool {
        self.cover.iter().any(|c| c.intersects(area))
    }

    /// Whether `area` lies wholly under what this frame draws over the
    /// panes: nothing drawn there would show.
    pub fn hidden(&self, area: Rect) -> bool {
        self.cover.iter().any(|c| inside(area, *c))
    }

    /// The screen no longer shows the last frame (cleared, resized): no
    /// part of it can be kept.
    pub fn forget(&mut self) {
        self.stayed = false;
        self.parts.clear();
        self.families.clear();
        self.blank.clear();
        self.last_blank.clear();
        self.kept.clear();
        self.last_rows = None;
        self.now_rows = None;
        self.moved = None;
        self.kept_moved.clear();
        self.under.clear();
        self.last_under.clear();
    }

    /// This frame draws over the panes: nothing is kept, and nothing it
    /// draws is remembered for the next one.
    pub fn off(&mut self) {
        self.on = false;
        self.stayed = false;
        // Nothing of this frame is kept, so the next has no last frame's
        // parts (nothing looks at the last ones while it is off).
        self.parts.clear();
        self.families.clear();
        self.blank.clear();
        self.last_blank.clear();
        self.kept.clear();
        self.now_rows = None;
        self.moved = None;
        self.kept_moved.clear();
        self.under.clear();
        self.last_under.clear();
    }

    /// The rows of `area`, a text that moves a row at a time (the
    /// reader's), are about to show what `keys` describe, one key a row
    /// from the top (what is drawn on it, not where). When the last frame
    /// showed most of them a few rows further down (or up), this frame
    /// moves the rows: the screen scrolls them on the terminal first
    /// ([`Keep::moved`]), and each row that shows what it showed is kept
    /// there ([`Keep::row`]). A line scrolled drew every row of the text
    /// again and compared every cell of the screen (issue 12). Says
    /// whether the rows moved, and by how many rows (up when positive), or
    /// that there is no last frame's rows to tell.
    pub fn scrolled(&mut self, area: Rect, keys: &[u64]) -> Rows {
        if !self.on || area.is_empty() {
            return Rows::Unknown;
        }
        if self.covered(area) {
            // Some rows show the box over them: not what the next frame
            // can compare with. Each row is kept where it is or drawn.
            self.now_rows = None;
            return Rows::Unknown;
        }
        self.now_rows = Some((area, keys.to_vec()));
        let Some((last_area, last)) = self.last_rows.as_ref() else {
            return Rows::Unknown;
        };
        let h = keys.len();
        if *last_area != area || last.len() != h || h < 4 {
            return Rows::Unknown;
        }
        // Rows that show another thing than they showed.
        let differ = |by: isize| {
            (0..h)
                .filter(|&y| {
                    y.checked_add_signed(by)
                        .and_then(|from| last.get(from))
                        .is_some_and(|k| *k != keys[y])
                })
                .count()
        };
        // Most rows the same where they are: nothing moved.
        if differ(0) <= h / 4 {
            self.stayed = true;
            return Rows::Stayed;
        }
        for d in 1..=h / 2 {
            for by in [d as isize, -(d as isize)] {
                if differ(by) <= (h - d) / 4
                    && let Ok(by) = i32::try_from(by)
                {
                    self.moved = Some((area, by));
                    return Rows::Moved(by);
                }
            }
        }
        self.stayed = true;
        Rows::Stayed
    }

    /// [`Keep::same`] for row `i` of the area given to [`Keep::scrolled`],
    /// at `rect`, about to show what `key` describes: when the rows move,
    /// it is kept if the row it moves from showed the same.
    ///
    /// When the rows stayed, a row is compared with the last frame's row
    /// where it is, by the keys [`Keep::scrolled`] was given, and not
    /// looked up among all the parts (each of forty rows hashed and
    /// looked up on every key; a part kept so is in no map, and a frame
    /// after this one that cannot tell its rows by their keys draws it).
    pub fn row(&mut self, i: usize, rect: Rect, key: u64) -> bool {
        if self.stayed {
            let same = self
                .last_rows
                .as_ref()
                .and_then(|(_, last)| last.get(i))
                .is_some_and(|k| *k == key);
            if same {
                self.keep_area(rect);
            }
            return same;
        }
        let Some((_, by)) = self.moved else {
            return self.same(rect, key);
        };
        self.stamp((rect, key));
        let from = i.checked_add_signed(by as isize);
        let same = self
            .last_rows
            .as_ref()
            .and_then(|(_, last)| last.get(from?))
            .is_some_and(|k| *k == key);
        if same {
            add_below(&mut self.kept_moved, rect);
        }
        same
    }

    /// The area whose rows this frame moves, and by how many (up when
    /// positive), if it does ([`Keep::scrolled`]).
    pub fn moved(&self) -> Option<(Rect, i32)> {
        self.moved
    }

    /// The rectangles kept as the rows moved show them.
    pub fn kept_moved(&self) -> &[Rect] {
        &self.kept_moved
    }

    /// Whether `area`, about to show what `key` describes, shows it
    /// already: then it is not drawn (its cells are copied from the
    /// screen). Either way the key is remembered for the next frame.
    pub fn same(&mut self, area: Rect, key: u64) -> bool {
        if !self.on || area.is_empty() {
            return false;
        }
        if self.covered(area) {
            return self.same_beside(area, key);
        }
        let was = self.stamp((area, key));
        // On rows that move, a part shows what it showed if the row it
        // moves from showed it (a blank row under a pane's last item).
        // Kept so, it is neither drawn nor compared.
        if let Some((band, by)) = self.moved
            && area.y >= band.y
            && area.bottom() <= band.bottom()
        {
            let from = i32::from(area.y) + by;
            let from = Rect {
                y: u16::try_from(from).unwrap_or(u16::MAX),
                ..area
            };
            if from.y >= band.y && from.bottom() <= band.bottom() && self.on_last(&(from, key)) {
                add_below(&mut self.kept_moved, area);
                return true;
            }
            // Else kept where it is, if it was there: the screen takes its
            // cells before the rows move.
        }
        if was {
            self.keep_area(area);
        }
        was
    }

    /// [`Keep::same`] for a part reaching under what this frame draws
    /// over the panes: what lies beside the box is kept when the last
    /// frame had the same part under the same box (so it showed it there,
    /// drawn or kept). A line of the help scrolled drew the Library and
    /// Notes panes again whole, their rows reaching under its box (a fifth
    /// of the line, callgrind); each letter typed in a note's box drew
    /// the reader pane's edges beside it (6 % of the letter). Not
    /// remembered as a part: once the box goes, the part is drawn again
    /// whole.
    fn same_beside(&mut self, area: Rect, key: u64) -> bool {
        let part = (area, key, self.cover_key);
        let was = self.last_under.contains(&part);
        self.under.insert(part);
        // On rows that move, the terminal moves what is beside the box.
        let moving = self.moved.is_some_and(|(band, _)| band.intersects(area));
        if !was || moving {
            return false;
        }
        let mut beside = vec![area];
        for hole in &self.cover {
            beside = beside.into_iter().flat_map(|r| outside(r, *hole)).collect();
        }
        for r in beside {
            self.keep_area(r);
        }
        true
    }

    /// `part` is on this frame. Whether it was on the last.
    fn stamp(&mut self, part: (Rect, u64)) -> bool {
        let frame = self.frame;
        for f in self.families.iter_mut().filter(|f| f.open) {
            if part.0 != f.area && inside(part.0, f.area) {
                f.parts.push(part);
            }
        }
        match self.parts.entry(part) {
            Entry::Occupied(mut o) => {
                let seen = o.get_mut();
                if seen.frame != frame {
                    seen.before = seen.frame == frame.wrapping_sub(1);
                    seen.frame = frame;
                    self.stamped += 1;
                }
                seen.before
            }
            Entry::Vacant(v) => {
                v.insert(Seen {
                    frame,
                    before: false,
                });
                self.stamped += 1;
                false
            }
        }
    }

    /// Whether a part so seen was on the last frame.
    fn was_last(&self, seen: Seen) -> bool {
        if seen.frame == self.frame {
            seen.before
        } else {
            seen.frame == self.frame.wrapping_sub(1)
        }
    }

    /// Whether `part` was on the last frame.
    fn on_last(&self, part: &(Rect, u64)) -> bool {
        self.parts.get(part).is_some_and(|s| self.was_last(*s))
    }

    /// Adds `area` to the rectangles kept, as part of the last one when it
    /// lies right under it, as wide: a pane's rows kept one by one make one
    /// rectangle (the screen works out the kept columns of each row from
    /// them on every frame).
    fn keep_area(&mut self, area: Rect) {
        add_below(&mut self.kept, area);
    }

    /// [`Keep::same`] for an area whose parts have keys of their own (a
    /// list pane and its items): kept whole, its parts are remembered as
    /// well, so the next frame may keep them when the area as a whole
    /// changes (a pane kept on one key and changed on the next).
    pub fn same_with_parts(&mut self, area: Rect, key: u64) -> bool {
        if self.covered(area) {
            // Its parts are not remembered: drawn whole once the box goes.
            if self.on && self.same_beside(area, key) {
                return true;
            }
            self.gather(area);
            return false;
        }
        // A pane on rows that move is drawn part by part: each may show
        // what the row it moves from showed.
        if let Some((band, _)) = self.moved
            && area.y < band.bottom()
            && area.bottom() > band.y
        {
            self.stamp((area, key));
            self.gather(area);
            return false;
        }
        if !self.same(area, key) {
            self.gather(area);
            return false;
        }
        let frame = self.frame;
        // Stamping adds parts to families, never a family: `at` stays.
        let at = self.families.iter().position(|f| f.area == area);
        let parts = match at {
            Some(i) => std::mem::take(&mut self.families[i].parts),
            // Kept whole with no family (not seen: a frame draws or
            // keeps each such area): the parts inside it on the last frame.
            None => self
                .parts
                .iter()
                .filter(|&(&(r, _), seen)| r != area && inside(r, area) && self.was_last(*seen))
                .map(|(part, _)| *part)
                .collect(),
        };
        for &part in &parts {
            self.stamp(part);
        }
        // The areas inside it are kept whole with it, and its blank rows.
        for f in self.families.iter_mut().filter(|f| inside(f.area, area)) {
            f.frame = frame;
        }
        let (last_blank, blank) = (&self.last_blank, &mut self.blank);
        for b in last_blank
            .iter()
            .filter(|b| b.x >= area.x && b.x.saturating_add(b.width) <= area.right())
        {
            let now = blank_set(blank, b.x, b.width);
            for y in (area.top()..area.bottom()).filter(|&y| b.has(y)) {
                now.set(y);
            }
        }
        match at {
            Some(i) => self.families[i].parts = parts,
            None => self.families.push(Family {
                area,
                frame,
                open: false,
                parts,
            }),
        }
        true
    }

    /// `area` is drawn part by part on this frame: the parts stamped
    /// inside it from now on are its family.
    fn gather(&mut self, area: Rect) {
        if !self.on {
            return;
        }
        let frame = self.frame;
        match self.families.iter_mut().find(|f| f.area == area) {
            // Its list of parts used again, not grown anew each frame.
            Some(f) => {
                f.parts.clear();
                f.frame = frame;
                f.open = true;
            }
            None => self.families.push(Family {
                area,
                frame,
                open: true,
                parts: Vec::new(),
            }),
        }
    }

    /// The rows of `area` are left blank (nothing drawn on them, the
    /// frame's cells as a new buffer's): each is kept where the last frame
    /// left it blank in the same columns (or, on rows that move, the row
    /// it moves from), as [`Keep::same`] keeps a part.
    pub fn blank_rows(&mut self, area: Rect) {
        if !self.on || area.is_empty() {
            return;
        }
        let row = |y| Rect::new(area.x, y, area.width, 1);
        let now = blank_set(&mut self.blank, area.x, area.width);
        for y in area.top()..area.bottom() {
            // A row under the box shows the box, not a blank row.
            if !self.cover.iter().any(|c| c.intersects(row(y))) {
                now.set(y);
            }
        }
        let Some(last) = self
            .last_blank
            .iter()
            .find(|b| (b.x, b.width) == (area.x, area.width))
        else {
            return;
        };
        for y in area.top()..area.bottom() {
            let row = row(y);
            if self.covered(row) {
                continue;
            }
            if let Some((band, by)) = self.moved
                && (band.y..band.bottom()).contains(&y)
            {
                let from = i32::from(y) + by;
                if (i32::from(band.y)..i32::from(band.bottom())).contains(&from)
                    && u16::try_from(from).is_ok_and(|f| last.has(f))
                {
                    add_below(&mut self.kept_moved, row);
                    continue;
                }
            }
            if last.has(y) {
                add_below(&mut self.kept, row);
            }
        }
    }

    /// The rectangles this frame did not draw (rows kept one under the
    /// other are one rectangle).
    pub fn kept(&self) -> &[Rect] {
        &self.kept
    }
}

/// Whether `part` lies inside `area`.
fn inside(part: Rect, area: Rect) -> bool {
    part.x >= area.x
        && part.y >= area.y
        && part.right() <= area.right()
        && part.bottom() <= area.bottom()
}

/// The parts of `r` outside `hole`: up to four rectangles (the rows
/// above and below it, whole; beside it, left and right).
fn outside(r: Rect, hole: Rect) -> impl Iterator<Item = Rect> {
    let i = r.intersection(hole);
    let parts = if i.is_empty() {
        [r, Rect::ZERO, Rect::ZERO, Rect::ZERO]
    } else {
        [
            Rect::new(r.x, r.y, r.width, i.y - r.y),
            Rect::new(r.x, i.bottom(), r.width, r.bottom() - i.bottom()),
            Rect::new(r.x, i.y, i.x - r.x, i.height),
            Rect::new(i.right(), i.y, r.right() - i.right(), i.height),
        ]
    };
    parts.into_iter().filter(|p| !p.is_empty())
}

/// Adds `area` to `rects`, as part of the last one when it lies right
/// under it, as wide.
fn add_below(rects: &mut Vec<Rect>, area: Rect) {
    if let Some(last) = rects.last_mut()
        && (last.x, last.width, last.bottom()) == (area.x, area.width, area.y)
    {
        last.height += area.height;
        return;
    }
    rects.push(area);
}

/// The key of what `parts` describe (a pane's text, styles and place).
pub fn key(parts: impl Hash) -> u64 {
    let mut h = hasher();
    parts.hash(&mut h);
    h.finish()
}

/// The hasher of keys: foldhash's, fixed (the same text, the same key in
/// every frame). A key is a hash of a row's or a pane's every symbol and
/// style, worked out on every frame for all of them, kept or not: std's
/// SipHash of the Reader's rows was a tenth of a line key's time (perf).
/// Its 64 bits are as safe from a chance collision as SipHash's, and no
/// key was ever secret (std's `DefaultHasher::new` is unkeyed too).
pub fn hasher() -> impl Hasher {
    foldhash::quality::FixedState::with_seed(0x6d61_7267_696e_6f74).build_hasher()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blank rows are kept where the last frame left them blank in the
    /// same columns, and only there.
    #[test]
    fn blank_rows_are_kept_where_they_were_blank_in_the_same_columns() {
        let rows = |y0: u16, y1: u16| Rect::new(2, y0, 10, y1 - y0);
        let mut k = Keep::none();
        k.begin();
        k.blank_rows(rows(3, 8));
        assert!(k.kept().is_empty(), "nothing was drawn before");
        k.begin();
        k.blank_rows(rows(3, 8));
        assert_eq!(k.kept(), &[rows(3, 8)], "one rectangle for the rows");
        k.begin();
        k.blank_rows(rows(5, 8));
        assert_eq!(k.kept(), &[rows(5, 8)]);
        k.begin();
        k.blank_rows(rows(2, 8));
        assert_eq!(k.kept(), &[rows(5, 8)], "rows 2 to 4 were not blank");
        k.begin();
        k.blank_rows(Rect::new(2, 2, 9, 6));
        k.blank_rows(Rect::new(3, 2, 10, 6));
        assert!(k.kept().is_empty(), "other columns");
        k.begin();
        k.blank_rows(Rect::new(3, 2, 10, 6));
        k.off();
        k.blank_rows(Rect::new(3, 2, 10, 6));
        assert!(k.kept().is_empty(), "off");
        k.begin();
        k.blank_rows(Rect::new(3, 2, 10, 6));
        assert!(
            k.kept().is_empty(),
            "a frame that was off remembers nothing"
        );
        k.begin();
        k.forget();
        k.begin();
        k.blank_rows(Rect::new(3, 2, 10, 6));
        assert!(k.kept().is_empty(), "forgotten");
    }

    /// A pane kept whole for frames on end still has its rows, the entry
    /// in full drawn inside it and that entry's own rows, when it changes
    /// again: each is kept where it shows the same, the rest drawn.
    #[test]
    fn a_pane_kept_whole_keeps_its_parts_for_when_it_changes() {
        let pane = Rect::new(0, 0, 20, 10);
        let rows = [Rect::new(1, 1, 18, 1), Rect::new(1, 2, 18, 1)];
        let entry = Rect::new(1, 5, 18, 4);
        let entry_rows = [Rect::new(1, 5, 18, 1), Rect::new(1, 6, 18, 1)];
        let beside = Rect::new(20, 0, 10, 1);
        let tail = Rect::new(1, 3, 18, 2);
        let mut k = Keep::none();
        // Drawn part by part: the pane, then its rows, the entry and the
        // entry's rows; a part beside the pane.
        let draw = |k: &mut Keep, pane_key: u64, row_key: u64| {
            if k.same_with_parts(pane, pane_key) {
                return None;
            }
            let rows_kept = rows.map(|r| k.same(r, row_key));
            k.blank_rows(tail);
            let mut entry_kept = None;
            if !k.same_with_parts(entry, 7) {
                entry_kept = Some(entry_rows.map(|r| k.same(r, 8)));
            }
            Some((rows_kept, entry_kept))
        };
        k.begin();
        assert_eq!(draw(&mut k, 1, 5), Some(([false; 2], Some([false; 2]))));
        k.same(beside, 9);
        for _ in 0..3 {
            k.begin();
            assert_eq!(draw(&mut k, 1, 5), None, "kept whole");
            assert!(k.same(beside, 9));
            assert_eq!(k.kept(), &[pane, beside]);
        }
        k.begin();
        // The pane changed (its title, say): its rows, its blank rows and
        // its entry are what the screen shows.
        assert_eq!(draw(&mut k, 2, 5), Some(([true; 2], None)));
        // The rows, the tail and the entry, one under the other.
        assert_eq!(k.kept(), &[Rect::new(1, 1, 18, 8)]);
        k.begin();
        assert_eq!(draw(&mut k, 2, 5), None);
        k.begin();
        assert_eq!(draw(&mut k, 3, 6), Some(([false; 2], None)), "new rows");
        // Parts of earlier frames do not pile up.
        for _ in 0..50 {
            k.begin();
            draw(&mut k, 3, 6);
            k.same(beside, 9);
        }
        assert!(k.parts.len() <= 2 * k.stamped + 64, "{}", k.parts.len());
        // The pane's family (its rows, the entry and the entry's rows)
        // and the entry's, whole after frames of the pane kept whole.
        let mut sizes: Vec<usize> = k.families.iter().map(|f| f.parts.len()).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, [2, 5], "{:?}", k.families);
    }

    #[test]
    fn a_part_is_kept_only_when_the_last_frame_drew_the_same_key_there() {
        let a = Rect::new(0, 0, 10, 2);
        let b = Rect::new(0, 2, 10, 2);
        let mut k = Keep::none();
        k.begin();
        assert!(!k.same(a, 1), "nothing was drawn before");
        assert!(!k.same(b, 2));
        k.begin();
        assert!(k.same(a, 1));
        assert!(!k.same(b, 3), "another key");
        assert_eq!(k.kept(), &[a]);
        k.begin();
        assert!(!k.same(a, 3) && k.same(b, 3) && !k.same(Rect::new(1, 0, 10, 2), 1));
        k.off();
        assert!(!k.same(b, 3), "off: nothing kept");
        k.begin();
        assert!(!k.same(b, 3), "a frame that was off remembers nothing");
        k.begin();
        k.forget();
        k.begin();
        assert!(!k.same(b, 3), "forgotten");
    }

    /// Rows kept one under the other, as wide, are one rectangle; a row
    /// elsewhere (another column, a gap) starts another.
    #[test]
    fn rows_kept_one_under_the_other_are_one_rectangle() {
        let row = |x, y, w| Rect::new(x, y, w, 1);
        let rows = [
            row(1, 3, 28),
            row(1, 4, 28),
            row(1, 5, 28),
            row(31, 3, 57),
            row(31, 5, 57),
        ];
        let mut k = Keep::none();
        k.begin();
        for r in rows {
            k.same(r, 9);
        }
        k.begin();
        for r in rows {
            assert!(k.same(r, 9));
        }
        assert_eq!(
            k.kept(),
            &[Rect::new(1, 3, 28, 3), row(31, 3, 57), row(31, 5, 57)]
        );
    }

    /// The rows of a text shown a row further up than on the last frame
    /// move: each row that shows what the row below it showed is kept as
    /// moved, the new last row is not; rows the same where they were do
    /// not move; nothing moves after the screen was cleared.
    #[test]
    fn rows_that_moved_up_a_row_are_kept_as_moved() {
        let area = Rect::new(30, 1, 60, 8);
        let row = |i: u16| Rect::new(30, 1 + i, 60, 1);
        let before: Vec<u64> = (10..18).collect();
        let mut k = Keep::none();
        k.begin();
        assert_eq!(k.scrolled(area, &before), Rows::Unknown, "nothing before");
        k.begin();
        assert_eq!(
            k.scrolled(area, &before),
            Rows::Stayed,
            "the same rows: no move"
        );
        let mut after: Vec<u64> = (11..19).collect();
        // The cursor's row changed as well.
        after[3] = 99;
        k.begin();
        assert_eq!(k.scrolled(area, &after), Rows::Moved(1));
        assert_eq!(k.moved(), Some((area, 1)));
        let kept: Vec<bool> = (0..8).map(|i| k.row(i, row(i as u16), after[i])).collect();
        assert_eq!(kept, [true, true, true, false, true, true, true, false]);
        assert_eq!(
            k.kept_moved(),
            &[Rect::new(30, 1, 60, 3), Rect::new(30, 5, 60, 3)]
        );
        assert!(k.kept().is_empty(), "nothing kept in place");
        k.begin();
        let back: Vec<u64> = (10..18).collect();
        assert_eq!(k.scrolled(area, &back), Rows::Moved(-1), "down a row");
        k.forget();
        k.begin();
        assert_eq!(
            k.scrolled(area, &after),
            Rows::Unknown,
            "cleared: nothing to move"
        );
    }

    /// Only the last frame's parts are kept, however many there were and
    /// however many frames came before: a part two frames back is drawn
    /// again, and the parts held stay about as many as a frame's while new
    /// ones keep coming.
    #[test]
    fn only_the_last_frames_parts_are_kept_and_the_parts_held_stay_bounded() {
        let rect = |i: u64| Rect::new((i % 200) as u16, (i / 200) as u16, 1, 1);
        let many = 1500;
        let frame = |k: &mut Keep, from: u64| -> usize {
            k.begin();
            (from..from + many).filter(|&i| k.same(rect(i), i)).count()
        };
        let mut k = Keep::none();
        assert_eq!(frame(&mut k, 0), 0, "nothing before");
        assert_eq!(frame(&mut k, 0) as u64, many, "the same parts again");
        assert_eq!(frame(&mut k, many), 0, "other parts");
        assert_eq!(frame(&mut k, 0), 0, "two frames back: drawn again");
        for round in 0..20 {
            frame(&mut k, (round + 2) * many);
        }
        assert!(
            k.parts.len() <= 2 * many as usize,
            "{} parts held",
            k.parts.len()
        );
        // A part on this frame twice still says what the last frame had.
        k.begin();
        let last = 21 * many;
        assert!(k.same(rect(last), last));
        assert!(k.same(rect(last), last), "asked again on the same frame");
    }
}
