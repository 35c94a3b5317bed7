//! Snapshots of every pane and dialog at 80x24, 40x10 and 200x50, drawn from hand-built
//! states on `TestBackend`, plus a no-panic sweep over terminal sizes from 1x1 to 100x40.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use memory_console::api::{
    ApiError, ClientSettings, CourseMemory, MemoryEntry, MemoryRead, MemoryStatus, MentorListing,
    MentorMemory, OrgScope, StoreGap, StoreRead, TaskId, TaskState, UserRef, UserSummary,
    UsersPage,
};
use memory_console::app::{
    Action, App, Dialog, Effect, Input, Keymap, Level, Msg, Pane, StoreTab, Target, TaskItem,
};
use memory_console::config::OrgChoice;
use memory_console::connection::Connection;
use memory_console::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use secrecy::SecretString;

mod common;

use common::hostile::forbidden;

// ---- building states ----

fn session() -> Connection {
    Connection::new(
        "staging",
        ClientSettings::new(
            "https://api.example.com",
            SecretString::from("test-key".to_owned()),
        ),
        "env var IBL_API_KEY",
    )
}

fn orgs() -> Vec<OrgChoice> {
    vec![
        OrgChoice {
            scope: OrgScope::new("main"),
            name: Some("Main Campus".into()),
        },
        OrgChoice {
            scope: OrgScope::new("acme-university"),
            name: None,
        },
    ]
}

fn app_with(session: Connection) -> App {
    App::new(
        Connection {
            orgs: orgs(),
            ..session
        },
        Keymap::default(),
    )
}

