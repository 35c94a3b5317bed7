//! "No intent line, no request": with the audit log on a full device (`/dev/full`), every
//! change path sends nothing, and the memory on the server stays as it was. Console erase,
//! restore and create; the CLI's `memory delete` and `purge`. (Console update and on/off:
//! `console_safety.rs`; CLI create: `cli_memory.rs`.)
#![cfg(target_os = "linux")]

mod cli_support;
mod common;

use std::path::Path;

use common::console_rig::{Rig, WAIT, quick, rig_full};
use crossterm::event::KeyCode;
use memory_console::api::{OrgScope, UserRef};
use memory_console::app::{Target, UndoableErase};
use memory_console::store::{Backup, write_backup};
use reqwest::Method;

const FULL: &str = "/dev/full";

async fn console_on_a_full_disk() -> Rig {
    rig_full(quick(), false, None, Some(Path::new(FULL))).await
}

async fn status_says_audit(r: &mut Rig) {
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.contains("audit")))
            .await,
        "no audit error shown: {:?}",
        r.console.app.status
    );
}

#[tokio::test]
async fn console_erase_sends_no_delete_without_an_intent_line() {
    let mut r = console_on_a_full_disk().await;
    // Several entries, so a partial erase would show too.
    r.open_user("multi.mia").await;
    let before = r.mock.state().memory("main", "multi.mia").expect("user");
    assert!(before.len() > 1, "multi.mia has several entries");
    r.keys("d");
    r.keys("multi.mia");
    r.press(KeyCode::Enter);
    status_says_audit(&mut r).await;
    assert_eq!(r.writes(), 0, "no DELETE, no write of any kind");
    assert_eq!(
        r.mock.state().memory("main", "multi.mia").expect("user"),
        before
    );
    assert!(r.console.app.last_erase.is_none(), "nothing to undo");
}

#[tokio::test]
async fn console_restore_sends_nothing_without_an_intent_line() {
    let mut r = console_on_a_full_disk().await;
    // A backup of real entries, for a user who has no memory now (so a restore would go
    // through if it were sent).
    r.open_user("one.line.olga").await;
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
    r.keys("u");
    r.keys("y");
    status_says_audit(&mut r).await;
    assert_eq!(r.writes(), 0, "no POST");
    assert_eq!(
        r.mock.state().memory("main", "no.memory.nick"),
        Some(Vec::new())
    );
}

#[tokio::test]
async fn console_create_sends_no_post_without_an_intent_line() {
    let mut r = console_on_a_full_disk().await;
    r.open_user("no.memory.nick").await;
    r.keys("n");
    assert!(r.console.app.editor.is_some(), "n opens the editor");
    r.keys("new memory");
    r.ctrl('s');
    assert!(
        r.console
            .settle_until(WAIT, |a| a.editor.as_ref().is_some_and(|e| e
                .error
                .as_deref()
                .is_some_and(|t| t.contains("audit"))))
            .await,
        "the editor shows the audit failure: {:?}",
        r.console.app.status
    );
    assert_eq!(r.writes(), 0);
    assert_eq!(
        r.mock.state().memory("main", "no.memory.nick"),
        Some(Vec::new())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_delete_sends_no_delete_without_an_intent_line() {
    let env = cli_support::Env::start(cli_support::config(2)).await;
    let out = env
        .run(&[
            "memory",
            "delete",
            "--org",
            "main",
            "--user",
            "u01",
            "--yes",
            "--audit-log",
            FULL,
        ])
        .await;
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("audit"), "{}", out.stderr);
    assert_eq!(env.mock.state().count(Method::DELETE), 0);
    assert_eq!(
        env.mock.state().memory("main", "u01").expect("user").len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_sends_no_delete_without_an_intent_line() {
    let env = cli_support::Env::start(cli_support::config(3)).await;
    let file = cli_support::users_file(&env, &["u01", "u02", "u03"]);
    let out_dir = env.path("job");
    let out = env
        .run(&[
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--yes",
            "--json",
            "--out",
            out_dir.to_str().expect("UTF-8 temp path"),
            "--audit-log",
            FULL,
        ])
        .await;
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.mock.state().count(Method::DELETE), 0);
    for u in ["u01", "u02", "u03"] {
        assert_eq!(
            env.mock.state().memory("main", u).expect("user").len(),
            1,
            "{u}"
        );
    }
}
