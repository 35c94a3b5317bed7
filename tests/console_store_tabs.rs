//! Whole flows of the Memory pane's store tabs against the in-process mock: `2` shows the
//! mentor memories, `3` the course memory, `e`/`d`/`D` write to them, and `F` forgets a
//! user with memory in all three stores (and says so only when every store reads empty).

mod common;

use common::console_rig::{Rig, WAIT, quick, rig};
use common::hostile::forbidden;
use crossterm::event::KeyCode;
use memory_console::app::{Dialog, Input, Load, StoreTab};
use memory_console::store::read_backup;
use reqwest::Method;

const HANNAH: &str = "hostile.hannah";
const MIA: &str = "multi.mia";

fn mentor_entries(r: &Rig, user: &str) -> usize {
    r.mock
        .state()
        .mentor_memories("main", user)
        .unwrap_or_default()
        .iter()
        .map(|m| m.entries.len())
        .sum()
}

fn courses(r: &Rig, user: &str) -> usize {
    r.mock
        .state()
        .course_memories("main", user)
        .unwrap_or_default()
        .len()
}

fn chat(r: &Rig, user: &str) -> usize {
    r.mock
        .state()
        .memory("main", user)
        .unwrap_or_default()
        .len()
}

/// Opens `user` and waits for both other stores to be read.
async fn open_all(r: &mut Rig, user: &str) {
    r.open_user(user).await;
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.stores.mentor, Load::Ready(_))
                && matches!(a.stores.course, Load::Ready(_)))
            .await,
        "the mentor and course stores of {user} load"
    );
}

fn assert_clean(screen: &str) {
    let bad: Vec<char> = screen
        .chars()
        .filter(|c| *c != '\n' && forbidden(*c))
        .collect();
    assert!(bad.is_empty(), "raw controls on screen: {bad:?}\n{screen}");
}

#[tokio::test]
async fn two_and_three_show_the_other_stores_escaped() {
    let mut r = rig(quick(), false).await;
    assert!(chat(&r, HANNAH) > 0 && mentor_entries(&r, HANNAH) > 0 && courses(&r, HANNAH) > 0);
    open_all(&mut r, HANNAH).await;
    let screen = r.screen();
    let mentor_n = mentor_entries(&r, HANNAH);
    assert!(
        screen.contains(&format!("2 Mentor memories ({mentor_n})")),
        "the tab counts mentor entries:\n{screen}"
    );
    r.keys("2");
    let screen = r.screen();
    assert_eq!(r.console.app.stores.tab, StoreTab::Mentor);
    for heading in ["knowledge_gaps", "personal_information"] {
        assert!(screen.contains(heading), "{heading} heading:\n{screen}");
    }
    assert!(
        screen.contains(r"\x1b"),
        "escapes are shown as text:\n{screen}"
    );
    assert_clean(&screen);
    r.keys("3");
    let screen = r.screen();
    assert_eq!(r.console.app.stores.tab, StoreTab::Course);
    assert!(screen.contains("lessons:"), "{screen}");
    assert!(screen.contains("next_steps"), "{screen}");
    assert_clean(&screen);
    r.keys("1");
    assert!(r.screen().contains("memory on") || r.screen().contains("memory off"));
}

#[tokio::test]
async fn f_forgets_every_store_behind_one_backup_and_reports_per_store() {
    let mut r = rig(quick(), false).await;
    let (c, m, k) = (
        chat(&r, HANNAH),
        mentor_entries(&r, HANNAH),
        courses(&r, HANNAH),
    );
    assert!(c > 0 && m > 0 && k > 0, "hannah has memory everywhere");
    open_all(&mut r, HANNAH).await;
    r.keys("F");
    let screen = r.screen();
    for store in ["Chat memory", "Mentor memories", "Course memory"] {
        assert!(
            screen.contains(store),
            "the dialog names {store}:\n{screen}"
        );
    }
    r.keys("wrong");
    r.press(KeyCode::Enter);
    assert_eq!(r.writes(), 0, "a wrong name erases nothing");
    for _ in 0..5 {
        r.press(KeyCode::Backspace);
    }
    r.keys(HANNAH);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.dialog, Some(Dialog::ForgetReport(_))))
            .await,
        "the forget ends with its report: {:?}",
        r.console.app.status
    );
    assert_eq!(
        (
            chat(&r, HANNAH),
            mentor_entries(&r, HANNAH),
            courses(&r, HANNAH)
        ),
        (0, 0, 0)
    );
    let Some(Dialog::ForgetReport(report)) = &r.console.app.dialog else {
        unreachable!()
    };
    assert!(report.report.forgotten(), "{:?}", report.report);
    let backup = report.report.backup.clone().expect("one backup");
    let held = read_backup(&backup).expect("the backup reads");
    assert_eq!(held.entries.len(), c, "every chat entry");
    assert_eq!(
        held.mentor.iter().map(|m| m.entries.len()).sum::<usize>(),
        m,
        "every mentor entry"
    );
    assert_eq!(held.course.len(), k, "every course memory");
    let screen = r.screen();
    assert!(screen.contains("is forgotten"), "{screen}");
    assert!(screen.contains("Mentor memories: erased"), "{screen}");
    assert_clean(&screen);
    // Any key closes the report; the stores read again show nothing.
    r.keys("x");
    assert!(r.console.app.dialog.is_none());
    assert!(
        r.console
            .settle_until(WAIT, |a| a.stores.item_count() == 0
                && matches!(a.stores.mentor, Load::Ready(_)))
            .await
    );
    assert!(r.screen().contains("2 Mentor (0)") || r.screen().contains("Mentor memories (0)"));
}

