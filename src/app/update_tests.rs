//! Unit tests of `App::update`: no terminal, no network; effects are inspected, results fed
//! back by hand.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{
    ApiError, ClientSettings, MemoryEntry, MemoryRead, OrgScope, QueuedUpdate, TaskId, TaskState,
    UserSummary, UsersPage,
};
use crate::app::*;
use crate::app::{Keymap, ReqId};
use crate::config::OrgChoice;
use crate::connection::Connection;
use secrecy::SecretString;

/// A console connection for unit tests (the dialogs' tests share it).
pub(in crate::app) fn session(read_only: bool) -> Connection {
    Connection {
        demo: true,
        read_only,
        ..Connection::new(
            "test",
            ClientSettings::new(
                "http://127.0.0.1:1",
                SecretString::from("test-key".to_owned()),
            ),
            "env var IBL_API_KEY",
        )
    }
}

pub(in crate::app) fn app(read_only: bool) -> App {
    let orgs = ["main", "acme"]
        .into_iter()
        .map(|k| OrgChoice {
            scope: OrgScope::new(k),
            name: None,
        })
        .collect();
    App::new(
        Connection {
            orgs,
            ..session(read_only)
        },
        Keymap::default(),
    )
}

pub(in crate::app) fn key(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub(in crate::app) fn code(c: KeyCode) -> Input {
    Input::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn user(name: &str) -> UserSummary {
    serde_json::from_value(serde_json::json!({"username": name, "user_id": 1})).unwrap()
}

pub(in crate::app) fn page(n: u32, next: Option<u32>, names: &[&str]) -> UsersPage {
    UsersPage {
        count: 1000,
        page: n,
        next_page: next,
        previous_page: None,
        unreadable: 0,
        results: names.iter().map(|n| user(n)).collect(),
    }
}

/// What the published one-object read shows: the entries given, maybe not all.
fn shown(entries: Vec<MemoryEntry>) -> MemoryRead {
    MemoryRead {
        entries,
        complete: false,
    }
}

fn entry(text: &str) -> MemoryEntry {
    MemoryEntry {
        id: 5,
        username: "ann".into(),
        platform_key: "main".into(),
        content: Some(text.into()),
        session_id: Some("s-1".into()),
    }
}

pub(in crate::app) fn users_req(fx: &[Effect]) -> ReqId {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadUsers { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a users load")
}

/// Edits the memory (a leading X), saves, and has the server queue task t1.
pub(in crate::app) fn queue_an_edit(a: &mut App) {
    a.update(key('E'));
    a.update(key('X'));
    let fx = a.update(ctrl('s'));
    let [Effect::Replace { target, text, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    a.update(Input::Msg(Msg::Queued {
        target: target.clone(),
        text: text.clone(),
        result: Ok(QueuedUpdate {
            task_id: TaskId("t1".into()),
            message: String::new(),
        }),
    }));
}

/// The request id of the memory load among `fx`.
pub(in crate::app) fn memory_req(fx: &[Effect]) -> ReqId {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadMemory { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a memory load")
}

/// An app with org "main" open, one page of users, and `ann`'s memory loaded with `text`.
pub(in crate::app) fn with_memory(read_only: bool, text: Option<&str>) -> App {
    let mut a = app(read_only);
    let fx = a.start();
    let req = users_req(&fx);
    a.update(Input::Msg(Msg::Users {
        req,
        result: Ok(page(1, None, &["ann", "bob"])),
    }));
    a.focus = Pane::Users;
    let fx = a.update(code(KeyCode::Enter));
    let mem_req = memory_req(&fx);
    let status_req = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadStatus { req, .. } => Some(*req),
            _ => None,
        })
        .expect("status load");
    let entries = text.map(|t| vec![entry(t)]).unwrap_or_default();
    a.update(Input::Msg(Msg::Memory {
        req: mem_req,
        result: Ok(shown(entries)),
    }));
    a.update(Input::Msg(Msg::Status {
        req: status_req,
        result: Ok(serde_json::from_value(serde_json::json!({"enabled": true})).unwrap()),
    }));
    a
}

#[test]
fn start_asks_for_org_names_and_the_first_page() {
    let mut a = app(false);
    let fx = a.start();
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(e, Effect::LoadOrgInfo { .. }))
            .count(),
        2
    );
    let load = fx
        .iter()
        .find(|e| matches!(e, Effect::LoadUsers { .. }))
        .unwrap();
    let Effect::LoadUsers { scope, query, .. } = load else {
        unreachable!()
    };
    assert_eq!(scope.key, "main");
    assert_eq!(query.page, 1);
}

#[test]
fn a_stale_users_answer_is_dropped() {
    let mut a = app(false);
    let first = users_req(&a.start());
    a.focus = Pane::Orgs;
    a.orgs_list.selected = 1;
    let second = users_req(&a.update(code(KeyCode::Enter)));
    a.update(Input::Msg(Msg::Users {
        req: first,
        result: Ok(page(1, None, &["from-main"])),
    }));
    assert!(
        a.users.items.is_empty(),
        "the answer for the org left behind is dropped"
    );
    a.update(Input::Msg(Msg::Users {
        req: second,
        result: Ok(page(1, None, &["from-acme"])),
    }));
    assert_eq!(a.users.items[0].username, "from-acme");
}

#[test]
fn scrolling_near_the_end_loads_the_next_page_once() {
    let mut a = app(false);
    let req = users_req(&a.start());
    let names: Vec<String> = (0..50).map(|i| format!("u{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let fx = a.update(Input::Msg(Msg::Users {
        req,
        result: Ok(page(1, Some(2), &refs)),
    }));
    // 50 rows with a ~18-row pane: not near the end yet.
    assert!(fx.is_empty(), "{fx:?}");
    a.focus = Pane::Users;
    let fx = a.update(key('G'));
    let Some(Effect::LoadUsers { query, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(query.page, 2);
    assert!(
        a.update(key('k')).is_empty(),
        "no second request while one is in flight"
    );
}

#[test]
fn search_is_debounced_and_sent_to_the_server() {
    let mut a = app(false);
    a.start();
    a.update(key('/'));
    let t1 = a.update(key('a'));
    let t2 = a.update(key('n'));
    let token = |fx: &[Effect]| match fx {
        [Effect::SearchAfter { token, after }] => {
            assert_eq!(*after, SEARCH_DEBOUNCE);
            *token
        }
        other => panic!("{other:?}"),
    };
    let (old, new) = (token(&t1), token(&t2));
    assert!(
        a.update(Input::Msg(Msg::SearchDue { token: old }))
            .is_empty()
    );
    let fx = a.update(Input::Msg(Msg::SearchDue { token: new }));
    let Some(Effect::LoadUsers { query, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(query.search, "an");
    assert_eq!(query.page, 1);
    assert_eq!(
        a.users.search_input.as_deref(),
        Some("an"),
        "the box stays open"
    );
    a.update(code(KeyCode::Esc));
    assert!(a.users.search_input.is_none());
}

#[test]
fn read_only_refuses_every_write_in_one_place() {
    let mut a = with_memory(true, Some("hello"));
    for c in ['e', 'n', 'd', 't'] {
        let fx = a.update(key(c));
        assert!(fx.is_empty(), "{c}: {fx:?}");
        assert!(a.editor.is_none() && a.dialog.is_none(), "{c}");
        let status = a.status.as_ref().unwrap();
        assert!(status.text.starts_with("read-only"), "{}", status.text);
    }
    for action in Action::ALL.into_iter().filter(|a| a.is_write()) {
        assert!(a.permits(action).is_err());
    }
}

#[test]
fn saving_unchanged_text_sends_nothing() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('e'));
    assert!(a.editor.is_some());
    assert!(a.update(ctrl('s')).is_empty());
    assert!(a.editor.is_none());
    assert!(a.status.as_ref().unwrap().text.contains("nothing was sent"));
}

#[test]
fn saving_a_queued_rewrite_replaces_and_tracks_the_task() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('E'));
    a.update(key('X'));
    let fx = a.update(ctrl('s'));
    let [
        Effect::Replace {
            text,
            session_id,
            target,
            base,
            entry: None,
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(text, "Xhello");
    assert_eq!(
        base, "hello",
        "the save checks the server still has what the edit started from"
    );
    assert_eq!(session_id.as_deref(), Some("s-1"));
    assert!(
        a.editor.as_ref().unwrap().saving,
        "kept open until the server answers"
    );
    let fx = a.update(Input::Msg(Msg::Queued {
        target: target.clone(),
        text: text.clone(),
        result: Ok(QueuedUpdate {
            task_id: TaskId("t1".into()),
            message: String::new(),
        }),
    }));
    assert!(a.editor.is_none());
    assert_eq!(a.status.as_ref().unwrap().text, "update queued (task t1)");
    let [
        Effect::SaveDraft { draft },
        Effect::RecordTask {
            task_id: recorded, ..
        },
        Effect::PollTask { task, after, .. },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (draft.text.as_str(), draft.original.as_str()),
        (text.as_str(), "hello"),
        "the queued text is a draft until its task is done"
    );
    assert_eq!(recorded.0, "t1", "noted in the data dir for a later run");
    assert_eq!(*after, Duration::from_secs(1));
    assert!(
        a.pending_task().is_some(),
        "the memory pane shows the update as pending"
    );

    let poll = |a: &mut App, word: &str| {
        a.update(Input::Msg(Msg::TaskPolled {
            task: *task,
            result: Ok(TaskState::from_word(word)),
        }))
    };
    let delays: Vec<Duration> = (0..5)
        .map(|_| match poll(&mut a, "started").as_slice() {
            [Effect::PollTask { after, .. }] => *after,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        delays.iter().map(Duration::as_secs).collect::<Vec<_>>(),
        [1, 2, 4, 8, 10]
    );
    let fx = poll(&mut a, "SUCCESS");
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadMemory { .. })),
        "completed: memory re-read"
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::EndTask { task_id } if task_id.0 == "t1")),
        "an ended task leaves the data dir: {fx:?}"
    );
    assert!(a.pending_task().is_none());
}

