//! Runs effects on tokio: each one gets a clone of the client and sends its result back as a
//! message. Writes pass a read-only check here too, so the server sees only GETs in read-only
//! mode whatever the UI does.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use crate::api::{ApiClient, ApiError, EraseOutcome, MemoryWrite};
use crate::store::{Backup, write_backup};

use super::event::{Effect, EraseReport, Msg};

#[derive(Debug, Clone)]
pub struct Runner {
    client: ApiClient,
    tx: UnboundedSender<Msg>,
    read_only: bool,
    profile: String,
    backups_dir: PathBuf,
}

impl Runner {
    pub fn new(
        client: ApiClient,
        tx: UnboundedSender<Msg>,
        read_only: bool,
        profile: String,
        backups_dir: PathBuf,
    ) -> Runner {
        Runner {
            client,
            tx,
            read_only,
            profile,
            backups_dir,
        }
    }

    /// Starts each effect in the background; results arrive later as messages.
    pub fn run_all(&self, effects: Vec<Effect>) {
        for effect in effects {
            self.run(effect);
        }
    }

    pub fn run(&self, effect: Effect) {
        if self.read_only && effect.is_write() {
            tracing::error!(?effect, "write refused in read-only mode");
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let msg = this.perform(effect).await;
            // The receiver is gone only when the console is closing.
            let _ = this.tx.send(msg);
        });
    }

    async fn perform(&self, effect: Effect) -> Msg {
        let c = &self.client;
        match effect {
            Effect::LoadOrgInfo { org, scope } => Msg::OrgInfo {
                org,
                result: c.org_info(&scope).await,
            },
            Effect::LoadUsers { req, scope, query } => Msg::Users {
                req,
                result: c.list_users(&scope, &query).await,
            },
            Effect::LoadMemory { req, target } => Msg::Memory {
                req,
                result: c.get_memory(&target.org, &target.user).await,
            },
            Effect::LoadStatus { req, target } => Msg::Status {
                req,
                result: c.memory_status(&target.org, &target.user).await,
            },
            Effect::Create { target, text } => {
                let result = c
                    .create_memory(&target.org, &target.user, &MemoryWrite::new(text))
                    .await;
                Msg::Created { target, result }
            }
            Effect::Replace {
                target,
                text,
                session_id,
            } => {
                let write = MemoryWrite {
                    content: text.clone(),
                    session_id,
                };
                let result = c.replace_memory(&target.org, &target.user, &write).await;
                Msg::Queued {
                    target,
                    text,
                    result,
                }
            }
            Effect::SetEnabled { target, enabled } => {
                let result = c
                    .set_memory_enabled(&target.org, &target.user, enabled)
                    .await;
                Msg::Toggled { target, result }
            }
            Effect::Erase { target, entries } => {
                let result = self.backup_then_erase(&target, entries).await;
                Msg::Erased { target, result }
            }
            Effect::PollTask {
                task,
                target,
                task_id,
                after,
            } => {
                tokio::time::sleep(after).await;
                Msg::TaskPolled {
                    task,
                    result: c.task_state(&target.org, &target.user, &task_id).await,
                }
            }
            Effect::SearchAfter { token, after } => {
                tokio::time::sleep(after).await;
                Msg::SearchDue { token }
            }
        }
    }

    /// Writes the backup first; if that fails nothing is deleted.
    async fn backup_then_erase(
        &self,
        target: &super::event::Target,
        entries: Vec<crate::api::MemoryEntry>,
    ) -> Result<EraseReport, String> {
        let backup = Backup::new(
            &self.profile,
            self.client.base_url(),
            &target.org,
            &target.user,
            entries,
        );
        let dir = self.backups_dir.clone();
        let path = tokio::task::spawn_blocking(move || write_backup(&dir, &backup))
            .await
            .map_err(|e| format!("the backup could not be written ({e}); nothing was erased"))?
            .map_err(|e| format!("the backup could not be written ({e}); nothing was erased"))?;
        let outcome = self
            .client
            .erase_memory(&target.org, &target.user)
            .await
            .map_err(|e: ApiError| {
                format!(
                    "{e}; nothing was erased, the backup at {} stays",
                    path.display()
                )
            })?;
        if outcome == EraseOutcome::NothingThere {
            tracing::warn!(user = %target.user.username, "erase found nothing on the server");
        }
        Ok(EraseReport {
            backup: path,
            outcome,
        })
    }
}
