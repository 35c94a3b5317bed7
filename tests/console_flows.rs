//! Whole console flows on TestBackend against the built-in mock server over loopback:
//! the keys an operator presses, the requests the server sees, the files left behind.

mod common;

use std::time::Duration;

use common::console_rig::{WAIT, quick, rig, rig_with_backups, walk};
use crossterm::event::KeyCode;
use memory_console::api::TaskPhase;
use memory_console::app::{Load, Pane};
use reqwest::Method;

#[tokio::test]
async fn find_a_user_edit_save_and_watch_the_task_complete() {
    let mut r = rig(quick(), false).await;
    r.open_user("one.line.olga").await;
    let before = r.console.app.memory.editable_text();
    r.keys("E");
    r.keys("Edited: ");
    assert!(r.screen().contains("modified"));
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| a.tasks.items.len() == 1 && a.editor.is_none())
            .await,
        "the update is queued"
    );
    assert!(
        r.screen().contains("update pending"),
        "the memory pane says so"
    );
    assert!(
        r.console
            .settle_until(WAIT, |a| a.tasks.items[0].phase() == TaskPhase::Done
                && a.memory.entries.ready().is_some())
            .await,
        "the task completes"
    );
    let expected = format!("Edited: {before}");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.memory.editable_text() == expected)
            .await,
        "the memory is re-read after completion"
    );
    let server = r
        .mock
        .state()
        .memory("main", "one.line.olga")
        .expect("memory");
    assert_eq!(server[0].content.as_deref(), Some(expected.as_str()));
    assert_eq!(r.mock.state().count(Method::PUT), 1);
    let screen = r.screen();
    assert!(screen.contains("completed"), "{screen}");
}

#[tokio::test]
async fn saving_unchanged_text_sends_nothing() {
    let mut r = rig(quick(), false).await;
    r.open_user("one.line.olga").await;
    r.keys("e");
    r.ctrl('s');
    assert!(r.console.app.editor.is_none());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(r.writes(), 0);
}

#[tokio::test]
async fn create_memory_for_a_user_without_any() {
    let mut r = rig(quick(), false).await;
    r.open_user("no.memory.nick").await;
    assert!(r.screen().contains("no memory yet"));
    r.keys("n");
    r.keys("likes chess");
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| a.memory.editable_text() == "likes chess")
            .await,
        "created and re-read"
    );
    assert_eq!(r.mock.state().count(Method::POST), 1);
}

#[tokio::test]
async fn erase_writes_a_private_backup_first_and_needs_the_username() {
    let mut r = rig(quick(), false).await;
    r.open_user("paragraphs.pete").await;
    let original = r
        .mock
        .state()
        .memory("main", "paragraphs.pete")
        .expect("memory");
    r.keys("d");
    let screen = r.screen();
    assert!(
        screen.contains("of the chat memory of paragraphs.pete"),
        "{screen}"
    );
    r.keys("paragraphs.pet");
    r.press(KeyCode::Enter);
    assert!(r.screen().contains("nothing was erased"));
    r.keys("e");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.contains("backup at"))
                && a.memory.entries.ready().is_some_and(Vec::is_empty))
            .await,
        "erased and re-read: {:?}",
        r.console.app.status
    );
    assert_eq!(r.mock.state().count(Method::DELETE), 1);
    assert!(
        r.mock
            .state()
            .memory("main", "paragraphs.pete")
            .unwrap_or_default()
            .is_empty()
    );
    let dir = r.data.path().join("backups");
    let files: Vec<_> = walk(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let backup = memory_console::store::read_backup(&files[0]).expect("backup reads");
    assert_eq!(backup.username, "paragraphs.pete");
    assert_eq!(backup.entries.len(), original.len());
    assert_eq!(
        backup.entries[0].content.as_deref(),
        original[0].content.as_deref()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0])
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let status = r.console.app.status.clone().expect("status").text;
    assert!(status.contains(&files[0].display().to_string()), "{status}");
}

