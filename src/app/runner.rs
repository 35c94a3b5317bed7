//! Runs effects on tokio: each one gets a clone of the client and sends its result back as a
//! message. Writes pass a read-only check here too, so the server sees only GETs in read-only
//! mode whatever the UI does, and every write is audited.

use tokio::sync::mpsc::UnboundedSender;

use crate::api::ApiClient;
use crate::ops::Ops;
use crate::store::DataDir;

use super::event::{Effect, Msg};

#[derive(Debug, Clone)]
pub struct Runner {
    pub(super) client: ApiClient,
    tx: UnboundedSender<Msg>,
    pub(super) read_only: bool,
    pub(super) profile: String,
    pub(super) dirs: DataDir,
    /// `None` when there is no audit log: then no write may be sent.
    pub(super) ops: Option<Ops>,
    /// One change of the tasks file at a time: each reads, edits and replaces it.
    pub(super) task_book: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Runner {
    pub fn new(
        client: ApiClient,
        tx: UnboundedSender<Msg>,
        read_only: bool,
        profile: String,
        dirs: DataDir,
        trail: Option<crate::ops::Trail>,
    ) -> Runner {
        let ops = trail.map(|trail| Ops::new(client.clone(), trail, &profile, dirs.backups()));
        Runner {
            client,
            tx,
            read_only,
            profile,
            dirs,
            ops,
            task_book: Default::default(),
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
            if let Some(msg) = this.perform(effect).await {
                // The receiver is gone only when the console is closing.
                let _ = this.tx.send(msg);
            }
        });
    }

    async fn perform(&self, effect: Effect) -> Option<Msg> {
        let c = &self.client;
        Some(match effect {
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
                result: c.read_memory(&target.org, &target.user).await,
            },
            Effect::LoadStatus { req, target } => Msg::Status {
                req,
                result: c.memory_status(&target.org, &target.user).await,
            },
            Effect::LoadMentor { req, target } => Msg::Mentor {
                req,
                result: c
                    .all_mentor_memories(&target.org, &target.user, &Default::default())
                    .await,
            },
            Effect::LoadCourse { req, target } => Msg::Course {
                req,
                result: c.course_memories_shown(&target.org, &target.user).await,
            },
            Effect::Create { target, text } => self.create(target, text).await,
            Effect::Replace {
                target,
                text,
                session_id,
                base,
                entry,
            } => self.replace(target, text, session_id, base, entry).await,
            Effect::SetEnabled { target, enabled } => self.set_enabled(target, enabled).await,
            Effect::Erase { target, scope } => self.erase(target, scope).await,
            Effect::Restore {
                target,
                backup,
                beside,
            } => self.restore(target, backup, beside).await,
            Effect::StoreErase { target, erase } => self.store_erase(target, erase).await,
            Effect::UpdateMentorEntry {
                target,
                entry_id,
                seen,
                key,
                value,
            } => {
                self.update_mentor_entry(target, entry_id, &seen, key, value)
                    .await
            }
            Effect::Forget { target } => self.forget(target).await,
            Effect::SaveDraft { draft } => return self.save_draft(draft).await,
            Effect::LoadDraft { target } => return self.load_draft(target).await,
            Effect::RemoveDraft { target } => return self.remove_draft(target).await,
            Effect::LoadAudit => self.load_audit().await,
            Effect::LoadTasks => self.load_tasks().await,
            Effect::RecordTask {
                target,
                task_id,
                kind,
            } => return self.record_task(target, task_id, kind).await,
            Effect::EndTask { task_id } => return self.end_task(task_id).await,
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
        })
    }
}
