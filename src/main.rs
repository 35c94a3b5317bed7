//! The memory-console binary: parse arguments, then run the console or a subcommand.

use std::process::ExitCode;

use clap::Parser;
use memory_console::cli::{Cli, Command};
use memory_console::{commands, launch, logging, mock};

fn main() -> ExitCode {
    // The mock server is parsed on its own: the console's global options mean nothing there.
    let mut argv = std::env::args_os();
    let first = argv.next();
    let sub = argv.next();
    if sub.as_deref() == Some(std::ffi::OsStr::new("mock-server")) {
        let rest = first.into_iter().chain(argv);
        let parsed = mock::MockServerCli::parse_from(rest);
        return run_mock(parsed.args);
    }
    let cli = Cli::parse();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if matches!(cli.command, Some(Command::Purge(_))) {
        // A purge's blocking work is short file writes and one flush at a time: nothing
        // waits there (flushes are awaited, see store::audit), so a few threads do, where
        // the default of 512 let bursts of 64 workers grow the pool to ~90 threads, each
        // with its own malloc arena and cache (RSS grew with the number of users).
        builder.max_blocking_threads(PURGE_BLOCKING_THREADS);
    }
    let runtime = match builder.build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(survive_file_size_limit());
    match &cli.command {
        Some(Command::MockServer(args)) => {
            logging::init_stderr("info");
            match runtime.block_on(mock::run_foreground(args.clone())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(cmd) => {
            logging::init_stderr("warn");
            runtime
                .block_on(commands::run(&cli, cmd))
                .unwrap_or(ExitCode::from(2))
        }
        None => match runtime.block_on(launch::run_console(&cli)) {
            Ok(status) => ExitCode::from(status),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// Blocking-pool threads for `purge`: the feeder reading the users file, a flush, and the
/// backup writes of the workers.
const PURGE_BLOCKING_THREADS: usize = 8;

/// A file-size limit (`ulimit -f`) reached while writing a backup, a draft or the audit log
/// would kill the process with SIGXFSZ mid-write. With a handler for it the write fails
/// with EFBIG instead, the half-written temp file is removed, and the operator reads why.
async fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        const SIGXFSZ: i32 = 25;
        // The handler stays installed for the process once registered; the stream itself
        // is not needed.
        if let Err(e) = signal(SignalKind::from_raw(SIGXFSZ)) {
            tracing::debug!(error = %e, "SIGXFSZ handler not installed");
        }
    }
}

/// `memory-console mock-server ...`: the mock in the foreground.
fn run_mock(args: mock::MockServerArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    logging::init_stderr("info");
    match runtime.block_on(mock::run_foreground(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
