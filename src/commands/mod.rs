//! The scriptable subcommands (users, memory, task, export, purge, forget): results on stdout,
//! messages on stderr, documented exit codes (see [`exit::Exit`]).

mod bulk;
mod context;
mod dry_run;
mod erase;
mod exit;
mod export;
mod forget;
mod generate;
mod journal;
mod memory;
mod memory_get;
mod output;
mod progress;
mod purge;
mod purge_earlier;
mod purge_unknown;
mod repeats;
mod show_config;
mod store_erase;
mod stores_read;
mod stores_text;
mod task;
mod userlist;
mod users;

use std::process::ExitCode;

pub use context::Ctx;
pub use exit::{CmdError, Exit};
pub use journal::{Record, Status};
pub use userlist::parse_users;

use crate::cli::{Cli, Command};

/// Runs one API subcommand to its exit code; `None` if `cmd` is not one of them.
pub async fn run(cli: &Cli, cmd: &Command) -> Option<ExitCode> {
    if matches!(cmd, Command::MockServer(_)) {
        return None;
    }
    if let Some(text) = generate::output(cmd) {
        return Some(match text.and_then(|t| output::write_stdout(&t)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                e.exit.into()
            }
        });
    }
    if let Command::Config(args) = cmd {
        return Some(match show_config::run(cli, args).await {
            Ok(exit) => exit.into(),
            Err(e) => {
                eprintln!("error: {e}");
                e.exit.into()
            }
        });
    }
    let result = match Ctx::connect(cli) {
        Ok(ctx) => dispatch(&ctx, cmd).await,
        Err(e) => Err(e),
    };
    Some(match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("error: {e}");
            e.exit.into()
        }
    })
}

async fn dispatch(ctx: &Ctx, cmd: &Command) -> exit::CmdResult {
    match cmd {
        Command::Users(a) => users::run(ctx, a).await,
        Command::Memory(m) => memory::run(ctx, m).await,
        Command::Task(a) => task::run(ctx, a).await,
        Command::Export(a) => export::run(ctx, a).await,
        Command::Purge(a) => purge::run(ctx, a).await,
        Command::Forget(a) => forget::run(ctx, a).await,
        Command::Config(_)
        | Command::MockServer(_)
        | Command::Completions { .. }
        | Command::Man => Ok(Exit::Usage),
    }
}
