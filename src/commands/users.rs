//! `users`: list an org's users, every page, optionally filtered by the server's search.

use serde_json::json;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{print_json, write_stdout};
use crate::api::{OrgScope, PageCursor, UserSummary, UsersQuery};
use crate::cli::UsersArgs;
use crate::text::sanitize_single_line as sanitize;

pub async fn run(ctx: &Ctx, args: &UsersArgs) -> CmdResult {
    let org = ctx.org(&args.org);
    let users = all_users(ctx, &org, args.query.as_deref().unwrap_or("")).await?;
    if ctx.json {
        print_json(&json!({ "org": org.key, "count": users.len(), "users": users }))?;
    } else {
        let mut text = String::new();
        for u in &users {
            // Names come from the server: keep escape sequences off the terminal.
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\n",
                sanitize(&u.username),
                u.user_id.map(|i| i.to_string()).unwrap_or_default(),
                sanitize(u.name.as_deref().unwrap_or("")),
                sanitize(u.email.as_deref().unwrap_or(""))
            ));
        }
        write_stdout(text.as_bytes())?;
        eprintln!("{} users", users.len());
    }
    Ok(Exit::Ok)
}

/// Walks every page of the org's users (100 per page). Paging always ends, whatever the
/// server's `next_page` says (see [`PageCursor`]); repeated users are dropped, with a warning.
pub async fn all_users(ctx: &Ctx, org: &OrgScope, search: &str) -> CmdResult<Vec<UserSummary>> {
    let mut cursor = PageCursor::new();
    let mut users = Vec::new();
    while let Some(page) = cursor.next_page() {
        let q = UsersQuery {
            page,
            page_size: cursor.page_size(),
            search: search.to_owned(),
        };
        let got = ctx
            .client
            .list_users(org, &q)
            .await
            .map_err(|e| CmdError::api("cannot list the users", &e))?;
        let step = cursor.take(got);
        users.extend(step.users);
        if let Some(warning) = step.warning {
            // Server text never reaches here: the warning is built from numbers.
            eprintln!(
                "warning: listing the users of {}: {warning}",
                sanitize(&org.key)
            );
        }
    }
    Ok(users)
}
