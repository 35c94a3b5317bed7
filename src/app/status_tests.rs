//! The status line's messages stay current: a later outcome of the same thing replaces an
//! error, and a message about another user does not stay beside this one.

use crossterm::event::KeyCode;

use super::tests::{code, key, memory_req, page, queue_an_edit, users_req, with_memory};
use crate::api::ApiError;
use crate::app::*;

fn refused() -> ApiError {
    ApiError::Unauthorized { detail: None }
}

#[test]
fn a_memory_read_that_works_again_clears_its_error() {
    let mut a = with_memory(false, Some("hello"));
    a.focus = Pane::Memory;
    let fx = a.update(key('r'));
    a.update(Input::Msg(Msg::Memory {
        req: memory_req(&fx),
        result: Err(refused()),
    }));
    assert_eq!(a.status.as_ref().map(|s| s.level), Some(Level::Error));
    let fx = a.update(key('r'));
    a.update(Input::Msg(Msg::Memory {
        req: memory_req(&fx),
        result: Ok(crate::api::MemoryRead {
            entries: Vec::new(),
            complete: true,
        }),
    }));
    assert!(
        a.status.is_none(),
        "the read worked: {:?} is no longer true",
        a.status
    );
}

#[test]
fn a_users_page_that_comes_clears_the_users_error() {
    let mut a = with_memory(false, Some("hello"));
    a.focus = Pane::Users;
    let fx = a.update(key('r'));
    a.update(Input::Msg(Msg::Users {
        req: users_req(&fx),
        result: Err(refused()),
    }));
    assert_eq!(a.status.as_ref().map(|s| s.level), Some(Level::Error));
    let fx = a.update(key('r'));
    a.update(Input::Msg(Msg::Users {
        req: users_req(&fx),
        result: Ok(page(1, None, &["ann", "bob"])),
    }));
    assert!(a.status.is_none(), "{:?}", a.status);
}

#[test]
fn a_newer_success_replaces_an_older_error() {
    let mut a = with_memory(false, Some("hello"));
    let ann = a.memory.target.clone().expect("ann is open");
    a.update(Input::Msg(Msg::Toggled {
        target: ann.clone(),
        result: Err(refused()),
    }));
    assert_eq!(a.status.as_ref().map(|s| s.level), Some(Level::Error));
    a.update(Input::Msg(Msg::Toggled {
        target: ann,
        result: Ok(
            serde_json::from_value(serde_json::json!({"enabled": false})).expect("a status"),
        ),
    }));
    let s = a.status.as_ref().expect("a status");
    assert_eq!(s.level, Level::Success, "{s:?}");
}

/// ann's memory with a queued task, then bob opened from the Users pane.
fn bob_open_ann_queued() -> (App, Target) {
    let mut a = with_memory(false, Some("hello"));
    let ann = a.memory.target.clone().expect("ann is open");
    queue_an_edit(&mut a);
    a.focus = Pane::Users;
    a.users.list.selected = 1;
    a.update(code(KeyCode::Enter));
    assert_eq!(
        a.memory.target.as_ref().map(|t| t.user.username.as_str()),
        Some("bob")
    );
    (a, ann)
}

#[test]
fn a_message_about_the_last_user_goes_when_another_opens() {
    let (mut a, _ann) = bob_open_ann_queued();
    // bob's memory cannot be read...
    let fx = {
        a.focus = Pane::Memory;
        a.update(key('r'))
    };
    a.update(Input::Msg(Msg::Memory {
        req: memory_req(&fx),
        result: Err(refused()),
    }));
    assert!(a.status.is_some());
    // ...and the agent opens ann from her task in the Tasks pane.
    a.focus = Pane::Tasks;
    a.tasks.list.selected = 0;
    a.update(code(KeyCode::Enter));
    assert_eq!(
        a.memory.target.as_ref().map(|t| t.user.username.as_str()),
        Some("ann")
    );
    assert!(
        a.status.is_none(),
        "bob's error is not about ann: {:?}",
        a.status
    );
}

#[test]
fn an_outcome_for_someone_else_names_them() {
    let (mut a, ann) = bob_open_ann_queued();
    a.update(Input::Msg(Msg::Toggled {
        target: ann,
        result: Err(refused()),
    }));
    let text = &a.status.as_ref().expect("a status").text;
    assert!(text.starts_with("ann: switching memory failed"), "{text}");
}

#[test]
fn a_page_with_an_unreadable_user_shows_the_rest_and_counts_it() {
    let mut a = with_memory(false, Some("hello"));
    a.focus = Pane::Users;
    let fx = a.update(key('r'));
    let mut p = page(1, None, &["ann", "bob"]);
    p.count = 3;
    p.unreadable = 1;
    a.update(Input::Msg(Msg::Users {
        req: users_req(&fx),
        result: Ok(p),
    }));
    assert_eq!(a.users.items.len(), 2, "the rest of the page is shown");
    let s = a.status.as_ref().expect("a status");
    assert_eq!(s.level, Level::Warning);
    assert!(s.text.starts_with("1 user could not be read"), "{}", s.text);
    assert_eq!(a.users.count_label(), "3 users · 2 loaded · 1 unreadable");
}

#[test]
fn stopping_a_load_to_the_end_says_the_counts_the_title_shows() {
    let mut a = with_memory(false, Some("hello"));
    a.focus = Pane::Users;
    let fx = a.update(key('r'));
    // Two users fill no screen: the next page is asked for at once, or by G.
    let mut fx = a.update(Input::Msg(Msg::Users {
        req: users_req(&fx),
        result: Ok(page(1, Some(2), &["ann", "bob"])),
    }));
    fx.extend(a.update(key('G')));
    assert!(a.users.load_to_end);
    let in_flight = users_req(&fx);
    a.update(code(KeyCode::Esc));
    // The page asked for before Esc arrives after it.
    let fx = a.update(Input::Msg(Msg::Users {
        req: in_flight,
        result: Ok(page(2, Some(3), &["cat", "dan"])),
    }));
    assert!(fx.is_empty(), "stopped means no more pages: {fx:?}");
    let title = a.users.count_label();
    assert_eq!(title, "1000 users · 2 loaded");
    let text = &a.status.as_ref().expect("a status").text;
    assert_eq!(text, &format!("stopped loading: {title}"));
    // Scrolling on asks for the page again.
    a.users.list.selected = 1;
    let fx = a.update(code(KeyCode::Down));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadUsers { .. })),
        "{fx:?}"
    );
}