fn user(i: usize) -> UserSummary {
    const FIRST: [&str; 6] = ["amara", "bo", "chen", "dmitri", "elif", "farah"];
    const LAST: [&str; 5] = ["okafor", "lindqvist", "wei", "ivanov", "yilmaz"];
    let first = FIRST[i % FIRST.len()];
    let last = LAST[i % LAST.len()];
    UserSummary {
        username: format!("{first}.{last}{}", 1001 + i),
        user_id: Some(1001 + i as i64),
        name: Some(format!("{} {}", capital(first), capital(last))),
        email: None,
        platform_key: Some("main".into()),
        platform_org: None,
        active: Some(true),
        is_admin: None,
        is_staff: None,
        added_on: None,
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn req_of_users(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadUsers { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a LoadUsers effect")
}

/// Starts the app (orgs loading, first org's users asked for) and answers the org names.
fn started(session: Connection) -> (App, u64) {
    let mut app = app_with(session);
    let fx = app.start();
    let req = req_of_users(&fx);
    for (org, name) in [(0, "Main Campus"), (1, "Acme University")] {
        app.update(Input::Msg(Msg::OrgInfo {
            org,
            result: Ok(memory_console::api::OrgInfo {
                key: String::new(),
                name: Some(name.into()),
                org: None,
                active: Some(true),
                lms_url: None,
                portal_url: None,
            }),
        }));
    }
    (app, req)
}

/// An app whose first org shows `users` (all of them, as one page).
fn with_users(session: Connection, users: Vec<UserSummary>) -> App {
    let (mut app, req) = started(session);
    let count = users.len() as u64;
    let fx = app.update(Input::Msg(Msg::Users {
        req,
        result: Ok(UsersPage {
            count,
            page: 1,
            next_page: None,
            previous_page: None,
            unreadable: 0,
            results: users,
        }),
    }));
    assert!(fx.is_empty(), "one page and no next: {fx:?}");
    app.focus = Pane::Users;
    app
}

fn hostile_user() -> UserSummary {
    UserSummary {
        username: "hostile.hannah".into(),
        name: Some("Hannah \u{1b}[31mHostile\u{1b}[0m".into()),
        ..user(0)
    }
}

fn users_app() -> App {
    let mut users = vec![hostile_user()];
    users.extend((1..30).map(user));
    with_users(session(), users)
}

fn entry(id: i64, content: &str, session_id: Option<&str>) -> MemoryEntry {
    MemoryEntry {
        id,
        username: "hostile.hannah".into(),
        platform_key: "main".into(),
        content: Some(content.into()),
        session_id: session_id.map(Into::into),
    }
}

/// Opens the selected user and answers its memory and on/off state.
fn open_user(app: &mut App, memory: Result<Vec<MemoryEntry>, ApiError>, enabled: bool) {
    app.focus = Pane::Users;
    let fx = app.perform(Action::Open);
    let (mut mreq, mut sreq) = (None, None);
    for e in &fx {
        match e {
            Effect::LoadMemory { req, .. } => mreq = Some(*req),
            Effect::LoadStatus { req, .. } => sreq = Some(*req),
            _ => {}
        }
    }
    app.update(Input::Msg(Msg::Memory {
        req: mreq.expect("a LoadMemory effect"),
        result: memory.map(|entries| MemoryRead {
            entries,
            complete: true,
        }),
    }));
    app.update(Input::Msg(Msg::Status {
        req: sreq.expect("a LoadStatus effect"),
        result: Ok(MemoryStatus {
            enabled,
            id: None,
            username: None,
            platform_key: None,
        }),
    }));
}

const ORDINARY: &str = "Prefers short answers with an example first.\n\
Studies Biology 201 on weekday evenings; exam on 12 June.\n\
Asked for summaries in Spanish when the topic is new.\n\
Likes being quizzed at the end of a session.";

/// Every kind of text a terminal could be fooled by.
const HOSTILE: &str = "colour: \u{1b}[31mRED\u{1b}[0m csi\n\
title: \u{1b}]0;pwned\u{7} osc0\n\
clip: \u{1b}]52;c;ZXZpbA==\u{7} osc52\n\
dcs: \u{1b}P+q544e\u{1b}\\ end\n\
over\rwrite cr\n\
bidi: abc\u{202e}fed rlo\n\
zero\u{200b}width zwsp\n\
c1: \u{9b}31m csi8\n\
emoji: 😀👩‍💻 cjk: 中文字符";

fn memory_app(content: Result<Vec<MemoryEntry>, ApiError>) -> App {
    let mut app = users_app();
    open_user(&mut app, content, true);
    app
}

fn ordinary_memory() -> App {
    memory_app(Ok(vec![entry(
        7,
        ORDINARY,
        Some("937d3d46-3048-4f9d-aa5c-ce7c51d85332"),
    )]))
}

fn hostile_memory() -> App {
    memory_app(Ok(vec![entry(8, HOSTILE, Some("\u{1b}]0;sess\u{7}"))]))
}

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

fn target(name: &str) -> Target {
    Target {
        org: OrgScope::new("main"),
        user: UserRef::by_name(name),
    }
}

fn task(name: &str, state: Option<&str>) -> TaskItem {
    TaskItem {
        target: target(name),
        task_id: TaskId(format!("task-{name}")),
        kind: "update",
        state: state.map(TaskState::from_word),
        unknown_reason: None,
        // Drawn well within a second of now, so every age reads "0 s".
        created: Instant::now(),
        queued_before: Some(Duration::ZERO),
        next_delay: Duration::from_secs(1),
        gave_up: false,
        text: String::new(),
        earlier_run: false,
    }
}

fn tasks_app() -> App {
    let mut app = ordinary_memory();
    let mut unknown = task("chen.wei1003", None);
    unknown.unknown_reason = Some("the server did not answer in time".into());
    let mut gave_up = task("dmitri.ivanov1004", Some("pending"));
    gave_up.gave_up = true;
    let mut earlier = task("elif.yilmaz1005", Some("weird-state"));
    earlier.earlier_run = true;
    app.tasks.items = vec![
        task("amara.okafor1001", None),
        task("bo.lindqvist1002", Some("completed")),
        task("hostile.hannah", Some("FAILURE")),
        unknown,
        gave_up,
        earlier,
    ];
    app.focus = Pane::Tasks;
    app
}

// ---- drawing ----

fn draw_with(app: &mut App, w: u16, h: u16, theme: &Theme) -> Terminal<TestBackend> {
    app.update(Input::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    terminal
        .draw(|f| ui::draw(f, app, theme))
        .expect("drawing on TestBackend");
    terminal
}

fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    draw_with(app, w, h, &Theme::plain())
}

/// The screen as text rows, for `contains` checks; the cells a wide character covers are
/// skipped, as a terminal shows them.
fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn assert_clean(buf: &Buffer) {
    for (i, cell) in buf.content.iter().enumerate() {
        let sym = cell.symbol();
        assert!(
            !sym.chars().any(forbidden),
            "cell {} (x {}, y {}) holds {sym:?}",
            i,
            i % buf.area.width as usize,
            i / buf.area.width as usize
        );
    }
}

/// Snapshots `app` at 80x24, 40x10 and 200x50 under `name_WxH`.
macro_rules! snap_both {
    ($name:literal, $app:expr) => {{
        let app: &mut App = $app;
        for (w, h) in [(80u16, 24u16), (40, 10), (200, 50)] {
            let t = draw(app, w, h);
            assert_clean(t.backend().buffer());
            insta::assert_snapshot!(format!("{}_{w}x{h}", $name), t.backend());
        }
    }};
}

// ---- the panes ----

#[test]
fn users_list_with_search_open() {
    let mut app = users_app();
    app.update(Input::Key(KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::NONE,
    )));
    typed(&mut app, "ok");
    assert!(app.users.search_input.is_some());
    snap_both!("users_search_open", &mut app);
}

#[test]
fn users_list_with_a_search_applied_and_selection_moved() {
    let mut app = users_app();
    app.update(key(KeyCode::Char('/')));
    typed(&mut app, "okafor");
    let fx = app.update(key(KeyCode::Enter));
    let asked = fx.iter().find_map(|e| match e {
        Effect::LoadUsers { req, query, .. } => Some((*req, query.search.clone())),
        _ => None,
    });
    let (req, search) = asked.expect("Enter sends the search");
    assert_eq!(search, "okafor");
    // The server's answer: only the matching users.
    let matching: Vec<UserSummary> = (1..30)
        .map(user)
        .filter(|u| u.username.contains("okafor"))
        .collect();
    assert_eq!(matching.len(), 5);
    app.update(Input::Msg(Msg::Users {
        req,
        result: Ok(UsersPage {
            count: matching.len() as u64,
            page: 1,
            next_page: None,
            previous_page: None,
            unreadable: 0,
            results: matching,
        }),
    }));
    app.perform(Action::Down);
    app.perform(Action::Down);
    assert_eq!(app.users.list.selected, 2);
    assert_eq!(
        app.users.items[app.users.list.selected].username,
        "dmitri.okafor1016"
    );
    let t = draw(&mut app, 80, 24);
    let buf = t.backend().buffer();
    let screen = text(buf);
    let listed: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains(".okafor") || l.contains(".lindqvist") || l.contains(".wei"))
        .collect();
    assert_eq!(listed.len(), 5, "only the matches are listed:\n{screen}");
    assert!(!screen.contains("hostile.hannah"), "{screen}");
    // The moved selection is the highlighted row, and no other row is.
    let row_of = |name: &str| {
        screen
            .lines()
            .position(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not shown:\n{screen}")) as u16
    };
    let style_at = |y: u16| buf[(2, y)].style();
    let selected = style_at(row_of("dmitri.okafor1016"));
    for other in ["farah.okafor1006", "elif.okafor1011", "chen.okafor1021"] {
        assert_ne!(style_at(row_of(other)), selected, "{other} looks selected");
    }
    snap_both!("users_search_applied", &mut app);
}

#[test]
fn memory_ordinary() {
    snap_both!("memory_ordinary", &mut ordinary_memory());
}

#[test]
fn at_40x10_the_memory_text_comes_before_the_chrome() {
    let mut app = memory_app(Ok(vec![
        entry(1, ORDINARY, None),
        entry(2, "second entry\nwith two lines\nand a third", Some("s-2")),
    ]));
    app.focus = Pane::Memory;
    app.perform(Action::NextEntry);
    let t = draw(&mut app, 40, 10);
    let screen = text(t.backend().buffer());
    // The Tasks pane, the tab bar and the entry list give way; where the reader is stays.
    for want in [
        "entry 2 of 2",
        "second entry",
        "with two lines",
        "and a third",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    assert!(!screen.contains("Tasks"), "{screen}");
    // With the focus on it, the Tasks pane is back.
    app.focus = Pane::Tasks;
    let t = draw(&mut app, 40, 10);
    assert!(text(t.backend().buffer()).contains("Tasks (0 open)"));
}

#[test]
fn memory_several_entries_scrolled() {
    let mut app = memory_app(Ok(vec![
        entry(1, ORDINARY, None),
        entry(2, "second entry\nwith two lines", Some("s-2")),
        entry(3, "third", None),
        entry(4, "fourth, \u{1b}]0;hostile\u{7} \u{202e}in the list", None),
    ]));
    app.focus = Pane::Memory;
    app.perform(Action::NextEntry);
    assert_eq!(app.memory.selected_entry().map(|e| e.id), Some(2));
    app.perform(Action::Down);
    snap_both!("memory_entry_list", &mut app);
}

#[test]
fn memory_of_a_server_that_shows_one_entry_at_a_time() {
    let mut app = ordinary_memory();
    if let Some(read) = app.memory.entries.ready().cloned() {
        let req = app.memory.req;
        app.update(Input::Msg(Msg::Memory {
            req,
            result: Ok(MemoryRead {
                entries: read,
                complete: false,
            }),
        }));
    }
    let t = draw(&mut app, 80, 24);
    assert!(text(t.backend().buffer()).contains("entry 1 of 1+"));
    snap_both!("memory_one_shown_of_more", &mut app);
}

#[test]
fn memory_hostile_content_is_escaped() {
    let mut app = hostile_memory();
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    for shown in [
        r"\x1b[31m",
        r"\x1b]0;pwned",
        r"\x1b]52;c;",
        r"\x1bP+q544e",
        "中文",
    ] {
        assert!(screen.contains(shown), "{shown} missing from\n{screen}");
    }
    snap_both!("memory_hostile", &mut app);
}

#[test]
fn memory_hostile_with_default_theme_styles() {
    let mut app = hostile_memory();
    let t = draw_with(&mut app, 80, 24, &Theme::default());
    assert_clean(t.backend().buffer());
    insta::assert_debug_snapshot!("memory_hostile_styled_80x24", t.backend().buffer());
}

#[test]
fn memory_empty() {
    let mut app = memory_app(Ok(Vec::new()));
    let t = draw(&mut app, 80, 24);
    assert!(text(t.backend().buffer()).contains("no memory yet: press n"));
    snap_both!("memory_empty", &mut app);
}

#[test]
fn memory_error_names_the_env_var() {
    let mut app = memory_app(Err(ApiError::Unauthorized { detail: None }));
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("IBL_API_KEY"), "{screen}");
    assert!(!screen.contains("env var env var"), "{screen}");
    snap_both!("memory_error", &mut app);
}

#[test]
fn users_error() {
    let (mut app, req) = started(session());
    app.update(Input::Msg(Msg::Users {
        req,
        result: Err(ApiError::Forbidden {
            detail: Some("You do not have permission.".into()),
        }),
    }));
    snap_both!("users_error", &mut app);
}

#[test]
fn loading_spinners() {
    let mut app = app_with(session());
    app.start();
    app.update(Input::Tick(std::time::Instant::now()));
    snap_both!("loading_start", &mut app);
}

#[test]
fn memory_loading_spinner() {
    let mut app = users_app();
    app.perform(Action::Open);
    app.update(Input::Tick(std::time::Instant::now()));
    app.update(Input::Tick(std::time::Instant::now()));
    snap_both!("loading_memory", &mut app);
}

#[test]
fn tasks_pane_states() {
    let mut app = tasks_app();
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("0 s"), "{screen}");
    // 80x24 has room for five of the six; the last comes into view at the bottom.
    for shown in [
        "amara.okafor1001",
        "bo.lindqvist1002",
        "hostile.hannah",
        "chen.wei1003",
        "dmitri.ivanov1004",
    ] {
        assert!(screen.contains(shown), "{shown}:\n{screen}");
    }
    assert!(!screen.contains("weird-st"), "{screen}");
    snap_both!("tasks", &mut app);
    app.perform(Action::Bottom);
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("elif.yilmaz1005"), "{screen}");
    assert!(screen.contains("unknown (weird-st"), "{screen}");
    // With room for all six, every state is drawn at once.
    let mut app = tasks_app();
    let t = draw(&mut app, 80, 30);
    let screen = text(t.backend().buffer());
    for state in [
        "queued",
        "done (completed)",
        "failed (FAILURE)",
        "state unknown: the ser",
        "state unknown (ga",
        "unknown (weird-st",
    ] {
        assert!(screen.contains(state), "{state}:\n{screen}");
    }
    assert_clean(t.backend().buffer());
}

