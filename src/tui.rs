//! The real terminal: entering and leaving raw mode and the alternate screen, also on panic
//! and on SIGTERM/SIGHUP, and the event loop that feeds the console.

use std::io::{self, Stdout, stdout};
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::Input;
use crate::console::Console;

/// Restores the terminal when dropped, however the console ends.
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    pub fn enter() -> io::Result<(TerminalGuard, Terminal<CrosstermBackend<Stdout>>)> {
        install_panic_hook();
        enable_raw_mode()?;
        let guard = TerminalGuard { _private: () };
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok((guard, terminal))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen; safe to call more than once.
pub fn restore() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before the panic report prints, so the report is readable and the
/// shell is usable afterwards.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Runs the console on the real terminal until it quits or a signal asks it to; answers the
/// exit status: 0, or 128 + the signal's number (143 for SIGTERM, 129 for SIGHUP) as shells
/// and service managers expect of a process a signal ended.
pub async fn run(console: &mut Console<CrosstermBackend<Stdout>>) -> io::Result<u8> {
    let mut status = 0;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    let mut stop = Signals::new()?;
    // A panic on demand, so a pty test can check the terminal is restored before the report
    // prints. Debug builds only: a release binary ignores the variable.
    #[cfg(debug_assertions)]
    if std::env::var_os("MEMORY_CONSOLE_TEST_PANIC").is_some() {
        console.draw()?;
        panic!("test panic requested by MEMORY_CONSOLE_TEST_PANIC");
    }
    loop {
        console.draw()?;
        let input = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match to_input(event) {
                    Some(i) => i,
                    None => continue,
                },
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(msg) = console.next_msg() => Input::Msg(msg),
            at = tick.tick() => Input::Tick(at.into_std()),
            name = stop.recv() => {
                tracing::info!(signal = name, "stopping on signal");
                status = if name == "SIGHUP" { 129 } else { 143 };
                console.app.should_quit = true;
                break;
            }
        };
        console.handle(input);
        console.drain_ready();
        if console.app.should_quit {
            break;
        }
    }
    // Quitting with unsaved text was confirmed, a signal came, or the input ended: the text
    // still goes to a draft, offered again when this user is next opened.
    match console.save_draft_now() {
        Ok(Some(path)) => tracing::info!(path = %path.display(), "draft saved on exit"),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "draft not saved on exit"),
    }
    Ok(status)
}

fn to_input(event: Event) -> Option<Input> {
    match event {
        Event::Key(k) => Some(Input::Key(k)),
        Event::Mouse(m) => Some(Input::Mouse(m)),
        Event::Resize(w, h) => Some(Input::Resize(w, h)),
        Event::Paste(s) => Some(Input::Paste(s)),
        _ => None,
    }
}

/// SIGTERM and SIGHUP, so a closed terminal window or `kill` still restores the terminal.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.hup.recv() => "SIGHUP",
            }
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}