#[tokio::test]
async fn a_server_that_keeps_a_store_is_never_reported_forgotten() {
    let mut r = rig(quick(), false).await;
    r.mock.state().set_keep_store_deletes(true);
    open_all(&mut r, MIA).await;
    r.keys("F");
    r.keys(MIA);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.dialog, Some(Dialog::ForgetReport(_))))
            .await,
        "the forget ends: {:?}",
        r.console.app.status
    );
    let screen = r.screen();
    assert!(screen.contains("NOT forgotten"), "{screen}");
    assert!(!screen.contains("is forgotten"), "{screen}");
    assert!(
        screen.contains("FAILED"),
        "the failing store says so:\n{screen}"
    );
    let status = r.console.app.status.clone().expect("a status").text;
    assert!(status.contains("NOT forgotten"), "{status}");
}

#[tokio::test]
async fn d_and_capital_d_on_the_mentor_and_course_tabs() {
    let mut r = rig(quick(), false).await;
    open_all(&mut r, MIA).await;
    let before = mentor_entries(&r, MIA);
    r.keys("2");
    let victim = r
        .console
        .app
        .stores
        .selected_mentor()
        .map(|i| i.entry.key.clone())
        .expect("an entry");
    r.keys("d");
    r.keys(MIA);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(
                    |s| s.text.contains("erased") || s.text.contains("failed")
                ))
            .await
    );
    let status = r.console.app.status.clone().expect("status").text;
    assert!(status.contains("backup at"), "{status}");
    assert_eq!(mentor_entries(&r, MIA), before - 1);
    let left: Vec<String> = r
        .mock
        .state()
        .mentor_memories("main", MIA)
        .unwrap_or_default()
        .iter()
        .flat_map(|m| m.entries.iter().map(|e| e.key.to_string()))
        .collect();
    assert!(!left.contains(&victim), "{victim} is gone: {left:?}");

    // D on the course tab: all course memory, after the typed name.
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.stores.course, Load::Ready(_)))
            .await
    );
    r.keys("3");
    r.keys("D");
    r.keys(MIA);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.contains("all course memory")))
            .await,
        "{:?}",
        r.console.app.status
    );
    assert_eq!(courses(&r, MIA), 0);
    assert!(chat(&r, MIA) > 0, "chat memory is untouched");
}

#[tokio::test]
async fn e_on_the_mentor_tab_edits_key_and_value() {
    let mut r = rig(quick(), false).await;
    open_all(&mut r, MIA).await;
    r.keys("2");
    let chosen = r
        .console
        .app
        .stores
        .selected_mentor()
        .map(|i| i.entry.clone())
        .expect("an entry");
    r.mock.state().clear_requests();
    r.console.terminal.backend_mut().resize(80, 24);
    r.console.handle(Input::Resize(80, 24));
    r.keys("e");
    assert!(
        r.screen().contains("first line: the key"),
        "the editor says how it is laid out:\n{}",
        r.screen()
    );
    r.keys("new_");
    assert!(
        r.screen()
            .contains(&format!("Editing a mentor entry of {MIA} · modified")),
        "the title keeps the change flag in sight at 80 columns:\n{}",
        r.screen()
    );
    r.ctrl('s');
    assert!(
        r.console.settle_until(WAIT, |a| a.editor.is_none()).await,
        "the save lands: {:?}",
        r.console.app.status
    );
    let posts: Vec<_> = r
        .mock
        .state()
        .requests()
        .into_iter()
        .filter(|q| q.method == Method::POST)
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let id = chosen.unique_id.clone().expect("an id");
    assert!(
        posts[0].path.ends_with(&format!("/memory-entries/{id}/")),
        "{}",
        posts[0].path
    );
    let now = r
        .mock
        .state()
        .mentor_memories("main", MIA)
        .unwrap_or_default()
        .into_iter()
        .flat_map(|m| m.entries)
        .find(|e| e.unique_id.to_string() == id)
        .expect("still there");
    assert_eq!(&*now.key, format!("new_{}", chosen.key));
    assert_eq!(
        now.value.as_deref(),
        chosen.value.as_deref(),
        "value unchanged"
    );
}

#[tokio::test]
async fn u_after_f_restores_what_the_api_allows_in_every_store() {
    let mut r = rig(quick(), false).await;
    let before = (
        chat(&r, HANNAH),
        mentor_entries(&r, HANNAH),
        courses(&r, HANNAH),
    );
    open_all(&mut r, HANNAH).await;
    r.keys("F");
    r.keys(HANNAH);
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| matches!(a.dialog, Some(Dialog::ForgetReport(_))))
            .await
    );
    assert_eq!(
        (
            chat(&r, HANNAH),
            mentor_entries(&r, HANNAH),
            courses(&r, HANNAH)
        ),
        (0, 0, 0)
    );
    r.keys("x");
    assert!(r.console.app.last_erase.is_some(), "u is offered");
    r.keys("u");
    r.keys("y");
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_none())
            .await,
        "the restore ends: {:?}",
        r.console.app.status
    );
    assert_eq!(
        (
            chat(&r, HANNAH),
            mentor_entries(&r, HANNAH),
            courses(&r, HANNAH)
        ),
        before,
        "every store is back: {:?}",
        r.console.app.status
    );
}
