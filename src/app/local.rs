//! The runner's local file work: drafts of unsaved edits and the audit view.

use super::event::{Msg, Target};
use super::runner::Runner;
use crate::store::{Draft, load_draft, read_recent, remove_draft, save_draft};

/// How many audit records the console shows.
const AUDIT_VIEW_RECORDS: usize = 500;

impl Runner {
    pub(super) async fn save_draft(&self, draft: Draft) -> Option<Msg> {
        let dir = self.dirs.drafts();
        let result = tokio::task::spawn_blocking(move || save_draft(&dir, &draft)).await;
        match result {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(Msg::DraftSaveFailed { why: e.to_string() }),
            Err(e) => Some(Msg::DraftSaveFailed { why: e.to_string() }),
        }
    }

    pub(super) async fn load_draft(&self, target: Target) -> Option<Msg> {
        let profile = crate::store::draft_scope(&self.profile, self.client.base_url());
        let dir = self.dirs.drafts();
        let (org, user) = (target.org.key.clone(), target.user.username.clone());
        let found =
            tokio::task::spawn_blocking(move || load_draft(&dir, &profile, &org, &user)).await;
        match found {
            Ok(Ok(Some(draft))) => Some(Msg::DraftFound { target, draft }),
            Ok(Ok(None)) => None,
            Ok(Err(e)) => Some(Msg::DraftSaveFailed {
                why: format!("a draft could not be read: {e}"),
            }),
            Err(e) => Some(Msg::DraftSaveFailed { why: e.to_string() }),
        }
    }

    pub(super) async fn remove_draft(&self, target: Target) -> Option<Msg> {
        let profile = crate::store::draft_scope(&self.profile, self.client.base_url());
        let dir = self.dirs.drafts();
        let (org, user) = (target.org.key, target.user.username);
        let done =
            tokio::task::spawn_blocking(move || remove_draft(&dir, &profile, &org, &user)).await;
        match done {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(Msg::DraftSaveFailed {
                why: format!("a draft could not be removed: {e}"),
            }),
            Err(e) => Some(Msg::DraftSaveFailed { why: e.to_string() }),
        }
    }

    pub(super) async fn load_audit(&self) -> Msg {
        let Some(trail) = self.ops.as_ref().map(crate::ops::Ops::trail) else {
            return Msg::Audit {
                result: Err("there is no audit log in this run".into()),
            };
        };
        let path = trail.path().to_path_buf();
        let result =
            tokio::task::spawn_blocking(move || read_recent(&path, AUDIT_VIEW_RECORDS)).await;
        Msg::Audit {
            result: match result {
                Ok(r) => r.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
        }
    }
}
