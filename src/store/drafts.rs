//! Editor drafts: unsaved memory text, kept with the text the edit started from so a later
//! session can tell whether the server changed meanwhile.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use sha2::{Digest, Sha256};

use super::names::safe_name;
use super::private_file::write_atomic;
use super::{StoreError, now_utc};
use crate::api::MentorEntry;

/// The `format` word that marks a file as a draft.
pub const DRAFT_FORMAT: &str = "memory-console-draft";

/// The mentor memory entry a draft edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorDraft {
    pub entry_id: String,
    pub seen: MentorEntry,
}

/// One unsaved edit of a user's memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub format: String,
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
    pub profile: String,
    pub org: String,
    pub username: String,
    /// The entry being edited, when the edit is of one entry.
    pub entry_id: Option<i64>,
    /// Set when the edit is of a mentor memory entry (first line its key, the rest its
    /// value), not of chat memory: which entry, and the entry as the edit first saw it, so a
    /// restored draft is saved only if the server still holds that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor: Option<MentorDraft>,
    /// The server's text when the edit started.
    pub original: String,
    /// The text in the editor.
    pub text: String,
}

impl Draft {
    /// A draft saved now.
    pub fn new(
        profile: &str,
        org: &str,
        username: &str,
        entry_id: Option<i64>,
        original: impl Into<String>,
        text: impl Into<String>,
    ) -> Draft {
        Draft {
            format: DRAFT_FORMAT.into(),
            saved_at: now_utc(),
            profile: profile.into(),
            org: org.into(),
            username: username.into(),
            entry_id,
            mentor: None,
            original: original.into(),
            text: text.into(),
        }
    }

    /// The same draft, of the mentor memory entry `entry_id` as first seen (`seen`).
    pub fn of_mentor_entry(mut self, entry_id: &str, seen: &MentorEntry) -> Draft {
        self.mentor = Some(MentorDraft {
            entry_id: entry_id.to_owned(),
            seen: seen.clone(),
        });
        self
    }

    /// True when the server's text is no longer what the edit started from, so saving the
    /// draft would overwrite someone else's change.
    pub fn conflicts_with(&self, current_server_text: &str) -> bool {
        self.original != current_server_text
    }
}

/// Where the draft of one user lives: `<drafts_dir>/<profile>/<org>/<username>.json`.
pub fn draft_path(drafts_dir: &Path, profile: &str, org: &str, username: &str) -> PathBuf {
    drafts_dir
        .join(safe_name(profile))
        .join(safe_name(org))
        .join(format!("{}.json", safe_name(username)))
}

