//! The whole console, hostile memory loaded and the editor open, drawn through the real
//! crossterm backend into bytes and replayed in the vt100 emulator: no OSC, DCS, C1 or bidi
//! byte reaches the terminal, the title stays unchanged, and the escapes show as text.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use memory_console::api::{ClientSettings, MemoryEntry, OrgScope, UsersPage};
use memory_console::app::{App, Effect, Input, Keymap, Msg, Pane};
use memory_console::config::OrgChoice;
use memory_console::connection::Connection;
use memory_console::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use secrecy::SecretString;

const HOSTILE: &str = "title\x1b]0;pwned\x07 osc2\x1b]2;pwned2\x1b\\ clip\x1b]52;c;ZXZpbA==\x07\n\
                       \x1b[2J\x1b[H\x1bPq#0\x1b\\ c1\u{9b}31m\u{9d}0;c1title\u{9c}\r\n\
                       abc\u{202e}fed zw\u{200b}x\u{2066}iso\u{2069} 日本語 😀";

#[derive(Clone, Default)]
struct Captured(Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn app_with_hostile_memory() -> App {
    let session = Connection {
        demo: true,
        task_poll_give_up: Duration::from_secs(60),
        ..Connection::new(
            "t",
            ClientSettings::new(
                "http://127.0.0.1:1",
                SecretString::from("test-key".to_owned()),
            ),
            "env var IBL_API_KEY",
        )
    };
    let orgs = vec![OrgChoice {
        scope: OrgScope::new("main"),
        name: None,
    }];
    let mut app = App::new(Connection { orgs, ..session }, Keymap::default());
    app.size = (100, 30);
    let fx = app.start();
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers { req, .. } => Some(*req),
            _ => None,
        })
        .expect("users load");
    let user = serde_json::from_value(
        serde_json::json!({"username": "evil\u{1b}]0;u\u{7}", "name": "\u{202e}x"}),
    )
    .expect("user");
    app.update(Input::Msg(Msg::Users {
        req,
        result: Ok(UsersPage {
            count: 1,
            page: 1,
            next_page: None,
            previous_page: None,
            unreadable: 0,
            results: vec![user],
        }),
    }));
    app.focus = Pane::Users;
    let fx = app.update(Input::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadMemory { req, .. } => Some(*req),
            _ => None,
        })
        .expect("memory load");
    let entry = MemoryEntry {
        id: 1,
        username: "evil".into(),
        platform_key: "main\u{1b}[31m".into(),
        content: Some(HOSTILE.into()),
        session_id: Some("\u{1b}]52;c;eA==\u{7}".into()),
    };
    app.update(Input::Msg(Msg::Memory {
        req,
        result: Ok(memory_console::api::MemoryRead {
            entries: vec![entry],
            complete: true,
        }),
    }));
    app
}

fn draw_bytes(app: &App) -> Vec<u8> {
    let captured = Captured::default();
    let mut terminal = Terminal::new(CrosstermBackend::new(captured.clone())).expect("terminal");
    terminal.resize(Rect::new(0, 0, 100, 30)).expect("resize");
    terminal
        .draw(|f| ui::draw(f, app, &Theme::default()))
        .expect("draw");
    captured.0.borrow().clone()
}

/// Records what the emulated terminal was asked to do besides drawing.
#[derive(Default)]
struct Requests {
    titles: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
    bells: usize,
}

impl vt100::Callbacks for Requests {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }

    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }

    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
}

fn assert_inert(bytes: &[u8]) -> vt100::Parser<Requests> {
    for forbidden in [
        &b"\x1b]"[..],
        b"\x1bP",
        b"\x1b\\",
        b"\x07",
        "\u{9b}".as_bytes(),
        "\u{9d}".as_bytes(),
        b"\r",
    ] {
        assert!(
            !bytes.windows(forbidden.len()).any(|w| w == forbidden),
            "{forbidden:?} reached the terminal"
        );
    }
    let text = String::from_utf8_lossy(bytes);
    for c in ['\u{202e}', '\u{200b}', '\u{2066}', '\u{2069}'] {
        assert!(!text.contains(c), "{c:?} reached the terminal");
    }
    let mut parser = vt100::Parser::new_with_callbacks(30, 100, 0, Requests::default());
    parser.process(bytes);
    let requests = parser.callbacks();
    assert!(
        requests.titles.is_empty(),
        "the window title was not touched"
    );
    assert!(
        requests.clipboard.is_empty(),
        "the clipboard was not written"
    );
    assert_eq!(requests.bells, 0);
    parser
}

#[test]
fn the_memory_pane_shows_hostile_text_as_escapes() {
    let app = app_with_hostile_memory();
    let parser = assert_inert(&draw_bytes(&app));
    let screen = parser.screen().contents();
    assert!(screen.contains("\\x1b]0;pwned\\x07"), "{screen}");
    assert!(screen.contains("abc\\u{202e}fed"), "{screen}");
    assert!(screen.contains("\\r"), "{screen}");
}

#[test]
fn the_editor_holds_the_bytes_but_the_terminal_gets_none_of_them() {
    let mut app = app_with_hostile_memory();
    app.update(Input::Key(KeyEvent::new(
        KeyCode::Char('e'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.editor.as_ref().expect("editor").text(), HOSTILE);
    assert_inert(&draw_bytes(&app));
}
