//! `memory-console config`: which profile, which server, where the key comes from (never
//! the key itself).

use crate::cli::Cli;
use crate::config;
use crate::connect;

use super::exit::{CmdError, CmdResult, Exit};

pub fn run(cli: &Cli) -> CmdResult {
    let Some(c) = connect::resolve(cli).map_err(CmdError::usage)? else {
        println!("no config file: memory-console runs in demo mode");
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
