//! Restoring an erase backup: writing every entry of a user's memory back, at most once,
//! never over memory the user has gathered since, between an audit intent and outcome per
//! store. Chat entries are written here; mentor and course memory by `stores::revive`.

use std::path::{Path, PathBuf};

use thiserror::Error;
use time::OffsetDateTime;

use super::stores::revive::{self, Refusal};
use super::{Ops, StoreKind};
use crate::api::{ApiClient, ApiError, CourseMemory, MemoryEntry, MemoryWrite, OrgScope, UserRef};
use crate::store::private_file::LockFile;
use crate::store::{
    Action, Backup, Outcome, Pending, StoreError, Target, mark_restored, read_backup,
    rewrite_backup, rfc3339,
};

#[derive(Debug, Error)]
pub enum RestoreError {
    /// The backup could not be read or is not a valid backup; nothing was sent.
    #[error(transparent)]
    Backup(StoreError),
    #[error("the audit log could not be written, so nothing was sent: {0}")]
    Audit(StoreError),
    #[error("backup {path} was already restored at {at}; nothing was sent")]
    AlreadyRestored { path: PathBuf, at: String },
    #[error(
        "backup {path} was taken from {backup_base_url}, but this profile talks to {client_base_url}; nothing was sent"
    )]
    OtherServer {
        path: PathBuf,
        backup_base_url: String,
        client_base_url: String,
    },
    #[error(
        "another restore of this backup is running, or one was stopped; if none runs, remove {lock} and restore again: it goes on after the entries already written back"
    )]
    InProgress { lock: PathBuf },
    /// The lock file beside the backup could not be made (a read-only folder, a full disk).
    #[error("cannot lock the backup for restoring, so nothing was sent: {source}")]
    Lock { source: StoreError },
    #[error("backup {path} holds no entries with content; nothing to restore")]
    NothingToRestore { path: PathBuf },
    #[error("cannot check {user}'s current memory, so nothing was sent: {source}")]
    Check { user: String, source: ApiError },
    #[error(
        "user {user} has memory again; erase or edit it instead (nothing was sent). If an erase or forget of this user stopped partway, run it again to its end, then restore"
    )]
    HasMemory { user: String, entries: usize },
    /// The same for mentor or course memory.
    #[error(
        "user {user} has {store} memory again ({items} item{}); erase or edit it instead (nothing was sent). If an erase or forget of this user stopped partway, run it again to its end, then restore",
        if *.items == 1 { "" } else { "s" }
    )]
    HasStoreMemory {
        user: String,
        store: StoreKind,
        items: usize,
    },
    #[error("cannot check {user}'s {store} memory, so nothing was sent: {source}")]
    StoreCheck {
        user: String,
        store: StoreKind,
        source: ApiError,
    },
    /// Chat memory (if any) was written, then restoring `store` stopped; `report` says what
    /// was written. The backup is not marked restored.
    #[error(
        "restoring {user}'s {store} memory stopped; the backup notes what was written, so restoring it again goes on from there: {source}"
    )]
    StorePartial {
        user: String,
        store: StoreKind,
        report: Box<RestoreReport>,
        source: ApiError,
    },
    /// A resumed restore cannot check whether the stopped run wrote an item; nothing was
    /// sent for it.
    #[error("restoring {user}'s {store} memory stopped: {why}")]
    StoreUnsure {
        user: String,
        store: StoreKind,
        report: Box<RestoreReport>,
        why: String,
    },
    /// A store's POST was answered but the backup could not note it.
    #[error(
        "restoring {user}'s {store} memory stopped: the backup could not note what was written, so nothing more was sent; check the user's {store} memory before restoring again: {source}"
    )]
    StoreProgress {
        user: String,
        store: StoreKind,
        report: Box<RestoreReport>,
        source: StoreError,
    },
    #[error(
        "restoring {user} stopped after {created} of {total} entries; the backup notes them, so restoring it again goes on from there{}: {source}",
        maybe_taken(source)
    )]
    Partial {
        user: String,
        created: usize,
        total: usize,
        /// What the server answered for the entries that were written.
        written: Vec<MemoryEntry>,
        source: ApiError,
    },
    #[error(
        "restoring {user} stopped after {created} entries: the backup could not note them, so nothing more was sent; check the user's memory before restoring again: {source}"
    )]
    Progress {
        user: String,
        created: usize,
        /// What the server answered for the entries that were written.
        written: Vec<MemoryEntry>,
        source: StoreError,
    },
    #[error(
        "all {} entries of {} were restored, but the backup could not be marked restored: {source}", .report.created.len(), .report.user.username
    )]
    Mark {
        report: Box<RestoreReport>,
        source: StoreError,
    },
}

