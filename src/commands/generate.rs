//! `completions SHELL` and `man`: text generated from the clap definitions, so it never
//! drifts from the real flags.

use clap::CommandFactory;

use super::exit::{CmdError, CmdResult};
use crate::cli::{Cli, Command};

/// The bytes to print for `completions` or `man`; `None` for every other subcommand.
pub fn output(cmd: &Command) -> Option<CmdResult<Vec<u8>>> {
    match cmd {
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "memory-console", &mut out);
            Some(Ok(out))
        }
        Command::Man => {
            let mut out = Vec::new();
            Some(
                clap_mangen::Man::new(Cli::command())
                    .render(&mut out)
                    .map(|()| out)
                    .map_err(|e| CmdError::other(format!("cannot render the manual page: {e}"))),
            )
        }
        _ => None,
    }
}
