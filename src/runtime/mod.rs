//! The run loop: terminal events and background results in, keymap →
//! [`app::update`] → effects performed ([`perform`]) → draw.
//!
//! Files: [`startup`] builds the app from the command line and the data
//! folder; [`events`] turns terminal events into messages; [`perform`]
//! carries out effects with the plain I/O functions of [`jobs`], long ones
//! on [`workers`]; [`terminal`] enters and always restores the terminal;
//! [`export_cli`] is `marginote export`; [`study_cli`] is `marginote
//! review` and `marginote merge-notes`.

pub(crate) mod events;
pub mod export_cli;
pub mod find_cache;
mod inbox;
pub mod jobs;
pub mod log;
pub mod output;
mod perform;
mod saver;
mod startup;
pub mod study_cli;
pub mod terminal;
mod wait;
mod workers;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use ratatui::crossterm::event::Event;

pub use export_cli::{ExportOptions, export_cli};
pub use study_cli::{ReviewOptions, ToolFormat, merge_notes_cli, review_cli};

use self::inbox::Input;
use self::perform::Performed;
use self::terminal as term;
use self::workers::Workers;
use crate::app::{self, App, Msg};
use crate::storage::{self, DataDir, Store};
use crate::ui;

/// Longest a burst of inputs is handled before the screen is drawn.
const FRAME: Duration = Duration::from_millis(16);
/// How long quitting waits on queued saves before it says "saving…".
const SAVING_SHOWN_AFTER: Duration = Duration::from_millis(150);
/// How long without input makes an idle moment (positions are saved).
const IDLE: Duration = Duration::from_secs(2);

/// Time until the wall clock's next whole second, a little after it so
/// the time stamped then (to the second) has moved on.
fn until_next_second() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    Duration::from_nanos(u64::from(1_000_000_000 - nanos.min(999_999_999)))
        + Duration::from_millis(5)
}

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub keymap: Option<PathBuf>,
    /// `--measure`: overrides the settings' measure.
    pub measure: Option<usize>,
    /// `--theme`: a built-in theme or a theme file; overrides the settings.
    pub theme: Option<String>,
    /// `--config`: a settings file instead of the configuration folder's.
    pub config: Option<PathBuf>,
    /// `--log-level`: overrides `MARGINOTE_LOG`.
    pub log_level: Option<String>,
    /// `--session`: a lecture session to start (or resume) at launch.
    pub session: Option<String>,
    /// `marginote review`: open on the review of what is due.
    pub review: bool,
}

/// A failure on request, right after the first frame, so tests can prove
/// that every way out gives the terminal back: `MARGINOTE_FAULT=error`
/// returns an error from the loop, `MARGINOTE_FAULT=panic` panics.
enum Fault {
    None,
    Error,
    Panic,
}

impl Fault {
    fn from_env() -> Fault {
        match std::env::var("MARGINOTE_FAULT").as_deref() {
            Ok("error") => Fault::Error,
            Ok("panic") => Fault::Panic,
            _ => Fault::None,
        }
    }

    /// Fails as asked, once.
    fn trip(&mut self) -> anyhow::Result<()> {
        match std::mem::replace(self, Fault::None) {
            Fault::None => Ok(()),
            Fault::Error => anyhow::bail!("failed on purpose (MARGINOTE_FAULT=error)"),
            Fault::Panic => panic!("failed on purpose (MARGINOTE_FAULT=panic)"),
        }
    }
}

/// Test hook, like `MARGINOTE_FAULT`: with `MARGINOTE_HOLD_SAVES=PATH`
/// every notes save waits until `PATH` exists, so an end-to-end test can
/// prove that keys are answered, and quitting waits, while a save is
/// running, without depending on how long a save takes.
const HOLD_SAVES_ENV: &str = "MARGINOTE_HOLD_SAVES";

