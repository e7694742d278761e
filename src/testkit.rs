//! Test helpers: an [`App`] over in-memory documents, driven through the
//! same `update` the run loop uses, with effects performed in memory, and
//! drawn into ratatui's `TestBackend`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::{self, App, Effect, Msg, NotesLoad};
use crate::input::action::Action;
use crate::input::keymap::Keymap;
use crate::library::{self, Source};
use crate::storage::StateFile;
use crate::text::document::Document;

pub const NOW: &str = "2026-11-25T10:00:00+01:00";

pub const ESSAY: &str = "# The Red Terror\n\nIn **September 1918** the Bolshevik government declared a *Red Terror* \
against its enemies. The `Cheka`, founded in December 1917, carried it out.\n\n\
## Hostages and camps\n\n- Hostages were taken from the old elites.\n- Camps were set up.\n  - Some were temporary.\n\n\
> Figures remain uncertain; estimates range widely.\n\n\
| Year | Event |\n|---|---|\n| 1917 | Cheka founded |\n| 1922 | Cheka becomes GPU |\n\n\
A closing paragraph that is long enough to wrap over more than one line at narrow widths, so that \
wrapping shows in the snapshots.\n";

pub const NOTES_TXT: &str = "Reading notes\n\
The first paragraph of a plain text file saved from the web is a single long line that the reader must wrap at the measure.\n\
The second paragraph is also one long line, and a blank row separates it from the first so the author's paragraphs stay visible.\n";

/// A running app plus what its effects did.
pub struct Harness {
    pub app: App,
    /// What a store would hold: each document's notes by key.
    pub store: std::collections::HashMap<String, crate::storage::NotesFile>,
    pub copied: Vec<String>,
    pub exported: Vec<(String, String)>,
    pub saved_notes: Vec<crate::storage::NotesFile>,
    pub saved_states: Vec<StateFile>,
    pub quit: Option<i32>,
}

impl Harness {
    pub fn new(docs: &[(&'static str, &'static str)], w: u16, h: u16) -> Harness {
        let entries = docs
            .iter()
            .map(|(n, t)| library::bundled_entry(n, t))
            .collect();
        Harness::with_entries(entries, StateFile::default(), w, h)
    }

    pub fn with_entries(entries: Vec<library::Entry>, state: StateFile, w: u16, h: u16) -> Harness {
        let app = App::new(entries, Keymap::defaults(), state, app::DEFAULT_MEASURE);
        let mut hs = Harness {
            app,
            store: std::collections::HashMap::new(),
            copied: Vec::new(),
            exported: Vec::new(),
            saved_notes: Vec::new(),
            saved_states: Vec::new(),
            quit: None,
        };
        hs.send(Msg::Resize(w, h));
        let fx = hs.app.startup();
        hs.perform(fx);
        hs
    }

    pub fn send(&mut self, msg: Msg) {
        let fx = app::update(&mut self.app, msg, NOW);
        self.perform(fx);
    }

    pub fn act(&mut self, a: Action) {
        self.send(Msg::Action(a));
    }

    /// Types text into the note editor, one key per character.
    pub fn type_note(&mut self, text: &str) {
        for c in text.chars() {
            self.editor_key(ratatui_textarea::Key::Char(c));
        }
    }

    pub fn editor_key(&mut self, key: ratatui_textarea::Key) {
        self.send(Msg::EditorInput(ratatui_textarea::Input {
            key,
            ctrl: false,
            alt: false,
            shift: false,
        }));
    }

    /// Types text into the open one-line prompt.
    pub fn type_prompt(&mut self, text: &str) {
        for c in text.chars() {
            self.send(Msg::Text(crate::input::action::TextEdit::Insert(c)));
        }
    }

