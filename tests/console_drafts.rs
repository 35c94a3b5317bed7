//! "No edit is lost", trigger by trigger, on the console against the mock: the 3-second
//! autosave on a tick, the draft a failed save writes, and discarding a draft when it is
//! offered. (Quit and SIGTERM/SIGHUP need the real terminal loop: `tests/e2e_pty.rs`.)

mod common;

use std::time::{Duration, Instant};

use common::console_rig::{WAIT, drafts_in, quick, rig, rig_full};
use memory_console::app::{Dialog, Input};
use reqwest::Method;

const OLGA: &str = "one.line.olga";

#[tokio::test]
async fn a_tick_three_seconds_after_the_last_draft_writes_the_editor_text() {
    let mut r = rig(quick(), false).await;
    r.open_user(OLGA).await;
    let original = r.console.app.memory.editable_text();
    r.keys("e");
    r.keys("TICK ");
    // Too soon: a tick before 3 s writes nothing. Ticks carry the time, so the test moves
    // the clock instead of sleeping.
    let now = Instant::now();
    r.console.handle(Input::Tick(now + Duration::from_secs(1)));
    assert!(
        r.console
            .app
            .editor
            .as_ref()
            .is_some_and(|e| e.needs_draft()),
        "a draft was taken before 3 s"
    );
    r.console.handle(Input::Tick(now + Duration::from_secs(4)));
    let path = r.wait_for_draft(&format!("TICK {original}")).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Nothing was sent: a draft is local.
    assert_eq!(r.writes(), 0);
}

#[tokio::test]
async fn a_failed_save_keeps_the_editor_open_and_writes_a_draft() {
    let mut r = rig(quick(), false).await;
    r.open_user(OLGA).await;
    let original = r.console.app.memory.editable_text();
    r.keys("e");
    r.keys("FAILED ");
    // Every request now fails: the re-read before the save cannot happen, so nothing is sent.
    r.mock.state().set_error_rate(1.0);
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .editor
                .as_ref()
                .is_some_and(|e| e.error.is_some() && !e.saving))
            .await,
        "the save fails: {:?}",
        r.console.app.status
    );
    let ed = r
        .console
        .app
        .editor
        .as_ref()
        .expect("the editor stays open");
    assert_eq!(ed.text(), format!("FAILED {original}"), "with my text");
    r.wait_for_draft(&format!("FAILED {original}")).await;
    assert_eq!(r.mock.state().count(Method::PUT), 0);
}

#[tokio::test]
async fn discarding_an_offered_draft_removes_it_and_keeps_the_server_text() {
    let mut first = rig(quick(), false).await;
    first.open_user(OLGA).await;
    first.keys("e");
    first.keys("OLD DRAFT ");
    let path = first
        .console
        .save_draft_now()
        .expect("saved")
        .expect("a draft");
    let server_before = first.console.app.memory.editable_text();

    let mut second = rig_full(quick(), false, Some(first.data.path()), None).await;
    second.open_user(OLGA).await;
    assert!(
        second
            .console
            .settle_until(WAIT, |a| matches!(
                a.dialog,
                Some(Dialog::RestoreDraft { .. })
            ))
            .await,
        "the draft is offered"
    );
    second.keys("d");
    assert!(second.console.app.dialog.is_none());
    assert!(
        second.console.app.editor.is_none(),
        "discarding opens no editor"
    );
    let deadline = Instant::now() + WAIT;
    while path.exists() {
        assert!(
            Instant::now() < deadline,
            "the discarded draft stays on disk"
        );
        second
            .console
            .settle_until(Duration::from_millis(20), |_| false)
            .await;
    }
    assert!(drafts_in(&first.data.path().join("drafts")).is_empty());
    assert_eq!(second.writes(), 0, "discarding sends nothing");
    assert_eq!(second.console.app.memory.editable_text(), server_before);
}