/// Waits (on the saver thread) until `gate` exists; see [`HOLD_SAVES_ENV`].
fn hold_until(gate: &std::path::Path) {
    while !gate.exists() {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether a key pressed while a big document is still being read may act
/// on the part already read: reader motions that stay near the screen.
fn acts_on_part(app: &App, ev: &Event) -> bool {
    use crate::input::action::Action as A;
    match events::translate(app, ev) {
        Some(Msg::Action(
            A::Up | A::Down | A::PageUp | A::PageDown | A::HalfPageUp | A::HalfPageDown,
        )) => true,
        // A window's top is not the document's: the top waits for it.
        Some(Msg::Action(A::Top)) => !app.loading_window(),
        _ => false,
    }
}

fn is_quit(app: &App, ev: &Event) -> bool {
    matches!(
        events::translate(app, ev),
        Some(Msg::Action(crate::input::action::Action::Quit))
    )
}

/// The local time, as notes and sheets record it (to the second).
///
/// Asked for every message the loop handles, each key included: the text
/// is made once a second and shared within it (formatting it was 2 % of
/// a line down, perf), and made by [`stamp`], not by jiff's `strftime`:
/// a key in a new second ran ~90 lines of formatting code for it
/// (callgrind, a line key touched 1,280 lines of code; issue 12).
fn now() -> std::rc::Rc<str> {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, std::rc::Rc<str>)> =
            std::cell::RefCell::new((i64::MIN, std::rc::Rc::from("")));
    }
    let ts = jiff::Timestamp::now();
    LAST.with_borrow_mut(|(second, text)| {
        if *second != ts.as_second() {
            *second = ts.as_second();
            *text = stamp(ts, local_zone()).into();
        }
        text.clone()
    })
}

/// `ts` in `zone` as RFC 3339 to the second, with the offset's hours and
/// minutes (`%Y-%m-%dT%H:%M:%S%:z`). A year outside 0–9999, or an offset
/// of odd seconds, is left to jiff.
fn stamp(ts: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    let offset = zone.to_offset(ts);
    let dt = offset.to_datetime(ts);
    let secs = offset.seconds();
    if !(0..=9999).contains(&dt.year()) || secs % 60 != 0 {
        return ts
            .to_zoned_datetime(zone.clone())
            .strftime(STAMP)
            .to_string();
    }
    let minutes = secs.abs() / 60;
    let sign = if secs < 0 { '-' } else { '+' };
    let mut out = String::with_capacity(25);
    for (n, digits, after) in [
        (i32::from(dt.year()), 4, Some('-')),
        (i32::from(dt.month()), 2, Some('-')),
        (i32::from(dt.day()), 2, Some('T')),
        (i32::from(dt.hour()), 2, Some(':')),
        (i32::from(dt.minute()), 2, Some(':')),
        (i32::from(dt.second()), 2, Some(sign)),
        (minutes / 60, 2, Some(':')),
        (minutes % 60, 2, None),
    ] {
        for d in (0..digits).rev() {
            let digit = (n / 10_i32.pow(d)) % 10;
            out.push(char::from(b'0' + digit as u8));
        }
        out.extend(after);
    }
    out
}

/// The stamps' format, as jiff's `strftime` spells it.
const STAMP: &str = "%Y-%m-%dT%H:%M:%S%:z";

/// The local time zone, found once. Without `TZ` it is read straight from
/// `/etc/localtime` (one small file): jiff's own lookup first walks the
/// whole zoneinfo folder to index its names, milliseconds of system calls
/// that the first frame waited for (strace of a launch: 4 ms between the
/// screen's clear and the document's open). With `TZ`, or without that
/// file, jiff's lookup.
fn local_zone() -> &'static jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        let direct = std::env::var_os("TZ")
            .is_none()
            .then(|| std::fs::read("/etc/localtime").ok())
            .flatten()
            .and_then(|bytes| {
                let name = std::fs::read_link("/etc/localtime")
                    .ok()
                    .and_then(|p| {
                        let p = p.to_string_lossy().into_owned();
                        p.split_once("zoneinfo/").map(|(_, n)| n.to_string())
                    })
                    .unwrap_or_else(|| "localtime".to_string());
                jiff::tz::TimeZone::tzif(&name, &bytes).ok()
            });
        direct.unwrap_or_else(jiff::tz::TimeZone::system)
    })
}