/// For a POST that failed without the server refusing it (no answer, a 5xx, a garbled
/// answer): the entry may be on the server all the same.
fn maybe_taken(source: &ApiError) -> &'static str {
    use crate::api::ErrorKind;
    match source.kind() {
        ErrorKind::Network | ErrorKind::Server | ErrorKind::Malformed => {
            " (the last entry sent may have been written all the same; restoring again looks for it first)"
        }
        _ => "",
    }
}

/// What a restore wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    pub backup_path: PathBuf,
    pub org: OrgScope,
    pub user: UserRef,
    /// The entries as the server answered them.
    pub created: Vec<MemoryEntry>,
    /// Backup entries whose content was `null`; there is no text to write back.
    pub skipped_null: Vec<i64>,
    /// Mentor memories re-created (`POST memories/`), and the entries they hold.
    pub mentor_memories: usize,
    pub mentor_entries: usize,
    /// Course memories as the server answered them.
    pub course_created: Vec<CourseMemory>,
    /// What the API could not bring back, in words ("ids: ...", "expiry: ...").
    pub not_restored: Vec<String>,
    pub restored_at: Option<OffsetDateTime>,
    /// The stores the backup holds, in the order they are restored.
    pub stores: Vec<StoreKind>,
    /// What stopped runs of this restore had already written back (and this one did not
    /// write again).
    pub earlier: WrittenEarlier,
}

/// Per store, how many items earlier, stopped runs of a restore wrote back: chat entries,
/// mentor memories, course memories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WrittenEarlier {
    pub chat: usize,
    pub mentor: usize,
    pub course: usize,
}

impl WrittenEarlier {
    pub fn total(&self) -> usize {
        self.chat + self.mentor + self.course
    }
}

impl RestoreError {
    /// Whether the restore wrote anything before it stopped (the rest of the variants stop
    /// before the first request).
    pub fn wrote_something(&self) -> bool {
        match self {
            RestoreError::Partial { created, .. } | RestoreError::Progress { created, .. } => {
                *created > 0
            }
            RestoreError::StorePartial { report, .. }
            | RestoreError::StoreUnsure { report, .. } => {
                !report.created.is_empty()
                    || report.mentor_memories > 0
                    || !report.course_created.is_empty()
            }
            RestoreError::StoreProgress { .. } | RestoreError::Mark { .. } => true,
            _ => false,
        }
    }

    /// The server's error, when the server is why it failed.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            RestoreError::Check { source, .. }
            | RestoreError::Partial { source, .. }
            | RestoreError::StoreCheck { source, .. }
            | RestoreError::StorePartial { source, .. } => Some(source),
            _ => None,
        }
    }

    /// How the outcome line of `store` records this: a restore that stopped in one store
    /// wrote the stores before it and did not reach those after it.
    fn outcome_for(&self, store: StoreKind) -> Outcome {
        let failed_in = match self {
            RestoreError::Partial { .. } => StoreKind::Chat,
            RestoreError::StorePartial { store, .. }
            | RestoreError::StoreProgress { store, .. }
            | RestoreError::StoreUnsure { store, .. } => *store,
            _ => return self.outcome(),
        };
        // A chat entry left unsure stops nothing: the stores after chat were written.
        if let RestoreError::StoreUnsure {
            store: StoreKind::Chat,
            ..
        } = self
            && store != StoreKind::Chat
        {
            return Outcome::ok();
        }
        let order = |k: StoreKind| StoreKind::ALL.iter().position(|&s| s == k);
        match order(store).cmp(&order(failed_in)) {
            std::cmp::Ordering::Less => Outcome::ok(),
            std::cmp::Ordering::Equal => self.outcome(),
            std::cmp::Ordering::Greater => Outcome::refused(format!(
                "not attempted: restoring {failed_in} memory stopped"
            )),
        }
    }

    /// How the audit outcome line records this.
    fn outcome(&self) -> Outcome {
        match self {
            RestoreError::Check { source, .. }
            | RestoreError::Partial { source, .. }
            | RestoreError::StoreCheck { source, .. }
            | RestoreError::StorePartial { source, .. } => Outcome::api_error(source),
            // Every entry was written; only the mark on the file is missing.
            RestoreError::Mark { .. } => Outcome::ok(),
            RestoreError::StoreProgress { source, .. } => {
                Outcome::failed(format!("written, but not noted in the backup: {source}"))
            }
            e => Outcome::refused(e.to_string()),
        }
    }
}

