//! Keys → [`Action`]s. Owns the key notation (`ctrl-d`, `G`, `shift-tab`),
//! the per-[`Context`] bindings, loading `keymap.toml` (the shipped defaults
//! and a user's file go through the same code), and the help rows and status
//! hints, which are read from the live map so they cannot drift from it.
//!
//! Only this module sees crossterm [`KeyEvent`]s. A bad keymap never stops
//! the app or locks the user in (RELIABILITY I5): every problem is reported
//! with its file and line, the previous keys are kept, and `quit` and `help`
//! always keep a key. Problem messages are built from our own words plus at
//! most a short, escaped quote of user input, never from toml's `Display`,
//! which echoes the offending line raw (RELIABILITY T1).

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::ops::Range;
use std::path::Path;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::input::action::{Action, Context, MouseKind, TextEdit};

mod key;

#[cfg(test)]
pub(crate) use key::is_unprintable;

pub use key::Key;

/// The shipped keymap, compiled in.
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymap.toml");

/// Bindings a file may change but not remove (RELIABILITY I5): without them
/// there is no way out of the app, of a prompt (where unbound keys are typed
/// as text) or of the help overlay.
const ESSENTIAL: &[(Context, Action)] = &[
    (Context::Global, Action::Quit),
    (Context::Global, Action::Help),
    (Context::Prompt, Action::Cancel),
    (Context::Editor, Action::Cancel),
    (Context::Editor, Action::Save),
    (Context::Help, Action::Cancel),
];

/// Longest message handed to the UI, in characters.
const MAX_MESSAGE: usize = 200;
/// Most characters of user input quoted in a message.
const MAX_QUOTE: usize = 40;
/// Problems reported per file; a garbled file should not flood the screen.
/// One more, with the kind of the last one shown, counts those left out.
const MAX_PROBLEMS: usize = 20;
/// A keymap is a few kilobytes; anything this big is not one.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// What a file said (or failed to say) that the user should hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file exists but could not be read, or is not UTF-8 text.
    Unreadable,
    /// Not valid TOML: nothing in the file was used.
    InvalidToml,
    UnknownContext,
    UnknownAction,
    /// A key notation that does not parse.
    BadKey,
    /// A value that is neither a key string nor an array of them.
    WrongType,
    /// One key given to two actions of one context.
    Conflict,
    /// `quit`/`help` (or a way out of a prompt/help) would have no key.
    Essential,
}

/// One reported problem. `message` is complete (`keymap.toml line 12: …`),
/// free of control characters and at most 200 characters long.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeymapProblem {
    pub kind: ProblemKind,
    /// The source name as given, escaped and shortened.
    pub file: String,
    /// 1-based, when known.
    pub line: Option<usize>,
    /// 1-based, in characters, when known.
    pub column: Option<usize>,
    pub message: String,
}

/// One line of the help overlay, generated from the live keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub context: Context,
    pub action: Action,
    /// The keys as printed in the notation, in binding order.
    pub keys: Vec<String>,
    pub description: &'static str,
}

/// Bindings per context, plus the reverse map used on every key press.
///
/// Invariant: within one context a key belongs to at most one action.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Context, BTreeMap<Action, Vec<Key>>>,
    reverse: HashMap<(Context, Key), Action>,
}

impl Keymap {
    /// The shipped bindings, parsed by the same code as a user's file. A
    /// unit test keeps that file free of problems, so none are returned.
    pub fn defaults() -> Keymap {
        let mut keymap = Keymap {
            bindings: BTreeMap::new(),
            reverse: HashMap::new(),
        };
        let _ = keymap.merge_str("built-in keymap.toml", DEFAULT_KEYMAP);
        keymap
    }

    /// Reads a user keymap and merges it (see [`Keymap::merge_str`]). A
    /// missing file is no problem; an unreadable one is reported and ignored.
    pub fn merge_file(&mut self, path: &Path) -> Vec<KeymapProblem> {
        let name = path.display().to_string();
        match read_text(path) {
            Ok(None) => Vec::new(),
            Ok(Some(text)) => self.merge_str(&name, &text),
            Err((valid_prefix, why)) => {
                let text = valid_prefix.as_deref().unwrap_or_default();
                let mut reporter = Reporter::new(&name, text);
                let span = valid_prefix.as_ref().map(|t| t.len()..t.len());
                reporter.report(ProblemKind::Unreadable, span, why);
                reporter.problems
            }
        }
    }

