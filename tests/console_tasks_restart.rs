//! A queued update outlives the console that sent it: the data dir records it, the next
//! start shows it in the Tasks pane and polls it until it ends, and then forgets it.

mod common;

use std::time::Duration;

use common::console_rig::{Rig, WAIT, console_for};
use memory_console::api::TaskPhase;
use memory_console::mock::{MockConfig, MockServer};
use memory_console::store::{DataDir, load_tasks};

const KEY: &str = "restart-key";

#[tokio::test]
async fn a_task_queued_before_a_quit_is_followed_to_its_end_by_the_next_start() {
    let mock = MockServer::start(
        MockConfig::default()
            .with_task_delay(Duration::from_secs(3))
            .with_api_key(KEY),
    )
    .await
    .expect("mock");
    let data = tempfile::tempdir().expect("tempdir");
    let base = mock.base_url();
    let console = console_for(&base, KEY, data.path()).await;
    let mut r = Rig {
        mock,
        console,
        data,
    };
    r.open_user("one.line.olga").await;
    r.keys("E");
    r.keys("Edited before a quit: ");
    r.ctrl('s');
    let tasks_file = DataDir::new(r.data.path()).tasks();
    assert!(
        r.console
            .settle_until(WAIT, |a| a.tasks.items.len() == 1)
            .await,
        "the update is queued"
    );
    let task_id = r.console.app.tasks.items[0].task_id.0.clone();
    let recorded = wait_for(|| {
        load_tasks(&tasks_file, "p", &base)
            .map(|l| l.tasks.iter().any(|t| t.task_id == task_id))
            .unwrap_or(false)
    })
    .await;
    assert!(recorded, "the data dir names the open task");
    assert!(r.console.app.tasks.items[0].is_open(), "quit while queued");
    let Rig {
        mock,
        console,
        data,
    } = r;
    drop(console);

    let mut again = console_for(&base, KEY, data.path()).await;
    assert!(
        again.settle_until(WAIT, |a| a.tasks.items.len() == 1).await,
        "the next start shows the task of the earlier run"
    );
    let item = &again.app.tasks.items[0];
    assert!(item.earlier_run);
    assert_eq!(item.task_id.0, task_id);
    assert_eq!(item.target.user.username, "one.line.olga");
    assert!(
        again
            .settle_until(WAIT, |a| a.tasks.items[0].phase() == TaskPhase::Done)
            .await,
        "polled until it ends"
    );
    let forgotten = wait_for(|| {
        load_tasks(&tasks_file, "p", &base)
            .map(|l| l.tasks.is_empty())
            .unwrap_or(false)
    })
    .await;
    assert!(forgotten, "an ended task leaves the data dir");
    let server = mock.state().memory("main", "one.line.olga").expect("user");
    assert!(
        server[0]
            .content
            .as_deref()
            .is_some_and(|c| c.starts_with("Edited before a quit: ")),
        "the update landed"
    );
}

#[tokio::test]
async fn an_unreadable_tasks_file_is_set_aside_and_the_console_starts() {
    let mock = MockServer::start(MockConfig::default().with_api_key(KEY))
        .await
        .expect("mock");
    let data = tempfile::tempdir().expect("tempdir");
    let tasks_file = DataDir::new(data.path()).tasks();
    std::fs::write(&tasks_file, b"\x1b[2J not json \xff").expect("write");
    let mut console = console_for(&mock.base_url(), KEY, data.path()).await;
    assert!(
        console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.contains("unreadable")))
            .await,
        "the operator is told"
    );
    assert!(console.app.tasks.items.is_empty());
    let aside: Vec<_> = std::fs::read_dir(data.path())
        .expect("dir")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("tasks.json.unreadable-")
        })
        .collect();
    assert_eq!(aside.len(), 1, "the bad file is kept for a look");
    assert_eq!(
        std::fs::read(aside[0].path()).expect("read"),
        b"\x1b[2J not json \xff"
    );
}

async fn wait_for(check: impl Fn() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}
