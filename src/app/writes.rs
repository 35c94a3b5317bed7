//! The runner's writes: each goes through the operations layer (`crate::ops`), which
//! re-checks, backs up, audits and verifies; here its typed outcome becomes a message.

use std::path::PathBuf;

use crate::api::{ApiError, MemoryWrite};
use crate::ops::WriteError;
use crate::store::Action;

use super::event::{EraseScope, Msg, Target};
use super::runner::Runner;

/// Why nothing can be written at all.
const NO_AUDIT_LOG: &str = "not sent: there is no audit log, so changes are switched off";

impl Runner {
    pub(super) fn not_sent(target: Target) -> Msg {
        Msg::NotSent {
            target,
            why: NO_AUDIT_LOG.into(),
        }
    }

    pub(super) async fn create(&self, target: Target, text: String) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        let write = MemoryWrite::new(text.clone());
        let result = ops.create(&target.org, &target.user, &write).await;
        let edit = Edit {
            target,
            mine: text,
            creating: true,
            entry: None,
        };
        edit.answer(result, |target, result| Msg::Created { target, result })
    }

    pub(super) async fn replace(
        &self,
        target: Target,
        text: String,
        session_id: Option<String>,
        base: String,
        entry: Option<i64>,
    ) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        let write = MemoryWrite {
            content: text.clone(),
            session_id,
        };
        let (org, user) = (&target.org, &target.user);
        match entry {
            Some(id) => {
                let result = ops.update_entry(org, user, id, Some(&base), &write).await;
                let edit = Edit {
                    target,
                    mine: text,
                    creating: false,
                    entry,
                };
                edit.answer(result, |target, result| Msg::EntryUpdated {
                    target,
                    result,
                })
            }
            None => {
                let result = ops.replace(org, user, Some(&base), &write).await;
                let edit = Edit {
                    target,
                    mine: text.clone(),
                    creating: false,
                    entry: None,
                };
                edit.answer(result, |target, result| Msg::Queued {
                    target,
                    text,
                    result,
                })
            }
        }
    }

    pub(super) async fn set_enabled(&self, target: Target, enabled: bool) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        match ops.set_enabled(&target.org, &target.user, enabled).await {
            Ok(status) => Msg::Toggled {
                target,
                result: Ok(status),
            },
            Err(WriteError::Check(api) | WriteError::Request(api)) => Msg::Toggled {
                target,
                result: Err(api),
            },
            Err(e) => Msg::NotSent {
                target,
                why: e.to_string(),
            },
        }
    }

    pub(super) async fn erase(&self, target: Target, scope: EraseScope) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        let (org, user) = (&target.org, &target.user);
        let result = match scope {
            EraseScope::Entry(id) => ops.erase_entry(org, user, id, Action::EntryErase).await,
            EraseScope::All => ops.erase_all(org, user, Action::Erase).await,
        };
        Msg::Erased {
            target,
            scope,
            result,
        }
    }

    pub(super) async fn restore(&self, target: Target, backup: PathBuf, beside: Vec<i64>) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        Msg::Restored {
            result: ops.restore_beside(&backup, None, &beside).await,
            target,
        }
    }
}

/// An edit being saved, for wording what the operations layer answered.
struct Edit {
    target: Target,
    mine: String,
    creating: bool,
    entry: Option<i64>,
}

impl Edit {
    /// A conflict becomes the conflict dialog and a missing audit line "not sent"; the rest
    /// (a success, or the server's error) goes to `done` to word as a save.
    fn answer<T>(
        self,
        result: Result<T, WriteError>,
        done: impl FnOnce(Target, Result<T, ApiError>) -> Msg,
    ) -> Msg {
        match result {
            Ok(v) => done(self.target, Ok(v)),
            Err(WriteError::Conflict { server }) => Msg::Conflict {
                target: self.target,
                mine: self.mine,
                server,
                creating: self.creating,
                entry: self.entry,
            },
            Err(e @ (WriteError::Audit(_) | WriteError::EntryChanged { .. })) => Msg::NotSent {
                target: self.target,
                why: e.to_string(),
            },
            Err(WriteError::Check(api) | WriteError::Request(api)) => done(self.target, Err(api)),
        }
    }
}
