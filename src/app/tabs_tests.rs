//! Unit tests of the store tabs through `App::update`: no terminal, no network.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use crate::api::{
    ApiError, CourseMemory, MentorListing, MentorMemory, OrgScope, StoreGap, StoreRead, UsersPage,
};
use crate::app::*;
use crate::config::OrgChoice;

fn key(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Input {
    Input::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn app() -> App {
    let orgs = vec![OrgChoice {
        scope: OrgScope::new("main"),
        name: None,
    }];
    let connection = crate::connection::Connection {
        demo: true,
        orgs,
        ..crate::connection::Connection::new(
            "test",
            crate::api::ClientSettings::new(
                "http://127.0.0.1:1",
                secrecy::SecretString::from("test-key".to_owned()),
            ),
            "env var IBL_API_KEY",
        )
    };
    App::new(connection, Keymap::default())
}

/// The request ids of the mentor and course loads among `fx`.
fn store_reqs(fx: &[Effect]) -> (ReqId, ReqId) {
    let mentor = fx.iter().find_map(|e| match e {
        Effect::LoadMentor { req, .. } => Some(*req),
        _ => None,
    });
    let course = fx.iter().find_map(|e| match e {
        Effect::LoadCourse { req, .. } => Some(*req),
        _ => None,
    });
    (
        mentor.expect("a mentor load"),
        course.expect("a course load"),
    )
}

/// Opens user `ann` of org main; returns the effects of the open.
fn opened() -> (App, Vec<Effect>) {
    let mut a = app();
    let fx = a.start();
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers { req, .. } => Some(*req),
            _ => None,
        })
        .expect("users load");
    let ann = serde_json::from_value(json!({"username": "ann", "user_id": 1})).unwrap();
    a.update(Input::Msg(Msg::Users {
        req,
        result: Ok(UsersPage {
            count: 1,
            page: 1,
            next_page: None,
            previous_page: None,
            unreadable: 0,
            results: vec![ann],
        }),
    }));
    a.focus = Pane::Users;
    let fx = a.update(code(KeyCode::Enter));
    (a, fx)
}

fn mentor_listing() -> MentorListing {
    let memories: Vec<MentorMemory> = serde_json::from_value(json!([
        {"unique_id": "m1", "category": "personal_information",
         "entries": [{"unique_id": "e1", "key": "name", "value": "Ann \u{1b}]0;x\u{7}"},
                     {"unique_id": "e2", "key": "city", "value": "Lagos"}]},
        {"unique_id": "m2", "category": "knowledge_gaps",
         "entries": [{"unique_id": "e3", "key": "fractions", "value": "confuses them"}]}
    ]))
    .unwrap();
    MentorListing {
        memories,
        count: Some(2),
    }
}

fn courses() -> Vec<CourseMemory> {
    serde_json::from_value(json!([
        {"id": 1, "catalog_item": "course-v1:x", "lessons": {"done": [1]}, "next_steps": null},
        {"id": "2", "catalog_item": null, "lessons": ["a"], "next_steps": "review"}
    ]))
    .unwrap()
}

/// `ann` opened with both stores answered.
fn loaded() -> App {
    let (mut a, fx) = opened();
    let (m, c) = store_reqs(&fx);
    a.update(Input::Msg(Msg::Mentor {
        req: m,
        result: Ok(StoreRead::Items(mentor_listing())),
    }));
    a.update(Input::Msg(Msg::Course {
        req: c,
        result: Ok((StoreRead::Items(courses()), true)),
    }));
    a
}

#[test]
fn opening_a_user_loads_every_store() {
    let (a, fx) = opened();
    let target = a.memory.target.clone().expect("opened");
    assert!(fx.contains(&Effect::LoadMentor {
        req: a.stores.mentor_req,
        target: target.clone()
    }));
    assert!(fx.contains(&Effect::LoadCourse {
        req: a.stores.course_req,
        target
    }));
    assert!(a.stores.mentor.is_loading() && a.stores.course.is_loading());
    assert_eq!(
        a.tab_labels(),
        ["1 Chat (…)", "2 Mentor (…)", "3 Course (…)"],
        "counts say … while loading"
    );
}