#[test]
fn editor_open() {
    let mut app = ordinary_memory();
    app.focus = Pane::Memory;
    app.perform(Action::Edit);
    assert!(app.editor.is_some());
    typed(&mut app, "Note: ");
    snap_both!("editor", &mut app);
}

#[test]
fn editor_with_hostile_text_shows_no_controls() {
    let mut app = hostile_memory();
    app.focus = Pane::Memory;
    app.perform(Action::Edit);
    assert!(app.editor.is_some());
    snap_both!("editor_hostile", &mut app);
}

#[test]
fn editor_save_error() {
    let mut app = ordinary_memory();
    app.focus = Pane::Memory;
    app.perform(Action::Edit);
    typed(&mut app, "x");
    app.update(Input::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    let target = app.editor.as_ref().expect("editor").target.clone();
    app.update(Input::Msg(Msg::Queued {
        target,
        text: String::new(),
        result: Err(ApiError::Server {
            status: 502,
            excerpt: "Bad Gateway".into(),
        }),
    }));
    snap_both!("editor_error", &mut app);
}

#[test]
fn erase_dialog() {
    let mut app = ordinary_memory();
    app.focus = Pane::Memory;
    app.perform(Action::Erase);
    assert!(matches!(app.dialog, Some(Dialog::Erase(_))));
    snap_both!("erase_empty", &mut app);
    typed(&mut app, "hostile.ha");
    snap_both!("erase_typed", &mut app);
    typed(&mut app, "x");
    app.update(key(KeyCode::Enter));
    assert!(matches!(&app.dialog, Some(Dialog::Erase(d)) if d.mismatch));
    snap_both!("erase_mismatch", &mut app);
}

#[test]
fn help_overlay() {
    let mut app = ordinary_memory();
    app.perform(Action::Help);
    snap_both!("help", &mut app);
}

#[test]
fn quit_and_discard_questions() {
    let mut app = ordinary_memory();
    app.focus = Pane::Memory;
    app.perform(Action::Edit);
    typed(&mut app, "x");
    app.dialog = Some(Dialog::ConfirmQuit);
    snap_both!("confirm_quit", &mut app);
    app.dialog = None;
    app.update(key(KeyCode::Esc));
    assert!(matches!(app.dialog, Some(Dialog::ConfirmDiscard)));
    snap_both!("confirm_discard", &mut app);
}

#[test]
fn badges_and_status() {
    let mut s = session();
    s.demo = true;
    s.read_only = true;
    s.profile = "demo".into();
    s.settings.base_url = "http://127.0.0.1:40000".into();
    let mut users = vec![hostile_user()];
    users.extend((1..5).map(user));
    let mut app = with_users(s, users);
    open_user(&mut app, Ok(vec![entry(3, ORDINARY, None)]), false);
    app.focus = Pane::Memory;
    app.perform(Action::Edit);
    assert!(app.editor.is_none(), "read-only refuses the editor");
    assert!(matches!(&app.status, Some(s) if s.level == Level::Warning));
    snap_both!("badges_read_only_demo", &mut app);
}

// ---- long names, long paths, hostile text; the dialogs added for the agent's day ----

const LONG_ORG: &str = "Northwestern Community College of Applied Health Sciences";

/// Long org names, a long user with email and flags, a long backup path in the status line.
fn long_names_app() -> App {
    let orgs = vec![
        OrgChoice {
            scope: OrgScope::new("nwcc-applied-health"),
            name: Some(LONG_ORG.into()),
        },
        OrgChoice {
            scope: OrgScope::new("acme"),
            name: Some("Acme \u{202e}University\u{1b}]0;x\u{7}".into()),
        },
    ];
    let mut app = App::new(Connection { orgs, ..session() }, Keymap::default());
    let fx = app.start();
    let req = req_of_users(&fx);
    let long = UserSummary {
        username: "maximilian.alexander.von.hohenzollern-sigmaringen".into(),
        user_id: Some(4_200_017),
        name: Some("Maximilian Alexander von Hohenzollern-Sigmaringen \u{202e}III".into()),
        email: Some("maximilian.alexander.von.hohenzollern@students.example-university.edu".into()),
        platform_key: Some("nwcc-applied-health".into()),
        platform_org: None,
        active: Some(false),
        is_admin: Some(true),
        is_staff: None,
        added_on: Some("2024-03-01T09:15:42.123456Z".into()),
    };
    let mut users = vec![long, hostile_user()];
    users.extend((1..60).map(user));
    app.update(Input::Msg(Msg::Users {
        req,
        result: Ok(UsersPage {
            count: 164,
            page: 1,
            next_page: Some(2),
            previous_page: None,
            unreadable: 0,
            results: users,
        }),
    }));
    open_user(&mut app, Ok(vec![entry(3, ORDINARY, None)]), true);
    app.set_status(
        Level::Success,
        "memory erased for maximilian.alexander.von.hohenzollern-sigmaringen; backup at \
         ~/.local/share/memory-console/backups/nwcc-applied-health/maximilian.alexander.von.hohenzollern-sigmaringen-20261128T210405Z.json (u undoes)",
    );
    app.focus = Pane::Memory;
    app
}

#[test]
fn long_names_paths_and_hostile_text() {
    let mut app = long_names_app();
    snap_both!("long_names", &mut app);
    // At 200 columns the org name is whole, and the user's details stand beside the memory.
    let t = draw(&mut app, 200, 50);
    let screen = text(t.backend().buffer());
    assert!(screen.contains(LONG_ORG), "{screen}");
    // The long email takes more rows of the box rather than losing its end.
    assert!(screen.contains("email   maximilian.alexander."), "{screen}");
    assert!(screen.contains("university.edu"), "{screen}");
    assert!(screen.contains("id      4200017"), "{screen}");
    assert!(screen.contains("admin   yes"), "{screen}");
    assert!(screen.contains("joined  2024-03-01"), "{screen}");
    // Narrower, the details above the memory take a second row: no flag is lost, and a
    // cut value ends with "…".
    for (w, h) in [(80u16, 24u16), (100, 30)] {
        let t = draw(&mut app, w, h);
        let screen = text(t.backend().buffer());
        for want in [
            "id 4200017",
            "active no",
            "admin yes",
            "joined 2024-03-01",
            "maximilian.alexan",
        ] {
            assert!(screen.contains(want), "{w}x{h}: {want}\n{screen}");
        }
    }
    // The status line takes two rows at 80x24: the start, the path shortened in its
    // middle (home as `~`, the file name whole) and the advice.
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    let rows: Vec<&str> = screen.lines().skip(22).map(str::trim_end).collect();
    assert!(
        rows[0].starts_with("memory erased for maximilian"),
        "{rows:?}"
    );
    assert!(rows[1].contains("~/.local/"), "{rows:?}");
    assert!(rows[1].ends_with("210405Z.json (u undoes)"), "{rows:?}");
    // At 40x10 there is one row: the end that says what to do stays.
    let t = draw(&mut app, 40, 10);
    let screen = text(t.backend().buffer());
    let last = screen.lines().nth(9).unwrap_or("").trim_end();
    assert!(last.starts_with("memory era"), "{last}");
    assert!(last.ends_with("(u undoes)"), "{last}");
}

#[test]
fn quit_and_help_stay_in_the_footer() {
    for (w, h) in [(80u16, 24u16), (40, 10), (200, 50)] {
        for pane in [Pane::Orgs, Pane::Users, Pane::Memory, Pane::Tasks] {
            let mut app = long_names_app();
            app.focus = pane;
            let t = draw(&mut app, w, h);
            // A long status message may take two rows under the footer.
            let at = ui::layout::areas_for(
                ratatui::layout::Rect::new(0, 0, w, h),
                ui::layout::Shape::of(&app),
            )
            .footer
            .y;
            let footer = text(t.backend().buffer())
                .lines()
                .nth(usize::from(at))
                .unwrap_or("")
                .to_owned();
            assert!(footer.contains("q quit"), "{pane:?} {w}x{h}: {footer}");
            assert!(footer.contains("? help"), "{pane:?} {w}x{h}: {footer}");
        }
    }
}

#[test]
fn footer_offers_only_what_applies() {
    let mut app = memory_app(Ok(vec![]));
    app.focus = Pane::Memory;
    let t = draw(&mut app, 200, 50);
    let footer = text(t.backend().buffer())
        .lines()
        .nth(48)
        .unwrap_or("")
        .to_owned();
    assert!(footer.contains("n create memory"), "{footer}");
    assert!(!footer.contains("edit memory"), "{footer}");
    assert!(!footer.contains("erase memory"), "{footer}");
}

#[test]
fn toggle_asks_first() {
    let mut app = ordinary_memory();
    app.focus = Pane::Memory;
    let fx = app.perform(Action::ToggleMemory);
    assert!(fx.is_empty(), "nothing is sent before y: {fx:?}");
    snap_both!("confirm_toggle", &mut app);
    let t = draw(&mut app, 80, 24);
    assert!(
        text(t.backend().buffer()).contains("Switch memory OFF for hostile.hannah (main)? y/n")
    );
}

#[test]
fn command_line_open() {
    let mut app = users_app();
    app.perform(Action::Command);
    typed(
        &mut app,
        "user maximilian.alexander.von.hohenzollern@students.example.edu",
    );
    snap_both!("command_line", &mut app);
}

#[test]
fn users_title_counts_total_and_loaded() {
    let app = long_names_app();
    assert_eq!(app.users.count_label(), "164 users · 61 loaded");
}

fn audit_records() -> Vec<memory_console::store::AuditRecord> {
    let line = |phase: &str, extra: &str| {
        format!(
            r#"{{"time":"2026-11-28T21:04:05.123456789Z","phase":"{phase}","id":"a1","os_user":"agent","profile":"staging","base_url":"https://api.example.com","key_fingerprint":"sha256:1f2e3d4c","action":"erase","org":"nwcc-applied-health","user":"maximilian.alexander.von.hohenzollern-sigmaringen","entry_id":null,"task_id":null,"http_status":{extra},"backup_path":"/home/agent/.local/share/memory-console/backups/nwcc-applied-health/maximilian-20261128T210405Z.json","result":{},"error":null}}"#,
            if phase == "outcome" {
                r#""ok""#
            } else {
                "null"
            }
        )
    };
    [line("intent", "null"), line("outcome", "204")]
        .iter()
        .map(|l| serde_json::from_str(l).expect("an audit record"))
        .collect()
}

#[test]
fn audit_window_keeps_result_and_status() {
    let mut app = ordinary_memory();
    app.dialog = Some(Dialog::Audit {
        records: memory_console::app::Load::Ready(audit_records()),
        scroll: 0,
    });
    snap_both!("audit", &mut app);
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("ok HTTP 204"), "{screen}");
    assert!(screen.contains("2026-11-28 21:04 UTC"), "{screen}");
    assert!(!screen.contains("123456789"), "{screen}");
}

