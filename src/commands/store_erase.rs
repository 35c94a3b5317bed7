//! `memory delete --store`: which erase a store, `--entry` and `--category` ask for, checked
//! before anything is sent.

use super::context::Ctx;
use super::exit::{CmdError, CmdResult};
use crate::cli::{OrgUser, StoreName};

pub async fn delete(
    ctx: &Ctx,
    who: &OrgUser,
    store: StoreName,
    entry: Option<&str>,
    category: Option<&str>,
    yes: bool,
) -> CmdResult {
    match store {
        StoreName::Chat => {
            if category.is_some() {
                return Err(CmdError::usage(
                    "--category names a mentor-memory category: add --store mentor",
                ));
            }
            let entry = entry.map(chat_entry_id).transpose()?;
            super::erase::delete(ctx, who, entry, yes).await
        }
        StoreName::Mentor | StoreName::Course => Err(CmdError::usage(
            "erasing mentor or course memory needs the store operations (not built yet)",
        )),
    }
}

/// A chat entry id is a number; anything else is refused before a request is sent.
fn chat_entry_id(text: &str) -> CmdResult<i64> {
    text.trim().parse().map_err(|_| {
        CmdError::usage(format!(
            "a chat entry id is a number, not {:?}",
            crate::text::sanitize_single_line(text)
        ))
    })
}