impl RestoreReport {
    /// "restored 3 entries for alice"; with other stores, "restored 3 chat entries, 4 mentor
    /// memories (6 entries) and 2 course memories for alice".
    pub fn summary(&self) -> String {
        let n = self.created.len();
        let entries = |n: usize| format!("{n} entr{}", if n == 1 { "y" } else { "ies" });
        if self.mentor_memories == 0 && self.course_created.is_empty() {
            return format!(
                "restored {} for {}{}",
                entries(n),
                self.user.username,
                self.earlier_note()
            );
        }
        let mut parts = Vec::new();
        if n > 0 {
            parts.push(format!("{} of chat memory", entries(n)));
        }
        if self.mentor_memories > 0 {
            let m = self.mentor_memories;
            parts.push(format!(
                "{m} mentor memor{} ({})",
                if m == 1 { "y" } else { "ies" },
                entries(self.mentor_entries)
            ));
        }
        let c = self.course_created.len();
        if c > 0 {
            parts.push(format!(
                "{c} course memor{}",
                if c == 1 { "y" } else { "ies" }
            ));
        }
        let last = parts.pop().unwrap_or_default();
        let list = if parts.is_empty() {
            last
        } else {
            format!("{} and {last}", parts.join(", "))
        };
        format!(
            "restored {list} for {}{}",
            self.user.username,
            self.earlier_note()
        )
    }

    /// " (and 2 more written back by an earlier, stopped run)", or nothing.
    fn earlier_note(&self) -> String {
        match self.earlier.total() {
            0 => String::new(),
            n => format!(" (and {n} more written back by an earlier, stopped run)"),
        }
    }

    /// The stores this restore wrote to (or would have), for the audit lines.
    fn stores_of(backup: &Backup) -> Vec<StoreKind> {
        let mut stores = Vec::new();
        // A backup of nothing but chat (or of nothing) is audited as chat, as before.
        if !backup.entries.is_empty() || (backup.mentor.is_empty() && backup.course.is_empty()) {
            stores.push(StoreKind::Chat);
        }
        if !backup.mentor.is_empty() {
            stores.push(StoreKind::Mentor);
        }
        if !backup.course.is_empty() {
            stores.push(StoreKind::Course);
        }
        stores
    }
}

impl Ops {
    /// Restores a backup (every entry, at most once, never over live memory) between an
    /// audit intent naming the backup and an outcome line.
    pub async fn restore(
        &self,
        backup_path: &Path,
        org_scope_override: Option<OrgScope>,
    ) -> Result<RestoreReport, RestoreError> {
        self.restore_beside(backup_path, org_scope_override, &[])
            .await
    }

    /// [`Ops::restore`], where the user may also hold the chat entries `beside`: those an
    /// undo of a later erase just wrote back (so a `d` and then a `D` can both be undone).
    pub async fn restore_beside(
        &self,
        backup_path: &Path,
        org_scope_override: Option<OrgScope>,
        beside: &[i64],
    ) -> Result<RestoreReport, RestoreError> {
        let backup = read_backup(backup_path).map_err(RestoreError::Backup)?;
        // One intent per store the backup holds, all before anything is sent.
        let stores = RestoreReport::stores_of(&backup);
        let mut pending: Vec<(StoreKind, Pending)> = Vec::with_capacity(stores.len());
        for store in stores {
            let target = Target::user(&backup.org_scope(), &backup.user_ref())
                .store(store.as_str())
                .backup(backup_path);
            match self.trail.intent(Action::Restore, target).await {
                Ok(p) => pending.push((store, p)),
                Err(e) => {
                    for (_, p) in pending {
                        let why = "the audit log could not be written; nothing was sent";
                        self.trail.finish(p, Outcome::refused(why)).await;
                    }
                    return Err(RestoreError::Audit(e));
                }
            }
        }
        let result = restore_backup(&self.client, backup_path, org_scope_override, beside).await;
        for (store, p) in pending {
            let outcome = match &result {
                // No HTTP status: a store's restore is several POSTs, or none on a resume
                // that finds everything written already.
                Ok(_) => Outcome::ok(),
                Err(e) => e.outcome_for(store),
            };
            self.trail.finish(p, outcome.backup(backup_path)).await;
        }
        result
    }
}