#[test]
fn number_keys_switch_tabs_and_focus_the_memory_pane() {
    let mut a = loaded();
    a.focus = Pane::Users;
    assert_eq!(a.stores.tab, StoreTab::Chat);
    assert!(a.update(key('2')).is_empty());
    assert_eq!((a.stores.tab, a.focus), (StoreTab::Mentor, Pane::Memory));
    a.update(key('3'));
    assert_eq!(a.stores.tab, StoreTab::Course);
    a.update(key('1'));
    assert_eq!(a.stores.tab, StoreTab::Chat);
}

#[test]
fn tab_keys_come_from_the_keymap() {
    let t: toml::Table = toml::from_str("tab_mentor = \"M\"").unwrap();
    let mut a = loaded();
    a.keymap = Keymap::with_overrides(Some(&t)).unwrap();
    a.update(key('2'));
    assert_eq!(a.stores.tab, StoreTab::Chat, "2 is no longer bound");
    a.update(key('M'));
    assert_eq!(a.stores.tab, StoreTab::Mentor);
    assert!(a.tab_labels()[1].starts_with("M "), "{:?}", a.tab_labels());
}

#[test]
fn counts_on_the_tabs() {
    let mut a = loaded();
    assert_eq!(
        a.tab_labels(),
        ["1 Chat (…)", "2 Mentor (3)", "3 Course (2)"],
        "mentor counts entries, not memories"
    );
    let req = a.stores.mentor_req;
    a.update(Input::Msg(Msg::Mentor {
        req,
        result: Ok(StoreRead::Unavailable(StoreGap {
            status: 405,
            detail: None,
        })),
    }));
    assert_eq!(a.tab_labels()[1], "2 Mentor (n/a)");
    let req = a.stores.course_req;
    a.update(Input::Msg(Msg::Course {
        req,
        result: Err(ApiError::Timeout),
    }));
    assert_eq!(a.tab_labels()[2], "3 Course (!)");
    // The published read shows one course memory however many there are: a lower bound.
    let req = a.stores.course_req;
    a.update(Input::Msg(Msg::Course {
        req,
        result: Ok((StoreRead::Items(courses()[..1].to_vec()), false)),
    }));
    assert_eq!(a.tab_labels()[2], "3 Course (1+)");
}

#[test]
fn a_stale_store_answer_is_dropped() {
    let (mut a, fx) = opened();
    let (m, _) = store_reqs(&fx);
    // Opening again asks anew; the first answer is for a request no longer wanted.
    a.focus = Pane::Users;
    a.update(code(KeyCode::Enter));
    a.update(Input::Msg(Msg::Mentor {
        req: m,
        result: Ok(StoreRead::Items(mentor_listing())),
    }));
    assert!(a.stores.mentor.is_loading());
}

#[test]
fn on_the_mentor_tab_brackets_and_arrows_select_entries_in_category_order() {
    let mut a = loaded();
    a.update(key('2'));
    let selected = |a: &App| a.stores.selected_mentor().map(|i| i.entry.key.clone());
    // Categories sorted: knowledge_gaps first.
    assert_eq!(selected(&a).as_deref(), Some("fractions"));
    a.update(key(']'));
    assert_eq!(selected(&a).as_deref(), Some("name"));
    a.update(code(KeyCode::Down));
    assert_eq!(selected(&a).as_deref(), Some("city"));
    a.update(code(KeyCode::Down));
    assert_eq!(selected(&a).as_deref(), Some("city"), "stops at the end");
    a.update(code(KeyCode::Up));
    a.update(key('['));
    assert_eq!(selected(&a).as_deref(), Some("fractions"));
    assert_eq!(
        a.stores.view.as_ref().map(crate::text::TextView::sanitized),
        Some("confuses them")
    );
    assert_eq!(a.memory.selected, 0, "the chat selection is untouched");
}

#[test]
fn on_the_course_tab_the_selected_memory_shows_as_json() {
    let mut a = loaded();
    a.update(key('3'));
    a.update(key(']'));
    assert_eq!(a.stores.selected_course().map(|c| c.id.as_str()), Some("2"));
    let text = a.stores.view.as_ref().expect("laid out").sanitized();
    assert!(text.contains("lessons:\n[\n  \"a\"\n]"), "{text}");
    assert!(text.contains("\"review\""), "{text}");
}

#[test]
fn chat_only_keys_say_so_on_other_tabs() {
    let mut a = loaded();
    a.update(key('3'));
    assert!(a.update(key('E')).is_empty());
    let status = a.status.clone().expect("a status").text;
    assert!(status.contains("chat memory"), "{status}");
    assert!(a.editor.is_none());
}

