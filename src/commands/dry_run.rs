//! `purge --dry-run`: what would be erased and how much, with reads only.

use futures::StreamExt;
use serde::Serialize;

use super::context::Ctx;
use super::exit::{CmdResult, Exit};
use super::output::{print_json, write_stdout};
use crate::api::{OrgScope, UserRef};
use crate::text::sanitize_line;

#[derive(Debug, Serialize)]
struct Row {
    user: String,
    /// Entries the read showed.
    entries: usize,
    bytes: u64,
    /// `false` when the server shows one entry at a time: there may be more, and the
    /// erase backs each up as it finds it.
    complete: bool,
}

#[derive(Debug, Serialize)]
struct Failure {
    user: String,
    reason: String,
}

#[derive(Debug, Serialize)]
struct DryRun {
    dry_run: bool,
    org: String,
    would_erase: usize,
    total_bytes: u64,
    /// Every count is exact; else some are "at least".
    complete: bool,
    empty: usize,
    failed: usize,
    users: Vec<Row>,
    failures: Vec<Failure>,
}

pub async fn run(ctx: &Ctx, org: &OrgScope, users: Vec<String>, concurrency: usize) -> CmdResult {
    let client = &ctx.client;
    let results: Vec<_> = futures::stream::iter(users)
        .map(|user| async move {
            let got = client.read_memory(org, &UserRef::by_name(&user)).await;
            (user, got)
        })
        .buffered(concurrency)
        .collect()
        .await;
    let mut out = DryRun {
        dry_run: true,
        org: org.key.clone(),
        would_erase: 0,
        total_bytes: 0,
        complete: true,
        empty: 0,
        failed: 0,
        users: Vec::new(),
        failures: Vec::new(),
    };
    for (user, got) in results {
        match got {
            Ok(read) if read.entries.is_empty() => out.empty += 1,
            Ok(read) => {
                let bytes = read.entries.iter().map(|e| e.text().len() as u64).sum();
                out.total_bytes += bytes;
                out.complete &= read.complete;
                out.users.push(Row {
                    user,
                    entries: read.entries.len(),
                    bytes,
                    complete: read.complete,
                });
            }
            Err(e) => out.failures.push(Failure {
                user,
                reason: e.to_string(),
            }),
        }
    }
    out.would_erase = out.users.len();
    out.failed = out.failures.len();
    if ctx.json {
        print_json(&out)?;
    } else {
        let mut text = String::new();
        for r in &out.users {
            let more = if r.complete { "" } else { "+" };
            text.push_str(&format!(
                "{}\t{}{more} entries\t{}{more} bytes\n",
                sanitize_line(&r.user),
                r.entries,
                r.bytes
            ));
        }
        write_stdout(text.as_bytes())?;
        for f in &out.failures {
            eprintln!("cannot read {}: {}", sanitize_line(&f.user), f.reason);
        }
        let at_least = if out.complete { "" } else { "at least " };
        eprintln!(
            "dry run: would erase {} users ({at_least}{} bytes) in {}; {} have no memory; {} could not be read; nothing was sent but reads",
            out.would_erase, out.total_bytes, out.org, out.empty, out.failed
        );
        if !out.complete {
            eprintln!(
                "the server shows one memory entry at a time: counts marked + are what it showed, and the erase backs up each entry it finds"
            );
        }
    }
    Ok(if out.failed > 0 {
        Exit::Partial
    } else {
        Exit::Ok
    })
}
