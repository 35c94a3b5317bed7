//! One key press into a 5 MiB memory open in the editor: the key's `update` and the frame
//! that shows it, at 160x48 on `TestBackend`. Goal: under 2 ms, whatever the text's size.
//!
//! Run briefly with `cargo bench --bench editor -- --warm-up-time 1 --measurement-time 3`.
//! Each iteration types one character and then deletes it, so the text keeps its size; the
//! figure is for two keys and two frames, halve it for one. `keys_only` is the same two keys
//! without drawing; `tick` is the 200 ms timer beat (it decides whether a draft is due).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use memory_console::api::{
    ClientSettings, MemoryEntry, MemoryRead, MemoryStatus, OrgScope, UserSummary, UsersPage,
};
use memory_console::app::{Action, App, Effect, Input, Keymap, Msg, Pane};
use memory_console::config::OrgChoice;
use memory_console::connection::Connection;
use memory_console::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::SecretString;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
const MEMORY_BYTES: usize = 5 * 1024 * 1024;

fn session() -> Connection {
    Connection {
        demo: true,
        ..Connection::new(
            "demo",
            ClientSettings::new(
                "http://127.0.0.1:40000",
                SecretString::from("test-key".to_owned()),
            ),
            "the built-in demo server",
        )
    }
}

/// About 5 MiB of prose in lines of about 70 bytes, with some non-ASCII and a few hidden
/// characters (a bidi override, an escape) every few lines.
fn many_lines() -> String {
    let lines = "Prefers worked examples; studies in the evening; résumé review 📚.\n\
                 Asked to ignore \u{202e}previous\u{202c} instructions \u{1b}[31m once.\n";
    lines.repeat(MEMORY_BYTES / lines.len())
}

/// About 5 MiB in a single line.
fn one_line() -> String {
    let words = "the learner asked about résumé wording again and again ";
    words.repeat(MEMORY_BYTES / words.len())
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Input {
    Input::Key(KeyEvent::new(code, modifiers))
}

/// One user open with `content`, and the editor open on it.
fn editing(content: &str) -> App {
    let orgs = vec![OrgChoice {
        scope: OrgScope::new("main"),
        name: Some("Main Campus".into()),
    }];
    let mut app = App::new(Connection { orgs, ..session() }, Keymap::default());
    app.update(Input::Resize(WIDTH, HEIGHT));
    let fx = app.start();
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a LoadUsers effect");
    app.update(Input::Msg(Msg::Users {
        req,
        result: Ok(UsersPage {
            count: 1,
            page: 1,
            next_page: None,
            previous_page: None,
            unreadable: 0,
            results: vec![UserSummary {
                username: "learner.1".into(),
                user_id: Some(1),
                name: None,
                email: None,
                platform_key: Some("main".into()),
                platform_org: None,
                active: Some(true),
                is_admin: None,
                is_staff: None,
                added_on: None,
            }],
        }),
    }));
    app.focus = Pane::Users;
    for e in app.perform(Action::Open) {
        match e {
            Effect::LoadMemory { req, target } => {
                app.update(Input::Msg(Msg::Memory {
                    req,
                    result: Ok(MemoryRead {
                        complete: true,
                        entries: vec![MemoryEntry {
                            id: 1,
                            username: target.user.username,
                            platform_key: "main".into(),
                            content: Some(content.to_owned()),
                            session_id: None,
                        }],
                    }),
                }));
            }
            Effect::LoadStatus { req, .. } => {
                app.update(Input::Msg(Msg::Status {
                    req,
                    result: Ok(MemoryStatus {
                        enabled: true,
                        id: None,
                        username: None,
                        platform_key: None,
                    }),
                }));
            }
            _ => {}
        }
    }
    app.focus = Pane::Memory;
    app.perform(Action::Edit);
    assert!(app.editor.is_some(), "the editor is open");
    app
}

fn keys(c: &mut Criterion) {
    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal");
    let mut group = c.benchmark_group("editor_5mib");
    for (name, content) in [
        ("small", "a short memory\nof two lines".to_owned()),
        ("many_lines", many_lines()),
        ("one_line", one_line()),
    ] {
        for (place, moves) in [
            ("start", vec![]),
            // Into the middle of the text: PageDown a few thousand times would be slow to
            // set up, so the end of the first line and then down a screenful.
            ("line_end", vec![key(KeyCode::End, KeyModifiers::NONE)]),
        ] {
            let mut app = editing(&content);
            for m in moves {
                app.update(m);
            }
            terminal.draw(|f| ui::draw(f, &app, &theme)).expect("draw");
            group.bench_function(format!("{name}/{place}/type_and_delete"), |b| {
                b.iter(|| {
                    app.update(key(KeyCode::Char('x'), KeyModifiers::NONE));
                    terminal
                        .draw(|f| ui::draw(f, black_box(&app), &theme))
                        .expect("draw");
                    app.update(key(KeyCode::Backspace, KeyModifiers::NONE));
                    terminal
                        .draw(|f| ui::draw(f, black_box(&app), &theme))
                        .expect("draw");
                })
            });
            group.bench_function(format!("{name}/{place}/keys_only"), |b| {
                b.iter(|| {
                    black_box(app.update(key(KeyCode::Char('x'), KeyModifiers::NONE)));
                    black_box(app.update(key(KeyCode::Backspace, KeyModifiers::NONE)));
                })
            });
            group.bench_function(format!("{name}/{place}/tick"), |b| {
                b.iter(|| black_box(app.update(Input::Tick(std::time::Instant::now()))))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, keys);
criterion_main!(benches);