#[test]
fn a_failed_save_keeps_the_text_in_the_editor() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('e'));
    a.update(key('X'));
    let fx = a.update(ctrl('s'));
    let [Effect::Replace { target, text, .. }] = fx.as_slice() else {
        panic!()
    };
    a.update(Input::Msg(Msg::Queued {
        target: target.clone(),
        text: text.clone(),
        result: Err(ApiError::Timeout),
    }));
    let ed = a.editor.as_ref().expect("still open");
    assert_eq!(ed.text(), "Xhello");
    assert!(!ed.saving);
    assert!(ed.error.as_ref().unwrap().contains("still in the editor"));
}

#[test]
fn a_failed_task_brings_the_text_back_on_edit() {
    let mut a = with_memory(false, Some("hello"));
    queue_an_edit(&mut a);
    let fx = a.update(Input::Msg(Msg::TaskPolled {
        task: 0,
        result: Ok(TaskState::from_word("FAILURE")),
    }));
    assert!(a.status.as_ref().unwrap().text.contains("failed"));
    let req = memory_req(&fx);
    a.update(Input::Msg(Msg::Memory {
        req,
        result: Ok(shown(vec![entry("hello")])),
    }));
    a.update(key('e'));
    let ed = a.editor.as_ref().unwrap();
    assert_eq!(
        ed.text(),
        "Xhello",
        "the failed update's text, not the server's"
    );
    assert_eq!(ed.original, "hello");
}