#[test]
fn a_refresh_of_chat_memory_keeps_the_other_stores() {
    let mut a = loaded();
    a.update(key('2'));
    a.update(key(']'));
    let fx = a.refresh_memory();
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::LoadMentor { .. } | Effect::LoadCourse { .. })),
        "{fx:?}"
    );
    assert_eq!(a.stores.mentor_selected, 1);
    // `r` reads every store again, and the selection stays.
    let fx = a.update(key('r'));
    let (m, _) = store_reqs(&fx);
    a.update(Input::Msg(Msg::Mentor {
        req: m,
        result: Ok(StoreRead::Items(mentor_listing())),
    }));
    assert_eq!(a.stores.mentor_selected, 1);
    assert!(a.stores.view.is_some());
}

#[test]
fn a_click_on_the_tab_bar_switches_tabs_and_on_the_list_selects() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut a = loaded();
    let pane = a.areas().memory;
    let click = |column, row| {
        Input::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let labels = a.tab_labels();
    // The middle of the second label, on the pane's first inner row.
    let x = pane.x + 1 + (labels[0].chars().count() + 2 + 3) as u16;
    a.update(click(x, pane.y + 1));
    assert_eq!(a.stores.tab, StoreTab::Mentor, "{labels:?}");
    // Rows under the bar: heading knowledge_gaps, fractions, heading, name, city.
    a.update(click(pane.x + 3, pane.y + 2 + 3));
    assert_eq!(
        a.stores.selected_mentor().map(|i| i.entry.key.as_str()),
        Some("name")
    );
    a.update(click(pane.x + 3, pane.y + 2 + 2));
    assert_eq!(
        a.stores.selected_mentor().map(|i| i.entry.key.as_str()),
        Some("name"),
        "a heading selects nothing"
    );
}

// ---- the actions of the mentor and course tabs, and F ----

fn ctrl(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(a: &mut App, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(a.update(key(c)));
    }
    fx
}

/// Types the username into the open confirmation and presses Enter.
fn confirm(a: &mut App) -> Vec<Effect> {
    let mut fx = typed(a, "ann");
    fx.extend(a.update(code(KeyCode::Enter)));
    fx
}

/// Ends the write in flight for the open user (as a "not sent"), so the next may start.
fn end_write(a: &mut App) {
    let target = a.memory.target.clone().expect("open");
    a.update(Input::Msg(Msg::NotSent {
        target,
        why: "test: ended".into(),
    }));
}

#[test]
fn d_on_the_mentor_tab_erases_the_selected_entry_after_the_typed_name() {
    let mut a = loaded();
    a.update(key('2'));
    a.update(key(']'));
    assert!(a.update(key('d')).is_empty());
    assert!(matches!(a.dialog, Some(Dialog::TypedConfirm(_))));
    typed(&mut a, "bob");
    assert!(
        a.update(code(KeyCode::Enter)).is_empty(),
        "not the username"
    );
    for _ in 0..3 {
        a.update(code(KeyCode::Backspace));
    }
    let fx = confirm(&mut a);
    let target = a.memory.target.clone().expect("open");
    assert_eq!(
        fx,
        [Effect::StoreErase {
            target,
            erase: StoreErase::MentorEntry {
                entry_id: "e1".into(),
                key: "name".into()
            }
        }]
    );
    assert!(a.dialog.is_none());
}

