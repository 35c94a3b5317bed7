//! The console's data-safety promises, end to end against the mock server: conflicts are
//! shown and nothing is sent, drafts survive a quit, erases can be undone and are verified,
//! and every change is in the audit log before it is made.

mod common;

use std::time::Duration;

use common::console_rig::{Rig, WAIT, quick, rig, rig_full, walk};
use crossterm::event::KeyCode;
use memory_console::api::TaskPhase;
use memory_console::app::{Dialog, Load, UndoableErase};
use reqwest::Method;

const OLGA: &str = "one.line.olga";

fn server_text(r: &Rig, user: &str) -> String {
    r.mock
        .state()
        .memory("main", user)
        .and_then(|e| {
            e.first()
                .and_then(|e| e.content.as_deref().map(str::to_owned))
        })
        .unwrap_or_default()
}

async fn edit_while_someone_else_changes_it(r: &mut Rig) -> String {
    r.open_user(OLGA).await;
    let before = server_text(r, OLGA);
    r.keys("E");
    r.keys("MINE ");
    r.mock
        .state()
        .set_memory_content("main", OLGA, "someone else's words");
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.dialog, Some(Dialog::Conflict(_))))
            .await,
        "conflict shown: {:?}",
        r.console.app.status
    );
    assert_eq!(r.mock.state().count(Method::PUT), 0, "nothing was sent");
    let screen = r.screen();
    assert!(screen.contains("changed on the server"), "{screen}");
    assert!(screen.contains("- someone else's words"), "{screen}");
    assert!(screen.contains(&format!("+ MINE {before}")), "{screen}");
    format!("MINE {before}")
}

#[tokio::test]
async fn a_conflict_goes_back_to_editing_and_the_next_save_goes_through() {
    let mut r = rig(quick(), false).await;
    let mine = edit_while_someone_else_changes_it(&mut r).await;
    r.keys("e");
    assert!(r.console.app.dialog.is_none());
    assert_eq!(r.console.app.editor.as_ref().expect("editor").text(), mine);
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| a.tasks.items.len() == 1)
            .await
    );
    assert_eq!(r.mock.state().count(Method::PUT), 1);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.tasks.items[0].phase() == TaskPhase::Done)
            .await
    );
    assert_eq!(server_text(&r, OLGA), mine);
}

#[tokio::test]
async fn a_conflict_can_keep_mine() {
    let mut r = rig(quick(), false).await;
    let mine = edit_while_someone_else_changes_it(&mut r).await;
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .tasks
                .items
                .first()
                .is_some_and(|t| t.phase() == TaskPhase::Done))
            .await
    );
    assert_eq!(server_text(&r, OLGA), mine);
}

#[tokio::test]
async fn a_conflict_can_take_the_servers() {
    let mut r = rig(quick(), false).await;
    edit_while_someone_else_changes_it(&mut r).await;
    r.keys("t");
    assert!(r.console.app.editor.is_none());
    assert!(
        r.console
            .settle_until(WAIT, |a| a.memory.editable_text() == "someone else's words")
            .await
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(r.mock.state().count(Method::PUT), 0);
}

#[tokio::test]
async fn a_draft_survives_quitting_and_is_offered_again() {
    let mut first = rig(quick(), false).await;
    first.open_user(OLGA).await;
    let original = server_text(&first, OLGA);
    first.keys("E");
    first.keys("DRAFT ");
    let path = first
        .console
        .save_draft_now()
        .expect("saved")
        .expect("a draft");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A new run on the same data dir.
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
    assert!(second.screen().contains("unsaved edit"));
    second.keys("r");
    let ed = second.console.app.editor.as_ref().expect("editor");
    assert_eq!(ed.text(), format!("DRAFT {original}"));
    second.ctrl('s');
    assert!(
        second
            .console
            .settle_until(WAIT, |a| a
                .tasks
                .items
                .first()
                .is_some_and(|t| t.phase() == TaskPhase::Done))
            .await
    );
    let deadline = std::time::Instant::now() + WAIT;
    while path.exists() && std::time::Instant::now() < deadline {
        second
            .console
            .settle_until(Duration::from_millis(50), |_| false)
            .await;
    }
    assert!(
        !path.exists(),
        "the draft is removed once its save completed"
    );
}

#[tokio::test]
async fn an_erase_can_be_undone_once() {
    let mut r = rig(quick(), false).await;
    r.open_user("paragraphs.pete").await;
    let original = server_text(&r, "paragraphs.pete");
    r.keys("d");
    r.keys("paragraphs.pete");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_some())
            .await,
        "{:?}",
        r.console.app.status
    );
    assert!(
        r.console
            .app
            .status
            .as_ref()
            .expect("status")
            .text
            .contains("erased for paragraphs.pete, verified gone")
    );
    r.keys("u");
    assert!(matches!(
        r.console.app.dialog,
        Some(Dialog::ConfirmRestore { .. })
    ));
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.memory.editable_text() == original)
            .await,
        "{:?}",
        r.console.app.status
    );
    assert_eq!(server_text(&r, "paragraphs.pete"), original);
    r.keys("u");
    assert!(r.console.app.dialog.is_none());
    assert!(
        r.console
            .app
            .status
            .as_ref()
            .expect("status")
            .text
            .contains("nothing left to undo: every erase of this run (1 erase) is undone")
    );
    let backups = walk(&r.data.path().join("backups"));
    let b = memory_console::store::read_backup(&backups[0]).expect("backup");
    assert!(
        b.restored_at.is_some(),
        "marked restored, so it cannot be restored twice"
    );
}

