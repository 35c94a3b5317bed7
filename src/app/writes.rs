//! The runner's writes: each re-checks what it would overwrite, records an audit intent
//! before the request and the outcome after, and verifies an erase by reading again.

use std::path::PathBuf;
use std::time::Duration;

use crate::api::{ApiError, EraseOutcome, MemoryEntry, MemoryWrite};
use crate::store::{self, Backup, Outcome, http_status_of, restore_backup, write_backup};

use super::event::{EraseReport, Msg, Target};
use super::runner::Runner;
use super::trail::Trail;

/// Reads after an erase before reporting that the server still has data.
const VERIFY_TRIES: u32 = 4;

fn audit_target(t: &Target) -> store::Target {
    store::Target::user(&t.org, &t.user)
}

fn outcome_of<T>(result: &Result<T, ApiError>) -> Outcome {
    match result {
        Ok(_) => Outcome::ok(),
        Err(e) => Outcome::api_error(e),
    }
}

impl Runner {
    /// The audit intent, or the reason nothing may be sent.
    async fn intent(
        &self,
        action: store::Action,
        target: store::Target,
    ) -> Result<store::Pending, String> {
        match &self.trail {
            Some(trail) => trail.intent(action, target).await,
            None => Err("not sent: there is no audit log, so changes are switched off".into()),
        }
    }

    pub(super) async fn create(&self, target: Target, text: String) -> Msg {
        let c = &self.client;
        match c.get_memory(&target.org, &target.user).await {
            Ok(server) if !server.is_empty() => {
                return Msg::Conflict {
                    target,
                    mine: text,
                    server,
                    creating: true,
                };
            }
            Ok(_) => {}
            Err(e) => {
                return Msg::Created {
                    target,
                    result: Err(e),
                };
            }
        }
        let pending = match self
            .intent(store::Action::Create, audit_target(&target))
            .await
        {
            Ok(p) => p,
            Err(why) => return Msg::NotSent { target, why },
        };
        let result = c
            .create_memory(&target.org, &target.user, &MemoryWrite::new(text))
            .await;
        let mut outcome = outcome_of(&result);
        if result.is_ok() {
            outcome = outcome.status(201);
        }
        Trail::finish(pending, outcome).await;
        Msg::Created { target, result }
    }

    pub(super) async fn replace(
        &self,
        target: Target,
        text: String,
        session_id: Option<String>,
        base: String,
    ) -> Msg {
        let c = &self.client;
        // The API has no ETags: comparing with a fresh read is the only way to not overwrite
        // someone else's change unseen.
        match c.get_memory(&target.org, &target.user).await {
            Ok(server) if server.first().map(MemoryEntry::text) != Some(base.as_str()) => {
                return Msg::Conflict {
                    target,
                    mine: text,
                    server,
                    creating: false,
                };
            }
            Ok(_) => {}
            Err(e) => {
                return Msg::Queued {
                    target,
                    text,
                    result: Err(e),
                };
            }
        }
        let pending = match self
            .intent(store::Action::Update, audit_target(&target))
            .await
        {
            Ok(p) => p,
            Err(why) => return Msg::NotSent { target, why },
        };
        let write = MemoryWrite {
            content: text.clone(),
            session_id,
        };
        let result = c.replace_memory(&target.org, &target.user, &write).await;
        let outcome = match &result {
            Ok(q) => Outcome::ok().status(200).task(q.task_id.0.clone()),
            Err(e) => Outcome::api_error(e),
        };
        Trail::finish(pending, outcome).await;
        Msg::Queued {
            target,
            text,
            result,
        }
    }

    pub(super) async fn set_enabled(&self, target: Target, enabled: bool) -> Msg {
        let action = if enabled {
            store::Action::Enable
        } else {
            store::Action::Disable
        };
        let pending = match self.intent(action, audit_target(&target)).await {
            Ok(p) => p,
            Err(why) => return Msg::NotSent { target, why },
        };
        let result = self
            .client
            .set_memory_enabled(&target.org, &target.user, enabled)
            .await;
        Trail::finish(pending, outcome_of(&result)).await;
        Msg::Toggled { target, result }
    }

    pub(super) async fn erase(&self, target: Target, entries: Vec<MemoryEntry>) -> Msg {
        let result = self.backup_then_erase(&target, entries).await;
        Msg::Erased { target, result }
    }

    /// Writes the backup first; if that fails nothing is deleted. Then reads again until the
    /// server has nothing, so "erased" is only said when it is true.
    async fn backup_then_erase(
        &self,
        target: &Target,
        entries: Vec<MemoryEntry>,
    ) -> Result<EraseReport, String> {
        let backup = Backup::new(
            &self.profile,
            self.client.base_url(),
            &target.org,
            &target.user,
            entries,
        );
        let dir = self.dirs.backups();
        let not_written =
            |e: String| format!("the backup could not be written ({e}); nothing was erased");
        let path = tokio::task::spawn_blocking(move || write_backup(&dir, &backup))
            .await
            .map_err(|e| not_written(e.to_string()))?
            .map_err(|e| not_written(e.to_string()))?;
        let pending = self
            .intent(store::Action::Erase, audit_target(target).backup(&path))
            .await?;
        let result = self.client.erase_memory(&target.org, &target.user).await;
        let outcome = match &result {
            Ok(EraseOutcome::Erased) => Outcome::ok().status(204).backup(&path),
            Ok(EraseOutcome::NothingThere) => Outcome::ok().status(404).backup(&path),
            Err(e) => Outcome::api_error(e).backup(&path),
        };
        Trail::finish(pending, outcome).await;
        let outcome = result.map_err(|e| {
            format!(
                "{e}; nothing was erased, the backup at {} stays",
                path.display()
            )
        })?;
        let verified = self.verify_gone(target).await;
        Ok(EraseReport {
            backup: path,
            outcome,
            verified,
        })
    }

    async fn verify_gone(&self, target: &Target) -> bool {
        for attempt in 0..VERIFY_TRIES {
            match self.client.get_memory(&target.org, &target.user).await {
                Ok(entries) if entries.is_empty() => return true,
                Ok(_) => {
                    tracing::warn!(user = %target.user.username, attempt, "memory still there after erase")
                }
                Err(e) => {
                    tracing::warn!(user = %target.user.username, attempt, error = %e, "cannot verify erase")
                }
            }
            tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt))).await;
        }
        false
    }

    pub(super) async fn restore(&self, target: Target, backup: PathBuf) -> Msg {
        let pending = match self
            .intent(
                store::Action::Restore,
                audit_target(&target).backup(&backup),
            )
            .await
        {
            Ok(p) => p,
            Err(why) => return Msg::NotSent { target, why },
        };
        let result = restore_backup(&self.client, &backup, None).await;
        let outcome = match &result {
            Ok(_) => Outcome::ok().status(201).backup(&backup),
            Err(e) => {
                let o = Outcome::failed(e.to_string()).backup(&backup);
                match source_status(e) {
                    Some(s) => o.status(s),
                    None => o,
                }
            }
        };
        Trail::finish(pending, outcome).await;
        let result = result
            .map(|r| {
                format!(
                    "restored {} entr{} for {}",
                    r.created.len(),
                    if r.created.len() == 1 { "y" } else { "ies" },
                    r.user.username
                )
            })
            .map_err(|e| e.to_string());
        Msg::Restored { target, result }
    }
}

fn source_status(e: &store::RestoreError) -> Option<u16> {
    use std::error::Error as _;
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(api) = s.downcast_ref::<ApiError>() {
            return http_status_of(api);
        }
        source = s.source();
    }
    None
}
