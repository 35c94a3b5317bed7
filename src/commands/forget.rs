//! `forget`: erase everything the AI remembers about one user, in every store (chat
//! memory, mentor memories, course memory): one backup of all of it first, then each store
//! erased and verified by the operations layer. Exits 0 only when every store reads empty.

use serde_json::{Value, json};

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{confirm_typed, print_json, write_stdout};
use crate::api::UserRef;
use crate::cli::ForgetArgs;
use crate::ops::{ForgetReport, StoreKind};
use crate::text::sanitize_single_line;

pub async fn run(ctx: &Ctx, args: &ForgetArgs) -> CmdResult {
    ctx.check_writable()?;
    let who = &args.who;
    if !args.yes {
        let what = format!(
            "forget {} in {}: erase their chat memory, mentor memories and course memory",
            sanitize_single_line(&who.user),
            sanitize_single_line(&who.org)
        );
        confirm_typed(&what, &who.user)?;
    }
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let report = ctx.ops()?.forget(&org, &user, &StoreKind::ALL).await;
    if ctx.json {
        print_json(&report_json(&who.user, &who.org, &report)?)?;
    } else {
        write_stdout(report_text(&report).as_bytes())?;
        eprintln!("{}", verdict(&who.user, &who.org, &report));
    }
    Ok(if report.forgotten() {
        Exit::Ok
    } else {
        Exit::NotForgotten
    })
}

/// The operations layer's report (`{"backup", "forgotten", "stores": [{"store": "chat",
/// "outcome": "erased", "items": 2}, ...]}`) with the user and org it is about.
pub fn report_json(user: &str, org: &str, report: &ForgetReport) -> CmdResult<Value> {
    let mut doc = serde_json::to_value(report)
        .map_err(|e| CmdError::other(format!("cannot encode the report: {e}")))?;
    if let Value::Object(map) = &mut doc {
        map.insert("user".into(), json!(user));
        map.insert("org".into(), json!(org));
    }
    Ok(doc)
}

/// One line per store: "chat: erased 2", "mentor: FAILED after 1 deletes were accepted: ...".
pub fn report_text(report: &ForgetReport) -> String {
    report
        .stores
        .iter()
        .map(|(kind, outcome)| {
            format!(
                "{}: {}\n",
                kind.as_str(),
                sanitize_single_line(&outcome.summary())
            )
        })
        .collect()
}

/// The last word on stderr: forgotten or not, which stores may still hold data, the backup.
fn verdict(user: &str, org: &str, report: &ForgetReport) -> String {
    let who = format!(
        "{} in {}",
        sanitize_single_line(user),
        sanitize_single_line(org)
    );
    let backup = match &report.backup {
        Some(path) => format!("; backup at {}", path.display()),
        None if report.forgotten() => "; nothing needed a backup".to_owned(),
        // Not forgotten and no file: the backup failed or nothing was reached to back up.
        None => "; no backup was written".to_owned(),
    };
    if report.forgotten() {
        return format!("{who}: forgotten, every store reads empty{backup}");
    }
    let kept: Vec<&str> = report
        .stores
        .iter()
        .filter(|(_, o)| !o.forgotten())
        .map(|(k, _)| k.as_str())
        .collect();
    format!(
        "{who}: NOT forgotten: {} may still hold data{backup}",
        kept.join(", ")
    )
}