/// Writes the backup's entries back (one POST each, keeping `session_id`) into the backup's
/// org, or `org_scope_override`. Refuses, before sending anything, a backup already restored,
/// one taken from another server, and a user who has memory again; marks the backup
/// restored afterwards.
async fn restore_backup(
    client: &ApiClient,
    backup_path: &Path,
    org_scope_override: Option<OrgScope>,
    beside: &[i64],
) -> Result<RestoreReport, RestoreError> {
    // Read before locking so a malformed or foreign file leaves no lock file beside it.
    read_backup(backup_path).map_err(RestoreError::Backup)?;
    // Two consoles restoring one backup would both see no memory and both write it back.
    let lock_path = lock_path(backup_path);
    let _lock = match LockFile::acquire(&lock_path) {
        Ok(lock) => lock,
        Err(StoreError::Exists { .. }) => {
            return Err(RestoreError::InProgress { lock: lock_path });
        }
        Err(source) => return Err(RestoreError::Lock { source }),
    };
    // Read again under the lock: a restore that held it before us may have just marked it.
    let backup = read_backup(backup_path).map_err(RestoreError::Backup)?;
    if let Some(at) = backup.restored_at {
        return Err(RestoreError::AlreadyRestored {
            path: backup_path.to_path_buf(),
            at: rfc3339(at),
        });
    }
    if normalized(&backup.base_url) != normalized(client.base_url()) {
        return Err(RestoreError::OtherServer {
            path: backup_path.to_path_buf(),
            backup_base_url: backup.base_url.clone(),
            client_base_url: client.base_url().to_owned(),
        });
    }
    let org = org_scope_override.unwrap_or_else(|| backup.org_scope());
    let user = backup.user_ref();
    // Rows are written in order, chat, then mentor, then course: a course row can have
    // been in flight when the run stopped only if every row before it was noted.
    let course_in_flight = (first_unnoted(&backup).is_none()
        && backup.revived_mentor.len() >= backup.mentor.len())
    .then(|| {
        (0..backup.course.len()).find(|row| !backup.revived_course.iter().any(|(r, _)| r == row))
    })
    .flatten();
    let Resumed {
        mut backup,
        unsure: chat_unsure,
        shown: chat_shown,
    } = adopt_unnoted(client, &org, &user, backup_path, backup).await?;
    let stores_resumed = revive::adopt_unnoted(client, &org, &user, &mut backup, course_in_flight)
        .await
        .map_err(|refusal| store_refusal(&user, refusal))?;
    if stores_resumed.changed {
        rewrite_backup(backup_path, &backup).map_err(RestoreError::Backup)?;
    }
    let done_rows: Vec<usize> = backup.restored_rows.iter().map(|(row, _)| *row).collect();
    let (writes, skipped_null): (Vec<_>, Vec<_>) = backup
        .entries
        .iter()
        .enumerate()
        .filter(|(row, _)| !done_rows.contains(row) && chat_unsure != Some(*row))
        .partition(|(_, e)| e.content.is_some());
    let skipped_null: Vec<&MemoryEntry> = skipped_null.into_iter().map(|(_, e)| e).collect();
    let earlier: Vec<i64> = backup.restored_rows.iter().map(|(_, id)| *id).collect();
    let beside: Vec<i64> = beside.iter().copied().chain(earlier).collect();
    let beside = beside.as_slice();
    if writes.is_empty()
        && chat_unsure.is_none()
        && backup.restored_rows.is_empty()
        && backup.mentor.is_empty()
        && backup.course.is_empty()
    {
        return Err(RestoreError::NothingToRestore {
            path: backup_path.to_path_buf(),
        });
    }
    // Every store is checked before anything is sent to any of them.
    if !writes.is_empty() {
        check_chat(client, &org, &user, &backup, beside, chat_shown).await?;
    }
    revive::check(client, &org, &user, &backup)
        .await
        .map_err(|r| store_refusal(&user, r))?;
    let earlier = WrittenEarlier {
        chat: backup.restored_rows.len(),
        mentor: backup.revived_mentor.len(),
        course: backup.revived_course.len(),
    };
    let mut created = Vec::with_capacity(writes.len());
    let mut progress = backup.clone();
    let store_writes = progress.revived_mentor.len() < progress.mentor.len()
        || progress.revived_course.len() < progress.course.len();
    if (!writes.is_empty() || store_writes) && progress.restore_started_at.is_none() {
        progress.restore_started_at = Some(OffsetDateTime::now_utc());
        rewrite_backup(backup_path, &progress).map_err(RestoreError::Backup)?;
    }
    for (row, entry) in &writes {
        let write = MemoryWrite {
            content: entry.content.clone().unwrap_or_default(),
            session_id: entry.session_id.clone(),
        };
        match client.create_memory(&org, &user, &write).await {
            Ok(e) => {
                progress.restored_rows.push((*row, e.id));
                created.push(e);
                // Noted before the next POST: a restore stopped after this one resumes
                // after it rather than writing it twice or refusing.
                if let Err(source) = rewrite_backup(backup_path, &progress) {
                    return Err(RestoreError::Progress {
                        user: user.username.clone(),
                        created: created.len(),
                        written: created,
                        source,
                    });
                }
            }
            Err(source) => {
                return Err(RestoreError::Partial {
                    user: user.username.clone(),
                    created: created.len(),
                    total: writes.len(),
                    written: created,
                    source,
                });
            }
        }
    }
    let mut report = RestoreReport {
        backup_path: backup_path.to_path_buf(),
        org: org.clone(),
        user: user.clone(),
        created,
        skipped_null: skipped_null.iter().map(|e| e.id).collect(),
        mentor_memories: 0,
        mentor_entries: 0,
        course_created: Vec::new(),
        not_restored: Vec::new(),
        restored_at: None,
        stores: RestoreReport::stores_of(&backup),
        earlier,
    };
    let revived = revive::write(
        client,
        &org,
        &user,
        backup_path,
        &mut progress,
        &stores_resumed,
    )
    .await;
    let (revived, failed) = match revived {
        Ok(done) => (done, None),
        Err((done, store, stop)) => (done, Some((store, stop))),
    };
    report.mentor_memories = revived.mentor_memories;
    report.mentor_entries = revived.mentor_entries;
    report.course_created = revived.course;
    report.earlier.course += revived.course_found;
    report.not_restored = revived.not_restored;
    if !report.skipped_null.is_empty() {
        report.not_restored.push(format!(
            "chat: {} entr{} had no content (null) to write back",
            report.skipped_null.len(),
            if report.skipped_null.len() == 1 {
                "y"
            } else {
                "ies"
            }
        ));
    }
    if let Some((store, stop)) = failed {
        return Err(stopped_in(&user, store, report, stop));
    }
    if let Some(row) = chat_unsure {
        let id = backup.entries.get(row).map_or(0, |e| e.id);
        let why = format!(
            "the stopped restore may have written entry {id} of the backup, and the server's read shows one entry at a time, so whether it did cannot be checked; nothing was sent for it (the other entries and stores were). Its content is in this backup"
        );
        return Err(stopped_in(
            &user,
            StoreKind::Chat,
            report,
            revive::Stop::Unsure(why),
        ));
    }
    match mark_restored(backup_path) {
        Ok(b) => {
            report.restored_at = b.restored_at;
            Ok(report)
        }
        Err(source) => Err(RestoreError::Mark {
            report: Box::new(report),
            source,
        }),
    }
}