#[test]
fn capital_d_erases_the_selected_entrys_category_and_on_course_all() {
    let mut a = loaded();
    a.update(key('2'));
    a.update(key('G'));
    a.update(key('D'));
    let fx = confirm(&mut a);
    assert!(
        matches!(&fx[..], [Effect::StoreErase { erase: StoreErase::MentorCategory { category }, .. }] if category == "personal_information"),
        "{fx:?}"
    );
    end_write(&mut a);
    a.update(key('3'));
    a.update(key(']'));
    a.update(key('d'));
    let fx = confirm(&mut a);
    assert!(
        matches!(&fx[..], [Effect::StoreErase { erase: StoreErase::CourseOne { memory_id }, .. }] if memory_id == "2"),
        "{fx:?}"
    );
    end_write(&mut a);
    a.update(key('D'));
    let fx = confirm(&mut a);
    assert!(
        matches!(
            &fx[..],
            [Effect::StoreErase {
                erase: StoreErase::CourseAll,
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn e_on_the_mentor_tab_edits_key_on_the_first_line_and_value_below() {
    let mut a = loaded();
    a.update(key('2'));
    a.update(key(']'));
    a.update(key('e'));
    let ed = a.editor.as_ref().expect("the editor opens");
    assert_eq!(
        ed.text(),
        "name\nAnn \u{1b}]0;x\u{7}",
        "the exact bytes, key first"
    );
    // Unchanged: nothing is sent.
    assert!(a.update(ctrl('s')).is_empty());
    assert!(a.editor.is_none());
    a.update(key('e'));
    typed(&mut a, "full_");
    let fx = a.update(ctrl('s'));
    let [
        Effect::UpdateMentorEntry {
            entry_id,
            seen,
            key: k,
            value,
            ..
        },
    ] = &fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (entry_id.as_str(), k.as_str(), value.as_str()),
        ("e1", "full_name", "Ann \u{1b}]0;x\u{7}")
    );
    assert_eq!(
        seen.key, "name",
        "the entry as it was seen, for the conflict check"
    );
    assert!(a.editor.as_ref().is_some_and(|e| e.saving));
}

#[test]
fn a_mentor_edit_with_an_empty_key_sends_nothing_and_its_draft_names_the_mentor_entry() {
    let mut a = loaded();
    a.update(key('2'));
    a.update(key('e'));
    // Delete the key "fractions" from the first line.
    for _ in 0.."fractions".len() {
        a.update(code(KeyCode::Delete));
    }
    assert!(a.update(ctrl('s')).is_empty());
    assert!(a.editor.as_ref().is_some_and(|e| e.error.is_some()));
    let later = a.clock + Duration::from_secs(10);
    let fx = a.update(Input::Tick(later));
    let [Effect::SaveDraft { draft }] = fx.as_slice() else {
        panic!("an edit is drafted every few seconds: {fx:?}")
    };
    let mentor = draft
        .mentor
        .as_ref()
        .expect("a mentor entry's draft says so");
    assert_eq!(mentor.entry_id, "e3");
    assert_eq!(mentor.seen.key, "fractions", "as the edit first saw it");
    assert_eq!(draft.entry_id, None, "no chat entry");
    assert!(!draft.text.starts_with("fractions"));
}

/// A mentor draft found on opening the user comes back into a mentor entry edit, saved
/// only if the server still holds the entry as first seen; Esc keeps it for later, and no
/// other edit of the user opens (its draft would replace this one) until it is settled.
#[test]
fn a_found_mentor_draft_restores_into_a_mentor_edit_and_blocks_other_edits_until_settled() {
    let mut a = loaded();
    let target = a.memory.target.clone().expect("open");
    let seen = a
        .stores
        .mentor_entry_by_id("e1")
        .expect("the fixture's entry")
        .clone();
    let draft = crate::store::Draft::new(
        "default",
        &target.org.key,
        &target.user.username,
        None,
        "name\nAnn",
        "full_name\nAnn Smith",
    )
    .of_mentor_entry("e1", &seen);
    a.update(Input::Msg(Msg::DraftFound {
        target: target.clone(),
        draft,
    }));
    assert!(matches!(a.dialog, Some(Dialog::RestoreDraft(_))));
    a.update(code(KeyCode::Esc));
    assert!(a.dialog.is_none());
    a.update(key('2'));
    a.update(key('e'));
    assert!(a.editor.is_none(), "no edit replaces the waiting draft");
    assert!(
        matches!(a.dialog, Some(Dialog::RestoreDraft(_))),
        "the draft is offered again: {:?}",
        a.status
    );
    a.update(key('r'));
    let ed = a.editor.as_ref().expect("restored into the editor");
    assert_eq!(ed.text(), "full_name\nAnn Smith");
    let EditKind::MentorEntry {
        entry_id,
        seen: kept,
    } = &ed.kind
    else {
        panic!("a mentor edit: {:?}", ed.kind)
    };
    assert_eq!((entry_id.as_str(), kept.as_ref()), ("e1", &seen));
    let fx = a.update(ctrl('s'));
    assert!(
        matches!(&fx[..], [Effect::UpdateMentorEntry { key, .. }] if key == "full_name"),
        "{fx:?}"
    );
    let fx = a.update(Input::Msg(Msg::MentorEntrySaved {
        target: target.clone(),
        result: Ok(()),
    }));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::RemoveDraft { target: t } if *t == target)),
        "the draft goes once its save went through: {fx:?}"
    );
}

#[test]
fn a_saved_mentor_entry_closes_the_editor_and_reads_the_stores_again() {
    let mut a = loaded();
    a.update(key('2'));
    a.update(key('e'));
    typed(&mut a, "x");
    a.update(ctrl('s'));
    let target = a.memory.target.clone().expect("open");
    let fx = a.update(Input::Msg(Msg::MentorEntrySaved {
        target: target.clone(),
        result: Err(crate::ops::WriteError::EntryChanged { server: None }),
    }));
    let ed = a.editor.as_ref().expect("kept open on a conflict");
    assert!(!ed.saving && ed.text().starts_with('x'));
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadMentor { .. })));
    a.update(ctrl('s'));
    let fx = a.update(Input::Msg(Msg::MentorEntrySaved {
        target,
        result: Ok(()),
    }));
    assert!(a.editor.is_none());
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadMentor { .. })));
}

