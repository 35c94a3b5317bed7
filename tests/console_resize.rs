//! A terminal resized while a dialog is open: the dialog stays, keeps what was typed into
//! it, is drawn inside the new size, and goes on to do its job.

mod common;

use common::console_rig::{Rig, WAIT, quick, rig};
use crossterm::event::KeyCode;
use memory_console::app::{Dialog, Input};

const USER: &str = "multi.mia";

fn resize(r: &mut Rig, w: u16, h: u16) -> String {
    r.console.terminal.backend_mut().resize(w, h);
    r.console.handle(Input::Resize(w, h));
    let screen = r.screen();
    for (i, line) in screen.lines().enumerate() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= w as usize,
            "row {i} is wider than {w}: {line:?}"
        );
    }
    assert!(screen.lines().count() <= h as usize, "{screen}");
    screen
}

#[tokio::test]
async fn an_erase_confirmation_survives_shrinking_and_growing_the_terminal() {
    let mut r = rig(quick(), false).await;
    r.open_user(USER).await;
    r.keys("D");
    r.keys("multi");
    for (w, h) in [(40, 10), (20, 6), (200, 60), (80, 24)] {
        let screen = resize(&mut r, w, h);
        let Some(Dialog::Erase(d)) = &r.console.app.dialog else {
            panic!("the dialog is gone at {w}x{h}:\n{screen}");
        };
        assert_eq!(d.typed, "multi", "what was typed stays at {w}x{h}");
        assert!(
            screen.contains("> multi"),
            "the box typed into is never cut, at {w}x{h}:\n{screen}"
        );
    }
    let screen = r.screen();
    assert!(
        screen.contains("multi"),
        "the typed text is shown again:\n{screen}"
    );
    r.keys(".mia");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_some())
            .await,
        "the erase goes on after the resizes"
    );
    assert_eq!(
        r.mock.state().memory("main", USER).map(|m| m.len()),
        Some(0)
    );
}

#[tokio::test]
async fn a_leave_the_editor_question_survives_a_resize_and_keeps_the_text() {
    let mut r = rig(quick(), false).await;
    r.open_user(USER).await;
    r.keys("e");
    r.keys("KEEP ");
    r.press(KeyCode::Esc);
    assert!(matches!(r.console.app.dialog, Some(Dialog::ConfirmDiscard)));
    resize(&mut r, 40, 10);
    resize(&mut r, 100, 30);
    assert!(matches!(r.console.app.dialog, Some(Dialog::ConfirmDiscard)));
    r.keys("n");
    let editor = r.console.app.editor.as_ref().expect("still editing");
    assert!(editor.text().starts_with("KEEP "), "{}", editor.text());
}
