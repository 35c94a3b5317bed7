//! `purge --dry-run`: what would be erased and how much, with reads only.

use futures::StreamExt;
use serde::Serialize;

use super::context::Ctx;
use super::exit::{CmdResult, Exit};
use super::output::{print_json, write_stdout};
use crate::api::{OrgScope, UserRef};

#[derive(Debug, Serialize)]
struct Row {
    user: String,
    entries: usize,
    bytes: u64,
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
    empty: usize,
    failed: usize,
    users: Vec<Row>,
    failures: Vec<Failure>,
}

pub async fn run(ctx: &Ctx, org: &OrgScope, users: Vec<String>, concurrency: usize) -> CmdResult {
    let client = &ctx.client;
    let results: Vec<_> = futures::stream::iter(users)
        .map(|user| async move {
            let got = client.get_memory(org, &UserRef::by_name(&user)).await;
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
        empty: 0,
        failed: 0,
        users: Vec::new(),
        failures: Vec::new(),
    };
    for (user, got) in results {
        match got {
            Ok(entries) if entries.is_empty() => out.empty += 1,
            Ok(entries) => {
                let bytes = entries.iter().map(|e| e.text().len() as u64).sum();
                out.total_bytes += bytes;
                out.users.push(Row {
                    user,
                    entries: entries.len(),
                    bytes,
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
            text.push_str(&format!(
                "{}\t{} entries\t{} bytes\n",
                r.user, r.entries, r.bytes
            ));
        }
        write_stdout(text.as_bytes())?;
        for f in &out.failures {
            eprintln!("cannot read {}: {}", f.user, f.reason);
        }
        eprintln!(
            "dry run: would erase {} users ({} bytes) in {}; {} have no memory; {} could not be read; nothing was sent but reads",
            out.would_erase, out.total_bytes, out.org, out.empty, out.failed
        );
    }
    Ok(if out.failed > 0 {
        Exit::Partial
    } else {
        Exit::Ok
    })
}
