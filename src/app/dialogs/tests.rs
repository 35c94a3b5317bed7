//! The dialogs on their own: a key handler is tested with a `KeyCtx` and no running
//! console, and the App's side is tested by the steps it carries out.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{OrgScope, UserRef};
use crate::app::{
    App, ConflictDialog, Dialog, EditKind, Editor, Effect, EraseDialog, EraseScope, Input, KeyCtx,
    Keymap, Level, Step, Target,
};

use crate::app::update::tests::session;

fn app(read_only: bool) -> App {
    App::new(session(read_only), Keymap::default())
}

fn target(name: &str) -> Target {
    Target {
        org: OrgScope::new("main"),
        user: UserRef::by_name(name),
    }
}

fn press(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// Runs one key through `dialog` with the context of `app`, as the console does.
fn keys_of(app: &mut App, dialog: &mut Dialog, key: KeyEvent) -> Vec<Step> {
    let mut ctx = KeyCtx {
        session: &app.session,
        log_path: None,
        keymap: &app.keymap,
        memory: &app.memory,
        editor: app.editor.as_mut(),
        size: (80, 24),
        clock: Instant::now(),
    };
    dialog.on_key(key, &mut ctx)
}

#[test]
fn the_erase_dialog_asks_for_the_write_only_for_the_exact_username() {
    let mut a = app(false);
    let mut d = Dialog::Erase(EraseDialog {
        target: target("ann\u{1b}[31m\u{202e}"),
        org_name: "main".into(),
        scope: EraseScope::Entry(102),
        entries: Vec::new(),
        complete: true,
        typed: String::new(),
        mismatch: false,
    });
    // A name that only looks the same on screen is not the username.
    for c in "ann".chars() {
        assert!(keys_of(&mut a, &mut d, press(KeyCode::Char(c))).is_empty());
    }
    assert!(keys_of(&mut a, &mut d, press(KeyCode::Enter)).is_empty());
    assert!(matches!(&d, Dialog::Erase(e) if e.mismatch && e.typed == "ann"));
    if let Dialog::Erase(e) = &mut d {
        e.typed = "ann\u{1b}[31m\u{202e}".into();
    }
    let steps = keys_of(&mut a, &mut d, press(KeyCode::Enter));
    assert!(matches!(steps.first(), Some(Step::Close)), "{steps:?}");
    let Some(Step::Write { action, effect, .. }) = steps.get(1) else {
        panic!("{steps:?}")
    };
    assert_eq!(*action, crate::app::Action::Erase);
    assert_eq!(
        *effect,
        Effect::Erase {
            target: target("ann\u{1b}[31m\u{202e}"),
            scope: EraseScope::Entry(102),
        }
    );
}

#[test]
fn a_write_step_is_refused_by_the_read_only_gate() {
    let mut a = app(true);
    a.dialog = Some(Dialog::ConfirmRestore(super::RestoreQuestion {
        target: target("ann"),
        backup: "/tmp/backup.json".into(),
        what: "3 entries of chat memory".into(),
        beside: vec![7],
    }));
    let fx = a.update(Input::Key(press(KeyCode::Char('y'))));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(a.dialog.is_none());
    let status = a.status.as_ref().expect("a status");
    assert_eq!(status.level, Level::Warning);
    assert!(status.text.starts_with("read-only"), "{}", status.text);

    let mut a = app(false);
    a.dialog = Some(Dialog::ConfirmRestore(super::RestoreQuestion {
        target: target("ann"),
        backup: "/tmp/backup.json".into(),
        what: "3 entries of chat memory".into(),
        beside: vec![7],
    }));
    let fx = a.update(Input::Key(press(KeyCode::Char('y'))));
    assert_eq!(
        fx,
        [Effect::Restore {
            target: target("ann"),
            backup: "/tmp/backup.json".into(),
            beside: vec![7],
        }]
    );
}

#[test]
fn yes_to_quit_keeps_the_question_up_and_any_other_key_closes_it() {
    let mut a = app(false);
    a.dialog = Some(Dialog::ConfirmQuit);
    a.update(Input::Key(press(KeyCode::Char('n'))));
    assert!(a.dialog.is_none() && !a.should_quit);
    a.dialog = Some(Dialog::ConfirmQuit);
    a.update(Input::Key(press(KeyCode::Char('y'))));
    assert!(a.should_quit);
    assert!(matches!(a.dialog, Some(Dialog::ConfirmQuit)));
}

#[test]
fn sending_mine_from_a_conflict_saves_over_the_version_shown() {
    let mut a = app(false);
    a.editor = Some(Editor::new(
        target("ann"),
        EditKind::Create,
        String::new(),
        "mine",
    ));
    let mut d = Dialog::Conflict(ConflictDialog {
        target: target("ann"),
        mine: "mine".into(),
        server: "theirs \u{1b}]0;x\u{7}".into(),
        session_id: Some("s-1".into()),
        creating: true,
        entry: Some(7),
        scroll: 0,
    });
    let steps = keys_of(&mut a, &mut d, press(KeyCode::Char('y')));
    let ed = a.editor.as_ref().expect("the editor stays open");
    assert!(ed.saving);
    assert_eq!(ed.original, "theirs \u{1b}]0;x\u{7}");
    assert_eq!(
        ed.kind,
        EditKind::Replace {
            session_id: Some("s-1".into()),
            entry: Some(7),
        }
    );
    let sent: Vec<&Effect> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Run(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [&Effect::Replace {
            target: target("ann"),
            text: "mine".into(),
            session_id: Some("s-1".into()),
            base: "theirs \u{1b}]0;x\u{7}".into(),
            entry: Some(7),
        }]
    );
}