#[test]
fn f_names_every_store_and_forgets_only_after_the_typed_name() {
    let mut a = loaded();
    a.update(key('F'));
    let Some(Dialog::TypedConfirm(d)) = &a.dialog else {
        panic!("{:?}", a.dialog)
    };
    let text = d.lines.join("\n");
    for store in ["Chat memory", "Mentor memories: 3", "Course memory: 2"] {
        assert!(text.contains(store), "{text}");
    }
    a.update(code(KeyCode::Esc));
    assert!(a.dialog.is_none());
    a.update(key('F'));
    let fx = confirm(&mut a);
    let target = a.memory.target.clone().expect("open");
    assert_eq!(fx, [Effect::Forget { target }]);
}

#[test]
fn random_keys_on_the_forget_dialog_never_forget_without_the_username() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    // Mostly the username's letters, so the walk types it now and then.
    let alphabet: Vec<char> = "aannnb \u{1b}\u{7f}".chars().collect();
    let mut forgot = 0;
    let mut a = loaded();
    for _ in 0..10_000 {
        if a.dialog.is_none() {
            a.update(key('F'));
        }
        let typed = match &a.dialog {
            Some(Dialog::TypedConfirm(d)) => d.typed.clone(),
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
            assert!(matches!(e, Effect::Forget { .. }), "{e:?}");
            assert!(enter && typed == "ann", "forgot after typing {typed:?}");
            forgot += 1;
            end_write(&mut a);
        }
        assert!(!a.should_quit);
    }
    assert!(forgot > 0, "the random walk did reach a confirmed forget");
}

#[test]
fn read_only_refuses_store_writes_and_forget() {
    let mut a = loaded();
    a.session.read_only = true;
    a.update(key('2'));
    for c in ['e', 'd', 'D', 'F'] {
        assert!(a.update(key(c)).is_empty());
        assert!(a.dialog.is_none() && a.editor.is_none(), "{c}");
        let status = a.status.clone().expect("a status").text;
        assert!(status.contains("read-only"), "{c}: {status}");
    }
}

fn report(a: &App, outcomes: Vec<(crate::ops::StoreKind, crate::ops::StoreOutcome)>) -> Msg {
    Msg::Forgotten {
        target: a.memory.target.clone().expect("open"),
        report: crate::ops::ForgetReport {
            backup: Some("/tmp/b.json".into()),
            stores: outcomes,
        },
    }
}

#[test]
fn the_forget_report_says_forgotten_only_when_every_store_is_empty() {
    use crate::ops::{StoreKind, StoreOutcome};
    let mut a = loaded();
    let fx = a.update(Input::Msg(report(
        &a,
        vec![
            (StoreKind::Chat, StoreOutcome::Erased { items: 1 }),
            (
                StoreKind::Mentor,
                StoreOutcome::Failed {
                    failure: "kept after DELETE".into(),
                    erased: 2,
                },
            ),
            (StoreKind::Course, StoreOutcome::AlreadyEmpty),
        ],
    )));
    let status = a.status.clone().expect("status");
    assert_eq!(status.level, Level::Error);
    assert!(status.text.contains("NOT forgotten"), "{}", status.text);
    assert!(matches!(a.dialog, Some(Dialog::ForgetReport(_))));
    // What `u` would bring back, counted per store.
    assert_eq!(
        a.last_erase.as_ref().map(|u| u.what.as_str()),
        Some("what forget erased (1 chat item and 2 mentor items)")
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadMemory { .. }))
            && fx.iter().any(|e| matches!(e, Effect::LoadMentor { .. })),
        "every store is read again: {fx:?}"
    );
    a.update(key('q'));
    assert!(
        a.dialog.is_none() && !a.should_quit,
        "any key closes the report"
    );
    a.update(Input::Msg(report(
        &a,
        vec![
            (StoreKind::Chat, StoreOutcome::Erased { items: 1 }),
            (
                StoreKind::Mentor,
                StoreOutcome::Unavailable {
                    reason: "405".into(),
                },
            ),
            (StoreKind::Course, StoreOutcome::AlreadyEmpty),
        ],
    )));
    let status = a.status.clone().expect("status");
    assert_eq!(status.level, Level::Success);
    assert!(status.text.contains("is forgotten"), "{}", status.text);
    assert!(status.text.contains("/tmp/b.json"), "{}", status.text);
}

