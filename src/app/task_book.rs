//! The runner's side of the tasks file: the queued updates a later run should ask about.

use super::event::{Msg, Target};
use super::runner::Runner;
use crate::api::TaskId;
use crate::store::{TaskRecord, end_task, load_tasks, record_task};

impl Runner {
    pub(super) async fn load_tasks(&self) -> Msg {
        let _one_at_a_time = self.task_book.lock().await;
        let path = self.dirs.tasks();
        let (profile, base_url) = (self.profile.clone(), self.client.base_url().to_owned());
        let result =
            tokio::task::spawn_blocking(move || load_tasks(&path, &profile, &base_url)).await;
        Msg::TasksLoaded {
            result: match result {
                Ok(r) => r.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
        }
    }

    pub(super) async fn record_task(
        &self,
        target: Target,
        task_id: TaskId,
        kind: &'static str,
    ) -> Option<Msg> {
        let record = TaskRecord::new(
            &self.profile,
            self.client.base_url(),
            &target.org,
            &target.user,
            &task_id.0,
            kind,
        );
        let path = self.dirs.tasks();
        self.change(move || record_task(&path, &record)).await
    }

    pub(super) async fn end_task(&self, task_id: TaskId) -> Option<Msg> {
        let path = self.dirs.tasks();
        let (profile, base_url) = (self.profile.clone(), self.client.base_url().to_owned());
        self.change(move || end_task(&path, &profile, &base_url, &task_id.0))
            .await
    }

    async fn change(
        &self,
        write: impl FnOnce() -> Result<(), crate::store::StoreError> + Send + 'static,
    ) -> Option<Msg> {
        // A read-only session leaves the data dir as it found it; the next writable run
        // still finds the task.
        if self.read_only {
            return None;
        }
        let _one_at_a_time = self.task_book.lock().await;
        match tokio::task::spawn_blocking(write).await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(Msg::TaskBookFailed { why: e.to_string() }),
            Err(e) => Some(Msg::TaskBookFailed { why: e.to_string() }),
        }
    }
}
