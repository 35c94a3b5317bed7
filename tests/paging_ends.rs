//! Paging that always ends: the CLI (`users`, `purge --all`) and the console against a mock
//! whose users list misbehaves (a `next_page` that grows forever over the same users, or
//! one stuck on the page just served).

mod cli_support;
mod common;

use std::collections::HashSet;

use cli_support::{Env, config};
use common::console_rig::{WAIT, quick, rig};
use memory_console::app::Level;
use memory_console::mock::PagingQuirk;
use reqwest::Method;

fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn users_ends_and_warns_when_next_page_grows_over_the_same_users() {
    // 150 users: page 1 holds 100, and every later page answers those 100 again.
    let env = Env::start(config(149).with_paging(PagingQuirk::Endless)).await;
    let out = env.run(&["users", "--org", "main"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    let names = lines(&text);
    assert_eq!(names.len(), 100, "each user once, no duplicates");
    let unique: HashSet<_> = names.into_iter().collect();
    assert_eq!(unique.len(), 100);
    assert!(
        out.stderr.contains("warning") && out.stderr.contains("no new users"),
        "{}",
        out.stderr
    );
    // Page 1, then page 2 that brought nothing new: two requests, not an endless walk.
    assert_eq!(env.mock.state().count(Method::GET), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn users_ends_and_warns_when_next_page_is_stuck() {
    let env = Env::start(config(149).with_paging(PagingQuirk::Stuck)).await;
    let out = env.run(&["users", "--org", "main", "--json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["count"], 100);
    assert!(out.stderr.contains("does not move on"), "{}", out.stderr);
    assert_eq!(env.mock.state().count(Method::GET), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_honest_server_is_walked_to_count_without_warnings() {
    let env = Env::start(config(149)).await;
    let out = env.run(&["users", "--org", "main"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(lines(&out.text()).len(), 150);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    assert_eq!(env.mock.state().count(Method::GET), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_all_ends_against_endless_paging() {
    let env = Env::start(config(149).with_paging(PagingQuirk::Endless)).await;
    let out = env
        .run(&["purge", "--org", "main", "--all", "--dry-run", "--json"])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("no new users"), "{}", out.stderr);
    // Two pages of users, then one GET per store (chat, mentor, course) for each of the
    // 100 users listed once.
    let memory_gets = env.mock.state().count(Method::GET) - 2;
    assert_eq!(memory_gets, 300, "{}", out.text());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_stops_loading_and_warns_on_endless_paging() {
    let mut rig = rig(quick().with_paging(PagingQuirk::Endless), false).await;
    // The console pages in as the selection nears the end: jump to the end until it stops.
    rig.console.app.focus = memory_console::app::Pane::Users;
    for _ in 0..10 {
        if rig.console.app.users.cursor.is_finished() {
            break;
        }
        rig.press(crossterm::event::KeyCode::End);
        rig.console
            .settle_until(WAIT, |a| a.users.loading.is_none())
            .await;
    }
    assert!(
        rig.console.app.users.cursor.is_finished(),
        "paging never ended"
    );
    let users = &rig.console.app.users.items;
    let unique: HashSet<_> = users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(unique.len(), users.len(), "duplicates in the list");
    assert_eq!(users.len(), 50, "the first page's users, once");
    let status = rig.console.app.status.clone().expect("a status line");
    assert_eq!(status.level, Level::Warning);
    assert!(status.text.contains("no new users"), "{}", status.text);
    // Moving to the end again asks for no more pages.
    let before = rig.mock.state().count(Method::GET);
    rig.press(crossterm::event::KeyCode::Home);
    rig.press(crossterm::event::KeyCode::End);
    rig.console
        .settle_until(WAIT, |a| a.users.loading.is_none())
        .await;
    assert_eq!(rig.mock.state().count(Method::GET), before);
}