#[tokio::test]
async fn no_backup_no_erase() {
    let blocker = tempfile::NamedTempFile::new().expect("file");
    let impossible = blocker.path().join("data");
    let mut r = rig_with_backups(quick(), false, Some(&impossible)).await;
    r.open_user("paragraphs.pete").await;
    r.keys("d");
    r.keys("paragraphs.pete");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.contains("erase failed")))
            .await,
        "{:?}",
        r.console.app.status
    );
    assert_eq!(r.mock.state().count(Method::DELETE), 0);
    assert!(
        !r.mock
            .state()
            .memory("main", "paragraphs.pete")
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn read_only_sends_nothing_but_gets() {
    let mut r = rig(quick(), true).await;
    assert!(r.screen().contains("READ-ONLY"));
    r.open_user("one.line.olga").await;
    for k in ["e", "n", "d", "t"] {
        r.keys(k);
        let status = r.console.app.status.clone().expect("status").text;
        assert!(status.starts_with("read-only"), "{k}: {status}");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(r.writes(), 0);
    assert!(r.mock.state().count(Method::GET) > 0);
}

#[tokio::test]
async fn toggling_memory_off_and_on() {
    let mut r = rig(quick(), false).await;
    r.open_user("one.line.olga").await;
    // `t` asks first: any key but y leaves memory as it is.
    r.keys("t");
    assert!(
        r.screen()
            .contains("Switch memory OFF for one.line.olga (main)? y/n")
    );
    r.keys("n");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(r.writes(), 0, "nothing sent without y");
    assert_eq!(
        r.mock.state().memory_enabled("main", "one.line.olga"),
        Some(true)
    );
    r.keys("ty");
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.memory.enabled, Load::Ready(false)))
            .await
    );
    assert_eq!(
        r.mock.state().memory_enabled("main", "one.line.olga"),
        Some(false)
    );
    assert!(r.screen().contains("memory off"));
    r.keys("t");
    assert!(r.screen().contains("Switch memory ON"));
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.memory.enabled, Load::Ready(true)))
            .await
    );
}

#[tokio::test]
async fn a_failed_update_keeps_the_edited_text() {
    let mut r = rig(quick().with_fail_rate(1.0), false).await;
    r.edit_and_save("one.line.olga", "KEEP ME ").await;
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .tasks
                .items
                .first()
                .is_some_and(|t| t.phase() == TaskPhase::Failed)
                && a.memory.entries.ready().is_some())
            .await
    );
    r.keys("e");
    let text = r.console.app.editor.as_ref().expect("editor").text();
    assert!(text.starts_with("KEEP ME "), "{text}");
}

#[tokio::test]
async fn keys_move_at_once_while_the_server_is_slow() {
    let mut r = rig(quick(), false).await;
    r.mock.state().set_latency(Duration::from_secs(2));
    r.console.app.focus = Pane::Users;
    r.press(KeyCode::Enter);
    assert_eq!(
        r.console.app.focus,
        Pane::Memory,
        "Enter moves to the memory it opens"
    );
    r.press(KeyCode::BackTab);
    r.keys("jjj");
    r.screen();
    assert_eq!(r.console.app.users.list.selected, 3);
    // The server takes 2 s to answer; the keys were handled and a frame drawn while the
    // answer is still on its way, so nothing waited for it (a deterministic check, not a
    // timing one).
    assert!(
        r.console.app.memory.entries.is_loading(),
        "the memory of the first user is still on its way"
    );
}

#[tokio::test]
async fn hostile_memory_never_reaches_the_screen_raw() {
    let mut r = rig(quick(), false).await;
    r.open_user("hostile.hannah").await;
    let screen = r.screen();
    assert!(screen.contains("\\x1b[31m"), "{screen}");
    assert!(screen.contains("\\u{202e}"));
    let buf = r.console.terminal.backend().buffer();
    for cell in buf.content.iter() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || c == '\u{200b}'),
            "raw {:?} in a cell",
            cell.symbol()
        );
    }
    // The editor holds the original bytes, and the frame is still clean.
    r.keys("e");
    let original = r
        .mock
        .state()
        .memory("main", "hostile.hannah")
        .expect("memory")[0]
        .content
        .as_deref()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        r.console.app.editor.as_ref().expect("editor").text(),
        original
    );
    r.screen();
    let buf = r.console.terminal.backend().buffer();
    assert!(buf.content.iter().all(|c| {
        !c.symbol()
            .chars()
            .any(|c| c.is_control() || c == '\u{202e}')
    }));
}

#[tokio::test]
async fn the_mouse_focuses_selects_and_scrolls() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    use memory_console::app::Input;
    let mut r = rig(quick(), false).await;
    let areas = r.console.app.areas();
    let mouse = |kind, column, row| {
        Input::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: crossterm::event::KeyModifiers::NONE,
        })
    };
    // Click the third user row: focus, select and open.
    let (x, y) = (areas.users.x + 2, areas.users.y + 3);
    r.console
        .handle(mouse(MouseEventKind::Down(MouseButton::Left), x, y));
    assert_eq!(r.console.app.users.list.selected, 2);
    let third = r.console.app.users.items[2].username.clone();
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .memory
                .target
                .as_ref()
                .is_some_and(|t| t.user.username == third))
            .await
    );
    // The wheel over the users list scrolls it, whatever has the focus.
    r.console.handle(mouse(MouseEventKind::ScrollDown, x, y));
    assert_eq!(r.console.app.users.list.selected, 5);
    assert_eq!(
        r.console.app.focus,
        Pane::Memory,
        "the wheel does not steal the focus"
    );
    // A click in the tasks pane focuses it.
    let t = areas.tasks;
    r.console.handle(mouse(
        MouseEventKind::Down(MouseButton::Left),
        t.x + 1,
        t.y + 1,
    ));
    assert_eq!(r.console.app.focus, Pane::Tasks);
}