/// The error for a restore whose writes to `store` stopped, carrying what it wrote.
fn stopped_in(
    user: &UserRef,
    store: StoreKind,
    report: RestoreReport,
    stop: revive::Stop,
) -> RestoreError {
    let (user, report) = (user.username.clone(), Box::new(report));
    match stop {
        revive::Stop::Api(source) => RestoreError::StorePartial {
            user,
            store,
            report,
            source,
        },
        revive::Stop::Unsure(why) => RestoreError::StoreUnsure {
            user,
            store,
            report,
            why,
        },
        revive::Stop::Note(source) => RestoreError::StoreProgress {
            user,
            store,
            report,
            source,
        },
    }
}

fn store_refusal(user: &UserRef, refusal: Refusal) -> RestoreError {
    match refusal {
        Refusal::HasMemory(store, items) => RestoreError::HasStoreMemory {
            user: user.username.clone(),
            store,
            items,
        },
        Refusal::Check(store, source) => RestoreError::StoreCheck {
            user: user.username.clone(),
            store,
            source,
        },
    }
}

/// What a resumed restore found of its earlier run's chat writes.
struct Resumed {
    backup: Backup,
    /// The row whose POST the stopped run may have sent unseen: the server's read shows
    /// one entry at a time, so an entry written after the first is out of sight.
    unsure: Option<usize>,
    /// The chat read it made, for the check that follows (no second GET).
    shown: Option<Vec<MemoryEntry>>,
}

