//! `memory-console config`: which profile, which server, where the key comes from (never
//! the key itself).

use std::time::Instant;

use crate::api::{ApiError, UsersQuery};
use crate::cli::{Cli, ConfigArgs};
use crate::config;
use crate::connect;

use super::exit::{CmdError, CmdResult, Exit};

pub async fn run(cli: &Cli, args: &ConfigArgs) -> CmdResult {
    let Some(r) = connect::resolve(cli).map_err(CmdError::usage)? else {
        no_config(cli);
        if args.check {
            return Err(CmdError::usage(
                "nothing to check: no config file and no --base-url",
            ));
        }
        return Ok(Exit::Ok);
    };
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    let c = &r.connection;
    match &r.config_file {
        Some(path) => println!("config:    {}", path.display()),
        None => {
            // Only the command line and the environment: say so, and where a file was
            // looked for, rather than name a path as if it had been read.
            println!("config:    none read (--base-url and the environment only)");
            checked(cli);
        }
    }
    println!("profile:   {}", c.profile);
    println!("base_url:  {}", r.client.base_url());
    println!("key:       from {}", c.key_source);
    println!("read_only: {}", c.read_only);
    for o in &c.orgs {
        println!(
            "org:       {} (platform_key {})",
            o.scope.key, o.scope.platform_key
        );
    }
    if !args.check {
        return Ok(Exit::Ok);
    }
    if c.orgs.is_empty() {
        return Err(CmdError::usage(
            "nothing to check: the profile lists no orgs (or pass --org)",
        ));
    }
    check(&r).await
}

/// How one read-only call went, for `config --check`.
enum Verdict {
    Fits,
    Refused,
    Unreachable,
    /// The server answered, but not as the contract says (or with an error status).
    Odd,
}

fn verdict(e: &ApiError) -> Verdict {
    match e {
        ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => Verdict::Refused,
        ApiError::Timeout | ApiError::Connection { .. } => Verdict::Unreachable,
        _ => Verdict::Odd,
    }
}

/// One org info and one users page per org: GETs only, so it is safe against production.
async fn check(r: &connect::Resolved) -> CmdResult {
    let c = &r.connection;
    let mut worst = Exit::Ok;
    let mut note = |v: &Verdict| {
        let exit = match v {
            Verdict::Fits => Exit::Ok,
            Verdict::Odd => Exit::Other,
            Verdict::Unreachable => Exit::Other,
            Verdict::Refused => Exit::Auth,
        };
        // The key refused is the most telling outcome, then any failure.
        if exit == Exit::Auth || (exit != Exit::Ok && worst == Exit::Ok) {
            worst = exit;
        }
    };
    for o in &c.orgs {
        println!("check {}:", o.scope.key);
        let t = Instant::now();
        let info = r.client.org_info(&o.scope).await;
        let ms = t.elapsed().as_millis();
        let v = match &info {
            Ok(_) => {
                println!("  org info     ok, key accepted, {ms} ms, answer fits the contract");
                Verdict::Fits
            }
            Err(e) => {
                let v = verdict(e);
                println!("  org info     {}, {ms} ms: {e}", words(&v));
                v
            }
        };
        note(&v);
        if matches!(v, Verdict::Unreachable) {
            // The server did not answer: a second call would only wait again.
            continue;
        }
        let t = Instant::now();
        let page = r
            .client
            .list_users(
                &o.scope,
                &UsersQuery {
                    page: 1,
                    page_size: 5,
                    search: String::new(),
                },
            )
            .await;
        let ms = t.elapsed().as_millis();
        let v = match &page {
            Ok(p) => {
                println!(
                    "  users page   ok, key accepted, {ms} ms, answer fits the contract ({} users)",
                    p.count
                );
                Verdict::Fits
            }
            Err(e) => {
                let v = verdict(e);
                println!("  users page   {}, {ms} ms: {e}", words(&v));
                v
            }
        };
        note(&v);
    }
    match worst {
        Exit::Ok => println!("all checks passed"),
        Exit::Auth => println!(
            "the key was refused: check {} and the profile",
            c.key_source
        ),
        _ => println!("some checks failed (see above)"),
    }
    Ok(worst)
}

fn words(v: &Verdict) -> &'static str {
    match v {
        Verdict::Fits => "ok",
        Verdict::Refused => "KEY REFUSED",
        Verdict::Unreachable => "UNREACHABLE",
        Verdict::Odd => "UNEXPECTED ANSWER",
    }
}

/// Says where a config file was looked for, and what to do next.
fn no_config(cli: &Cli) {
    println!("no config file: memory-console runs in demo mode");
    let default = checked(cli);
    let target = default
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "a file you pass with --config".into());
    println!(
        "next: copy config.example.toml (in the source tree) to {target}, set base_url and the orgs, export IBL_API_KEY, then run `memory-console config` again"
    );
}

/// Lists the places a config file was looked for; answers the default one.
fn checked(cli: &Cli) -> Option<std::path::PathBuf> {
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
    default
}
