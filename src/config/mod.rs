//! Settings: `config.toml` in the configuration folder, and the theme it
//! (or `--theme`, or `NO_COLOR`) chooses ([`palette`]).
//!
//! Every key is optional. A bad value, an unknown key or a file that is not
//! TOML is reported with the file and line, and the default is used: a
//! settings file never stops marginote. Messages are built from toml's
//! `message()` and `span()`, never its `Display`, which quotes the
//! offending line raw (RELIABILITY T1).
//!
//! ```toml
//! library = ["~/readings/hist201"]   # opened when no path is given
//! measure = 72                        # widest text column
//! theme = "light"                     # dark, light, mono or a theme file
//! notes_scope = "all"                 # the Notes pane starts on all documents
//!
//! [colors]                            # any role of the palette
//! selection = { bg = "#264f78" }
//! code = "green"
//! ```

pub mod palette;

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::text::sanitize::sanitize_line;
pub use palette::Palette;

/// The longest a problem message gets.
const MESSAGE_CHARS: usize = 200;
/// Settings files bigger than this are not ours.
const MAX_BYTES: u64 = 1 << 20;
/// Accepted text measures.
pub const MEASURES: std::ops::RangeInclusive<usize> = 20..=400;

/// Where the Notes pane starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotesScope {
    Document,
    All,
}

/// One `role = colour` of a `[colors]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColorSetting {
    pub role: String,
    pub fg: Option<String>,
    pub bg: Option<String>,
    /// Where it was written, for messages: "config.toml line 7".
    pub at: String,
}

/// What the settings file says; `None` where it says nothing (or nothing
/// usable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub library: Vec<PathBuf>,
    pub measure: Option<usize>,
    pub theme: Option<String>,
    pub notes_scope: Option<NotesScope>,
    pub colors: Vec<ColorSetting>,
}

/// The settings file in the configuration folder.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "marginote").map(|d| d.config_dir().join("config.toml"))
}

/// Reads `path`; a missing file is no problem.
pub fn load(path: &Path) -> (Settings, Vec<String>) {
    let name = path.display().to_string();
    match read(path) {
        Ok(None) => (Settings::default(), Vec::new()),
        Ok(Some(text)) => parse(&name, &text, path.parent()),
        Err(why) => (
            Settings::default(),
            vec![message(
                &name,
                None,
                &format!("{why}; using the default settings"),
            )],
        ),
    }
}

fn read(path: &Path) -> Result<Option<String>, String> {
    read_text(path, MAX_BYTES, "a settings file").map_err(|(_, why)| why)
}

/// Reads a small settings-like file (settings, theme, keymap) as UTF-8
/// text; `Ok(None)` if it does not exist. On error, why, and for bad UTF-8
/// also the valid text before it (so a message can give the line). FIFOs
/// and devices are refused: one would block forever, the other never ends
/// (RELIABILITY I4); so is anything over `max` bytes.
pub fn read_text(
    path: &Path,
    max: u64,
    what: &str,
) -> Result<Option<String>, (Option<String>, String)> {
    use std::io::Read as _;
    let fail = |why: String| Err((None, why));
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return fail(format!("cannot read it ({e})")),
    };
    if !meta.is_file() {
        return fail("not a regular file".to_owned());
    }
    if meta.len() > max {
        return fail(format!("too big for {what} ({} bytes)", meta.len()));
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|file| file.take(max).read_to_end(&mut bytes));
    if let Err(e) = read {
        return fail(format!("cannot read it ({e})"));
    }
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        (Some(prefix), "not UTF-8 text".to_owned())
    })
}

/// `<file> line L: <what>`, sanitised and short.
fn message(name: &str, line: Option<usize>, what: &str) -> String {
    let text = match line {
        Some(l) => format!("{name} line {l}: {what}"),
        None => format!("{name}: {what}"),
    };
    sanitize_line(&text, MESSAGE_CHARS)
}

/// Collects problems with the file's name and the line of a span.
struct Reporter<'a> {
    name: &'a str,
    text: &'a str,
    problems: Vec<String>,
}