/// A restore that was stopped may have had one POST answered by the server but not yet
/// noted. On resuming, an entry the server shows that is not noted but holds exactly the
/// text and session of a row not yet noted is that row: it is noted, not written twice,
/// and the check that follows does not take it for memory gathered since. A noted row whose
/// entry a whole read no longer shows (erased since) is forgotten, so it is written again
/// rather than counted as restored.
async fn adopt_unnoted(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    backup_path: &Path,
    mut backup: Backup,
) -> Result<Resumed, RestoreError> {
    if backup.restored_rows.is_empty() && backup.restore_started_at.is_none() {
        return Ok(Resumed {
            backup,
            unsure: None,
            shown: None,
        });
    }
    let read = client
        .read_memory(org, user)
        .await
        .map_err(|source| RestoreError::Check {
            user: user.username.clone(),
            source,
        })?;
    let current = &read.entries;
    let mut changed = false;
    // Rows are written in order, so the stopped run's last POST, the one whose answer may
    // not have been noted, was for the first row not noted (after forgetting notes of
    // entries erased since).
    if read.complete {
        let before = backup.restored_rows.len();
        backup
            .restored_rows
            .retain(|(_, id)| current.iter().any(|e| e.id == *id));
        changed |= backup.restored_rows.len() != before;
    }
    let in_flight = first_unnoted(&backup);
    for shown in current {
        if backup.restored_rows.iter().any(|(_, id)| *id == shown.id) {
            continue;
        }
        let row = backup.entries.iter().enumerate().position(|(row, e)| {
            e.content.is_some()
                && e.content == shown.content
                && e.session_id == shown.session_id
                && !backup.restored_rows.iter().any(|(r, _)| *r == row)
        });
        if let Some(row) = row {
            backup.restored_rows.push((row, shown.id));
            changed = true;
        }
    }
    if changed {
        rewrite_backup(backup_path, &backup).map_err(RestoreError::Backup)?;
    }
    // Found on the server, it is adopted above and every later row was never sent. Not
    // found, it may be hidden behind the one entry a partial read shows.
    let unsure = in_flight.filter(|_| {
        backup.restore_started_at.is_some()
            && !read.complete
            && !current.is_empty()
            && first_unnoted(&backup) == in_flight
    });
    Ok(Resumed {
        backup,
        unsure,
        shown: Some(read.entries),
    })
}

/// The first row with content that the backup does not note as written back.
fn first_unnoted(backup: &Backup) -> Option<usize> {
    backup.entries.iter().enumerate().position(|(row, e)| {
        e.content.is_some() && !backup.restored_rows.iter().any(|(r, _)| *r == row)
    })
}

/// Refuses when the user has chat memory again, except the entries an erase of one entry
/// left alone (the backup names them) and those `beside` (an undo just wrote them back).
/// `shown` is a read just made (by a resumed restore), else the memory is read here.
async fn check_chat(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    backup: &Backup,
    beside: &[i64],
    shown: Option<Vec<MemoryEntry>>,
) -> Result<(), RestoreError> {
    let current = match shown {
        Some(entries) => entries,
        None => client
            .get_memory(org, user)
            .await
            .map_err(|source| RestoreError::Check {
                user: user.username.clone(),
                source,
            })?,
    };
    // Entries the erase left alone may still be there; anything else is memory gathered
    // since (or the backup's own entries back again), and a restore does not mix with it.
    let only_kept = current
        .iter()
        .all(|e| backup.kept_ids.contains(&e.id) || beside.contains(&e.id))
        && !current
            .iter()
            .any(|e| backup.entries.iter().any(|b| b.id == e.id));
    if !current.is_empty() && !only_kept {
        return Err(RestoreError::HasMemory {
            user: user.username.clone(),
            entries: current.len(),
        });
    }
    Ok(())
}

/// `<backup>.restoring`, beside the backup; not a `.json` name, so listings skip it.
fn lock_path(backup_path: &Path) -> PathBuf {
    let mut name = backup_path.as_os_str().to_owned();
    name.push(".restoring");
    PathBuf::from(name)
}

/// Compares base URLs the way the client stores them: parsed, without a trailing slash.
fn normalized(raw: &str) -> String {
    url::Url::parse(raw.trim())
        .map(|u| u.as_str().trim_end_matches('/').to_owned())
        .unwrap_or_else(|_| raw.trim().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_compare_without_trailing_slash_or_case() {
        assert_eq!(
            normalized("https://X.example/"),
            normalized("https://x.example")
        );
        assert_ne!(
            normalized("https://x.example"),
            normalized("https://y.example")
        );
    }
}
