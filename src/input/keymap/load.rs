//! Loading `keymap.toml`: text → bindings with per-line problems, merged
//! over the current bindings per action. The shipped defaults and a user's
//! file go through the same code; [`Keymap::merge_file`] is a thin shell
//! over [`Keymap::merge_str`] that only reads the file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::problem::{MAX_QUOTE, Reporter, escape, quote};
use super::{Key, Keymap, KeymapProblem, Map, ProblemKind};
use crate::input::action::{Action, Context};

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
    (Context::Unsaved, Action::Cancel),
    (Context::Unsaved, Action::QuitAnyway),
];

/// A keymap is a few kilobytes; anything this big is not one.
const MAX_FILE_BYTES: u64 = 1 << 20;

impl Keymap {
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
                reporter.finish()
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
        self.merge_entries(&entries, reporter)
    }

    /// Merges the shipped file: read by [`read_plain_entries`] when every
    /// line has the plain shapes it is written in (it is, and a test keeps
    /// the result equal to the TOML reader's), else by [`Keymap::merge_str`].
    /// Parsing it as TOML was the largest step before the first frame
    /// (0.2–0.6 ms at a launch's cold caches, issue 12).
    ///
    /// Over no bindings (the defaults being built) the entries are the
    /// bindings as written: the shipped file gives no key twice in a
    /// context (the test that compares it with the TOML reader's result
    /// would fail), so there is nothing to settle, which was a third of
    /// building the defaults (callgrind).
    pub(super) fn merge_builtin(&mut self, text: &str) {
        match read_plain_entries(text) {
            Some(entries) if self.bindings.is_empty() => {
                for entry in entries {
                    let keys = entry.keys.into_iter().map(|(key, _)| key).collect();
                    let actions = self.bindings.entry(entry.context).or_default();
                    actions.insert(entry.action, keys);
                }
                self.bindings_changed();
            }
            Some(entries) => {
                let _ = self.merge_entries(&entries, Reporter::new("built-in keymap.toml", text));
            }
            None => {
                let _ = self.merge_str("built-in keymap.toml", text);
            }
        }
    }

    fn merge_entries(&mut self, entries: &[Entry], mut reporter: Reporter) -> Vec<KeymapProblem> {
        for &context in Context::ALL {
            let ours: Vec<&Entry> = entries.iter().filter(|e| e.context == context).collect();
            if ours.is_empty() {
                continue;
            }
            let before = self.bindings.remove(&context).unwrap_or_default();
            let after = settle(context, &before, &ours, &mut reporter);
            self.bindings.insert(context, after);
        }
        self.bindings_changed();
        reporter.finish()
    }

    /// After the bindings changed: the reverse map (key → action per
    /// context) made from them again, the hints asked so far forgotten.
    fn bindings_changed(&mut self) {
        self.hints.get_mut().clear();
        self.hint_lines.get_mut().clear();
        self.stamp = super::STAMPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        self.reverse = self
            .bindings
            .iter()
            .flat_map(|(&context, actions)| {
                actions.iter().flat_map(move |(&action, keys)| {
                    keys.iter().map(move |&key| ((context, key), action))
                })
            })
            .collect();
    }
}

/// One well-formed `action = [keys]` line of a file.
struct Entry {
    context: Context,
    action: Action,
    name_span: Range<usize>,
    keys: Vec<(Key, Option<Range<usize>>)>,
}

/// The entries of a file made only of comments, blank lines, `[context]`
/// headers and `action = ["key", "key"]` lines (keys without quotes or
/// backslashes in them, known names), in file order; `None` at the first
/// line of any other shape.
fn read_plain_entries(text: &str) -> Option<Vec<Entry>> {
    let at = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
    let span = |part: &str| at(part)..at(part) + part.len();
    let mut context = None;
    let mut entries = Vec::with_capacity(128);
    // Lines and quotes found with memchr: the shipped file is read before
    // the first frame of every start, and `lines`, `split_once(" = ")` and
    // `split(", ")` looked at them a byte at a time (a third of building
    // the defaults, callgrind).
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
        let line = text[start..end].trim();
        start = end + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            context = Some(Context::from_name(name)?);
            continue;
        }
        let eq = memchr::memchr(b'=', line.as_bytes())?;
        let name = line[..eq].strip_suffix(' ')?;
        let mut list = line[eq + 1..].strip_prefix(" [")?.strip_suffix(']')?;
        let mut keys = Vec::new();
        // `"key", "key"`: each key between two quotes, with no quote or
        // backslash in it, then `, ` or the end.
        while !list.is_empty() {
            let rest = list.strip_prefix('"')?;
            let close = memchr::memchr(b'"', rest.as_bytes())?;
            let inner = &rest[..close];
            if inner.contains('\\') {
                return None;
            }
            keys.push((Key::parse(inner).ok()?, Some(span(&list[..close + 2]))));
            list = &rest[close + 1..];
            if !list.is_empty() {
                list = list.strip_prefix(", ")?;
            }
        }
        entries.push(Entry {
            context: context?,
            action: Action::from_name(name)?,
            name_span: span(name),
            keys,
        });
    }
    Some(entries)
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

        let mut owner: Map<Key, Action> = Map::default();
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

/// Reads a keymap file (see [`crate::config::read_text`]); errors say the
/// whole file was ignored.
fn read_text(path: &Path) -> Result<Option<String>, (Option<String>, String)> {
    crate::config::read_text(path, MAX_FILE_BYTES, "a keymap")
        .map_err(|(prefix, why)| (prefix, format!("{why}; ignored the whole file")))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use Context::{Global, Notes, Prompt, Reader};

    /// The plain reader takes only the shapes the shipped file is written
    /// in; anything else goes to the TOML reader.
    #[test]
    fn the_plain_reader_takes_only_plain_lines() {
        let plain = "# c\n\n[reader]\nadd_bookmark = [\"b\", \"ctrl-b\"]\nundo = []\n";
        let entries = read_plain_entries(plain).expect("plain");
        let got: Vec<(Context, Action, usize)> = entries
            .iter()
            .map(|e| (e.context, e.action, e.keys.len()))
            .collect();
        assert_eq!(
            got,
            vec![(Reader, Action::AddBookmark, 2), (Reader, Action::Undo, 0)]
        );
        assert_eq!(&plain[entries[0].name_span.clone()], "add_bookmark");
        for other in [
            "[reader]\nadd_bookmark = \"b\"\n",
            "[reader]\nadd_bookmark = ['b']\n",
            "[reader]\nadd_bookmark = [\"\\\"\"]\n",
            "[reader]\nadd_bookmark=[\"b\"]\n",
            "[reader]\nno_such_action = [\"b\"]\n",
            "[no_such_context]\n",
            "add_bookmark = [\"b\"]\n",
            "[reader]\nadd_bookmark = [\"not a key\"]\n",
        ] {
            assert!(read_plain_entries(other).is_none(), "{other:?}");
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
