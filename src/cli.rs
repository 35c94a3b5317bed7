//! The command line: flags for the console and the subcommands.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::mock::MockServerArgs;

/// A terminal admin console for ibl.ai chat memory. With no config file it runs a demo
/// against a built-in mock server.
///
/// The API key is read from the environment (IBL_API_KEY unless the profile names another
/// variable), never from the command line.
#[derive(Debug, Parser)]
#[command(name = "memory-console", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: ~/.config/memory-console/config.toml, or $MEMORY_CONSOLE_CONFIG).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Profile from the config file.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Run against the built-in mock server, even when a config file exists.
    #[arg(long)]
    pub demo: bool,

    /// Open this org first.
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,

    /// Refuse every change (edit, create, erase, on/off); the server sees only GETs.
    #[arg(long)]
    pub read_only: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the config and print the chosen profile (never the key).
    Config,
    /// Run the ibl-compatible mock server in the foreground.
    MockServer(MockServerArgs),
}