#[test]
fn conflict_dialog_wraps_its_first_line_and_keys() {
    let mut app = ordinary_memory();
    app.dialog = Some(Dialog::Conflict(memory_console::app::ConflictDialog {
        target: target("maximilian.alexander.von.hohenzollern-sigmaringen"),
        mine: "likes chess\nnew line \u{1b}[31m, then a sentence long enough to pass the \
               edge of a forty column terminal"
            .into(),
        server: "likes chess\nold line \u{202e}".into(),
        session_id: None,
        creating: false,
        entry: Some(7),
        scroll: 0,
    }));
    snap_both!("conflict", &mut app);
    let t = draw(&mut app, 40, 24);
    let screen = text(t.backend().buffer());
    // The last words of the explanation and of the key hints are on screen.
    assert!(screen.contains("sent."), "{screen}");
    assert!(screen.contains("↑↓ scroll"), "{screen}");
    // A diff line wraps between words rather than running off the dialog.
    assert!(screen.contains("+ edge of a forty column"), "{screen}");
}

#[test]
fn help_stops_at_its_end() {
    let mut app = ordinary_memory();
    app.perform(Action::Help);
    app.update(Input::Resize(80, 24));
    for _ in 0..200 {
        app.update(key(KeyCode::Down));
    }
    let Some(Dialog::Help { scroll }) = app.dialog else {
        panic!("help is open");
    };
    assert!(scroll > 0 && scroll < 40, "scroll {scroll}");
    let t = draw(&mut app, 80, 24);
    assert!(text(t.backend().buffer()).contains("undo / redo"));
    app.update(key(KeyCode::Up));
    let Some(Dialog::Help { scroll: after }) = app.dialog else {
        panic!("help is open");
    };
    assert_eq!(after, scroll - 1, "one Up moves back at once");
}

