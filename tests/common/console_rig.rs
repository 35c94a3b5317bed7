//! A console on TestBackend wired to the built-in mock server, with keys and screen helpers,
//! for the whole-flow tests.

use std::path::Path;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use memory_console::api::{ApiClient, ClientSettings, OrgScope};
use memory_console::app::{App, Input, Keymap, Load, Pane, Trail};
use memory_console::config::OrgChoice;
use memory_console::connection::Connection;
use memory_console::console::{Console, ConsoleParts};
use memory_console::mock::{MockConfig, MockServer};
use memory_console::store::{AuditContext, AuditLog, DataDir};
use memory_console::ui::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reqwest::Method;
use secrecy::SecretString;

pub const WAIT: Duration = Duration::from_secs(10);

pub struct Rig {
    pub mock: MockServer,
    pub console: Console<TestBackend>,
    pub data: tempfile::TempDir,
}

pub async fn rig(config: MockConfig, read_only: bool) -> Rig {
    rig_with_backups(config, read_only, None).await
}

pub async fn rig_with_backups(config: MockConfig, read_only: bool, root: Option<&Path>) -> Rig {
    rig_full(config, read_only, root, None).await
}

pub async fn rig_full(
    config: MockConfig,
    read_only: bool,
    root: Option<&Path>,
    audit_path: Option<&Path>,
) -> Rig {
    rig_keyed(config, read_only, root, audit_path, "flow-key").await
}

/// A rig whose mock server and client use `key`.
pub async fn rig_keyed(
    config: MockConfig,
    read_only: bool,
    root: Option<&Path>,
    audit_path: Option<&Path>,
    key: &str,
) -> Rig {
    let mock = MockServer::start(config.with_api_key(key))
        .await
        .expect("mock");
    let settings = ClientSettings::new(mock.base_url(), SecretString::from(key.to_owned()));
    let client = ApiClient::new(&settings).expect("client");
    let data = tempfile::tempdir().expect("tempdir");
    let session = Connection {
        demo: true,
        read_only,
        task_poll_give_up: Duration::from_secs(60),
        orgs: mock
            .state()
            .orgs()
            .into_iter()
            .map(|k| OrgChoice {
                scope: OrgScope::new(k),
                name: None,
            })
            .collect(),
        ..Connection::new("flows", settings, "env var IBL_API_KEY")
    };
    let app = App::new(session, Keymap::default());
    let dirs = DataDir::new(
        root.map(Path::to_path_buf)
            .unwrap_or_else(|| data.path().to_path_buf()),
    );
    let audit_path = audit_path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| data.path().join("audit.jsonl"));
    let log = AuditLog::open(&audit_path).expect("audit log opens");
    let ctx = AuditContext::new(
        "flows",
        &mock.base_url(),
        &SecretString::from(key.to_owned()),
    );
    let parts = ConsoleParts {
        client,
        data_dir: dirs,
        theme: Theme::plain(),
        trail: Some(Trail::new(log, ctx)),
    };
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let mut console = Console::start(terminal, app, parts);
    assert!(
        console
            .settle_until(WAIT, |a| !a.users.items.is_empty())
            .await,
        "users load"
    );
    Rig {
        mock,
        console,
        data,
    }
}

pub fn quick() -> MockConfig {
    MockConfig::default().with_task_delay(Duration::from_millis(150))
}

impl Rig {
    pub fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    pub fn press(&mut self, code: KeyCode) {
        self.console
            .handle(Input::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.console.handle(Input::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    /// Finds a user with the server-side search and opens their memory.
    pub async fn open_user(&mut self, username: &str) {
        self.keys("/");
        self.keys(username);
        self.press(KeyCode::Enter);
        let name = username.to_owned();
        assert!(
            self.console
                .settle_until(WAIT, |a| a.users.loading.is_none()
                    && a.users.items.iter().any(|u| u.username == name))
                .await,
            "search finds {username}"
        );
        let index = self
            .console
            .app
            .users
            .items
            .iter()
            .position(|u| u.username == username)
            .expect("listed");
        self.console.app.users.list.selected = index;
        self.console.app.focus = Pane::Users;
        self.press(KeyCode::Enter);
        assert!(
            self.console
                .settle_until(WAIT, |a| matches!(a.memory.entries, Load::Ready(_))
                    && matches!(a.memory.enabled, Load::Ready(_)))
                .await,
            "memory of {username} loads"
        );
    }

    /// Opens `username`, types `prefix` at the start of the memory and presses Ctrl-S: a
    /// rewrite through the server's queue (`E`), so a task follows it.
    pub async fn edit_and_save(&mut self, username: &str, prefix: &str) {
        self.open_user(username).await;
        self.keys("E");
        self.keys(prefix);
        self.ctrl('s');
    }

    pub fn screen(&mut self) -> String {
        screen_of(&mut self.console)
    }

    pub fn writes(&self) -> u64 {
        let s = self.mock.state();
        s.count(Method::PUT) + s.count(Method::POST) + s.count(Method::DELETE)
    }
}

/// Every file below `dir`.
pub fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The drafts below `dir` as JSON, each with its path.
pub fn drafts_in(dir: &Path) -> Vec<(std::path::PathBuf, serde_json::Value)> {
    walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let v: serde_json::Value = serde_json::from_str(&text).ok()?;
            v.get("text").is_some().then_some((p, v))
        })
        .collect()
}

impl Rig {
    /// Keeps handling messages until a draft whose text is `text` is on disk; fails after
    /// `WAIT` (the draft is written by a background effect).
    pub async fn wait_for_draft(&mut self, text: &str) -> std::path::PathBuf {
        let drafts = self.data.path().join("drafts");
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Some((path, _)) = drafts_in(&drafts)
                .into_iter()
                .find(|(_, v)| v["text"] == text)
            {
                return path;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no draft holding {text:?}; drafts: {:?}",
                drafts_in(&drafts)
            );
            self.console
                .settle_until(Duration::from_millis(20), |_| false)
                .await;
        }
    }
}

/// A console on TestBackend (100x30) against any server at `base_url` (wiremock, say), for
/// the org `main`, with its data dir and audit log in `data`; its users are loaded.
pub async fn console_for(base_url: &str, key: &str, data: &Path) -> Console<TestBackend> {
    let secret = SecretString::from(key.to_owned());
    let settings = ClientSettings::new(base_url, secret.clone());
    let client = ApiClient::new(&settings).expect("client");
    let session = Connection {
        task_poll_give_up: Duration::from_secs(60),
        orgs: vec![OrgChoice {
            scope: OrgScope::new("main"),
            name: None,
        }],
        ..Connection::new("p", settings, "env var K")
    };
    let trail = Trail::new(
        AuditLog::open(data.join("audit.jsonl")).expect("audit"),
        AuditContext::new("p", base_url, &secret),
    );
    let parts = ConsoleParts {
        client,
        data_dir: DataDir::new(data),
        theme: Theme::plain(),
        trail: Some(trail),
    };
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let mut console = Console::start(terminal, App::new(session, Keymap::default()), parts);
    assert!(
        console
            .settle_until(WAIT, |a| !a.users.items.is_empty())
            .await,
        "users load"
    );
    console
}

/// The key press `code` with no modifiers, as an input.
pub fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Every cell of the last drawn frame, row by row.
pub fn screen_of(console: &mut Console<TestBackend>) -> String {
    console.draw().expect("draw");
    let buf = console.terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