#[test]
fn unreadable_task_states_stay_unknown_and_polling_gives_up() {
    let mut a = with_memory(false, Some("hello"));
    a.session.task_poll_give_up = Duration::ZERO;
    queue_an_edit(&mut a);
    let fx = a.update(Input::Msg(Msg::TaskPolled {
        task: 0,
        result: Err(ApiError::NotFound { detail: None }),
    }));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::PollTask { .. })),
        "gave up"
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadMemory { .. })),
        "the memory is read again to show whether the update landed: {fx:?}"
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::EndTask { .. })),
        "a task given up is still unknown: the next run asks again"
    );
    let status = &a.status.as_ref().expect("status").text;
    assert!(status.contains("press e"), "{status}");
    let t = &a.tasks.items[0];
    assert!(t.gave_up && t.unknown_reason.as_deref().unwrap().contains("404"));
}

#[test]
fn create_is_offered_only_when_there_is_no_memory() {
    let mut a = with_memory(false, None);
    a.update(key('e'));
    assert!(a.editor.is_none());
    assert!(a.status.as_ref().unwrap().text.contains("press n"));
    a.update(key('n'));
    a.update(key('h'));
    a.update(key('i'));
    let fx = a.update(ctrl('s'));
    assert!(matches!(fx.as_slice(), [Effect::Create { text, .. }] if text == "hi"));
}

#[test]
fn erase_needs_the_username_typed() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('d'));
    assert!(matches!(a.dialog, Some(Dialog::Erase(_))));
    assert!(
        a.update(code(KeyCode::Enter)).is_empty(),
        "Enter alone does nothing"
    );
    for c in "bob".chars() {
        a.update(key(c));
    }
    assert!(a.update(code(KeyCode::Enter)).is_empty());
    let Some(Dialog::Erase(d)) = &a.dialog else {
        panic!()
    };
    assert!(d.mismatch);
    for _ in 0..3 {
        a.update(code(KeyCode::Backspace));
    }
    for c in "ann".chars() {
        a.update(key(c));
    }
    let fx = a.update(code(KeyCode::Enter));
    let [Effect::Erase { target, scope }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(target.user.username, "ann");
    assert_eq!(*scope, EraseScope::Entry(5), "d erases the selected entry");
}

#[test]
fn escape_cancels_the_erase() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('d'));
    for c in "ann".chars() {
        a.update(key(c));
    }
    assert!(a.update(code(KeyCode::Esc)).is_empty());
    assert!(a.dialog.is_none());
}