#[test]
fn tiny_sizes() {
    for (w, h) in [(1u16, 1u16), (10, 3), (19, 5)] {
        let mut app = ordinary_memory();
        let t = draw(&mut app, w, h);
        assert_clean(t.backend().buffer());
        insta::assert_snapshot!(format!("tiny_{w}x{h}"), t.backend());
    }
}

// ---- no size panics ----

fn sweep_states() -> Vec<(&'static str, App)> {
    let mut editor = hostile_memory();
    editor.focus = Pane::Memory;
    editor.perform(Action::Edit);
    let mut erase = ordinary_memory();
    erase.focus = Pane::Memory;
    erase.perform(Action::Erase);
    typed(&mut erase, "hostile");
    let mut help = tasks_app();
    help.perform(Action::Help);
    let mut quit = ordinary_memory();
    quit.focus = Pane::Memory;
    quit.perform(Action::Edit);
    quit.dialog = Some(Dialog::ConfirmQuit);
    let mut search = users_app();
    search.perform(Action::Search);
    typed(&mut search, "a");
    let mut long = memory_app(Ok(vec![entry(9, &"word ".repeat(3000), None)]));
    long.focus = Pane::Memory;
    long.perform(Action::Bottom);
    vec![
        ("hostile memory", hostile_memory()),
        ("tasks", tasks_app()),
        ("editor", editor),
        ("erase", erase),
        ("help", help),
        ("quit", quit),
        ("search", search),
        ("long memory at bottom", long),
        ("long names", long_names_app()),
        ("toggle question", {
            let mut a = long_names_app();
            a.perform(Action::ToggleMemory);
            a
        }),
        ("command line", {
            let mut a = long_names_app();
            a.perform(Action::Command);
            typed(&mut a, "user \u{202e}x");
            a
        }),
        ("mentor tab", stores_app(StoreTab::Mentor)),
        ("course tab", stores_app(StoreTab::Course)),
        ("forget dialog", {
            let mut a = stores_app(StoreTab::Mentor);
            a.perform(Action::Forget);
            a
        }),
    ]
}