    /// Merges a keymap file's text over the current bindings, per action: an
    /// action named in a context gets exactly the keys given (`[]` unbinds);
    /// every other action keeps its keys. Bad entries are reported and leave
    /// the action's keys as they were; nothing here fails.
    ///
    /// A key wanted by two actions of one context stays with the action that
    /// already had it and that this file leaves alone, else with the one
    /// written first; the other loses that key. If that (or `[]`) would leave
    /// `quit` or `help` in `[global]`, or `cancel` in `[prompt]` or `[help]`,
    /// with no key, it keeps its previous keys, which win over any claim
    /// from this file.
    pub fn merge_str(&mut self, source_name: &str, text: &str) -> Vec<KeymapProblem> {
        let mut reporter = Reporter::new(source_name, text);
        let entries = read_entries(text, &mut reporter);
        for &context in Context::ALL {
            let ours: Vec<&Entry> = entries.iter().filter(|e| e.context == context).collect();
            if ours.is_empty() {
                continue;
            }
            let before = self.bindings.remove(&context).unwrap_or_default();
            let after = settle(context, &before, &ours, &mut reporter);
            self.bindings.insert(context, after);
        }
        self.reverse = self
            .bindings
            .iter()
            .flat_map(|(&context, actions)| {
                actions.iter().flat_map(move |(&action, keys)| {
                    keys.iter().map(move |&key| ((context, key), action))
                })
            })
            .collect();
        reporter.finish()
    }

    /// The action for a key press, trying `contexts` in order (most specific
    /// first, e.g. `[Reader, Global]`). Releases never match, so a terminal
    /// that reports them does not fire every action twice.
    pub fn lookup(&self, contexts: &[Context], event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from_event(event);
        contexts
            .iter()
            .find_map(|&context| self.reverse.get(&(context, key)).copied())
    }

    /// The keys bound to `action` in `context` itself (no fallback).
    pub fn keys_for(&self, context: Context, action: Action) -> &[Key] {
        self.bindings
            .get(&context)
            .and_then(|actions| actions.get(&action))
            .map_or(&[], Vec::as_slice)
    }

    /// The first key that triggers `action` from `context`, printed, for the
    /// status line: bound in `context`, else a [`Context::Global`] key that
    /// `context` does not shadow (none for [`Context::Prompt`], which the app
    /// asks alone). `"(unbound)"` if there is none.
    pub fn hint(&self, context: Context, action: Action) -> String {
        let global = match context {
            Context::Prompt | Context::Editor => &[],
            _ => self.keys_for(Context::Global, action),
        };
        let global = global
            .iter()
            .filter(|&&key| !self.reverse.contains_key(&(context, key)));
        self.keys_for(context, action)
            .iter()
            .chain(global)
            .next()
            .map_or_else(|| "(unbound)".to_owned(), Key::to_string)
    }

    /// Every bound action per context, in [`Context::ALL`] then
    /// [`Action::ALL`] order.
    pub fn help_rows(&self) -> Vec<HelpRow> {
        let mut rows = Vec::new();
        for &context in Context::ALL {
            for &action in Action::ALL {
                let keys = self.keys_for(context, action);
                if !keys.is_empty() {
                    rows.push(HelpRow {
                        context,
                        action,
                        keys: keys.iter().map(Key::to_string).collect(),
                        description: action.description(),
                    });
                }
            }
        }
        rows
    }
}

/// One well-formed `action = [keys]` line of a file.
struct Entry {
    context: Context,
    action: Action,
    name_span: Range<usize>,
    keys: Vec<(Key, Option<Range<usize>>)>,
}

/// Reads the entries of a keymap file in file order, reporting bad ones.
fn read_entries(text: &str, reporter: &mut Reporter) -> Vec<Entry> {
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let what = format!(
                "not valid TOML ({}); ignored the whole file",
                escape(error.message(), 80)
            );
            reporter.report(ProblemKind::InvalidToml, error.span(), what);
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for (name, value) in in_file_order(document.get_ref()) {
        let Some(context) = Context::from_name(name.get_ref()) else {
            let known: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
            let what = format!(
                "unknown table [{}] (known: {}); ignored",
                escape(name.get_ref(), MAX_QUOTE),
                known.join(", ")
            );
            reporter.report(ProblemKind::UnknownContext, Some(name.span()), what);
            continue;
        };
        let Some(table) = value.get_ref().as_table() else {
            let what = format!("{} must be a table like [{0}]; ignored", context.name());
            reporter.report(ProblemKind::WrongType, Some(name.span()), what);
            continue;
        };
        for (name, value) in in_file_order(table) {
            let Some(action) = Action::from_name(name.get_ref()) else {
                let what = format!(
                    "unknown action {} in [{}]; kept the default keys",
                    quote(name.get_ref()),
                    context.name()
                );
                reporter.report(ProblemKind::UnknownAction, Some(name.span()), what);
                continue;
            };
            let whose = format!("{} in [{}]", action.name(), context.name());
            if let Some(keys) = read_keys(value, &whose, reporter) {
                let name_span = name.span();
                entries.push(Entry {
                    context,
                    action,
                    name_span,
                    keys,
                });
            }
        }
    }
    entries
}