#[test]
fn random_keys_on_the_erase_dialog_never_erase_without_the_username() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let alphabet: Vec<char> = "annbob \u{1b}\u{7f}".chars().collect();
    let mut erased = 0;
    let mut a = with_memory(false, Some("hello"));
    for _ in 0..10_000 {
        if a.dialog.is_none() {
            a.update(key('d'));
        }
        let typed = match &a.dialog {
            Some(Dialog::Erase(d)) => d.typed.clone(),
            _ => String::new(),
        };
        let input = match rng.random_range(0..10) {
            0 => code(KeyCode::Enter),
            1 => code(KeyCode::Backspace),
            2 => code(KeyCode::Esc),
            3 => ctrl('c'),
            4 => code(KeyCode::Tab),
            _ => key(alphabet[rng.random_range(0..alphabet.len())]),
        };
        let enter = matches!(&input, Input::Key(k) if k.code == KeyCode::Enter);
        for e in a.update(input) {
            assert!(matches!(e, Effect::Erase { .. }), "{e:?}");
            assert!(enter && typed == "ann", "erased after typing {typed:?}");
            erased += 1;
            // The erase ends (how is beside the point here), so `d` opens the dialog again.
            a.in_flight.clear();
        }
        assert!(!a.should_quit);
    }
    assert!(erased > 0, "the random walk did reach a confirmed erase");
}

#[test]
fn quitting_with_an_unsaved_edit_asks() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('e'));
    a.update(key('X'));
    a.update(ctrl('c'));
    assert!(matches!(a.dialog, Some(Dialog::ConfirmQuit)));
    assert!(!a.should_quit);
    a.update(key('n'));
    assert!(a.editor.is_some() && !a.should_quit);
    a.update(code(KeyCode::Esc));
    assert!(matches!(a.dialog, Some(Dialog::ConfirmDiscard)));
    a.update(key('y'));
    assert!(a.editor.is_none());
    a.update(key('q'));
    assert!(a.should_quit);
}

#[test]
fn a_late_memory_answer_for_another_user_is_dropped() {
    let mut a = with_memory(false, Some("ann's"));
    a.focus = Pane::Users;
    a.update(key('j'));
    let ann_req = a.memory.req;
    let fx = a.update(code(KeyCode::Enter));
    let bob_req = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadMemory { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    a.update(Input::Msg(Msg::Memory {
        req: ann_req,
        result: Ok(shown(vec![entry("stale")])),
    }));
    assert!(a.memory.entries.is_loading());
    a.update(Input::Msg(Msg::Memory {
        req: bob_req,
        result: Ok(shown(vec![entry("bob's")])),
    }));
    assert_eq!(a.memory.entries()[0].text(), "bob's");
    assert_eq!(a.memory.target.as_ref().unwrap().user.username, "bob");
}

#[test]
fn ctrl_z_undoes_in_the_editor() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('e'));
    a.update(key('X'));
    assert_eq!(a.editor.as_ref().unwrap().text(), "Xhello");
    a.update(ctrl('z'));
    assert_eq!(a.editor.as_ref().unwrap().text(), "hello");
    a.update(ctrl('r'));
    assert_eq!(a.editor.as_ref().unwrap().text(), "Xhello");
}

/// A user whose read shows three entries, as a list-shaped server answers.
fn with_three_entries() -> App {
    let mut a = with_memory(false, None);
    let req = a.memory.req;
    let entries = [(101, "first"), (102, "second"), (103, "third")]
        .iter()
        .map(|(id, text)| MemoryEntry {
            id: *id,
            session_id: Some(format!("s-{id}")),
            ..entry(text)
        })
        .collect();
    a.update(Input::Msg(Msg::Memory {
        req,
        result: Ok(MemoryRead {
            entries,
            complete: true,
        }),
    }));
    a
}

#[test]
fn brackets_select_an_entry_and_the_pane_shows_its_text() {
    let mut a = with_three_entries();
    assert_eq!(a.memory.selected_entry().map(|e| e.id), Some(101));
    a.update(key(']'));
    a.update(key(']'));
    a.update(key(']'));
    assert_eq!(
        a.memory.selected_entry().map(|e| e.id),
        Some(103),
        "] stops at the last entry"
    );
    a.update(key('['));
    assert_eq!(a.memory.selected_entry().map(|e| e.id), Some(102));
    assert_eq!(a.memory.editable_text(), "second");
    let rows = a.memory.view.as_ref().map(|v| v.total_rows(40));
    assert_eq!(rows, Some(1), "the view holds the selected entry only");
}