/// Every size up to 40x40, where the edge cases live, then every third size up to 100x40.
fn sweep_sizes() -> impl Iterator<Item = (u16, u16)> {
    let small = (1..=40u16).flat_map(|w| (1..=40u16).map(move |h| (w, h)));
    let large = (41..=100u16)
        .step_by(3)
        .chain([100])
        .flat_map(|w| (1..=40u16).step_by(3).chain([40]).map(move |h| (w, h)));
    small.chain(large)
}

fn sweep(states: impl Iterator<Item = (&'static str, App)>) {
    let theme = Theme::default();
    for (name, mut app) in states {
        // One terminal per state, resized like a real one, so the sweep stays quick.
        let mut terminal = Terminal::new(TestBackend::new(1, 1)).expect("a test terminal");
        for (w, h) in sweep_sizes() {
            app.update(Input::Resize(w, h));
            terminal.backend_mut().resize(w, h);
            terminal
                .resize(ratatui::layout::Rect::new(0, 0, w, h))
                .expect("resize");
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                terminal
                    .draw(|f| ui::draw(f, &app, &theme))
                    .expect("drawing on TestBackend");
            }));
            assert!(result.is_ok(), "{name} panicked at {w}x{h}");
            assert_clean(terminal.backend().buffer());
        }
    }
}

#[test]
fn every_size_from_1x1_to_100x40_draws_without_panic_even_states() {
    sweep(sweep_states().into_iter().step_by(2));
}

#[test]
fn every_size_from_1x1_to_100x40_draws_without_panic_odd_states() {
    sweep(sweep_states().into_iter().skip(1).step_by(2));
}

// ---- the store tabs ----

/// Mentor memories in three categories (one with a slash and a space), entries with and
/// without expiry, hostile keys and values.
fn mentor_fixture() -> MentorListing {
    let memories: Vec<MentorMemory> = serde_json::from_value(serde_json::json!([
        {"unique_id": "m-1", "name": "Who they are", "category": "personal_information",
         "entries": [
            {"unique_id": "e-1", "key": "name", "value": "Hannah \u{1b}[31mHostile\u{1b}[0m",
             "updated_at": "2025-09-03T09:12:00+00:00", "expires_at": null},
            {"unique_id": "e-2", "key": "\u{1b}]0;pwned\u{7}title", "value": "invoice\u{202e}fdp.exe and zero\u{200b}width",
             "updated_at": "2025-09-04T10:00:00.123456789+00:00", "expires_at": "2027-06-30T00:00:00+00:00"}
         ]},
        {"unique_id": "m-2", "category": "knowledge_gaps",
         "entries": [
            {"unique_id": "e-3", "key": "fractions", "value": "Confuses numerator and denominator.\nAsked twice about 3/4.",
             "updated_at": "2025-09-03T09:12:00+00:00", "expires_at": "2026-01-01T00:00:00+00:00"}
         ]},
        {"unique_id": "m-3", "category": "notes/2024 spring",
         "entries": [
            {"unique_id": "e-4", "key": "clip", "value": "\u{1b}]52;c;ZXZpbA==\u{7} osc52",
             "updated_at": "\u{1b}[2Jnot a date", "expires_at": null}
         ]}
    ]))
    .expect("mentor fixture");
    MentorListing {
        memories,
        count: Some(3),
    }
}

fn course_fixture() -> Vec<CourseMemory> {
    serde_json::from_value(serde_json::json!([
        {"id": 11, "catalog_item": "3f2b8c1e-2d4a-4c57-9a61-0c1f6f0e8b21",
         "lessons": {"completed": ["Cells", "Osmosis"], "in_progress": ["\u{1b}]0;pwned\u{7}Genetics"]},
         "next_steps": {"recommended": ["Quiz on osmosis", "abc\u{202e}fed"]}},
        {"id": "12", "catalog_item": "course-v1:edX+DemoX+Demo_Course",
         "lessons": ["intro"], "next_steps": "review chapter 2"}
    ]))
    .expect("course fixture")
}