    pub fn perform(&mut self, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::Open(index) => {
                    let entry = &self.app.entries[index];
                    let result = match &entry.source {
                        Source::Bundled { text, .. } => {
                            Document::from_bytes(text.as_bytes().to_vec(), entry.format)
                        }
                        Source::File(p) => crate::text::document::read_file(p)
                            .and_then(|b| Document::from_bytes(b, entry.format)),
                    }
                    .map(Box::new);
                    let notes = Some(NotesLoad {
                        path: format!("/nonexistent/{}.toml", entry.name).into(),
                        file: self.store.get(&entry.key).cloned(),
                        problem: None,
                        adopted_from: None,
                    });
                    self.send(Msg::Opened {
                        index,
                        result,
                        notes,
                        partial: false,
                    });
                }
                Effect::SaveNotes { key, file, .. } => {
                    self.saved_notes.push(file.clone());
                    self.store.insert(key.clone(), file.clone());
                    self.send(Msg::NotesSaved {
                        key,
                        result: Ok((file, None)),
                    });
                }
                Effect::SaveState(s) => {
                    self.saved_states.push(s);
                    self.send(Msg::StateSaved(Ok(())));
                }
                Effect::Quit(c) => self.quit = Some(c),
                Effect::WriteUnsaved { path, .. } => self.send(Msg::UnsavedWritten(Ok(path))),
                Effect::LoadAllNotes => {
                    let all = self
                        .store
                        .iter()
                        .map(|(key, file)| crate::app::OtherNotes {
                            key: key.clone(),
                            title: file.title.clone(),
                            entry: self.app.entries.iter().position(|e| &e.key == key),
                            file: file.clone(),
                        })
                        .collect();
                    self.send(Msg::AllNotes(all));
                }
                Effect::Export { docs, name } => {
                    let sheets: Vec<crate::study::export::Sheet> = docs
                        .iter()
                        .map(|d| crate::study::export::Sheet {
                            title: &d.title,
                            document: &d.key,
                            file: &d.file,
                        })
                        .collect();
                    self.exported
                        .push((name, crate::study::export::markdown(&sheets, NOW)));
                    self.send(Msg::Exported(Ok("/exports/sheet.md".into())));
                }
                Effect::Copy(text) => self.copied.push(text),
                // Searches run here and now, in one batch.
                Effect::Search {
                    generation,
                    query,
                    doc,
                } => match crate::search::Matcher::new(&query) {
                    Ok(m) => {
                        let never = std::sync::atomic::AtomicBool::new(false);
                        let hits = crate::search::search_document(&doc, &m, &never, |_| {})
                            .unwrap_or_default();
                        self.send(Msg::SearchHits {
                            generation,
                            hits,
                            done: true,
                        });
                    }
                    Err(error) => self.send(Msg::SearchFailed { generation, error }),
                },
                Effect::CancelSearch => {}
                Effect::FindAll {
                    generation,
                    query,
                    targets,
                } => {
                    let m = crate::search::Matcher::new(&query).expect("valid query");
                    let never = std::sync::atomic::AtomicBool::new(false);
                    let mut found = Vec::new();
                    for t in &targets {
                        let Ok(doc) = crate::library::read_source(&t.source)
                            .and_then(|b| Document::from_bytes(b, t.format))
                        else {
                            continue;
                        };
                        let hits = crate::search::search_document(&doc, &m, &never, |_| {})
                            .unwrap_or_default();
                        found.extend(hits.iter().map(|h| crate::app::Found {
                            entry: Some(t.entry),
                            document: t.title.clone(),
                            offset: h.start,
                            context: crate::runtime::line_around(doc.source(), h.start, h.end),
                            in_note: false,
                        }));
                    }
                    self.send(Msg::Found {
                        generation,
                        found,
                        done: true,
                    });
                }
                Effect::Outline(doc) => {
                    let never = std::sync::atomic::AtomicBool::new(false);
                    let headings = crate::text::outline::outline(&doc, &never).unwrap_or_default();
                    self.send(Msg::Outline(headings));
                }
                Effect::Suspend | Effect::Redraw => {}
            }
        }
    }

    /// Draws the app and returns the terminal (for snapshots and checks).
    pub fn draw(&self) -> Terminal<TestBackend> {
        let (w, h) = self.app.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        t.draw(|f| crate::ui::render(f, &self.app)).expect("draw");
        t
    }

    /// The screen as text lines.
    pub fn screen(&self) -> Vec<String> {
        let t = self.draw();
        let buf = t.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| {
                let mut line = String::new();
                for x in 0..buf.area.width {
                    line.push_str(buf[(x, y)].symbol());
                }
                line
            })
            .collect()
    }

    pub fn screen_text(&self) -> String {
        self.screen().join("\n")
    }
}