#[test]
fn editing_the_selected_entry_puts_that_entry_only() {
    let mut a = with_three_entries();
    a.update(key(']'));
    a.update(key('e'));
    a.update(key('Z'));
    let fx = a.update(ctrl('s'));
    let [
        Effect::Replace {
            text,
            session_id,
            base,
            entry,
            ..
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(*entry, Some(102), "the selected entry's id, not the first");
    assert_eq!(text, "Zsecond");
    assert_eq!(base, "second", "the conflict check compares this entry");
    assert_eq!(session_id.as_deref(), Some("s-102"));
}

#[test]
fn a_conflict_on_one_entry_shows_that_entry_of_the_server() {
    let mut a = with_three_entries();
    a.update(key(']'));
    a.update(key('e'));
    a.update(key('Z'));
    let target = a.memory.target.clone().expect("opened");
    let mut server: Vec<MemoryEntry> = a.memory.entries().to_vec();
    server[1].content = Some("changed elsewhere".into());
    a.update(Input::Msg(Msg::Conflict {
        target,
        mine: "Zsecond".into(),
        server,
        creating: false,
        entry: Some(102),
    }));
    let Some(Dialog::Conflict(c)) = &a.dialog else {
        panic!("{:?}", a.dialog)
    };
    assert_eq!(c.server, "changed elsewhere");
    assert_eq!(c.entry, Some(102));
}

#[test]
fn shift_d_erases_all_and_d_the_selected_entry() {
    let mut a = with_three_entries();
    a.update(key(']'));
    a.update(key('d'));
    let Some(Dialog::Erase(d)) = &a.dialog else {
        panic!()
    };
    assert_eq!(d.scope, EraseScope::Entry(102));
    assert_eq!(d.entries.len(), 1);
    a.update(code(KeyCode::Esc));
    a.update(key('D'));
    let Some(Dialog::Erase(d)) = &a.dialog else {
        panic!()
    };
    assert_eq!(d.scope, EraseScope::All);
    assert_eq!(d.entries.len(), 3, "the dialog counts every entry shown");
    assert!(d.complete);
}

#[test]
fn a_task_gives_up_when_the_ticks_say_its_time_has_passed() {
    let mut a = with_memory(false, Some("hello"));
    a.session.task_poll_give_up = Duration::from_secs(60);
    queue_an_edit(&mut a);
    let poll = |a: &mut App| {
        a.update(Input::Msg(Msg::TaskPolled {
            task: 0,
            result: Ok(TaskState::from_word("pending")),
        }))
    };
    let start = a.clock;
    a.update(Input::Tick(start + Duration::from_secs(59)));
    assert!(
        matches!(poll(&mut a).as_slice(), [Effect::PollTask { .. }]),
        "asked again before its time is up"
    );
    a.update(Input::Tick(start + Duration::from_secs(60)));
    assert!(
        !poll(&mut a)
            .iter()
            .any(|e| matches!(e, Effect::PollTask { .. })),
        "no more polls"
    );
    assert!(a.tasks.items[0].gave_up);
}

#[test]
fn an_open_editor_writes_a_draft_every_three_seconds_of_ticks() {
    let mut a = with_memory(false, Some("hello"));
    let start = a.clock;
    a.update(key('e'));
    a.update(key('X'));
    let at = |s: u64| Input::Tick(start + Duration::from_secs(s));
    assert!(a.update(at(2)).is_empty(), "not yet");
    let fx = a.update(at(3));
    let [Effect::SaveDraft { draft }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(draft.text, "Xhello");
    assert_eq!(draft.entry_id, Some(5), "the draft names its entry");
    assert!(
        a.update(at(7)).is_empty(),
        "unchanged text is not written again"
    );
    a.update(key('Y'));
    assert_eq!(
        a.update(at(8)).len(),
        1,
        "changed, and 5 s since the last draft"
    );
    a.update(key('Z'));
    assert!(a.update(at(10)).is_empty(), "2 s since the last draft");
    assert_eq!(a.update(at(11)).len(), 1);
}

/// Ctrl-S against a slow server, then "ZZ": the keys are refused where the operator sees it,
/// the text sent is the text kept, and once the answer comes keys edit again.
#[test]
fn keys_typed_while_a_save_is_in_flight_are_refused_not_lost() {
    let mut a = with_memory(false, Some("hello"));
    a.update(key('e'));
    a.update(key('X'));
    let fx = a.update(ctrl('s'));
    let [Effect::Replace { target, text, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(text, "Xhello");
    assert!(a.update(key('Z')).is_empty());
    a.update(key('Z'));
    a.update(Input::Paste("pasted".into()));
    a.update(code(KeyCode::Esc));
    let ed = a
        .editor
        .as_ref()
        .expect("Esc does not close the editor mid-save");
    assert_eq!(
        ed.text(),
        "Xhello",
        "nothing typed after the save changed the text"
    );
    assert!(ed.refused_while_saving);
    let status = a.status.as_ref().expect("a status");
    assert!(matches!(status.level, Level::Warning));
    assert!(status.text.contains("not typed"), "{}", status.text);
    assert!(
        a.update(ctrl('s')).is_empty(),
        "no second save while one is in flight"
    );

    // The save fails: the editor keeps the text and takes keys again.
    a.update(Input::Msg(Msg::Queued {
        target: target.clone(),
        text: text.clone(),
        result: Err(ApiError::Timeout),
    }));
    a.update(key('Z'));
    let ed = a.editor.as_ref().expect("still open");
    assert!(!ed.saving && !ed.refused_while_saving);
    assert_eq!(ed.text(), "XZhello");
}

fn recorded(task_id: &str, username: &str) -> crate::store::TaskRecord {
    let org = OrgScope {
        key: "main".into(),
        platform_key: "main".into(),
    };
    crate::store::TaskRecord::new(
        "default",
        "http://x",
        &org,
        &crate::api::UserRef::by_name(username),
        task_id,
        "update",
    )
}

#[test]
fn the_start_asks_for_the_tasks_of_earlier_runs() {
    let mut a = app(false);
    let fx = a.start();
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadTasks)), "{fx:?}");
}

#[test]
fn tasks_of_an_earlier_run_are_shown_and_polled_until_they_end() {
    let mut a = with_memory(false, Some("hello"));
    let fx = a.update(Input::Msg(Msg::TasksLoaded {
        result: Ok(crate::store::LoadedTasks {
            tasks: vec![recorded("old-1", "ann"), recorded("old-2", "bob\u{1b}[2J")],
            set_aside: None,
        }),
    }));
    let polled: Vec<(&str, &str)> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::PollTask {
                task_id, target, ..
            } => Some((task_id.0.as_str(), target.user.username.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(polled, [("old-1", "ann"), ("old-2", "bob\u{1b}[2J")]);
    assert_eq!(a.tasks.items.len(), 2);
    assert!(a.tasks.items.iter().all(|t| t.earlier_run && t.is_open()));
    assert!(
        a.status
            .as_ref()
            .expect("status")
            .text
            .contains("2 queued updates"),
        "the operator is told"
    );
    let fx = a.update(Input::Msg(Msg::TaskPolled {
        task: 1,
        result: Ok(TaskState::from_word("SUCCESS")),
    }));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::EndTask { task_id } if task_id.0 == "old-2")),
        "{fx:?}"
    );
    assert!(a.tasks.items[0].is_open() && !a.tasks.items[1].is_open());
}

#[test]
fn an_unreadable_tasks_file_is_reported_with_where_it_went() {
    let mut a = with_memory(false, Some("hello"));
    let fx = a.update(Input::Msg(Msg::TasksLoaded {
        result: Ok(crate::store::LoadedTasks {
            tasks: Vec::new(),
            set_aside: Some("/data/tasks.json.unreadable-1".into()),
        }),
    }));
    assert!(fx.is_empty());
    let status = a.status.as_ref().expect("status");
    assert_eq!(status.level, Level::Warning);
    assert!(
        status.text.contains("tasks.json.unreadable-1"),
        "{}",
        status.text
    );
}

/// The erase of `target` ended (how is beside the point where this is used).
fn erase_ended(a: &mut App, target: Target, scope: EraseScope) {
    a.update(Input::Msg(Msg::Erased {
        target,
        scope,
        result: Err(crate::ops::EraseError {
            failure: crate::ops::EraseFailure::NoSuchEntry { id: 5 },
            backup: None,
            erased: 0,
        }),
    }));
}

/// Confirms `d` on the open user "ann" and answers the Erase effect it sends.
fn confirm_erase(a: &mut App) -> (Target, EraseScope) {
    a.update(key('d'));
    for c in "ann".chars() {
        a.update(key(c));
    }
    let fx = a.update(code(KeyCode::Enter));
    let [Effect::Erase { target, scope }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    (target.clone(), *scope)
}

#[test]
fn no_write_to_a_user_starts_while_their_erase_runs() {
    let mut a = with_memory(false, Some("hello"));
    let (target, scope) = confirm_erase(&mut a);
    for k in ['e', 'E', 'd', 'D', 't', 'u'] {
        let fx = a.update(key(k));
        assert!(fx.is_empty(), "{k}: {fx:?}");
        assert!(
            a.editor.is_none() && a.dialog.is_none(),
            "{k} opened something"
        );
        let status = a.status.as_ref().expect("status");
        assert!(
            status.text.contains("still running"),
            "{k}: {}",
            status.text
        );
    }
    erase_ended(&mut a, target, scope);
    assert_eq!(
        a.permits(Action::Edit),
        Ok(()),
        "once it ended, writes to the user start again"
    );
}

#[test]
fn quitting_during_an_erase_takes_a_second_q() {
    let mut a = with_memory(false, Some("hello"));
    let (target, scope) = confirm_erase(&mut a);
    a.update(key('q'));
    assert!(!a.should_quit, "the first q only warns");
    let status = a.status.as_ref().expect("status");
    assert!(status.text.contains("Press q again"), "{}", status.text);
    assert!(status.text.contains("what it deleted is in its backup"));
    a.update(key('q'));
    assert!(a.should_quit);

    // A restore deletes nothing: the warning says what it keeps instead.
    let mut a = with_memory(false, Some("hello"));
    let restoring = a.memory.target.clone().expect("open");
    a.note_in_flight(&Effect::Restore {
        target: restoring,
        backup: "/data/b.json".into(),
        beside: Vec::new(),
    });
    a.update(key('q'));
    let status = a.status.as_ref().expect("status");
    assert!(
        status.text.contains("noted in the backup"),
        "{}",
        status.text
    );
    assert!(!status.text.contains("deleted"), "{}", status.text);

    let mut a = with_memory(false, Some("hello"));
    let _ = confirm_erase(&mut a);
    a.update(key('q'));
    erase_ended(&mut a, target, scope);
    a.update(key('q'));
    assert!(a.should_quit, "with nothing running, q quits at once");
}

#[test]
fn an_erase_of_text_less_entries_offers_no_undo() {
    let mut a = with_memory(false, Some("hello"));
    let (target, scope) = confirm_erase(&mut a);
    a.update(Input::Msg(Msg::Erased {
        target,
        scope,
        result: Ok(crate::ops::Erased {
            backup: Some("/data/backups/main/ann.json".into()),
            entries: 1,
            bytes: 0,
            deletes: 1,
            restorable: 0,
        }),
    }));
    assert!(a.last_erase.is_none(), "u has nothing to write back");
    let status = &a.status.as_ref().expect("status").text;
    assert!(status.contains("nothing u could write back"), "{status}");
    assert!(!status.contains("(u undoes)"), "{status}");
}

/// `:user TEXT` as typed on the command line; answers its search with `found`.
fn look_up(a: &mut App, text: &str, found: &[&str]) {
    a.update(key(':'));
    for c in format!("user {text}").chars() {
        a.update(key(c));
    }
    let fx = a.update(code(KeyCode::Enter));
    // A user already listed opens at once, with no search.
    let Some(req) = fx.iter().find_map(|e| match e {
        Effect::LoadUsers { req, .. } => Some(*req),
        _ => None,
    }) else {
        return;
    };
    let mut answer = page(1, None, found);
    answer.count = found.len() as u64;
    a.update(Input::Msg(Msg::Users {
        req,
        result: Ok(answer),
    }));
}

#[test]
fn user_lookup_opens_only_an_exact_match() {
    let mut a = with_memory(false, Some("hello"));
    let before = a.memory.target.clone();
    // The one hit merely contains the text: someone else, not opened.
    look_up(&mut a, "nick", &["no.memory.nick"]);
    assert_eq!(a.memory.target, before, "nothing opened");
    let status = &a.status.as_ref().expect("status").text;
    assert!(status.contains("nothing opened"), "{status}");
    look_up(&mut a, "no.memory.nick", &["no.memory.nick"]);
    assert_eq!(
        a.memory.target.as_ref().map(|t| t.user.username.as_str()),
        Some("no.memory.nick")
    );
}

#[test]
fn a_task_of_an_earlier_run_is_as_old_as_its_queueing_not_this_start() {
    let mut a = with_memory(false, Some("hello"));
    let mut old = recorded("old-1", "ann");
    old.queued_at = Some(time::OffsetDateTime::now_utc() - time::Duration::hours(2));
    let mut unknown = recorded("old-2", "bob");
    unknown.queued_at = None;
    a.update(Input::Msg(Msg::TasksLoaded {
        result: Ok(crate::store::LoadedTasks {
            tasks: vec![old, unknown],
            set_aside: None,
        }),
    }));
    let age = a.tasks.items[0].age(a.clock).expect("known");
    assert!(age >= Duration::from_secs(7_199), "{age:?}");
    assert_eq!(crate::text::human_age(age), "2 h");
    assert_eq!(
        a.tasks.items[1].age(a.clock),
        None,
        "an older file did not say"
    );
    // Polling gives up counting from this start: the two-hour-old task is asked about.
    let fx = a.update(Input::Msg(Msg::TaskPolled {
        task: 0,
        result: Ok(TaskState::from_word("PENDING")),
    }));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::PollTask { .. })),
        "{fx:?}"
    );
}