/// The hostile user opened with memory in all three stores, on `tab`, an item selected.
fn stores_app(tab: StoreTab) -> App {
    let mut app = users_app();
    app.focus = Pane::Users;
    let fx = app.perform(Action::Open);
    let mut memory = None;
    let mut status = None;
    for e in &fx {
        match e {
            Effect::LoadMemory { req, .. } => memory = Some(*req),
            Effect::LoadStatus { req, .. } => status = Some(*req),
            Effect::LoadMentor { req, .. } => {
                app.update(Input::Msg(Msg::Mentor {
                    req: *req,
                    result: Ok(StoreRead::Items(mentor_fixture())),
                }));
            }
            Effect::LoadCourse { req, .. } => {
                app.update(Input::Msg(Msg::Course {
                    req: *req,
                    result: Ok((StoreRead::Items(course_fixture()), true)),
                }));
            }
            _ => {}
        }
    }
    app.update(Input::Msg(Msg::Memory {
        req: memory.expect("a memory load"),
        result: Ok(MemoryRead {
            entries: vec![entry(7, ORDINARY, None), entry(9, HOSTILE, None)],
            complete: true,
        }),
    }));
    app.update(Input::Msg(Msg::Status {
        req: status.expect("a status load"),
        result: Ok(MemoryStatus {
            enabled: true,
            id: None,
            username: None,
            platform_key: None,
        }),
    }));
    let key = match tab {
        StoreTab::Chat => '1',
        StoreTab::Mentor => '2',
        StoreTab::Course => '3',
    };
    app.update(Input::Key(KeyEvent::new(
        KeyCode::Char(key),
        KeyModifiers::NONE,
    )));
    app.update(Input::Key(KeyEvent::new(
        KeyCode::Char(']'),
        KeyModifiers::NONE,
    )));
    app
}

#[test]
fn chat_tab_counts_every_store() {
    let mut app = stores_app(StoreTab::Chat);
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains("1 Chat (2)  2 Mentor (4)  3 Course (2)"),
        "{screen}"
    );
    snap_both!("tab_chat", &mut app);
}

/// A mentor list taller than its room says how many rows are out of view, above and below,
/// so no category is missed unseen.
#[test]
fn a_mentor_list_without_room_counts_the_rows_out_of_view() {
    let mut app = stores_app(StoreTab::Mentor);
    let t = draw(&mut app, 80, 17);
    let screen = text(t.backend().buffer());
    assert!(screen.contains("↓ "), "{screen}");
    assert!(screen.contains("more rows"), "{screen}");
    insta::assert_snapshot!("tab_mentor_cramped_80x17", t.backend());
}

#[test]
fn mentor_tab_groups_by_category_and_escapes() {
    let mut app = stores_app(StoreTab::Mentor);
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    let at = |s: &str| {
        screen
            .find(s)
            .unwrap_or_else(|| panic!("{s:?} missing from\n{screen}"))
    };
    // Sorted categories, each heading above its entries.
    assert!(at("knowledge_gaps") < at("fractions"));
    assert!(at("fractions") < at("notes/2024 spring"));
    assert!(at("notes/2024 spring") < at("personal_information"));
    assert!(at("personal_information") < at("name: Hannah"));
    for shown in [
        r"\x1b]0;pwned",
        "exp never",
        "exp 2026-01-01",
        r"\x1b[2Jnot",
    ] {
        at(shown);
    }
    // `]` moved from the first entry (fractions) to the next in row order.
    assert_eq!(
        app.stores.selected_mentor().map(|i| i.entry.key.as_str()),
        Some("clip")
    );
    snap_both!("tab_mentor", &mut app);
    // The last entry's value, in full under the list, with its bidi override escaped.
    app.update(Input::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)));
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains(r"invoice\u{202e}fdp.exe and zero\u{200b}width"),
        "{screen}"
    );
    // Its times as the console shows times: to the minute, no nanoseconds.
    let t = draw(&mut app, 200, 50);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains("updated 2025-09-04 10:00 UTC · expires 2027-06-30 00:00 UTC"),
        "{screen}"
    );
    assert!(!screen.contains("123456789"), "{screen}");
}

#[test]
fn course_tab_shows_the_selected_memory_as_json() {
    let mut app = stores_app(StoreTab::Course);
    app.update(Input::Key(KeyEvent::new(
        KeyCode::Char('['),
        KeyModifiers::NONE,
    )));
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    for shown in [
        "#11 · 3f2b8c1e",
        "#12 · course-v1:edX+DemoX+Demo_Course",
        "\"completed\": [",
        // JSON escapes control characters itself; the bidi override is escaped on screen.
        r"\u001b]0;pwned",
    ] {
        assert!(screen.contains(shown), "{shown:?} missing from\n{screen}");
    }
    snap_both!("tab_course", &mut app);
    // PgDn scrolls the JSON to `next_steps`, its bidi override escaped.
    app.update(Input::Resize(80, 24));
    app.update(Input::Key(KeyEvent::new(
        KeyCode::PageDown,
        KeyModifiers::NONE,
    )));
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(screen.contains(r"abc\u{202e}fed"), "{screen}");
}

#[test]
fn a_store_the_server_does_not_offer_says_why() {
    let mut app = stores_app(StoreTab::Mentor);
    let req = app.stores.mentor_req;
    app.update(Input::Msg(Msg::Mentor {
        req,
        result: Ok(StoreRead::Unavailable(StoreGap {
            status: 405,
            detail: Some("Method \"GET\" not allowed.\u{1b}[2J".into()),
        })),
    }));
    let t = draw(&mut app, 80, 24);
    assert_clean(t.backend().buffer());
    let screen = text(t.backend().buffer());
    assert!(screen.contains("2 Mentor (n/a)"), "{screen}");
    assert!(screen.contains("405"), "{screen}");
    insta::assert_snapshot!("tab_mentor_unavailable_80x24", t.backend());
}

#[test]
fn forget_asks_for_the_username_naming_every_store() {
    let mut app = stores_app(StoreTab::Mentor);
    app.perform(Action::Forget);
    typed(&mut app, "hostile");
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    for shown in [
        "Forget hostile.hannah in Main Campus",
        "Chat memory: 2 shown now",
        "Mentor memories: 4 shown now",
        "Course memory: 2 shown now",
        "> hostile",
    ] {
        assert!(screen.contains(shown), "{shown:?} missing from\n{screen}");
    }
    snap_both!("forget_dialog", &mut app);
}

