//! Where output goes: results on stdout (JSON with `--json`), everything else on stderr, so
//! a script can pipe stdout without parsing messages.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use super::exit::{CmdError, CmdResult};

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> CmdResult<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CmdError::other(format!("cannot encode the output: {e}")))?;
    write_stdout(format!("{text}\n").as_bytes())
}

/// Writes bytes to stdout as they are; a closed pipe is an error, not a panic.
pub fn write_stdout(bytes: &[u8]) -> CmdResult<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        // A reader that has seen enough (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(|e| CmdError::other(format!("cannot write to stdout: {e}"))),
    }
}

/// Asks the person at the terminal to type `expected` to go on. Refuses outright when stdin
/// is not a terminal: a script must say `--yes` to destroy data.
pub fn confirm_typed(what: &str, expected: &str) -> CmdResult<()> {
    if !std::io::stdin().is_terminal() {
        return Err(CmdError::usage(format!(
            "refusing to {what} without --yes: stdin is not a terminal to confirm on"
        )));
    }
    eprint!("{what}: type {expected:?} to confirm: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CmdError::other(format!("cannot read the confirmation: {e}")))?;
    if line.trim_end_matches(['\r', '\n']) == expected {
        Ok(())
    } else {
        Err(CmdError::usage("not confirmed; nothing was sent"))
    }
}