/// Dropped changes do not come back as an "unsaved edit": discarding an edit whose autosave
/// wrote a draft removes that draft, and so does leaving after typing and deleting again.
#[test]
fn a_discarded_edit_takes_its_draft_with_it() {
    let mut a = with_memory(false, Some("hello"));
    let start = a.clock;
    a.update(key('e'));
    a.update(key('X'));
    let fx = a.update(Input::Tick(start + Duration::from_secs(3)));
    assert!(
        matches!(fx.as_slice(), [Effect::SaveDraft { .. }]),
        "{fx:?}"
    );
    a.update(Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert!(matches!(a.dialog, Some(Dialog::ConfirmDiscard)));
    let fx = a.update(key('y'));
    assert!(a.editor.is_none());
    assert!(
        fx.iter().any(|e| matches!(e, Effect::RemoveDraft { .. })),
        "discarded: {fx:?}"
    );

    // Typed, autosaved, deleted again: the draft holds what was deleted.
    a.update(key('e'));
    a.update(key('Y'));
    let fx = a.update(Input::Tick(start + Duration::from_secs(7)));
    assert!(
        matches!(fx.as_slice(), [Effect::SaveDraft { .. }]),
        "{fx:?}"
    );
    a.update(Input::Key(KeyEvent::new(
        KeyCode::Backspace,
        KeyModifiers::NONE,
    )));
    let fx = a.update(Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert!(a.editor.is_none(), "unchanged: no question");
    assert!(
        fx.iter().any(|e| matches!(e, Effect::RemoveDraft { .. })),
        "{fx:?}"
    );

    // No draft was written: nothing to remove.
    a.update(key('e'));
    let fx = a.update(Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert!(fx.is_empty(), "{fx:?}");
}

/// A restore refused before sending anything says "refused" and stays on screen (no re-read
/// whose failure would replace it); one that wrote part says "stopped partway", re-reads,
/// and the next `u` offers what is left rather than all of it.
#[test]
fn a_failed_undo_says_whether_it_wrote_and_the_next_offers_what_is_left() {
    use crate::ops::RestoreError;
    let mut a = with_memory(false, Some("hello"));
    let target = a.memory.target.clone().expect("open");
    a.last_erase = Some(UndoableErase {
        target: target.clone(),
        backup: "/data/backups/main/ann.json".into(),
        what: "3 entries of chat memory".into(),
    });
    let fx = a.update(Input::Msg(Msg::Restored {
        target: target.clone(),
        result: Err(RestoreError::HasMemory {
            user: "ann".into(),
            entries: 1,
        }),
    }));
    assert!(fx.is_empty(), "nothing changed, nothing re-read: {fx:?}");
    let status = a.status.clone().expect("status").text;
    assert!(status.starts_with("restore refused"), "{status}");
    assert_eq!(
        a.last_erase.as_ref().map(|u| u.what.as_str()),
        Some("3 entries of chat memory")
    );

    let fx = a.update(Input::Msg(Msg::Restored {
        target: target.clone(),
        result: Err(RestoreError::Partial {
            user: "ann".into(),
            created: 2,
            total: 3,
            written: Vec::new(),
            source: crate::api::ApiError::NotFound { detail: None },
        }),
    }));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadMemory { .. })),
        "what was written is read: {fx:?}"
    );
    let status = a.status.clone().expect("status").text;
    assert!(status.starts_with("restore stopped partway"), "{status}");
    assert_eq!(
        a.last_erase.as_ref().map(|u| u.what.as_str()),
        Some("what is left of 3 entries of chat memory")
    );
}