type Item<'a, 'i> = (&'a Spanned<DeString<'i>>, &'a Spanned<DeValue<'i>>);

/// toml's table keeps keys sorted by name; the file's order decides which
/// of two conflicting lines wins, so restore it from the spans.
fn in_file_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Item<'a, 'i>> {
    let mut items: Vec<Item<'a, 'i>> = table.iter().collect();
    items.sort_by_key(|(name, _)| name.span().start);
    items
}

/// The keys of one entry (a string or an array of strings), or `None` after
/// reporting why not: one bad key spoils the entry, so the action keeps its
/// keys rather than getting half of what the user meant.
fn read_keys(
    value: &Spanned<DeValue<'_>>,
    whose: &str,
    reporter: &mut Reporter,
) -> Option<Vec<(Key, Option<Range<usize>>)>> {
    let kept = "kept the default keys";
    let items: Vec<&Spanned<DeValue<'_>>> = match value.get_ref() {
        DeValue::String(_) => vec![value],
        DeValue::Array(array) => array.iter().collect(),
        other => {
            let what = format!(
                "{whose} must be a list of keys like [\"j\", \"down\"], not {}; {kept}",
                a_type(other)
            );
            reporter.report(ProblemKind::WrongType, Some(value.span()), what);
            return None;
        }
    };
    let mut keys = Vec::with_capacity(items.len());
    for item in items {
        let (kind, what) = match item.get_ref() {
            DeValue::String(text) => match Key::parse(text) {
                Ok(key) => {
                    keys.push((key, Some(item.span())));
                    continue;
                }
                Err(why) => (
                    ProblemKind::BadKey,
                    format!("{} is not a key ({why})", quote(text)),
                ),
            },
            other => (
                ProblemKind::WrongType,
                format!("a key must be a string, not {}", a_type(other)),
            ),
        };
        reporter.report(kind, Some(item.span()), format!("{whose}: {what}; {kept}"));
        return None;
    }
    Some(keys)
}

/// "an integer", "a table": a TOML type for a message.
fn a_type(value: &DeValue<'_>) -> String {
    let name = value.type_str();
    let article = if name.starts_with(['a', 'i']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// An action and the keys it asks for; keys from the file carry their span.
type Claim = (Action, Vec<(Key, Option<Range<usize>>)>);

/// The bindings of one context after a file's entries: replaces per action,
/// gives each contested key to one action, and keeps essentials bound.
fn settle(
    context: Context,
    before: &BTreeMap<Action, Vec<Key>>,
    entries: &[&Entry],
    reporter: &mut Reporter,
) -> BTreeMap<Action, Vec<Key>> {
    let old = |action: Action| -> Claim {
        let keys = before.get(&action).into_iter().flatten();
        (action, keys.map(|&key| (key, None)).collect())
    };
    let in_file = |action: &Action| entries.iter().any(|e| e.action == *action);
    // Each round restores at least one more essential, so this ends.
    let mut restored: Vec<Action> = Vec::new();
    loop {
        // Claim order is precedence: restored essentials, then actions this
        // file leaves alone (they had their keys first), then the file's
        // entries as written.
        let untouched = before
            .keys()
            .filter(|a| !in_file(a) && !restored.contains(a));
        let written = entries.iter().filter(|e| !restored.contains(&e.action));
        let claims = (restored.iter().chain(untouched).map(|&a| old(a)))
            .chain(written.map(|e| (e.action, e.keys.clone())));

        let mut owner: HashMap<Key, Action> = HashMap::new();
        let mut settled: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        let mut conflicts = Vec::new();
        for (action, keys) in claims {
            let kept = settled.entry(action).or_default();
            for (key, span) in keys {
                match owner.get(&key) {
                    None => {
                        owner.insert(key, action);
                        kept.push(key);
                    }
                    Some(&same) if same == action => {} // listed twice
                    Some(&winner) => {
                        let what = format!(
                            "{} is bound to both {} and {} in [{}]; kept it for {1}",
                            quote(&key.to_string()),
                            winner.name(),
                            action.name(),
                            context.name()
                        );
                        conflicts.push((span, what));
                    }
                }
            }
        }

        let unbound = ESSENTIAL.iter().filter(|&&(c, a)| {
            c == context && !restored.contains(&a) && settled.get(&a).is_none_or(Vec::is_empty)
        });
        let unbound: Vec<Action> = unbound.map(|&(_, a)| a).collect();
        if !unbound.is_empty() {
            restored.extend(unbound);
            continue;
        }
        for (span, what) in conflicts {
            reporter.report(ProblemKind::Conflict, span, what);
        }
        for &action in &restored {
            let keys = settled.get(&action).into_iter().flatten();
            let keys: Vec<String> = keys.map(Key::to_string).collect();
            let span = entries.iter().find(|e| e.action == action);
            let what = format!(
                "{} needs a key in [{}] so you are never locked in; kept the default keys ({})",
                action.name(),
                context.name(),
                keys.join(", ")
            );
            reporter.report(
                ProblemKind::Essential,
                span.map(|e| e.name_span.clone()),
                what,
            );
        }
        return settled;
    }
}

/// Reads a file as UTF-8 text; `Ok(None)` if it does not exist. On error,
/// why, and for bad UTF-8 the valid text before it (for a line number).
fn read_text(path: &Path) -> Result<Option<String>, (Option<String>, String)> {
    let fail = |why: String| Err((None, format!("{why}; ignored the whole file")));
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return fail(format!("cannot read it ({e})")),
    };
    // A FIFO would block forever and a device never ends (RELIABILITY I4).
    if !meta.is_file() {
        return fail("not a regular file".to_owned());
    }
    if meta.len() > MAX_FILE_BYTES {
        return fail(format!("too big for a keymap ({} bytes)", meta.len()));
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES).read_to_end(&mut bytes));
    if let Err(e) = read {
        return fail(format!("cannot read it ({e})"));
    }
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        (
            Some(prefix),
            "not UTF-8 text; ignored the whole file".to_owned(),
        )
    })
}

