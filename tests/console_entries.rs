//! Whole flows on a user with several entries: selecting one, editing only that one,
//! erasing one or all with every entry in the backup, and undoing it.

mod common;

use common::console_rig::{WAIT, quick, rig};
use crossterm::event::KeyCode;
use memory_console::app::Dialog;
use memory_console::mock::MemoryShape;
use memory_console::store::read_backup;
use reqwest::Method;

const USER: &str = "multi.mia";

fn texts(r: &common::console_rig::Rig) -> Vec<String> {
    let mut t: Vec<String> = r
        .mock
        .state()
        .memory("main", USER)
        .unwrap_or_default()
        .iter()
        .map(|e| e.content.as_deref().unwrap_or("").to_owned())
        .collect();
    t.sort();
    t
}

#[tokio::test]
async fn editing_the_second_entry_puts_only_its_path() {
    let mut r = rig(quick().with_memory_shape(MemoryShape::List), false).await;
    r.open_user(USER).await;
    let before = r.mock.state().memory("main", USER).expect("seeded");
    assert_eq!(before.len(), 3);
    r.keys("]");
    let chosen = r
        .console
        .app
        .memory
        .selected_entry()
        .expect("selected")
        .clone();
    assert_eq!(chosen.id as u64, before[1].id);
    assert!(
        r.screen().contains(&format!("#{}", chosen.id)),
        "the entry list shows the ids"
    );
    r.mock.state().clear_requests();
    r.keys("e");
    assert!(
        r.screen()
            .contains(&format!("Editing entry {} · 2 of 3", chosen.id)),
        "the editor says which entry it holds:\n{}",
        r.screen()
    );
    r.keys("EDITED ");
    r.ctrl('s');
    assert!(
        r.console.settle_until(WAIT, |a| a.editor.is_none()).await,
        "the save lands"
    );
    let writes: Vec<_> = r
        .mock
        .state()
        .requests()
        .into_iter()
        .filter(|q| q.method != Method::GET)
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].method, Method::PUT);
    assert!(
        writes[0]
            .path
            .ends_with(&format!("/all-chats-memory/{}/", chosen.id)),
        "{}",
        writes[0].path
    );
    let after = r.mock.state().memory("main", USER).expect("user");
    for (old, new) in before.iter().zip(&after) {
        let (old_text, new_text) = (
            old.content.as_deref().unwrap_or(""),
            new.content.as_deref().unwrap_or(""),
        );
        if old.id == chosen.id as u64 {
            assert_eq!(new_text, format!("EDITED {old_text}"));
        } else {
            assert_eq!(new_text, old_text, "other entries are unchanged");
        }
    }
}

/// `D` with the published (object) read: the console sees one entry, the erase finds all
/// three, backs each up before deleting it, and `u` brings all three back.
#[tokio::test]
async fn erase_all_backs_up_every_entry_and_undo_restores_them() {
    let mut r = rig(quick(), false).await;
    let original = texts(&r);
    assert_eq!(original.len(), 3);
    r.open_user(USER).await;
    assert_eq!(r.console.app.memory.entries().len(), 1, "one entry shown");
    r.keys("D");
    assert!(
        r.screen().contains("one at a time"),
        "the dialog says the server shows one at a time"
    );
    r.keys(USER);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_some())
            .await,
        "the erase ends"
    );
    assert!(texts(&r).is_empty(), "all three are erased");
    let backup = r.console.app.last_erase.clone().expect("erased").backup;
    let held = read_backup(&backup).expect("backup");
    let mut backed: Vec<String> = held.entries.iter().map(|e| e.text().to_owned()).collect();
    backed.sort();
    assert_eq!(backed, original, "the backup holds every entry");
    let status = r.console.app.status.clone().expect("status").text;
    assert!(status.contains("3 entries erased"), "{status}");

    r.keys("u");
    let Some(Dialog::ConfirmRestore(question)) = &r.console.app.dialog else {
        panic!("u asks first: {:?}", r.console.app.status);
    };
    assert_eq!(
        question.what, "3 entries of chat memory",
        "it says what it restores"
    );
    assert_eq!(question.target.org.key, "main");
    let screen = r.screen();
    assert!(screen.contains("3 entries of"), "{screen}");
    assert!(screen.contains("(org main)"), "{screen}");
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_none())
            .await,
        "the restore ends"
    );
    assert_eq!(texts(&r), original, "undo restores all three");
    let status = r.console.app.status.clone().expect("status").text;
    assert!(status.contains("restored 3 entries"), "{status}");
}

#[tokio::test]
async fn d_erases_the_selected_entry_only() {
    let mut r = rig(quick().with_memory_shape(MemoryShape::List), false).await;
    r.open_user(USER).await;
    r.keys("]]");
    let victim = r.console.app.memory.selected_entry().expect("one").clone();
    r.keys("d");
    r.keys(USER);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_some())
            .await,
        "the erase ends"
    );
    let left = r.mock.state().memory("main", USER).expect("user");
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|e| e.id != victim.id as u64));
    assert_eq!(
        r.mock.state().count(Method::DELETE),
        1,
        "one DELETE, of that entry"
    );

    // The other two entries are the ones the erase left: undo adds the erased one back
    // beside them.
    let before = texts(&r).len();
    r.keys("u");
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_none())
            .await,
        "the restore ends: {:?}",
        r.console.app.status
    );
    assert_eq!(texts(&r).len(), before + 1);
    assert!(texts(&r).contains(&victim.text().to_owned()));
}

/// On the published one-object read: `d` erases the entry shown, `D` the rest; `u` undoes
/// the `D`, and a second `u` the `d`, beside what the first brought back.
#[tokio::test]
async fn an_erase_of_one_then_of_all_comes_back_in_two_undos() {
    let mut r = rig(quick(), false).await;
    let original = texts(&r);
    assert_eq!(original.len(), 3);
    r.open_user(USER).await;
    r.keys("d");
    r.keys(USER);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_some())
            .await,
        "the erase of one ends"
    );
    let first = r.console.app.last_erase.clone().expect("one").backup;
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .memory
                .entries
                .ready()
                .is_some_and(|e| !e.is_empty()))
            .await
    );
    r.keys("D");
    r.keys(USER);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .last_erase
                .as_ref()
                .is_some_and(|u| u.backup != first))
            .await,
        "the erase of all ends"
    );
    assert!(texts(&r).is_empty());

    r.keys("u");
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .last_erase
                .as_ref()
                .is_some_and(|u| u.backup == first))
            .await,
        "the first undo ends and offers the erase before it: {:?}",
        r.console.app.status
    );
    assert_eq!(texts(&r).len(), 2);
    let status = r.console.app.status.clone().expect("status").text;
    assert!(status.contains("u undoes the erase before it"), "{status}");

    r.keys("u");
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_none())
            .await,
        "the second undo ends: {:?}",
        r.console.app.status
    );
    assert_eq!(texts(&r), original, "all three are back");
}
