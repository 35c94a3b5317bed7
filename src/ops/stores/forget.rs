//! Forgetting a user: one backup of every store, durable before the first DELETE; then each
//! store erased (chat memory by the drain) and verified, with an outcome per store. A store
//! that may still hold data is `Failed`, so a forget is never reported done falsely.

use crate::api::{MemoryRead, OrgScope, StoreRead, UserRef};
use crate::store::Action;

use super::super::Ops;
use super::super::backup_file::BackupFile;
use super::super::erase::EraseFailure;
use super::sweep::{Swept, sweep};
use super::work::{Items, Work, read_store};
use super::{ForgetReport, StoreFailure, StoreKind, StoreOutcome};

/// What the first read of a store showed.
enum First {
    Chat(MemoryRead),
    Other(StoreRead<Items>),
    Failed(String),
}

impl Ops {
    /// Backs up every store in `stores` into one file (made durable before the first
    /// delete), then erases each, verifies each, and reports per store. Stores are handled
    /// in the order of [`StoreKind::ALL`], each once.
    pub async fn forget(
        &self,
        org: &OrgScope,
        user: &UserRef,
        stores: &[StoreKind],
    ) -> ForgetReport {
        let kinds: Vec<StoreKind> = StoreKind::ALL
            .into_iter()
            .filter(|k| stores.contains(k))
            .collect();
        let mut firsts = Vec::with_capacity(kinds.len());
        for &kind in &kinds {
            firsts.push((kind, self.first_read(org, user, kind).await));
        }
        let mut file = BackupFile::new(self, org, user);
        let (mut chat, mut mentor, mut course) = (Vec::new(), Vec::new(), Vec::new());
        for (_, first) in &firsts {
            match first {
                First::Chat(read) => chat.extend(read.entries.iter().cloned()),
                First::Other(StoreRead::Items(Items::Mentor(m))) => {
                    mentor.extend(m.iter().cloned())
                }
                First::Other(StoreRead::Items(Items::Course(c))) => {
                    course.extend(c.iter().cloned())
                }
                _ => {}
            }
        }
        if let Err(e) = file.add_all(self, &chat, &mentor, &course).await {
            let why = format!("the backup could not be written, so nothing was deleted: {e}");
            return ForgetReport {
                backup: None,
                stores: kinds
                    .into_iter()
                    .map(|k| (k, failed(why.clone(), 0)))
                    .collect(),
            };
        }
        let mut outcomes = Vec::with_capacity(kinds.len());
        // Set when the backup or the audit log stops working: no store after it is touched.
        let mut halted: Option<String> = None;
        for (kind, first) in firsts {
            if let Some(why) = &halted {
                outcomes.push((kind, failed(format!("not attempted: {why}"), 0)));
                continue;
            }
            let (outcome, back, stop) = match first {
                First::Failed(why) => (failed(why, 0), file, None),
                First::Chat(read) => self.forget_chat(org, user, file, read).await,
                First::Other(read) => self.forget_store(org, user, kind, read, file).await,
            };
            file = back;
            halted = stop;
            outcomes.push((kind, outcome));
        }
        ForgetReport {
            backup: file.path().map(Into::into),
            stores: outcomes,
        }
    }

    async fn first_read(&self, org: &OrgScope, user: &UserRef, kind: StoreKind) -> First {
        match kind {
            StoreKind::Chat => match self.client.read_memory(org, user).await {
                Ok(read) => First::Chat(read),
                Err(e) => First::Failed(format!("cannot read the chat store: {e}")),
            },
            _ => match read_store(self, org, user, kind).await {
                Ok(read) => First::Other(read),
                Err(e) => First::Failed(StoreFailure::Read(kind, e).to_string()),
            },
        }
    }

    /// The chat drain into the shared backup; the outcome, the file, and why to halt.
    async fn forget_chat(
        &self,
        org: &OrgScope,
        user: &UserRef,
        file: BackupFile,
        first: MemoryRead,
    ) -> (StoreOutcome, BackupFile, Option<String>) {
        let (result, file) = self
            .drain_into(org, user, Action::Forget, file, Some(first))
            .await;
        match result {
            Ok(erased) if erased.deletes == 0 => (StoreOutcome::AlreadyEmpty, file, None),
            Ok(erased) => (
                StoreOutcome::Erased {
                    items: erased.entries,
                },
                file,
                None,
            ),
            Err(e) => {
                let halt = matches!(e.failure, EraseFailure::Backup(_) | EraseFailure::Audit(_))
                    .then(|| e.failure.to_string());
                (failed(e.failure.to_string(), e.erased), file, halt)
            }
        }
    }

    /// The sweep of a store beside chat memory into the shared backup.
    async fn forget_store(
        &self,
        org: &OrgScope,
        user: &UserRef,
        kind: StoreKind,
        first: StoreRead<Items>,
        file: BackupFile,
    ) -> (StoreOutcome, BackupFile, Option<String>) {
        let mut work = Work::new(self, org, user, kind, Action::Forget, file);
        let result = sweep(&mut work, Some(first)).await;
        let outcome = match &result {
            Ok(Swept::Erased(items)) => StoreOutcome::Erased { items: *items },
            Ok(Swept::Empty) => StoreOutcome::AlreadyEmpty,
            Ok(Swept::Unavailable(gap)) => StoreOutcome::Unavailable {
                reason: gap.to_string(),
            },
            Err(e) => failed(e.failure.to_string(), e.erased),
        };
        let halt = match &result {
            Err(e) if matches!(e.failure, StoreFailure::Backup(_) | StoreFailure::Audit(_)) => {
                Some(e.failure.to_string())
            }
            _ => None,
        };
        (outcome, work.file, halt)
    }
}

fn failed(failure: String, erased: usize) -> StoreOutcome {
    StoreOutcome::Failed { failure, erased }
}