#[test]
fn a_forget_report_with_a_failed_store_is_not_forgotten() {
    use memory_console::ops::{ForgetReport, StoreKind, StoreOutcome};
    let mut app = stores_app(StoreTab::Chat);
    let target = app.memory.target.clone().expect("open");
    app.update(Input::Msg(Msg::Forgotten {
        target,
        report: ForgetReport {
            backup: Some("/var/backups/forget-hostile.hannah.json".into()),
            stores: vec![
                (StoreKind::Chat, StoreOutcome::Erased { items: 2 }),
                (
                    StoreKind::Mentor,
                    StoreOutcome::Failed {
                        failure: "the server still shows \u{1b}]0;pwned\u{7}name after DELETE"
                            .into(),
                        erased: 3,
                    },
                ),
                (
                    StoreKind::Course,
                    StoreOutcome::Unavailable {
                        reason: "the server answered 405 (not offered by this server)".into(),
                    },
                ),
            ],
        },
    }));
    let t = draw(&mut app, 80, 24);
    assert_clean(t.backend().buffer());
    let screen = text(t.backend().buffer());
    assert!(screen.contains("NOT forgotten"), "{screen}");
    assert!(!screen.contains("is forgotten"), "{screen}");
    assert!(screen.contains(r"\x1b]0;pwned"), "{screen}");
    insta::assert_snapshot!("forget_report_failed_80x24", t.backend());
    // A short terminal keeps every store's line and the backup's name, shortened.
    let t = draw(&mut app, 40, 10);
    let screen = text(t.backend().buffer());
    for shown in [
        "Chat memory",
        "Mentor memories",
        "Course memory",
        "backup: /var/",
    ] {
        assert!(screen.contains(shown), "{shown:?} missing from\n{screen}");
    }
    insta::assert_snapshot!("forget_report_failed_40x10", t.backend());
}

#[test]
fn erasing_a_mentor_entry_names_it_escaped() {
    let mut app = stores_app(StoreTab::Mentor);
    // The last entry: the one whose key holds an OSC title sequence.
    app.update(key(KeyCode::End));
    app.perform(Action::Erase);
    let t = draw(&mut app, 80, 24);
    assert_clean(t.backend().buffer());
    let screen = text(t.backend().buffer());
    for shown in [
        r#"Erase the mentor memory entry "\x1b]0;pwned\x07title""#,
        "Category personal_information; entry id e-2.",
        "backed up before it is deleted",
        "Type the username to confirm:",
    ] {
        assert!(screen.contains(shown), "{shown:?} missing from\n{screen}");
    }
    insta::assert_snapshot!("erase_mentor_entry_80x24", t.backend());
    app.update(key(KeyCode::Esc));
    app.perform(Action::EraseAll);
    let t = draw(&mut app, 80, 24);
    let screen = text(t.backend().buffer());
    assert!(
        screen.contains(r#"WHOLE mentor memory category "personal_information""#),
        "{screen}"
    );
    assert!(screen.contains("2 entries shown in it"), "{screen}");
}

/// The picture at the top of the README is this state drawn by the real UI code, so it
/// cannot drift from what the console shows. After a change to the UI:
/// `UPDATE_SCREENSHOT=1 cargo test --test console_snapshots readme_screenshot`.
#[test]
fn readme_screenshot_is_current() {
    let mut app = with_users(session(), (1..30).map(user).collect());
    app.focus = Pane::Users;
    let fx = app.perform(Action::Open);
    let mentor: Vec<MentorMemory> = serde_json::from_value(serde_json::json!([
        {"unique_id": "m-1", "category": "personal_information",
         "entries": [{"unique_id": "e-1", "key": "timezone", "value": "Europe/Berlin"}]},
        {"unique_id": "m-2", "category": "knowledge_gaps",
         "entries": [{"unique_id": "e-2", "key": "mechanisms", "value": "SN1 vs SN2"},
                     {"unique_id": "e-3", "key": "stereochemistry", "value": "R/S naming"}]}
    ]))
    .expect("mentor memories");
    let entries = vec![
        entry(
            101,
            "Prefers worked examples before theory; studying organic chemistry for the spring exam.",
            Some("937d3d46-3048-4f9d-aa5c-ce7c51d85332"),
        ),
        entry(
            102,
            "Asked twice about reaction mechanisms (SN1 vs SN2).\nWants short answers with one example each.",
            Some("5b0c1d2e-8f7a-4c3b-9e6d-2a1b0c9d8e7f"),
        ),
        entry(
            103,
            "Timezone: Europe/Berlin. Studies in the evening.",
            None,
        ),
    ];
    for e in &fx {
        let msg = match e {
            Effect::LoadMemory { req, .. } => Msg::Memory {
                req: *req,
                result: Ok(MemoryRead {
                    entries: entries.clone(),
                    complete: true,
                }),
            },
            Effect::LoadStatus { req, .. } => Msg::Status {
                req: *req,
                result: Ok(MemoryStatus {
                    enabled: true,
                    id: None,
                    username: None,
                    platform_key: None,
                }),
            },
            Effect::LoadMentor { req, .. } => Msg::Mentor {
                req: *req,
                result: Ok(StoreRead::Items(MentorListing {
                    memories: mentor.clone(),
                    count: Some(2),
                })),
            },
            Effect::LoadCourse { req, .. } => Msg::Course {
                req: *req,
                result: Ok((StoreRead::Items(Vec::new()), true)),
            },
            _ => continue,
        };
        app.update(Input::Msg(msg));
    }
    app.focus = Pane::Memory;
    app.perform(Action::NextEntry);
    app.tasks.items = vec![
        task("amara.okafor1001", Some("completed")),
        task("bo.lindqvist1002", None),
    ];
    let t = draw_with(&mut app, 150, 34, &Theme::default());
    assert_clean(t.backend().buffer());
    let svg = common::svg::buffer_to_svg(t.backend().buffer());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/screenshot.svg");
    if std::env::var_os("UPDATE_SCREENSHOT").is_some() {
        std::fs::write(&path, &svg).expect("write the screenshot");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == svg,
        "assets/screenshot.svg is not what the console draws now; run \
         UPDATE_SCREENSHOT=1 cargo test --test console_snapshots readme_screenshot"
    );
}
