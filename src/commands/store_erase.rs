//! `memory delete --store chat|mentor|course`: which erase the store, `--entry` and
//! `--category` ask for (checked before anything is sent), run through the operations
//! layer (backup, audit intent, DELETE, verify), and its report.

use std::path::PathBuf;

use serde_json::json;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{confirm_typed, print_json};
use crate::api::{OrgScope, UserRef};
use crate::cli::{OrgUser, StoreName};
use crate::ops::{Ops, StoreEraseError, StoreFailure, StoreKind, StoreOutcome};
use crate::text::{count_noun, sanitize_single_line};

/// What one `memory delete` in mentor or course memory erases.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    MentorEntry(String),
    MentorCategory(String),
    MentorAll,
    CourseMemory(String),
    CourseAll,
}

impl Target {
    /// The target the flags name, or why they do not fit the store.
    fn of(store: StoreName, entry: Option<&str>, category: Option<&str>) -> CmdResult<Target> {
        let id = |text: &str| -> CmdResult<String> {
            if text.trim().is_empty() {
                return Err(CmdError::usage("--entry needs an id"));
            }
            Ok(text.to_owned())
        };
        match (store, entry, category) {
            (_, Some(_), Some(_)) => Err(CmdError::usage("give --entry or --category, not both")),
            (StoreName::Mentor, Some(e), None) => Ok(Target::MentorEntry(id(e)?)),
            (StoreName::Mentor, None, Some("")) => Err(CmdError::usage("--category needs a name")),
            (StoreName::Mentor, None, Some(c)) => Ok(Target::MentorCategory(c.to_owned())),
            (StoreName::Mentor, None, None) => Ok(Target::MentorAll),
            (StoreName::Course, Some(e), None) => Ok(Target::CourseMemory(id(e)?)),
            (StoreName::Course, None, None) => Ok(Target::CourseAll),
            (_, _, Some(_)) => Err(CmdError::usage(
                "--category names a mentor-memory category: add --store mentor",
            )),
            // Chat memory has its own erase (`erase.rs`); `delete` sends it there first.
            (StoreName::Chat, ..) => Err(CmdError::usage("chat memory is not erased here")),
        }
    }

    /// "erase mentor entry \"x\" of alice in main", for the confirmation.
    fn describe(&self, who: &OrgUser) -> String {
        let what = match self {
            Target::MentorEntry(id) => format!("mentor entry {id:?}"),
            Target::MentorCategory(c) => format!("the mentor-memory category {c:?}"),
            Target::MentorAll => "all mentor memories".to_owned(),
            Target::CourseMemory(id) => format!("course memory {id:?}"),
            Target::CourseAll => "all course memory".to_owned(),
        };
        sanitize_single_line(&format!("erase {what} of {} in {}", who.user, who.org)).into_owned()
    }

    /// A whole store was asked for: empty or unavailable is "nothing to erase", not an error.
    fn whole_store(&self) -> bool {
        matches!(self, Target::MentorAll | Target::CourseAll)
    }

    fn store(&self) -> StoreKind {
        match self {
            Target::MentorEntry(_) | Target::MentorCategory(_) | Target::MentorAll => {
                StoreKind::Mentor
            }
            Target::CourseMemory(_) | Target::CourseAll => StoreKind::Course,
        }
    }
}

pub async fn delete(
    ctx: &Ctx,
    who: &OrgUser,
    store: StoreName,
    entry: Option<&str>,
    category: Option<&str>,
    yes: bool,
) -> CmdResult {
    if store == StoreName::Chat {
        if category.is_some() {
            return Err(CmdError::usage(
                "--category names a mentor-memory category: add --store mentor",
            ));
        }
        let entry = entry.map(chat_entry_id).transpose()?;
        return super::erase::delete(ctx, who, entry, yes).await;
    }
    let target = Target::of(store, entry, category)?;
    ctx.check_writable()?;
    if !yes {
        confirm_typed(&target.describe(who), &who.user)?;
    }
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let ops = ctx.ops()?;
    let done = run(&ops, &org, &user, &target).await;
    report(ctx, who, &target, done)
}

/// How an erase in mentor or course memory ended, as the report needs it.
enum Done {
    Erased {
        items: usize,
        backup: PathBuf,
    },
    /// A whole store held nothing, or answered 404/405 (the reason).
    Nothing(Option<String>),
    Failed(StoreEraseError),
    /// A whole-store mentor erase that did not end empty (from the forget of that store).
    Kept {
        failure: String,
        erased: usize,
        backup: Option<PathBuf>,
    },
}

