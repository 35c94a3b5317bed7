//! `memory-console config`: which profile, which server, where the key comes from (never
//! the key itself).

use crate::cli::Cli;
use crate::config;
use crate::connect;

use super::exit::{CmdError, CmdResult, Exit};

pub fn run(cli: &Cli) -> CmdResult {
    let Some(c) = connect::resolve(cli).map_err(CmdError::usage)? else {
        no_config(cli);
        return Ok(Exit::Ok);
    };
    for w in &c.warnings {
        eprintln!("warning: {w}");
    }
    if let Some((path, _)) = config::config_path(cli.config.as_deref()) {
        println!("config:    {}", path.display());
    }
    println!("profile:   {}", c.profile);
    println!("base_url:  {}", c.client.base_url());
    println!("key:       from {}", c.key_source);
    println!("read_only: {}", c.read_only);
    for o in &c.orgs {
        println!(
            "org:       {} (platform_key {})",
            o.scope.key, o.scope.platform_key
        );
    }
    Ok(Exit::Ok)
}

/// Says where a config file was looked for, and what to do next.
fn no_config(cli: &Cli) {
    println!("no config file: memory-console runs in demo mode");
    println!("checked:");
    match &cli.config {
        Some(p) => println!("  --config {}", p.display()),
        None => println!("  --config                  not given"),
    }
    match std::env::var_os(config::CONFIG_ENV).filter(|v| !v.is_empty()) {
        Some(p) => println!("  ${}  {}", config::CONFIG_ENV, p.to_string_lossy()),
        None => println!("  ${}  not set", config::CONFIG_ENV),
    }
    let default = config::config_path(None)
        .filter(|(_, named)| !named)
        .map(|(p, _)| p);
    match &default {
        Some(p) => println!("  {}  not found", p.display()),
        None => println!("  (no config directory is known for this user)"),
    }
    let target = default
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "a file you pass with --config".into());
    println!(
        "next: copy config.example.toml (in the source tree) to {target}, set base_url and the orgs, export IBL_API_KEY, then run `memory-console config` again"
    );
}
