//! Hostile text in server error messages: a `detail` holding ESC, OSC, BEL and bidi
//! characters is drawn by the console and printed by the CLI, and never reaches the terminal
//! raw (it shows as visible escapes).

mod cli_support;
mod common;

use common::console_rig::{WAIT, console_for, key, screen_of};
use common::hostile::forbidden;
use crossterm::event::KeyCode;
use memory_console::app::{Load, Pane};
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A title change, a colour, a bell, a right-to-left override and an isolate.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[31mRED\u{202e}evil\u{2066}x\u{9b}2J";

/// A character that must not reach the terminal raw (a line break between lines may).
fn raw(c: char) -> bool {
    c != '\n' && forbidden(c)
}

/// A server whose memory read answers 403 with the hostile detail.
async fn hostile_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/core/platform/users/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"count": 1, "next_page": 1, "previous_page": 1, "results": [{"username": "ann"}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("all-chats-memory"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({ "detail": HOSTILE })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("chat-memory-status"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({ "detail": HOSTILE })))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_console_draws_a_hostile_server_error_as_visible_escapes() {
    let server = hostile_server().await;
    let data = tempfile::tempdir().expect("tempdir");
    let mut console = console_for(&server.uri(), "k", data.path()).await;
    console.app.focus = Pane::Users;
    console.handle(key(KeyCode::Enter));
    assert!(
        console
            .settle_until(WAIT, |a| matches!(a.memory.entries, Load::Failed(_)))
            .await,
        "the read fails"
    );
    let screen = screen_of(&mut console);
    // The detail is on screen (else this test would show nothing)...
    assert!(screen.contains("pwned"), "{screen}");
    // ...as visible escapes, not as the characters themselves.
    assert!(
        screen.contains(r"\x1b]0;pwned") || screen.contains(r"\u{1b}]0;pwned"),
        "{screen}"
    );
    assert!(screen.contains(r"\u{202e}"), "{screen}");
    let bad: Vec<char> = screen.chars().filter(|c| raw(*c)).collect();
    assert!(bad.is_empty(), "raw {bad:?} in a cell:\n{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_prints_a_hostile_server_error_as_visible_escapes() {
    let env = cli_support::Env::start(cli_support::config(1)).await;
    let server = hostile_server().await;
    let cmd = env.command(
        &["memory", "get", "--org", "main", "--user", "ann"],
        &server.uri(),
    );
    let out = cli_support::run_command(cmd, b"").await;
    assert_eq!(out.code, 4, "403 is the key refused: {}", out.stderr);
    assert!(out.stderr.contains("pwned"), "{}", out.stderr);
    let bad: Vec<char> = out.stderr.chars().filter(|c| raw(*c)).collect();
    assert!(bad.is_empty(), "raw {bad:?} on stderr: {:?}", out.stderr);
    assert!(out.stdout.is_empty());
}