impl Reporter<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn report(&mut self, span: Option<Range<usize>>, what: &str) {
        let line = span.map(|s| self.line(&s));
        self.problems.push(message(self.name, line, what));
    }

    fn at(&self, span: &Range<usize>) -> String {
        format!("{} line {}", self.name, self.line(span))
    }
}

/// Parses a settings file's text (`name` is how messages call the file;
/// `base` is the folder a relative theme file is found in).
pub fn parse(name: &str, text: &str, base: Option<&Path>) -> (Settings, Vec<String>) {
    let mut rep = Reporter {
        name,
        text,
        problems: Vec::new(),
    };
    let mut s = Settings::default();
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let what = format!("{}; using the default settings", e.message());
            rep.report(e.span(), &what);
            return (s, rep.problems);
        }
    };
    let mut items: Vec<_> = table.get_ref().iter().collect();
    items.sort_by_key(|(k, _)| k.span().start);
    for (key, value) in items {
        let span = key.span();
        match key.get_ref().as_ref() {
            "library" => match strings(value) {
                Some(list) => s.library = list.iter().map(|p| expand_home(p)).collect(),
                None => rep.report(
                    Some(span),
                    "library must be a list of folders or files, like [\"~/readings\"]; using the bundled reading list",
                ),
            },
            "measure" => match value.get_ref() {
                DeValue::Integer(i) => match i.as_str().parse::<usize>() {
                    Ok(m) if MEASURES.contains(&m) => s.measure = Some(m),
                    _ => rep.report(
                        Some(span),
                        "measure must be a whole number of columns from 20 to 400; using the default",
                    ),
                },
                _ => rep.report(
                    Some(span),
                    "measure must be a whole number of columns, like 72; using the default",
                ),
            },
            "theme" => match value.get_ref() {
                DeValue::String(t) if !t.trim().is_empty() => {
                    let t = t.trim();
                    if palette::THEMES.contains(&t) || Path::new(t).extension().is_some_and(|e| e == "toml") {
                        s.theme = Some(match base {
                            Some(b) if !palette::THEMES.contains(&t) => {
                                b.join(expand_home(t)).display().to_string()
                            }
                            _ => t.to_string(),
                        });
                    } else {
                        rep.report(
                            Some(span),
                            &format!(
                                "theme {t:?} is not dark, light, mono or a .toml theme file; using the default"
                            ),
                        );
                    }
                }
                _ => rep.report(
                    Some(span),
                    "theme must be \"dark\", \"light\", \"mono\" or a theme file's path; using the default",
                ),
            },
            "notes_scope" => match value.get_ref() {
                DeValue::String(v) if v.as_ref() == "document" => {
                    s.notes_scope = Some(NotesScope::Document);
                }
                DeValue::String(v) if v.as_ref() == "all" => s.notes_scope = Some(NotesScope::All),
                _ => rep.report(
                    Some(span),
                    "notes_scope must be \"document\" or \"all\"; using \"document\"",
                ),
            },
            "colors" => colors(value, &mut rep, &mut s.colors),
            other => rep.report(
                Some(span),
                &format!(
                    "unknown setting {other:?} (known: library, measure, theme, notes_scope, colors); ignored"
                ),
            ),
        }
    }
    (s, rep.problems)
}