#[tokio::test]
async fn every_change_is_audited_and_the_key_is_not() {
    let mut r = rig(quick(), false).await;
    r.open_user(OLGA).await;
    r.keys("ty");
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.memory.enabled, Load::Ready(false)))
            .await
    );
    r.keys("E");
    r.keys("x");
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| a.tasks.items.len() == 1)
            .await
    );
    r.keys("D");
    r.keys(OLGA);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_some())
            .await
    );
    let log = std::fs::read_to_string(r.data.path().join("audit.jsonl")).expect("audit log");
    assert!(
        !log.contains("flow-key"),
        "the key never reaches the audit log"
    );
    let records: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // Every line names who and where: the org and the user the change was made to.
    for r in &records {
        assert_eq!(r["org"], "main", "{r}");
        assert_eq!(r["user"], OLGA, "{r}");
    }
    for action in ["disable", "update", "erase"] {
        let phases: Vec<&str> = records
            .iter()
            .filter(|r| r["action"] == action)
            .map(|r| r["phase"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(phases, ["intent", "outcome"], "{action}");
    }
    let update = records
        .iter()
        .find(|r| r["action"] == "update" && r["phase"] == "outcome")
        .expect("update outcome");
    assert!(update["task_id"].is_string());
    let erase = records
        .iter()
        .find(|r| r["action"] == "erase" && r["phase"] == "outcome")
        .expect("erase outcome");
    assert!(erase["backup_path"].is_string());
    assert_eq!(erase["http_status"], 204);
    assert!(
        records
            .iter()
            .all(|r| r["key_fingerprint"].as_str().is_some_and(|f| f.len() >= 8))
    );
    r.keys("a");
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(
                &a.dialog,
                Some(Dialog::Audit {
                    records: Load::Ready(_),
                    ..
                })
            ))
            .await
    );
    let screen = r.screen();
    assert!(
        screen.contains("erase") && screen.contains("disable"),
        "{screen}"
    );
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn without_an_audit_line_nothing_is_sent() {
    let mut r = rig_full(
        quick(),
        false,
        None,
        Some(std::path::Path::new("/dev/full")),
    )
    .await;
    r.edit_and_save(OLGA, "x").await;
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .editor
                .as_ref()
                .is_some_and(|e| e.error.is_some()))
            .await
    );
    let error = r
        .console
        .app
        .editor
        .as_ref()
        .and_then(|e| e.error.clone())
        .unwrap_or_default();
    assert!(error.contains("audit"), "{error}");
    assert_eq!(r.mock.state().count(Method::PUT), 0);
    r.press(KeyCode::Esc);
    r.keys("y");
    r.keys("ty");
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.contains("audit")))
            .await
    );
    assert_eq!(r.writes(), 0);
}

#[tokio::test]
async fn an_erase_is_only_called_done_when_the_server_stops_returning_data() {
    use common::console_rig::{console_for, key};
    use serde_json::json;
    use wiremock::matchers::{method, path, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    // A server that says 204 to the DELETE but keeps answering the memory.
    let server = MockServer::start().await;
    let memory = "/api/ai-prompt/orgs/main/users/ann/all-chats-memory/";
    Mock::given(method("GET"))
        .and(path("/api/core/platform/users/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"count": 1, "next_page": 1, "previous_page": 1, "results": [{"username": "ann"}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(memory))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": 1, "username": "ann", "platform_key": "main", "content": "still here"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("chat-memory-status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": 1, "username": "ann", "platform_key": "main", "enabled": true}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let data = tempfile::tempdir().expect("tempdir");
    let mut console = console_for(&server.uri(), "k", data.path()).await;
    console.app.focus = memory_console::app::Pane::Users;
    console.handle(key(KeyCode::Enter));
    assert!(
        console
            .settle_until(WAIT, |a| a.memory.entries.ready().is_some())
            .await
    );
    console.handle(key(KeyCode::Char('d')));
    for c in "ann".chars() {
        console.handle(key(KeyCode::Char(c)));
    }
    console.handle(key(KeyCode::Enter));
    assert!(
        console
            .settle_until(Duration::from_secs(15), |a| a.last_erase.is_some())
            .await
    );
    let status = console.app.status.clone().expect("status");
    assert!(
        status.text.contains("but still shows it"),
        "{}",
        status.text
    );
    assert_eq!(status.level, memory_console::app::Level::Error);
}

#[tokio::test]
async fn a_failed_restore_records_the_servers_status_in_the_audit_log() {
    use memory_console::api::{OrgScope, UserRef};
    use memory_console::app::Target;
    use memory_console::store::{Backup, write_backup};

    let mut r = rig(quick(), false).await;
    r.open_user(OLGA).await;
    let entries = r
        .console
        .app
        .memory
        .entries
        .ready()
        .expect("loaded")
        .clone();
    let (org, user) = (OrgScope::new("main"), UserRef::by_name("no.memory.nick"));
    let backup = Backup::new("flows", &r.mock.base_url(), &org, &user, entries);
    let path = write_backup(&r.data.path().join("backups"), &backup).expect("backup written");
    r.console.app.last_erase = Some(UndoableErase {
        target: Target { org, user },
        backup: path,
        what: "2 entries of chat memory".into(),
    });
    // The server fails every request: the restore's check cannot read the user.
    r.mock.state().set_error_rate(1.0);
    r.keys("u");
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.starts_with("restore refused")))
            .await,
        "{:?}",
        r.console.app.status
    );
    let log = std::fs::read_to_string(r.data.path().join("audit.jsonl")).expect("audit log");
    let outcome: serde_json::Value = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON line"))
        .find(|l| l["action"] == "restore" && l["phase"] == "outcome")
        .expect("a restore outcome line");
    assert_eq!(outcome["result"], "failed", "{outcome}");
    assert_eq!(
        outcome["http_status"], 500,
        "the server's status is traceable: {outcome}"
    );
    assert_eq!(r.writes(), 0);
}
