//! One full frame at 160x48 on `TestBackend`: 100 000 users loaded, a 5 MB memory open.
//!
//! Run briefly with `cargo bench --bench frame -- --warm-up-time 1 --measurement-time 3`.
//! `empty_draw` is `Terminal::draw` with an empty closure: the backend's own cost per frame
//! (buffer reset, diff, flush), to subtract from the others. The steady frames redraw the
//! same state, so the text layout is cached; `first_frame_after_open` and
//! `first_frame_after_resize` measure the frames that lay the 5 MB text out afresh.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
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
const USERS: usize = 100_000;
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

fn user(i: usize) -> UserSummary {
    UserSummary {
        username: format!("learner.{i:06}"),
        user_id: Some(1001 + i as i64),
        name: Some(format!("Learner Number {i}")),
        email: None,
        platform_key: Some("main".into()),
        platform_org: None,
        active: Some(true),
        is_admin: None,
        is_staff: None,
        added_on: None,
    }
}

/// About 5 MB of ordinary prose in lines of about 70 bytes, with some non-ASCII.
fn many_lines() -> String {
    let sentence = "Prefers worked examples; studies in the evening; résumé review 📚.\n";
    sentence.repeat(MEMORY_BYTES / sentence.len())
}

/// About 5 MB in a single line.
fn one_line() -> String {
    let words = "the learner asked about résumé wording again and again ";
    words.repeat(MEMORY_BYTES / words.len())
}

/// `users` users loaded, the `selected` one under the cursor, nothing opened yet.
fn app_with_users(users: usize, selected: usize) -> App {
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
            count: users as u64,
            page: 1,
            next_page: None,
            previous_page: None,
            unreadable: 0,
            results: (0..users).map(user).collect(),
        }),
    }));
    app.focus = Pane::Users;
    app.users.list.selected = selected;
    app.update(Input::Resize(WIDTH, HEIGHT));
    app
}

/// The answers to opening a user: the memory holding `content`, memory on.
fn answers(fx: Vec<Effect>, content: String) -> Vec<Msg> {
    fx.into_iter()
        .filter_map(|e| match e {
            Effect::LoadMemory { req, target } => Some(Msg::Memory {
                req,
                result: Ok(MemoryRead {
                    complete: true,
                    entries: vec![MemoryEntry {
                        id: 1,
                        username: target.user.username,
                        platform_key: "main".into(),
                        content: Some(content.clone()),
                        session_id: None,
                    }],
                }),
            }),
            Effect::LoadStatus { req, .. } => Some(Msg::Status {
                req,
                result: Ok(MemoryStatus {
                    enabled: true,
                    id: None,
                    username: None,
                    platform_key: None,
                }),
            }),
            _ => None,
        })
        .collect()
}

/// Users loaded, the selected one opened with `content`, focus back on Users.
fn loaded_app(content: String, selected: usize) -> App {
    let mut app = app_with_users(USERS, selected);
    let fx = app.perform(Action::Open);
    for msg in answers(fx, content) {
        app.update(Input::Msg(msg));
    }
    assert!(app.memory.view.is_some(), "the memory is open");
    assert!(app.editor.is_none());
    app.focus = Pane::Users;
    app
}

/// Scrolls the memory to the middle of its rows, as the operator would with the keys.
fn scroll_to_middle(app: &mut App) {
    let width = app.areas().inner_width(Pane::Memory);
    let total = app.memory_rows(width);
    app.memory.scroll = total / 2;
    assert!(app.memory.scroll > 0);
}

fn frame(c: &mut Criterion) {
    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal");

    c.bench_function("empty_draw", |b| {
        b.iter(|| {
            terminal.draw(|_| {}).expect("draw");
        })
    });

    let mut group = c.benchmark_group("frame_160x48");
    // The same screen with little data: what the frame costs when size plays no part.
    let small = {
        let mut app = loaded_app(many_lines().chars().take(4000).collect(), 25);
        app.users.items.truncate(50);
        app
    };
    group.bench_function("small_data", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, black_box(&small), &theme))
                .expect("draw");
        })
    });
    for (name, content) in [("many_lines", many_lines()), ("one_line", one_line())] {
        let middle = loaded_app(content.clone(), USERS / 2);
        group.bench_function(format!("users_mid/{name}"), |b| {
            b.iter(|| {
                terminal
                    .draw(|f| ui::draw(f, black_box(&middle), &theme))
                    .expect("draw");
            })
        });
        // A resize changes the wrap width, so this frame lays the whole text out again
        // (the view caches one width); widths alternate so no iteration hits the cache.
        let mut resized = middle;
        let mut narrow = false;
        group.bench_function(format!("first_frame_after_resize/{name}"), |b| {
            b.iter(|| {
                narrow = !narrow;
                let w = if narrow { WIDTH - 1 } else { WIDTH };
                resized.update(Input::Resize(w, HEIGHT));
                terminal.backend_mut().resize(w, HEIGHT);
                terminal
                    .draw(|f| ui::draw(f, black_box(&resized), &theme))
                    .expect("draw");
            })
        });
        terminal.backend_mut().resize(WIDTH, HEIGHT);
        drop(resized);
        // Opening the memory: the answer is handled and the first frame drawn, with no
        // layout cached yet. Few users here: the user list's cost is measured above.
        group.bench_function(format!("first_frame_after_open/{name}"), |b| {
            b.iter_batched(
                || {
                    let mut app = app_with_users(50, 25);
                    let fx = app.perform(Action::Open);
                    let msgs = answers(fx, content.clone());
                    (app, msgs)
                },
                |(mut app, msgs)| {
                    for msg in msgs {
                        app.update(Input::Msg(msg));
                    }
                    terminal
                        .draw(|f| ui::draw(f, black_box(&app), &theme))
                        .expect("draw");
                    app
                },
                BatchSize::LargeInput,
            )
        });
        let mut end = loaded_app(content, USERS - 10);
        scroll_to_middle(&mut end);
        group.bench_function(format!("users_end_memory_mid/{name}"), |b| {
            b.iter(|| {
                terminal
                    .draw(|f| ui::draw(f, black_box(&end), &theme))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