/// A list of strings, or `None` if the value is anything else.
fn strings(value: &Spanned<DeValue<'_>>) -> Option<Vec<String>> {
    match value.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .map(|v| match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The `[colors]` table: `role = "colour"` or `role = { fg = …, bg = … }`.
fn colors(value: &Spanned<DeValue<'_>>, rep: &mut Reporter<'_>, out: &mut Vec<ColorSetting>) {
    let DeValue::Table(table) = value.get_ref() else {
        rep.report(
            Some(value.span()),
            "colors must be a table of role = colour; ignored",
        );
        return;
    };
    let mut items: Vec<_> = table.iter().collect();
    items.sort_by_key(|(k, _)| k.span().start);
    for (role, v) in items {
        let at = rep.at(&role.span());
        let role_name = role.get_ref().to_string();
        if !Palette::ROLES.contains(&role_name.as_str()) {
            rep.report(
                Some(role.span()),
                &format!(
                    "unknown colour role {role_name:?} (see the README for the list); ignored"
                ),
            );
            continue;
        }
        let (fg, bg) = match v.get_ref() {
            DeValue::String(c) => (Some(c.to_string()), None),
            DeValue::Table(t) => {
                let get = |k: &str| {
                    t.iter()
                        .find(|(name, _)| name.get_ref().as_ref() == k)
                        .and_then(|(_, v)| match v.get_ref() {
                            DeValue::String(c) => Some(c.to_string()),
                            _ => None,
                        })
                };
                (get("fg"), get("bg"))
            }
            _ => (None, None),
        };
        if fg.is_none() && bg.is_none() {
            rep.report(
                Some(role.span()),
                &format!("{role_name} must be a colour like \"red\" or {{ fg = \"…\", bg = \"…\" }}; ignored"),
            );
            continue;
        }
        out.push(ColorSetting {
            role: role_name,
            fg,
            bg,
            at,
        });
    }
}

/// `~/x` → `$HOME/x`.
fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(b)) => b.home_dir().join(rest),
        _ if p == "~" => directories::BaseDirs::new()
            .map_or_else(|| PathBuf::from(p), |b| b.home_dir().to_path_buf()),
        _ => PathBuf::from(p),
    }
}

/// The palette to draw with: `--theme`, else the settings' theme, else
/// `mono` when `NO_COLOR` is set (a user's explicit choice overrides it, as
/// the NO_COLOR convention asks), else `dark`; then the settings' colours.
pub fn palette(cli: Option<&str>, settings: &Settings, no_color: bool) -> (Palette, Vec<String>) {
    let mut problems = Vec::new();
    let chosen = cli.map(str::to_string).or_else(|| settings.theme.clone());
    let mut p = match chosen.as_deref() {
        None if no_color => Palette::mono(),
        None => Palette::dark(),
        Some(name) => match Palette::named(name) {
            Some(p) => p,
            None => theme_file(Path::new(name), &mut problems),
        },
    };
    for c in &settings.colors {
        if let Err(why) = p.set_role(&c.role, c.fg.as_deref(), c.bg.as_deref()) {
            problems.push(sanitize_line(
                &format!("{}: {why}; ignored", c.at),
                MESSAGE_CHARS,
            ));
        }
    }
    (p, problems)
}

