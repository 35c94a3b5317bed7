//! Which users a bulk job covers: a users file, or every user of the org.

use std::collections::HashSet;
use std::path::Path;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult};
use super::users::all_users;
use crate::api::OrgScope;
use crate::cli::UserSelection;

pub async fn select(ctx: &Ctx, org: &OrgScope, sel: &UserSelection) -> CmdResult<Vec<String>> {
    match &sel.users_file {
        Some(path) => read_users_file(path),
        None => Ok(dedup(
            all_users(ctx, org, "")
                .await?
                .into_iter()
                .map(|u| u.username),
        )),
    }
}

/// One username per line; blank lines, `#` comments and repeats are dropped, order kept.
pub fn read_users_file(path: &Path) -> CmdResult<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CmdError::usage(format!("cannot read {}: {e}", path.display())))?;
    Ok(parse_users(&text))
}

pub fn parse_users(text: &str) -> Vec<String> {
    dedup(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned),
    )
}

fn dedup(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    names.filter(|n| seen.insert(n.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blanks_and_repeats_are_dropped() {
        let text = "# erase request 42\nann\n\n  bob  \nann\n#carl\r\ndave\r\n";
        assert_eq!(parse_users(text), ["ann", "bob", "dave"]);
    }
}
