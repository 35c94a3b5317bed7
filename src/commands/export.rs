//! `export`: every selected user's memory in every store (chat, mentor memories, course
//! memory) to one backup-format file each (a subject-access export, restorable with
//! `memory restore`), resumable through the journal in the output dir.

use std::path::PathBuf;
use std::sync::Arc;

use super::bulk::{self, Job, Places, Summary, failed};
use super::context::Ctx;
use super::exit::CmdResult;
use super::journal::{Journal, Record, Status};
use super::stores_read::{self, UserStores};
use super::userlist;
use crate::api::{ApiClient, OrgScope, StoreRead, UserRef};
use crate::cli::{ExportArgs, StoreChoice};
use crate::store::private_file::create_writable_dir;
use crate::store::{Backup, write_backup};
use crate::text::count_noun;

/// What every export worker shares.
struct Shared {
    client: ApiClient,
    org: OrgScope,
    profile: String,
    base_url: String,
    dir: PathBuf,
}

pub async fn run(ctx: &Ctx, args: &ExportArgs) -> CmdResult {
    let org = ctx.org(&args.org);
    let source = userlist::select(ctx, &org, &args.users).await?;
    let (journal, finished) =
        Journal::open(&args.out, "export", &org.key, ctx.connection.base_url())?;
    let todo = source.count(&finished)?.map(|(_, todo)| todo);
    // Every file goes there: a folder that cannot be made stops the job before it starts.
    let files = args.out.join(crate::store::safe_name(&org.key));
    create_writable_dir(&files)?;
    let shared = Arc::new(Shared {
        client: ctx.client.clone(),
        org: org.clone(),
        profile: ctx.connection.profile.clone(),
        base_url: ctx.connection.base_url().to_owned(),
        dir: args.out.clone(),
    });
    let job = Job {
        source,
        finished,
        todo,
        concurrency: usize::from(args.bulk.concurrency),
        stop_after: args.bulk.stop_after,
        label: "export",
        journal: Some(&journal),
    };
    let report = bulk::run(job, move |user| export_one(shared.clone(), user)).await?;
    let places = Places {
        out_dir: args.out.clone(),
        backups: files,
        journal: journal.path().to_path_buf(),
    };
    Summary::new("export", &org.key, report, places).emit(ctx.json)
}

async fn export_one(s: Arc<Shared>, user: String) -> Record {
    let who = UserRef::by_name(&user);
    let every = StoreChoice::All.stores();
    let got =
        match stores_read::read(&s.client, &s.org, &who, every, stores_read::Status::Skip).await {
            Ok(got) => got,
            Err(e) => {
                let store = stores_read::store_word(e.store);
                return failed(user, format!("cannot read the {store} memory: {}", e.error));
            }
        };
    // A store answering 404/405 reads as empty; the journal says which and why.
    let gaps = gaps(&got);
    if !got.any_items() {
        return Record {
            user,
            status: Status::Empty,
            reason: gaps,
            backup: None,
            bytes: 0,
        };
    }
    let read_gaps = read_gaps(&got);
    let entries = got.chat.map(|c| c.read.entries).unwrap_or_default();
    let bytes = entries.iter().map(|e| e.text().len() as u64).sum();
    let mut backup = Backup::new(&s.profile, &s.base_url, &s.org, &who, entries);
    backup.read_gaps = read_gaps.clone();
    backup.mentor = got
        .mentor
        .map(|m| m.into_items().memories)
        .unwrap_or_default();
    backup.course = got.course.map(StoreRead::into_items).unwrap_or_default();
    let dir = s.dir.clone();
    // File writes block; keep them off the async workers that drive the requests.
    match tokio::task::spawn_blocking(move || write_backup(&dir, &backup)).await {
        Ok(Ok(path)) if read_gaps.is_empty() => Record {
            user,
            status: Status::Done,
            reason: gaps,
            backup: Some(path),
            bytes,
        },
        // The file holds what the server showed; the record says it may not be all.
        Ok(Ok(path)) => Record {
            user,
            status: Status::Incomplete,
            reason: Some(
                read_gaps
                    .into_iter()
                    .chain(gaps)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            backup: Some(path),
            bytes,
        },
        Ok(Err(e)) => failed(user, format!("cannot write the file: {e}")),
        Err(e) => failed(user, format!("cannot write the file: {e}")),
    }
}

/// What the reads could not show: a chat read that was not a whole list (the published
/// read shows one entry however many there are), and mentor memories the server counted
/// but its pages did not hold.
fn read_gaps(got: &UserStores) -> Vec<String> {
    let mut gaps = Vec::new();
    if let Some(chat) = got.chat.as_ref().filter(|c| !c.read.complete) {
        gaps.push(format!(
            "chat: the server's read showed {} and does not say there is no more (its published read shows one entry at a time); the file holds what it showed",
            count_noun(chat.read.entries.len(), "entry", "entries")
        ));
    }
    if let Some(StoreRead::Items(listing)) = &got.mentor
        && listing.shortfall() > 0
    {
        gaps.push(format!(
            "mentor: the server counts {} but its pages held only {}",
            count_noun(
                listing.count.unwrap_or_default() as usize,
                "memory",
                "memories"
            ),
            listing.memories.len()
        ));
    }
    gaps
}

/// "mentor: the server answered 405 (...)" for each store read as unavailable.
fn gaps(got: &UserStores) -> Option<String> {
    let mentor = got.mentor.as_ref().and_then(StoreRead::gap);
    let course = got.course.as_ref().and_then(StoreRead::gap);
    // The course read's 404 is also the documented answer for "no course memory yet".
    let words: Vec<String> = [
        ("mentor unavailable, read as empty", mentor),
        ("course: none, or unavailable", course),
    ]
    .into_iter()
    .filter_map(|(what, gap)| gap.map(|g| format!("{what}: {g}")))
    .collect();
    (!words.is_empty()).then(|| words.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{MemoryRead, MentorListing};
    use crate::commands::stores_read::ChatRead;

    #[test]
    fn a_mentor_count_beyond_the_pages_and_a_one_entry_read_are_gaps() {
        let complete = UserStores {
            chat: Some(ChatRead {
                read: MemoryRead {
                    entries: Vec::new(),
                    complete: true,
                },
                enabled: None,
            }),
            mentor: Some(StoreRead::Items(MentorListing {
                memories: Vec::new(),
                count: Some(0),
            })),
            course: None,
        };
        assert!(read_gaps(&complete).is_empty());
        let short = UserStores {
            mentor: Some(StoreRead::Items(MentorListing {
                memories: Vec::new(),
                count: Some(3),
            })),
            ..complete
        };
        assert_eq!(
            read_gaps(&short),
            ["mentor: the server counts 3 memories but its pages held only 0"]
        );
        let one = UserStores {
            chat: Some(ChatRead {
                read: MemoryRead {
                    entries: Vec::new(),
                    complete: false,
                },
                enabled: None,
            }),
            mentor: None,
            course: None,
        };
        assert!(read_gaps(&one)[0].starts_with("chat: "));
    }
}
