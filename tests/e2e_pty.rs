//! The real binary in a pseudo-terminal: `memory-console --demo` at 100x30, its output parsed
//! by vt100. Hostile memory reaches the screen escaped and never the terminal; `q`, SIGTERM
//! and SIGHUP all leave the terminal as it was, and leave unsaved editor text in a draft.

#![cfg(unix)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;
const WAIT: Duration = Duration::from_secs(8);

/// What the program asked of the terminal beyond drawing: none of it may come from memory text.
#[derive(Default)]
struct Seen {
    titles: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
}

impl vt100::Callbacks for Seen {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
}

struct Term {
    parser: vt100::Parser<Seen>,
    raw: Vec<u8>,
    eof: bool,
}

/// The console running in a pty, with a thread feeding its output to the parser.
struct Run {
    term: Arc<Mutex<Term>>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    reader: Option<JoinHandle<()>>,
    data: tempfile::TempDir,
}

impl Run {
    fn start() -> Run {
        Run::start_with(&[])
    }

    fn start_with(env: &[(&str, &str)]) -> Run {
        let data = tempfile::tempdir().expect("a temp dir");
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_memory-console"));
        cmd.arg("--demo");
        cmd.cwd(data.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env("MEMORY_CONSOLE_DATA_DIR", data.path());
        for var in [
            "MEMORY_CONSOLE_CONFIG",
            "NO_COLOR",
            "MEMORY_CONSOLE_LOG",
            "MEMORY_CONSOLE_TEST_PANIC",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn memory-console");
        // Only the child holds the slave now, so its exit ends the output stream.
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("a pty reader");
        let writer = pty.master.take_writer().expect("a pty writer");
        let term = Arc::new(Mutex::new(Term {
            parser: vt100::Parser::new_with_callbacks(ROWS, COLS, 0, Seen::default()),
            raw: Vec::new(),
            eof: false,
        }));
        let feed = Arc::clone(&term);
        let master = pty.master;
        let reader = std::thread::spawn(move || {
            // The master stays open while the child runs; dropped when the stream ends.
            let _master = master;
            let mut buf = [0u8; 8192];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let mut t = feed.lock().expect("terminal lock");
                if n == 0 {
                    t.eof = true;
                    return;
                }
                t.parser.process(&buf[..n]);
                t.raw.extend_from_slice(&buf[..n]);
            }
        });
        Run {
            term,
            child,
            writer,
            reader: Some(reader),
            data,
        }
    }

    fn screen_text(&self) -> String {
        self.term
            .lock()
            .expect("terminal lock")
            .parser
            .screen()
            .contents()
    }

    /// Polls the parsed screen until `done` holds; fails with the screen after `WAIT`.
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.screen_text();
            if done(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Waits for the child to exit and its output to end.
    fn finish(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "memory-console did not exit; screen:\n{}",
                    self.screen_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while !self.term.lock().expect("terminal lock").eof {
            assert!(Instant::now() < deadline, "the pty output never ended");
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread");
        }
        status
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("a child pid")
    }

    /// The terminal is as the shell left it: main screen, cursor shown, no mouse or paste mode.
    fn assert_restored(&self) {
        let t = self.term.lock().expect("terminal lock");
        let screen = t.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor left hidden");
        assert!(!screen.bracketed_paste(), "bracketed paste left on");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture left on"
        );
        // The last thing written is the way out of the alternate screen (then cursor shown).
        let tail = &t.raw[t.raw.len().saturating_sub(64)..];
        assert!(
            contains(tail, b"\x1b[?1049l"),
            "the output does not end by leaving the alternate screen: {:?}",
            String::from_utf8_lossy(tail)
        );
    }

    fn started(&self) {
        self.wait_for("the DEMO badge and the users", |s| {
            s.contains("DEMO") && s.contains("hostile.hannah")
        });
        assert!(
            self.term
                .lock()
                .expect("terminal lock")
                .parser
                .screen()
                .alternate_screen()
        );
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        // A failed assertion must not leave the console running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The texts of the draft files anywhere below `dir`.
fn draft_texts(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(draft_texts(&p));
        } else if p.components().any(|c| c.as_os_str() == "drafts")
            && let Ok(text) = std::fs::read_to_string(&p)
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(t) = v["text"].as_str()
        {
            out.push(t.to_owned());
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Sends a signal the way an operator's `kill` would.
fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid} failed");
}

#[test]
fn hostile_memory_is_shown_escaped_and_q_restores_the_terminal() {
    let mut run = Run::start();
    run.started();
    // Users pane, then open its first user: hostile.hannah in the demo seed.
    run.send(b"\t");
    run.send(b"\r");
    run.wait_for("hannah's memory, escaped", |s| {
        s.contains(r"\x1b[31mRED") && s.contains(r"\x1b]0;pwned")
    });
    let screen = run.screen_text();
    assert!(screen.contains(r"\x1b]52;c;"), "{screen}");
    {
        let t = run.term.lock().expect("terminal lock");
        let seen = t.parser.callbacks();
        assert!(seen.titles.is_empty(), "title set: {:?}", seen.titles);
        assert!(seen.clipboard.is_empty(), "clipboard written");
        for bad in [
            &b"\x1b]0;"[..],
            b"\x1b]52;",
            b"\x1bP+q",
            b"\x1b[1;5;44m",
            b"\xc2\x9b",
        ] {
            assert!(
                !contains(&t.raw, bad),
                "{:?} reached the terminal",
                String::from_utf8_lossy(bad)
            );
        }
    }
    run.send(b"q");
    let status = run.finish();
    assert!(status.success(), "exit status {status:?}");
    run.assert_restored();
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for name in ["TERM", "HUP"] {
        let mut run = Run::start();
        run.started();
        signal(run.pid(), name);
        let status = run.finish();
        // 128 + the signal's number, as a shell reports a process a signal ended.
        let expected = if name == "TERM" { 143 } else { 129 };
        assert_eq!(
            status.exit_code(),
            expected,
            "SIG{name}: exit status {status:?}"
        );
        run.assert_restored();
    }
}

/// Opens hannah's memory in the editor and types at its start, leaving it unsaved.
fn start_editing(run: &mut Run) {
    run.started();
    run.send(b"\t");
    run.send(b"\r");
    run.wait_for("hannah's memory", |s| s.contains(r"\x1b[31mRED"));
    run.send(b"e");
    run.wait_for("the editor", |s| {
        s.contains("Editing ") && s.contains(" of hostile.hannah")
    });
    run.send(b"PTYDRAFT ");
    // Every typed key has arrived once the whole word shows in the editor.
    run.wait_for("the edit", |s| {
        s.contains("modified") && s.contains("PTYDRAFT Favourite")
    });
}

#[test]
fn quitting_and_signals_with_the_editor_open_leave_a_draft() {
    for how in ["quit", "TERM", "HUP"] {
        let mut run = Run::start();
        start_editing(&mut run);
        assert!(
            draft_texts(run.data.path()).is_empty(),
            "{how}: a draft before the ending"
        );
        if how == "quit" {
            // Ctrl-C with unsaved text asks first; y quits.
            run.send(b"\x03");
            run.wait_for("the quit question", |s| s.contains("Unsaved changes"));
            run.send(b"y");
        } else {
            signal(run.pid(), how);
        }
        let status = run.finish();
        // A signal ends the console with 128 + its number, after the draft is saved.
        let expected = match how {
            "TERM" => 143,
            "HUP" => 129,
            _ => 0,
        };
        assert_eq!(
            status.exit_code(),
            expected,
            "{how}: exit status {status:?}"
        );
        run.assert_restored();
        let drafts = draft_texts(run.data.path());
        assert_eq!(drafts.len(), 1, "{how}: drafts {drafts:?}");
        assert!(drafts[0].starts_with("PTYDRAFT "), "{how}: {drafts:?}");
    }
}

/// Needs the debug-only panic trigger (`MEMORY_CONSOLE_TEST_PANIC` in `tui::run`).
#[cfg(debug_assertions)]
#[test]
fn a_panic_restores_the_terminal_before_the_report_prints() {
    let mut run = Run::start_with(&[("MEMORY_CONSOLE_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")]);
    let status = run.finish();
    assert!(!status.success(), "a panic is a failure: {status:?}");
    {
        let t = run.term.lock().expect("terminal lock");
        assert!(
            contains(&t.raw, b"\x1b[?1049h"),
            "the console had entered the alternate screen"
        );
        // The report comes after the way out of the alternate screen, so it stays readable.
        let left = t
            .raw
            .windows(8)
            .position(|w| w == b"\x1b[?1049l")
            .expect("the alternate screen was left");
        let report = t
            .raw
            .windows(11)
            .position(|w| w == b"test panic ")
            .expect("the panic report printed");
        assert!(
            left < report,
            "the report printed before the terminal was restored"
        );
        let screen = t.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor left hidden");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture left on"
        );
    }
    assert!(
        run.screen_text().contains("test panic requested"),
        "the report is on the main screen: {}",
        run.screen_text()
    );
}
