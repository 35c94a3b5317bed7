//! What a purge's "nothing to erase" means. The memory read says 404 both for a user with
//! no memory and for a name the org does not have, and after a killed run also for a user
//! that run erased without journaling. So, in that order: a backup the earlier run left
//! for the user means "erased by the earlier run"; else, for names from a users file, the
//! users list is searched for the name, and no exact match means "unknown user".

use std::sync::Arc;

use super::journal::{Record, Status};
use super::purge_earlier::EarlierBackups;
use crate::api::{ApiClient, OrgScope, PageCursor, UsersQuery};

/// What deciding needs.
pub struct Settle {
    pub client: ApiClient,
    pub org: OrgScope,
    /// Backups in the job's directory before this run started.
    pub earlier: Arc<EarlierBackups>,
    /// Look names up in the users list (names from a file; `--all` names come from it).
    pub check_unknown: bool,
}

/// Turns an "empty" record into what it really is: erased earlier, unknown, or no memory.
/// A lookup that fails fails the user (it is neither unknown nor known to be empty).
pub async fn settle(s: &Settle, record: Record) -> Record {
    if record.status != Status::Empty {
        return record;
    }
    if !s.earlier.is_empty() {
        let (earlier, org, user) = (s.earlier.clone(), s.org.key.clone(), record.user.clone());
        let found = tokio::task::spawn_blocking(move || earlier.find(&org, &user))
            .await
            .ok()
            .flatten();
        if let Some((path, backup)) = found {
            let bytes = backup.entries.iter().map(|e| e.text().len() as u64).sum();
            return Record {
                status: Status::ErasedEarlier,
                reason: Some("erased by an earlier run of this job, which was stopped before it journaled the user".into()),
                backup: Some(path),
                bytes,
                ..record
            };
        }
    }
    if !s.check_unknown {
        return record;
    }
    match user_exists(&s.client, &s.org, &record.user).await {
        Ok(true) => record,
        Ok(false) => Record {
            status: Status::Unknown,
            reason: Some(format!("not a user of org {}", s.org.key)),
            backup: None,
            bytes: 0,
            ..record
        },
        Err(why) => Record {
            status: Status::Failed,
            reason: Some(format!(
                "its memory read says 404, and whether the user exists could not be checked: {why}"
            )),
            ..record
        },
    }
}

/// Whether the org's users list has a user named exactly `name`. The server's search also
/// matches names and emails that contain the text, so every page of hits is looked through
/// (the client retries each read as it does every GET). A list that stops early (a server
/// whose paging misbehaves) without the name is an error, not "unknown".
pub async fn user_exists(client: &ApiClient, org: &OrgScope, name: &str) -> Result<bool, String> {
    let mut cursor = PageCursor::new();
    while let Some(page) = cursor.next_page() {
        let q = UsersQuery {
            page,
            page_size: cursor.page_size(),
            search: name.to_owned(),
        };
        let got = client
            .list_users(org, &q)
            .await
            .map_err(|e| format!("cannot search the users: {e}"))?;
        if got.results.iter().any(|u| u.username == name) {
            return Ok(true);
        }
        if let Some(warning) = cursor.take(got).warning {
            return Err(format!("the users list did not read to its end: {warning}"));
        }
    }
    Ok(false)
}