/// Runs the app until the user quits; the exit code.
pub fn run(args: Options) -> anyhow::Result<i32> {
    // Before any thread is started: every one inherits the mask, so none
    // takes a resize the loop's wait would not hear (runtime/wait.rs).
    let held = wait::hold_resizes();
    let data = DataDir::resolve(
        args.data_dir.clone(),
        std::env::var_os(storage::DATA_DIR_ENV),
    )?;
    // The local time zone: with `TZ` set, jiff walks the zoneinfo folder
    // (milliseconds), so it is found beside the rest of start-up, not when
    // the first message is handled. Without, it is one small file read when
    // a time is first shown, and no thread is started for it.
    if std::env::var_os("TZ").is_some() {
        std::thread::spawn(|| {
            local_zone();
        });
    }
    // The log's file is opened after the first frame (`log.open` below).
    let (log, log_problem) = log::init(&data.log_path(), args.log_level.as_deref());
    let problems: Vec<String> = log_problem.into_iter().collect();
    let store = Store::new();
    let mut app = startup::build_app(&args, &data, &store, problems);

    let (tx, mut inbox) = inbox::inbox(held).context("cannot set up the loop's inbox")?;
    let mut workers = Workers::new(tx.clone());
    // Declared before the terminal: on an error or a panic unwinding out
    // of the loop, the terminal is given back first, then every queued
    // save is written before the process goes.
    let saver = saver::Saver::new({
        let tx = tx.clone();
        let data = data.clone();
        let store = Store::new();
        let hold = std::env::var_os(HOLD_SAVES_ENV).map(PathBuf::from);
        move |job| {
            if let Some(gate) = &hold {
                hold_until(gate);
            }
            let (key, generation) = (job.key.clone(), job.generation);
            // A save that panics (a bug) still answers, as a failure: the
            // notes stay in memory, kept for a retry, and quitting does
            // not wait forever for an answer that never comes.
            let m = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                perform::save_job(&store, &data, job)
            }))
            .unwrap_or_else(|_| Msg::NotesSaved {
                key,
                generation,
                result: Err(crate::storage::SaveFailure {
                    message: "notes not saved: the save failed inside marginote (see the log); they are kept in memory".to_string(),
                    fallback: None,
                    reason: "internal error".to_string(),
                }),
            });
            tx.send(m);
        }
    });

    let mut terminal = term::enter().context("marginote needs an interactive terminal")?;
    if let Some(flag) = inbox.resizes() {
        terminal.hear_resizes(flag);
    }
    // From here every way out of this function, an error returned with `?`
    // included, gives the terminal back before the caller prints anything.
    let guard = term::Guard;

    let mut fault = Fault::from_env();
    let mut warmed = false;
    let mut summarized = false;
    let size = terminal.size().context("cannot read the terminal size")?;
    let mut pending = vec![Msg::Resize(size.width, size.height)];
    let startup = {
        for m in pending.drain(..) {
            app::update(&mut app, m, &now());
        }
        let mut fx = app.startup();
        if let Some(name) = args.session.clone() {
            fx.extend(app::update(&mut app, Msg::StartSession(name), &now()));
        }
        if args.review {
            fx.extend(app::review::open(&mut app));
        }
        fx
    };
    let mut effects = std::collections::VecDeque::from(startup);
    // When input last came: a pause of IDLE is a good moment to save.
    let mut quiet_since = Instant::now();
    let mut held: std::collections::VecDeque<Event> = std::collections::VecDeque::new();
    // A book or PDF being opened on a worker: keys wait for its first
    // part (a note typed at once belongs to it, not to the document still
    // on screen), as they wait for the whole of a big file below.
    let mut opening: Option<usize> = None;
    let code = 'run: loop {
        // Carry out effects (and what their results cause) until none is
        // left, then take every input already waiting before drawing once:
        // a burst of background results costs one frame, not one each.
        let mut waited = false;
        let mut deadline = Instant::now();
        loop {
            while let Some(fx) = effects.pop_front() {
                let mut cx = perform::Context {
                    data: &data,
                    store: &store,
                    terminal: &mut terminal,
                    workers: &mut workers,
                    saver: &saver,
                };
                match perform::perform(fx, &app, &mut cx) {
                    Performed::Msg(m) => effects.extend(app::update(&mut app, *m, &now())),
                    Performed::Exit(c) => break 'run c,
                    Performed::Opening(index) => opening = Some(index),
                    Performed::Nothing => {}
                }
            }
            let input = if waited {
                // Draw at least every frame's worth of time.
                if Instant::now() > deadline {
                    break;
                }
                match inbox.try_recv() {
                    Some(i) => i,
                    None => break,
                }
            } else {
                // Before a frame reads the text: a mapped file changed on
                // disk is read again (an fstat; see text/mapped.rs).
                if let Some(m) = source_changed(&app) {
                    effects.extend(app::update(&mut app, m, &now()));
                }
                // A size the terminal has before its resize event arrives
                // (a frame drawn for a worker's result in between): the app
                // takes it first. Else that frame lays the panes out for the
                // new size around a reader still wrapped for the old one
                // (tests/big.rs caught such a frame).
                let size = terminal.fit().context("cannot read the terminal size")?;
                if (size.width, size.height) != app.size {
                    let m = Msg::Resize(size.width, size.height);
                    effects.extend(app::update(&mut app, m, &now()));
                }
                terminal
                    .draw(|f, keep| {
                        ui::draw(f, &app, keep);
                        ui::cursor(&app, f.area())
                    })
                    .context("cannot draw to the terminal")?;
                fault.trip()?;
                if !warmed {
                    // Keys are read from the first frame on: one typed
                    // before it waits in the terminal.
                    inbox
                        .read_keys()
                        .context("cannot read the terminal's keys")?;
                    // After the first frame: nothing before it waits on this.
                    workers.release();
                    warmed = true;
                    if let Some(problem) = log.open() {
                        let now = now();
                        effects.extend(app::update(&mut app, Msg::LogProblem(problem), &now));
                    }
                }
                if !summarized && !app.loading() {
                    // Titles and word counts read every library file again:
                    // on a 2-core machine that competes with the first
                    // frame, so it starts once that is drawn (the list shows
                    // file names meanwhile), and once a big open document
                    // is read whole: counting its words read the same 50 MB
                    // beside the load, and a key pressed in the first 30 ms
                    // after the first screen waited 2–21 ms for a core
                    // (keys_during_load.py). A title arriving in the middle
                    // of a resize was once seen to leave stale cells in the
                    // library row (tests/big.rs); every resize now repaints.
                    workers.summaries(&app, &data);
                    // The Library's due counts replay the whole review log:
                    // on a worker, after the first frame, like the titles.
                    workers.due_counts(jiff::Timestamp::now().as_second(), data.clone());
                    summarized = true;
                }
                waited = true;
                // A session clock on screen moves each second: wake when
                // the next one starts (only while a clock runs).
                let ticking = app.session_ticks();
                let wait = if ticking {
                    until_next_second().min(IDLE)
                } else {
                    IDLE
                };
                let got = inbox.recv_timeout(wait);
                deadline = Instant::now() + FRAME;
                match got {
                    Some(i) => {
                        quiet_since = Instant::now();
                        i
                    }
                    None if ticking && quiet_since.elapsed() < IDLE => {
                        Input::Msg(Box::new(Msg::Tick))
                    }
                    None => {
                        quiet_since = Instant::now();
                        Input::Msg(Box::new(Msg::Idle))
                    }
                }
            };
            // While a big document is still being read, motion keys act on
            // the part already shown (it holds the screen and far more), so
            // every key answers at once. Any other key (`G`, a search, a
            // note) needs the whole text: it waits, in order, with every key
            // after it, so `G` goes to the real end. So do the keys after a
            // search confirmed before it found its match (App::search_pending).
            if let Input::Msg(m) = &input
                && let Msg::Opened { index, .. } = **m
                && opening == Some(index)
            {
                opening = None;
            }
            let input = match input {
                // Quitting needs no document: it never waits behind a
                // conversion that may take long (nothing typed is held).
                Input::Term(ev @ Event::Key(_))
                    if ((opening.is_some() || app.search_pending())
                        && (!held.is_empty() || !is_quit(&app, &ev)))
                        || ((app.loading() || app.notes_loading())
                            && (!held.is_empty() || !acts_on_part(&app, &ev))) =>
                {
                    held.push_back(ev);
                    // The next frame says the key was heard and waits.
                    let n = held.len();
                    effects.extend(app::update(&mut app, Msg::KeysWaiting(n), &now()));
                    continue;
                }
                other => other,
            };
            if let Input::Term(Event::Resize(width, height)) = input {
                // Every resize repaints every cell, even when the size came
                // back to the one last drawn: a terminal shrunk and grown
                // again before we drew (or one that scrolled its cells to
                // keep the cursor in view, as xterm does) no longer shows
                // what ratatui believes is on screen, and a diff would
                // leave the difference there until ctrl-l.
                term::full_redraw_at(&mut terminal, ratatui::layout::Size::new(width, height));
            }
            let msg = match input {
                Input::Msg(m) => Some(*m),
                Input::Term(ev) => events::translate(&app, &ev),
            };
            if let Some(m) = msg {
                effects.extend(app::update(&mut app, m, &now()));
            }
            while !app.loading()
                && !app.notes_loading()
                && opening.is_none()
                && !app.search_pending()
                && let Some(ev) = held.pop_front()
            {
                if let Some(m) = events::translate(&app, &ev) {
                    effects.extend(app::update(&mut app, m, &now()));
                }
            }
            if held.is_empty() && app.waiting_keys > 0 {
                effects.extend(app::update(&mut app, Msg::KeysWaiting(0), &now()));
            }
        }
    };
    // Every queued save is written before leaving, whatever way out was
    // taken (a signal, "quit anyway"): what fails lands in the temporary
    // folder as on any failed save. A save that takes more than a moment
    // says so on screen.
    if !saver.wait_idle(Some(SAVING_SHOWN_AFTER)) {
        app.info("saving notes…");
        let _ = terminal.draw(|f, keep| {
            ui::draw(f, &app, keep);
            ui::cursor(&app, f.area())
        });
        saver.wait_idle(None);
    }
    drop(terminal);
    drop(guard);
    drop(saver);
    tracing::info!(code, "marginote quit");
    Ok(code)
}

