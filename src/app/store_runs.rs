//! The runner's writes to the mentor and course stores and the forget of every store: each
//! is one call into the operations layer (`crate::ops`), which backs up, audits and
//! verifies; here its typed outcome becomes a message.

use crate::api::MentorEntry;
use crate::ops::StoreKind;

use super::event::{Msg, StoreErase, Target};
use super::runner::Runner;

impl Runner {
    pub(super) async fn store_erase(&self, target: Target, erase: StoreErase) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        let (org, user) = (&target.org, &target.user);
        let result = match &erase {
            StoreErase::MentorEntry { entry_id, .. } => {
                ops.erase_mentor_entry(org, user, entry_id).await
            }
            StoreErase::MentorCategory { category } => {
                ops.erase_mentor_category(org, user, category).await
            }
            StoreErase::CourseOne { memory_id } => {
                ops.erase_course_memory(org, user, memory_id).await
            }
            StoreErase::CourseAll => ops.erase_course_all(org, user).await,
        };
        Msg::StoreErased {
            target,
            erase,
            result,
        }
    }

    pub(super) async fn update_mentor_entry(
        &self,
        target: Target,
        entry_id: String,
        seen: &MentorEntry,
        key: String,
        value: String,
    ) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        let result = ops
            .update_mentor_entry(&target.org, &target.user, &entry_id, seen, &key, &value)
            .await;
        Msg::MentorEntrySaved { target, result }
    }

    pub(super) async fn forget(&self, target: Target) -> Msg {
        let Some(ops) = &self.ops else {
            return Self::not_sent(target);
        };
        let report = ops.forget(&target.org, &target.user, &StoreKind::ALL).await;
        Msg::Forgotten { target, report }
    }
}