/// Collects problems for one file, turning byte spans into lines.
struct Reporter<'t> {
    file: String,
    text: &'t str,
    problems: Vec<KeymapProblem>,
    dropped: usize,
}

impl<'t> Reporter<'t> {
    fn new(source_name: &str, text: &'t str) -> Reporter<'t> {
        Reporter {
            file: escape_tail(source_name, 60),
            text,
            problems: Vec::new(),
            dropped: 0,
        }
    }

    fn report(&mut self, kind: ProblemKind, span: Option<Range<usize>>, what: String) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        let (line, column) = span
            .map(|s| crate::text::sanitize::line_column(self.text.as_bytes(), s.start))
            .unzip();
        let message = match (line, column) {
            // A syntax error can sit anywhere in a line; point at it.
            (Some(line), Some(column)) if kind == ProblemKind::InvalidToml => {
                format!("{} line {line}, column {column}: {what}", self.file)
            }
            (Some(line), _) => format!("{} line {line}: {what}", self.file),
            _ => format!("{}: {what}", self.file),
        };
        self.problems.push(KeymapProblem {
            kind,
            file: self.file.clone(),
            line,
            column,
            // Everything quoted was escaped already; escaping the whole
            // message again is a cheap guarantee that nothing slipped by.
            message: escape(&message, MAX_MESSAGE),
        });
    }

    fn finish(mut self) -> Vec<KeymapProblem> {
        if self.dropped > 0 {
            let message = format!("{}: {} more problems not shown", self.file, self.dropped);
            if let Some(last) = self.problems.last().cloned() {
                self.problems.push(KeymapProblem {
                    line: None,
                    column: None,
                    message: escape(&message, MAX_MESSAGE),
                    ..last
                });
            }
        }
        self.problems
    }
}

/// User input for a message: escaped, at most [`MAX_QUOTE`] chars, quoted.
fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text, MAX_QUOTE))
}

/// Untrusted text for a message, made visible and cut to `max` characters.
fn escape(text: &str, max: usize) -> String {
    crate::text::sanitize::sanitize_line(text, max)
}

/// Like [`escape`] but keeps the end, where a path's file name is.
fn escape_tail(text: &str, max: usize) -> String {
    crate::text::sanitize::sanitize_tail(text, max)
}

/// A key typed into a text prompt that the prompt context does not bind:
/// printable characters and the usual editing keys.
pub fn text_edit(event: &KeyEvent) -> Option<TextEdit> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let alt = event.modifiers.contains(KeyModifiers::ALT);
    match event.code {
        KeyCode::Char('u') if ctrl => Some(TextEdit::Clear),
        KeyCode::Char('a') if ctrl => Some(TextEdit::Home),
        KeyCode::Char('e') if ctrl => Some(TextEdit::End),
        KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => Some(TextEdit::Insert(c)),
        KeyCode::Backspace => Some(TextEdit::Backspace),
        KeyCode::Delete => Some(TextEdit::Delete),
        KeyCode::Left => Some(TextEdit::Left),
        KeyCode::Right => Some(TextEdit::Right),
        KeyCode::Home => Some(TextEdit::Home),
        KeyCode::End => Some(TextEdit::End),
        _ => None,
    }
}

/// A key typed into the note editor that the editor context does not
/// bind, in the text area's own terms (it handles cursor keys, word moves,
/// undo and the rest).
pub fn editor_input(event: &KeyEvent) -> Option<ratatui_textarea::Input> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    Some(ratatui_textarea::Input::from(*event))
}