/// A theme file: `base = "dark" | "light" | "mono"` and a `[colors]` table.
fn theme_file(path: &Path, problems: &mut Vec<String>) -> Palette {
    let name = path.display().to_string();
    let text = match read(path) {
        Ok(Some(t)) => t,
        Ok(None) => {
            problems.push(message(
                &name,
                None,
                "theme file not found; using the dark theme",
            ));
            return Palette::dark();
        }
        Err(why) => {
            problems.push(message(
                &name,
                None,
                &format!("{why}; using the dark theme"),
            ));
            return Palette::dark();
        }
    };
    let mut rep = Reporter {
        name: &name,
        text: &text,
        problems: Vec::new(),
    };
    let mut p = Palette::dark();
    let mut colours = Vec::new();
    match DeTable::parse(&text) {
        Err(e) => rep.report(e.span(), &format!("{}; using the dark theme", e.message())),
        Ok(table) => {
            for (key, value) in table.get_ref() {
                match (key.get_ref().as_ref(), value.get_ref()) {
                    ("base", DeValue::String(b)) => match Palette::named(b) {
                        Some(base) => p = base,
                        None => rep.report(
                            Some(key.span()),
                            "base must be \"dark\", \"light\" or \"mono\"; using dark",
                        ),
                    },
                    ("colors", _) => colors(value, &mut rep, &mut colours),
                    (other, _) => rep.report(
                        Some(key.span()),
                        &format!("unknown theme key {other:?} (base, colors); ignored"),
                    ),
                }
            }
        }
    }
    for c in &colours {
        if let Err(why) = p.set_role(&c.role, c.fg.as_deref(), c.bg.as_deref()) {
            rep.problems.push(sanitize_line(
                &format!("{}: {why}; ignored", c.at),
                MESSAGE_CHARS,
            ));
        }
    }
    problems.extend(rep.problems);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_is_read() {
        let (s, problems) = parse(
            "config.toml",
            "library = [\"/srv/readings\"]\nmeasure = 72\ntheme = \"light\"\nnotes_scope = \"all\"\n[colors]\ncode = \"red\"\nselection = { bg = \"#102030\" }\n",
            None,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.library, vec![PathBuf::from("/srv/readings")]);
        assert_eq!(s.measure, Some(72));
        assert_eq!(s.theme.as_deref(), Some("light"));
        assert_eq!(s.notes_scope, Some(NotesScope::All));
        assert_eq!(s.colors.len(), 2);
        assert_eq!(s.colors[1].bg.as_deref(), Some("#102030"));
        let (p, problems) = palette(None, &s, true);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            p.code.fg,
            Some(ratatui::style::Color::Red),
            "colours apply over the theme"
        );
        assert_eq!(
            p.cursor_line,
            Palette::light().cursor_line,
            "the theme asked for, not NO_COLOR's"
        );
    }

    #[test]
    fn bad_values_are_reported_with_their_line_and_defaults_kept() {
        let text = "measure = \"wide\"\n\ntheme = \"neon\"\nnotes_scope = 3\nfont = \"serif\"\nlibrary = 5\n[colors]\nsparkle = \"red\"\ncode = \"reddish\"\n";
        let (s, problems) = parse("config.toml", text, None);
        assert_eq!(
            s,
            Settings {
                colors: vec![ColorSetting {
                    role: "code".into(),
                    fg: Some("reddish".into()),
                    bg: None,
                    at: "config.toml line 9".into(),
                }],
                ..Settings::default()
            }
        );
        let lines: Vec<&str> = problems
            .iter()
            .map(|p| p.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            lines,
            [
                "config.toml line 1",
                "config.toml line 3",
                "config.toml line 4",
                "config.toml line 5",
                "config.toml line 6",
                "config.toml line 8",
            ],
            "{problems:#?}"
        );
        let (p, problems) = palette(None, &s, false);
        assert_eq!(
            p.code,
            Palette::dark().code,
            "a bad colour keeps the theme's"
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("config.toml line 9:"),
            "{problems:?}"
        );
    }

    #[test]
    fn broken_toml_is_one_short_message_without_the_raw_line() {
        let text = format!(
            "measure = 72\ntheme = \"\u{1b}]0;PWNED\u{7}{}",
            "x".repeat(5000)
        );
        let (s, problems) = parse("config.toml", &text, None);
        assert_eq!(s, Settings::default());
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("config.toml line 2:"),
            "{problems:?}"
        );
        assert!(!problems[0].contains('\u{1b}') && problems[0].chars().count() <= MESSAGE_CHARS);
    }

    #[test]
    fn no_color_means_mono_unless_a_theme_is_chosen() {
        let none = Settings::default();
        assert_eq!(palette(None, &none, true).0, Palette::mono());
        assert_eq!(palette(None, &none, false).0, Palette::dark());
        assert_eq!(palette(Some("light"), &none, true).0, Palette::light());
    }

    #[test]
    fn a_theme_file_sets_a_base_and_colours() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("paper.toml");
        std::fs::write(&file, "base = \"light\"\n[colors]\nmarker = \"#aa0000\"\n").expect("write");
        let (s, problems) = parse("config.toml", "theme = \"paper.toml\"\n", Some(dir.path()));
        assert!(problems.is_empty(), "{problems:?}");
        let (p, problems) = palette(None, &s, false);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(p.cursor_line, Palette::light().cursor_line);
        assert_eq!(p.marker.fg, Some(ratatui::style::Color::Rgb(0xaa, 0, 0)));
        let (p, problems) = palette(
            Some(&dir.path().join("missing.toml").display().to_string()),
            &s,
            false,
        );
        assert_eq!(p, Palette::dark());
        assert!(problems[0].contains("theme file not found"), "{problems:?}");
    }
}