/// Saves (atomically, mode 0600) and returns the path, replacing an older draft of the user.
pub fn save_draft(drafts_dir: &Path, draft: &Draft) -> Result<PathBuf, StoreError> {
    let path = draft_path(drafts_dir, &draft.profile, &draft.org, &draft.username);
    let mut bytes = serde_json::to_vec_pretty(draft).map_err(|e| StoreError::Encode {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    bytes.push(b'\n');
    write_atomic(&path, &bytes)?;
    Ok(path)
}

/// Whose drafts these are, used as the draft's profile: a named profile's own name (it
/// names one server), and for a `--base-url` session, which is "command-line" whatever the
/// server, that name with the server's fingerprint, "command-line@3f2a9c1b0d4e", so a
/// draft comes back only on the server it was written for, never offered, and saved, on
/// another.
pub fn draft_scope(profile: &str, base_url: &str) -> String {
    if profile != crate::connection::COMMAND_LINE_PROFILE {
        return profile.to_owned();
    }
    let server = base_url.trim_end_matches('/').to_ascii_lowercase();
    let digest = Sha256::digest(server.as_bytes());
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{profile}@{short}")
}

/// The profile a scope was made from: the folder drafts used before they were per server.
fn legacy_profile(scope: &str) -> Option<&str> {
    scope.rsplit_once('@').map(|(profile, _)| profile)
}

/// The user's draft, if there is one. A draft file that names another user (possible on a
/// case-insensitive file system) is not this user's and gives `None`. A draft written
/// before drafts were kept per server (in the profile's own folder) is still found.
pub fn load_draft(
    drafts_dir: &Path,
    scope: &str,
    org: &str,
    username: &str,
) -> Result<Option<Draft>, StoreError> {
    if let Some(draft) = load_at(drafts_dir, scope, org, username)? {
        return Ok(Some(draft));
    }
    match legacy_profile(scope) {
        Some(profile) => load_at(drafts_dir, profile, org, username),
        None => Ok(None),
    }
}

fn load_at(
    drafts_dir: &Path,
    profile: &str,
    org: &str,
    username: &str,
) -> Result<Option<Draft>, StoreError> {
    let path = draft_path(drafts_dir, profile, org, username);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read", &path, e)),
    };
    let draft = decode(&path, &bytes)?;
    let ours = draft.profile == profile && draft.org == org && draft.username == username;
    Ok(ours.then_some(draft))
}

/// Removes the user's draft (and one from before drafts were per server); `Ok(false)` when
/// there was none.
pub fn remove_draft(
    drafts_dir: &Path,
    scope: &str,
    org: &str,
    username: &str,
) -> Result<bool, StoreError> {
    let mut removed = remove_at(drafts_dir, scope, org, username)?;
    if let Some(profile) = legacy_profile(scope) {
        removed |= remove_at(drafts_dir, profile, org, username)?;
    }
    Ok(removed)
}

fn remove_at(
    drafts_dir: &Path,
    profile: &str,
    org: &str,
    username: &str,
) -> Result<bool, StoreError> {
    let path = draft_path(drafts_dir, profile, org, username);
    match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(StoreError::io("remove", &path, e)),
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<Draft, StoreError> {
    let draft: Draft = serde_json::from_slice(bytes).map_err(|e| StoreError::Malformed {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if draft.format != DRAFT_FORMAT {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            expected: "draft",
            reason: format!("its format is {:?}", draft.format),
        });
    }
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A draft file that cannot be read is an error, not "no draft": the editor would
    /// start empty and its autosave would replace the unread draft.
    #[test]
    fn an_unreadable_draft_is_an_error_and_an_unremovable_one_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = draft_path(dir.path(), "prod", "main", "pete");
        // A folder where the file goes: reading and removing it fail, and not as NotFound.
        fs::create_dir_all(&path).unwrap();
        assert!(load_draft(dir.path(), "prod", "main", "pete").is_err());
        assert!(remove_draft(dir.path(), "prod", "main", "pete").is_err());
        assert!(path.exists(), "nothing was removed");
    }

    /// Two names can share a file name (each is made safe for the file system): a draft is
    /// given back only to the profile, org and user it names, all three.
    #[test]
    fn a_draft_in_another_users_file_is_not_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = Draft::new("prod", "other-org", "pete", None, "old", "not yours");
        let path = draft_path(dir.path(), "prod", "main", "pete");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, serde_json::to_vec(&theirs).unwrap()).unwrap();
        assert!(
            load_draft(dir.path(), "prod", "main", "pete")
                .unwrap()
                .is_none(),
            "same profile and user, another org"
        );
        let theirs = Draft::new("prod", "main", "paul", None, "old", "not yours");
        fs::write(&path, serde_json::to_vec(&theirs).unwrap()).unwrap();
        assert!(
            load_draft(dir.path(), "prod", "main", "pete")
                .unwrap()
                .is_none(),
            "same profile and org, another user"
        );
    }

    #[test]
    fn a_command_line_draft_comes_back_only_on_its_server() {
        let dir = tempfile::tempdir().unwrap();
        let a = draft_scope("command-line", "http://127.0.0.1:19301");
        let b = draft_scope("command-line", "http://127.0.0.1:19320/");
        assert_ne!(a, b);
        assert_eq!(
            draft_scope("prod", "https://x.example"),
            "prod",
            "a profile is one server"
        );
        save_draft(
            dir.path(),
            &Draft::new(&a, "main", "pete", None, "old", "mine"),
        )
        .unwrap();
        assert!(
            load_draft(dir.path(), &b, "main", "pete")
                .unwrap()
                .is_none()
        );
        assert_eq!(
            load_draft(dir.path(), &a, "main", "pete")
                .unwrap()
                .map(|d| d.text),
            Some("mine".to_owned())
        );
        // Written before drafts were kept per server: still found, and removed with it.
        save_draft(
            dir.path(),
            &Draft::new("command-line", "main", "ann", None, "o", "t"),
        )
        .unwrap();
        assert!(load_draft(dir.path(), &b, "main", "ann").unwrap().is_some());
        assert!(remove_draft(dir.path(), &b, "main", "ann").unwrap());
        assert!(load_draft(dir.path(), &b, "main", "ann").unwrap().is_none());
    }

    #[test]
    fn save_load_remove() {
        let dir = tempfile::tempdir().unwrap();
        let d = Draft::new("prod", "main", "ann", Some(3), "old text", "new text");
        let path = save_draft(dir.path(), &d).unwrap();
        assert_eq!(path, dir.path().join("prod/main/ann.json"));
        let back = load_draft(dir.path(), "prod", "main", "ann")
            .unwrap()
            .unwrap();
        assert_eq!(back, d);
        assert_eq!(back.original, "old text");
        assert!(back.conflicts_with("changed on the server"));
        assert!(!back.conflicts_with("old text"));
        assert!(
            load_draft(dir.path(), "prod", "main", "bob")
                .unwrap()
                .is_none()
        );
        assert!(remove_draft(dir.path(), "prod", "main", "ann").unwrap());
        assert!(!remove_draft(dir.path(), "prod", "main", "ann").unwrap());
        assert!(
            load_draft(dir.path(), "prod", "main", "ann")
                .unwrap()
                .is_none()
        );
    }
}