/// Whether the open document's memory-mapped file changed on disk since
/// it was opened (never for a copy): the message that reads it again.
fn source_changed(app: &app::App) -> Option<Msg> {
    let index = app.open?;
    if app.loading() {
        return None;
    }
    let change = app.reader.as_ref()?.doc.source_changed()?;
    tracing::warn!(index, change = %change, "open document changed on disk");
    Some(Msg::SourceChanged { index, change })
}

#[cfg(test)]
mod clock_tests {
    /// The clock's own formatting writes what jiff's `strftime` writes,
    /// in zones east and west of UTC, with half and quarter hours, across
    /// a change of summer time, and at the ends of the years it handles.
    #[test]
    fn stamps_read_as_strftime_writes_them() {
        let zones = [
            "UTC",
            "Europe/Moscow",
            "America/New_York",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "Pacific/Chatham",
            "America/St_Johns",
        ];
        let times = [
            0_i64,
            -2_208_988_800,
            1_711_846_799,
            1_711_846_800,
            1_730_000_000,
            1_795_000_000,
            253_402_207_200,
        ];
        let mut compared = 0;
        for name in zones {
            let Ok(zone) = jiff::tz::TimeZone::get(name) else {
                continue;
            };
            for secs in times {
                let ts = jiff::Timestamp::from_second(secs).expect("in range");
                let want = ts
                    .to_zoned_datetime(zone.clone())
                    .strftime(super::STAMP)
                    .to_string();
                assert_eq!(super::stamp(ts, &zone), want, "{name} {secs}");
                compared += 1;
            }
        }
        // UTC at least is always there.
        assert!(compared >= times.len());
        let fixed = jiff::tz::TimeZone::fixed(jiff::tz::offset(-3));
        let ts = jiff::Timestamp::from_second(1_000_000_000).expect("in range");
        assert_eq!(super::stamp(ts, &fixed), "2001-09-08T22:46:40-03:00");
        let offset = jiff::tz::Offset::from_seconds(5 * 3600 + 45 * 60).expect("an offset");
        let fixed = jiff::tz::TimeZone::fixed(offset);
        assert_eq!(super::stamp(ts, &fixed), "2001-09-09T07:31:40+05:45");
    }

    /// The zone read straight from `/etc/localtime` gives the offset jiff's
    /// own lookup gives, and `now()` is an RFC 3339 time with that offset.
    #[test]
    fn the_local_zone_read_directly_agrees_with_jiffs_lookup() {
        let ts = jiff::Timestamp::now();
        assert_eq!(
            super::local_zone().to_offset(ts),
            jiff::tz::TimeZone::system().to_offset(ts)
        );
        let stamp = super::now();
        let parsed: jiff::Timestamp = stamp.parse().expect("RFC 3339");
        assert!((parsed.as_second() - ts.as_second()).abs() < 60, "{stamp}");
        // Kept within a second, never past it: each call is the second it
        // was made in.
        for _ in 0..3 {
            let before = jiff::Timestamp::now().as_second();
            let stamp = super::now();
            let after = jiff::Timestamp::now().as_second();
            let at = stamp
                .parse::<jiff::Timestamp>()
                .expect("RFC 3339")
                .as_second();
            assert!(
                (before..=after).contains(&at),
                "{stamp} not in {before}..={after}"
            );
        }
    }
}
