//! The backups an earlier run of a purge left in its directory, by user. A run killed
//! (SIGKILL, power cut) after erasing a user but before journaling them leaves that user
//! to the resume, where the memory read says 404: the backup the killed run wrote shows
//! the user was erased by it, not that they never had memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::store::{Backup, read_backup, safe_name};

/// Backup files found when the job started, by the file-name form of their user. Only a
/// resumed job has any; a fresh one starts with an empty directory and holds nothing.
#[derive(Debug, Default)]
pub struct EarlierBackups {
    by_user: HashMap<String, Vec<PathBuf>>,
}

impl EarlierBackups {
    /// Lists `dir` (the org's backups directory of the job); missing or unreadable: none.
    pub fn scan(dir: &Path) -> EarlierBackups {
        let mut by_user: HashMap<String, Vec<PathBuf>> = HashMap::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return EarlierBackups::default();
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if let Some(user) = name.to_str().and_then(user_of_file) {
                by_user
                    .entry(user.to_owned())
                    .or_default()
                    .push(entry.path());
            }
        }
        EarlierBackups { by_user }
    }

    pub fn is_empty(&self) -> bool {
        self.by_user.is_empty()
    }

    /// The newest backup of `user` in `org` found at the start, read back whole (a file
    /// torn by the kill, or of someone else whose name maps to the same file name, does
    /// not count). Blocking: reads files.
    pub fn find(&self, org: &str, user: &str) -> Option<(PathBuf, Backup)> {
        let candidates = self.by_user.get(&safe_name(user))?;
        candidates
            .iter()
            .filter_map(|path| {
                let backup = read_backup(path).ok()?;
                (backup.username == user && backup.org == org).then(|| (path.clone(), backup))
            })
            .max_by_key(|(_, b)| b.created_at)
    }
}

/// The user part of a backup file name `USER-YYYYMMDDTHHMMSSZ.json` or
/// `USER-YYYYMMDDTHHMMSSZ-N.json` (see [`crate::store::write_backup`]).
fn user_of_file(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".json")?;
    let stem = match stem.rsplit_once('-') {
        Some((head, n)) if !stem.ends_with('Z') && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => stem,
    };
    // "-" and a 16-character stamp: 8 digits, T, 6 digits, Z.
    let cut = stem.len().checked_sub(17)?;
    let (user, stamp) = (stem.get(..cut)?, stem.get(cut..)?);
    let b = stamp.as_bytes();
    let fits = b[0] == b'-'
        && b[1..9].iter().all(u8::is_ascii_digit)
        && b[9] == b'T'
        && b[10..16].iter().all(u8::is_ascii_digit)
        && b[16] == b'Z';
    (fits && !user.is_empty()).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_file_names_give_their_user() {
        assert_eq!(user_of_file("u01-20261129T024500Z.json"), Some("u01"));
        assert_eq!(user_of_file("a-b-20261129T024500Z-3.json"), Some("a-b"));
        assert_eq!(user_of_file("%1Bx-20261129T024500Z.json"), Some("%1Bx"));
        assert_eq!(user_of_file("u01-20261129T024500Z.json.tmp"), None);
        assert_eq!(user_of_file("-20261129T024500Z.json"), None);
        assert_eq!(user_of_file("u01.json"), None);
        assert_eq!(user_of_file("u01-2026112XT024500Z.json"), None);
    }
}
