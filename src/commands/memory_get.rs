//! `memory get --store mentor|course|all`: another store's memory, or every store in one
//! document (`--store chat`, the default, is `memory.rs`'s exact-bytes read).

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::memory::describe;
use super::output::{print_json, write_stdout};
use super::stores_read::{self, Status, UserStores, course_json, mentor_json, store_word};
use super::stores_text::{
    chat_body, course_body, course_summary, mentor_body, mentor_summary, whose,
};
use crate::api::{StoreRead, UserRef};
use crate::cli::{OrgUser, StoreChoice};

/// Reads the stores `choice` names (not chat alone) and prints them. Exits 3 when none of
/// them holds anything, as `memory get` of a user with no chat memory does.
pub async fn run(ctx: &Ctx, who: &OrgUser, choice: StoreChoice) -> CmdResult {
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let got = stores_read::read(&ctx.client, &org, &user, choice.stores(), Status::Read)
        .await
        .map_err(|e| {
            CmdError::api(
                &format!("cannot read the {} memory", store_word(e.store)),
                &e.error,
            )
        })?;
    if ctx.json {
        let doc = match (choice, &got.mentor, &got.course) {
            (StoreChoice::Mentor, Some(m), _) => mentor_json(m),
            (StoreChoice::Course, _, Some(c)) => course_json(c),
            _ => got.to_json(),
        };
        print_json(&doc)?;
    } else if choice == StoreChoice::All {
        write_stdout(all_text(who, &got).as_bytes())?;
    } else {
        single_text(who, &got)?;
    }
    Ok(if got.any_items() {
        Exit::Ok
    } else {
        Exit::NotFound
    })
}

/// One store: its listing on stdout, the summary on stderr (as chat memory does).
fn single_text(who: &OrgUser, got: &UserStores) -> CmdResult<()> {
    let owner = whose(&who.user, &who.org);
    if let Some(read) = &got.mentor {
        if let StoreRead::Items(listing) = read {
            write_stdout(mentor_body(listing).as_bytes())?;
        }
        eprintln!("mentor memories of {owner}: {}", mentor_summary(read));
    }
    if let Some(read) = &got.course {
        if let StoreRead::Items(items) = read {
            write_stdout(course_body(items).as_bytes())?;
        }
        eprintln!("course memory of {owner}: {}", course_summary(read));
    }
    Ok(())
}

/// Every store under a heading of its own, on stdout.
fn all_text(who: &OrgUser, got: &UserStores) -> String {
    let owner = whose(&who.user, &who.org);
    let mut out = String::new();
    if let Some(chat) = &got.chat {
        let summary = describe(&who.user, &who.org, &chat.read, chat.enabled);
        out.push_str(&format!("== chat memory of {summary}\n"));
        out.push_str(&chat_body(chat));
    }
    if let Some(read) = &got.mentor {
        out.push_str(&format!(
            "== mentor memories of {owner}: {}\n",
            mentor_summary(read)
        ));
        if let StoreRead::Items(listing) = read {
            out.push_str(&mentor_body(listing));
        }
    }
    if let Some(read) = &got.course {
        out.push_str(&format!(
            "== course memory of {owner}: {}\n",
            course_summary(read)
        ));
        if let StoreRead::Items(items) = read {
            out.push_str(&course_body(items));
        }
    }
    out
}