async fn run(ops: &Ops, org: &OrgScope, user: &UserRef, target: &Target) -> Done {
    let one = match target {
        Target::MentorEntry(id) => ops.erase_mentor_entry(org, user, id).await,
        Target::MentorCategory(c) => ops.erase_mentor_category(org, user, c).await,
        Target::CourseMemory(id) => ops.erase_course_memory(org, user, id).await,
        Target::CourseAll => ops.erase_course_all(org, user).await,
        // The whole mentor store has no one DELETE: it is the forget of that store alone
        // (every memory backed up, each category erased, a read showing none).
        Target::MentorAll => {
            let report = ops.forget(org, user, &[StoreKind::Mentor]).await;
            return match report.outcome(StoreKind::Mentor) {
                Some(StoreOutcome::Erased { items }) => match report.backup.clone() {
                    Some(backup) => Done::Erased {
                        items: *items,
                        backup,
                    },
                    None => Done::Kept {
                        failure: "no backup was reported".into(),
                        erased: *items,
                        backup: None,
                    },
                },
                Some(StoreOutcome::AlreadyEmpty) => Done::Nothing(None),
                Some(StoreOutcome::Unavailable { reason }) => Done::Nothing(Some(reason.clone())),
                Some(StoreOutcome::Failed { failure, erased }) => Done::Kept {
                    failure: failure.clone(),
                    erased: *erased,
                    backup: report.backup.clone(),
                },
                None => Done::Kept {
                    failure: "the mentor store was not reported".into(),
                    erased: 0,
                    backup: report.backup.clone(),
                },
            };
        }
    };
    match one {
        Ok(e) => Done::Erased {
            items: e.items,
            backup: e.backup,
        },
        Err(e) if target.whole_store() => match &e.failure {
            StoreFailure::NothingThere(_) => Done::Nothing(None),
            StoreFailure::Unavailable(_, gap) => Done::Nothing(Some(gap.to_string())),
            _ => Done::Failed(e),
        },
        Err(e) => Done::Failed(e),
    }
}

fn report(ctx: &Ctx, who: &OrgUser, target: &Target, done: Done) -> CmdResult {
    let store = target.store().as_str();
    let (result, items, backup, reason, exit) = match done {
        Done::Erased { items, backup } => ("erased", items, Some(backup), None, Exit::Ok),
        Done::Nothing(reason) => ("nothing_there", 0, None, reason, Exit::Ok),
        Done::Kept {
            failure,
            erased,
            backup,
        } => {
            let text = format!("the erase stopped: {failure}");
            if ctx.json {
                print_json(&json!({
                    "user": who.user, "store": store, "result": "failed",
                    "items": erased, "backup": backup, "reason": failure,
                }))?;
            }
            return Err(CmdError::other(sanitize_single_line(&text).into_owned()));
        }
        Done::Failed(e) => {
            let exit = match e.failure {
                StoreFailure::NothingThere(_) | StoreFailure::Unavailable(..) => Exit::NotFound,
                _ => Exit::Other,
            };
            let err = CmdError::op("the erase stopped", &e);
            // The server's error picks the code (key refused, ...); else what stopped it.
            let exit = if err.exit == Exit::Other {
                exit
            } else {
                err.exit
            };
            return Err(CmdError::new(
                exit,
                sanitize_single_line(&err.message).into_owned(),
            ));
        }
    };
    if ctx.json {
        print_json(&json!({
            "user": who.user,
            "store": store,
            "result": result,
            "items": items,
            "backup": backup,
            "reason": reason,
        }))?;
    } else {
        let owner = sanitize_single_line(&who.user);
        match (&backup, &reason) {
            (Some(path), _) => eprintln!(
                "erased {} of {owner} in {store} memory, verified gone; backup at {}",
                count_noun(items, item_noun(target).0, item_noun(target).1),
                path.display()
            ),
            (None, Some(why)) => eprintln!(
                "{owner} has no {store} memory to erase: {}",
                sanitize_single_line(why)
            ),
            (None, None) => eprintln!("{owner} has no {store} memory: nothing to erase"),
        }
    }
    Ok(exit)
}

/// What the erased items of this store are called.
fn item_noun(target: &Target) -> (&'static str, &'static str) {
    match target.store() {
        StoreKind::Course => ("course memory", "course memories"),
        _ => ("entry", "entries"),
    }
}

/// A chat entry id is a number; anything else is refused before a request is sent.
fn chat_entry_id(text: &str) -> CmdResult<i64> {
    text.trim().parse().map_err(|_| {
        CmdError::usage(format!(
            "a chat entry id is a number, not {:?}",
            sanitize_single_line(text)
        ))
    })
}
