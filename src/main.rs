//! The memory-console binary: parse arguments, then run the console or a subcommand.

use std::process::ExitCode;

use clap::Parser;
use memory_console::cli::{Cli, Command};
use memory_console::config;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Config) => show_config(&cli),
        None => {
            eprintln!("the console arrives in a later change; try `memory-console config`");
            ExitCode::from(2)
        }
    }
}

fn show_config(cli: &Cli) -> ExitCode {
    let loaded = match config::load(cli.config.as_deref()) {
        Ok(Some(l)) => l,
        Ok(None) => {
            println!("no config file: memory-console runs in demo mode");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    match loaded.profile(cli.profile.as_deref()) {
        Ok(p) => {
            println!("config:   {}", loaded.path.display());
            println!("profile:  {}", p.name);
            println!("base_url: {}", p.base_url);
            println!("key:      from {}", p.key_source);
            println!("read_only: {}", p.read_only);
            for o in &p.orgs {
                println!(
                    "org:      {} (platform_key {})",
                    o.scope.key, o.scope.platform_key
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
