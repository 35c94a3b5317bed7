//! The create-path conflict: memory created elsewhere while the operator writes a new one
//! with `n`. Saving sends no POST over it; the conflict is shown, and going back to editing
//! turns the save into an update checked against the text now seen.

mod common;

use common::console_rig::{WAIT, quick, rig};
use memory_console::app::Dialog;
use memory_console::app::EditKind;
use reqwest::Method;
use serde_json::json;

const NICK: &str = "no.memory.nick";

fn server_text(r: &common::console_rig::Rig) -> Vec<String> {
    r.mock
        .state()
        .memory("main", NICK)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.content.map(|c| c.to_string()))
        .collect()
}

#[tokio::test]
async fn memory_created_elsewhere_while_pressing_n_is_not_overwritten() {
    let mut r = rig(quick(), false).await;
    r.open_user(NICK).await;
    r.keys("n");
    r.keys("MINE");
    // Someone else creates the memory meanwhile.
    let theirs = reqwest::Client::new()
        .post(format!(
            "{}/api/ai-prompt/orgs/main/users/{NICK}/all-chats-memory/",
            r.mock.base_url()
        ))
        .header("Authorization", "Api-Key flow-key")
        .json(&json!({"username": NICK, "platform_key": "main", "content": "THEIRS", "session_id": null}))
        .send()
        .await
        .expect("the other admin's POST");
    assert_eq!(theirs.status().as_u16(), 201);
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(
                &a.dialog,
                Some(Dialog::Conflict(c)) if c.creating && c.server == "THEIRS"
            ))
            .await,
        "the conflict is shown: {:?}",
        r.console.app.status
    );
    assert_eq!(
        r.mock.state().count(Method::POST),
        1,
        "only theirs was sent"
    );
    assert_eq!(server_text(&r), ["THEIRS"]);
    let screen = r.screen();
    assert!(screen.contains("- THEIRS"), "{screen}");
    assert!(screen.contains("+ MINE"), "{screen}");

    // Back to editing: the next save replaces the version just seen, with a PUT.
    r.keys("e");
    let ed = r.console.app.editor.as_ref().expect("editor");
    assert!(matches!(ed.kind, EditKind::Replace { .. }), "{:?}", ed.kind);
    assert_eq!(ed.text(), "MINE");
    r.ctrl('s');
    // An update lands when it is saved (one entry) or when its queued task ends (the
    // whole memory): wait for the server's text either way.
    let deadline = std::time::Instant::now() + WAIT;
    while server_text(&r) != ["MINE"] {
        assert!(
            std::time::Instant::now() < deadline,
            "never saved: {:?}",
            r.console.app.status
        );
        r.console
            .settle_until(std::time::Duration::from_millis(20), |_| false)
            .await;
    }
    assert_eq!(
        r.mock.state().count(Method::POST),
        1,
        "never a second memory"
    );
    assert_eq!(r.mock.state().count(Method::PUT), 1);
    assert_eq!(server_text(&r), ["MINE"]);
}
