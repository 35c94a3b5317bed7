//! A support agent's day, as whole flows against the mock server: jumping to a user by
//! email with `:user`, leaving a search with Esc, loading the whole list with `G`.

mod common;

use common::console_rig::{WAIT, quick, rig};
use crossterm::event::KeyCode;
use memory_console::app::{Load, Pane};

#[tokio::test]
async fn colon_user_opens_a_user_by_email() {
    let mut r = rig(quick(), false).await;
    // The email is not the username turned around: only the email field matches.
    r.keys(":user sam.staff@example.org");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .memory
                .target
                .as_ref()
                .is_some_and(|t| t.user.username == "staff.sam")
                && matches!(a.memory.entries, Load::Ready(_)))
            .await,
        "staff.sam opens"
    );
    assert_eq!(r.console.app.focus, Pane::Memory);
    let screen = r.screen();
    assert!(screen.contains("sam.staff@example.org"), "{screen}");
    assert!(screen.contains("Sam Staff"), "{screen}");
    assert_eq!(
        r.console.app.command.history,
        vec!["user sam.staff@example.org".to_owned()]
    );
}

#[tokio::test]
async fn colon_user_for_nobody_opens_nothing() {
    let mut r = rig(quick(), false).await;
    r.open_user("one.line.olga").await;
    r.keys(":user nobody.at.all@nowhere.example");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .status
                .as_ref()
                .is_some_and(|s| s.text.contains("no user")))
            .await,
        "a clear message"
    );
    let status = r
        .console
        .app
        .status
        .clone()
        .map(|s| s.text)
        .unwrap_or_default();
    assert!(status.contains("nothing opened"), "{status}");
    let open = r.console.app.memory.target.clone().map(|t| t.user.username);
    assert_eq!(
        open.as_deref(),
        Some("one.line.olga"),
        "the open user stays"
    );
}

#[tokio::test]
async fn colon_org_and_completion() {
    let mut r = rig(quick(), false).await;
    r.keys(":or");
    r.press(KeyCode::Tab);
    assert_eq!(r.console.app.command.input.as_deref(), Some("org "));
    r.keys("acme");
    r.press(KeyCode::Tab);
    assert_eq!(
        r.console.app.command.input.as_deref(),
        Some("org acme-university")
    );
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.users.org == Some(1)
                && !a.users.items.is_empty())
            .await
    );
    // History: ↑ brings the last command back.
    r.keys(":");
    r.press(KeyCode::Up);
    assert_eq!(
        r.console.app.command.input.as_deref(),
        Some("org acme-university")
    );
    r.press(KeyCode::Esc);
    assert!(r.console.app.command.input.is_none());
}

#[tokio::test]
async fn esc_clears_a_search_and_brings_back_the_full_list() {
    let mut r = rig(quick(), false).await;
    let full = r.console.app.users.count.expect("a count");
    r.keys("/olga");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.users.loading.is_none()
                && a.users.count == Some(1))
            .await,
        "the search narrows the list"
    );
    assert!(r.screen().contains("1 user "));
    r.press(KeyCode::Esc);
    assert!(r.console.app.users.search.is_empty());
    assert!(
        r.console
            .settle_until(WAIT, |a| a.users.loading.is_none()
                && a.users.count == Some(full))
            .await,
        "the full list is back"
    );
    // In the box, Ctrl-U clears what was typed, and Esc with a filter clears the filter too.
    r.keys("/xyz");
    r.ctrl('u');
    assert_eq!(r.console.app.users.search_input.as_deref(), Some(""));
    r.keys("olga");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.users.loading.is_none()
                && a.users.count == Some(1))
            .await
    );
    r.keys("/");
    r.press(KeyCode::Esc);
    assert!(r.console.app.users.search_input.is_none());
    assert!(
        r.console
            .settle_until(WAIT, |a| a.users.loading.is_none()
                && a.users.count == Some(full))
            .await
    );
}

#[tokio::test]
async fn g_loads_on_to_the_real_end() {
    let mut r = rig(quick(), false).await;
    let total = r.console.app.users.count.expect("a count") as usize;
    assert!(
        total > r.console.app.users.items.len(),
        "more than one page, or this test proves nothing"
    );
    r.console.app.focus = Pane::Users;
    r.keys("G");
    assert!(r.console.app.users.load_to_end);
    assert!(
        r.console.settle_until(WAIT, |a| !a.users.load_to_end).await,
        "the load ends"
    );
    let users = &r.console.app.users;
    assert_eq!(users.items.len(), total);
    assert_eq!(
        users.list.selected,
        total - 1,
        "the selection is at the real end"
    );
    assert!(r.screen().contains(&format!(" {total} users ")));
}

#[tokio::test]
async fn esc_stops_a_load_to_the_end() {
    let mut r = rig(quick(), false).await;
    r.console.app.focus = Pane::Users;
    r.keys("G");
    assert!(r.console.app.users.load_to_end);
    r.press(KeyCode::Esc);
    assert!(!r.console.app.users.load_to_end);
    let status = r
        .console
        .app
        .status
        .clone()
        .map(|s| s.text)
        .unwrap_or_default();
    assert!(status.contains("stopped loading"), "{status}");
}

#[tokio::test]
async fn colon_profile_switches_server_without_a_restart() {
    use memory_console::api::{ApiClient, ClientSettings, OrgScope};
    use memory_console::config::OrgChoice;
    use memory_console::connection::Connection;
    use memory_console::console::Switched;
    use memory_console::mock::{MockConfig, MockServer};
    use secrecy::SecretString;

    let mut r = rig(quick(), false).await;
    let other = MockServer::start(MockConfig::default().with_api_key("other-key"))
        .await
        .expect("second mock");
    let url = other.base_url();
    let switcher = move |name: &str| {
        let settings = ClientSettings::new(url.clone(), SecretString::from("other-key".to_owned()));
        Ok(Switched {
            client: ApiClient::new(&settings).map_err(|e| e.to_string())?,
            connection: Connection {
                read_only: true,
                task_poll_give_up: std::time::Duration::from_secs(60),
                orgs: vec![OrgChoice {
                    scope: OrgScope::new("acme-university"),
                    name: None,
                }],
                ..Connection::new(name, settings, "env var OTHER_KEY")
            },
            trail: None,
        })
    };
    r.console
        .set_profiles(vec!["flows".into(), "staging".into()], Box::new(switcher));
    r.keys(":profile nope");
    r.press(KeyCode::Enter);
    let status = r
        .console
        .app
        .status
        .clone()
        .map(|s| s.text)
        .unwrap_or_default();
    assert!(status.contains("no profile nope"), "{status}");
    r.keys(":p");
    r.press(KeyCode::Tab);
    r.keys("st");
    r.press(KeyCode::Tab);
    assert_eq!(
        r.console.app.command.input.as_deref(),
        Some("profile staging")
    );
    r.press(KeyCode::Enter);
    assert_eq!(r.console.app.session.profile, "staging");
    assert!(
        r.console
            .settle_until(WAIT, |a| a
                .users
                .items
                .iter()
                .any(|u| u.username == "staff.sam"))
            .await,
        "the other server's org loads"
    );
    assert!(
        other.state().count(reqwest::Method::GET) > 0,
        "requests go to the new server"
    );
    assert!(r.screen().contains("READ-ONLY"));
}