/// Once every erase of the run is undone, `u` says so, not that nothing was erased.
#[test]
fn u_after_every_erase_was_undone_says_so() {
    use crate::ops::{RestoreReport, StoreKind, WrittenEarlier};
    let mut a = with_memory(false, Some("hello"));
    let target = a.memory.target.clone().expect("open");
    a.update(key('u'));
    let status = a.status.clone().expect("status").text;
    assert!(
        status.starts_with("nothing was erased in this run"),
        "{status}"
    );
    a.last_erase = Some(UndoableErase {
        target: target.clone(),
        backup: "/data/backups/main/ann.json".into(),
        what: "3 entries of chat memory".into(),
    });
    a.update(Input::Msg(Msg::Restored {
        target: target.clone(),
        result: Ok(RestoreReport {
            backup_path: "/data/backups/main/ann.json".into(),
            org: target.org.clone(),
            user: target.user.clone(),
            created: Vec::new(),
            skipped_null: Vec::new(),
            mentor_memories: 0,
            mentor_entries: 0,
            course_created: Vec::new(),
            not_restored: Vec::new(),
            restored_at: None,
            stores: vec![StoreKind::Chat],
            earlier: WrittenEarlier::default(),
        }),
    }));
    assert!(a.last_erase.is_none());
    a.update(key('u'));
    let status = a.status.clone().expect("status").text;
    assert!(
        status.starts_with("nothing left to undo: every erase of this run (1 erase) is undone"),
        "{status}"
    );
}

/// `r` on an open user replaces an older message (a restore's outcome, a failed read) that
/// would read as this read's, and after 2 s of silence the status line says it waits.
#[test]
fn r_says_it_reads_again_and_then_that_it_waits() {
    let mut a = with_memory(false, Some("hello"));
    a.set_status(
        Level::Error,
        "loading memory failed: the server failed (500)",
    );
    a.focus = Pane::Memory;
    a.update(key('r'));
    let status = a.status.clone().expect("status");
    assert_eq!(status.level, Level::Info);
    assert!(
        status.text.starts_with("reading the memory of"),
        "{}",
        status.text
    );
    let asked = a.memory.asked_at.expect("a read is asked for");
    let later = asked + std::time::Duration::from_secs(3);
    let note = a.waiting_note_at(later).expect("a wait is said");
    assert!(note.starts_with("no answer yet (3 s)"), "{note}");
}
