//! Editor drafts: unsaved memory text, kept with the text the edit started from so a later
//! session can tell whether the server changed meanwhile.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::names::safe_name;
use super::private_file::write_atomic;
use super::{StoreError, now_utc};

/// The `format` word that marks a file as a draft.
pub const DRAFT_FORMAT: &str = "memory-console-draft";

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
            original: original.into(),
            text: text.into(),
        }
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

/// The user's draft, if there is one. A draft file that names another user (possible on a
/// case-insensitive file system) is not this user's and gives `None`.
pub fn load_draft(
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

/// Removes the user's draft; `Ok(false)` when there was none.
pub fn remove_draft(
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

/// All drafts of a profile, and the draft files that could not be read.
#[derive(Debug, Default)]
pub struct DraftListing {
    /// Oldest first.
    pub drafts: Vec<(PathBuf, Draft)>,
    /// Reported rather than skipped, so no draft disappears from view unnoticed.
    pub unreadable: Vec<StoreError>,
}

/// Lists the drafts of one profile; a missing directory lists nothing.
pub fn list_drafts(drafts_dir: &Path, profile: &str) -> Result<DraftListing, StoreError> {
    let mut listing = DraftListing::default();
    let profile_dir = drafts_dir.join(safe_name(profile));
    for org_dir in read_dir(&profile_dir)? {
        if !org_dir.is_dir() {
            continue;
        }
        for path in read_dir(&org_dir)? {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            if !name.is_some_and(|n| n.ends_with(".json") && !n.starts_with('.')) {
                continue;
            }
            match fs::read(&path)
                .map_err(|e| StoreError::io("read", &path, e))
                .and_then(|b| decode(&path, &b))
            {
                Ok(d) => listing.drafts.push((path, d)),
                Err(e) => listing.unreadable.push(e),
            }
        }
    }
    listing.drafts.sort_by_key(|(_, d)| d.saved_at);
    Ok(listing)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("list", dir, e)),
    };
    rd.map(|e| {
        e.map(|e| e.path())
            .map_err(|e| StoreError::io("list", dir, e))
    })
    .collect()
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

    #[test]
    fn listing_reports_unreadable_drafts() {
        let dir = tempfile::tempdir().unwrap();
        save_draft(
            dir.path(),
            &Draft::new("prod", "main", "ann", None, "a", "b"),
        )
        .unwrap();
        save_draft(
            dir.path(),
            &Draft::new("prod", "other", "../x", None, "", "c"),
        )
        .unwrap();
        save_draft(
            dir.path(),
            &Draft::new("test", "main", "zed", None, "", "d"),
        )
        .unwrap();
        fs::write(dir.path().join("prod/main/broken.json"), "{").unwrap();
        let l = list_drafts(dir.path(), "prod").unwrap();
        let mut users: Vec<_> = l.drafts.iter().map(|(_, d)| d.username.as_str()).collect();
        users.sort();
        assert_eq!(users, vec!["../x", "ann"]);
        assert_eq!(l.unreadable.len(), 1);
        assert!(l.unreadable[0].to_string().contains("broken.json"));
        assert!(list_drafts(dir.path(), "none").unwrap().drafts.is_empty());
    }
}