#[test]
fn a_pasted_username_confirms_a_forget_like_a_typed_one() {
    let mut a = loaded();
    a.update(key('F'));
    a.update(Input::Paste(" ann\n".into()));
    let fx = a.update(code(KeyCode::Enter));
    assert!(matches!(&fx[..], [Effect::Forget { .. }]), "{fx:?}");
}

#[test]
fn the_mentor_editor_text_splits_at_the_first_line_break_only() {
    use crate::app::store_actions::{mentor_text, split_mentor_text};
    let text = mentor_text("goal", "line one\nline two\n");
    assert_eq!(split_mentor_text(&text), ("goal", "line one\nline two\n"));
    assert_eq!(split_mentor_text("key only"), ("key only", ""));
    assert_eq!(split_mentor_text("\nvalue"), ("", "value"));
}

#[test]
fn the_wheel_over_the_course_tab_scrolls_the_json() {
    use crossterm::event::{MouseEvent, MouseEventKind};
    let mut a = loaded();
    a.update(key('3'));
    // Short enough that the nine lines of JSON do not fit.
    a.update(Input::Resize(80, 16));
    assert!(a.detail_height() < 9, "{}", a.detail_height());
    let pane = a.areas().memory;
    let chat_scroll = a.memory.scroll;
    a.update(Input::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: pane.x + 2,
        row: pane.y + pane.height - 2,
        modifiers: KeyModifiers::NONE,
    }));
    assert!(a.stores.scroll > 0, "the JSON scrolled");
    assert_eq!(a.memory.scroll, chat_scroll, "the chat text did not");
}

#[test]
fn no_write_to_the_user_starts_while_their_forget_runs() {
    use crate::ops::{ForgetReport, StoreKind, StoreOutcome};
    let mut a = loaded();
    a.update(key('F'));
    let fx = confirm(&mut a);
    assert!(matches!(&fx[..], [Effect::Forget { .. }]), "{fx:?}");
    a.update(key('2'));
    assert!(a.update(key('d')).is_empty());
    assert!(a.dialog.is_none(), "no erase dialog while the forget runs");
    let status = a.status.clone().expect("status").text;
    assert!(
        status.contains("a forget of ann is still running"),
        "{status}"
    );
    let target = a.memory.target.clone().expect("open");
    a.update(Input::Msg(Msg::Forgotten {
        target,
        report: ForgetReport {
            backup: None,
            stores: vec![(StoreKind::Chat, StoreOutcome::AlreadyEmpty)],
        },
    }));
    a.update(key('x'));
    a.update(key('F'));
    assert!(
        matches!(a.dialog, Some(Dialog::TypedConfirm(_))),
        "once it ended, writes start again"
    );
}

#[test]
fn u_on_a_store_tab_offers_the_undo_of_the_last_erase() {
    let mut a = loaded();
    a.update(key('2'));
    assert_eq!(a.stores.tab, StoreTab::Mentor);
    let target = a.memory.target.clone().expect("opened");
    assert!(
        !a.tab_hints().contains(&Action::UndoErase),
        "nothing to undo"
    );
    a.last_erase = Some(UndoableErase {
        target,
        backup: "/data/backups/main/ann.json".into(),
        what: "mentor memory category \"goals\"".into(),
    });
    assert_eq!(
        a.tab_hints().first(),
        Some(&Action::UndoErase),
        "the footer names the undo first"
    );
    a.update(key('u'));
    assert!(
        matches!(a.dialog, Some(Dialog::ConfirmRestore(_))),
        "a backup may hold every store: {:?}",
        a.status
    );
}
