//! The editor against a slow mock server, whole: keys typed while a save is in flight are
//! refused on screen, never silently dropped, and the server gets exactly the text that was
//! on screen when Ctrl-S was pressed.

mod common;

use std::time::Duration;

use common::console_rig::{WAIT, quick, rig};
use memory_console::app::Level;
use reqwest::Method;

#[tokio::test]
async fn typing_during_a_slow_save_is_refused_visibly() {
    let mut r = rig(quick().with_latency(Duration::from_millis(400)), false).await;
    r.open_user("one.line.olga").await;
    let before = r.console.app.memory.editable_text();
    r.keys("E");
    r.keys("Edited: ");
    r.ctrl('s');
    // The answer takes at least two round trips of 400 ms: these keys come before it.
    r.keys("ZZ");
    let ed = r
        .console
        .app
        .editor
        .as_ref()
        .expect("editor open while saving");
    assert!(ed.saving);
    assert_eq!(ed.text(), format!("Edited: {before}"), "ZZ did not go in");
    let status = r.console.app.status.clone().expect("a status");
    assert!(matches!(status.level, Level::Warning), "{status:?}");
    let screen = r.screen();
    assert!(screen.contains("saving…"), "{screen}");
    assert!(screen.contains("keys are not taken"), "{screen}");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.editor.is_none() && a.tasks.items.len() == 1)
            .await,
        "the update is queued"
    );
    assert_eq!(r.mock.state().count(Method::PUT), 1);
    let expected = format!("Edited: {before}");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.memory.editable_text() == expected)
            .await,
        "the server holds the text shown at Ctrl-S, and no ZZ"
    );
}

/// A hidden character and the same placeholder typed out look alike as text, so the
/// placeholder is drawn in its own style (underlined, which survives NO_COLOR).
#[tokio::test]
async fn a_typed_placeholder_is_drawn_unlike_a_real_one() {
    use memory_console::app::Input;
    use ratatui::style::Modifier;

    let mut r = rig(quick(), false).await;
    r.open_user("one.line.olga").await;
    r.keys("e");
    r.keys("⟨ESC⟩");
    r.console.handle(Input::Paste("\u{1b}".into()));
    let ed = r.console.app.editor.as_ref().expect("editor");
    assert!(ed.text().starts_with("⟨ESC⟩\u{1b}"));
    let screen = r.screen();
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("⟨ESC⟩⟨ESC⟩"))
        .expect("both drawn");
    let x = line.chars().take_while(|c| *c != '⟨').count() as u16;
    let buf = r.console.terminal.backend().buffer();
    let underlined = |dx: u16| {
        buf[(x + dx, row as u16)]
            .modifier
            .contains(Modifier::UNDERLINED)
    };
    assert!((0..5).all(|dx| !underlined(dx)), "typed text is plain");
    assert!((5..10).all(underlined), "the real ESC is a placeholder");
}