/// A digit typed with no modifier (a count before a command: `50%`).
pub fn digit(event: &KeyEvent) -> Option<u8> {
    match (event.kind, event.code) {
        (KeyEventKind::Release, _) => None,
        (_, KeyCode::Char(c)) if event.modifiers.difference(KeyModifiers::SHIFT).is_empty() => {
            c.to_digit(10).and_then(|d| u8::try_from(d).ok())
        }
        _ => None,
    }
}

/// The mouse gestures the app uses: wheel and left click, with the cell.
pub fn mouse(event: &MouseEvent) -> Option<(MouseKind, u16, u16)> {
    let kind = match event.kind {
        MouseEventKind::ScrollUp => MouseKind::ScrollUp,
        MouseEventKind::ScrollDown => MouseKind::ScrollDown,
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        MouseEventKind::Drag(MouseButton::Left) => MouseKind::Drag,
        _ => return None,
    };
    Some((kind, event.column, event.row))
}

#[cfg(test)]
mod tests {
    use super::key::KeyParseError;
    use super::*;
    use Context::{Global, Help, Notes, Prompt, Reader};
    use KeyCode::{BackTab, Char, Tab};
    use KeyEventKind::{Press, Release, Repeat};

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    fn key(text: &str) -> Key {
        Key::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn merged(text: &str) -> (Keymap, Vec<KeymapProblem>) {
        let mut keymap = Keymap::defaults();
        let problems = keymap.merge_str("keymap.toml", text);
        (keymap, problems)
    }

    /// Each `(context, key, action)`: a press of the key in `[context, Global]`.
    #[track_caller]
    fn assert_acts(keymap: &Keymap, cases: &[(Context, &str, Option<Action>)]) {
        for &(context, text, expected) in cases {
            let event = KeyEvent::new(key(text).code(), key(text).modifiers());
            let got = keymap.lookup(&[context, Global], &event);
            assert_eq!(got, expected, "{text:?} in [{}]", context.name());
        }
    }

    /// The keys of `action` in `context`, printed.
    fn printed(keymap: &Keymap, context: Context, action: Action) -> Vec<String> {
        keymap
            .keys_for(context, action)
            .iter()
            .map(Key::to_string)
            .collect()
    }

    /// Kind and line of each problem.
    fn found(problems: &[KeymapProblem]) -> Vec<(ProblemKind, Option<usize>)> {
        problems.iter().map(|p| (p.kind, p.line)).collect()
    }

    #[test]
    fn notation_round_trips_every_spelling() {
        let spellings = "j G ? - ctrl-- ctrl-d shift-tab alt-x ctrl-alt-x alt-G ctrl-shift-up é \
            pagedown pageup home end enter esc space tab backspace delete insert up down left \
            right f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11 f12";
        for text in spellings.split_whitespace() {
            let k = key(text);
            assert_eq!(k.to_string(), text, "{text:?} should print as written");
            assert_eq!(Key::parse(&k.to_string()), Ok(k), "{text:?} round trip");
        }
    }

    #[test]
    fn notation_folds_equivalent_spellings_and_rejects_garbage() {
        let pairs = "shift-g=G shift-G=G ctrl-D=ctrl-d CTRL-d=ctrl-d ctrl-shift-d=ctrl-d \
            alt-ctrl-x=ctrl-alt-x Enter=enter PageDown=pagedown F1=f1";
        for (written, canonical) in pairs.split(' ').filter_map(|p| p.split_once('=')) {
            let printed = key(written).to_string();
            assert_eq!(printed, canonical, "{written:?} should mean {canonical:?}");
        }
        let cases = [
            ("", KeyParseError::Unknown),
            ("ctrl-", KeyParseError::Unknown),
            ("--", KeyParseError::Unknown),
            ("pgdn", KeyParseError::Unknown),
            ("ctrl-jj", KeyParseError::Unknown),
            ("f0", KeyParseError::Unknown),
            ("f25", KeyParseError::Unknown),
            ("shift-1", KeyParseError::ShiftOnSymbol),
            ("\u{1b}", KeyParseError::Unprintable),
            ("ctrl-\u{7}", KeyParseError::Unprintable),
            ("\u{9b}", KeyParseError::Unprintable),
            ("\u{202e}", KeyParseError::Unprintable),
        ];
        for (text, error) in cases {
            assert_eq!(Key::parse(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn events_are_normalised_like_the_notation() {
        let cases = [
            (Char('G'), SHIFT, "G"), // xterm, Windows
            (Char('g'), SHIFT, "G"), // kitty protocol: base key + SHIFT
            (Char('G'), NONE, "G"),
            (BackTab, NONE, "shift-tab"),
            (BackTab, SHIFT, "shift-tab"),
            (Tab, SHIFT, "shift-tab"),
            (Char('D'), CTRL | SHIFT, "ctrl-d"),
            (Char('?'), SHIFT, "?"),
            (Char('x'), KeyModifiers::ALT | KeyModifiers::SUPER, "alt-x"),
        ];
        for (code, modifiers, text) in cases {
            let normal = Key::new(code, modifiers);
            assert_eq!(normal, key(text), "{code:?} + {modifiers:?}");
        }
    }

    #[test]
    fn only_presses_and_repeats_match() {
        let keymap = Keymap::defaults();
        let cases = [
            (Char('j'), NONE, Press, Some(Action::Down)),
            (Char('j'), NONE, Repeat, Some(Action::Down)),
            (Char('j'), NONE, Release, None),
            (Char('G'), SHIFT, Press, Some(Action::Bottom)),
            (Char('g'), SHIFT, Press, Some(Action::Bottom)),
            (BackTab, NONE, Press, Some(Action::FocusPrev)),
        ];
        for (code, modifiers, kind, expected) in cases {
            let event = KeyEvent::new_with_kind(code, modifiers, kind);
            let got = keymap.lookup(&[Reader, Global], &event);
            assert_eq!(got, expected, "{kind:?} of {code:?} + {modifiers:?}");
        }
    }

    #[test]
    fn lookup_tries_the_most_specific_context_first() {
        let keymap = Keymap::defaults();
        assert_acts(
            &keymap,
            &[
                (Reader, "q", Some(Action::Quit)),
                (Help, "q", Some(Action::Cancel)),
                (Notes, "enter", Some(Action::Open)),
                (Reader, "enter", None),
            ],
        );
        let j = KeyEvent::new(Char('j'), NONE);
        assert_eq!(keymap.lookup(&[Prompt], &j), None, "j is typed in a prompt");
    }

    #[test]
    fn shipped_keymap_has_no_problems_and_binds_the_contract() {
        let mut keymap = Keymap::defaults();
        let problems = keymap.merge_str("keymap.toml", DEFAULT_KEYMAP);
        assert!(problems.is_empty(), "shipped keymap.toml: {problems:#?}");
        let contract = "global quit q ctrl-c | global help ? | global focus_next tab \
            | global focus_prev shift-tab | global suspend ctrl-z | global redraw ctrl-l \
            | global up k up | global down j down | global page_down space pagedown ctrl-f \
            | global page_up pageup ctrl-b | global half_page_down ctrl-d \
            | global half_page_up ctrl-u | global top g home | global bottom G end \
            | global cancel esc | global jump_back ctrl-o | global jump_forward ctrl-i alt-o \
            | global find_everywhere F | reader search / | reader next_match n | reader prev_match N \
            | reader percent % | reader outline o | prompt toggle_regex ctrl-r \
            | outline open enter | outline cancel esc o q \
            | find open enter | find find_everywhere / F | find cancel esc q \
            | library open enter | library filter / | reader add_bookmark m \
            | reader annotate a | reader note_document A | reader select v | reader export E \
            | select annotate a | select highlight h | select copy y | select cancel esc v \
            | notes open enter | notes edit e | notes delete d | notes undo u | notes add_bookmark m \
            | notes filter / | notes toggle_scope t | notes export E | notes note_document A \
            | editor save enter | editor newline alt-enter shift-enter ctrl-j | editor cancel esc \
            | prompt confirm enter | prompt cancel esc | help cancel esc q ? \
            | reader next_note ] | reader prev_note [ | notes next_note ] | notes prev_note [ \
            | select word_next w | select word_prev b | select sentence_next ) \
            | select sentence_prev ( | select paragraph_next } | select paragraph_prev { \
            | select swap_ends o | select confirm enter | notes reattach r | notes expand x \
            | prompt history_prev up | prompt history_next down";
        for binding in contract.split(" | ") {
            let words: Vec<&str> = binding.split_whitespace().collect();
            let context = Context::from_name(words[0]).expect("a context");
            let action = Action::from_name(words[1]).expect("an action");
            let keys = printed(&keymap, context, action);
            assert_eq!(keys, words[2..], "contract: {binding}");
        }
        let rows = keymap.help_rows().len();
        assert_eq!(
            rows,
            contract.split(" | ").count(),
            "more bindings than the contract"
        );
        let lines: Vec<&str> = DEFAULT_KEYMAP.lines().collect();
        for pair in lines.windows(2) {
            if !pair[1].starts_with('#') && pair[1].contains(" = [") {
                assert!(pair[0].starts_with("# "), "no comment above {:?}", pair[1]);
            }
        }
    }

    #[test]
    fn merge_replaces_only_the_named_action() {
        let (keymap, problems) = merged("[reader]\nadd_bookmark = [\"b\"]\n");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_acts(
            &keymap,
            &[
                (Reader, "m", None),
                (Reader, "b", Some(Action::AddBookmark)),
                (Reader, "j", Some(Action::Down)),
                (Notes, "m", Some(Action::AddBookmark)),
            ],
        );

        // A single string is one key; `[]` unbinds.
        let (keymap, problems) = merged("[global]\ntop = \"t\"\n[notes]\nundo = []\n");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(printed(&keymap, Global, Action::Top), ["t"]);
        assert_acts(&keymap, &[(Notes, "u", None)]);
    }

    #[test]
    fn each_problem_reports_its_line_and_keeps_the_defaults() {
        use ProblemKind::*;
        let cases = [
            ("[global]\n\n[redaer]\nx = [\"j\"]", UnknownContext, 3),
            (
                "[reader]\nadd_bookmark = [\"m\"]\nscrol = [\"j\"]",
                UnknownAction,
                3,
            ),
            ("[global]\n# c\ndown = [\"j\",\n  \"ctlr-n\"]", BadKey, 4),
            ("[global]\ndown = 5", WrongType, 2),
            ("[global]\ndown = [\"x\", 5]", WrongType, 2),
            ("reader = 3", WrongType, 1),
            ("[global]\ndown = [\"x\"\nup = [\"y\"]", InvalidToml, 3),
            ("[global]\ndown = [\"x\"]\ndown = [\"y\"]", InvalidToml, 3),
        ];
        for (text, kind, line) in cases {
            let (keymap, problems) = merged(text);
            assert_eq!(found(&problems), [(kind, Some(line))], "{problems:#?}");
            let message = &problems[0].message;
            let names_line = [':', ','].map(|end| format!("keymap.toml line {line}{end}"));
            assert!(
                names_line.iter().any(|p| message.starts_with(p)),
                "{message}"
            );
            let down = printed(&keymap, Global, Action::Down);
            assert_eq!(down, ["j", "down"], "defaults lost after {kind:?}");
        }
        let (_, problems) = merged("[reader]\nscrol_down = [\"j\"]\n");
        let expected = "keymap.toml line 2: unknown action \"scrol_down\" in [reader]; \
            kept the default keys";
        assert_eq!(problems[0].message, expected);
        assert_eq!(problems[0].column, Some(1));
    }

    #[test]
    fn t1_messages_never_echo_controls() {
        let texts = [
            "[global]\nquit = [\"\u{1b}]0;PWNED\u{7}\"]\n",
            "\u{1b}]0;PWNED\u{7} = 1\n",
            "[global]\n\u{9b}31m = [\"x\"]\n",
            "[global]\n\"\\u001b]0;PWNED\\u0007\" = [\"x\"]\n",
            "[\"\\u009b2J\\u202e\"]\n",
            "[global]\nquit = [\"\\u001b\"]\n",
        ];
        for text in texts {
            let mut keymap = Keymap::defaults();
            let problems = keymap.merge_str("evil\u{1b}]0;x\u{7}.toml", text);
            assert!(!problems.is_empty(), "{text:?} should be reported");
            for problem in problems {
                let message = &problem.message;
                let bad: Vec<char> = message
                    .chars()
                    .filter(|c| key::is_unprintable(*c))
                    .collect();
                assert!(bad.is_empty(), "T1: controls {bad:?} in {message:?}");
            }
        }
    }

    #[test]
    fn t1_a_one_mebibyte_line_gives_a_short_message() {
        let long = "x".repeat(1 << 20);
        for text in [
            format!("[global]\nquit = [\"{long}\"]\n"),
            format!("[global]\n{long} = [\"q\"]\n"),
            format!("[global]\nquit = [\"q\"] {long}\n"),
            format!("[{long}]\n"),
        ] {
            let (_, problems) = merged(&text);
            assert_eq!(problems.len(), 1, "{problems:#?}");
            let length = problems[0].message.chars().count();
            assert!(
                length <= MAX_MESSAGE,
                "{length} chars: {}",
                problems[0].message
            );
        }
        let many: String = (0..100).map(|i| format!("nope{i} = [\"x\"]\n")).collect();
        let (_, problems) = merged(&format!("[global]\n{many}"));
        assert_eq!(
            problems.len(),
            MAX_PROBLEMS + 1,
            "not capped, or no summary"
        );
        let summary = &problems[MAX_PROBLEMS].message;
        assert!(
            summary.ends_with(": 80 more problems not shown"),
            "{summary}"
        );
    }

    #[test]
    fn i5_quit_and_help_cannot_be_unbound() {
        use ProblemKind::Essential;
        let (keymap, problems) = merged("[global]\nquit = []\nhelp = []\n");
        assert_eq!(
            found(&problems),
            [(Essential, Some(2)), (Essential, Some(3))]
        );
        assert_eq!(printed(&keymap, Global, Action::Quit), ["q", "ctrl-c"]);
        assert_eq!(printed(&keymap, Global, Action::Help), ["?"]);

        // quit takes help's only key while help is emptied: both survive.
        let (keymap, _) = merged("[global]\nquit = [\"?\"]\nhelp = []\n");
        assert!(
            !keymap.keys_for(Global, Action::Quit).is_empty(),
            "quit unbound"
        );
        assert!(
            !keymap.keys_for(Global, Action::Help).is_empty(),
            "help unbound"
        );

        // Losing every key in a conflict counts as unbinding.
        let (keymap, problems) = merged("[prompt]\ncancel = [\"enter\"]\n");
        assert!(
            found(&problems).contains(&(Essential, Some(2))),
            "{problems:#?}"
        );
        assert_eq!(printed(&keymap, Prompt, Action::Cancel), ["esc"]);

        let (keymap, problems) = merged("[global]\nquit = [\"x\"]\n");
        assert!(problems.is_empty(), "rebinding quit is fine: {problems:#?}");
        assert_acts(
            &keymap,
            &[(Reader, "x", Some(Action::Quit)), (Reader, "q", None)],
        );
    }

    #[test]
    fn conflicts_are_reported_and_the_earlier_binding_wins() {
        use ProblemKind::Conflict;
        // The default keeps its key over a new claim...
        let (keymap, problems) = merged("[global]\n\nbottom = [\"G\", \"g\"]\n");
        assert_eq!(found(&problems), [(Conflict, Some(3))]);
        assert_acts(&keymap, &[(Global, "g", Some(Action::Top))]);
        assert_eq!(printed(&keymap, Global, Action::Bottom), ["G"]);

        // ...the first line over a later one...
        let (keymap, problems) = merged("[reader]\nup = [\"x\"]\ndown = [\"x\"]\n");
        assert_eq!(found(&problems), [(Conflict, Some(3))]);
        assert_acts(&keymap, &[(Reader, "x", Some(Action::Up))]);

        // ...and a swap within one file is no conflict.
        let (keymap, problems) = merged("[global]\ntop = [\"G\"]\nbottom = [\"g\"]\n");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_acts(&keymap, &[(Global, "g", Some(Action::Bottom))]);
    }

    #[test]
    fn help_rows_and_hints_follow_the_live_keymap() {
        let keymap = Keymap::defaults();
        let hints = [
            (Global, Action::Help, "?"),
            (Reader, Action::Quit, "q"),         // from [global]
            (Help, Action::Quit, "ctrl-c"),      // q means cancel in [help]
            (Prompt, Action::Quit, "(unbound)"), // a prompt sees only [prompt]
        ];
        for (context, action, expected) in hints {
            assert_eq!(
                keymap.hint(context, action),
                expected,
                "{action:?} in {context:?}"
            );
        }

        let (keymap, problems) = merged("[global]\nhelp = [\"f1\", \"h\"]\n");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(keymap.hint(Reader, Action::Help), "f1");
        let rows = keymap.help_rows();
        let help = rows
            .iter()
            .find(|r| (r.context, r.action) == (Global, Action::Help));
        let help = help.expect("help has a row");
        assert_eq!(help.keys, ["f1", "h"], "help row misses the user's keys");
        assert_eq!(help.description, Action::Help.description());
        assert!(
            rows.iter().all(|r| !r.keys.is_empty()),
            "row for an unbound action"
        );
    }

    #[test]
    fn merge_file_is_a_thin_shell() {
        let dir = tempfile::tempdir().unwrap();
        let mut keymap = Keymap::defaults();
        let missing = keymap.merge_file(&dir.path().join("missing.toml"));
        assert!(
            missing.is_empty(),
            "a missing file is no problem: {missing:#?}"
        );

        let problems = keymap.merge_file(dir.path());
        assert_eq!(
            found(&problems),
            [(ProblemKind::Unreadable, None)],
            "a directory"
        );

        let binary = dir.path().join("binary.toml");
        std::fs::write(&binary, b"[global]\nquit = [\"\xff\"]\n").unwrap();
        let problems = keymap.merge_file(&binary);
        assert_eq!(
            found(&problems),
            [(ProblemKind::Unreadable, Some(2))],
            "bad UTF-8"
        );

        let good = dir.path().join("keymap.toml");
        std::fs::write(&good, "[reader]\nadd_bookmark = [\"b\"]\n").unwrap();
        assert!(keymap.merge_file(&good).is_empty());
        assert_acts(&keymap, &[(Reader, "b", Some(Action::AddBookmark))]);
    }
}
